"""Contact-reason commands: ``callqa taxonomy check|show`` and ``callqa recategorise``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from api.cli.common import Verbose, app, err, fail, out, quiet_prefect, settings
from api.cli.listing import AsCsv, AsJson, emit

taxonomy_app = typer.Typer(help="Contact-reason taxonomies: check and show them.",
                           no_args_is_help=True)
app.add_typer(taxonomy_app, name="taxonomy")


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name in columns:
        table.add_column(name, overflow="fold", no_wrap=name in ("reason", "calls", "rules"))
    return table


@taxonomy_app.command("check")
def taxonomy_check(
    files: Annotated[list[Path], typer.Argument(help="Taxonomy YAML files.")],
) -> None:
    """Validate taxonomy files: a file with an error is refused whole, with its line.

    Example: ``callqa taxonomy check taxonomies/contact_reasons_v2.yaml``
    """
    from pipeline.errors import TaxonomyError
    from scoring.taxonomy import load_taxonomy

    bad = 0
    for path in files:
        try:
            t = load_taxonomy(path)
        except TaxonomyError as exc:
            bad += 1
            err.print(f"[red]invalid:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            if exc.hint:
                err.print(exc.hint, highlight=False, soft_wrap=True)
            continue
        rules = sum(len(r.rules) for r in t.reasons) + sum(len(p.rules) for p in t.products)
        out.print(f"ok: {path}: {t.label}, {len(t.categories)} categories, "
                  f"{len(t.reasons)} reasons, {len(t.products)} products, {rules} rules",
                  highlight=False)
    if bad:
        raise typer.Exit(1)


@taxonomy_app.command("show")
def taxonomy_show(
    taxonomy: Annotated[str | None, typer.Argument(
        help="A taxonomy file or shipped name; default: CALLQA_TAXONOMY.")] = None,
    lang: Annotated[str, typer.Option(help="Titles in this language (en, tr).")] = "en",
    as_json: AsJson = False, as_csv: AsCsv = False,
) -> None:
    """List a taxonomy's reasons: code, title, whether it is a complaint, its rules.

    Example: ``callqa taxonomy show --lang tr``
    """
    from pipeline.errors import CallqaError
    from scoring.taxonomy import load_taxonomy

    try:
        t = load_taxonomy(taxonomy or settings().taxonomy)
    except CallqaError as exc:
        raise fail(exc) from None
    rows: list[dict[str, Any]] = [{
        "reason": r.code, "category": (t.category(r.category) or r).title_in(lang),
        "title": r.title_in(lang), "complaint": r.complaint, "product": r.product,
        "rules": ", ".join(f"{k}×{n}" for k, n in _kinds(r.rules)),
    } for r in t.reasons]
    if emit(rows, ("reason", "category", "title", "complaint", "product", "rules"),
            as_json, as_csv):
        return
    by_code = {r.code: r for r in t.reasons}
    table = _table(f"{t.label}: {len(t.reasons)} reasons", ("reason", "title", "rules"))
    for row in rows:
        mark = " (complaint)" if row["complaint"] else ""
        table.add_row(row["reason"], f"{row['title']}{mark}",
                      str(sum(n for _, n in _kinds(by_code[row["reason"]].rules))))
    out.print(table, highlight=False)


def _kinds(rules: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for rule in rules:
        counts[rule.type] = counts.get(rule.type, 0) + 1
    return sorted(counts.items())


@app.command()
def recategorise(
    taxonomy: Annotated[str | None, typer.Option(
        help="Taxonomy file or shipped name; default: CALLQA_TAXONOMY.")] = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every done call, not only those this taxonomy has not seen.")] = False,
    call: Annotated[list[str] | None, typer.Option(help="Only this call (repeatable).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many calls.")] = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Give stored calls their contact reasons again (a changed taxonomy, say) without
    transcribing them again. By default only calls this taxonomy has not categorised.

    Example: ``callqa recategorise --taxonomy taxonomies/contact_reasons_v2.yaml``
    """
    import json
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    quiet_prefect(verbose)
    from flows.recategorise import recategorise as recategorise_flow
    from pipeline.db.calls import get_call
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError

    url = settings().resolved_database_url
    ids = None
    try:
        ensure_schema(url)
        if call:
            with session_scope(url) as session:
                found = [(ref, get_call(session, ref)) for ref in call]
                missing = [ref for ref, c in found if c is None]
                if missing:
                    raise fail(RuntimeError(f"no call {', '.join(missing)}; list calls "
                                            "with `callqa calls`"))
                ids = [c.id for _, c in found if c is not None]
        with Progress(TextColumn("[bold]recategorise[/bold]"), BarColumn(),
                      MofNCompleteColumn(), console=err, transient=True) as progress:
            bar = progress.add_task("", total=None)

            def hook(stage: str, completed: float = 0, total: float = 0, **_: Any) -> None:
                progress.update(bar, completed=completed, total=total or None)

            report = recategorise_flow(taxonomy, ids, every, limit, hook=hook)
    except CallqaError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"recategorised with {report.taxonomy}: {report.categorised} call(s) with a "
              f"reason, {report.uncategorised} without, {len(report.failed)} failed",
              highlight=False)
    if report.primary:
        table = _table("Primary reasons", ("reason", "calls"))
        for code, n in report.primary.most_common():
            table.add_row(code, str(n))
        out.print(table, highlight=False)
    for call_id, why in report.failed.items():
        err.print(f"[yellow]{call_id[:8]}:[/yellow] {why}", highlight=False, soft_wrap=True)
