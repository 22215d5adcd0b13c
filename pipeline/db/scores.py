"""Reading and writing scorecards, rubrics and flags; reading a stored call back for rescoring.

Scorecards arrive as plain dicts (``Scorecard.to_dict()``): the database layer does not
import :mod:`scoring`, which sits above it. A criterion's explanation and a flag's reason are
stored twice: as English text and as a message (``{"key": ..., "args": ...}``) that the API
renders in each reader's language. Each function works inside the caller's session.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, selectinload

from pipeline.db import flag_alerts, rollups
from pipeline.db.dashboards import customer_end
from pipeline.db.models import (
    Call,
    CallStatus,
    CriterionResultRecord,
    FlagRecord,
    RubricRecord,
    ScoreRecord,
    UtteranceRecord,
)
from pipeline.errors import CallqaError
from pipeline.types import CallMetrics, PIIMatch, Role, Utterance, Word


def upsert_rubric(
    session: Session, *, name: str, version: str, language: str | None, hash: str,
    source: str, path: str | None = None,
) -> RubricRecord:
    """The stored rubric with this name, version and content; stored now if new."""
    record = session.scalar(
        select(RubricRecord).where(
            RubricRecord.name == name, RubricRecord.version == version, RubricRecord.hash == hash
        )
    )
    if record is None:
        record = RubricRecord(name=name, version=version, language=language, hash=hash,
                              source=source, path=path)
        session.add(record)
        session.flush()
    return record


def save_scorecard(
    session: Session, call_id: str, rubric_id: int, card: dict[str, Any],
    sentiment: list[dict[str, Any] | None] | None = None, *, current: bool = True,
) -> ScoreRecord:
    """Store a scorecard as the call's current one (earlier ones are kept, not current);
    ``current=False`` stores it as history only and leaves the current one as it is."""
    if current:
        session.execute(
            update(ScoreRecord).where(ScoreRecord.call_id == call_id, ScoreRecord.current)
            .values(current=False)
        )
    score = ScoreRecord(
        call_id=call_id, rubric_id=rubric_id, current=current, total=card["total"],
        auto_failed=card["auto_failed"], priority=card.get("priority", 0.0),
        sections=card["sections"], sentiment=card.get("sentiment", []), notes=card["notes"],
        flagged=bool(card["flags"]), customer_end=customer_end(card.get("sentiment", [])),
    )
    score.results = [
        CriterionResultRecord(
            criterion_id=r["criterion_id"], section_id=r["section_id"], type=r["type"],
            verdict=r["verdict"], points=r["points"], max_points=r["max_points"],
            confidence=r.get("confidence"), auto_fail=r.get("auto_fail", False),
            explanation=r["explanation"], explanation_message=r.get("explanation_message"),
            evidence=r.get("evidence", []),
        )
        for r in card["results"]
    ]
    score.flags = [
        FlagRecord(call_id=call_id, code=f["code"], severity=f["severity"],
                   priority=f["priority"], reason=f["reason"],
                   reason_message=f.get("reason_message"), evidence=f.get("evidence", []))
        for f in card["flags"]
    ]
    session.add(score)
    if current and card["flags"]:  # critical/high flags notify (pipeline.db.flag_alerts)
        session.flush()
        flag_alerts.notify_critical_flags(session, call_id, score.id, card["flags"])
    if sentiment is not None:
        rows = session.scalars(
            select(UtteranceRecord).where(UtteranceRecord.call_id == call_id)
        ).all()
        for row in rows:
            s = sentiment[row.idx] if row.idx < len(sentiment) else None
            row.sentiment = None if s is None else s["score"]
            row.sentiment_label = None if s is None else s["label"]
    session.flush()
    if current:  # the dashboards' sums for this call's day and agent
        rollups.refresh_calls(session, [call_id])
    return score


def current_score(session: Session, call_id: str) -> ScoreRecord | None:
    return session.scalar(
        select(ScoreRecord)
        .options(selectinload(ScoreRecord.results), selectinload(ScoreRecord.flags),
                 selectinload(ScoreRecord.rubric))
        .where(ScoreRecord.call_id == call_id, ScoreRecord.current)
    )


def is_human_score(session: Session, score_id: int) -> bool:
    """Whether a person made this scorecard: a closed review's or an accepted dispute's.

    A rescore keeps such a scorecard current (a supervisor's judgement outranks a new
    rubric version) unless told to override it; see :mod:`flows.rescore`.
    """
    from pipeline.db.review_records import Dispute, Review

    return session.scalar(select(
        exists().where(Review.final_score_id == score_id)
        | exists().where(Dispute.new_score_id == score_id))) or False


def current_human_total(session: Session, call_id: str) -> float | None:
    """The total of the call's current scorecard when a person made it, else None."""
    row = session.execute(select(ScoreRecord.id, ScoreRecord.total).where(
        ScoreRecord.call_id == call_id, ScoreRecord.current)).first()
    return row.total if row is not None and is_human_score(session, row.id) else None


def scored_call_ids(session: Session, limit: int | None = None) -> list[str]:
    """Calls that are done, oldest first: what a rescore walks through."""
    query = select(Call.id).where(Call.status == CallStatus.DONE).order_by(Call.created_at)
    return list(session.scalars(query.limit(limit) if limit else query))


class StoredCall:
    """A done call read back as the pipeline's domain types (redacted text)."""

    def __init__(self, call: Call) -> None:
        if call.status != CallStatus.DONE or call.metrics is None:
            raise CallqaError(
                f"call {call.id} has no stored transcript (status {call.status})",
                hint="Process the recording first (callqa process / ingest).",
                call_id=call.id,
            )
        self.call = call
        self.utterances = tuple(
            Utterance(
                speaker=u.speaker, role=Role(u.role), start=u.start, end=u.end,
                text=u.redacted_text, channel=u.channel,
                words=tuple(Word(w["start"], w["end"], w["text"], w.get("probability", 1.0))
                            for w in u.words),
            )
            for u in call.utterances
        )
        # the record's columns are CallMetrics' fields (save_analysis writes them from it)
        self.metrics = CallMetrics(**{f.name: getattr(call.metrics, f.name)
                                      for f in dataclasses.fields(CallMetrics)})
        self.pii = tuple(
            PIIMatch(p.kind, p.utterance_idx, 0, 0, "", p.start, p.end) for p in call.pii
        )


def load_stored_call(session: Session, call_id: str) -> StoredCall:
    call = session.scalar(
        select(Call)
        .options(selectinload(Call.utterances), selectinload(Call.metrics),
                 selectinload(Call.pii))
        .where(Call.id == call_id)
    )
    if call is None:
        raise CallqaError(f"no call {call_id}", hint="List calls with `callqa calls`.")
    return StoredCall(call)
