"""Every listing in three forms: a table for people (it fits the terminal, 80 columns when
piped; ``--wide`` shows every column whatever the width), ``--json`` and ``--csv`` for
scripts and spreadsheets, with the same fields (ids whole, numbers as numbers).

    rows = [{"id": ..., "agent": ...}, ...]
    if not emit(rows, FIELDS, as_json, as_csv):
        out.print(table)
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from api.csv_cells import csv_cell

AsJson = Annotated[bool, typer.Option("--json", help="As JSON, for scripts.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="As CSV, for spreadsheets.")]
Wide = Annotated[bool, typer.Option(
    "--wide", help="Every column, whatever the terminal's width.")]


def emit(rows: Sequence[dict[str, Any]], fields: Sequence[str], as_json: bool,
         as_csv: bool) -> bool:
    """Print ``rows`` as JSON or CSV (the ``fields`` in that order) when asked; False when
    neither was asked, so the caller prints its table."""
    if as_json and as_csv:
        raise typer.BadParameter("choose --json or --csv, not both")
    if as_json:
        sys.stdout.write(json.dumps([{f: row.get(f) for f in fields} for row in rows],
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        return True
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow([csv_cell(_plain(row.get(f))) for f in fields])
        return True
    return False


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
