"""Erasing everything of one customer (a KVKK/GDPR request of one person): both of C-42's
calls go in one audited action, nothing of them is found through any list, search,
dashboard, the audit log or the export afterwards, another customer's call is intact, and
only admins may do it."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.api.conftest import Api

CUSTOMER = "C-42"
THEIRS = ("a1_flagged", "a1_clean")  # agent1's calls, both of C-42
OTHER = "a2_flagged"  # customer C-7


@pytest.fixture
def db_url(both_db_url: str) -> str:
    """The seeded world (tests/api/conftest.py's ``api``) on SQLite and on PostgreSQL."""
    return both_db_url


def _set_customers(api: Api) -> None:
    from pipeline.db.accounts import User
    from pipeline.db.audit import audit
    from pipeline.db.models import Call
    from pipeline.db.session import session_scope

    w = api.world
    with session_scope(w.url) as s:
        s.execute(update(Call).where(Call.id.in_([w.calls[n] for n in THEIRS]))
                  .values(customer_ref=CUSTOMER))
        s.execute(update(Call).where(Call.id == w.calls[OTHER]).values(customer_ref="C-7"))
        admin = s.get(User, w.users["admin"])
        # free text elsewhere in the log that quotes the customer (not about one call)
        audit(s, admin, "user.update", "user", w.users["sup"],
              note=f"{CUSTOMER} complained about this supervisor", tags=[f"re {CUSTOMER}"])


def _csv(api: Api) -> str:
    r = api.get("/api/v1/dashboards/summary.csv", "sup",
                params={"period": "month", "group_by": "agent"})
    assert r.status_code == 200, r.text
    return str(r.text)


def test_erasing_a_customer_removes_all_of_their_calls_and_nothing_else(api: Api) -> None:
    w = api.world
    _set_customers(api)
    path = f"/api/v1/customers/{CUSTOMER}"
    exported = api.get(f"{path}/export", "admin")
    assert exported.status_code == 200, exported.text
    body = exported.json()
    assert body["count"] == 2 and {c["id"] for c in body["calls"]} == {
        w.calls[n] for n in THEIRS}
    assert all(c["transcript"] and c["scores"] for c in body["calls"])
    assert "4111" not in exported.text  # redacted text only
    assert ",A-1,2," in _csv(api)

    for user in ("sup", "trainer", "agent1"):
        assert api.delete(path, user, params={"reason": "KVKK request 9"}).status_code == 403
        assert api.get(f"{path}/export", user).status_code == 403
    assert api.delete(path, "admin").status_code == 422  # a reason is required
    assert api.delete("/api/v1/customers/C-404", "admin",
                      params={"reason": "KVKK request 9"}).status_code == 404

    erased = api.delete(path, "admin", params={"reason": "KVKK request 9"})
    assert erased.status_code == 200, erased.text
    report = erased.json()
    assert set(report["call_ids"]) == {w.calls[n] for n in THEIRS}
    assert report["removed"]["calls"] == 2 and report["objects_deleted"] == 2
    assert CUSTOMER not in erased.text
    assert not (w.store / "2026" / "a1_flagged.wav").exists()

    calls = api.get("/api/v1/calls", "admin").json()
    assert [c["id"] for c in calls["data"]] == [w.calls[OTHER]]
    assert api.get("/api/v1/calls", "admin", params={"q": "a1-flagged"}).json()["count"] == 0
    assert api.get("/api/v1/calls", "admin", params={"q": "a2-flagged"}).json()["count"] == 1
    queue = api.get("/api/v1/review-queue", "sup").text
    assert w.calls["a1_flagged"] not in queue and w.calls[OTHER] in queue
    clips = api.get("/api/v1/clips", "trainer").json()
    assert [c["id"] for c in clips["data"]] == [w.clips[OTHER]]
    csv = _csv(api)
    assert ",A-1," not in csv and ",A-2,1," in csv
    for name in THEIRS:
        assert api.get(f"/api/v1/calls/{w.calls[name]}", "admin").status_code == 404
    assert api.get(f"/api/v1/calls/{w.calls[OTHER]}", "admin").status_code == 200

    log = api.get("/api/v1/audit", "admin", params={"limit": 200})
    assert log.status_code == 200 and CUSTOMER not in log.text
    assert "[erased] complained about this supervisor" in log.text
    entries = api.audit("customer.erase")
    assert len(entries) == 1
    assert entries[0]["detail"]["calls"] == 2
    assert entries[0]["detail"]["reason"] == "KVKK request 9"
    assert len(api.audit("customer.export")) == 1
    assert api.get(f"{path}/export", "admin").status_code == 404
    assert api.delete(path, "admin", params={"reason": "KVKK request 9"}).status_code == 404
