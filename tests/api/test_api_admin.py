"""Admin routes: teams, agents and rubric versions (validate, upload, activate, rescore);
admins only, every change in the audit log."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from tests.api.conftest import RUBRIC, Api

ADMIN = "/api/v1/admin"
V1 = RUBRIC.read_text("utf-8")
# v2: the agent must also say a closing line these calls never have
V2 = V1.replace('version: "1.0"', 'version: "2.0"').replace(
    "phrases: [anything else i can help you with, is there anything else,",
    "phrases: [thank you for your patience today,", 1)


def upload(api: Api, text: str = V2) -> dict[str, object]:
    r = api.post(f"{ADMIN}/rubrics", "admin", json={"yaml": text})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_v2_differs_from_v1() -> None:
    assert V2 != V1 and 'version: "2.0"' in V2


def test_teams_list_create_and_a_duplicate_name_is_409(api: Api) -> None:
    names = {t["name"] for t in api.get(f"{ADMIN}/teams", "admin").json()["data"]}
    assert names == {"Billing", "Sales"}
    r = api.post(f"{ADMIN}/teams", "admin", json={"name": "Retention"})
    assert r.status_code == 201, r.text
    team_id = r.json()["id"]
    dup = api.post(f"{ADMIN}/teams", "admin", json={"name": "Billing"})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "conflict"
    entries = api.audit("team.create")
    assert [e["object_id"] for e in entries] == [str(team_id)]
    assert entries[0]["user_id"] == api.world.users["admin"] and entries[0]["at"]


def test_agents_list_filter_create_and_update(api: Api) -> None:
    everyone = api.get(f"{ADMIN}/agents", "admin").json()
    assert everyone["count"] == 2 and {a["external_id"] for a in everyone["data"]} == {"A-1",
                                                                                      "A-2"}
    sales = api.get(f"{ADMIN}/agents", "admin", params={"team": "Sales"}).json()
    assert [a["external_id"] for a in sales["data"]] == ["A-2"] and sales["count"] == 1
    page = api.get(f"{ADMIN}/agents", "admin", params={"limit": 1}).json()
    assert len(page["data"]) == 1 and page["count"] == 2

    teams = {t["name"]: t["id"] for t in api.get(f"{ADMIN}/teams", "admin").json()["data"]}
    r = api.post(f"{ADMIN}/agents", "admin",
                 json={"external_id": "A-3", "name": "Zeynep Kaya", "team_id": teams["Sales"]})
    assert r.status_code == 201, r.text
    agent = r.json()
    assert agent["team"] == "Sales"
    assert api.post(f"{ADMIN}/agents", "admin", json={"external_id": "A-3"}).status_code == 409
    assert api.post(f"{ADMIN}/agents", "admin",
                    json={"external_id": "A-4", "team_id": 10**6}).status_code == 404

    r = api.patch(f"{ADMIN}/agents/{agent['id']}", "admin",
                  json={"name": "Zeynep K.", "team_id": teams["Billing"]})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Zeynep K." and r.json()["team"] == "Billing"
    r = api.patch(f"{ADMIN}/agents/{agent['id']}", "admin", json={"team_id": None})
    assert r.json()["team"] is None and r.json()["name"] == "Zeynep K."
    assert api.patch(f"{ADMIN}/agents/{10**6}", "admin", json={"name": "x"}).status_code == 404
    assert [e["object_id"] for e in api.audit("agent.create")] == [str(agent["id"])]
    updates = api.audit("agent.update")
    assert len(updates) == 2 and all(e["user_id"] == api.world.users["admin"] for e in updates)


def test_validate_a_good_rubric(api: Api) -> None:
    r = api.post(f"{ADMIN}/rubrics/validate", "admin", json={"yaml": V2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True and body["name"] == "inbound_service_en"
    assert body["version"] == "2.0" and body["language"] == "en" and body["criteria"] > 3


def test_a_bad_rubric_is_422_with_the_line_and_the_criterion(api: Api) -> None:
    lines = V1.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.strip() == "points: 10")
    lines[number - 1] = lines[number - 1].replace("points:", "pionts:")
    bad = "".join(lines)
    for path in ("/rubrics/validate", "/rubrics"):
        r = api.post(f"{ADMIN}{path}", "admin", json={"yaml": bad})
        assert r.status_code == 422, r.text
        message = r.json()["error"]["message"]
        assert f":{number}:" in message, message
        assert "criterion 'greeting'" in message and "pionts" in message, message
    names = [r["version"] for r in api.get(f"{ADMIN}/rubrics", "admin").json()["data"]
             if r["name"] == "inbound_service_en"]
    assert "2.0" not in names  # nothing stored
    assert api.audit("rubric.upload") == []


def test_upload_is_listed_and_activation_switches_the_active_version(api: Api) -> None:
    listed = api.get(f"{ADMIN}/rubrics", "admin").json()["data"]
    shipped = [r for r in listed if r["shipped"]]
    assert {r["name"] for r in shipped} >= {"inbound_service_en", "inbound_service_tr",
                                             "outbound_sales_en", "outbound_sales_tr"}
    assert all(r["active"] for r in shipped)  # nothing replaces them yet

    v2 = upload(api)
    assert v2["version"] == "2.0" and v2["active"] is False and v2["shipped"] is False
    again = upload(api)  # the same text is the same stored version
    assert again["id"] == v2["id"]
    listed = api.get(f"{ADMIN}/rubrics", "admin").json()["data"]
    mine = [r for r in listed if r["name"] == "inbound_service_en"]
    assert {r["version"] for r in mine} >= {"1.0", "2.0"}

    r = api.post(f"{ADMIN}/rubrics/{v2['id']}/activate", "admin")
    assert r.status_code == 200 and r.json()["active"] is True, r.text
    mine = [r for r in api.get(f"{ADMIN}/rubrics", "admin").json()["data"]
            if r["name"] == "inbound_service_en"]
    assert [r["version"] for r in mine if r["active"]] == ["2.0"]

    v3 = upload(api, V2.replace('version: "2.0"', 'version: "3.0"'))
    api.post(f"{ADMIN}/rubrics/{v3['id']}/activate", "admin")
    mine = [r for r in api.get(f"{ADMIN}/rubrics", "admin").json()["data"]
            if r["name"] == "inbound_service_en"]
    assert [r["version"] for r in mine if r["active"]] == ["3.0"]
    others = {r["name"]: r["active"] for r in api.get(f"{ADMIN}/rubrics", "admin").json()["data"]
              if r["name"] != "inbound_service_en"}
    assert all(others.values())  # other names keep their shipped rubric

    assert api.post(f"{ADMIN}/rubrics/{10**6}/activate", "admin").status_code == 404
    uploads = api.audit("rubric.upload")
    assert len(uploads) == 3 and uploads[0]["user_id"] == api.world.users["admin"]
    activations = api.audit("rubric.activate")
    assert {e["object_id"] for e in activations} == {str(v2["id"]), str(v3["id"])}
    latest = next(e for e in activations if e["object_id"] == str(v3["id"]))
    assert latest["detail"]["deactivated"] == [v2["id"]]


def test_rubric_selection_keeps_the_shipped_rubrics_until_one_is_activated(api: Api) -> None:
    from scoring.in_force import rubrics_in_force
    from scoring.rubric import builtin_rubrics

    assert rubrics_in_force(api.settings) == builtin_rubrics()
    v2 = upload(api)
    assert rubrics_in_force(api.settings) == builtin_rubrics()  # stored, not active
    api.post(f"{ADMIN}/rubrics/{v2['id']}/activate", "admin")
    chosen = {r.name: r.version for r in rubrics_in_force(api.settings)}
    assert chosen["inbound_service_en"] == "2.0"
    assert chosen["outbound_sales_en"] == next(r.version for r in builtin_rubrics()
                                               if r.name == "outbound_sales_en")
    assert len(chosen) == len(builtin_rubrics())


@pytest.mark.slow
def test_a_call_scored_after_activation_uses_the_active_version(api: Api) -> None:
    from flows.score_calls import models_for, score_stored_call
    from pipeline.db.scores import current_score
    from pipeline.db.session import session_scope
    from scoring.in_force import rubrics_in_force

    v2 = upload(api)
    api.post(f"{ADMIN}/rubrics/{v2['id']}/activate", "admin")
    call_id = api.world.calls["a1_flagged"]
    with session_scope(api.world.url) as session:
        outcome = score_stored_call(session, call_id, rubrics_in_force(api.settings),
                                    models_for(api.settings))
    assert outcome.rubric == "inbound_service_en v2.0", outcome
    with session_scope(api.world.url) as session:
        score = current_score(session, call_id)
        assert score is not None and score.rubric_id == v2["id"]
        assert score.rubric.version == "2.0"


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_rescore_route_gives_calls_a_scorecard_of_that_version(api: Api) -> None:
    from pipeline.db.scores import current_score
    from pipeline.db.session import session_scope

    v2 = upload(api)
    call_id = api.world.calls["a1_flagged"]
    r = api.post(f"{ADMIN}/rubrics/{v2['id']}/rescore", "admin")
    assert r.status_code == 200, r.text
    # a1_flagged is an English inbound call; the outbound and the Turkish one do not fit
    assert r.json() == {"rubric": "inbound_service_en v2.0", "scored": 1, "unscored": 2,
                        "kept_human": 0}
    with session_scope(api.world.url) as session:
        score = current_score(session, call_id)
        assert score is not None and score.rubric.version == "2.0"
        assert score.rubric_id == v2["id"]
    detail = api.get(f"/api/v1/scores/{score.id}", "admin")
    assert detail.status_code == 200
    entries = api.audit("rubric.rescore")
    assert len(entries) == 1 and entries[0]["detail"]["scored"] == 1
    assert entries[0]["user_id"] == api.world.users["admin"]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("name", ["../../evil", "/tmp/x", "absolute"])
def test_rescoring_with_a_rubric_named_like_a_path_writes_no_file(
    api: Api, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored rubric's name is text, never a path: the route hands the flow the stored
    version, so rescoring with one named ``../../evil`` or ``/tmp/x`` writes no file."""
    scratch = tmp_path / "scratch" / "tmp"  # where a temporary folder would be made
    scratch.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    if name == "absolute":
        name = str(tmp_path / "x")
    before = Path(f"{name}.yaml").exists() if name.startswith("/") else False
    text = V2.replace("name: inbound_service_en", f"name: {json.dumps(name)}", 1)
    assert text != V2
    stored = upload(api, text)
    r = api.post(f"{ADMIN}/rubrics/{stored['id']}/rescore", "admin")
    assert r.status_code == 200, r.text
    assert r.json() == {"rubric": f"{name} v2.0", "scored": 1, "unscored": 2, "kept_human": 0}
    assert sorted(p.name for p in tmp_path.rglob("*.yaml")) == []
    assert not (tmp_path / "scratch" / "evil.yaml").exists()  # ../../ from scratch/tmp/<dir>
    if name.startswith("/"):
        assert Path(f"{name}.yaml").exists() == before


def test_admin_routes_are_for_admins_only(api: Api) -> None:
    v2 = upload(api)
    routes = [("GET", "/teams", None), ("POST", "/teams", {"name": "X"}),
              ("GET", "/agents", None), ("POST", "/agents", {"external_id": "A-9"}),
              ("PATCH", "/agents/1", {"name": "x"}), ("GET", "/rubrics", None),
              ("POST", "/rubrics/validate", {"yaml": V2}), ("POST", "/rubrics", {"yaml": V2}),
              ("POST", f"/rubrics/{v2['id']}/activate", None),
              ("POST", f"/rubrics/{v2['id']}/rescore", None)]
    for method, path, body in routes:
        for user in ("sup", "trainer", "agent1"):
            r = api.request(method, f"{ADMIN}{path}", user, json=body)
            assert r.status_code == 403, (method, path, user, r.text)
        r = api.request(method, f"{ADMIN}{path}", None, json=body)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["error"]["code"] == "unauthorized"
    assert api.audit("rubric.activate") == [] and api.audit("team.create") == []


def test_every_admin_route_has_the_admin_tag_and_a_summary(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    ops = [(method, path, op) for path, item in spec["paths"].items()
           if path.startswith(ADMIN) for method, op in item.items()]
    mine = {("get", "/teams"), ("post", "/teams"), ("get", "/agents"), ("post", "/agents"),
            ("patch", "/agents/{agent_id}"), ("get", "/rubrics"), ("post", "/rubrics/validate"),
            ("post", "/rubrics"), ("post", "/rubrics/{rubric_id}/activate"),
            ("post", "/rubrics/{rubric_id}/rescore")}
    assert mine <= {(method, path.removeprefix(ADMIN)) for method, path, _ in ops}
    assert all(op["tags"] == ["admin"] and op.get("summary") for _, _, op in ops)
