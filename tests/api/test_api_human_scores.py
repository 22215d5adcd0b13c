"""A person's scorecard follows the scorer's rule: its total adds up from its criteria and
its flags follow the total shown (issue 15: one rule for a total and its flags, whoever
made the verdicts). Runs on SQLite."""

from __future__ import annotations

from tests.api.conftest import Api


def flags_of(api: Api, call: str) -> dict[str, str]:
    card = api.get(f"/api/v1/calls/{call}", "sup").json()["scorecard"]
    return {f["code"]: f["reason"] for f in card["flags"]}


def test_an_accepted_dispute_flags_the_total_its_verdicts_make(api: Api) -> None:
    w = api.world
    call = w.calls["a1_flagged"]
    empathy = w.results["a1_flagged"]["empathy"]
    dispute = api.post("/api/v1/disputes", "agent1", json={
        "score_id": w.scores["a1_flagged"], "reason": "I was kind", "criteria": [empathy]})
    r = api.post(f"/api/v1/disputes/{dispute.json()['id']}/decision", "sup", json={
        "decision": "accepted", "verdicts": [{"criterion_result_id": empathy,
                                              "verdict": "pass"}]})
    assert r.status_code == 200 and r.json()["new_score"] == 100, r.text
    flags = flags_of(api, call)
    assert "low_score" not in flags, flags  # 100 is not below 70
    assert "legal_threat" in flags  # "I call my lawyer" is still in the call
    # a2's greeting passed: 44.4 is still below 70, so its low score flag stays
    api.post(f"/api/v1/disputes/{w.disputes['a2_flagged']}/decision", "sup", json={
        "decision": "accepted", "verdicts": [{
            "criterion_result_id": w.results["a2_flagged"]["greeting"], "verdict": "pass"}]})
    card = api.get(f"/api/v1/calls/{w.calls['a2_flagged']}", "sup").json()["scorecard"]
    assert card["total"] == 44.4 and "low_score" in {f["code"] for f in card["flags"]}


def test_a_closed_review_flags_the_total_it_makes_and_names_the_failed_criteria(
    api: Api,
) -> None:
    w = api.world
    call, results = w.calls["a1_clean"], w.results["a1_clean"]
    review = api.post("/api/v1/reviews", "sup", json={"call_id": call}).json()
    api.put(f"/api/v1/reviews/{review['id']}/criteria/{results['empathy']}", "sup",
            json={"verdict": "fail", "comment": "no empathy at all"})
    diff = api.get(f"/api/v1/reviews/{review['id']}/diff", "sup").json()
    api.post(f"/api/v1/reviews/{review['id']}/close", "sup", json={})
    card = api.get(f"/api/v1/calls/{call}", "sup").json()["scorecard"]
    assert card["total"] == diff["human_total"]
    # the sections add up to the total by the scorer's weighted mean
    counted = [s for s in card["sections"] if s["max_points"] > 0]
    weighted = sum(s["weight"] * 100 * s["points"] / s["max_points"] for s in counted)
    assert round(weighted / sum(s["weight"] for s in counted), 1) == card["total"]
    assert card["total"] < 70
    assert f"{card['total']:g}" in flags_of(api, call)["low_score"]
