"""Signed links to a recording for the browser's player (POST /calls/{id}/audio-link):
ranged GETs with the link's token and no bearer header; a link for another call, expired
or tampered with is refused; a play is audited once; the access log never keeps the token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from api.access_log import quiet_target
from tests.api.conftest import Api


def link(api: Api, name: str, user: str = "sup") -> str:
    r = api.post(f"/api/v1/calls/{api.world.calls[name]}/audio-link", user)
    assert r.status_code == 200, r.text
    body = r.json()
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=4) < expires - datetime.now(UTC) <= timedelta(minutes=5)
    return str(body["url"])


def plays(api: Api) -> int:
    return len(api.get("/api/v1/audit", "admin", params={"action": "call.audio"}).json()["data"])


def test_a_link_streams_with_ranges_and_a_play_is_audited_once(api: Api) -> None:
    url = link(api, "a1_flagged")
    assert url.startswith(f"/api/v1/calls/{api.world.calls['a1_flagged']}/audio?access=")
    before = plays(api)
    first = api.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206 and len(first.content) == 100
    assert first.headers["content-range"].startswith("bytes 0-99/")
    later = api.get(url, headers={"Range": "bytes=100-199"})  # the player reads on
    assert later.status_code == 206 and len(later.content) == 100
    assert plays(api) == before + 1
    token = parse_qs(urlsplit(url).query)["access"][0]
    assert token not in quiet_target(url)


def test_another_call_an_expired_or_a_tampered_link_is_refused(api: Api) -> None:
    from pipeline.db.accounts import User
    from pipeline.db.session import session_scope
    from scoring.work.audio_links import audio_link

    url = link(api, "a1_flagged")
    token = parse_qs(urlsplit(url).query)["access"][0]
    other = api.get(f"/api/v1/calls/{api.world.calls['a1_clean']}/audio?access={token}")
    assert other.status_code == 401
    assert "open the call page again" in other.json()["error"]["message"]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert api.get(url.replace(token, tampered)).status_code == 401
    forged = token.replace(f"{api.world.users['sup']}.", f"{api.world.users['admin']}.", 1)
    assert api.get(url.replace(token, forged)).status_code == 401
    assert api.get(url + "&original=true&reason=x").status_code == 401  # not an original link

    with session_scope(api.world.url) as s:
        sup = s.get(User, api.world.users["sup"])
        assert sup is not None
        old = audio_link(api.settings.home, sup, api.world.calls["a1_flagged"],
                         now=datetime.now(UTC) - timedelta(minutes=6))
    expired = api.get(old.url)
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]


def test_a_link_follows_the_audio_rules(api: Api) -> None:
    calls = api.world.calls
    refused = api.post(f"/api/v1/calls/{calls['a2_flagged']}/audio-link", "agent1")
    assert refused.status_code == 404  # not the agent's call
    assert api.post(f"/api/v1/calls/{calls['a1_flagged']}/audio-link").status_code == 401
    original = api.post(f"/api/v1/calls/{calls['a1_flagged']}/audio-link", "sup",
                        params={"original": "true", "reason": "dispute"})
    assert original.status_code == 403  # the original is for admins
    ok = api.post(f"/api/v1/calls/{calls['a1_flagged']}/audio-link", "admin",
                  params={"original": "true", "reason": "a dispute about the card"})
    url = ok.json()["url"]
    assert "original=true" in url
    assert api.get(url, headers={"Range": "bytes=0-9"}).status_code == 206
    assert api.get(url.replace("card", "cart")).status_code == 401  # the reason is signed
