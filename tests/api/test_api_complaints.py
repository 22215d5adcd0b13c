"""Complaint cases through the API on SQLite and PostgreSQL: a supervisor decides a call
is a complaint, moves it step by step (an illegal step is refused with a sentence), owns
it and closes it with outcome and root cause; trainers read, agents get 403; the list's
filters and counts, the call's case, and the KPIs (JSON and CSV)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, seed


@pytest.fixture
def api_both(both_db_url: str, callqa_home) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    from api.app import create_app
    from pipeline.settings import Settings

    world = seed(both_db_url, callqa_home / "recordings")
    settings = Settings(home=callqa_home, database_url=both_db_url)
    with TestClient(create_app(settings)) as client:
        yield Api(client, world, settings)


def test_a_case_from_a_persons_decision_to_closure_by_role(api_both: Api) -> None:
    api, w = api_both, api_both.world
    call = w.calls["a1_flagged"]
    assert api.post(f"/api/v1/calls/{call}/complaint", "agent1", json={}).status_code == 403
    assert api.post(f"/api/v1/calls/{call}/complaint", "trainer", json={}).status_code == 403
    made = api.post(f"/api/v1/calls/{call}/complaint", "sup", json={"note": "asks for refund"})
    assert made.status_code == 201, made.text
    body = made.json()
    case_id, ref = body["case_id"], body["reference"]
    assert ref.startswith("CMP-") and body["why"] == "opened"
    assert body["case"]["status"] == "received" and body["case"]["deadline"] == "acknowledge"
    again = api.post(f"/api/v1/calls/{call}/complaint", "sup", json={})
    assert again.status_code == 409 and ref in again.json()["error"]["message"]

    assert api.get(f"/api/v1/complaints/{case_id}", "agent1").status_code == 403
    assert api.get(f"/api/v1/complaints/{case_id}", "trainer").status_code == 200
    bad = api.post(f"/api/v1/complaints/{case_id}/transitions", "sup",
                   json={"to": "investigating"})
    assert bad.status_code == 409
    assert "it can go to acknowledged, not to investigating" in bad.json()["error"]["message"]
    assert api.post(f"/api/v1/complaints/{case_id}/transitions", "trainer",
                    json={"to": "acknowledged"}).status_code == 403
    owned = api.patch(f"/api/v1/complaints/{case_id}", "sup",
                      json={"owner_id": w.users["sup"]})
    assert owned.status_code == 200 and owned.json()["owner"] == "sup"
    assert api.patch(f"/api/v1/complaints/{case_id}", "sup",
                     json={"owner_id": w.users["trainer"]}).status_code == 422
    for step in ("acknowledged", "assessed", "investigating", "responded"):
        r = api.post(f"/api/v1/complaints/{case_id}/transitions", "sup", json={"to": step})
        assert r.status_code == 200 and r.json()["status"] == step
    no_cause = api.post(f"/api/v1/complaints/{case_id}/transitions", "sup",
                        json={"to": "closed", "outcome": "upheld"})
    assert no_cause.status_code == 422
    wrong = api.post(f"/api/v1/complaints/{case_id}/transitions", "sup",
                     json={"to": "closed", "outcome": "upheld", "root_cause": "luck"})
    assert wrong.status_code == 422 and "billing_error" in wrong.json()["error"]["message"]
    closed = api.post(f"/api/v1/complaints/{case_id}/transitions", "sup", json={
        "to": "closed", "outcome": "upheld", "root_cause": "billing_error", "satisfaction": 4})
    assert closed.status_code == 200, closed.text
    case = closed.json()
    assert (case["status"], case["satisfaction"], case["sla_met"]) == ("closed", 4, True)
    assert case["next"] == ["investigating"]
    assert [h["action"] for h in case["history"]][:2] == ["open", "owner"]
    assert case["case_calls"][0]["link"] == f"/#/call?id={call}"

    listed = api.get("/api/v1/complaints", "sup", params={"mine": "true"}).json()
    assert [c["reference"] for c in listed["data"]] == [ref]
    assert listed["by_status"]["closed"] == 1
    assert api.get("/api/v1/complaints", "sup", params={"overdue": "true"}).json()["count"] == 0
    assert api.get("/api/v1/complaints", "agent1").status_code == 403
    of_call = api.get(f"/api/v1/calls/{call}/complaint", "sup")
    assert of_call.status_code == 200 and of_call.json()["reference"] == ref
    kpis = api.get("/api/v1/dashboards/complaints", "sup", params={"group_by": "none"}).json()
    (row,) = kpis["data"]
    assert (row["opened"], row["closed"], row["within_sla"]) == (1, 1, 1.0)
    csv = api.get("/api/v1/dashboards/complaints.csv", "admin")
    assert csv.status_code == 200 and csv.text.startswith("group,title,opened")
    assert api.get("/api/v1/dashboards/complaints", "agent1").status_code == 403
    assert [e["action"] for e in api.audit("complaint.close")] == ["complaint.close"]
