"""Who may see and do what: an agent never reaches another agent's objects (404 on every
route that takes an id, filters cannot widen the scope), wrong roles get 403, and the
docs contract (every route has a tag and a summary)."""

from __future__ import annotations

import re

from tests.api.conftest import Api
from tests.api.test_api_auth import api_operations

# path parameter -> the object of the named call (agent1 owns a1_flagged, agent2 a2_flagged)
OWNER_USER = {"a1_flagged": "agent1", "a2_flagged": "agent2"}


def _ids(api: Api, call: str) -> dict[str, object]:
    w = api.world
    return {"call_id": w.calls[call], "score_id": w.scores[call], "clip_id": w.clips[call],
            "dispute_id": w.disputes[call], "review_id": w.reviews.get(call, 10**6),
            "task_id": w.coaching[call],
            "case_id": 10**6,  # complaints: agents get 403 whatever the id
            "session_id": 10**6,  # calibration: staff only; test_api_calibration scopes it
            "user_id": w.users[OWNER_USER[call]],
            "criterion_result_id": w.results[call]["empathy"],
            # admin-only routes: an agent gets 403 whatever the id
            "agent_id": 1 if call == "a1_flagged" else 2, "rubric_id": 1,
            "notification_id": 1,
            "queue": "billing" if call == "a1_flagged" else "sales",
            "customer_ref": "C-1" if call == "a1_flagged" else "C-2"}


def test_an_agent_gets_404_for_another_agents_objects_on_every_route_with_an_id(
    api: Api,
) -> None:
    w = api.world
    mine = api.post("/api/v1/disputes", "agent1",
                    json={"score_id": w.scores["a1_flagged"], "reason": "I did show empathy",
                          "criteria": [w.results["a1_flagged"]["empathy"]]})
    assert mine.status_code == 201, mine.text
    w.disputes["a1_flagged"] = mine.json()["id"]

    answered: dict[str, tuple[int, int]] = {}
    for method, path in api_operations():
        params = re.findall(r"{(\w+)}", path)
        if not params:
            continue
        own = api.request(method, path.format(**_ids(api, "a1_flagged")), "agent1", json={})
        other = api.request(method, path.format(**_ids(api, "a2_flagged")), "agent1", json={})
        answered[f"{method} {path}"] = (own.status_code, other.status_code)
        assert other.status_code in (403, 404), (method, path, other.text)
        # the agent may use this route (409: it may, but not in the object's present state,
        # e.g. acknowledging a disputed scorecard): another agent's object is then 404
        if own.status_code < 400 or own.status_code == 409:
            assert other.status_code == 404, (method, path, other.text)
            assert other.json()["error"]["code"] == "not_found"
        else:  # a route the role may not use: 403 whoever owns the object, nothing leaks
            assert own.status_code == other.status_code == 403, (method, path)
        assert "a2-flagged" not in other.text and "Mark Evans" not in other.text
    reachable = {k for k, (own, _) in answered.items() if own < 400}
    assert reachable >= {
        "GET /api/v1/calls/{call_id}", "GET /api/v1/calls/{call_id}/audio",
        "GET /api/v1/scores/{score_id}", "GET /api/v1/clips/{clip_id}",
        "GET /api/v1/disputes/{dispute_id}",
    }, answered
    assert answered["GET /api/v1/calls/{call_id}/audio"] == (200, 404)


def test_ids_in_bodies_and_query_strings_are_scoped_too(api: Api) -> None:
    w = api.world
    theirs = api.post("/api/v1/disputes", "agent1",
                      json={"score_id": w.scores["a2_flagged"], "reason": "not mine at all",
                            "criteria": [w.results["a2_flagged"]["greeting"]]})
    assert theirs.status_code == 404
    assert api.get("/api/v1/scores", "agent1",
                   params={"call_id": w.calls["a2_flagged"]}).status_code == 404
    for path in ("/api/v1/clips", "/api/v1/disputes"):
        listed = api.get(path, "agent1", params={"call_id": w.calls["a2_flagged"]}).json()
        assert listed == {"data": [], "count": 0}, path
    assert api.get(f"/api/v1/calls/{w.calls['a2_flagged']}", "agent1",
                   params={"original": "true"}).status_code == 404


def test_list_filters_cannot_widen_an_agents_scope(api: Api) -> None:
    w = api.world
    own = {w.calls["a1_flagged"], w.calls["a1_clean"]}
    everything = api.get("/api/v1/calls", "agent1").json()
    assert {c["id"] for c in everything["data"]} == own and everything["count"] == 2
    for params in ({"agent": "A-2"}, {"team": "Sales"}, {"queue": "sales"}, {"language": "tr"},
                   {"flag": "low_score"}, {"q": "a2-flagged"}, {"agent": "A-2", "skip": 0}):
        r = api.get("/api/v1/calls", "agent1", params=params)
        assert r.status_code == 200 and r.json() == {"data": [], "count": 0}, params
    clips = api.get("/api/v1/clips", "agent1").json()
    assert [c["call_id"] for c in clips["data"]] == [w.calls["a1_flagged"]]
    assert api.get("/api/v1/disputes", "agent1").json()["count"] == 0  # agent2's is hidden
    assert api.get("/api/v1/disputes", "agent2").json()["count"] == 1


def test_an_agent_user_whose_agent_is_gone_sees_nothing(api: Api) -> None:
    from sqlalchemy import update

    from pipeline.db.accounts import User
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        s.execute(update(User).where(User.username == "agent1").values(agent_id=None))
    assert api.get("/api/v1/calls", "agent1").json() == {"data": [], "count": 0}
    assert api.get(f"/api/v1/calls/{api.world.calls['a1_flagged']}", "agent1").status_code == 404


def test_wrong_roles_get_403(api: Api) -> None:
    w = api.world
    review, result = w.reviews["a2_flagged"], w.results["a2_flagged"]["empathy"]
    score_changes = [
        ("POST", "/api/v1/reviews", {"call_id": w.calls["a1_flagged"]}),
        ("PUT", f"/api/v1/reviews/{review}/criteria/{result}",
         {"verdict": "pass", "comment": "fine"}),
        ("POST", f"/api/v1/reviews/{review}/close", {}),
        ("POST", f"/api/v1/disputes/{w.disputes['a2_flagged']}/decision",
         {"decision": "accepted", "comment": "ok", "final_score": 99}),
    ]
    for user in ("trainer", "agent1", "agent2"):
        for method, path, body in score_changes:
            r = api.request(method, path, user, json=body)
            assert r.status_code == 403, (user, method, path, r.text)
            assert r.json()["error"]["code"] == "forbidden"
    for user, method, path in [
        ("trainer", "GET", "/api/v1/review-queue"), ("agent1", "GET", "/api/v1/review-queue"),
        ("sup", "GET", "/api/v1/users"), ("trainer", "GET", "/api/v1/audit"),
        ("trainer", "GET", "/api/v1/disputes"), ("agent1", "POST", "/api/v1/clips"),
        ("sup", "POST", "/api/v1/disputes"), ("agent2", "DELETE",
                                               f"/api/v1/clips/{w.clips['a2_flagged']}"),
    ]:
        r = api.request(method, path, user, json={"score_id": w.scores["a1_flagged"],
                                                  "reason": "why not", "call_id": "x",
                                                  "criteria": [1],
                                                  "start": 0, "end": 1, "tag": "t"})
        assert r.status_code == 403, (user, method, path, r.text)
    assert api.get("/api/v1/scores", "sup", params={"call_id": w.calls["a1_flagged"]}).json()[
        "data"][0]["total"] == 44.4  # nothing changed


def test_every_route_has_a_tag_and_a_summary_and_documents_its_errors(api: Api) -> None:
    from api.app import routers

    routes = [route for router in routers() for route in router.routes]
    assert len(routes) >= 25
    for route in routes:
        assert route.tags and route.summary, route.path  # type: ignore[attr-defined]
        assert route.path.startswith("/api/v1/"), route.path  # type: ignore[attr-defined]
    spec = api.client.get("/api/v1/openapi.json").json()
    operations = [(m.upper(), p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]
    assert sorted((m, p) for m, p, _ in operations) == api_operations()
    declared = {t["name"] for t in spec["tags"]}
    for method, path, op in operations:
        assert op.get("tags") and set(op["tags"]) <= declared, (method, path)
        assert op.get("summary"), (method, path)
        assert "401" in op["responses"] and "403" in op["responses"], (method, path)
        secured = bool(op.get("security"))
        assert secured == ((method, path) not in {("POST", "/api/v1/auth/login"),
                                                  ("GET", "/api/v1/health")}), (method, path)
    assert spec["components"]["schemas"]["ErrorBody"]["properties"]["error"]
