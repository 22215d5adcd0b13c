"""``callqa status``: the recording queue at a glance, for a person on call at night.

Waiting, processing, done and failed (by reason) in the last day, the workers seen lately
with their last heartbeat, and the oldest recording still waiting. ``--json`` for scripts
and monitoring. A waiting recording older than ``--stuck-minutes`` makes the command exit
with 3, so a cron job or a health probe can alert on it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer

from api.cli.common import app, fail, out, settings
from pipeline.db.queue_status import QueueStatus


def _ago(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"


def render_status(s: QueueStatus) -> str:
    """Plain lines, at most 80 columns (a long key or worker name is cut in the middle)."""
    def cut(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width // 2):]

    failed = sum(s.failed_last_day.values())
    lines = [f"recordings  waiting {s.waiting}   processing {s.processing}   "
             f"done (last day) {s.done_last_day}   failed (last day) {failed}"]
    for reason, n in s.failed_last_day.items():
        lines.append(f"  failed: {cut(reason, 50):<50} {n:>6}")
    if s.oldest_waiting_key is not None:
        lines.append(f"oldest waiting  {cut(s.oldest_waiting_key, 44)}  "
                     f"{_ago(s.oldest_waiting_age)}")
    if s.workers:
        lines.append("workers seen (last day)           last heartbeat      holding")
        for w in s.workers:
            lines.append(f"  {cut(w.name, 32):<32} {_ago(s.at - w.last_heartbeat):>16} "
                         f"{w.holding:>11}")
    else:
        lines.append("workers seen (last day): none")
    return "\n".join(lines)


@app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="As JSON, for scripts.")] = False,
    stuck_minutes: Annotated[int, typer.Option(
        help="Exit 3 when a recording has waited longer than this.")] = 60,
) -> None:
    """The recording queue at a glance: waiting, processing, failed by reason, workers.

    Example: ``callqa status``, or ``callqa status --json --stuck-minutes 30`` in a cron
    job that alerts when it exits 3.
    """
    from pipeline.db.queue_status import queue_status
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError

    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            s = queue_status(session)
    except CallqaError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps(s.to_dict(), ensure_ascii=False, indent=2))
    else:
        out.print(render_status(s), highlight=False, soft_wrap=True)
    age = s.oldest_waiting_age
    if age is not None and age > timedelta(minutes=stuck_minutes):
        if not as_json:
            out.print(f"stuck: a recording has waited more than {stuck_minutes} min",
                      highlight=False)
        raise typer.Exit(3)
