"""SQLAlchemy 2 records of processed calls. Schema changes go through Alembic migrations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from pipeline.db.text_index import search_key


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return str(uuid.uuid4())


def _search_text(context: Any) -> str:
    """``search_text`` of a Core INSERT that did not give one: folded ``redacted_text``."""
    return search_key(context.get_current_parameters().get("redacted_text"))


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class CallStatus:
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    team: Mapped[Team | None] = relationship()


class Call(Base):
    __tablename__ = "calls"
    # an agent's trend reads (agent, started_at, id) from this index alone (migration 0006)
    __table_args__ = (Index("ix_calls_agent_started", "agent_id", "started_at", "id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_uuid)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_key: Mapped[str] = mapped_column(String(1024), index=True)
    store_url: Mapped[str] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(20), default=CallStatus.PROCESSING, index=True)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    queue: Mapped[str | None] = mapped_column(String(200), index=True)
    direction: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    customer_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    # the customer, to link their calls (pipeline.customers.customer_key); and the earlier
    # call this one repeats: same customer, same primary reason, within the repeat window
    customer_key: Mapped[str | None] = mapped_column(String(250), index=True)
    repeat_of: Mapped[str | None] = mapped_column(String(36), index=True)  # no FK: 0015
    call_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)

    language: Mapped[str | None] = mapped_column(String(8))
    language_probability: Mapped[float | None] = mapped_column(Float)
    # What decided the language (metadata, queue, setting, detected, only) and why.
    language_source: Mapped[str | None] = mapped_column(String(20))
    language_reason: Mapped[str | None] = mapped_column(String(300))
    duration: Mapped[float | None] = mapped_column(Float)
    channels: Mapped[int | None] = mapped_column(Integer)
    diarization: Mapped[str | None] = mapped_column(String(20))
    asr_model: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # the primary contact reason (category.subcategory), the product (metadata's, else the
    # taxonomy's) and the taxonomy that found them (pipeline.db.reason_records)
    contact_reason: Mapped[str | None] = mapped_column(String(120), index=True)
    product: Mapped[str | None] = mapped_column(String(60), index=True)
    taxonomy_hash: Mapped[str | None] = mapped_column(String(64))
    # dimensions and handle time from metadata (migration 0018): region and contact
    # channel (voice, chat ...), the agent's after-call work in seconds
    region: Mapped[str | None] = mapped_column(String(60), index=True)
    channel: Mapped[str | None] = mapped_column(String(60), index=True)
    acw_seconds: Mapped[float | None] = mapped_column(Float)

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processing_seconds: Mapped[float | None] = mapped_column(Float)
    model_seconds: Mapped[float | None] = mapped_column(Float)  # inside ASR + diarisation

    agent: Mapped[Agent | None] = relationship()
    team: Mapped[Team | None] = relationship()
    utterances: Mapped[list[UtteranceRecord]] = relationship(
        back_populates="call", order_by="UtteranceRecord.idx", cascade="all, delete-orphan"
    )
    metrics: Mapped[CallMetricsRecord | None] = relationship(
        back_populates="call", cascade="all, delete-orphan"
    )
    pii: Mapped[list[PIIRecord]] = relationship(cascade="all, delete-orphan")
    scores: Mapped[list[ScoreRecord]] = relationship(
        order_by="ScoreRecord.id", cascade="all, delete-orphan"
    )


class UtteranceRecord(Base):
    __tablename__ = "utterances"
    __table_args__ = (UniqueConstraint("call_id", "idx"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    channel: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)  # original: only when settings keep it
    redacted_text: Mapped[str] = mapped_column(Text)
    words: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sentiment: Mapped[float | None] = mapped_column(Float)  # -1..1
    sentiment_label: Mapped[str | None] = mapped_column(String(10))
    # folded redacted text, what transcript search looks in (pipeline.db.text_index)
    search_text: Mapped[str | None] = mapped_column(Text, default=_search_text)
    call: Mapped[Call] = relationship(back_populates="utterances")

    @validates("redacted_text")
    def _fold_for_search(self, _key: str, value: str) -> str:
        self.search_text = search_key(value)
        return value


class CallMetricsRecord(Base):
    __tablename__ = "call_metrics"
    __table_args__ = (Index("ix_call_metrics_summary", "call_id", "duration", "silence_pct",
                            "talk_ratio_agent", "overtalk"),)  # dashboards, index only
    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    duration: Mapped[float] = mapped_column(Float)
    talk_agent: Mapped[float] = mapped_column(Float)
    talk_customer: Mapped[float] = mapped_column(Float)
    talk_ratio_agent: Mapped[float] = mapped_column(Float)
    silence: Mapped[float] = mapped_column(Float)
    silence_pct: Mapped[float] = mapped_column(Float)
    longest_silence: Mapped[float] = mapped_column(Float)
    overtalk: Mapped[float] = mapped_column(Float)
    interruptions_agent: Mapped[int] = mapped_column(Integer)
    interruptions_customer: Mapped[int] = mapped_column(Integer)
    wpm_agent: Mapped[float] = mapped_column(Float)
    wpm_customer: Mapped[float] = mapped_column(Float)
    hold_gaps: Mapped[int] = mapped_column(Integer)
    utterances: Mapped[int] = mapped_column(Integer)
    call: Mapped[Call] = relationship(back_populates="metrics")


class PIIRecord(Base):
    """Where personal data was spoken; the value itself is never stored here."""

    __tablename__ = "pii_findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    utterance_idx: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)


class RubricRecord(Base):
    """A rubric version as it was used: its YAML is kept, so every score can be explained."""

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("name", "version", "hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[str] = mapped_column(String(50))
    language: Mapped[str | None] = mapped_column(String(8))
    hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(Text)  # the YAML itself
    path: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # at most one version per name is active: it scores new calls instead of a shipped
    # rubric (or a CALLQA_RUBRICS_DIR file) of the same name (scoring.in_force)
    active: Mapped[bool] = mapped_column(default=False, server_default=false())


class ScoreRecord(Base):
    """One scorecard of a call by one rubric version; ``current`` marks the latest per call."""

    __tablename__ = "scores"
    __table_args__ = (  # for the review queue, trends and dashboards (migration 0006)
        Index("ix_scores_queue", "current", "flagged", "priority"),  # review queue candidates
        Index("ix_scores_current_call", "call_id", "total", "auto_failed", "flagged",
              "customer_end", "created_at", "current",  # trends, dashboards: index only
              sqlite_where=text("current = 1"), postgresql_where=text("current")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"), index=True)
    current: Mapped[bool] = mapped_column(default=True, index=True)
    total: Mapped[float] = mapped_column(Float, index=True)
    auto_failed: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[float] = mapped_column(Float, default=0.0, index=True)  # review queue order
    sections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sentiment: Mapped[list[Any]] = mapped_column(JSON, default=list)  # per party trajectory
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # set by save_scorecard, so the review queue and dashboards need no flags/JSON scan
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())
    customer_end: Mapped[float | None] = mapped_column(Float)  # customer's end sentiment

    rubric: Mapped[RubricRecord] = relationship()
    results: Mapped[list[CriterionResultRecord]] = relationship(
        back_populates="score", order_by="CriterionResultRecord.id", cascade="all, delete-orphan"
    )
    flags: Mapped[list[FlagRecord]] = relationship(
        back_populates="score", order_by="FlagRecord.priority.desc()", cascade="all, delete-orphan"
    )


class CriterionResultRecord(Base):
    __tablename__ = "criterion_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(100), index=True)
    section_id: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(4), index=True)  # pass, fail, na
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    auto_fail: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[str] = mapped_column(Text)
    # The explanation as a message {"key", "args"}, shown in each reader's language.
    explanation_message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    score: Mapped[ScoreRecord] = relationship(back_populates="results")


class FlagRecord(Base):
    """One reason to hear a call; a call's flags together are its review item."""

    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    priority: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    reason_message: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # as explanation_message
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    score: Mapped[ScoreRecord] = relationship(back_populates="flags")


class _RollupSums:
    """What a rollup row adds up over the current scorecards of its calls."""

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # UTC day of started_at, else of created_at
    dated: Mapped[bool] = mapped_column(Boolean)  # started_at is set (date filters need it)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    calls: Mapped[int] = mapped_column(Integer)  # calls with a current scorecard
    score_sum: Mapped[float] = mapped_column(Float)
    fails: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    end_sum: Mapped[float | None] = mapped_column(Float)  # customer_end, where set
    end_n: Mapped[int] = mapped_column(Integer)
    duration_sum: Mapped[float | None] = mapped_column(Float)  # metrics', else the call's
    duration_n: Mapped[int] = mapped_column(Integer)
    silence_pct_sum: Mapped[float | None] = mapped_column(Float)
    talk_ratio_sum: Mapped[float | None] = mapped_column(Float)
    overtalk_sum: Mapped[float | None] = mapped_column(Float)
    metrics_n: Mapped[int] = mapped_column(Integer)  # calls with call metrics
    # of those, calls whose speakers were told apart: the talk-ratio and overtalk sums
    # hold these calls only (migration 0013)
    parties_n: Mapped[int] = mapped_column(Integer, server_default="0")
    # KPIs (migration 0018): after-call work of the calls with a duration; of the calls
    # with a known customer and reason, the repeats and the resolved first contacts
    # (pipeline.db.repeats); calls whose primary reason is a complaint
    acw_sum: Mapped[float | None] = mapped_column(Float)
    acw_n: Mapped[int] = mapped_column(Integer, server_default="0")
    fcr_calls: Mapped[int] = mapped_column(Integer, server_default="0")
    repeats: Mapped[int] = mapped_column(Integer, server_default="0")
    resolved: Mapped[int] = mapped_column(Integer, server_default="0")
    complaints: Mapped[int] = mapped_column(Integer, server_default="0")


class DailyRollup(_RollupSums, Base):
    """Sums over the current scorecards of one day's calls with the same agent, team, queue,
    direction, language and category, so dashboards and trends add up a few rows per day
    rather than reading every call. Recomputed per (day, agent) from the calls by
    :mod:`pipeline.db.rollups` whenever a scorecard, an analysis or an erasure changes one
    (migration 0008)."""

    __tablename__ = "daily_rollups"
    __table_args__ = (Index("ix_daily_rollups_day_agent", "day", "agent_id"),
                      Index("ix_daily_rollups_agent_day", "agent_id", "day"))
    queue: Mapped[str | None] = mapped_column(String(200))
    direction: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    category: Mapped[str | None] = mapped_column(Text)  # metadata category, else queue
    region: Mapped[str | None] = mapped_column(String(60))  # migration 0018
    channel: Mapped[str | None] = mapped_column(String(60))
    product: Mapped[str | None] = mapped_column(String(60))


class AgentDayRollup(_RollupSums, Base):
    """``daily_rollups`` summed per day and agent (and the call's team): what trends and
    dashboards grouped by agent or team read when no queue, direction or language
    narrows them (a few thousand rows where ``daily_rollups`` has tens of thousands)."""

    __tablename__ = "agent_day_rollups"
    __table_args__ = (Index("ix_agent_day_rollups_day_agent", "day", "agent_id"),
                      Index("ix_agent_day_rollups_agent_day", "agent_id", "day"))
