"""Notification commands: ``callqa notifications send|list|retry``.

    callqa notifications send [--limit 500]
    callqa notifications list [--dead | --status queued] [--json | --csv]
    callqa notifications retry ID

Each calls :mod:`pipeline.notify` (the ``notify`` flow runs the same delivery every
minute) and prints callqa's errors as one line.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.cli.common import app, fail, out, settings
from api.cli.listing import AsCsv, AsJson, emit

notifications_app = typer.Typer(help="Notifications: the outbox of webhooks and e-mail, "
                                     "its dead letters and their retry.",
                                no_args_is_help=True)
app.add_typer(notifications_app, name="notifications")

FIELDS = ("id", "event", "channel", "target", "status", "attempts", "next_attempt_at",
          "last_error", "subject_type", "subject_id", "delivery_id", "created_at", "sent_at")


def _database() -> str:
    from pipeline.db.session import ensure_schema

    url: str = settings().resolved_database_url
    ensure_schema(url)
    return url


@notifications_app.command("send")
def notifications_send(
    limit: Annotated[int, typer.Option(min=1, help="Try at most this many deliveries.")] = 500,
) -> None:
    """Send the due notifications now (what the ``notify`` flow does every minute).

    Example: ``callqa notifications send``
    """
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError
    from pipeline.notify import deliver_due

    try:
        url = _database()
        report = deliver_due(lambda: session_scope(url), limit=limit)
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"{report.sent} sent, {report.retried} to retry later, {report.dead} dead",
              highlight=False)
    if report.dead:
        out.print("see them with `callqa notifications list --dead`", highlight=False)


@notifications_app.command("list")
def notifications_list(
    dead: Annotated[bool, typer.Option("--dead", help="Only the dead letters.")] = False,
    status: Annotated[str | None, typer.Option(
        help="Only this status: queued, sending, sent or dead.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="The newest this many.")] = 50,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
) -> None:
    """The newest notification deliveries, with their status, tries and last error.

    Example: ``callqa notifications list --dead``
    """
    from rich import box
    from rich.table import Table

    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError
    from pipeline.notify import delivery_public, list_deliveries

    try:
        with session_scope(_database()) as session:
            rows: list[dict[str, Any]] = [
                delivery_public(r) for r in list_deliveries(
                    session, "dead" if dead else status, limit=limit)]
    except CallqaError as exc:
        raise fail(exc) from None
    if emit(rows, FIELDS, as_json, as_csv):
        return
    if not rows:
        out.print("no notification deliveries" + (" are dead" if dead else ""),
                  highlight=False)
        return
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in ("id", "event", "to", "status", "tries", "last error"):
        table.add_column(name, overflow="fold", no_wrap=name in ("id", "status", "tries"),
                         justify="right" if name in ("id", "tries") else "left")
    for row in rows:
        to = row["target"] if row["channel"] == "webhook" else f"user {row['target']}"
        table.add_row(str(row["id"]), row["event"], f"{row['channel']}:{to}", row["status"],
                      str(row["attempts"]), row["last_error"] or "-")
    out.print(table, highlight=False, width=min(out.width, 80) if not out.is_terminal
              else None)


@notifications_app.command("retry")
def notifications_retry(
    delivery: Annotated[int, typer.Argument(help="The delivery's id (from `list --dead`).")],
) -> None:
    """Queue a dead delivery again, due now, with its tries reset (same delivery id).

    Example: ``callqa notifications retry 42 && callqa notifications send``
    """
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError
    from pipeline.notify import retry_delivery

    try:
        with session_scope(_database()) as session:
            row = retry_delivery(session, delivery)
            event, target = row.event, f"{row.channel} {row.target}"
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"delivery {delivery} ({event} to {target}) queued again", highlight=False)
