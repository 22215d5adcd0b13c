"""First-contact resolution through the API: per agent with their names, as CSV (audited),
for staff only, and a team-scoped supervisor sees her teams' calls only. On SQLite and
PostgreSQL. The seeded calls become one customer's three calls on one reason: a1_flagged
(20 Nov, A-1) first, a2_flagged (21 Nov, A-2) repeats it, a1_clean (22 Nov, A-1) repeats
that."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def _one_customer(api: Api) -> None:
    from sqlalchemy import update

    from pipeline.db.models import Call
    from pipeline.db.reasons import save_reasons
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        s.execute(update(Call).values(customer_key="ref:C-1"))
        for call_id in api.world.calls.values():
            save_reasons(s, call_id, {
                "taxonomy": "t", "version": "1", "hash": "h", "reasons": [{
                    "code": "billing.high_bill", "category": "billing",
                    "subcategory": "high_bill", "confidence": 0.8}]}, repeat_window_days=7)


def test_resolution_per_agent_with_names_and_as_csv(api: Api) -> None:
    _one_customer(api)
    body = api.get("/api/v1/dashboards/resolution", "sup", params={"group_by": "agent"})
    assert body.status_code == 200, body.text
    data = body.json()
    assert data["window_days"] == 7.0 and data["names"]["A-1"] == "Ayşe Yılmaz"
    rows = {r["group"]: r for r in data["data"]}
    assert (rows["A-1"]["calls"], rows["A-1"]["repeats"], rows["A-1"]["fcr"],
            rows["A-1"]["repeat_rate"]) == (2, 1, 0.0, 0.5)
    assert rows["A-2"]["fcr"] is None and rows["A-2"]["repeat_rate"] == 1.0
    (everyone,) = api.get("/api/v1/dashboards/resolution", "sup").json()["data"]
    assert (everyone["calls"], everyone["first_contacts"], everyone["resolved"]) == (3, 1, 0)
    after = api.get("/api/v1/dashboards/resolution", "sup",
                    params={"date_from": "2026-11-21T00:00:00Z"}).json()["data"][0]
    assert after["calls"] == 2 and after["repeats"] == 2  # linked to calls before the range

    csv = api.get("/api/v1/dashboards/resolution.csv", "sup", params={"group_by": "reason"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == [
        "group,calls,repeats,first_contacts,resolved,fcr,repeat_rate",
        "billing.high_bill,3,2,1,0,0.0,0.6667"]
    assert api.audit("dashboard.export")[0]["detail"]["group_by"] == "reason"
    assert api.get("/api/v1/dashboards/resolution", "agent1").status_code == 403
    bad = api.get("/api/v1/dashboards/resolution", "sup", params={"group_by": "moon"})
    assert bad.status_code == 422
