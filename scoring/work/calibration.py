"""Calibration: several reviewers score the same scorecard blind, then see each other's
verdicts side by side with the automatic one.

A supervisor or admin opens a session on a call's current scorecard and invites
reviewers (supervisors, admins, trainers who can see the call). Each invited reviewer
gives a verdict on every criterion (pass, fail or na, with an optional comment). Until
the session is revealed a reviewer sees only their own verdicts and nobody sees the
automatic ones; it is revealed when every reviewer has submitted, or when the organiser
(or an admin) reveals it. Then everyone invited sees every verdict. The organiser and
admins see a session's progress (who has submitted) before that. Every step is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.coaching_records import (
    CalibrationReviewer,
    CalibrationSession,
    CalibrationStatus,
    CalibrationVerdict,
)
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.scores import current_score
from pipeline.errors import Conflict, Forbidden, Invalid, NotFound
from scoring.titles import rubric_titles
from scoring.work.access import (
    _team_scoping,
    can_see,
    count_rows,
    read_as,
    require_role,
    scope_of,
    seen_through_call,
    visible_call,
)

__all__ = ["CalibrationView", "CriterionRow", "ReviewerRow", "Said", "blind_session",
           "calibration_view", "list_sessions", "open_session", "refuse_if_blind", "reveal",
           "reviewer_choices", "submit_verdicts", "visible_session"]

def blind_session(session: Session, user: User, call_id: str) -> int | None:
    """The open calibration session on this call that ``user`` reviews, if any: until it is
    revealed the call's scorecards (the automatic verdicts, a person's) are withheld from
    them everywhere, not only on the calibration page."""
    return session.scalar(
        select(CalibrationSession.id)
        .join(CalibrationReviewer, CalibrationReviewer.session_id == CalibrationSession.id)
        .where(CalibrationSession.call_id == call_id,
               CalibrationSession.status == CalibrationStatus.OPEN,
               CalibrationReviewer.user_id == user.id)
        .order_by(CalibrationSession.id).limit(1))


def refuse_if_blind(session: Session, user: User, call_id: str) -> None:
    """:class:`Forbidden` where ``user`` scores this call blind in an open session."""
    blind = blind_session(session, user, call_id)
    if blind is not None:
        raise Forbidden(f"you are scoring call {call_id} blind in calibration session "
                        f"{blind}; its scorecards show once the session is revealed")


ORGANISERS = (Role.ADMIN, Role.SUPERVISOR)
REVIEWERS = (Role.ADMIN, Role.SUPERVISOR, Role.TRAINER)
VERDICTS = ("pass", "fail", "na")


@dataclass(frozen=True)
class Said:
    """One reviewer's verdict on one criterion."""

    user_id: int
    username: str
    verdict: str
    comment: str | None


@dataclass(frozen=True)
class CriterionRow:
    criterion_result_id: int
    criterion_id: str
    title: str
    section_id: str
    automatic: str | None  # None until revealed
    mine: Said | None  # the reader's own verdict, if they are a reviewer and gave one
    verdicts: tuple[Said, ...]  # every reviewer's, once revealed; else ()
    agreement: str | None  # once revealed: "all", "people" (not the automatic), "split"


@dataclass(frozen=True)
class ReviewerRow:
    user_id: int
    username: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class CalibrationView:
    id: int
    call_id: str
    score_id: int
    title: str | None
    status: str
    organiser_id: int
    organiser: str
    created_at: datetime
    revealed_at: datetime | None
    reviewer: bool  # the reader is one of the invited reviewers
    submitted: bool  # ... and has submitted
    may_reveal: bool  # the reader may reveal it now
    reviewers: tuple[ReviewerRow, ...]
    criteria: tuple[CriterionRow, ...]


def _load(session: Session, session_id: int) -> CalibrationSession | None:
    return session.scalar(select(CalibrationSession).options(
        selectinload(CalibrationSession.reviewers).selectinload(CalibrationReviewer.verdicts),
        selectinload(CalibrationSession.reviewers).selectinload(CalibrationReviewer.user),
        selectinload(CalibrationSession.creator),
        selectinload(CalibrationSession.score).selectinload(ScoreRecord.results),
        selectinload(CalibrationSession.score).selectinload(ScoreRecord.rubric),
    ).where(CalibrationSession.id == session_id))


def _invited(cs: CalibrationSession, user: User) -> CalibrationReviewer | None:
    return next((r for r in cs.reviewers if r.user_id == user.id), None)


def visible_session(session: Session, user: User, session_id: int) -> CalibrationSession:
    """The session if ``user`` organised it, is invited to it, or is an admin, and sees
    its call; :class:`NotFound` otherwise, as for a missing one."""
    what = f"calibration session {session_id}"
    cs = _load(session, session_id)
    if cs is None or not (cs.created_by == user.id or _invited(cs, user) is not None
                          or user.role == Role.ADMIN):
        raise NotFound(f"no {what}")
    return seen_through_call(session, user, cs, what)


def _reviewers(session: Session, organiser: User, call: Call,
               user_ids: Sequence[int]) -> list[User]:
    ids = list(dict.fromkeys(user_ids))
    if len(ids) < 2:
        raise Invalid("invite at least two reviewers: calibration compares people's verdicts")
    found = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    missing = [str(i) for i in ids if i not in found or not found[i].active]
    if missing:
        raise Invalid(f"no active user {', '.join(missing)}; pick reviewers from the list")
    wrong = [found[i].username for i in ids if found[i].role not in REVIEWERS]
    if wrong:
        raise Invalid(f"{', '.join(wrong)} cannot review: reviewers are supervisors, "
                      "admins and trainers")
    scoping = _team_scoping(organiser)
    blind = [found[i].username for i in ids
             if not can_see(read_as(found[i], team_scoping=scoping), call)]
    if blind:
        raise Invalid(f"{', '.join(blind)} cannot see this call (another team's); invite "
                      "reviewers of the call's team")
    return [found[i] for i in ids]


def open_session(session: Session, user: User, call_id: str, reviewer_ids: Sequence[int],
                 title: str | None = None) -> CalibrationSession:
    """A supervisor or admin opens a calibration session on the call's current scorecard
    and invites ``reviewer_ids``."""
    require_role(user, *ORGANISERS)
    call = visible_call(session, user, call_id)
    score = current_score(session, call.id)
    if score is None:
        raise Conflict(f"call {call.id} has no scorecard to calibrate on")
    people = _reviewers(session, user, call, reviewer_ids)
    cs = CalibrationSession(call_id=call.id, score_id=score.id, title=title or None,
                            status=CalibrationStatus.OPEN, created_by=user.id,
                            created_at=datetime.now(UTC))
    cs.reviewers = [CalibrationReviewer(user_id=p.id) for p in people]
    session.add(cs)
    session.flush()
    audit(session, user, "calibration.open", "calibration", cs.id, call_id=call.id,
          score_id=score.id, reviewers=[p.username for p in people])
    session.commit()
    return visible_session(session, user, cs.id)


def list_sessions(session: Session, user: User, *, status: str | None = None,
                  skip: int = 0, limit: int = 50) -> tuple[Sequence[CalibrationSession], int]:
    """A page of the sessions ``user`` organised or is invited to (of calls in their
    sight), newest first, and how many there are."""
    invited = select(CalibrationReviewer.session_id).where(
        CalibrationReviewer.user_id == user.id)
    query = select(CalibrationSession).where(or_(CalibrationSession.created_by == user.id,
                                                 CalibrationSession.id.in_(invited)))
    scope = scope_of(user)
    query = scope.narrow(query, CalibrationSession.call_id)
    if status is not None:
        query = query.where(CalibrationSession.status == status)
    count = count_rows(session, query)
    rows = session.scalars(query.options(
        selectinload(CalibrationSession.reviewers).selectinload(CalibrationReviewer.user),
        selectinload(CalibrationSession.creator),
    ).order_by(CalibrationSession.id.desc()).offset(skip).limit(limit)).all()
    return rows, count


def _open(cs: CalibrationSession) -> None:
    if cs.status != CalibrationStatus.OPEN:
        raise Conflict(f"calibration session {cs.id} was revealed already; its verdicts "
                       "can no longer change")


def _revealed(session: Session, user: User, cs: CalibrationSession, why: str) -> None:
    cs.status, cs.revealed_at = CalibrationStatus.REVEALED, datetime.now(UTC)
    audit(session, user, "calibration.reveal", "calibration", cs.id, call_id=cs.call_id,
          why=why, submitted=sum(r.submitted_at is not None for r in cs.reviewers),
          reviewers=len(cs.reviewers))


def submit_verdicts(session: Session, user: User, session_id: int,
                    verdicts: Mapping[int, tuple[str, str | None]]) -> CalibrationSession:
    """An invited reviewer gives ``verdicts`` (criterion result id -> verdict, comment)
    on every criterion of the session's scorecard; they may change them until the session
    is revealed. The last reviewer to submit reveals it."""
    cs = visible_session(session, user, session_id)
    me = _invited(cs, user)
    if me is None:
        raise Forbidden(f"you are not a reviewer of calibration session {cs.id}")
    _open(cs)
    results = {r.id: r for r in cs.score.results}
    stray = sorted(set(verdicts) - set(results))
    if stray:
        raise Invalid(f"criterion result {', '.join(map(str, stray))} is not on this "
                      "session's scorecard")
    missing = [r.criterion_id for r in cs.score.results if r.id not in verdicts]
    if missing:
        raise Invalid(f"give a verdict on every criterion: {', '.join(missing)} missing")
    bad = sorted({v for v, _ in verdicts.values() if v not in VERDICTS})
    if bad:
        raise Invalid(f"a verdict is pass, fail or na, not {', '.join(bad)}")
    held = {v.criterion_result_id: v for v in me.verdicts}
    for result_id, (verdict, comment) in verdicts.items():
        row = held.get(result_id)
        if row is None:
            me.verdicts.append(CalibrationVerdict(criterion_result_id=result_id,
                                                  verdict=verdict, comment=comment or None))
        else:
            row.verdict, row.comment = verdict, comment or None
    again = me.submitted_at is not None
    me.submitted_at = datetime.now(UTC)
    audit(session, user, "calibration.submit", "calibration", cs.id, call_id=cs.call_id,
          again=again, verdicts={results[i].criterion_id: v for i, (v, _) in verdicts.items()})
    if all(r.submitted_at is not None for r in cs.reviewers):
        _revealed(session, user, cs, "every reviewer submitted")
    session.commit()
    return visible_session(session, user, cs.id)


def reveal(session: Session, user: User, session_id: int) -> CalibrationSession:
    """The organiser (or an admin) reveals the session before everyone has submitted."""
    cs = visible_session(session, user, session_id)
    if cs.created_by != user.id and user.role != Role.ADMIN:
        raise Forbidden(f"only {cs.creator.username}, who organised calibration session "
                        f"{cs.id}, or an admin can reveal it")
    _open(cs)
    _revealed(session, user, cs, "revealed by the organiser")
    session.commit()
    return visible_session(session, user, cs.id)


def _agreement(automatic: str, said: Sequence[Said]) -> str | None:
    if not said:
        return None
    labels = {s.verdict for s in said}
    if len(labels) > 1:
        return "split"
    return "all" if labels == {automatic} else "people"


def _rows(cs: CalibrationSession, user: User, lang: str) -> tuple[CriterionRow, ...]:
    me = _invited(cs, user)
    shown = cs.status == CalibrationStatus.REVEALED
    names = rubric_titles(cs.score.rubric.hash, cs.score.rubric.source)
    people = sorted(cs.reviewers, key=lambda r: r.id)
    said: dict[int, list[Said]] = {}
    for r in people:
        if r.submitted_at is None and not (me is not None and r.id == me.id):
            continue
        for v in r.verdicts:
            said.setdefault(v.criterion_result_id, []).append(
                Said(r.user_id, r.user.username, v.verdict, v.comment))
    rows = []
    for result in cs.score.results:
        everyone = said.get(result.id, [])
        mine = next((s for s in everyone if s.user_id == user.id), None)
        visible = tuple(everyone) if shown else ()
        rows.append(CriterionRow(
            criterion_result_id=result.id, criterion_id=result.criterion_id,
            title=names.criterion(result.criterion_id, lang), section_id=result.section_id,
            automatic=result.verdict if shown else None, mine=mine, verdicts=visible,
            agreement=_agreement(result.verdict, visible) if shown else None))
    return tuple(rows)


def calibration_view(cs: CalibrationSession, user: User, lang: str = "en", *,
                     criteria: bool = True) -> CalibrationView:
    """The session as ``user`` may see it: blind (their own verdicts only, no automatic
    ones) until revealed, everything side by side after; without its criteria (a
    listing's row) when ``criteria`` is False."""
    me = _invited(cs, user)
    shown = cs.status == CalibrationStatus.REVEALED
    people = sorted(cs.reviewers, key=lambda r: r.id)
    organiser = cs.created_by == user.id or user.role == Role.ADMIN
    return CalibrationView(
        id=cs.id, call_id=cs.call_id, score_id=cs.score_id, title=cs.title, status=cs.status,
        organiser_id=cs.created_by, organiser=cs.creator.username, created_at=cs.created_at,
        revealed_at=cs.revealed_at, reviewer=me is not None,
        submitted=me is not None and me.submitted_at is not None,
        may_reveal=organiser and not shown,
        reviewers=tuple(ReviewerRow(r.user_id, r.user.username, r.submitted_at)
                        for r in people),
        criteria=_rows(cs, user, lang) if criteria else ())


def reviewer_choices(session: Session, user: User,
                     call_id: str | None = None) -> list[User]:
    """The active supervisors, admins and trainers an organiser may invite; with
    ``call_id``, only those who can see that call (team scoping)."""
    require_role(user, *ORGANISERS)
    people = list(session.scalars(select(User).options(selectinload(User.teams)).where(
        User.active.is_(True), User.role.in_(REVIEWERS)).order_by(User.username)))
    if call_id is None:
        return people
    call = visible_call(session, user, call_id)
    scoping = _team_scoping(user)
    return [p for p in people if can_see(read_as(p, team_scoping=scoping), call)]
