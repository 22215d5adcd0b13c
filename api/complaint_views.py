"""Complaint cases as the API shows them: titles in the reader's language (categories from
the taxonomy in force, root causes from the SLA file), due dates with what is due and
whether it is overdue, the calls with links (a call out of the reader's sight by id
only), the history with who did each step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.reason_views import titles_taxonomy
from api.schemas.complaints import (
    CaseCallPublic,
    CaseEventPublic,
    CasePublic,
    CaseSummary,
    RootCausePublic,
)
from pipeline.complaint_sla import OUTCOMES, ComplaintSla, deadline_of
from pipeline.db.accounts import User
from pipeline.db.complaint_escalation import overdue_now
from pipeline.db.complaint_records import ComplaintCase
from pipeline.db.complaints import TRANSITIONS
from pipeline.db.models import Team
from pipeline.settings import Settings
from scoring.taxonomy import Taxonomy
from scoring.work.complaints import CaseDetail

__all__ = ["case_public", "category_title", "summaries"]


def category_title(taxonomy: Taxonomy | None, category: str | None, lang: str) -> str | None:
    if category is None:
        return None
    known = taxonomy.category(category) if taxonomy else None
    return known.title_in(lang) if known else category


def _summary(case: ComplaintCase, now: datetime, taxonomy: Taxonomy | None, lang: str,
             teams: dict[int, str], owners: dict[int, str]) -> CaseSummary:
    return CaseSummary(
        id=case.id, reference=case.reference or "", status=case.status,  # type: ignore[arg-type]
        category=case.category, category_title=category_title(taxonomy, case.category, lang),
        team=teams.get(case.team_id) if case.team_id else None,
        owner=owners.get(case.owner_id) if case.owner_id else None, owner_id=case.owner_id,
        opened_at=case.opened_at, due_at=case.due_at, deadline=deadline_of(case.status),
        overdue=overdue_now(case, now), escalation_level=case.escalation_level,
        closed_at=case.closed_at, calls=len(case.calls), source=case.source,  # type: ignore[arg-type]
        link=f"/#/complaint?id={case.id}")


def _names(session: Session, cases: list[ComplaintCase]) -> tuple[dict[int, str],
                                                                    dict[int, str]]:
    team_ids = {c.team_id for c in cases if c.team_id}
    owner_ids = {c.owner_id for c in cases if c.owner_id}
    teams = dict(session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids)))
                 .tuples().all()) if team_ids else {}
    owners = dict(session.execute(select(User.id, User.username).where(
        User.id.in_(owner_ids))).tuples().all()) if owner_ids else {}
    return teams, owners


def summaries(session: Session, cases: list[ComplaintCase], now: datetime,
              settings: Settings, lang: str) -> list[CaseSummary]:
    taxonomy = titles_taxonomy(settings)
    teams, owners = _names(session, cases)
    return [_summary(c, now, taxonomy, lang, teams, owners) for c in cases]


def case_public(session: Session, found: CaseDetail, now: datetime, settings: Settings,
                sla: ComplaintSla, lang: str) -> CasePublic:
    case = found.case
    teams, owners = _names(session, [case])
    base = _summary(case, now, titles_taxonomy(settings), lang, teams, owners)
    cause = sla.root_cause(case.root_cause) if case.root_cause else None
    calls = [CaseCallPublic(
        call_id=call_id, why=why, attached_at=attached,  # type: ignore[arg-type]
        started_at=call.started_at if call else None,
        agent=call.agent.external_id if call and call.agent else None,
        contact_reason=call.contact_reason if call else None, visible=call is not None,
        link=f"/#/call?id={call_id}" if call is not None else None)
        for call_id, why, attached, call in found.calls]
    history = [CaseEventPublic(at=e.at, user=name, action=e.action,
                               from_status=e.from_status, to_status=e.to_status,
                               detail=dict(e.detail or {})) for e, name in found.events]
    return CasePublic(
        **base.model_dump(), outcome=case.outcome,  # type: ignore[arg-type]
        root_cause=case.root_cause,
        root_cause_title=cause.title_in(lang) if cause else case.root_cause,
        satisfaction=case.satisfaction, sla_met=case.sla_met,
        acknowledged_at=case.acknowledged_at, responded_at=case.responded_at,
        reopened=case.reopened, next=list(TRANSITIONS.get(case.status, ())),  # type: ignore[arg-type]
        case_calls=calls, history=history,
        root_causes=[RootCausePublic(code=r.code, title=r.title_in(lang))
                     for r in sla.root_causes],
        outcomes=list(OUTCOMES))  # type: ignore[arg-type]
