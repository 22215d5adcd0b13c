"""``callqa calibration report``: how far the automatic verdicts and people agree, and
people with each other, per criterion and per reviewer, over a period; the criteria and
reviewers that disagree most come first. Percent agreement and Cohen's kappa ("n/a"
where it is undefined: both sides always gave the same one verdict); n counts pairs.
Tables fit 80 columns; ``--json`` and ``--csv`` give the same rows for scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from api.cli.common import app, fail, out, settings
from api.cli.listing import AsCsv, AsJson, emit

calibration_app = typer.Typer(help="Calibration: agreement between the automatic "
                                   "verdicts and people.", no_args_is_help=True)
app.add_typer(calibration_app, name="calibration")

FIELDS = ("kind", "id", "name", "automatic_n", "automatic_percent", "automatic_kappa",
          "people_n", "people_percent", "people_kappa")
DAYS = 90
When = Annotated[datetime | None, typer.Option(
    formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"])]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _kappa(value: float | None, n: int) -> str:
    return "-" if n == 0 else "n/a" if value is None else f"{value:.2f}"


def rows_of(report: Any) -> list[dict[str, Any]]:
    """The report's criteria, then its reviewers, as flat rows (worst first in each)."""
    rows = []
    for kind, items in (("criterion", report.criteria), ("reviewer", report.reviewers)):
        for item in items:
            row: dict[str, Any] = {
                "kind": kind,
                "id": item.criterion_id if kind == "criterion" else item.user_id,
                "name": item.title if kind == "criterion" else item.username}
            for side in ("automatic", "people"):
                f = getattr(item, side)
                row |= {f"{side}_n": f.n, f"{side}_percent": f.percent,
                        f"{side}_kappa": f.kappa}
            rows.append(row)
    return rows


def _table(title: str, label: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(label, overflow="fold", ratio=1)
    for name in ("auto n", "auto %", "auto κ", "people n", "people %", "people κ"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["automatic_n"]), _percent(row["automatic_percent"]),
            _kappa(row["automatic_kappa"], row["automatic_n"]),
            str(row["people_n"]), _percent(row["people_percent"]),
            _kappa(row["people_kappa"], row["people_n"]))
    return table


@calibration_app.command("report")
def report(
    since: When = None,
    until: When = None,
    as_json: AsJson = False,
    as_csv: AsCsv = False,
) -> None:
    """Agreement per criterion and per reviewer in [since, until), worst first: the
    automatic verdict against people (calibration verdicts and closed reviews), and
    people against each other (reviewers of one calibration session). Default: the last
    90 days. Dates without a time zone are UTC.

    Example: ``callqa calibration report --since 2026-11-01 --until 2026-12-01``
    """
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError
    from scoring.work.agreement import agreement_report

    end = until or datetime.now(UTC)
    start = since or end - timedelta(days=DAYS)
    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            found = agreement_report(session, None, start, end)
    except CallqaError as exc:
        raise fail(exc) from None
    rows = rows_of(found)
    if emit(rows, FIELDS, as_json, as_csv):
        return
    period = (f"{found.since:%Y-%m-%d %H:%M} to {found.until:%Y-%m-%d %H:%M} UTC: "
              f"{found.sessions} calibration session(s), {found.reviews} closed "
              "review(s)")
    out.print(period, highlight=False)
    if not rows:
        out.print("No revealed calibration session and no closed review in this period; "
                  "widen it with --since and --until.", highlight=False)
        return
    criteria = [r for r in rows if r["kind"] == "criterion"]
    people = [r for r in rows if r["kind"] == "reviewer"]
    out.print(_table("Criteria, worst agreement first", "criterion", criteria),
              highlight=False)
    out.print(_table("Reviewers, worst agreement first", "reviewer", people),
              highlight=False)
    out.print("auto: the automatic verdict against people; people: reviewers against "
              "each other; n: pairs; κ: Cohen's kappa (n/a: undefined)", highlight=False)
