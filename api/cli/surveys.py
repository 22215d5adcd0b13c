"""Survey commands: ``callqa surveys import FILE.csv``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from api.cli.common import app, err, fail, out, settings

surveys_app = typer.Typer(help="Post-call survey answers (CSAT, NPS): import them.",
                          no_args_is_help=True)
app.add_typer(surveys_app, name="surveys")


@surveys_app.command("import")
def surveys_import(
    file: Annotated[Path, typer.Argument(help="A CSV of survey answers (UTF-8).")],
    source: Annotated[str, typer.Option(help="Where the answers came from, for rows that "
                                             "do not say.")] = "csv",
) -> None:
    """Import survey answers (CSAT 1-5, NPS 0-10), attached to calls by call_id or
    source_key. A file with a bad row is refused whole, every problem named by line;
    rows for unknown calls are listed and not stored; a re-import updates, it does
    not duplicate.

    Example: ``callqa surveys import exports/csat-2026-11.csv``
    """
    from pipeline.db.audit import audit
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.db.surveys import import_surveys
    from pipeline.errors import CallqaError, SurveyFileError
    from pipeline.surveys import parse_csv

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(CallqaError(f"cannot read {file}: {exc.strerror}",
                               hint="Check the path.")) from None
    try:
        rows = parse_csv(data, file.name)
    except SurveyFileError as exc:
        err.print("[red]refused:[/red] nothing was imported", highlight=False)
        for problem in exc.problems:
            err.print(escape(problem.text("en")), highlight=False, soft_wrap=True)
        err.print(exc.hint, highlight=False)
        raise typer.Exit(1) from None
    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            report = import_surveys(session, rows, source=source[:100])
            audit(session, None, "survey.import", "surveys", file.name, actor="cli",
                  rows=len(rows), imported=report.imported, updated=report.updated,
                  unknown=len(report.unknown))
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"{file.name}: {report.imported} imported, {report.updated} updated, "
              f"{len(report.unknown)} for unknown calls (not stored)", highlight=False)
    for u in report.unknown:
        out.print(f"  {escape(file.name)}:{u.line}: no call {escape(u.ref)!r}",
                  highlight=False, soft_wrap=True)
