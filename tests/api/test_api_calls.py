"""Calls: search filters and pagination, hostile search input, one call with its redacted
transcript and scorecard, original text (roles, setting, audit), the review queue.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def ids(api: Api, *names: str) -> list[str]:
    return [api.world.calls[n] for n in names]


def found(api: Api, user: str = "sup", **params: Any) -> list[str]:
    r = api.get("/api/v1/calls", user, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] >= len(body["data"])
    return [c["id"] for c in body["data"]]


def test_filters_each_narrow_the_list(api: Api) -> None:
    assert found(api) == ids(api, "a1_clean", "a2_flagged", "a1_flagged")  # newest first
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"team": "Billing"}, ["a1_clean", "a1_flagged"]),
        ({"agent": "A-2"}, ["a2_flagged"]),
        ({"queue": "billing", "direction": "inbound"}, ["a1_flagged"]),
        ({"language": "tr"}, ["a2_flagged"]),
        ({"date_from": "2026-11-21", "date_to": "2026-11-22"}, ["a2_flagged"]),
        ({"date_from": "2026-11-21T00:00:00"}, ["a1_clean", "a2_flagged"]),
        ({"score_min": 40, "score_max": 50}, ["a1_flagged"]),
        ({"score_max": 30}, ["a2_flagged"]),
        ({"flag": "legal_threat"}, ["a1_flagged"]),
        ({"q": "LAWYER"}, ["a1_clean", "a2_flagged", "a1_flagged"]),
        ({"q": "[card] (a1-clean)"}, ["a1_clean"]),
        ({"criterion": "empathy", "verdict": "pass"}, ["a1_clean"]),
        ({"criterion": "greeting", "verdict": "fail"}, ["a2_flagged"]),
        ({"sentiment": "negative", "team": "Sales"}, ["a2_flagged"]),
        ({"disputed": True}, ["a2_flagged"]),
        ({"agent": "A-404"}, []),
    ]
    for params, expected in cases:
        assert found(api, **params) == ids(api, *expected), params


def test_pagination_gives_pages_and_the_total(api: Api) -> None:
    first = api.get("/api/v1/calls", "sup", params={"limit": 2}).json()
    second = api.get("/api/v1/calls", "sup", params={"limit": 2, "skip": 2}).json()
    assert first["count"] == second["count"] == 3
    assert len(first["data"]) == 2 and len(second["data"]) == 1
    assert {c["id"] for c in first["data"] + second["data"]} == set(api.world.calls.values())
    assert api.get("/api/v1/calls", "sup", params={"limit": 201}).status_code == 422


HOSTILE = ["' OR '1'='1", "x'; DROP TABLE calls; --", "%", "_", "\\", "A-1' --",
           "\" OR 1=1 UNION SELECT id FROM users --", "%' OR 1=1 OR '%'='", "*", "[a-z]"]


def test_sql_looking_search_input_is_only_text(api: Api) -> None:
    for field in ("q", "agent", "team", "queue", "flag", "criterion", "language"):
        for hostile in HOSTILE:
            for user in ("sup", "agent1"):
                r = api.get("/api/v1/calls", user, params={field: hostile})
                assert r.status_code == 200, (field, hostile, r.text)
                assert r.json() == {"data": [], "count": 0}, (field, hostile)
            queue = api.get("/api/v1/review-queue", "sup", params={field: hostile})
            assert queue.json() == {"data": [], "count": 0}, (field, hostile)
    clips = api.get("/api/v1/clips", "trainer", params={"q": "' OR 1=1 --", "tag": "%"})
    assert clips.json() == {"data": [], "count": 0}
    assert len(found(api)) == 3  # the table is still there, untouched


def test_one_call_has_metrics_redacted_utterances_scorecard_and_flags(api: Api) -> None:
    call = api.get(f"/api/v1/calls/{api.world.calls['a1_flagged']}", "agent1").json()
    assert call["agent"] == "A-1" and call["team"] == "Billing" and call["score"] == 44.4
    assert call["metrics"]["talk_ratio_agent"] == 0.62
    assert (call["language_source"], call["asr_model"]) == ("detected", "tiny.en")
    assert call["language_reason"].startswith("detected among tr, en, az: ")
    texts = [u["text"] for u in call["utterances"]]
    assert "My card is [CARD] (a1-flagged), I call my lawyer." in texts
    assert "4111" not in str(call) and all(u["original_text"] is None for u in call["utterances"])
    assert call["pii"] == [{"kind": "card", "utterance": 1, "start": 4.0, "end": 6.0}]
    card = call["scorecard"]
    assert card["current"] and card["rubric"] == "inbound_service_en"
    assert {r["criterion_id"]: r["verdict"] for r in card["results"]} == {
        "greeting": "pass", "recording_disclosure": "pass", "identity_verification": "na",
        "empathy": "fail"}
    assert card["results"][0]["evidence"][0]["start"] == 1.0  # jump to the moment
    assert [f["code"] for f in card["flags"]] == ["legal_threat"]
    assert api.get("/api/v1/calls/not-a-call", "sup").status_code == 404


def test_original_text_only_for_supervisors_when_kept_and_each_view_is_audited(
    api: Api,
) -> None:
    path = f"/api/v1/calls/{api.world.calls['a1_flagged']}"
    assert api.audit("call.view_original") == []
    r = api.get(path, "sup", params={"original": "true"})
    assert r.status_code == 200
    originals = [u["original_text"] for u in r.json()["utterances"]]
    assert "My card is 4111 1111 1111 1111 (a1-flagged), I call my lawyer." in originals
    for user in ("trainer", "agent1"):
        denied = api.get(path, user, params={"original": "true"})
        assert denied.status_code == 403 and "4111" not in denied.text
    entries = api.audit("call.view_original")
    assert len(entries) == 1
    assert entries[0]["username"] == "sup" and entries[0]["object_id"] == api.world.calls[
        "a1_flagged"] and entries[0]["at"]
    assert "4111" not in api.get(path, "sup").text  # plain view: redacted, not audited
    assert len(api.audit("call.view_original")) == 1


def test_original_text_is_refused_when_the_setting_does_not_keep_it(api: Api) -> None:
    api.client.app.state.settings = api.settings.model_copy(  # type: ignore[attr-defined]
        update={"keep_original_text": False})
    r = api.get(f"/api/v1/calls/{api.world.calls['a1_flagged']}", "admin",
                params={"original": "true"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "original_not_kept"
    assert api.audit("call.view_original") == []


def test_the_review_queue_lists_flagged_and_disputed_calls_by_priority(api: Api) -> None:
    queue = api.get("/api/v1/review-queue", "sup").json()
    assert [c["id"] for c in queue["data"]] == ids(api, "a1_flagged", "a2_flagged")
    top, second = queue["data"]
    assert top["priority"] == 90 and top["flag_details"][0]["severity"] == "critical"
    assert second["disputed"] and second["reviewer"] == "sup2" and second["review_id"]
    for params, expected in [({"team": "Sales"}, ["a2_flagged"]),
                             ({"flag": "legal_threat"}, ["a1_flagged"]),
                             ({"agent": "A-1", "language": "en"}, ["a1_flagged"]),
                             ({"score_min": 30}, ["a1_flagged"]),
                             ({"date_from": "2026-11-21"}, ["a2_flagged"]),
                             ({"q": "' OR 1=1 --"}, [])]:
        r = api.get("/api/v1/review-queue", "sup", params=params)
        assert [c["id"] for c in r.json()["data"]] == ids(api, *expected), params
    page = api.get("/api/v1/review-queue", "admin", params={"limit": 1, "skip": 1}).json()
    assert page["count"] == 2 and [c["id"] for c in page["data"]] == ids(api, "a2_flagged")
