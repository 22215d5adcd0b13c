"""The contact reasons of calls as a terminal table (``callqa demo``): why each customer
called, how sure callqa is, the product, and whether it is a complaint or a repeat."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.table import Table

from api.cli.render import WIDE
from api.reason_views import product_title, reason_title
from pipeline.db.models import Call
from pipeline.db.reason_records import CallReason
from scoring.taxonomy_types import Taxonomy


def reasons_table(rows: Sequence[tuple[Call, Sequence[CallReason]]], taxonomy: Taxonomy | None,
                  title: str = "Why they called", width: int = WIDE) -> Table:
    """One row per call: its primary reason (title and code), confidence, other reasons,
    the product; narrower than :data:`WIDE` columns the borders are lighter and the other
    reasons are left out."""
    wide = width >= WIDE
    table = Table(title=title, header_style="bold",
                  box=box.HEAVY_HEAD if wide else box.SIMPLE_HEAD, pad_edge=wide)
    table.add_column("call", no_wrap=True)
    table.add_column("reason", overflow="fold")
    table.add_column("conf.", justify="right", no_wrap=True)
    if wide:
        table.add_column("also", overflow="fold")
    table.add_column("product", overflow="fold")
    for call, reasons in rows:
        primary = next((r for r in reasons if r.primary), None)
        if primary is None:
            cells = [call.id[:8], "[dim]none found[/dim]", "-"]
        else:
            marks = " [red]complaint[/red]" if primary.complaint else ""
            marks += " [yellow]repeat[/yellow]" if call.repeat_of else ""
            title = reason_title(taxonomy, primary.code, "en", primary.code)
            cells = [call.id[:8], f"{title}{marks}\n[dim]{primary.code}[/dim]",
                     f"{primary.confidence:.2f}"]
        if wide:
            cells.append(", ".join(r.code for r in reasons if not r.primary) or "-")
        cells.append(product_title(taxonomy, call.product, "en") or "-")
        table.add_row(*cells)
    return table
