"""Finding calls: filters for the call list, the trainers' search and the review queue.

Every value a person types travels as a bound parameter (SQLAlchemy expressions, LIKE
patterns escaped with ``autoescape``): nothing is pasted into SQL text. ``agent_ids``
narrows the search to the calls of those agents (an agent user passes their own) and
``team_ids`` to the calls of those teams (a team-scoped supervisor or trainer passes
theirs; a call with no team is then left out): :func:`in_scope`, applied on top of every
filter, so no filter can widen it.

Transcript text (``text``) is looked up in ``utterances.search_text`` (folded, see
:mod:`pipeline.db.text_index`) as a substring. Which way the query runs depends on how
common the words are, found out first with a capped look into the trigram index:

- rare (in at most :data:`RARE_UTTERANCES` utterances): the index gives the calls, the
  other filters and the order apply to those few, and the count is exact;
- common: the calls are walked in list order and each is checked against its own
  utterances (a dozen LIKEs per call) until the page is full, and the count stops at
  ``offset +`` :data:`COUNT_CAP` (``CallPage.capped``; the API answers
  ``X-Count-Capped: true``). Counting every call that says "invoice" would read half of
  all utterances for a number no one pages through.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, selectinload

from pipeline.db.models import (
    Agent,
    Call,
    CriterionResultRecord,
    FlagRecord,
    ScoreRecord,
    Team,
    UtteranceRecord,
)
from pipeline.db.review_records import Dispute, DisputeStatus, Review, ReviewStatus
from pipeline.db.text_index import FTS_TABLE, MIN_INDEXED, fts_phrase, search_key

RARE_UTTERANCES = 2000  # words in at most this many utterances: the text index leads
COUNT_CAP = 1000  # a search for common words counts at most offset + this many calls

# Only for building queries: the FTS5 table is not part of the models' metadata.
_fts = Table(FTS_TABLE, MetaData(), Column("rowid", Integer), Column("search_text", Text))


def indexed_utterance_ids(dialect: str, needle: str) -> Select[Any]:
    """Ids of the utterances whose ``search_text`` contains ``needle``, found through the
    trigram index (``needle`` is a :func:`~pipeline.db.text_index.search_key`, at least
    :data:`~pipeline.db.text_index.MIN_INDEXED` long)."""
    if dialect == "sqlite":
        return select(_fts.c.rowid).where(_fts.c.search_text.op("MATCH")(fts_phrase(needle)))
    return select(UtteranceRecord.id).where(contains(needle))


def contains(needle: str) -> ColumnElement[bool]:
    """``utterances.search_text`` contains ``needle`` (no index needed: for a probe of one
    call's utterances; PostgreSQL's planner also serves it from the trigram index)."""
    return UtteranceRecord.search_text.contains(needle, autoescape=True)


@dataclass(frozen=True)
class CallFilters:
    """What a person may filter calls by; ``None`` means "any"."""

    team: str | None = None  # team name
    agent: str | None = None  # agent external id
    queue: str | None = None
    language: str | None = None
    direction: str | None = None
    status: str | None = None
    date_from: datetime | None = None  # started_at >= date_from
    date_to: datetime | None = None  # started_at < date_to
    score_min: float | None = None
    score_max: float | None = None
    flag: str | None = None  # a flag code on the current scorecard
    text: str | None = None  # words in the redacted transcript
    criterion: str | None = None  # a criterion id on the current scorecard ...
    verdict: str | None = None  # ... with this verdict (pass, fail, na)
    sentiment: str | None = None  # a customer utterance with this label
    disputed: bool | None = None  # an open dispute
    reason: str | None = None  # primary contact reason: "category.subcategory" or "category"
    product: str | None = None
    region: str | None = None
    channel: str | None = None  # voice, chat ...


def filter_conditions(f: CallFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.team is not None:
        where.append(Call.team_id.in_(select(Team.id).where(Team.name == f.team)))
    if f.agent is not None:
        where.append(Call.agent_id.in_(select(Agent.id).where(Agent.external_id == f.agent)))
    for column, value in ((Call.queue, f.queue), (Call.language, f.language),
                          (Call.direction, f.direction), (Call.status, f.status),
                          (Call.product, f.product), (Call.region, f.region),
                          (Call.channel, f.channel)):
        if value is not None:
            where.append(column == value)
    if f.reason is not None:
        where.append(Call.contact_reason == f.reason if "." in f.reason
                     else Call.contact_reason.startswith(f"{f.reason}.", autoescape=True))
    if f.date_from is not None:
        where.append(Call.started_at >= f.date_from)
    if f.date_to is not None:
        where.append(Call.started_at < f.date_to)
    if f.score_min is not None:
        where.append(ScoreRecord.total >= f.score_min)
    if f.score_max is not None:
        where.append(ScoreRecord.total <= f.score_max)
    if f.flag is not None:
        where.append(exists().where(FlagRecord.score_id == ScoreRecord.id,
                                    FlagRecord.code == f.flag))
    if f.text:
        needle = search_key(f.text)  # only punctuation typed: there is no word to find
        where.append(exists().where(UtteranceRecord.call_id == Call.id, contains(needle))
                     if needle else false())
    if f.criterion is not None or f.verdict is not None:
        match = [CriterionResultRecord.score_id == ScoreRecord.id]
        if f.criterion is not None:
            match.append(CriterionResultRecord.criterion_id == f.criterion)
        if f.verdict is not None:
            match.append(CriterionResultRecord.verdict == f.verdict)
        where.append(exists().where(*match))
    if f.sentiment is not None:
        where.append(exists().where(UtteranceRecord.call_id == Call.id,
                                    UtteranceRecord.role == "customer",
                                    UtteranceRecord.sentiment_label == f.sentiment))
    if f.disputed is not None:
        open_dispute = exists().where(Dispute.call_id == Call.id,
                                      Dispute.status == DisputeStatus.OPEN)
        where.append(open_dispute if f.disputed else ~open_dispute)
    return where


def in_scope(agent_column: Any, team_column: Any, agent_ids: Collection[int] | None,
             team_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    """Conditions that keep rows of ``agent_ids``' agents and ``team_ids``' teams only
    (None: any; empty: none, and a NULL column is never in a set)."""
    where: list[ColumnElement[bool]] = []
    for column, ids in ((agent_column, agent_ids), (team_column, team_ids)):
        if ids is not None:
            where.append(column.in_(sorted(ids)) if ids else false())
    return where


def _base(filters: CallFilters, agent_ids: Collection[int] | None,
          team_ids: Collection[int] | None, scored_only: bool) -> Select[Call, ScoreRecord]:
    on_current = and_(ScoreRecord.call_id == Call.id, ScoreRecord.current)
    query = select(Call, ScoreRecord)
    query = query.join(ScoreRecord, on_current) if scored_only else \
        query.outerjoin(ScoreRecord, on_current)
    query = query.where(*in_scope(Call.agent_id, Call.team_id, agent_ids, team_ids))
    return query.where(*filter_conditions(filters))


class CallPage(NamedTuple):
    rows: list[tuple[Call, ScoreRecord | None]]
    total: int  # all matching calls, or offset + COUNT_CAP when ``capped``
    capped: bool = False  # the count stopped: more calls match than it says


def _text_lookup(session: Session, filters: CallFilters) -> tuple[
        list[ColumnElement[bool]], bool]:
    """For a transcript search: conditions that let the text index lead (rare words), and
    whether the count must be capped (common words, or too short for the index)."""
    needle = search_key(filters.text)
    if not filters.text or not needle:
        return [], False
    if len(needle) < MIN_INDEXED:
        return [], True
    found = indexed_utterance_ids(session.get_bind().dialect.name, needle)
    n = session.scalar(select(func.count()).select_from(
        found.limit(RARE_UTTERANCES + 1).subquery())) or 0
    if n > RARE_UTTERANCES:
        return [], True
    by_index = select(UtteranceRecord.call_id).where(UtteranceRecord.id.in_(found))
    return [Call.id.in_(by_index)], False


def _page(
    session: Session, query: Select[Call, ScoreRecord], offset: int, limit: int,
    filters: CallFilters, count_where: Sequence[ColumnElement[bool]] = (),
    count: int | None = None, cap_count: bool = False,
) -> CallPage:
    """The page, and the count (``count_where``: conditions implied by the query's own,
    that lead the count to the few rows it must read; ``count``: already known)."""
    narrow, capped = _text_lookup(session, filters)
    capped = capped or cap_count
    query = query.where(*narrow)
    cap = offset + COUNT_CAP
    if count is None:
        # the count reads only what its conditions need: ids, not whole call and score rows
        counted = query.order_by(None).where(*count_where).with_only_columns(Call.id)
        subquery = (counted.limit(cap + 1) if capped else counted).subquery()
        count = session.scalar(select(func.count()).select_from(subquery)) or 0
    rows = session.execute(
        query.options(selectinload(Call.agent), selectinload(Call.team),
                      selectinload(ScoreRecord.flags))  # type: ignore[arg-type]
        .offset(offset).limit(limit)
    ).all()
    page: list[tuple[Call, ScoreRecord | None]] = [(call, score) for call, score in rows]
    if capped and count > cap:
        return CallPage(page, cap, True)
    return CallPage(page, count)


def search_calls(
    session: Session, filters: CallFilters, *, agent_ids: Collection[int] | None = None,
    team_ids: Collection[int] | None = None, offset: int = 0, limit: int = 50,
) -> CallPage:
    """One page of calls with their current scorecard (newest first), and the total count."""
    query = _base(filters, agent_ids, team_ids, scored_only=filters.score_min is not None
                  or filters.score_max is not None or filters.flag is not None
                  or filters.criterion is not None or filters.verdict is not None)
    query = query.order_by(Call.started_at.desc().nulls_last(), Call.created_at.desc(),
                           Call.id)
    return _page(session, query, offset, limit, filters)


def review_queue(
    session: Session, filters: CallFilters, *, agent_ids: Collection[int] | None = None,
    team_ids: Collection[int] | None = None, offset: int = 0, limit: int = 50,
    include_reviewed: bool = False, sort: str = "-priority",
) -> CallPage:
    """Calls a supervisor must hear, highest priority first: a flagged current scorecard
    not yet closed by a human review, or an open dispute (always listed); with
    ``filters.disputed`` only the calls with an open dispute (without: those without one).

    ``scores.flagged`` (set by save_scorecard) says a scorecard has flags. The page walks
    scorecards by priority and stops when it is full; the count names the candidates,
    current flagged scorecards (index ``ix_scores_queue``) and the current scorecards of
    calls with an open dispute, as one ``scores.id IN (...)``, so it reads those few
    rather than every scorecard. The whole queue's count is exact and cheap
    (:func:`_unfiltered_queue_count`); a filtered one stops at ``offset +``
    :data:`COUNT_CAP` (``CallPage.capped``), as a search for common words does."""
    query = _base(filters, agent_ids, team_ids, scored_only=True)
    flagged: ColumnElement[bool] = ScoreRecord.flagged.expression
    if not include_reviewed:
        reviewed = exists().where(Review.call_id == Call.id,
                                  Review.status == ReviewStatus.CLOSED)
        flagged = and_(flagged, ~reviewed)
    disputed = exists().where(Dispute.call_id == Call.id, Dispute.status == DisputeStatus.OPEN)
    open_disputed = (select(ScoreRecord.id).join(Dispute, Dispute.call_id == ScoreRecord.call_id)
                     .where(ScoreRecord.current, Dispute.status == DisputeStatus.OPEN))
    # disputed only (?disputed=true): the few scorecards of open disputes are the candidates
    candidates = open_disputed if filters.disputed else select(ScoreRecord.id).where(
        ScoreRecord.current, ScoreRecord.flagged).union(open_disputed)
    query = query.where(or_(flagged, disputed)).order_by(*queue_order(sort))
    if filters.flag is not None:  # implied by the flag filter; lets the flag's rows lead
        query = query.where(ScoreRecord.id.in_(
            select(FlagRecord.score_id).where(FlagRecord.code == filters.flag)))
    count = (_unfiltered_queue_count(session, include_reviewed)
             if filters == CallFilters() and agent_ids is None and team_ids is None
             else None)
    # the flag's rows are within the candidates: with a flag filter they lead alone
    narrow = [] if filters.flag is not None else [ScoreRecord.id.in_(candidates)]
    # a filtered queue (team, flag, score range ...) counts at most offset + COUNT_CAP,
    # like a search: an exact count would join thousands of calls for "1000 or more"
    return _page(session, query, offset, limit, filters, narrow, count,
                 cap_count=count is None and filters != CallFilters())


QUEUE_SORTS = ("priority", "started_at", "score", "duration")  # each also as "-name"


def queue_order(sort: str) -> list[Any]:
    """ORDER BY for the queue sorted by ``sort`` ("-" first: descending), then by priority
    and the newest call, so equal values keep the queue's order."""
    descending, name = sort.startswith("-"), sort.lstrip("-")
    columns = {"priority": ScoreRecord.priority, "started_at": Call.started_at,
               "score": ScoreRecord.total, "duration": Call.duration}
    if name not in columns:
        raise ValueError(f"sort must be one of {', '.join(QUEUE_SORTS)}, not {sort!r}")
    first = columns[name].desc() if descending else columns[name].asc()
    return [first.nulls_last(), ScoreRecord.priority.desc(),
            Call.started_at.desc().nulls_last(), Call.id]


def _unfiltered_queue_count(session: Session, include_reviewed: bool) -> int:
    """The whole queue's size without walking its ~20 % of all scorecards: with F the
    current flagged scorecards, R those of calls with a closed review and D those of calls
    with an open dispute, the queue is (F - R) | D, so its size is
    |F| - |F & R| + |D - (F - R)|. |F| is counted in ``ix_scores_queue`` alone; the other
    two start from the reviews and disputes, which people write, so they stay few."""
    current = ScoreRecord.current.expression
    f_all = session.scalar(select(func.count()).select_from(ScoreRecord)
                           .where(current, ScoreRecord.flagged)) or 0
    reviewed = ScoreRecord.call_id.in_(select(Review.call_id).where(
        Review.status == ReviewStatus.CLOSED))
    disputed = ScoreRecord.call_id.in_(select(Dispute.call_id).where(
        Dispute.status == DisputeStatus.OPEN))
    if include_reviewed:  # the queue is F | D
        f_r, in_queue = 0, ScoreRecord.flagged.expression
    else:
        f_r = session.scalar(select(func.count()).select_from(ScoreRecord)
                             .where(current, ScoreRecord.flagged, reviewed)) or 0
        in_queue = and_(ScoreRecord.flagged, ~reviewed)
    d_rest = session.scalar(select(func.count()).select_from(ScoreRecord)
                            .where(current, disputed, ~in_queue)) or 0
    return int(f_all - f_r + d_rest)


def open_reviews(session: Session, call_ids: Sequence[str]) -> dict[str, Review]:
    """The open review of each of these calls, if any."""
    if not call_ids:
        return {}
    rows = session.scalars(select(Review).options(selectinload(Review.reviewer)).where(
        Review.call_id.in_(list(call_ids)), Review.status == ReviewStatus.OPEN))
    return {r.call_id: r for r in rows}


def open_disputes(session: Session, call_ids: Sequence[str]) -> set[str]:
    if not call_ids:
        return set()
    return set(session.scalars(select(Dispute.call_id).where(
        Dispute.call_id.in_(list(call_ids)), Dispute.status == DisputeStatus.OPEN)))
