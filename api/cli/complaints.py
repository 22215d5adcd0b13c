"""Complaint case commands: ``callqa complaints list|escalate|check``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from api.cli.common import app, err, fail, out, settings
from api.cli.listing import AsCsv, AsJson, emit

complaints_app = typer.Typer(help="Complaint cases (ISO 10002): list, escalate, check the SLA.",
                             no_args_is_help=True)
app.add_typer(complaints_app, name="complaints")

FIELDS = ("reference", "status", "category", "due_at", "overdue", "escalation_level",
          "opened_at", "calls")


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO date and time; write it like "
                                 "2026-12-07T09:30:00+03:00", param_hint="--now") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in columns:
        table.add_column(name, overflow="fold", no_wrap=name in ("reference", "due"))
    return table


def _short(at: Any) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "-"


@complaints_app.command("list")
def complaints_list(
    status: Annotated[str | None, typer.Option(
        help="Only cases in this state (received, acknowledged, ..., closed).")] = None,
    overdue: Annotated[bool, typer.Option(help="Only open cases past their due date.")] = False,
    category: Annotated[str | None, typer.Option(help="Only this taxonomy category.")] = None,
    now: Annotated[str | None, typer.Option(help="Overdue as of this ISO time.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many cases.")] = 100,
    as_json: AsJson = False, as_csv: AsCsv = False,
) -> None:
    """List complaint cases, open ones first, the soonest due first.

    Example: ``callqa complaints list --overdue``
    """
    from pipeline.db.complaint_listing import CaseFilters, list_cases
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError

    at = _when(now)
    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            page = list_cases(session, CaseFilters(status=status, category=category,
                                                   overdue=overdue), at, limit=limit)
            rows: list[dict[str, Any]] = [{
                "reference": c.reference, "status": c.status, "category": c.category,
                "due_at": c.due_at, "overdue": overdue_flag, "calls": len(c.calls),
                "escalation_level": c.escalation_level, "opened_at": c.opened_at}
                for c, overdue_flag in page.rows]
    except CallqaError as exc:
        raise fail(exc) from None
    if emit(rows, FIELDS, as_json, as_csv):
        return
    table = _table(f"{page.count} complaint case(s)",
                   ("reference", "status", "category", "due", "level", "calls"))
    for row in rows:
        due = _short(row["due_at"]) + (" overdue" if row["overdue"] else "")
        table.add_row(row["reference"], row["status"], row["category"] or "-", due,
                      str(row["escalation_level"]), str(row["calls"]))
    out.print(table, highlight=False)


@complaints_app.command("escalate")
def complaints_escalate(
    now: Annotated[str | None, typer.Option(
        help="Escalate as of this ISO time (default: now).")] = None,
    as_json: AsJson = False,
) -> None:
    """Escalate every open complaint case past its stage's deadline, once per deadline
    (what the complaint-sla flow does every 15 minutes); running it again does nothing.

    Example: ``callqa complaints escalate --now 2026-12-07T18:00:00+03:00``
    """
    import json
    import sys

    from pipeline.db.complaint_escalation import escalate_overdue
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError

    at = _when(now)
    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            made = [e.to_dict() for e in escalate_overdue(session, at)]
    except CallqaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(made, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"{len(made)} complaint case(s) escalated as of {at.isoformat()}",
              highlight=False)
    if made:
        table = _table("Escalated", ("reference", "status", "missed", "due", "level"))
        for e in made:
            table.add_row(e["reference"], e["status"], e["deadline"],
                          e["due_at"][:16].replace("T", " "), str(e["level"]))
        out.print(table, highlight=False)


@complaints_app.command("check")
def complaints_check(
    files: Annotated[list[Path] | None, typer.Argument(
        help="SLA YAML files; default: CALLQA_COMPLAINT_SLA or the shipped one.")] = None,
) -> None:
    """Validate complaint SLA files: a file with an error is refused whole, with its line.

    Example: ``callqa complaints check my_complaint_sla.yaml``
    """
    from pipeline.errors import ComplaintSlaError
    from scoring.complaint_sla import SHIPPED_SLA, read_sla

    paths = files or [settings().complaint_sla or SHIPPED_SLA]
    bad = 0
    for path in paths:
        try:
            sla = read_sla(path)
        except ComplaintSlaError as exc:
            bad += 1
            err.print(f"[red]invalid:[/red] {escape(str(exc))}", highlight=False,
                      soft_wrap=True)
            continue
        out.print(f"ok: {path}: version {sla.version}, {len(sla.categories)} categories and "
                  f"a default, {len(sla.root_causes)} root causes, complaint flags: "
                  f"{', '.join(sla.complaint_flags)}", highlight=False)
    if bad:
        raise typer.Exit(1)
