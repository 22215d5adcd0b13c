"""Disputes as the API shows them (:func:`disputes_public`): each disputed criterion with
its title in the reader's language, the disputed scorecard's verdict and evidence, and
the verdict an accepted dispute gave it; the agent and the decider by name. The records
of one page are read in a few queries (scorecards, calls, users), not one per dispute."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.schemas.work import DisputedCriterionPublic, DisputePublic, Verdict
from api.scorecards import evidence_public, titles_of
from pipeline.db.accounts import User
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.review_records import Dispute
from scoring.work.authorship import display_name


def disputes_public(session: Session, rows: Sequence[Dispute],
                    lang: str) -> list[DisputePublic]:
    """``rows`` for a reader of ``lang``."""
    if not rows:
        return []
    scores = {s.id: s for s in session.scalars(
        select(ScoreRecord).options(selectinload(ScoreRecord.results),
                                    selectinload(ScoreRecord.rubric))
        .where(ScoreRecord.id.in_({d.score_id for d in rows})))}
    calls = {c.id: c for c in session.scalars(
        select(Call).options(selectinload(Call.agent))
        .where(Call.id.in_({d.call_id for d in rows})))}
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(
        {d.agent_user_id for d in rows} | {d.decided_by for d in rows if d.decided_by})))}
    out = []
    for d in rows:
        score, call = scores[d.score_id], calls.get(d.call_id)
        names = titles_of(score.rubric)
        results = {r.id: r for r in score.results}
        # a dispute filed before disputes named criteria contests the whole scorecard
        contested = ([(c.criterion_result_id, c.verdict, c.points) for c in d.criteria]
                     or [(r.id, None, None) for r in score.results])
        criteria = []
        for result_id, verdict, points in contested:
            r = results.get(result_id)
            if r is None:  # the foreign key cascades; kept for safety
                continue
            criteria.append(DisputedCriterionPublic(
                id=r.id, criterion_id=r.criterion_id,
                title=names.criterion(r.criterion_id, lang), section_id=r.section_id,
                max_points=r.max_points, automatic_verdict=cast(Verdict, r.verdict),
                automatic_points=r.points, decided_verdict=cast(Verdict | None, verdict),
                decided_points=points,
                evidence=evidence_public(r.evidence, lang)))
        agent = call.agent if call is not None else None
        out.append(DisputePublic(
            id=d.id, score_id=d.score_id, call_id=d.call_id, agent_user_id=d.agent_user_id,
            agent=agent.external_id if agent else None,
            agent_name=(agent.name if agent and agent.name else
                        display_name(people.get(d.agent_user_id))),
            reason=d.reason, status=cast(Any, d.status), criteria=criteria,
            whole_scorecard=not d.criteria, old_score=d.old_score,
            new_score=d.new_score, new_score_id=d.new_score_id, decided_by=d.decided_by,
            decider=display_name(people.get(d.decided_by)) if d.decided_by else None,
            decision_comment=d.decision_comment, created_at=d.created_at,
            decided_at=d.decided_at))
    return out
