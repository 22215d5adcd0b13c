"""Team scoping (CALLQA_TEAM_SCOPING): a supervisor or trainer of team Billing sees
Billing's calls only, through every route that lists or reads calls, and a Sales call
answers 404 exactly like a missing one; with scoping off they see both teams; admins see
every call; a call with no team is for admins (and unscoped users) only. Admins set a
user's teams through the API and the CLI. On SQLite and PostgreSQL.

The world (tests/api/conftest.py): a1_flagged and a1_clean are Billing's (agent A-1),
a2_flagged is Sales' (A-2) with the open dispute and sup2's open review; clips of
a1_flagged and a2_flagged. Here sup and trainer work in Billing, sup2 in Sales."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, seed, write_wav

TEAMS = {"sup": ["Billing"], "trainer": ["Billing"], "sup2": ["Sales"]}


@dataclass
class Both:
    on: Api  # CALLQA_TEAM_SCOPING=true
    off: Api  # CALLQA_TEAM_SCOPING=false, the same database


def _give_teams(url: str, teams: dict[str, list[str]]) -> dict[str, int]:
    from sqlalchemy import insert, select

    from pipeline.db.accounts import User, user_teams
    from pipeline.db.models import Team
    from pipeline.db.session import session_scope

    with session_scope(url) as s:
        ids = dict(s.execute(select(Team.name, Team.id)).tuples().all())
        for username, names in teams.items():
            user_id = s.scalar(select(User.id).where(User.username == username))
            for name in names:
                s.execute(insert(user_teams).values(user_id=user_id, team_id=ids[name]))
    return ids


@pytest.fixture
def both(both_db_url: str, callqa_home: Path) -> Iterator[Both]:
    from api.app import create_app
    from pipeline.settings import Settings

    world = seed(both_db_url, callqa_home / "recordings")
    write_wav(callqa_home / "recordings" / "2026" / "a2_flagged.wav")  # Sales' is heard too
    _give_teams(both_db_url, TEAMS)

    def settings(scoping: bool) -> Settings:
        return Settings(home=callqa_home, database_url=both_db_url, team_scoping=scoping)

    on, off = settings(True), settings(False)
    with TestClient(create_app(on)) as a, TestClient(create_app(off)) as b:
        yield Both(Api(a, world, on), Api(b, world, off))


def _call_ids(api: Api, user: str, path: str = "/api/v1/calls", **params: Any) -> set[str]:
    r = api.get(path, user, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(body["data"]), body
    return {row["id"] for row in body["data"]}


def _names(both: Both, *names: str) -> set[str]:
    return {both.on.world.calls[n] for n in names}


def _missing(r: Any) -> None:
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "not_found"
    assert "Mark Evans" not in r.text and "a2-flagged" not in r.text


def test_call_list_and_search_show_a_supervisor_and_trainer_their_teams_calls(
    both: Both,
) -> None:
    billing, every = _names(both, "a1_flagged", "a1_clean"), set(both.on.world.calls.values())
    for user in ("sup", "trainer"):
        assert _call_ids(both.on, user) == billing, user
        assert _call_ids(both.off, user) == every, user
        # filters and transcript words cannot reach the other team's call
        for params in ({"team": "Sales"}, {"agent": "A-2"}, {"q": "a2-flagged"},
                       {"flag": "low_score"}):
            assert _call_ids(both.on, user, **params) == set(), (user, params)
            assert _call_ids(both.off, user, **params) == _names(both, "a2_flagged"), params
    assert _call_ids(both.on, "sup2") == _names(both, "a2_flagged")
    assert _call_ids(both.on, "admin") == every
    assert _call_ids(both.on, "agent1") == billing  # agents: unchanged


def test_call_detail_audio_and_scorecards_of_another_team_answer_404(both: Both) -> None:
    w = both.on.world
    theirs, mine = w.calls["a2_flagged"], w.calls["a1_flagged"]
    for user in ("sup", "trainer"):
        _missing(both.on.get(f"/api/v1/calls/{theirs}", user))
        _missing(both.on.get(f"/api/v1/calls/{theirs}/audio", user))
        _missing(both.on.get(f"/api/v1/scores/{w.scores['a2_flagged']}", user))
        _missing(both.on.get("/api/v1/scores", user, params={"call_id": theirs}))
        assert both.on.get(f"/api/v1/calls/{mine}", user).status_code == 200
        assert both.on.get(f"/api/v1/calls/{mine}/audio", user).status_code == 200
        assert both.off.get(f"/api/v1/calls/{theirs}", user).json()["agent"] == "A-2"
        assert both.off.get(f"/api/v1/calls/{theirs}/audio", user).status_code == 200
        assert both.off.get(f"/api/v1/scores/{w.scores['a2_flagged']}",
                            user).status_code == 200
    _missing(both.on.get(f"/api/v1/calls/{theirs}", "sup", params={"original": "true"}))
    assert both.on.get(f"/api/v1/calls/{theirs}", "admin").status_code == 200


def test_the_review_queue_reviews_and_disputes_are_the_teams_own(both: Both) -> None:
    w = both.on.world
    review, dispute = w.reviews["a2_flagged"], w.disputes["a2_flagged"]
    queue = "/api/v1/review-queue"
    assert _call_ids(both.on, "sup", queue) == _names(both, "a1_flagged")
    assert _call_ids(both.off, "sup", queue) == _names(both, "a1_flagged", "a2_flagged")
    assert _call_ids(both.on, "sup2", queue) == _names(both, "a2_flagged")
    assert _call_ids(both.on, "sup", queue, team="Sales") == set()

    for path in ("/api/v1/reviews", "/api/v1/disputes"):
        assert both.on.get(path, "sup").json() == {"data": [], "count": 0}, path
        assert both.off.get(path, "sup").json()["count"] == 1, path
        assert both.on.get(path, "sup2").json()["count"] == 1, path
    for path in (f"/api/v1/reviews/{review}", f"/api/v1/reviews/{review}/diff",
                 f"/api/v1/disputes/{dispute}"):
        _missing(both.on.get(path, "sup"))
        assert both.off.get(path, "sup").status_code == 200, path
        assert both.on.get(path, "sup2").status_code == 200, path
    _missing(both.on.post(f"/api/v1/disputes/{dispute}/decision", "sup",
                          json={"decision": "rejected", "comment": "not my team"}))
    _missing(both.on.post("/api/v1/reviews", "sup", json={"call_id": w.calls["a2_flagged"]}))
    assert both.on.post("/api/v1/reviews", "sup",
                        json={"call_id": w.calls["a1_flagged"]}).status_code == 201


def test_a_reviewer_moved_off_the_team_cannot_go_on_with_its_review(both: Both) -> None:
    w = both.on.world
    review, result = w.reviews["a2_flagged"], w.results["a2_flagged"]["empathy"]
    billing = next(t["id"] for t in both.on.get("/api/v1/admin/teams", "admin").json()["data"]
                   if t["name"] == "Billing")
    moved = both.on.patch(f"/api/v1/users/{w.users['sup2']}", "admin",
                          json={"team_ids": [billing]})
    assert moved.status_code == 200, moved.text
    verdict = {"verdict": "pass", "comment": "fine after all"}
    _missing(both.on.put(f"/api/v1/reviews/{review}/criteria/{result}", "sup2", json=verdict))
    _missing(both.on.post(f"/api/v1/reviews/{review}/close", "sup2", json={}))
    assert both.off.put(f"/api/v1/reviews/{review}/criteria/{result}", "sup2",
                        json=verdict).status_code == 200


def test_clips_of_another_teams_calls_are_hidden(both: Both) -> None:
    w = both.on.world
    theirs = w.clips["a2_flagged"]
    for user in ("sup", "trainer"):
        listed = both.on.get("/api/v1/clips", user).json()
        assert [c["call_id"] for c in listed["data"]] == [w.calls["a1_flagged"]], user
        assert listed["count"] == 1
        assert both.off.get("/api/v1/clips", user).json()["count"] == 2
        for path in (f"/api/v1/clips/{theirs}", f"/api/v1/clips/{theirs}/audio"):
            _missing(both.on.get(path, user))
        assert both.off.get(f"/api/v1/clips/{theirs}", user).status_code == 200
        assert both.off.get(f"/api/v1/clips/{theirs}/audio", user).status_code == 200
    _missing(both.on.post("/api/v1/clips", "trainer", json={
        "call_id": w.calls["a2_flagged"], "start": 0, "end": 2, "tag": "t"}))
    _missing(both.on.delete(f"/api/v1/clips/{theirs}", "trainer"))
    assert both.on.get(f"/api/v1/clips/{theirs}", "admin").status_code == 200


def _summary(api: Api, user: str, **params: Any) -> dict[str | None, int]:
    r = api.get("/api/v1/dashboards/summary", user, params={"group_by": "team", **params})
    assert r.status_code == 200, r.text
    return {row["group"]: row["calls"] for row in r.json()["data"]}


@pytest.mark.parametrize("bounds", [
    {},  # whole days: served from the rollups
    {"date_from": "2026-11-01T06:30:00Z"},  # inside a day: from the calls
])
def test_dashboards_count_only_the_teams_calls(both: Both, bounds: dict[str, str]) -> None:
    for user in ("sup", "trainer"):
        assert _summary(both.on, user, **bounds) == {"Billing": 2}, user
        assert _summary(both.off, user, **bounds) == {"Billing": 2, "Sales": 1}, user
        assert _summary(both.on, user, team="Sales", **bounds) == {}
    assert _summary(both.on, "sup2", **bounds) == {"Sales": 1}
    assert _summary(both.on, "admin", **bounds) == {"Billing": 2, "Sales": 1}


def test_the_dashboard_csv_holds_only_the_teams_rows(both: Both) -> None:
    def groups(api: Api) -> list[str]:
        r = api.get("/api/v1/dashboards/summary.csv", "sup", params={"group_by": "team"})
        assert r.status_code == 200, r.text
        return [row["group"] for row in csv.DictReader(io.StringIO(r.text))]

    assert groups(both.on) == ["Billing"]
    assert groups(both.off) == ["Billing", "Sales"]


def test_every_route_with_an_id_hides_another_teams_objects(both: Both) -> None:
    import re

    from tests.api.test_api_auth import api_operations
    from tests.api.test_api_scope import _ids

    answered: dict[str, tuple[int, int]] = {}
    for method, path in api_operations():
        if not re.findall(r"{(\w+)}", path) or method != "GET":
            continue  # writes are checked one by one above
        theirs = path.format(**_ids(both.on, "a2_flagged"))
        other = both.on.request(method, theirs, "sup")
        unscoped = both.off.request(method, theirs, "sup")
        answered[path] = (other.status_code, unscoped.status_code)
        if unscoped.status_code < 400:  # the supervisor may use it: the scope hides it
            _missing(other)
        else:
            assert other.status_code == unscoped.status_code, (path, other.text)
    hidden = {p for p, (_, unscoped) in answered.items() if unscoped < 400}
    assert hidden >= {
        "/api/v1/calls/{call_id}", "/api/v1/calls/{call_id}/audio",
        "/api/v1/scores/{score_id}", "/api/v1/clips/{clip_id}",
        "/api/v1/clips/{clip_id}/audio", "/api/v1/disputes/{dispute_id}",
        "/api/v1/reviews/{review_id}", "/api/v1/reviews/{review_id}/diff",
    }, answered


def test_a_call_without_a_team_is_for_admins_and_unscoped_users(both: Both) -> None:
    from sqlalchemy import update

    from pipeline.db.models import Call
    from pipeline.db.session import session_scope

    w = both.on.world
    loose = w.calls["a1_clean"]
    with session_scope(w.url) as s:
        s.execute(update(Call).where(Call.id == loose).values(team_id=None))
    assert loose not in _call_ids(both.on, "sup")
    _missing(both.on.get(f"/api/v1/calls/{loose}", "sup"))
    assert loose in _call_ids(both.on, "admin")
    assert loose in _call_ids(both.off, "sup")
    assert both.on.get(f"/api/v1/calls/{loose}", "agent1").status_code == 200


def test_a_supervisor_with_no_team_sees_no_call(both: Both) -> None:
    from sqlalchemy import delete, select

    from pipeline.db.accounts import User, user_teams
    from pipeline.db.session import session_scope

    with session_scope(both.on.world.url) as s:
        sup = s.scalar(select(User.id).where(User.username == "sup"))
        s.execute(delete(user_teams).where(user_teams.c.user_id == sup))
    assert _call_ids(both.on, "sup") == set()
    assert _call_ids(both.on, "sup", "/api/v1/review-queue") == set()
    assert _summary(both.on, "sup") == {}
    assert len(_call_ids(both.off, "sup")) == 3


def test_production_scopes_by_default_and_development_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.settings import Settings, get_settings

    pg = "postgresql+psycopg://callqa@db/callqa"
    assert Settings(environment="production", database_url=pg).resolved_team_scoping
    assert not Settings(environment="development").resolved_team_scoping
    assert not Settings(environment="production", database_url=pg,
                        team_scoping=False).resolved_team_scoping
    assert Settings(environment="development", team_scoping=True).resolved_team_scoping
    monkeypatch.setenv("CALLQA_TEAM_SCOPING", "true")
    get_settings.cache_clear()  # type: ignore[attr-defined]
    try:
        assert get_settings().resolved_team_scoping
    finally:
        get_settings.cache_clear()  # type: ignore[attr-defined]


def test_an_admin_sets_a_users_teams_through_the_api(both: Both) -> None:
    api = both.on
    teams = {t["name"]: t["id"] for t in api.get("/api/v1/admin/teams", "admin").json()["data"]}
    made = api.post("/api/v1/users", "admin", json={
        "username": "deniz", "password": "a long enough secret", "role": "supervisor",
        "team_ids": [teams["Sales"]]})
    assert made.status_code == 201, made.text
    assert made.json()["teams"] == [{"id": teams["Sales"], "name": "Sales"}]
    user_id = made.json()["id"]
    token = api.post("/api/v1/auth/login", json={"username": "deniz",
                                                 "password": "a long enough secret"})
    api.world.tokens["deniz"] = token.json()["access_token"]
    assert _call_ids(api, "deniz") == _names(both, "a2_flagged")

    changed = api.patch(f"/api/v1/users/{user_id}", "admin",
                        json={"team_ids": [teams["Billing"], teams["Sales"]]})
    assert [t["name"] for t in changed.json()["teams"]] == ["Billing", "Sales"]
    assert len(_call_ids(api, "deniz")) == 3
    kept = api.patch(f"/api/v1/users/{user_id}", "admin", json={"full_name": "Deniz"})
    assert len(kept.json()["teams"]) == 2  # left out: the teams stay
    assert api.patch(f"/api/v1/users/{user_id}", "admin",
                     json={"team_ids": []}).json()["teams"] == []
    assert _call_ids(api, "deniz") == set()
    listed = api.get("/api/v1/users", "admin").json()["data"]
    assert {u["username"]: [t["name"] for t in u["teams"]] for u in listed}["sup"] == ["Billing"]

    audited = api.audit("user.teams")
    assert [(e["detail"]["from"], e["detail"]["to"]) for e in reversed(audited)] == [
        ([], [teams["Sales"]]), ([teams["Sales"]], sorted(teams.values())),
        (sorted(teams.values()), [])]

    unknown = api.post("/api/v1/users", "admin", json={
        "username": "ghost", "password": "a long enough secret", "role": "trainer",
        "team_ids": [10**6]})
    assert unknown.status_code == 404 and "no team 1000000" in unknown.json()["error"]["message"]
    names = [u["username"] for u in api.get("/api/v1/users", "admin").json()["data"]]
    assert "ghost" not in names  # refused before the user was made
    assert api.patch(f"/api/v1/users/{user_id}", "sup",
                     json={"team_ids": [teams["Sales"]]}).status_code == 403


def test_callqa_user_add_and_teams_set_a_users_teams(callqa_home: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from pipeline.settings import get_settings

    seed(get_settings().resolved_database_url, callqa_home / "recordings")
    runner = CliRunner()
    added = runner.invoke(app, ["user", "add", "deniz", "--role", "supervisor", "--team",
                                "Sales", "--password-stdin"], input="a long enough secret\n")
    assert added.exit_code == 0, added.output
    assert "user deniz added (supervisor, teams Sales)" in added.output
    both_teams = runner.invoke(app, ["user", "teams", "deniz", "--team", "Billing",
                                     "--team", "Sales"])
    assert both_teams.exit_code == 0, both_teams.output
    assert "user deniz: teams Billing,Sales" in both_teams.output
    listed = runner.invoke(app, ["user", "list"])
    line = next(x for x in listed.output.splitlines() if x.startswith("deniz"))
    assert line.endswith("Billing, Sales") and len(line) <= 80
    bad = runner.invoke(app, ["user", "add", "ghost", "--role", "trainer", "--team", "Nope",
                              "--password-stdin"], input="a long enough secret\n")
    assert bad.exit_code == 1 and "no team named 'Nope'" in bad.output
    assert "ghost" not in runner.invoke(app, ["user", "list"]).output


def test_the_queue_choices_are_the_calls_in_sight(both: Both) -> None:
    """The queue page's filters offer only what the calls a person may see have."""
    path = "/api/v1/review-queue/choices"
    mine = both.on.get(path, "sup").json()
    assert mine["teams"] == ["Billing"]
    assert mine["agents"] == [{"external_id": "A-1", "name": "Ayşe Yılmaz"}]
    every = both.off.get(path, "sup").json()
    assert every["teams"] == ["Billing", "Sales"]
    assert {a["external_id"]: a["name"] for a in every["agents"]} == {
        "A-1": "Ayşe Yılmaz", "A-2": "Mark Evans"}
    assert {"legal_threat", "low_score"} <= set(every["flags"])
    assert "low_score" not in mine["flags"]  # only the other team's call has it
    assert set(every["languages"]) >= {"en", "tr"}
    assert both.on.get(path, "agent1").status_code == 403


def test_the_queue_sorts_by_a_column(both: Both) -> None:
    def order(sort: str) -> list[float]:
        r = both.off.get("/api/v1/review-queue", "sup", params={"sort": sort})
        assert r.status_code == 200, r.text
        return [row["score"] for row in r.json()["data"]]

    assert order("score") == sorted(order("score"))
    assert order("-score") == sorted(order("score"), reverse=True)
    assert order("-priority")[0] == 44.4  # the legal threat (90) before the low score (50)
    bad = both.off.get("/api/v1/review-queue", "sup", params={"sort": "password"})
    assert bad.status_code == 422
