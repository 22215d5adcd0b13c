"""Disputes end somewhere (issue 13): an agent disputes criteria of their scorecard with a
reason; a supervisor accepts (those criteria scored again: the total, auto-fail and flags
follow the scorer's one rule) or rejects with a comment; the agent sees the decision and
acknowledges the scorecard in force. On SQLite and PostgreSQL.

The world (tests/api/conftest.py): a1_flagged (A-1, Billing) scored 44.4 with empathy
failed and a legal threat flagged; a2_flagged (A-2, Sales) has agent2's open dispute of
its greeting. Here sup works in Billing and sup2 in Sales, with team scoping on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, seed

TEAMS = {"sup": "Billing", "sup2": "Sales"}


@pytest.fixture
def loop(both_db_url: str, callqa_home: Path) -> Iterator[Api]:
    from sqlalchemy import insert, select

    from api.app import create_app
    from pipeline.db.accounts import User, user_teams
    from pipeline.db.models import Team
    from pipeline.db.session import session_scope
    from pipeline.settings import Settings

    world = seed(both_db_url, callqa_home / "recordings")
    with session_scope(both_db_url) as s:
        for username, team in TEAMS.items():
            s.execute(insert(user_teams).values(
                user_id=s.scalar(select(User.id).where(User.username == username)),
                team_id=s.scalar(select(Team.id).where(Team.name == team))))
    settings = Settings(home=callqa_home, database_url=both_db_url, team_scoping=True)
    with TestClient(create_app(settings)) as client:
        yield Api(client, world, settings)


def dispute(api: Api, call: str, criteria: list[str], agent: str = "agent1",
            reason: str = "I did what the rubric asks") -> Any:
    w = api.world
    return api.post("/api/v1/disputes", agent, json={
        "score_id": w.scores[call], "reason": reason,
        "criteria": [w.results[call][c] for c in criteria]})


def verdicts(api: Api, call: str, given: dict[str, str]) -> list[dict[str, Any]]:
    return [{"criterion_result_id": api.world.results[call][c], "verdict": v}
            for c, v in given.items()]


def scorecard(api: Api, call: str, user: str = "sup") -> dict[str, Any]:
    return dict(api.get(f"/api/v1/calls/{api.world.calls[call]}", user).json()["scorecard"])


def adds_up(card: dict[str, Any]) -> None:
    """Each section's points are its criteria's, and the total their weighted mean."""
    for section in card["sections"]:
        rows = [r for r in card["results"] if r["section_id"] == section["section_id"]]
        assert section["points"] == sum(r["points"] for r in rows), section
        assert section["max_points"] == sum(r["max_points"] for r in rows), section
    counted = [s for s in card["sections"] if s["max_points"] > 0]
    mean = sum(s["weight"] * 100 * s["points"] / s["max_points"] for s in counted) / sum(
        s["weight"] for s in counted)
    assert card["total"] == (0.0 if card["auto_failed"] else round(mean, 1)), card


def test_accepting_scores_only_the_disputed_criteria_again(loop: Api) -> None:
    before = scorecard(loop, "a1_flagged")
    opened = dispute(loop, "a1_flagged", ["empathy", "greeting"], reason="I was kind")
    assert opened.status_code == 201, opened.text
    d = opened.json()
    assert [(c["criterion_id"], c["automatic_verdict"], c["decided_verdict"])
            for c in d["criteria"]] == [("empathy", "fail", None), ("greeting", "pass", None)]
    assert d["criteria"][0]["evidence"][0]["quote"] == "thank you for calling"
    assert d["agent_name"] == "Ayşe Yılmaz" and d["reason"] == "I was kind"
    accepted = loop.post(f"/api/v1/disputes/{d['id']}/decision", "sup", json={
        "decision": "accepted", "comment": "empathy at 0:20",
        "verdicts": verdicts(loop, "a1_flagged", {"empathy": "pass", "greeting": "pass"})})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["old_score"], body["new_score"], body["decider"]) == (44.4, 100.0, "Sup")
    assert [c["decided_verdict"] for c in body["criteria"]] == ["pass", "pass"]

    after = scorecard(loop, "a1_flagged")
    assert after["id"] == body["new_score_id"] != before["id"] and after["total"] == 100.0
    verdict_of = {r["criterion_id"]: r["verdict"] for r in after["results"]}
    assert verdict_of == {**{r["criterion_id"]: r["verdict"] for r in before["results"]},
                          "empathy": "pass"}
    adds_up(after)
    codes = {f["code"] for f in after["flags"]}
    assert "legal_threat" in codes and "low_score" not in codes  # 100 is not below 70
    assert after["scored_by"] == "Sup" and before["scored_by"] is None
    (entry,) = loop.audit("dispute.accept")
    assert [c["criterion_id"] for c in entry["detail"]["criteria"]] == ["empathy", "greeting"]


def test_a_failed_auto_fail_criterion_fails_the_call_and_flags_it(loop: Api) -> None:
    d = dispute(loop, "a1_flagged", ["empathy", "recording_disclosure"]).json()
    r = loop.post(f"/api/v1/disputes/{d['id']}/decision", "admin", json={
        "decision": "accepted", "verdicts": verdicts(
            loop, "a1_flagged", {"empathy": "pass", "recording_disclosure": "fail"})})
    assert r.status_code == 200, r.text
    card = scorecard(loop, "a1_flagged")
    assert card["auto_failed"] is True and card["total"] == 0.0 == r.json()["new_score"]
    adds_up(card)
    assert "auto_fail" in {f["code"] for f in card["flags"]}


def test_the_agent_sees_the_decision_and_acknowledges_the_scorecard_in_force(
    loop: Api,
) -> None:
    w = loop.world
    old = w.scores["a1_flagged"]
    d = dispute(loop, "a1_flagged", ["empathy"]).json()
    assert loop.post(f"/api/v1/scores/{old}/acknowledge", "agent1").status_code == 409
    loop.post(f"/api/v1/disputes/{d['id']}/decision", "sup", json={
        "decision": "accepted", "verdicts": verdicts(loop, "a1_flagged", {"empathy": "pass"})})
    mine = {c["call_id"]: c for c in loop.get("/api/v1/me/scorecards", "agent1").json()["data"]}
    card = mine[w.calls["a1_flagged"]]
    assert card["dispute_status"] == "accepted" and card["scored_by"] == "Sup"
    seen = loop.get(f"/api/v1/disputes/{d['id']}", "agent1").json()
    assert (seen["old_score"], seen["new_score"]) == (44.4, 100.0)
    replaced = loop.post(f"/api/v1/scores/{old}/acknowledge", "agent1")
    assert replaced.status_code == 409 and "current" in replaced.json()["error"]["message"]
    ack = loop.post(f"/api/v1/scores/{card['id']}/acknowledge", "agent1")
    assert ack.status_code == 200, ack.text


def test_a_rejection_keeps_the_score_and_says_why(loop: Api) -> None:
    w = loop.world
    d = w.disputes["a2_flagged"]
    no_comment = loop.post(f"/api/v1/disputes/{d}/decision", "sup2",
                           json={"decision": "rejected"})
    assert no_comment.status_code == 422 and "comment" in no_comment.json()["error"]["message"]
    r = loop.post(f"/api/v1/disputes/{d}/decision", "sup2",
                  json={"decision": "rejected", "comment": "no company name in the greeting"})
    assert r.status_code == 200, r.text
    assert r.json()["new_score"] is None and r.json()["criteria"][0]["decided_verdict"] is None
    assert scorecard(loop, "a2_flagged", "sup2")["id"] == w.scores["a2_flagged"]
    seen = loop.get("/api/v1/disputes", "agent2").json()["data"][0]
    assert seen["status"] == "rejected" and seen["decider"] == "Sup2"
    assert seen["decision_comment"] == "no company name in the greeting"
    ack = loop.post(f"/api/v1/scores/{w.scores['a2_flagged']}/acknowledge", "agent2")
    assert ack.status_code == 200, ack.text


def test_criteria_must_be_of_the_disputed_scorecard(loop: Api) -> None:
    w = loop.world
    foreign = loop.post("/api/v1/disputes", "agent1", json={
        "score_id": w.scores["a1_flagged"], "reason": "this one",
        "criteria": [w.results["a1_clean"]["empathy"]]})
    assert foreign.status_code == 422
    message = foreign.json()["error"]["message"]
    assert "not on scorecard" in message and "criteria of the scorecard you dispute" in message
    none = loop.post("/api/v1/disputes", "agent1", json={
        "score_id": w.scores["a1_flagged"], "reason": "this one", "criteria": []})
    assert none.status_code == 422 and "criteria" in none.json()["error"]["message"]
    assert loop.get("/api/v1/disputes", "agent1").json()["count"] == 0


def test_verdicts_must_cover_exactly_the_disputed_criteria(loop: Api) -> None:
    d = dispute(loop, "a1_flagged", ["empathy", "greeting"]).json()
    decide = f"/api/v1/disputes/{d['id']}/decision"
    for given in ({"empathy": "pass"},  # greeting missing
                  {"empathy": "pass", "greeting": "pass", "recording_disclosure": "fail"}):
        r = loop.post(decide, "sup", json={"decision": "accepted",
                                           "verdicts": verdicts(loop, "a1_flagged", given)})
        assert r.status_code == 422, given
        assert "one verdict for each disputed criterion" in r.json()["error"]["message"]
    too_many = loop.post(decide, "sup", json={"decision": "accepted", "verdicts": [
        {"criterion_result_id": loop.world.results["a1_flagged"]["empathy"], "verdict": "pass",
         "points": 99}, *verdicts(loop, "a1_flagged", {"greeting": "pass"})]})
    assert too_many.status_code == 422 and "exceed" in too_many.json()["error"]["message"]
    assert loop.get(f"/api/v1/disputes/{d['id']}", "sup").json()["status"] == "open"
    assert scorecard(loop, "a1_flagged")["total"] == 44.4  # nothing changed


def test_another_teams_supervisor_cannot_see_or_decide(loop: Api) -> None:
    d = loop.world.disputes["a2_flagged"]  # Sales'
    assert loop.get(f"/api/v1/disputes/{d}", "sup").status_code == 404
    r = loop.post(f"/api/v1/disputes/{d}/decision", "sup", json={
        "decision": "accepted", "verdicts": verdicts(loop, "a2_flagged", {"greeting": "pass"})})
    assert r.status_code == 404
    assert loop.get("/api/v1/disputes", "sup").json()["count"] == 0
    ok = loop.post(f"/api/v1/disputes/{d}/decision", "sup2", json={
        "decision": "accepted", "verdicts": verdicts(loop, "a2_flagged", {"greeting": "pass"})})
    assert ok.status_code == 200 and ok.json()["new_score"] == 44.4, ok.text


def test_the_queue_lists_disputed_calls_only_when_asked(loop: Api) -> None:
    w = loop.world

    def disputed(user: str) -> list[str]:
        page = loop.get("/api/v1/review-queue", user, params={"disputed": "true"}).json()
        assert all(item["disputed"] for item in page["data"])
        return [item["id"] for item in page["data"]]

    assert disputed("admin") == [w.calls["a2_flagged"]]
    assert disputed("sup") == []  # Sales' dispute is not in Billing's sight
    d = dispute(loop, "a1_clean", ["empathy"]).json()  # a clean call: not flagged
    assert disputed("sup") == [w.calls["a1_clean"]]
    assert set(disputed("admin")) == {w.calls["a1_clean"], w.calls["a2_flagged"]}
    everything = loop.get("/api/v1/review-queue", "sup").json()["data"]
    assert w.calls["a1_flagged"] in [i["id"] for i in everything]  # flagged, not disputed
    loop.post(f"/api/v1/disputes/{d['id']}/decision", "sup",
              json={"decision": "rejected", "comment": "stands"})
    assert disputed("sup") == []


def test_disputes_list_open_first_with_titles_in_the_readers_language(loop: Api) -> None:
    w = loop.world
    first = dispute(loop, "a1_clean", ["empathy"]).json()
    loop.post(f"/api/v1/disputes/{first['id']}/decision", "sup",
              json={"decision": "rejected", "comment": "stands"})
    dispute(loop, "a1_flagged", ["greeting"])
    listed = loop.get("/api/v1/disputes", "admin").json()["data"]
    assert [d["status"] for d in listed] == ["open", "open", "rejected"]
    turkish = loop.get("/api/v1/disputes", "admin", headers={"Accept-Language": "tr"},
                       params={"call_id": w.calls["a1_flagged"]}).json()["data"][0]
    assert turkish["criteria"][0]["title"] == "Şirket adı ve kendi adıyla karşılama"


def test_a_review_opened_before_an_accepted_dispute_cannot_overwrite_it(loop: Api) -> None:
    """sup opens a review of a1_flagged and overrides greeting; meanwhile the agent's
    dispute of empathy is accepted. Closing the stale review would throw the accepted
    verdict away: it is refused, and opening the review again carries sup's verdict over
    to the dispute's scorecard, so the closed review keeps both people's decisions."""
    w = loop.world
    review = loop.post("/api/v1/reviews", "sup", json={"call_id": w.calls["a1_flagged"]}).json()
    greeting = w.results["a1_flagged"]["greeting"]
    said = loop.put(f"/api/v1/reviews/{review['id']}/criteria/{greeting}", "sup",
                    json={"verdict": "fail", "comment": "no company name"})
    assert said.status_code == 200, said.text
    d = dispute(loop, "a1_flagged", ["empathy"]).json()
    accepted = loop.post(f"/api/v1/disputes/{d['id']}/decision", "sup", json={
        "decision": "accepted", "comment": "kind enough",
        "verdicts": verdicts(loop, "a1_flagged", {"empathy": "pass"})})
    assert accepted.status_code == 200, accepted.text

    stale = loop.post(f"/api/v1/reviews/{review['id']}/close", "sup", json={"final_score": 10})
    assert stale.status_code == 409, stale.text
    assert "open the review again" in stale.json()["error"]["message"]
    assert scorecard(loop, "a1_flagged")["id"] == accepted.json()["new_score_id"]

    again = loop.post("/api/v1/reviews", "sup", json={"call_id": w.calls["a1_flagged"]})
    assert again.status_code in (200, 201), again.text
    moved = again.json()
    assert moved["id"] == review["id"] and moved["score_id"] == accepted.json()["new_score_id"]
    (override,) = moved["overrides"]
    assert override["verdict"] == "fail" and override["comment"] == "no company name"
    closed = loop.post(f"/api/v1/reviews/{review['id']}/close", "sup", json={})
    assert closed.status_code == 200, closed.text
    final = {r["criterion_id"]: r["verdict"] for r in scorecard(loop, "a1_flagged")["results"]}
    assert final["empathy"] == "pass" and final["greeting"] == "fail"
    (rebase,) = loop.audit("review.rebase")
    assert rebase["detail"]["carried"] == 1 and rebase["detail"]["dropped"] == []


def test_a_dispute_filed_before_criteria_were_named_contests_the_whole_scorecard(
    loop: Api,
) -> None:
    """A dispute from before migration 0012 names no criteria: it lists every criterion of
    its scorecard, and is accepted with a verdict for each (not only rejectable)."""
    from sqlalchemy import select

    from pipeline.db.review_records import Dispute
    from pipeline.db.session import session_scope

    w = loop.world
    d = dispute(loop, "a1_flagged", ["empathy"]).json()
    with session_scope(loop.settings.database_url) as s:  # as an upgraded database has it
        row = s.scalar(select(Dispute).where(Dispute.id == d["id"]))
        assert row is not None
        row.criteria.clear()
    shown = loop.get(f"/api/v1/disputes/{d['id']}", "sup").json()
    assert shown["whole_scorecard"]
    assert [c["criterion_id"] for c in shown["criteria"]] == list(w.results["a1_flagged"])
    only_one = loop.post(f"/api/v1/disputes/{d['id']}/decision", "sup", json={
        "decision": "accepted", "comment": "",
        "verdicts": verdicts(loop, "a1_flagged", {"empathy": "pass"})})
    assert only_one.status_code == 422 and "missing" in only_one.json()["error"]["message"]
    every = {c["criterion_id"]: c["automatic_verdict"] for c in shown["criteria"]}
    accepted = loop.post(f"/api/v1/disputes/{d['id']}/decision", "sup", json={
        "decision": "accepted", "comment": "kind after all",
        "verdicts": verdicts(loop, "a1_flagged", {**every, "empathy": "pass"})})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert not body["whole_scorecard"] and len(body["criteria"]) == len(every)
    assert scorecard(loop, "a1_flagged")["total"] == body["new_score"] > body["old_score"]
