"""Erasing a call (KVKK/GDPR): afterwards no route reveals it (every route of the app is
walked, so a new one cannot be forgotten), its recording is gone from the store (folder
and S3), the audit log says who, when and why without any of the call's content, only
admins may do it, and the sweep never takes the recording in again."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.api.conftest import Api, write_wav
from tests.api.test_api_auth import api_operations

TARGET = "a1_flagged"  # agent1's flagged call, with a recording in the local store
SECRET_TEXT = ("a1-flagged", "lawyer mention a1_flagged", "4111")  # its transcript and clip
CALL_PARAMS = {"call_id", "score_id", "clip_id", "dispute_id", "review_id",
               "criterion_result_id"}
# valid for every route that takes a body, so a 404 is never hidden behind a 422
BODY = {"verdict": "pass", "comment": "customer read out 4111 1111", "reason": "KVKK request 7",
        "decision": "accepted", "final_score": 90, "score_id": 0, "call_id": "x",
        "start": 0, "end": 1, "tag": "t", "criteria": [1],
        "verdicts": [{"criterion_result_id": 1, "verdict": "pass"}]}
LISTS_AS = ("admin", "sup", "trainer", "agent1")


@pytest.fixture
def db_url(both_db_url: str) -> str:
    """The seeded world (tests/api/conftest.py's ``api``) on SQLite and on PostgreSQL."""
    return both_db_url


def _ids(api: Api) -> dict[str, object]:
    w = api.world
    return {"call_id": w.calls[TARGET], "score_id": w.scores[TARGET],
            "clip_id": w.clips[TARGET], "dispute_id": w.disputes[TARGET],
            "review_id": w.reviews[TARGET], "criterion_result_id": w.results[TARGET]["empathy"]}


def _give_the_call_a_history(api: Api) -> None:
    """Everything that can hang off a call: acknowledgement, dispute, review with an
    override, a human scorecard, an original-text view; free text in the audit log."""
    w = api.world
    ack = api.post(f"/api/v1/scores/{w.scores[TARGET]}/acknowledge", "agent1")
    assert ack.status_code == 200, ack.text
    dispute = api.post("/api/v1/disputes", "agent1",
                       json={"score_id": w.scores[TARGET], "reason": "the lawyer bit was fine",
                             "criteria": [w.results[TARGET]["empathy"]]})
    assert dispute.status_code == 201, dispute.text
    w.disputes[TARGET] = dispute.json()["id"]
    review = api.post("/api/v1/reviews", "sup", json={"call_id": w.calls[TARGET]})
    assert review.status_code == 201, review.text
    w.reviews[TARGET] = review.json()["id"]
    override = api.put(f"/api/v1/reviews/{w.reviews[TARGET]}/criteria/"
                       f"{w.results[TARGET]['empathy']}", "sup",
                       json={"verdict": "pass", "comment": "customer read out 4111 1111"})
    assert override.status_code == 200, override.text
    closed = api.post(f"/api/v1/reviews/{w.reviews[TARGET]}/close", "sup",
                      json={"comment": "heard the card number a1-flagged"})
    assert closed.status_code == 200, closed.text
    assert api.get(f"/api/v1/calls/{w.calls[TARGET]}", "admin",
                   params={"original": "true"}).status_code == 200


def _list_answers(api: Api) -> dict[str, tuple[int, str]]:
    """Every GET route without a path parameter, as each role, plain and with filters that
    would find the call: what each answered (the audit log is checked on its own)."""
    w = api.world
    answers = {}
    for method, path in api_operations():
        if method != "GET" or "{" in path or path == "/api/v1/audit":
            continue
        for user in LISTS_AS:
            for params in ({}, {"call_id": w.calls[TARGET], "q": "a1-flagged", "agent_id": 1}):
                r = api.get(path, user, params=params)
                assert r.status_code < 500, (path, user, r.text)
                answers[f"{path} {user} {sorted(params)}"] = (r.status_code, r.text)
    return answers


def _dashboard_calls(api: Api) -> tuple[int, int]:
    summary = api.get("/api/v1/dashboards/summary", "sup", params={"period": "month"}).json()
    trend = api.get("/api/v1/me/trend", "agent1", params={"period": "month"}).json()
    return (sum(r["calls"] for r in summary["data"]), sum(b["calls"] for b in trend["data"]))


def test_an_erased_call_is_gone_from_every_route(api: Api) -> None:
    from pipeline.db.recording_queue import Recording, RecordingState
    from pipeline.db.session import session_scope

    w = api.world
    call_id = w.calls[TARGET]
    audio = w.store / "2026" / f"{TARGET}.wav"
    sidecar = audio.with_name(audio.name + ".json")
    sidecar.write_text(json.dumps({"agent_id": "A-1", "customer_ref": "C-991"}), "utf-8")
    _give_the_call_a_history(api)
    from pipeline.db.reasons import save_reasons

    with session_scope(w.url) as s:  # its contact reasons go too
        save_reasons(s, call_id, {"taxonomy": "t", "version": "1", "hash": "h", "reasons": [
            {"code": "legal.lawyer", "category": "legal", "subcategory": "lawyer",
             "confidence": 0.8, "hits": [{"rule": "phrase", "evidence": [
                 {"quote": "I call my lawyer"}]}]}]})
    before = _list_answers(api)
    revealing = {k.split()[0] for k, (_, text) in before.items() if call_id in text}
    assert revealing >= {"/api/v1/calls", "/api/v1/review-queue", "/api/v1/clips",
                         "/api/v1/disputes", "/api/v1/reviews", "/api/v1/me/scorecards"}, revealing
    history = api.get("/api/v1/scores", "sup", params={"call_id": call_id})
    assert history.status_code == 200 and history.json()["count"] == 2
    assert any("a1-flagged" in text for _, text in before.values())  # found by its words
    counts_before = _dashboard_calls(api)

    erased = api.delete(f"/api/v1/calls/{call_id}", "admin", json={"reason": "KVKK request 7"})
    assert erased.status_code == 200, erased.text
    report = erased.json()
    assert report["removed"] == {
        "criterion_overrides": 1, "acknowledgements": 1, "dispute_criteria": 1, "disputes": 1,
        "reviews": 1, "calibration_verdicts": 0, "calibration_reviewers": 0,
        "calibration_sessions": 0, "coaching_tasks": 0, "clips": 1, "flags": 2,
        "criterion_results": 8, "scores": 2, "pii_findings": 1, "utterances": 3,
        "call_metrics": 1, "call_reasons": 1, "complaint_case_calls": 0, "surveys": 0,
        "calls": 1}
    assert report["objects_deleted"] == 1 and report["objects_pending"] == []
    assert report["actor"] == "admin" and report["store_error"] is None
    assert report["audit_redacted"] == 3  # dispute reason, override and closing comments

    # every route that takes an id of the call or of something hanging off it: 404
    # (403 only for a role that may not use the route at all)
    walked = set()
    for method, path in api_operations():
        params = set(re.findall(r"{(\w+)}", path))
        if not params or not params <= CALL_PARAMS:
            continue
        statuses = {}
        for user in LISTS_AS:
            r = api.request(method, path.format(**_ids(api)), user, json=BODY)
            statuses[user] = r.status_code
            assert r.status_code in (403, 404), (method, path, user, r.text)
            assert not any(s in r.text for s in SECRET_TEXT), (method, path, r.text)
        assert 404 in statuses.values(), (method, path, statuses)
        walked.add(f"{method} {path}")
    assert walked >= {"GET /api/v1/calls/{call_id}", "GET /api/v1/calls/{call_id}/audio",
                      "GET /api/v1/scores/{score_id}", "GET /api/v1/clips/{clip_id}/audio",
                      "GET /api/v1/disputes/{dispute_id}", "GET /api/v1/reviews/{review_id}",
                      "DELETE /api/v1/calls/{call_id}"}, walked

    after = _list_answers(api)
    for key, (status, text) in after.items():
        assert not any(s in text for s in SECRET_TEXT), (key, text)
        if status != 404:  # a 404 names the id it was asked for; nothing else may
            assert call_id not in text, (key, text)
    assert _dashboard_calls(api) == (counts_before[0] - 1, counts_before[1] - 1)
    assert api.get("/api/v1/scores", "sup", params={"call_id": call_id}).status_code == 404
    others = [w.calls["a1_clean"], w.calls["a2_flagged"]]
    assert all(api.get(f"/api/v1/calls/{c}", "admin").status_code == 200 for c in others)

    assert not audio.exists() and not sidecar.exists()  # the recording and its metadata

    entries = api.audit("call.erase")
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["username"], entry["object_id"]) == ("admin", call_id)
    assert entry["detail"]["reason"] == "KVKK request 7"
    assert entry["detail"]["removed"]["utterances"] == 3
    log = api.get("/api/v1/audit", "admin", params={"limit": 200}).text
    assert not any(s in log for s in (*SECRET_TEXT, "C-991", "1111", "lawyer")), log
    override = api.audit("review.override")[0]["detail"]
    assert override["comment"] == "[erased]" and override["human"] == "pass"  # kept, blanked

    with session_scope(w.url) as s:
        rows = s.scalars(select(Recording)).all()
        assert [(r.key, r.state, r.call_id, r.error) for r in rows] == [
            (f"2026/{TARGET}.wav", RecordingState.ERASED, None, None)]


def test_only_admins_erase_and_they_must_say_why(api: Api) -> None:
    w = api.world
    path = f"/api/v1/calls/{w.calls[TARGET]}"
    assert api.delete(path, json={"reason": "KVKK request 7"}).status_code == 401
    for user in ("sup", "trainer", "agent1"):
        r = api.delete(path, user, json={"reason": "KVKK request 7"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", user
    missing = api.delete(path, "admin")
    assert missing.status_code == 422 and "reason" in missing.json()["error"]["message"]
    assert api.delete(path, "admin", json={"reason": ""}).status_code == 422
    unknown = api.delete("/api/v1/calls/no-such-call", "admin", params={"reason": "request"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert api.get(path, "agent1").status_code == 200  # nothing was erased
    assert api.audit("call.erase") == []
    by_query = api.delete(path, "admin", params={"reason": "retention by hand"})
    assert by_query.status_code == 200 and by_query.json()["reason"] == "retention by hand"
    assert api.get(path, "agent1").status_code == 404


def test_retention_policy_routes_are_admin_only_and_audited(api: Api) -> None:
    assert api.get("/api/v1/admin/retention", "admin").json() == {
        "data": [], "count": 0, "default_days": None, "default_source": "CALLQA_RETENTION_DAYS"}
    assert api.put("/api/v1/admin/retention/billing", "sup", json={"days": 30}).status_code == 403
    assert api.put("/api/v1/admin/retention/billing", "admin",
                   json={"days": 0}).status_code == 422
    put = api.put("/api/v1/admin/retention/billing", "admin", json={"days": 365})
    assert put.status_code == 200 and put.json()["days"] == 365
    assert put.json()["updated_by"] == "admin"
    assert api.put("/api/v1/admin/retention/*", "admin", json={"days": 730}).status_code == 200
    listed = api.get("/api/v1/admin/retention", "admin").json()
    assert [(p["queue"], p["days"]) for p in listed["data"]] == [("*", 730), ("billing", 365)]
    assert (listed["default_days"], listed["default_source"]) == (730, "*")
    assert api.delete("/api/v1/admin/retention/billing", "admin").status_code == 204
    assert api.delete("/api/v1/admin/retention/billing", "admin").status_code == 404
    assert [e["detail"]["days"] for e in api.audit("retention.set")] == [
        {"from": None, "to": 730}, {"from": None, "to": 365}]
    assert api.audit("retention.unset")[0]["object_id"] == "billing"


def test_every_table_that_hangs_off_calls_is_erased() -> None:
    """A new table with a foreign key path to ``calls`` must be in the erasure plan."""
    import pipeline.db.accounts
    import pipeline.db.audit
    import pipeline.db.recording_queue
    import pipeline.db.retention
    import pipeline.db.review_records  # noqa: F401  (their tables join the metadata)
    from pipeline.db.erasure import ERASED_TABLES
    from pipeline.db.models import Base

    owned = {"calls"}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.tables.values():
            refs = {fk.column.table.name for fk in table.foreign_keys
                    if fk.ondelete != "SET NULL"}
            if table.name not in owned and refs & owned:
                owned.add(table.name)
                changed = True
    assert owned == set(ERASED_TABLES)
    assert ERASED_TABLES[-1] == "calls"


def _s3_call(api: Api, s3_store: Any, tmp_path: Path) -> str:
    from sqlalchemy import update

    from pipeline.db.models import Call
    from pipeline.db.session import session_scope
    from pipeline.settings import get_settings

    write_wav(tmp_path / "call.wav", seconds=0.2)
    s3_store.put(f"2026/{TARGET}.wav", tmp_path / "call.wav", {"customer_ref": "C-991"})
    with session_scope(api.world.url) as s:
        s.execute(update(Call).where(Call.id == api.world.calls[TARGET])
                  .values(store_url=s3_store.url))
    api.client.app.state.settings = get_settings().model_copy(  # type: ignore[attr-defined]
        update={"database_url": api.world.url})
    return api.world.calls[TARGET]


def _s3_keys(s3_store: Any) -> list[str]:
    return sorted(o.object_name for o in s3_store.client.list_objects(
        s3_store.bucket, prefix=s3_store.prefix, recursive=True))


def test_on_s3_the_object_and_its_sidecar_are_deleted(
    api: Api, s3_store: Any, tmp_path: Path,
) -> None:
    call_id = _s3_call(api, s3_store, tmp_path)
    assert _s3_keys(s3_store) == [f"incoming/2026/{TARGET}.wav", f"incoming/2026/{TARGET}.wav.json"]
    r = api.delete(f"/api/v1/calls/{call_id}", "admin", json={"reason": "KVKK request 8"})
    assert r.status_code == 200 and r.json()["objects_deleted"] == 1, r.text
    assert _s3_keys(s3_store) == []
    s3_store.delete("never/there.wav")  # a missing object is already gone: no error


def test_a_store_failure_keeps_the_rows_erased_and_a_later_run_deletes_the_object(
    api: Api, s3_store: Any, tmp_path: Path,
) -> None:
    from pipeline.db.erasure import PENDING, erase_call, retry_pending_deletions
    from pipeline.db.recording_queue import Recording
    from pipeline.db.session import session_scope
    from pipeline.errors import StoreUnavailable

    call_id = _s3_call(api, s3_store, tmp_path)

    class Down:
        url = s3_store.url

        def delete(self, key: str) -> None:
            raise StoreUnavailable("cannot reach the S3 endpoint", hint="Check it.", key=key)

    with session_scope(api.world.url) as s:
        report = erase_call(s, Down(), call_id, actor="retention",  # type: ignore[arg-type]
                            reason="retention: queue 'billing' keeps calls 30 days")
    assert report.objects_pending == (f"2026/{TARGET}.wav",) and report.objects_deleted == 0
    assert "cannot reach" in (report.store_error or "")
    assert api.get(f"/api/v1/calls/{call_id}", "admin").status_code == 404  # rows stay gone
    assert len(_s3_keys(s3_store)) == 2
    with session_scope(api.world.url) as s:
        assert (s.scalar(select(Recording.error)) or "").startswith(PENDING)
        assert retry_pending_deletions(s, s3_store) == (1, 0)
    assert _s3_keys(s3_store) == []
    with session_scope(api.world.url) as s:
        assert s.scalar(select(Recording.error)) is None
        assert retry_pending_deletions(s, s3_store) == (0, 0)
    entry = api.audit("call.erase")[0]
    assert entry["username"] is None and entry["detail"]["actor"] == "retention"


def test_a_failed_transaction_erases_nothing_not_even_the_recording(
    api: Api, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pipeline.db.erasure as erasure
    from pipeline.db.session import session_scope
    from pipeline.store import LocalStore

    def broken(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(erasure, "audit", broken)
    call_id = api.world.calls[TARGET]
    with pytest.raises(RuntimeError), session_scope(api.world.url) as s:
        erasure.erase_call(s, LocalStore(api.world.store), call_id, actor="admin",
                           reason="KVKK request 9")
    assert (api.world.store / "2026" / f"{TARGET}.wav").exists()
    assert api.get(f"/api/v1/calls/{call_id}", "agent1").status_code == 200
    LocalStore(api.world.store).delete("never/there.wav")  # missing: already gone, no error


def test_the_cli_asks_before_erasing(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    from pipeline.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    call_id = api.world.calls[TARGET]
    refused = runner.invoke(app, ["calls", "delete", call_id, "--reason", "KVKK 10"])
    assert refused.exit_code == 1 and "not erased" in refused.output
    declined = runner.invoke(app, ["calls", "delete", call_id, "--reason", "KVKK 10"],
                             input="n\n")
    assert declined.exit_code == 1
    assert api.get(f"/api/v1/calls/{call_id}", "agent1").status_code == 200
    done = runner.invoke(app, ["calls", "delete", call_id[:8], "--reason", "KVKK 10", "--yes"])
    assert done.exit_code == 0, done.output
    assert f"erased call {call_id}" in done.output
    assert api.get(f"/api/v1/calls/{call_id}", "agent1").status_code == 404
    again = runner.invoke(app, ["calls", "delete", call_id, "--reason", "KVKK 10", "--yes"])
    assert again.exit_code == 1 and "no call" in again.output
    assert api.audit("call.erase")[0]["detail"]["actor"].startswith("cli")
    listed = runner.invoke(app, ["calls", "--limit", "5"])  # the list is still `callqa calls`
    assert listed.exit_code == 0 and call_id[:8] not in listed.output
