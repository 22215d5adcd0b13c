"""``callqa coaching list``: the coaching tasks given to agents (every task: the CLI runs on
the server, as an operator), open and soonest due first; a table that fits the terminal
(80 columns when piped), or ``--json`` / ``--csv`` with every field."""

from __future__ import annotations

import csv
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.common import app, fail, out, settings
from api.csv_cells import csv_cell

if TYPE_CHECKING:
    from pipeline.db.coaching_records import CoachingTask

coaching_app = typer.Typer(help="Coaching tasks given to agents.", no_args_is_help=True)
app.add_typer(coaching_app, name="coaching")

FIELDS = ("id", "agent", "agent_name", "team", "status", "overdue", "due_on", "title",
          "criterion_id", "call_id", "clip_id", "note", "created_by", "created_at",
          "done_at", "done_note")


def _row(task: CoachingTask, titles: dict[str, str]) -> dict[str, Any]:
    from scoring.work.coaching import overdue, task_title

    return {"id": task.id, "agent": task.agent.external_id, "agent_name": task.agent.name,
            "team": task.agent.team.name if task.agent.team else None,
            "status": task.status, "overdue": overdue(task),
            "due_on": task.due_on.isoformat() if task.due_on else None,
            "title": task_title(task, titles), "criterion_id": task.criterion_id,
            "call_id": task.call_id, "clip_id": task.clip_id, "note": task.note,
            "created_by": task.creator.username, "created_at": task.created_at.isoformat(),
            "done_at": task.done_at.isoformat() if task.done_at else None,
            "done_note": task.done_note}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _table(rows: list[dict[str, Any]], count: int, width: int) -> None:
    fixed = 6 + 1 + 12 + 1 + 8 + 1 + 10 + 1 + 12 + 1  # id agent status due by, spaced
    rest = max(20, width - fixed)
    out.print(f"{'ID':>6} {'AGENT':12} {'STATUS':8} {'DUE':10} {'BY':12} WHAT", highlight=False)
    for r in rows:
        state = "overdue" if r["overdue"] else r["status"]
        out.print(f"{r['id']:>6} {_cut(r['agent'], 12):12} {state:8} {r['due_on'] or '-':10} "
                  f"{_cut(r['created_by'], 12):12} {_cut(r['title'], rest)}",
                  highlight=False, soft_wrap=True)
    more = f" (first {len(rows)} shown; --limit for more)" if count > len(rows) else ""
    out.print(f"{count} task{'s' if count != 1 else ''}{more}", highlight=False)


@coaching_app.command("list")
def coaching_list(
    agent: Annotated[str | None, typer.Option(help="Only this agent's (external id).")] = None,
    status: Annotated[str | None, typer.Option(help="open or done.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue",
                                          help="Only open tasks past their due date.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="At most this many.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="As JSON, for scripts.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="As CSV, for spreadsheets.")] = False,
) -> None:
    """List coaching tasks: open ones first (overdue and soonest due first), then done.

    Example: ``callqa coaching list --overdue`` or ``callqa coaching list --agent A-17 --csv``
    """
    from sqlalchemy import select

    from pipeline.db.models import Agent
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError, Invalid, NotFound
    from scoring.work.coaching import criterion_titles, list_tasks

    if as_json and as_csv:
        raise fail(Invalid("choose --json or --csv, not both"))
    if status not in (None, "open", "done"):
        raise fail(Invalid(f"--status is open or done, not {status!r}"))
    config = settings()
    url = config.resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            agent_id = None
            if agent is not None:
                agent_id = session.scalar(select(Agent.id).where(Agent.external_id == agent))
                if agent_id is None:
                    raise NotFound(f"no agent {agent!r}: the agent id is the one in the "
                                   "call metadata (see callqa calls)")
            tasks, count = list_tasks(session, None, status=status, agent_id=agent_id,
                                      overdue_only=overdue, limit=limit)
            titles = criterion_titles(config, "en")
            rows = [_row(t, titles) for t in tasks]
    except CallqaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows([csv_cell(r[f]) for f in FIELDS] for r in rows)
    else:
        _table(rows, count, out.width)
