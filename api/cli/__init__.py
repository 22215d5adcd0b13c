"""The ``callqa`` command line: a thin layer over the flows and the library.

Every command turns callqa's errors into one line on stderr and a non-zero exit code. The
commands register on one Typer app (:mod:`api.cli.common`), one module per kind:

- :mod:`api.cli.calls`: ``demo``, ``process``, ``ingest``, ``calls`` (list);
- :mod:`api.cli.scores`: ``score``, ``rescore``, ``rubric check|list``;
- :mod:`api.cli.taxonomy`: ``taxonomy check|show``, ``recategorise``;
- :mod:`api.cli.complaints`: ``complaints list|escalate|check``;
- :mod:`api.cli.retention`: ``retention list|set|unset|run``, ``calls delete``;
- :mod:`api.cli.users`: ``user add|list``;
- :mod:`api.cli.ops`: ``serve``, ``db upgrade``, ``config check|show``, ``deploy``, ``worker``;
- :mod:`api.cli.status`: ``status`` (the recording queue at a glance);
- :mod:`api.cli.notifications`: ``notifications send|list|retry`` (outbox, dead letters);
- :mod:`api.cli.calibration`: ``calibration report`` (agreement, Cohen's kappa);
- :mod:`api.cli.surveys`: ``surveys import`` (CSAT/NPS answers from a CSV).

What they print is drawn by :mod:`api.cli.render` (calls, transcripts) and
:mod:`api.cli.render_score` (scorecards). ``callqa`` and ``python -m api`` run :func:`main`.
"""

from __future__ import annotations

import sys

from api.cli import (  # noqa: F401  register them
    calibration,
    calls,
    coaching,
    complaints,
    notifications,
    ops,
    retention,
    scores,
    status,
    surveys,
    taxonomy,
    users,
)
from api.cli.common import app, err

calls.calls_app.command("delete")(retention.calls_delete)

__all__ = ["app", "main"]


def main() -> None:
    from pipeline.errors import CallqaError

    try:
        app()
    except CallqaError as exc:  # settings errors raised before a command's own handler
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
