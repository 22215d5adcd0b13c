"""Retention per queue: which calls are past their period ("*" default, then
CALLQA_RETENTION_DAYS, else kept forever), and the ``retention`` flow that erases them
(dry run erases nothing; younger calls stay), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipeline.db.models import Call, UtteranceRecord
from pipeline.db.session import session_scope, upgrade
from pipeline.settings import get_settings

NOW = datetime.now(UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, callqa_home: Path,
       monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The settings' database (SQLite under CALLQA_HOME, or a throwaway PostgreSQL one)."""
    if request.param == "postgres":
        monkeypatch.setenv("CALLQA_DATABASE_URL", request.getfixturevalue("postgres_url"))
        get_settings.cache_clear()
    url = get_settings().resolved_database_url
    upgrade(url)
    yield url
    get_settings.cache_clear()


def add_call(url: str, name: str, queue: str | None, days_old: float | None,
             created_days_old: float = 0.0) -> str:
    """A call recorded ``days_old`` days ago (None: no started_at in its metadata), with a
    recording in the local store and one utterance."""
    store = Path(get_settings().resolved_store_url)
    (store / f"{name}.wav").parent.mkdir(parents=True, exist_ok=True)
    (store / f"{name}.wav").write_bytes(b"RIFF....WAVE")
    with session_scope(url) as s:
        call = Call(content_hash=name, source_key=f"{name}.wav", store_url=str(store.resolve()),
                    status="done", queue=queue,
                    started_at=None if days_old is None else NOW - timedelta(days=days_old),
                    created_at=NOW - timedelta(days=created_days_old))
        call.utterances = [UtteranceRecord(idx=0, speaker="agent", role="agent", start=0.0,
                                           end=1.0, redacted_text=f"hello from {name}")]
        s.add(call)
        s.flush()
        return call.id


def expired(url: str, fallback_days: int | None = None, limit: int = 1000) -> list[str]:
    from pipeline.db.retention import expired_calls

    with session_scope(url) as s:
        return [s.get(Call, e.call_id).content_hash  # type: ignore[union-attr]
                for e in expired_calls(s, NOW, limit, fallback_days=fallback_days)]


def set_policy(url: str, queue: str, days: int) -> None:
    from pipeline.db.retention import set_policy as store

    with session_scope(url) as s:
        store(s, queue, days, actor="test")


def test_each_queue_keeps_its_calls_for_its_own_period(db: str) -> None:
    add_call(db, "billing_old", "billing", 40)
    add_call(db, "billing_young", "billing", 10)
    add_call(db, "sales_40", "sales", 40)
    add_call(db, "sales_old", "sales", 400)
    add_call(db, "support_old", "support", 4000)  # no policy, no default: kept
    assert expired(db) == []  # nothing set: everything is kept
    set_policy(db, "billing", 30)
    set_policy(db, "sales", 365)
    assert expired(db) == ["sales_old", "billing_old"]  # oldest first
    assert expired(db, limit=1) == ["sales_old"]


def test_the_star_policy_covers_other_queues_and_beats_the_setting(db: str) -> None:
    add_call(db, "billing_old", "billing", 40)
    add_call(db, "support_old", "support", 100)
    add_call(db, "no_queue_old", None, 100)
    add_call(db, "support_young", "support", 20)
    set_policy(db, "billing", 365)
    set_policy(db, "*", 60)
    assert sorted(expired(db)) == ["no_queue_old", "support_old"]
    assert sorted(expired(db, fallback_days=10)) == ["no_queue_old", "support_old"]  # "*" wins

    from pipeline.db.retention import expired_calls

    with session_scope(db) as s:
        reasons = {e.reason for e in expired_calls(s, NOW)}
    assert reasons == {"retention: the default policy '*' keeps calls 60 days"}


def test_without_a_star_row_the_setting_is_the_default(db: str) -> None:
    add_call(db, "support_old", "support", 100)
    add_call(db, "support_young", "support", 20)
    add_call(db, "billing_old", "billing", 100)
    set_policy(db, "billing", 365)
    assert expired(db, fallback_days=None) == []  # CALLQA_RETENTION_DAYS unset: forever
    assert expired(db, fallback_days=90) == ["support_old"]
    set_policy(db, "*", 50)  # the only row: it covers every queue
    from pipeline.db.retention import remove_policy

    with session_scope(db) as s:
        remove_policy(s, "billing", actor="test")
    assert sorted(expired(db, fallback_days=10)) == ["billing_old", "support_old"]


def test_age_counts_from_started_at_else_from_created_at(db: str) -> None:
    add_call(db, "recorded_long_ago", "billing", 100, created_days_old=1)
    add_call(db, "no_metadata_old", "billing", None, created_days_old=100)
    add_call(db, "no_metadata_new", "billing", None, created_days_old=1)
    add_call(db, "recorded_recently", "billing", 1, created_days_old=100)
    set_policy(db, "billing", 30)
    assert sorted(expired(db)) == ["no_metadata_old", "recorded_long_ago"]


def test_bad_policies_are_refused(db: str) -> None:
    from pipeline.db.retention import RetentionError, list_policies, remove_policy

    for queue, days in (("billing", 0), ("billing", -5), ("", 30), ("billing", 10**6)):
        with pytest.raises(RetentionError), session_scope(db) as s:
            from pipeline.db.retention import set_policy as store

            store(s, queue, days, actor="test")
    with session_scope(db) as s:
        assert list_policies(s) == []
        assert remove_policy(s, "billing", actor="test") is False


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_erases_expired_calls_and_a_dry_run_erases_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from flows.retention import expire_calls
    from pipeline.db.audit import AuditLog
    from pipeline.db.recording_queue import Recording, RecordingState

    store = Path(get_settings().resolved_store_url)
    old = add_call(db, "billing_old", "billing", 40)
    add_call(db, "billing_young", "billing", 10)
    fallback = add_call(db, "support_old", "support", 100)
    add_call(db, "support_young", "support", 20)
    set_policy(db, "billing", 30)
    monkeypatch.setenv("CALLQA_RETENTION_DAYS", "90")
    get_settings.cache_clear()

    runner = CliRunner()
    dry = runner.invoke(app, ["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 call(s) past their retention period; dry run" in dry.output
    assert old in dry.output and fallback in dry.output
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 4
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 1  # the policy only
    assert (store / "billing_old.wav").exists()

    report = expire_calls()
    assert (report.found, report.erased, report.failed, report.objects_pending) == (2, 2, 0, 0)
    assert report.by_policy == {"queue 'billing'": 1, "CALLQA_RETENTION_DAYS": 1}
    with session_scope(db) as s:
        left = sorted(s.scalars(select(Call.content_hash)))
        assert left == ["billing_young", "support_young"]
        assert s.scalar(select(func.count()).select_from(UtteranceRecord)) == 2
        entries = s.scalars(select(AuditLog).where(AuditLog.action == "call.erase")).all()
        assert sorted(e.object_id for e in entries) == sorted([old, fallback])
        assert {e.detail["actor"] for e in entries} == {"retention"}
        assert all(e.user_id is None and "hello" not in str(e.detail) for e in entries)
        states = {r.key: r.state for r in s.scalars(select(Recording))}
        assert states == {"billing_old.wav": RecordingState.ERASED,
                          "support_old.wav": RecordingState.ERASED}
    assert not (store / "billing_old.wav").exists() and (store / "billing_young.wav").exists()
    assert expire_calls().found == 0  # nothing left to do

    listed = runner.invoke(app, ["retention", "list"])
    assert listed.exit_code == 0 and "billing" in listed.output
    assert "kept 90 days (CALLQA_RETENTION_DAYS)" in listed.output
    assert runner.invoke(app, ["retention", "set", "*", "15"]).exit_code == 0
    assert "kept 15 days (*)" in runner.invoke(app, ["retention", "list"]).output
    assert runner.invoke(app, ["retention", "set", "sales", "0"]).exit_code == 1
    assert runner.invoke(app, ["retention", "unset", "billing"]).exit_code == 0
    assert runner.invoke(app, ["retention", "unset", "billing"]).exit_code == 1
    run = runner.invoke(app, ["retention", "run"])  # "*" 15 days now covers support_young
    assert run.exit_code == 0 and "1 call(s) erased" in run.output, run.output
    with session_scope(db) as s:
        assert list(s.scalars(select(Call.content_hash))) == ["billing_young"]
        actors = {e.detail["actor"] for e in s.scalars(
            select(AuditLog).where(AuditLog.action.in_(["retention.set", "retention.unset"])))}
        assert actors == {"test"} | {a for a in actors if a.startswith("cli")}
        assert any(a.startswith("cli") for a in actors)
