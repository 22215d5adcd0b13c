"""Recordings and calls: ``callqa demo``, ``process``, ``ingest`` and ``calls`` (the list;
``calls delete`` is :mod:`api.cli.retention`'s)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import SAMPLES, Verbose, app, err, out, safe_url
from api.cli.common import fail as _fail
from api.cli.common import quiet_prefect as _quiet_prefect
from api.cli.common import settings as _settings
from api.cli.listing import AsCsv, AsJson, Wide, emit


@app.command()
def demo(
    verbose: Verbose = False,
    all_languages: Annotated[
        bool, typer.Option(help="Also copy samples the ASR model cannot transcribe.")
    ] = False,
) -> None:
    """Process the bundled sample calls end to end and print what callqa measured.

    Copies the sample recordings (with their metadata sidecars) into the recordings
    store, runs the ``ingest`` flow through Prefect, and prints one row per call.

    Example: ``callqa demo``
    """
    _quiet_prefect(verbose)
    from pipeline.errors import CallqaError

    settings = _settings()
    try:
        copied, held_back = _copy_samples(settings, all_languages)
        out.print(f"database:   {safe_url(settings.resolved_database_url)}")
        out.print(f"recordings: {settings.resolved_store_url}")
        out.print(f"ASR models: {_models_line(settings)}", highlight=False, soft_wrap=True)
        out.print(f"copied {copied} sample recording(s) into the store")
        if held_back:
            out.print(
                f"[yellow]not copied: {', '.join(held_back)}: the ASR model is English-only; "
                "unset CALLQA_ASR_MODEL (the bundled multilingual base) or set it to a "
                "multilingual model to include them, or pass --all-languages to see how "
                "they are refused[/yellow]"
            )
        report = _run_ingest(settings.resolved_store_url)
        _print_report(report)
        _print_calls_from(settings, report.store_url)
    except CallqaError as exc:
        raise _fail(exc) from None


def _models_line(settings) -> str:  # type: ignore[no-untyped-def]
    """``tiny.en for en, base for tr, az and the rest (bundled, offline)``."""
    from pipeline.bundled import display_name, is_bundled

    default = settings.asr_model or "bundled:base"
    per = settings.resolved_asr_models
    parts = [f"{display_name(m)} for {lang}" for lang, m in per.items()]
    others = [lang for lang in settings.languages if lang not in per]
    rest = f"{', '.join(others)} and the rest" if others else "every other language"
    parts.append(f"{display_name(default)} for {rest}")
    models = [*per.values(), default]
    offline = " (bundled, offline)" if all(is_bundled(m) for m in models) else ""
    return "; ".join(parts) + offline


def _copy_samples(settings, all_languages: bool) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    from pipeline.store import open_store

    store = open_store(settings)
    english_only = (settings.asr_model or "").endswith(".en")
    existing = {info.key for info in store.list_recordings()}
    copied, held_back = 0, []
    for audio in sorted(SAMPLES.glob("*.ogg")):
        sidecar = audio.with_name(audio.name + ".json")
        metadata = json.loads(sidecar.read_text("utf-8")) if sidecar.exists() else None
        language = (metadata or {}).get("language", "en")
        if english_only and language != "en" and not all_languages:
            held_back.append(audio.name)
            continue
        key = f"samples/{audio.name}"
        if key not in existing:
            store.put(key, audio, metadata)
            copied += 1
    return copied, held_back


def _run_ingest(store_url: str, limit: int | None = None):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.ingest import ingest

    with Progress(
        TextColumn("[bold]ingest[/bold]"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("{task.description}"), console=err,
    ) as progress:
        bar = progress.add_task("listing the store…", total=None)

        def hook(stage: str, completed: float = 0, total: float = 0, **info: Any) -> None:
            outcome = info.get("outcome")
            text = f"{outcome.key}: {outcome.status}" if outcome else "processing…"
            progress.update(bar, completed=completed, total=total or None, description=text)

        return ingest(store_url, limit=limit, hook=hook)


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    out.print(
        f"found {report.found}, new {report.new}: [green]{report.done} done[/green], "
        f"[red]{report.failed} failed[/red], {report.skipped} skipped (already processed)"
    )
    for outcome in report.outcomes:
        if outcome.status == "failed":
            err.print(f"[red]failed:[/red] {outcome.error}", highlight=False, soft_wrap=True)


def _print_calls_from(settings, store_url: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from api.cli.render import calls_table
    from pipeline.db.models import Call
    from pipeline.db.session import session_scope

    with session_scope(settings.resolved_database_url) as session:
        calls = list(
            session.scalars(
                select(Call)
                .options(selectinload(Call.metrics), selectinload(Call.agent),
                         selectinload(Call.pii))
                .where(Call.store_url == store_url)
                .order_by(Call.source_key)
            )
        )
        out.print(calls_table(calls, title=f"Calls from {store_url}", width=out.width))
        done = [c for c in calls if c.status == "done"]
        if done and settings.scoring:
            from api.cli.render_score import scores_table
            from pipeline.db.scores import current_score

            rows = [(c, current_score(session, c.id)) for c in done]
            out.print(scores_table(rows, title="Scores and review flags", width=out.width))
            out.print("see a scorecard with its evidence: callqa score <call>", style="dim")
        _print_reasons(settings, session, [c for c in calls if c.status == "done"])
        for call in calls:
            for note in call.notes or []:
                if "not diarised" in note:
                    out.print(f"[yellow]{call.id[:8]} {call.source_key}: {note}[/yellow]",
                              highlight=False, soft_wrap=True)


def _print_reasons(settings, session, calls) -> None:  # type: ignore[no-untyped-def]
    """The contact reasons of the processed calls, when a taxonomy is in force."""
    from api.cli.render_reasons import reasons_table
    from flows.categorise_calls import taxonomy_in_force
    from pipeline.db.reasons import reasons_of
    from pipeline.errors import TaxonomyError

    try:
        taxonomy = taxonomy_in_force(settings)
    except TaxonomyError:  # already reported where the calls were scored
        taxonomy = None
    if not calls or taxonomy is None:
        return
    rows = [(c, reasons_of(session, c.id)) for c in calls]
    out.print(reasons_table(rows, taxonomy, title=f"Why they called ({taxonomy.label})",
                            width=out.width))
    out.print("categorise stored calls again after changing the taxonomy: callqa recategorise",
              style="dim")


@app.command()
def process(
    recording: Annotated[str, typer.Argument(help="A local audio file, or a key in the store.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole result as JSON.")
    ] = False,
    original: Annotated[
        bool, typer.Option(help="Show original (un-redacted) text where settings keep it.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Process again even if already done.")] = False,
    verbose: Verbose = False,
) -> None:
    """Process one recording and print its transcript as turns, redacted by default.

    Example: ``callqa process calls/2026-11-24/0412.wav`` or ``callqa process --json samples/x.ogg``
    """
    _quiet_prefect(verbose)
    from api.cli.render import call_dict, transcript_lines
    from flows.process import process_recording
    from pipeline.db.calls import get_call
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError

    settings = _settings()
    path = Path(recording).expanduser()
    if path.is_file():
        store_url, key = str(path.resolve().parent), path.name
    else:
        store_url, key = settings.resolved_store_url, recording
    try:
        outcome = process_recording(key, store_url, force=force)
    except CallqaError as exc:
        raise _fail(exc) from None
    except Exception as exc:
        raise _fail(RuntimeError(f"recording {key!r}: {type(exc).__name__}: {exc}")) from None
    with session_scope(settings.resolved_database_url) as session:
        call = get_call(session, outcome.call_id or "")
        if call is None and outcome.status == "skipped":  # e.g. a worker holds it right now
            raise _fail(RuntimeError(f"recording {key!r}: skipped: {outcome.reason}"))
        if call is None:
            raise _fail(RuntimeError(f"recording {key!r}: no call stored"))
        if outcome.status == "skipped":
            err.print(f"already processed as call {call.id} (use --force to redo)")
        if as_json:
            data = call_dict(call, original)
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        out.print(
            f"call {call.id}  {call.language} ({call.language_source or 'unknown'})  "
            f"{call.duration:.1f} s  {call.diarization}  "
            f"{len(call.pii)} PII item(s) redacted", highlight=False, soft_wrap=True,
        )
        for line in transcript_lines(call, original):
            out.print(line, highlight=False, markup=False, soft_wrap=True)
        if call.language_reason:
            err.print(f"language: {call.language_reason}", highlight=False, soft_wrap=True)
        for note in call.notes or []:
            err.print(f"[yellow]note:[/yellow] {note}", highlight=False, soft_wrap=True)


@app.command()
def ingest(
    limit: Annotated[
        int | None, typer.Option(help="Process at most this many new recordings.")
    ] = None,
    verbose: Verbose = False,
) -> None:
    """Process every new recording in the configured store, with a progress bar.

    The store is ``CALLQA_STORE_URL``: a folder (default ``~/.callqa/recordings``) or
    ``s3://bucket/prefix`` with ``CALLQA_S3_ENDPOINT`` and credentials.

    Example: ``CALLQA_STORE_URL=s3://calls/2026/ callqa ingest``
    """
    _quiet_prefect(verbose)
    from pipeline.errors import CallqaError

    settings = _settings()
    try:
        report = _run_ingest(settings.resolved_store_url, limit)
    except CallqaError as exc:
        raise _fail(exc) from None
    _print_report(report)
    if report.failed:
        raise typer.Exit(2)


calls_app = typer.Typer(help="Processed calls: list them, erase one.")
app.add_typer(calls_app, name="calls")


@calls_app.callback(invoke_without_command=True)
def list_calls(
    ctx: typer.Context, limit: Annotated[int, typer.Option(help="How many calls.")] = 50,
    as_json: AsJson = False, as_csv: AsCsv = False, wide: Wide = False,
) -> None:
    """List processed calls with their metrics.

    The table shows the first 8 characters of each id (enough for every command that
    takes one); ``--json`` and ``--csv`` have the whole id and every figure.

    Example: ``callqa calls --limit 20``, ``callqa calls --csv > calls.csv``; erase one:
    ``callqa calls delete CALL_ID``
    """
    if ctx.invoked_subcommand is not None:
        return
    from api.cli.render import CALL_FIELDS, WIDE, call_row, calls_table
    from pipeline.db.calls import list_calls as fetch
    from pipeline.db.session import ensure_schema, session_scope

    settings = _settings()
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        calls = fetch(session, limit)
        if not emit([call_row(c) for c in calls], CALL_FIELDS, as_json, as_csv):
            if wide:  # rich keeps a print within its console's width: a wider console
                from rich.console import Console

                width = max(out.width, 160)
                Console(width=width).print(calls_table(calls, width=WIDE))
            else:
                out.print(calls_table(calls, width=out.width))
