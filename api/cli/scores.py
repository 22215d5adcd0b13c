"""Scoring commands: ``callqa score``, ``callqa rescore``, ``callqa rubric check|list``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from api.cli.common import Verbose, app, err, fail, out, quiet_prefect, rubric_app, settings
from api.cli.listing import AsCsv, AsJson, emit


@app.command()
def score(
    call: Annotated[str, typer.Argument(help="A call id (or its first 8 characters).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scorecard as JSON.")] = False,
) -> None:
    """Print a call's scorecard: sections, points, each criterion with its evidence, flags.

    Example: ``callqa score 3f9c2a1b``
    """
    from api.cli.render_score import score_dict, scorecard
    from pipeline.db.calls import get_call
    from pipeline.db.scores import current_score
    from pipeline.db.session import ensure_schema, session_scope

    url = settings().resolved_database_url
    ensure_schema(url)
    with session_scope(url) as session:
        found = get_call(session, call)
        if found is None:
            raise fail(RuntimeError(f"no call {call!r}; list calls with `callqa calls`"))
        card = current_score(session, found.id)
        if card is None:
            why = f" (status {found.status})" if found.status != "done" else ""
            raise fail(RuntimeError(f"call {found.id} has no score{why}; "
                                    "score it with `callqa rescore --call <id>`"))
        if as_json:
            sys.stdout.write(json.dumps(score_dict(card), ensure_ascii=False, indent=2) + "\n")
            return
        out.print(scorecard(found, card), highlight=False)


@app.command()
def rescore(
    rubric: Annotated[
        str | None, typer.Option(help="Rubric file or shipped name; default: as configured.")
    ] = None,
    call: Annotated[list[str] | None, typer.Option(help="Only this call (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many calls.")] = None,
    override_human: Annotated[bool, typer.Option(
        "--override-human",
        help="Make the new score current even where a person's score (a closed review, "
             "an accepted dispute) is current.")] = False,
    verbose: Verbose = False,
) -> None:
    """Score stored calls again (a new rubric version, say) without transcribing them again.

    A call whose current score a person made keeps it ("kept human score"); the new
    automatic score goes to its history, unless ``--override-human``.

    Example: ``callqa rescore --rubric rubrics/inbound_service_tr_v2.yaml``
    """
    quiet_prefect(verbose)
    from flows.rescore import rescore as rescore_flow
    from pipeline.db.calls import get_call
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError

    ids = None
    if call:
        with session_scope(settings().resolved_database_url) as session:
            found = [(ref, get_call(session, ref)) for ref in call]
            missing = [ref for ref, c in found if c is None]
            if missing:
                raise fail(RuntimeError(f"no call {', '.join(missing)}"))
            ids = [c.id for _, c in found if c is not None]
    try:
        report = rescore_flow(rubric, ids, limit, override_human=override_human)
    except CallqaError as exc:
        raise fail(exc) from None
    kept = f" ({report.kept_human} kept their human score)" if report.kept_human else ""
    out.print(f"rescored {report.scored} call(s) with {rubric or 'the configured rubrics'}"
              f"{kept}; {report.unscored} not scored")
    for o in report.outcomes:
        if o.total is None:
            err.print(f"[yellow]{o.call_id[:8]}:[/yellow] {o.note}", highlight=False,
                      soft_wrap=True)
        else:
            flags = ", ".join(o.flags) or "no flags"
            kept_note = "" if o.kept_human is None else (
                f"  kept human score {o.kept_human:.1f} (the new score is history)")
            out.print(f"{o.call_id[:8]}  {o.rubric}  {o.total:.1f}"
                      f"{'  AUTO-FAIL' if o.auto_failed else ''}  {flags}{kept_note}",
                      highlight=False)


@rubric_app.command("check")
def rubric_check(
    files: Annotated[list[Path], typer.Argument(help="Rubric YAML files.")],
) -> None:
    """Validate rubric files: every problem with its file, line and criterion id.

    Example: ``callqa rubric check rubrics/inbound_service_tr.yaml``
    """
    from pipeline.errors import RubricError
    from scoring import load_rubric

    bad = 0
    for path in files:
        try:
            rubric = load_rubric(path)
        except RubricError as exc:
            bad += 1
            err.print(f"[red]invalid:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            continue
        criteria = sum(1 for _ in rubric.criteria())
        out.print(f"ok: {path}: {rubric.label} ({rubric.language}), {len(rubric.sections)} "
                  f"sections, {criteria} criteria, {len(rubric.flags)} flag rules",
                  highlight=False)
    if bad:
        raise typer.Exit(1)


@rubric_app.command("list")
def rubric_list(as_json: AsJson = False, as_csv: AsCsv = False) -> None:
    """List the rubrics in force, as scoring picks from them, and where each came from.

    ``CALLQA_RUBRIC`` alone when set; otherwise the ``CALLQA_RUBRICS_DIR`` folder's rubrics
    or the shipped ones, with the stored versions an admin activated in their place.

    Example: ``callqa rubric list``
    """
    from pipeline.db.session import ensure_schema
    from pipeline.errors import CallqaError
    from scoring.in_force import SETTING, in_force

    s = settings()
    try:
        if not s.rubric:  # activated versions are in the database
            ensure_schema(s.resolved_database_url)
        rubrics = in_force(s)
    except CallqaError as exc:
        raise fail(exc) from None
    rows: list[dict[str, Any]] = [{
        "rubric": f.rubric.name, "version": f.rubric.version, "language": f.rubric.language,
        "directions": list(f.rubric.applies_to.direction),
        "queues": list(f.rubric.applies_to.queue),
        "origin": f"{f.origin}={s.rubric}" if f.origin == SETTING else f.origin,
    } for f in rubrics]
    if emit(rows, ("rubric", "version", "language", "directions", "queues", "origin"),
            as_json, as_csv):
        return
    table = Table(title="Rubrics in force", title_justify="left", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in ("rubric", "version", "lang", "applies to", "from"):
        table.add_column(name, overflow="fold", no_wrap=name in ("version", "lang"))
    for row in rows:
        scope = ", ".join(filter(None, ["/".join(row["directions"]),
                                        "/".join(row["queues"])])) or "any call"
        table.add_row(row["rubric"], row["version"], row["language"], scope, row["origin"])
    out.print(table, highlight=False)
