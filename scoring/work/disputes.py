"""Disputes: an agent contests criteria of their own current scorecard with a reason; a
supervisor or admin accepts it (a verdict for each disputed criterion: the new current
scorecard is :func:`~scoring.work.human_scores.human_scorecard` of the disputed one, so
its total, auto-fail and flags follow the scorer's one rule) or rejects it with a
comment. Every dispute is kept, with each criterion's decided verdict
(:class:`~pipeline.db.review_records.DisputedCriterion`), and every step audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.review_records import Dispute, DisputedCriterion, DisputeStatus
from pipeline.errors import Conflict, Forbidden, Invalid, NotFound
from scoring.work.access import can_see, count_rows, scope_of, visible_score
from scoring.work.human_scores import (
    Judgement,
    full_points,
    human_scorecard,
    judge,
    save_human_score,
)

__all__ = ["DecidedVerdict", "decide_dispute", "list_disputes", "load_score",
           "open_dispute", "visible_dispute"]


@dataclass(frozen=True)
class DecidedVerdict:
    """A supervisor's verdict on one disputed criterion (``points`` None: the default,
    full points for a pass, none for a fail)."""

    criterion_result_id: int
    verdict: str  # pass, fail, na
    points: float | None = None
    comment: str | None = None


def load_score(session: Session, score_id: int) -> ScoreRecord:
    """The scorecard with its criteria, flags and rubric (the foreign key keeps it)."""
    score = session.scalar(select(ScoreRecord).options(
        selectinload(ScoreRecord.results), selectinload(ScoreRecord.flags),
        selectinload(ScoreRecord.rubric)).where(ScoreRecord.id == score_id))
    if score is None:
        raise NotFound(f"no scorecard {score_id}")
    return score


def visible_dispute(session: Session, user: User, dispute_id: int) -> Dispute:
    """The dispute if ``user`` may see it (an agent: their own; anyone: one of a call in
    their sight); :class:`NotFound` if not."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"no dispute {dispute_id}")
    mine = user.role != Role.AGENT or dispute.agent_user_id == user.id
    call = session.get(Call, dispute.call_id)
    if not mine or call is None or not can_see(user, call):
        raise NotFound(f"no dispute {dispute_id}")
    return dispute


def _contested(score: ScoreRecord, criteria: Sequence[int]) -> list[int]:
    """The criterion result ids the agent names, checked against the scorecard."""
    if not criteria:
        raise Invalid("name at least one criterion you contest (criteria: the criterion "
                      "result ids of the scorecard)")
    ids = list(dict.fromkeys(criteria))  # in the agent's order, once each
    own = {r.id for r in score.results}
    foreign = [i for i in ids if i not in own]
    if foreign:
        raise Invalid(f"criterion results {', '.join(map(str, foreign))} are not on "
                      f"scorecard {score.id}; name criteria of the scorecard you dispute")
    return ids


def open_dispute(session: Session, user: User, score_id: int, reason: str,
                 criteria: Sequence[int]) -> Dispute:
    """The agent ``user`` disputes ``criteria`` (criterion result ids) of their own
    current scorecard ``score_id``, with ``reason``."""
    if user.role != Role.AGENT:
        raise Forbidden("only the agent whose call it is can dispute a scorecard")
    score = visible_score(session, user, score_id)
    if not score.current:
        raise Conflict(f"scorecard {score.id} has been replaced; dispute the current one")
    ids = _contested(load_score(session, score.id), criteria)
    if session.scalar(select(Dispute.id).where(Dispute.call_id == score.call_id,
                                               Dispute.status == DisputeStatus.OPEN)):
        raise Conflict(f"call {score.call_id} already has an open dispute")
    dispute = Dispute(score_id=score.id, call_id=score.call_id, agent_user_id=user.id,
                      reason=reason, status=DisputeStatus.OPEN, old_score=score.total,
                      created_at=datetime.now(UTC),
                      criteria=[DisputedCriterion(criterion_result_id=i) for i in ids])
    session.add(dispute)
    session.flush()
    audit(session, user, "dispute.open", "dispute", dispute.id, call_id=score.call_id,
          score_id=score.id, reason=reason, criteria=ids)
    session.commit()
    return dispute


def list_disputes(session: Session, user: User, *, status: str | None = None,
                  call_id: str | None = None, skip: int = 0,
                  limit: int = 50) -> tuple[Sequence[Dispute], int]:
    """A page of the disputes ``user`` may see (an agent: their own; anyone: those of
    calls in their sight): open ones first, newest first within each."""
    query = select(Dispute)
    scope = scope_of(user)
    if user.role == Role.AGENT:
        query = query.where(Dispute.agent_user_id == user.id)
    if not scope.everything:
        query = query.join(Call, Call.id == Dispute.call_id).where(*scope.where())
    if status is not None:
        query = query.where(Dispute.status == status)
    if call_id is not None:
        query = query.where(Dispute.call_id == call_id)
    count = count_rows(session, query)
    first = (Dispute.status != DisputeStatus.OPEN)  # False sorts first: open ones lead
    rows = session.scalars(
        query.options(selectinload(Dispute.criteria), selectinload(Dispute.decider),
                      selectinload(Dispute.agent_user))
        .order_by(first, Dispute.id.desc()).offset(skip).limit(limit)).all()
    return rows, count


def _judgements(base: ScoreRecord, dispute: Dispute,
                verdicts: Sequence[DecidedVerdict]) -> dict[int, Judgement]:
    """The supervisor's verdicts as judgements; exactly the disputed criteria, once each."""
    if not dispute.criteria:  # filed before disputes named criteria (migration 0012):
        # it contests the whole scorecard, and is decided criterion by criterion
        dispute.criteria.extend(DisputedCriterion(criterion_result_id=r.id)
                                for r in base.results)
    disputed = [c.criterion_result_id for c in dispute.criteria]
    given = [v.criterion_result_id for v in verdicts]
    missing = [i for i in disputed if i not in given]
    extra = [i for i in given if i not in disputed]
    if missing or extra or len(given) != len(set(given)):
        raise Invalid(
            f"give one verdict for each disputed criterion (criterion results "
            f"{', '.join(map(str, disputed))})"
            + (f"; missing: {', '.join(map(str, missing))}" if missing else "")
            + (f"; not disputed: {', '.join(map(str, extra))}" if extra else ""))
    by_id = {r.id: r for r in base.results}
    full = full_points(base) if any(by_id[i].max_points <= 0 for i in disputed) else {}
    return {v.criterion_result_id: judge(by_id[v.criterion_result_id], v.verdict, v.points,
                                         full) for v in verdicts}


def decide_dispute(session: Session, user: User, dispute_id: int, decision: str,
                   comment: str, verdicts: Sequence[DecidedVerdict] = ()) -> Dispute:
    """A supervisor or admin accepts an open dispute (a verdict for each disputed
    criterion; the scorecard they make becomes the call's current one) or rejects it
    (``verdicts`` empty; the score stays)."""
    dispute = visible_dispute(session, user, dispute_id)
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(f"dispute {dispute_id} was {dispute.status} already")
    decided: list[dict[str, object]] = []
    if decision == DisputeStatus.ACCEPTED:
        base = load_score(session, dispute.score_id)
        if not base.current:
            raise Conflict(f"scorecard {base.id} has been replaced since the dispute was "
                           "opened; reject the dispute with a comment, and the agent can "
                           "dispute the current scorecard")
        judged = _judgements(base, dispute, verdicts)
        notes = {v.criterion_result_id: v.comment for v in verdicts}
        by_id = {r.id: r for r in base.results}
        for row in dispute.criteria:
            j = judged[row.criterion_result_id]
            row.verdict, row.points = j.verdict, j.points
            r = by_id[row.criterion_result_id]
            decided.append({"criterion_result_id": r.id, "criterion_id": r.criterion_id,
                            "automatic": r.verdict, "decided": j.verdict,
                            "points": j.points, "comment": notes.get(r.id)})
        card = human_scorecard(session, base, judged)
        stored = save_human_score(
            session, base, card,
            f"dispute {dispute.id} accepted by {user.username}: "
            f"{len(judged)} criteria scored again, score {base.total:g} -> {card.total:g}"
            + (f" ({comment})" if comment else ""))
        dispute.new_score, dispute.new_score_id = card.total, stored.id
    elif verdicts:
        raise Invalid("a rejected dispute keeps the score: send no verdicts, only a comment")
    elif not comment.strip():
        raise Invalid("to reject a dispute, say why in the comment; the agent reads it")
    dispute.status = decision
    dispute.decided_by, dispute.decided_at = user.id, datetime.now(UTC)
    dispute.decision_comment = comment
    action = "dispute.accept" if decision == DisputeStatus.ACCEPTED else "dispute.reject"
    audit(session, user, action, "dispute", dispute.id,
          call_id=dispute.call_id, old_score=dispute.old_score, new_score=dispute.new_score,
          comment=comment, criteria=decided or [c.criterion_result_id for c in dispute.criteria])
    session.commit()
    return dispute
