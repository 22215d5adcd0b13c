"""Reviews (assign, override with comments, diff, close with a final score), disputes
(accepted: score changed; rejected; history kept), clips; all in the audit log.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import Api


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def recent(stamp: str) -> bool:
    return datetime.now(UTC) - datetime.fromisoformat(stamp) < timedelta(minutes=1)


def test_a_supervisor_reviews_a_call_overrides_criteria_and_closes_with_a_final_score(
    api: Api,
) -> None:
    w = api.world
    call, results = w.calls["a1_flagged"], w.results["a1_flagged"]
    opened = api.post("/api/v1/reviews", "sup", json={"call_id": call})
    assert opened.status_code == 201, opened.text
    review = opened.json()
    assert review["status"] == "open" and review["reviewer"] == "sup"
    assert review["score_id"] == w.scores["a1_flagged"]
    again = api.post("/api/v1/reviews", "sup", json={"call_id": call})
    assert again.status_code == 200 and again.json()["id"] == review["id"]
    assert api.post("/api/v1/reviews", "sup2", json={"call_id": call}).status_code == 409
    assert api.post("/api/v1/reviews", "sup", json={"call_id": "nope"}).status_code == 404
    queue = api.get("/api/v1/review-queue", "sup").json()["data"]
    assert queue[0]["id"] == call and queue[0]["review_id"] == review["id"]

    base = f"/api/v1/reviews/{review['id']}/criteria"
    empathy = api.put(f"{base}/{results['empathy']}", "sup",
                      json={"verdict": "pass", "comment": "she said 'I understand' at 0:20"})
    assert empathy.status_code == 200, empathy.text
    assert empathy.json()["points"] == 10 and empathy.json()["verdict"] == "pass"
    verified = api.put(f"{base}/{results['identity_verification']}", "sup",
                       json={"verdict": "pass", "points": 6, "comment": "partly verified"})
    assert verified.status_code == 200, verified.text  # was N/A: max from the rubric (10)
    confirmed = api.put(f"{base}/{results['greeting']}", "sup",
                        json={"verdict": "pass", "comment": "confirmed"})
    assert confirmed.status_code == 200
    too_many = api.put(f"{base}/{results['greeting']}", "sup",
                       json={"verdict": "pass", "points": 11, "comment": "x"})
    assert too_many.status_code == 422 and "maximum 10" in too_many.json()["error"]["message"]
    no_comment = api.put(f"{base}/{results['greeting']}", "sup", json={"verdict": "fail"})
    assert no_comment.status_code == 422
    other = api.put(f"{base}/{w.results['a2_flagged']['empathy']}", "sup",
                    json={"verdict": "pass", "comment": "wrong call"})
    assert other.status_code == 404
    assert api.put(f"{base}/{results['empathy']}", "sup2",
                   json={"verdict": "fail", "comment": "mine now"}).status_code == 403

    diff = api.get(f"/api/v1/reviews/{review['id']}/diff", "sup").json()
    rows = {row["criterion_id"]: row for row in diff["criteria"]}
    assert diff["changed"] == 2 and diff["automatic_total"] == 44.4
    assert rows["empathy"]["automatic_verdict"] == "fail"
    assert rows["empathy"]["human_verdict"] == "pass" and rows["empathy"]["changed"]
    assert rows["identity_verification"]["human_points"] == 6
    assert rows["identity_verification"]["max_points"] == 10
    assert not rows["greeting"]["changed"] and rows["greeting"]["comment"] == "confirmed"
    assert rows["recording_disclosure"]["comment"] is None
    # opening 20/20 (w20), verification 6/10 (w15), conduct 10/10 (w25)
    assert diff["human_total"] == round((20 * 100 + 15 * 60 + 25 * 100) / 60, 1)

    closed = api.post(f"/api/v1/reviews/{review['id']}/close", "sup",
                      json={"comment": "agent handled the threat well"})
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed" and body["final_score"] == diff["human_total"]
    assert recent(body["closed_at"])
    card = api.get(f"/api/v1/calls/{call}", "agent1").json()["scorecard"]
    assert card["id"] == body["final_score_id"] and card["total"] == diff["human_total"]
    assert any("human review" in note for note in card["notes"])
    history = api.get("/api/v1/scores", "agent1", params={"call_id": call}).json()
    assert [s["total"] for s in history["data"]] == [diff["human_total"], 44.4]
    assert api.get(f"/api/v1/scores/{w.scores['a1_flagged']}", "agent1").json()[
        "current"] is False
    assert call not in [c["id"] for c in api.get("/api/v1/review-queue", "sup").json()["data"]]
    assert api.put(f"{base}/{results['empathy']}", "sup",
                   json={"verdict": "fail", "comment": "too late"}).status_code == 409

    for action, count in [("review.open", 1), ("review.override", 3), ("review.close", 1)]:
        entries = api.audit(action)
        assert len(entries) == count, action
        assert all(e["username"] == "sup" and recent(e["at"]) for e in entries), entries
    close_entry = api.audit("review.close")[0]
    assert close_entry["detail"]["automatic_total"] == 44.4
    assert close_entry["detail"]["final_score"] == diff["human_total"]
    overrides = {e["detail"]["criterion_id"]: e["detail"] for e in api.audit("review.override")}
    assert overrides["empathy"]["automatic"] == "fail" and overrides["empathy"]["human"] == "pass"


def test_a_supervisor_may_set_the_final_score_and_an_auto_fail_override_zeroes_it(
    api: Api,
) -> None:
    w = api.world
    review = api.post("/api/v1/reviews", "sup", json={"call_id": w.calls["a1_clean"]}).json()
    disclosure = w.results["a1_clean"]["recording_disclosure"]
    api.put(f"/api/v1/reviews/{review['id']}/criteria/{disclosure}", "sup",
            json={"verdict": "fail", "comment": "no recording notice"})
    diff = api.get(f"/api/v1/reviews/{review['id']}/diff", "sup").json()
    assert diff["human_total"] == 0.0
    closed = api.post(f"/api/v1/reviews/{review['id']}/close", "sup", json={"final_score": 12.5})
    assert closed.json()["final_score"] == 12.5
    assert api.get(f"/api/v1/calls/{w.calls['a1_clean']}", "sup").json()["score"] == 12.5
    assert api.post(f"/api/v1/reviews/{review['id']}/close", "sup", json={}).status_code == 409


def test_an_agent_disputes_a_scorecard_and_a_supervisor_accepts_it(api: Api) -> None:
    w = api.world
    empathy = w.results["a1_flagged"]["empathy"]
    opened = api.post("/api/v1/disputes", "agent1", json={
        "score_id": w.scores["a1_flagged"], "reason": "I showed empathy", "criteria": [empathy]})
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert dispute["status"] == "open" and dispute["old_score"] == 44.4
    assert [c["criterion_id"] for c in dispute["criteria"]] == ["empathy"]
    assert api.post("/api/v1/disputes", "agent1", json={
        "score_id": w.scores["a1_flagged"], "reason": "again",
        "criteria": [empathy]}).status_code == 409
    assert api.get(f"/api/v1/disputes/{dispute['id']}", "agent2").status_code == 404
    queue = api.get("/api/v1/review-queue", "sup", params={"disputed": True}).json()["data"]
    assert w.calls["a1_flagged"] in [c["id"] for c in queue]

    decide = f"/api/v1/disputes/{dispute['id']}/decision"
    no_verdicts = api.post(decide, "sup", json={"decision": "accepted", "comment": "ok"})
    assert no_verdicts.status_code == 422
    assert "verdict" in no_verdicts.json()["error"]["message"]
    accepted = api.post(decide, "sup", json={
        "decision": "accepted", "comment": "empathy was there at 0:20",
        "verdicts": [{"criterion_result_id": empathy, "verdict": "pass"}]})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted" and body["new_score"] == 100
    assert body["criteria"][0]["decided_verdict"] == "pass" and body["decider"] == "Sup"
    assert body["decided_by"] == w.users["sup"] and recent(body["decided_at"])
    assert api.post(decide, "sup2", json={"decision": "rejected",
                                          "comment": "late"}).status_code == 409
    call = api.get(f"/api/v1/calls/{w.calls['a1_flagged']}", "agent1").json()
    assert call["score"] == 100 and call["scorecard"]["id"] == body["new_score_id"]
    history = api.get("/api/v1/disputes", "agent1").json()
    assert history["count"] == 1 and history["data"][0]["status"] == "accepted"
    entries = api.audit("dispute.accept")
    assert len(entries) == 1 and entries[0]["username"] == "sup" and recent(entries[0]["at"])
    assert entries[0]["detail"]["old_score"] == 44.4 and entries[0]["detail"]["new_score"] == 100
    assert [c["criterion_id"] for c in entries[0]["detail"]["criteria"]] == ["empathy"]
    assert api.audit("dispute.open")[0]["username"] == "agent1"


def test_a_rejected_dispute_leaves_the_score_and_stays_in_the_history(api: Api) -> None:
    w = api.world
    dispute = w.disputes["a2_flagged"]
    r = api.post(f"/api/v1/disputes/{dispute}/decision", "admin",
                 json={"decision": "rejected", "comment": "the greeting was missing"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["new_score"] is None
    assert api.get(f"/api/v1/calls/{w.calls['a2_flagged']}", "agent2").json()[
        "scorecard"]["id"] == w.scores["a2_flagged"]
    mine = api.get("/api/v1/disputes", "agent2", params={"status": "rejected"}).json()
    assert mine["count"] == 1 and mine["data"][0]["decision_comment"] == (
        "the greeting was missing")
    assert api.audit("dispute.reject")[0]["username"] == "admin"
    again = api.post("/api/v1/disputes", "agent2",
                     json={"score_id": w.scores["a2_flagged"], "reason": "please look again",
                           "criteria": [w.results["a2_flagged"]["greeting"]]})
    assert again.status_code == 201  # a new dispute; the old one is kept
    assert api.get("/api/v1/disputes", "sup").json()["count"] == 2


def test_trainers_save_clips_with_a_redacted_transcript(api: Api) -> None:
    w = api.world
    r = api.post("/api/v1/clips", "trainer", json={
        "call_id": w.calls["a1_clean"], "start": 2.0, "end": 40.0, "tag": "empathy-good",
        "note": "calm answer to a lawyer threat", "criterion_id": "empathy"})
    assert r.status_code == 201, r.text
    clip = r.json()
    assert clip["end"] == 30.0  # clamped to the call
    assert [line["idx"] for line in clip["transcript"]] == [0, 1, 2]
    assert "[CARD]" in clip["transcript"][1]["text"] and "4111" not in r.text
    bad = api.post("/api/v1/clips", "trainer", json={
        "call_id": w.calls["a1_clean"], "start": 5, "end": 4, "tag": "x"})
    assert bad.status_code == 422
    listed = api.get("/api/v1/clips", "trainer", params={"tag": "empathy-good"}).json()
    assert [c["id"] for c in listed["data"]] == [clip["id"]]
    assert api.get("/api/v1/clips", "sup", params={"q": "LAWYER THREAT"}).json()["count"] == 1
    assert api.get(f"/api/v1/clips/{clip['id']}", "agent1").status_code == 200  # own call
    assert api.get(f"/api/v1/clips/{clip['id']}", "agent2").status_code == 404
    assert api.delete(f"/api/v1/clips/{clip['id']}", "sup").status_code == 403  # not theirs
    assert api.delete(f"/api/v1/clips/{clip['id']}", "trainer").status_code == 204
    assert api.get(f"/api/v1/clips/{clip['id']}", "trainer").status_code == 404
    assert [e["action"] for e in api.get("/api/v1/audit", "admin", params={
        "object_type": "clip"}).json()["data"]] == ["clip.delete", "clip.create"]
