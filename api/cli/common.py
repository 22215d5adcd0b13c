"""What every CLI command shares: the Typer app, consoles, error printing, Prefect's quiet."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(help="callqa: call quality monitoring and speech analytics.",
                  no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
rubric_app = typer.Typer(help="QA rubrics: check and list them.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(rubric_app, name="rubric")
out = Console()
err = Console(stderr=True)

# The sample calls are package data of pipeline (pipeline/samples/), found through it
# (callqa installs as files, a wheel or an editable checkout: the resource is a folder).
SAMPLES = Path(str(resources.files("pipeline") / "samples"))


def quiet_prefect(verbose: bool) -> None:
    """Prefect's console logs (tracebacks included) would bury the CLI's one-line errors;
    the flows' logs still go to the Prefect API at INFO. ``--verbose`` shows them here too."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    console_level = "INFO" if verbose else "CRITICAL"
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", console_level)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # The ephemeral server's telemetry calls home (no network here) and races its own SQLite.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def fail(exc: BaseException) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def safe_url(url: str) -> str:
    """A database URL for printing: its password hidden."""
    from pipeline.db.session import _safe

    return _safe(url)


def settings():  # type: ignore[no-untyped-def]
    from pipeline.settings import get_settings

    return get_settings()


Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's own logs.")]
