"""Running callqa as services: ``callqa serve``, ``db upgrade``, ``config check|show``,
``deploy`` and ``worker``.

Every long-running service validates its configuration before it starts, with every
missing variable named at once: ``callqa serve`` does it itself, a container's entrypoint
runs ``callqa config check --service ...``, and ``callqa worker`` checks, then hands over
to ``prefect worker start`` (Prefect is the worker; callqa adds no scheduler of its own).
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import app, db_app, err, fail, out, safe_url
from api.cli.common import settings as _settings

if TYPE_CHECKING:
    from pipeline.config_check import Problem
    from pipeline.settings import Settings

config_app = typer.Typer(help="Configuration: check it for a service, show it.",
                         no_args_is_help=True)
app.add_typer(config_app, name="config")

ServiceOpt = Annotated[str, typer.Option(
    "--service", "-s", help="api, worker, events, or all.")]


def validate_or_exit(service: str) -> None:
    """Print problems for ``service``; exit 2 if any is fatal. Secrets are never printed."""
    from pipeline.config_check import SERVICES, check
    from pipeline.errors import ConfigError
    from pipeline.settings import get_settings

    if service not in (*SERVICES, "all"):
        err.print(f"[red]error:[/red] unknown service {service!r}; "
                  f"choose one of {', '.join(SERVICES)} or all")
        raise typer.Exit(2)
    try:
        settings = get_settings()
    except ConfigError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    problems = check(settings, service) + prompt_problems(settings, service)  # type: ignore[arg-type]
    for p in problems:
        label = ("[yellow]warning[/yellow]" if not p.fatal else "[red]refused[/red]"
                 if p.variable in PROMPT_VARIABLES else "[red]missing[/red]")
        err.print(f"{label} {p}", highlight=False, soft_wrap=True)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        unset = ", ".join(p.variable for p in fatal if p.variable not in PROMPT_VARIABLES)
        refused = ", ".join(p.variable for p in fatal if p.variable in PROMPT_VARIABLES)
        todo = "; ".join(filter(None, [unset and f"set {unset}", refused and f"change {refused}"]))
        err.print(f"[red]error:[/red] {service}: cannot start; {todo}", highlight=False)
        raise typer.Exit(2)


PROMPT_VARIABLES = ("CALLQA_ASR_INITIAL_PROMPT", "CALLQA_ASR_HOTWORDS")


def prompt_problems(settings: Settings, service: str) -> list[Problem]:
    """A decoding prompt or hotwords that hold a rubric phrase (:mod:`scoring.prompt_guard`):
    refused in production, a warning in development (workers remove it from every call)."""
    from pipeline.config_check import Problem
    from pipeline.errors import CallqaError
    from scoring.in_force import rubrics_in_force
    from scoring.prompt_guard import guard_prompt

    if service not in ("worker", "all") or not (settings.asr_initial_prompt
                                                 or settings.asr_hotwords):
        return []
    fatal = settings.environment == "production"
    try:
        guard = guard_prompt(rubrics_in_force(settings), settings.asr_initial_prompt,
                             settings.asr_hotwords, settings.company_names)
    except CallqaError as exc:
        return [Problem("CALLQA_ASR_INITIAL_PROMPT", f"cannot be checked against the rubrics "
                        f"({exc}); workers decode without prompt and hotwords", fatal=fatal)]
    problems = []
    for variable in PROMPT_VARIABLES:
        found = [o for o in guard.overlaps if o.setting == variable]
        if not found:
            continue
        criteria = sorted({f"{o.phrase.rubric}: {o.phrase.criterion}" for o in found})
        phrases = list(dict.fromkeys(repr(o.phrase.phrase) for o in found))
        more = f" and {len(phrases) - 2} more" if len(phrases) > 2 else ""
        problems.append(Problem(variable, (
            f"holds what the rubrics check: the phrase(s) {', '.join(phrases[:2])}{more} "
            f"of {', '.join(criteria)}. The model writes what its prompt holds, so a call "
            "where nobody said them could pass; remove them (company names may stay when "
            "listed in CALLQA_COMPANY_NAMES). Workers remove them from every call and note "
            "it."),
            fatal=fatal))
    return problems


@config_app.command("check")
def config_check(service: ServiceOpt = "all") -> None:
    """Check the environment for a service; exit 2 naming every missing variable.

    Example: ``callqa config check --service worker``
    """
    validate_or_exit(service)
    out.print(f"{service}: configuration OK")


@config_app.command("show")
def config_show() -> None:
    """Every CALLQA_ setting in effect (secrets shown only as set / not set).

    Example: ``callqa config show``
    """
    from pipeline.config_check import describe
    from pipeline.settings import get_settings

    for name, shown in describe(get_settings()):
        out.print(f"{name:34} {shown}", highlight=False, soft_wrap=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the database (``CALLQA_DATABASE_URL``) to the latest schema.

    Example: ``CALLQA_DATABASE_URL=postgresql+psycopg://callqa@db/callqa callqa db upgrade``
    """
    from pipeline.db.session import _safe, upgrade
    from pipeline.errors import CallqaError

    url = _settings().resolved_database_url
    try:
        upgrade(url, revision)
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"database {_safe(url)} is at revision {revision}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web API (REST under /api/v1, docs at /api/docs) with uvicorn.

    Migrates the database first; the embedded default (SQLite and a recordings folder
    under CALLQA_HOME) needs no other service. Create the first user with
    ``callqa user add``. Behind a reverse proxy, name it in CALLQA_TRUSTED_PROXIES: only
    then is its X-Forwarded-For believed.

    Example: ``callqa serve --host 0.0.0.0 --port 8000``
    """
    import uvicorn
    from sqlalchemy import func, select

    from pipeline.db.accounts import User
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError

    validate_or_exit("api")
    settings = _settings()
    try:
        ensure_schema(settings.resolved_database_url)
        with session_scope(settings.resolved_database_url) as session:
            users = session.scalar(select(func.count()).select_from(User)) or 0
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"callqa API on http://{host}:{port}/api/v1  (docs: http://{host}:{port}/api/docs)"
              f"\ndatabase:   {safe_url(settings.resolved_database_url)}", highlight=False)
    if not users:
        out.print("[yellow]no users yet: add one with `callqa user add admin --role admin`"
                  "[/yellow]")
    # Forwarded headers only from the proxies named (uvicorn trusts 127.0.0.1 by default,
    # which would let anything on this host pick its address for sign-in limits and audit).
    proxies = settings.trusted_proxies.strip()
    uvicorn.run("api.app:app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=bool(proxies), forwarded_allow_ips=proxies)


@app.command()
def deploy(
    pool: Annotated[str, typer.Option(help="Prefect work pool (callqa type).")] = "callqa",
    cpu_limit: Annotated[int, typer.Option(
        help="Transcription runs at once on the cpu queue (one per CPU worker).")] = 2,
    gpu_limit: Annotated[int, typer.Option(
        help="Transcription runs at once on the gpu queue (one per GPU).")] = 1,
    default_limit: Annotated[int, typer.Option(
        help="Light flows at once on the default queue (sweep, events, rescore).")] = 4,
    crash_after: Annotated[int, typer.Option(
        help="Seconds without a heartbeat before a run is marked Crashed.")] = 90,
) -> None:
    """Create the work pool and queues (with their limits), register prefect.yaml, and the
    automation that marks the runs of a dead worker Crashed.

    Needs PREFECT_API_URL (the Prefect server). Safe to run again: limits are updated,
    deployments replaced.

    Example: ``callqa deploy --cpu-limit 4``
    """
    from flows.deploy import (
        QueueSpec,
        ensure_crash_detection,
        ensure_pool,
        load_deployments,
        register,
    )
    from pipeline.errors import CallqaError

    try:
        ensure_pool(pool, [QueueSpec("default", default_limit, 1),
                           QueueSpec("cpu", cpu_limit, 2), QueueSpec("gpu", gpu_limit, 2)])
        ids = register(load_deployments(), pool)
        ensure_crash_detection(crash_after)
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"work pool {pool}: queues default ({default_limit}), cpu ({cpu_limit}), "
              f"gpu ({gpu_limit})", highlight=False)
    for name in ids:
        out.print(f"deployed {name}", highlight=False)
    out.print(f"runs without a heartbeat for {crash_after} s are marked Crashed",
              highlight=False)


@app.command()
def worker(
    pool: Annotated[str, typer.Option(help="Prefect work pool.")] = "callqa",
    queue: Annotated[list[str] | None, typer.Option(
        "--queue", "-q", help="Work queue(s) to pull from (default: all of the pool's).")] = None,
    limit: Annotated[int, typer.Option(
        help="Flow runs at once in this worker (1: one drain per CPU worker).")] = 1,
    name: Annotated[str | None, typer.Option(help="Worker name (default: host and pid).")] = None,
) -> None:
    """Check the configuration, then run callqa's Prefect worker on the pool.

    The worker (type ``callqa``, :mod:`flows.worker`) runs each flow run inside its own
    process, so the speech and scoring models load on its first call and stay warm for
    every run after it.

    Example: ``callqa worker --queue cpu``
    """
    validate_or_exit("worker")
    prefect = shutil.which("prefect")
    if prefect is None:
        err.print("[red]error:[/red] the `prefect` command is not on PATH; install callqa "
                  "into this environment (pip install callqa)")
        raise typer.Exit(2)
    from flows.deploy import HEARTBEAT_SECONDS

    # Flow-run heartbeats: the server's automation (callqa deploy) crashes a dead worker's runs.
    os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(HEARTBEAT_SECONDS))
    args = [prefect, "worker", "start", "--pool", pool, "--type", "callqa",
            "--limit", str(limit)]
    for q in queue or ():
        args += ["--work-queue", q]
    if name:
        args += ["--name", name]
    out.print(f"callqa worker: {' '.join(args[1:])}", highlight=False)
    sys.stdout.flush()
    os.execv(prefect, args)
