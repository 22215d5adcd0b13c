"""The trainers' and agents' web pages in a real browser (Debian's chromium via Playwright,
the app on uvicorn, the seeded database; fixtures shared with test_web_ui.py): a trainer
searches, saves a clip and plays it from the library; an agent reads their own scorecards,
acknowledges one and disputes a criterion of another, which lands in the supervisors' review
queue."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import test_web_ui as harness
from tests.api.conftest import PASSWORD, World

# the fixtures of test_web_ui.py: uvicorn on the seeded database, chromium, screenshots
artifacts, live, page = harness.artifacts, harness.live, harness.page


def sign_in(tab: Any, base: str, username: str) -> list[str]:
    """Sign in; returns the list that collects console errors and failed requests."""
    console: list[str] = []
    tab.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    tab.on("response", lambda res: console.append(f"{res.status} {res.url}")
           if res.status >= 400 else None)
    tab.goto(base + "/")
    tab.fill("#login-form input[name=username]", username)
    tab.fill("#login-form input[name=password]", PASSWORD)
    tab.click("#login-form button[type=submit]")
    return console


@pytest.mark.slow
def test_trainer_searches_saves_a_clip_and_plays_it(live: tuple[str, World], page: Any,
                                                     artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    flagged = world.calls["a1_flagged"]
    console = sign_in(page, base, "trainer")

    # trainers land on the search; transcript words find the one call
    expect(page.locator("#search-form")).to_be_visible()
    expect(page.locator("#nav-library")).to_be_visible()
    expect(page.locator("#nav-queue")).to_have_count(0)
    # the first page of every call has come (else it could land after the search's own)
    expect(page.locator("#search-results tbody tr")).to_have_count(3)
    page.fill("#search-form input[name=q]", "a1-flagged")
    page.click("#search-form button[type=submit]")
    rows = page.locator("#search-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-call-id", flagged)
    page.select_option("#search-form select[name=verdict]", "fail")
    page.fill("#search-form input[name=criterion]", "greeting")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-empty")).to_be_visible()  # a1_flagged passed its greeting
    page.click("#search-form button[type=reset]")
    expect(page.locator("#search-results tbody tr")).to_have_count(3)
    page.fill("#search-form input[name=q]", "a1-flagged")
    page.click("#search-form button[type=submit]")
    expect(rows).to_have_count(1)
    page.screenshot(path=str(artifacts / "trainer-search.png"), full_page=True)

    # the call page: no review panel, a clip form; a clicked turn fills the span
    rows.first.click()
    expect(page.locator("#clip-form")).to_be_visible()
    expect(page.locator("#start-review")).to_have_count(0)
    harness.wait_until(page, "document.getElementById('player').readyState >= 1")
    page.locator("#transcript li.turn").nth(1).click()  # 3.5–8.0 s, with the card number
    expect(page.locator("#clip-form input[name=start]")).to_have_value("3.5")
    expect(page.locator("#clip-form input[name=end]")).to_have_value("8")
    page.fill("#clip-form input[name=tag]", "bad practice")
    page.select_option("#clip-form select[name=criterion_id]", "empathy")
    page.fill("#clip-form textarea[name=note]", "No empathy for the angry customer.")
    page.click("#clip-form button[type=submit]")
    expect(page.locator("#clip-saved")).to_contain_text("Saved clip")
    page.screenshot(path=str(artifacts / "trainer-clip.png"), full_page=True)

    # the library: filter by tag, the redacted transcript, play it, download it
    page.click("#nav-library")
    expect(page.locator("#clip-list li.clip")).to_have_count(3)  # two seeded + ours
    page.fill("#library-filters input[name=tag]", "bad practice")
    page.click("#library-filters button[type=submit]")
    clips = page.locator("#clip-list li.clip")
    expect(clips).to_have_count(1)
    clip = clips.first
    expect(clip).to_contain_text("empathy")
    expect(clip).to_contain_text("No empathy for the angry customer.")
    expect(clip.locator(".clip-transcript")).to_contain_text("[CARD]")
    expect(clip.locator(".clip-transcript")).not_to_contain_text("4111")
    clip.locator("button.play-clip").click()
    player = clip.locator("audio.clip-player")
    expect(player).to_be_visible()
    player.evaluate("a => new Promise(ok => a.readyState >= 1 ? ok()"
                    " : a.addEventListener('loadedmetadata', ok))")
    assert abs(player.evaluate("a => a.duration") - 4.5) < 0.3
    with page.expect_download() as info:
        clip.locator("button.download-clip").click()
    saved = artifacts / "clip-download.wav"
    info.value.save_as(saved)
    assert saved.read_bytes()[:4] == b"RIFF"
    page.screenshot(path=str(artifacts / "trainer-library.png"), full_page=True)

    # the API has the clip
    with httpx.Client(base_url=base + "/api/v1", headers=world.auth("trainer")) as api:
        (found,) = api.get("/clips", params={"tag": "bad practice"}).json()["data"]
        assert found["call_id"] == flagged and found["criterion_id"] == "empathy"
        assert (found["start"], found["end"]) == (3.5, 8.0)
        assert found["created_by"] == world.users["trainer"]
    assert not console, f"console errors: {console}"


@pytest.mark.slow
def test_agent_reads_acknowledges_and_disputes(live: tuple[str, World], page: Any,
                                               artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    flagged, clean = world.calls["a1_flagged"], world.calls["a1_clean"]
    shutil.copy(world.store / "2026" / "a1_flagged.wav", world.store / "2026" / "a1_clean.wav")
    console = sign_in(page, base, "agent1")

    # agents land on their own scorecards, newest first, never another agent's call
    rows = page.locator("#my-scorecards tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-call-id", clean)
    expect(rows.nth(1)).to_have_attribute("data-call-id", flagged)
    other = world.calls["a2_flagged"]
    expect(page.locator(f"#my-scorecards tr[data-call-id='{other}']")).to_have_count(0)
    expect(page.locator("#nav-queue")).to_have_count(0)
    assert page.locator("#trend-chart circle.mine").count() >= 1
    assert page.locator("#trend-chart polyline.team, #trend-chart circle.team").count() >= 1
    page.screenshot(path=str(artifacts / "agent-me.png"), full_page=True)

    # acknowledge the flagged call's scorecard; the evidence still seeks the recording
    rows.nth(1).click()
    expect(page.locator("#agent-actions")).to_be_visible()
    expect(page.locator("#start-review")).to_have_count(0)
    expect(page.locator("#clip-form")).to_have_count(0)
    harness.wait_until(page, "document.getElementById('player').readyState >= 1")
    page.locator("#scorecard button.seek").first.click()
    harness.wait_until(page, "Math.abs(document.getElementById('player').currentTime - 1) < 0.5")
    page.click("#acknowledge")
    expect(page.locator("#agent-status")).to_contain_text("Acknowledged")
    expect(page.locator("#acknowledge")).to_be_disabled()

    # dispute the clean call's scorecard; a reason is required
    page.goto(base + "/#/me")
    expect(rows.nth(1).locator(".status")).to_contain_text("acknowledged")
    rows.nth(0).click()
    page.click("#dispute")
    page.click("#dispute-form button[type=submit]")  # empty reason: the browser refuses
    expect(page.locator("#agent-status")).not_to_contain_text("Dispute")
    page.fill("#dispute-form textarea[name=reason]", "The customer thanked me; empathy was there.")
    page.click("#dispute-form button[type=submit]")  # no criterion ticked: a sentence says so
    expect(page.locator("#dispute-form .error")).to_contain_text("at least one criterion")
    page.check("#dispute-form input[data-criterion=empathy]")
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#agent-status")).to_contain_text("Dispute open")
    expect(page.locator("#dispute")).to_be_disabled()
    page.screenshot(path=str(artifacts / "agent-dispute.png"), full_page=True)
    page.goto(base + "/#/me")
    expect(rows.nth(0).locator(".status")).to_contain_text("dispute open")

    with httpx.Client(base_url=base + "/api/v1") as api:
        mine = api.get("/disputes", params={"status": "open"}, headers=world.auth("agent1")).json()
        (dispute,) = mine["data"]
        assert dispute["call_id"] == clean and dispute["score_id"] == world.scores["a1_clean"]
        assert dispute["reason"] == "The customer thanked me; empathy was there."
        assert [c["criterion_id"] for c in dispute["criteria"]] == ["empathy"]
        queue = api.get("/review-queue", headers=world.auth("sup")).json()["data"]
        item = {q["id"]: q for q in queue}[clean]
        assert item["disputed"] is True
    assert not console, f"console errors: {console}"
