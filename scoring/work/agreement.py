"""How far verdicts agree: percent agreement and Cohen's kappa over pairs of verdicts,
and the agreement report a QA team reads to learn whether to trust a criterion.

    percent_agreement(pairs)  the share of pairs whose two verdicts are the same, 0-100
    cohens_kappa(pairs)       agreement beyond chance, (po - pe) / (1 - pe); None where
                              chance agreement pe is 1 (both sides always say the same
                              one label) or there are no pairs: it is undefined ("n/a")
    agreement_report(...)     over a period [since, until), per criterion and per reviewer:
                              the automatic verdict against people, and people against
                              each other; worst agreement first

A pair is (first, second), each "pass", "fail" or "na". Automatic against people: every
revealed calibration verdict against the scorecard's automatic verdict, and every closed
review's human verdict per criterion (its override, else the automatic one it kept).
People against people: every two reviewers of one calibration session on one criterion,
the one with the lower user id first. Where a session has more than two reviewers, their
pairs are pooled into one Cohen's kappa: a fair reading of how often people agree beyond
chance, not Fleiss' kappa (which would weigh each session's raters together).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.coaching_records import (
    CalibrationReviewer,
    CalibrationSession,
    CalibrationStatus,
)
from pipeline.db.models import ScoreRecord
from pipeline.db.review_records import Review, ReviewStatus
from pipeline.db.times import as_utc
from pipeline.errors import Invalid
from scoring.titles import rubric_titles
from scoring.work.access import Scope, require_role, scope_of

__all__ = ["AgreementReport", "CriterionAgreement", "Figures", "ReviewerAgreement",
           "agreement_report", "cohens_kappa", "figures", "percent_agreement"]

Pair = tuple[str, str]


def percent_agreement(pairs: Sequence[Pair]) -> float | None:
    """The percentage (0-100) of pairs that agree; None when there are none."""
    if not pairs:
        return None
    return 100.0 * sum(a == b for a, b in pairs) / len(pairs)


def cohens_kappa(pairs: Sequence[Pair]) -> float | None:
    """Cohen's kappa of the pairs; None when there are none or chance agreement is 1."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True)
class Figures:
    """How far ``n`` pairs agree: ``percent`` (None: no pairs) and ``kappa`` (None:
    undefined)."""

    n: int = 0
    percent: float | None = None
    kappa: float | None = None


def figures(pairs: Sequence[Pair]) -> Figures:
    """The figures of ``pairs``, rounded for reading (percent 0.1, kappa 0.001)."""
    percent, kappa = percent_agreement(pairs), cohens_kappa(pairs)
    # + 0.0: a kappa a hair below 0 reads 0, not -0
    return Figures(n=len(pairs), percent=None if percent is None else round(percent, 1),
                   kappa=None if kappa is None else round(kappa, 3) + 0.0)


@dataclass(frozen=True)
class CriterionAgreement:
    criterion_id: str
    title: str
    automatic: Figures  # the automatic verdict against people's
    people: Figures  # people against each other


@dataclass(frozen=True)
class ReviewerAgreement:
    user_id: int
    username: str
    automatic: Figures  # this reviewer against the automatic verdict
    people: Figures  # this reviewer against the other reviewers of their sessions


@dataclass(frozen=True)
class AgreementReport:
    since: datetime
    until: datetime
    sessions: int  # revealed calibration sessions in the period
    reviews: int  # closed reviews in the period
    criteria: tuple[CriterionAgreement, ...]
    reviewers: tuple[ReviewerAgreement, ...]


@dataclass
class _Pairs:
    automatic: list[Pair] = field(default_factory=list)
    people: list[Pair] = field(default_factory=list)


def _worst_first(automatic: Figures, people: Figures, name: str) -> tuple[int, float, str]:
    """Rows with pairs first, the lowest agreement (of either kind) first, then by name."""
    known = [f.percent for f in (automatic, people) if f.percent is not None]
    return (0, min(known), name) if known else (1, 0.0, name)


def _scope(user: User | None) -> Scope:
    return Scope() if user is None else scope_of(user)


def _sessions(session: Session, user: User | None, since: datetime,
              until: datetime) -> Sequence[CalibrationSession]:
    query = select(CalibrationSession).where(
        CalibrationSession.status == CalibrationStatus.REVEALED,
        CalibrationSession.revealed_at >= since, CalibrationSession.revealed_at < until)
    scope = _scope(user)
    query = scope.narrow(query, CalibrationSession.call_id)
    return session.scalars(query.options(
        selectinload(CalibrationSession.reviewers).selectinload(CalibrationReviewer.verdicts),
        selectinload(CalibrationSession.reviewers).selectinload(CalibrationReviewer.user),
        selectinload(CalibrationSession.score).selectinload(ScoreRecord.results),
        selectinload(CalibrationSession.score).selectinload(ScoreRecord.rubric),
    ).order_by(CalibrationSession.id)).all()


def _reviews(session: Session, user: User | None, since: datetime,
             until: datetime) -> Sequence[Review]:
    query = select(Review).where(Review.status == ReviewStatus.CLOSED,
                                 Review.closed_at >= since, Review.closed_at < until)
    scope = _scope(user)
    query = scope.narrow(query, Review.call_id)
    return session.scalars(query.options(
        selectinload(Review.overrides), selectinload(Review.reviewer),
        selectinload(Review.score).selectinload(ScoreRecord.results),
        selectinload(Review.score).selectinload(ScoreRecord.rubric),
    ).order_by(Review.id)).all()


def _title_of(score: ScoreRecord, titles: dict[str, str], lang: str) -> None:
    names = rubric_titles(score.rubric.hash, score.rubric.source)
    for r in score.results:
        titles.setdefault(r.criterion_id, names.criterion(r.criterion_id, lang))


def agreement_report(session: Session, user: User | None, since: datetime,
                     until: datetime, lang: str = "en") -> AgreementReport:
    """Agreement over [since, until) in the calls ``user`` sees (None: every call, for
    the operator's CLI); criteria and reviewers with the worst agreement first. For
    admins, supervisors and trainers."""
    if user is not None:
        require_role(user, Role.ADMIN, Role.SUPERVISOR, Role.TRAINER)
    since, until = as_utc(since), as_utc(until)
    if since >= until:
        raise Invalid("the period is empty: 'since' must come before 'until'")
    by_criterion: dict[str, _Pairs] = {}
    by_reviewer: dict[int, _Pairs] = {}
    names: dict[int, str] = {}
    titles: dict[str, str] = {}

    def add(criterion: str, reviewer: int | None, kind: str, pair: Pair) -> None:
        getattr(by_criterion.setdefault(criterion, _Pairs()), kind).append(pair)
        if reviewer is not None:
            getattr(by_reviewer.setdefault(reviewer, _Pairs()), kind).append(pair)

    sessions = _sessions(session, user, since, until)
    for cs in sessions:
        _title_of(cs.score, titles, lang)
        results = {r.id: r for r in cs.score.results}
        judged = sorted((r for r in cs.reviewers if r.submitted_at is not None),
                        key=lambda r: r.user_id)
        said = {r.user_id: {v.criterion_result_id: v.verdict for v in r.verdicts}
                for r in judged}
        for r in judged:
            names[r.user_id] = r.user.username
            for result_id, verdict in said[r.user_id].items():
                result = results[result_id]
                add(result.criterion_id, r.user_id, "automatic", (result.verdict, verdict))
        for i, first in enumerate(judged):
            for second in judged[i + 1:]:
                for result_id, verdict in said[first.user_id].items():
                    other = said[second.user_id].get(result_id)
                    if other is None:
                        continue
                    criterion = results[result_id].criterion_id
                    add(criterion, None, "people", (verdict, other))
                    by_reviewer.setdefault(first.user_id, _Pairs()).people.append(
                        (verdict, other))
                    by_reviewer.setdefault(second.user_id, _Pairs()).people.append(
                        (other, verdict))
    reviews = _reviews(session, user, since, until)
    for review in reviews:
        _title_of(review.score, titles, lang)
        names[review.reviewer_id] = review.reviewer.username
        overridden = {o.criterion_result_id: o.verdict for o in review.overrides}
        for result in review.score.results:
            human = overridden.get(result.id, result.verdict)
            add(result.criterion_id, review.reviewer_id, "automatic", (result.verdict, human))
    criteria = [CriterionAgreement(cid, titles.get(cid, cid), figures(p.automatic),
                                   figures(p.people)) for cid, p in by_criterion.items()]
    criteria.sort(key=lambda c: _worst_first(c.automatic, c.people, c.criterion_id))
    people = [ReviewerAgreement(uid, names[uid], figures(p.automatic), figures(p.people))
              for uid, p in by_reviewer.items()]
    people.sort(key=lambda r: _worst_first(r.automatic, r.people, r.username))
    return AgreementReport(since=since, until=until, sessions=len(sessions),
                           reviews=len(reviews), criteria=tuple(criteria),
                           reviewers=tuple(people))

