"""Complaint cases for the people who handle them: who may see and change what.

Admins see and change every case. Supervisors see the cases of the teams in their sight
(:func:`~scoring.work.access.scope_of`; every case when team scoping is off), move them
through the lifecycle, own them and give them to another admin or supervisor who can see
them. Trainers may read them. Agents get nothing (403): a complaint is about the centre,
not an agent's page. Anything out of sight answers as a missing case does (404).

The lifecycle rules are :mod:`pipeline.db.complaints`; every change here is committed
with its history, audit entry and notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.complaint_sla import ComplaintSla
from pipeline.db.accounts import Role, User
from pipeline.db.complaint_kpis import ComplaintKpi, KpiGroup, complaint_kpis
from pipeline.db.complaint_listing import (
    CaseCounts,
    CaseFilters,
    CasePage,
    case_counts,
    list_cases,
)
from pipeline.db.complaint_opening import Opened, open_or_attach
from pipeline.db.complaint_records import CaseStatus, ComplaintCase, ComplaintEvent
from pipeline.db.complaints import Closure, case_of_call, set_owner, transition
from pipeline.db.models import Call
from pipeline.errors import Invalid, NotFound
from scoring.work.access import require_role, scope_of, visible_call

__all__ = ["HANDLERS", "READERS", "CaseDetail", "assign", "case_of_call_for", "change",
           "complaint_kpis_for", "counts_for", "customer_open_case", "detail",
           "list_for", "open_from_call", "visible_case"]

READERS = (Role.ADMIN, Role.SUPERVISOR, Role.TRAINER)
HANDLERS = (Role.ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class CaseDetail:
    case: ComplaintCase
    calls: tuple[tuple[str, str, datetime, Call | None], ...]  # call id, why, attached, call
    events: tuple[tuple[ComplaintEvent, str | None], ...]  # the event, its user's name
    owner: User | None


def _teams(user: User) -> frozenset[int] | None:
    require_role(user, *READERS)
    return scope_of(user).team_ids


def _sees(user: User, case: ComplaintCase) -> bool:
    teams = scope_of(user).team_ids
    return teams is None or case.team_id in teams


def visible_case(session: Session, user: User, case_id: int) -> ComplaintCase:
    """The case if ``user`` may read it; 403 for agents, 404 when missing or out of sight."""
    require_role(user, *READERS)
    case = session.get(ComplaintCase, case_id)
    if case is None or not _sees(user, case):
        raise NotFound(f"no complaint case {case_id}")
    return case


def list_for(session: Session, user: User, filters: CaseFilters, now: datetime, *,
             mine: bool = False, skip: int = 0, limit: int = 50) -> CasePage:
    """A page of the cases ``user`` sees (``mine``: those they own)."""
    teams = _teams(user)
    if mine:
        filters = CaseFilters(**{**filters.__dict__, "owner_id": user.id})
    return list_cases(session, filters, now, team_ids=teams, skip=skip, limit=limit)


def counts_for(session: Session, user: User, now: datetime) -> CaseCounts:
    return case_counts(session, now, team_ids=_teams(user))


def complaint_kpis_for(session: Session, user: User, now: datetime, *,
                       group_by: KpiGroup = "category", since: datetime | None = None,
                       until: datetime | None = None) -> list[ComplaintKpi]:
    return complaint_kpis(session, now, group_by=group_by, since=since, until=until,
                          team_ids=_teams(user))


def detail(session: Session, user: User, case_id: int) -> CaseDetail:
    """The case with its calls (those out of the reader's sight without their details),
    its history and owner."""
    case = visible_case(session, user, case_id)
    scope = scope_of(user)
    calls = []
    for link in case.calls:
        call = session.scalar(select(Call).options(selectinload(Call.agent))
                              .where(Call.id == link.call_id))
        calls.append((link.call_id, link.why, link.attached_at,
                      call if call is not None and scope.sees_call(call) else None))
    names = {u.id: u.username for u in session.scalars(select(User).where(
        User.id.in_({e.user_id for e in case.events if e.user_id is not None})))}
    events = tuple((e, names.get(e.user_id) if e.user_id else None) for e in case.events)
    owner = session.get(User, case.owner_id) if case.owner_id else None
    return CaseDetail(case, tuple(calls), events, owner)


def change(session: Session, user: User, case_id: int, to_status: str, sla: ComplaintSla,
           now: datetime, *, note: str | None = None,
           closure: Closure | None = None) -> ComplaintCase:
    """Move the case one step (admins and supervisors who see it); committed."""
    require_role(user, *HANDLERS)
    case = visible_case(session, user, case_id)
    transition(session, case, to_status, sla, now, actor=user, note=note, closure=closure)
    session.commit()
    return case


def assign(session: Session, user: User, case_id: int, owner_id: int | None,
           now: datetime) -> ComplaintCase:
    """Give the case to ``owner_id`` (an active admin or supervisor who can see it), or to
    nobody; committed."""
    require_role(user, *HANDLERS)
    case = visible_case(session, user, case_id)
    owner = None
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or not owner.active or owner.role not in HANDLERS:
            raise Invalid(f"user {owner_id} cannot own complaints: give it to an active "
                          "admin or supervisor")
        if not _sees(owner, case):
            raise Invalid(f"{owner.username} cannot see complaint {case.reference} (not "
                          "one of their teams); add them to its team first")
    set_owner(session, case, owner, now, actor=user)
    session.commit()
    return case


def open_from_call(session: Session, user: User, call_id: str, sla: ComplaintSla,
                   now: datetime, *, case_id: int | None = None,
                   note: str | None = None) -> Opened:
    """A person decides the call is a complaint: it opens a case, joins its customer's
    open case, or joins ``case_id``; committed."""
    require_role(user, *HANDLERS)
    call = visible_call(session, user, call_id)
    case = None if case_id is None else visible_case(session, user, case_id)
    opened = open_or_attach(session, call, sla, now, user, case=case, note=note)
    session.commit()
    return opened


def case_of_call_for(session: Session, user: User, call: Call) -> ComplaintCase | None:
    """The case of a call in ``user``'s sight, for the call page; None for agents or when
    the call is in no case (or its case is out of sight)."""
    if user.role not in READERS:
        return None
    case = case_of_call(session, call.id)
    return case if case is not None and _sees(user, case) else None


def customer_open_case(session: Session, user: User,
                       customer_key: str | None) -> ComplaintCase | None:
    """The customer's open case, if ``user`` may read it."""
    if customer_key is None or user.role not in READERS:
        return None
    cases: Sequence[ComplaintCase] = session.scalars(
        select(ComplaintCase).where(ComplaintCase.customer_key == customer_key,
                                    ComplaintCase.status.in_(CaseStatus.OPEN))
        .order_by(ComplaintCase.id.desc())).all()
    return next((c for c in cases if _sees(user, c)), None)
