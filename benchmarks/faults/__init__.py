"""The fault suite: real components on loopback (PostgreSQL, moto's S3, a Prefect server,
callqa workers), one fault per case, and at the end of each the same promise checked:
every recording is done or failed with a reason exactly once, no claim is left held,
nothing half-written is visible (:mod:`benchmarks.faults.invariants`).

``python -m benchmarks --suite faults [--case NAME ...]`` runs them and prints, per case,
the outcome and how long processing took to resume after the fault was cleared.

A case lives in a module ``benchmarks/faults/case_*.py`` that defines ``CASES``, a list of
:class:`Case`. Its ``run(workdir)`` gets a fresh empty folder and returns an
:class:`Outcome` (build it with :func:`benchmarks.faults.invariants.outcome_of`).
"""

from __future__ import annotations

import importlib
import pkgutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Outcome:
    """What one fault case left behind, read from the database after it ended."""

    case: str
    recordings: int  # recordings the case put in the queue
    done: int  # done, with exactly one stored call
    failed: int  # failed, each with a reason a person can read
    doubled: int  # source keys with more than one call, or a call processed twice
    held: int  # claims still held after the workers stopped
    half_written: int  # calls visible as done without their transcript/metrics, or stuck
    lost: int  # recordings put in that are neither done nor failed (nor in the queue)
    recovery_s: float | None = None  # fault cleared -> first call finished again
    peak_rss_mb: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.doubled == 0 and self.held == 0 and self.half_written == 0
                and self.lost == 0 and self.done + self.failed == self.recordings)


@dataclass(frozen=True)
class Case:
    name: str  # short, unique, kebab-case: "pg-terminate", "s3-down"
    what: str  # one line: the fault
    run: Callable[[Path], Outcome]
    slow: bool = False  # minutes rather than seconds


def all_cases() -> list[Case]:
    """Every case of every ``case_*`` module here, in module then list order."""
    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("case_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            cases.extend(getattr(module, "CASES", ()))
    return cases


def table(outcomes: Sequence[Outcome]) -> str:
    """The outcomes as an 80-column table, notes below it."""
    head = (f"{'case':<22} {'rec':>5} {'done':>5} {'fail':>5} {'dbl':>4} {'held':>4} "
            f"{'half':>4} {'lost':>4} {'resume s':>8} {'ok':>3}")
    lines = [head, "-" * len(head)]
    for o in outcomes:
        resume = "-" if o.recovery_s is None else f"{o.recovery_s:.1f}"
        lines.append(f"{o.case[:22]:<22} {o.recordings:>5} {o.done:>5} {o.failed:>5} "
                     f"{o.doubled:>4} {o.held:>4} {o.half_written:>4} {o.lost:>4} "
                     f"{resume:>8} {'yes' if o.ok else 'NO':>3}")
    for o in outcomes:
        notes = [f"peak RSS {o.peak_rss_mb:.0f} MB"] if o.peak_rss_mb is not None else []
        for note in [*notes, *o.notes]:  # wrapped to 80 columns, never cut
            lines.extend(textwrap.wrap(f"{o.case}: {note}", 80, subsequent_indent="    ",
                                       break_long_words=True))
    return "\n".join(lines)
