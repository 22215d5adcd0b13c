"""The web UI language stored with the user: ``PUT /auth/language`` (audited, validated
against :data:`api.i18n.UI_LANGUAGES`), shown by ``/auth/me`` and the users list, set by
an admin at creation and by ``callqa user add --language``; null follows the browser."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.api.conftest import PASSWORD, Api, seed


def test_a_user_sets_their_language_and_it_is_audited(api: Api) -> None:
    assert api.get("/api/v1/auth/me", "agent1").json()["language"] is None  # the browser's
    r = api.put("/api/v1/auth/language", "agent1", json={"language": "tr"})
    assert r.status_code == 200, r.text
    assert r.json()["language"] == "tr" and r.json()["username"] == "agent1"
    assert api.get("/api/v1/auth/me", "agent1").json()["language"] == "tr"
    # a fresh sign-in finds it too: it is stored with the user, not the token
    token = api.post("/api/v1/auth/login",
                     json={"username": "agent1", "password": PASSWORD}).json()["access_token"]
    me = api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["language"] == "tr"
    listed = {u["username"]: u for u in api.get("/api/v1/users", "admin").json()["data"]}
    assert listed["agent1"]["language"] == "tr" and listed["sup"]["language"] is None

    assert api.put("/api/v1/auth/language", "agent1", json={"language": "EN-gb"}).json()[
        "language"] == "en"
    assert api.put("/api/v1/auth/language", "agent1",
                   json={"language": None}).json()["language"] is None
    entries = [e for e in api.audit("user.language") if e["object_id"] == str(
        api.world.users["agent1"])]
    assert [(e["detail"]["old"], e["detail"]["new"]) for e in entries] == [
        ("en", None), ("tr", "en"), (None, "tr")]  # newest first
    assert all(e["username"] == "agent1" for e in entries)
    # setting the same value again changes nothing and writes no entry
    api.put("/api/v1/auth/language", "agent1", json={"language": None})
    assert len(api.audit("user.language")) == 3


def test_a_language_the_ui_does_not_have_is_refused_with_what_to_use(api: Api) -> None:
    for bad in ("de", "az", "", "türkçe"):
        r = api.put("/api/v1/auth/language", "sup", json={"language": bad})
        assert r.status_code == 422, (bad, r.text)
        error = r.json()["error"]
        assert error["code"] == "ui_language"
        assert "Use one of tr, en" in error["message"], error
    r = api.put("/api/v1/auth/language", "sup", json={"language": "x" * 50})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert api.put("/api/v1/auth/language", json={"language": "tr"}).status_code == 401
    assert api.get("/api/v1/auth/me", "sup").json()["language"] is None
    assert api.audit("user.language") == []


def test_an_admin_creates_a_user_with_a_language(api: Api) -> None:
    body = {"username": "elif", "password": "a long enough secret", "role": "supervisor"}
    made = api.post("/api/v1/users", "admin", json={**body, "language": "tr"})
    assert made.status_code == 201, made.text
    assert made.json()["language"] == "tr"
    (entry,) = api.audit("user.create")
    assert entry["detail"]["language"] == "tr"
    refused = api.post("/api/v1/users", "admin",
                       json={**body, "username": "elif2", "language": "fr"})
    assert refused.status_code == 422 and "no language 'fr'" in refused.json()["error"]["message"]
    plain = api.post("/api/v1/users", "admin", json={**body, "username": "elif3"})
    assert plain.json()["language"] is None


def test_user_add_takes_a_language(callqa_home: Path) -> None:
    from api.cli import app
    from pipeline.settings import get_settings

    url = get_settings().resolved_database_url
    seed(url, callqa_home / "recordings")
    runner = CliRunner()
    added = runner.invoke(app, ["user", "add", "ayse2", "--role", "trainer", "--language", "TR",
                                "--password-stdin"], input="a long enough secret\n")
    assert added.exit_code == 0, added.output
    assert "user ayse2 added (trainer, language tr)" in added.output
    refused = runner.invoke(app, ["user", "add", "x2", "--role", "trainer", "--language", "de",
                                  "--password-stdin"], input="a long enough secret\n")
    assert refused.exit_code == 1 and "no language 'de'" in refused.output, refused.output
    listed = [line.split() for line in runner.invoke(app, ["user", "list"]).output.splitlines()]
    assert ["ayse2", "trainer", "-", "tr", "active"] in listed
    assert ["sup", "supervisor", "-", "-", "active"] in listed
