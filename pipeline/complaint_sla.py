"""What a centre promises a complainant: the SLA of each complaint category (ISO 10002,
"plan what to do for each type of complaint"), as :mod:`scoring.complaint_sla` reads it
from YAML (``CALLQA_COMPLAINT_SLA``).

    Limits         hours to acknowledge, days to respond, days to close
    RootCause      a root-cause code with its titles, one of which a closed case names
    ComplaintSla   the default limits, the limits per taxonomy category, the root causes,
                   and the flag codes that make a call a complaint

Each stage of a case has one deadline, counted from the case's opening (or its last
reopening): received -> ``acknowledge``; acknowledged, assessed, investigating ->
``respond``; responded -> ``close``; closed -> none. :func:`deadline_of` says which,
:meth:`ComplaintSla.due` when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = ["DEADLINES", "OUTCOMES", "ComplaintSla", "Limits", "RootCause", "deadline_of"]

# The stage -> the deadline it works to
DEADLINES: dict[str, str | None] = {
    "received": "acknowledge", "acknowledged": "respond", "assessed": "respond",
    "investigating": "respond", "responded": "close", "closed": None,
}
# How a closed complaint ended (ISO 10002's decision on the complaint)
OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "withdrawn")


def deadline_of(status: str) -> str | None:
    """The deadline a case in ``status`` works to ("acknowledge", "respond", "close")."""
    return DEADLINES.get(status)


@dataclass(frozen=True)
class Limits:
    acknowledge_hours: float
    respond_days: float
    close_days: float

    def span(self, deadline: str) -> timedelta:
        if deadline == "acknowledge":
            return timedelta(hours=self.acknowledge_hours)
        if deadline == "respond":
            return timedelta(days=self.respond_days)
        return timedelta(days=self.close_days)


@dataclass(frozen=True)
class RootCause:
    code: str
    titles: tuple[tuple[str, str], ...]  # (language, title)

    def title_in(self, language: str) -> str:
        given = dict(self.titles)
        return given.get(language) or given.get("en") or self.code


@dataclass(frozen=True)
class ComplaintSla:
    default: Limits
    categories: tuple[tuple[str, Limits], ...] = ()
    root_causes: tuple[RootCause, ...] = ()
    complaint_flags: tuple[str, ...] = ("legal_threat", "regulator")
    source: str = "<string>"
    version: str = ""
    hash: str = field(default="", repr=False)

    def limits(self, category: str | None) -> Limits:
        """The category's limits, else the default."""
        return dict(self.categories).get(category or "", self.default)

    def due(self, status: str, category: str | None, clock_from: datetime) -> datetime | None:
        """When the stage ``status`` of a case of ``category`` is due (None: closed)."""
        deadline = deadline_of(status)
        if deadline is None:
            return None
        return clock_from + self.limits(category).span(deadline)

    def root_cause(self, code: str) -> RootCause | None:
        return next((r for r in self.root_causes if r.code == code), None)

    @property
    def root_cause_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.root_causes)
