"""Storing post-call survey answers and relating them to QA scores and sentiment.

    import_surveys(session, rows, source=..., agent_ids=..., team_ids=...) -> ImportReport
    correlation(session, filters, agent_ids=..., team_ids=...) -> list[CorrelationRow]

Rows come checked whole from :mod:`pipeline.surveys`. A row whose call is not known (no
call with that id, no recording with that source key, or a call outside the importer's
sight: the same answer, so ids cannot be probed) is not stored and is reported with its
line; the others are. One survey per call and kind: a row for a call and kind already
stored updates it (the answer was corrected or re-sent), so importing a file twice changes
nothing.

Correlation per team and overall: the surveys counted (``n``), mean CSAT, the NPS score
(promoters 9-10 minus detractors 0-6, in per cent of NPS answers), and Pearson's r of CSAT
against the call's current QA score and against the customer's end-of-call sentiment
(None with fewer than 3 pairs or no variance on either side).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from pipeline.db.models import Call, ScoreRecord, Team
from pipeline.db.search import CallFilters, filter_conditions, in_scope
from pipeline.db.survey_records import Survey
from pipeline.db.times import utc_now
from pipeline.surveys import SurveyRow

__all__ = ["CorrelationRow", "ImportReport", "correlation", "import_surveys", "pearson"]

MIN_PAIRS = 3


@dataclass(frozen=True)
class UnknownCall:
    line: int
    ref: str  # the call id or source key the row gave


@dataclass(frozen=True)
class ImportReport:
    imported: int  # new surveys
    updated: int  # surveys of the same call and kind that were there
    unknown: tuple[UnknownCall, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated,
                "unknown": [{"line": u.line, "ref": u.ref} for u in self.unknown]}


def _calls_of(session: Session, rows: Sequence[SurveyRow], agent_ids: Collection[int] | None,
              team_ids: Collection[int] | None) -> dict[tuple[str, str], str]:
    """("call_id" | "source_key", value) -> call id, for the calls in sight."""
    scope = in_scope(Call.agent_id, Call.team_id, agent_ids, team_ids)
    found: dict[tuple[str, str], str] = {}
    ids = sorted({r.call_id for r in rows if r.call_id})
    keys = sorted({r.source_key for r in rows if r.source_key and not r.call_id})
    for chunk in _chunks(ids):
        for call_id in session.scalars(select(Call.id).where(Call.id.in_(chunk), *scope)):
            found[("call_id", call_id)] = call_id
    for chunk in _chunks(keys):
        newest = session.execute(select(Call.source_key, Call.id)
                                 .where(Call.source_key.in_(chunk), *scope)
                                 .order_by(Call.created_at, Call.id))
        for key, call_id in newest:  # the newest call of a key comes last and stays
            found[("source_key", key)] = call_id
    return found


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def import_surveys(session: Session, rows: Sequence[SurveyRow], *, source: str,
                   agent_ids: Collection[int] | None = None,
                   team_ids: Collection[int] | None = None) -> ImportReport:
    """Store ``rows`` (``source``: where they came from when a row does not say) in the
    caller's transaction; rows of unknown calls are left out and reported."""
    calls = _calls_of(session, rows, agent_ids, team_ids)
    wanted: list[tuple[SurveyRow, str]] = []
    unknown: list[UnknownCall] = []
    for row in rows:
        ref = ("call_id", row.call_id) if row.call_id else ("source_key", row.source_key or "")
        call_id = calls.get(ref)
        if call_id is None:
            unknown.append(UnknownCall(row.line, row.ref))
        else:
            wanted.append((row, call_id))
    existing: dict[tuple[str, str], Survey] = {}
    for chunk in _chunks(sorted({c for _, c in wanted})):
        for survey in session.scalars(select(Survey).where(Survey.call_id.in_(chunk))):
            existing[(survey.call_id, survey.kind)] = survey
    now = utc_now()
    imported = updated = 0
    for row, call_id in wanted:
        found = existing.get((call_id, row.kind))
        if found is None:
            survey = existing[(call_id, row.kind)] = Survey(call_id=call_id, kind=row.kind)
            session.add(survey)
            imported += 1
        else:
            survey, updated = found, updated + 1
        survey.csat, survey.nps, survey.answered_at = row.csat, row.nps, row.answered_at
        survey.source, survey.imported_at = row.source or source, now
    session.flush()
    return ImportReport(imported, updated, tuple(unknown))


@dataclass(frozen=True)
class CorrelationRow:
    team: str | None  # None: calls without a team, or (``overall``) every team together
    overall: bool
    n: int  # surveys
    csat_n: int
    mean_csat: float | None  # 2 decimals
    nps_n: int
    nps: float | None  # promoters % - detractors %, 1 decimal
    r_csat_score: float | None  # Pearson r, CSAT vs the current QA score, 3 decimals
    r_csat_sentiment: float | None  # CSAT vs the customer's end sentiment, 3 decimals


def pearson(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Pearson's r of the pairs; None with fewer than 3 or no variance on a side."""
    if len(pairs) < MIN_PAIRS:
        return None
    n = len(pairs)
    mx = sum(x for x, _ in pairs) / n
    my = sum(y for _, y in pairs) / n
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    syy = sum((y - my) ** 2 for _, y in pairs)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return round(sxy / math.sqrt(sxx * syy), 3)


def _summarise(team: str | None, rows: Sequence[Any], overall: bool = False) -> CorrelationRow:
    csat = [r.csat for r in rows if r.csat is not None]
    nps = [r.nps for r in rows if r.nps is not None]
    promoters = sum(1 for v in nps if v >= 9)
    detractors = sum(1 for v in nps if v <= 6)
    return CorrelationRow(
        team=team, overall=overall, n=len(rows), csat_n=len(csat),
        mean_csat=round(sum(csat) / len(csat), 2) if csat else None, nps_n=len(nps),
        nps=round(100.0 * (promoters - detractors) / len(nps), 1) if nps else None,
        r_csat_score=pearson([(r.csat, r.total) for r in rows
                              if r.csat is not None and r.total is not None]),
        r_csat_sentiment=pearson([(r.csat, r.customer_end) for r in rows
                                  if r.csat is not None and r.customer_end is not None]))


def correlation(session: Session, filters: CallFilters, *, kind: str | None = None,
                agent_ids: Collection[int] | None = None,
                team_ids: Collection[int] | None = None) -> list[CorrelationRow]:
    """One row per team with surveys (by name, a call without a team last), then the
    overall row (``team`` None), over the calls the filters and scope allow."""
    query = (select(Team.name.label("team"), Survey.csat, Survey.nps, ScoreRecord.total,
                    ScoreRecord.customer_end)
             .select_from(Survey).join(Call, Call.id == Survey.call_id)
             .outerjoin(ScoreRecord, and_(ScoreRecord.call_id == Call.id, ScoreRecord.current))
             .outerjoin(Team, Team.id == Call.team_id)
             .where(*filter_conditions(filters),
                    *in_scope(Call.agent_id, Call.team_id, agent_ids, team_ids)))
    if kind is not None:
        query = query.where(Survey.kind == kind)
    rows = session.execute(query).all()
    teams: dict[str | None, list[Any]] = {}
    for row in rows:
        teams.setdefault(row.team, []).append(row)
    out = [_summarise(team, teams[team])
           for team in sorted(teams, key=lambda t: (t is None, t or ""))]
    out.append(_summarise(None, rows, overall=True))
    return out
