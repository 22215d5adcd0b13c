"""The call page a busy supervisor works from, in a real browser (Chromium; the fixtures
of test_web_ui.py), at 1366 px and on a 390 px phone, in English and Turkish: the pass
mark beside the total; the auto-fail badge only on an auto-fail criterion that failed; an
undiarised call says so and shows n/a, never 0, for per-party figures; a failed call shows
its stored error and what to do instead of an empty scorecard; the player streams the
recording with Range requests and stays on screen while the page scrolls; the transcript
follows playback unless the person just scrolled it; the words a verdict quotes are
marked, and an evidence item shows its turn. axe-core finds no serious or critical
violation and nothing scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api import test_web_ui as harness
from tests.api.a11y import DESKTOP, LOADING, PHONE, serious_violations, sideways_overflow
from tests.api.conftest import World, write_wav
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page
ERROR = "the recording is not audio: ffmpeg found no stream in 2026/a2_flagged.wav"
PLAYER = "document.getElementById('player')"


def prepare(world: World) -> None:
    """a1_clean: not diarised, its auto-fail criterion failed; a2_flagged: failed. Both
    get a recording (seeded without one)."""
    from sqlalchemy import update

    from pipeline.db.models import Call, CriterionResultRecord
    from pipeline.db.reasons import save_reasons
    from pipeline.db.session import session_scope

    for name in ("a1_clean", "a2_flagged"):
        write_wav(world.store / "2026" / f"{name}.wav")
    with session_scope(world.url) as s:
        s.execute(update(Call).where(Call.id == world.calls["a1_clean"])
                  .values(diarization="none", channels=1))
        s.execute(update(CriterionResultRecord).where(
            CriterionResultRecord.id == world.results["a1_clean"]["recording_disclosure"])
            .values(verdict="fail", points=0))
        s.execute(update(Call).where(Call.id == world.calls["a2_flagged"])
                  .values(status="failed", error=ERROR))
        save_reasons(s, world.calls["a1_flagged"], {
            "taxonomy": "contact_reasons", "version": "1.0", "hash": "h", "product": "card",
            "reasons": [{"code": "billing.high_bill", "category": "billing",
                         "subcategory": "high_bill", "confidence": 0.94, "complaint": True,
                         "hits": [{"rule": "phrase rule (line 52)", "explanation": "said",
                                   "evidence": [{"quote": "My card is [CARD]", "start": 3.5,
                                                 "end": 8.0}]},
                                  {"rule": "metadata rule (line 55)",
                                   "explanation": "metadata category is billing",
                                   "evidence": []}]}]})


def visit(page: Any, base: str, name: str) -> None:
    """Open a call page and wait until it has drawn (a11y.visit waits for the network to
    go idle, which a media element's request may never let it)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/#/{name}")
    expect(page.locator("#scorecard, #call-failed")).to_have_count(1)
    expect(page.locator("#view").get_by_text(LOADING)).to_have_count(0)


def checked(page: Any, where: str, found: list[str]) -> None:
    found += [f"{where}: {v}" for v in serious_violations(page)]
    if (wider := sideways_overflow(page)) > 0:
        found.append(f"{where}: {wider}px wider than the window")


def in_view(page: Any, selector: str) -> dict[str, float]:
    return page.evaluate(f"""(() => {{
        const r = document.querySelector({selector!r}).getBoundingClientRect();
        return {{top: r.top, bottom: r.bottom, height: innerHeight, scrolled: scrollY}};
    }})()""")


@pytest.mark.slow
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_the_call_page_for_a_supervisor_and_an_agent(
    live: tuple[str, World], page: Any, artifacts: Path, size: dict[str, int],
) -> None:
    from playwright.sync_api import expect

    base, world = live
    prepare(world)
    page.set_viewport_size(size)
    found: list[str] = []
    console = sign_in(page, base, "sup")
    expect(page.locator("#queue-table")).to_be_visible()
    streamed: list[tuple[int, str | None]] = []  # the recording's answers: status, Range
    page.on("response", lambda r: streamed.append((r.status, r.request.headers.get("range")))
            if "/audio?access=" in r.url else None)

    # a1_flagged (44.4): below the rubric's pass mark (its low_score threshold, 70); its
    # auto-fail criterion passed: no badge; criteria by title, in the reader's language
    visit(page, base, f"calls/{world.calls['a1_flagged']}")
    head = page.locator("#scorecard h2")
    expect(head.locator(".pass-mark")).to_have_text("pass mark 70: below it")
    expect(head.locator(".pass-mark")).to_have_class("pass-mark below")
    expect(page.locator("#scorecard .badge.fail")).to_have_count(0)
    greeting = page.locator("#scorecard tr[data-criterion=greeting]")
    expect(greeting.locator(".criterion-title")).to_have_text(
        "Greets with the company and their own name")
    expect(greeting.locator("td").nth(2)).not_to_contain_text("greeting:")  # no "greeting: pass"
    expect(page.locator("#undiarised")).to_have_count(0)
    expect(page.locator("#metrics dd[data-metric=talk_ratio_agent]")).to_have_text("0.62")
    # why the customer called: the reason by title, its confidence, a quote to play from
    reason = page.locator("#reasons li[data-code='billing.high_bill']")
    expect(reason.locator("b")).to_have_text("Billing: Bill higher than expected")
    expect(reason).to_contain_text("confidence 94%")
    expect(reason.locator(".badge.complaint")).to_have_text("complaint")
    expect(reason.locator("button.seek")).to_have_text("▶ 0:03 “My card is [CARD]”")
    expect(reason).to_contain_text("metadata category is billing")
    expect(page.locator("#call-product")).to_have_text("Product: Bank card")

    # the quoted words are marked in their turn; an evidence item shows that turn
    first = page.locator("#transcript li.turn").first
    expect(first.locator("mark")).to_have_text("Thank you for calling")
    expect(page.locator("#transcript mark")).to_have_count(1)
    harness.wait_until(page, f"{PLAYER}.readyState >= 1")
    # streamed from a signed link with Range requests, not a blob fetched whole first
    src = page.evaluate(f"{PLAYER}.currentSrc")
    assert "/audio?access=" in src and not src.startswith("blob:"), src
    assert any(status == 206 and (rng or "").startswith("bytes=")
               for status, rng in streamed), streamed
    greeting.locator("button.seek").click()
    expect(first).to_have_class("turn agent sent-positive evidence-focus")
    box = in_view(page, "#transcript li.turn")
    assert box["top"] >= 0 and box["bottom"] <= box["height"], box
    checked(page, f"{size['width']}px call", found)

    # the player stays on screen with the page scrolled to its end
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    player = in_view(page, "section.player")
    assert player["scrolled"] > 100, "the page is too short to scroll: nothing was checked"
    assert player["top"] >= 0 and player["bottom"] <= player["height"], player

    # the transcript follows playback, unless the person scrolled it a moment ago
    page.evaluate("document.getElementById('transcript').style.maxHeight = '70px'")
    page.evaluate(f"{PLAYER}.currentTime = 21")  # the third turn
    harness.wait_until(page, "document.getElementById('transcript').scrollTop > 0")
    page.evaluate(f"{PLAYER}.currentTime = 15")  # nobody speaks
    page.dispatch_event("#transcript", "wheel")
    page.evaluate("document.getElementById('transcript').scrollTop = 0")
    page.evaluate(f"{PLAYER}.currentTime = 21")
    harness.wait_until(page, "document.querySelector('#transcript li.playing') !== null")
    assert page.evaluate("document.getElementById('transcript').scrollTop") == 0

    # a1_clean: not diarised (n/a, never 0, for per-party figures); its failed auto-fail
    # criterion has the badge, the passed ones none; 100 passes the mark
    visit(page, base, f"calls/{world.calls['a1_clean']}")
    expect(page.locator("#undiarised")).to_have_text(
        "Mono recording, not diarised: per-party figures are n/a.")
    for metric in ("talk_agent", "talk_customer", "talk_ratio_agent", "interruptions_agent",
                   "wpm_agent", "wpm_customer"):
        expect(page.locator(f"#metrics dd[data-metric={metric}]")).to_have_text("n/a")
    expect(page.locator("#metrics dd[data-metric=silence_pct]")).to_have_text("60%")
    expect(page.locator("#scorecard .pass-mark")).to_have_text("pass mark 70: passed")
    badges = page.locator("#scorecard tr.criterion .badge.fail")
    expect(badges).to_have_count(1)
    expect(page.locator("#scorecard tr[data-criterion=recording_disclosure] .badge.fail")
           ).to_have_text("auto-fail")
    checked(page, f"{size['width']}px undiarised", found)

    # a2_flagged failed: its error and what to do, no scorecard
    visit(page, base, f"calls/{world.calls['a2_flagged']}")
    failed = page.locator("#call-failed")
    expect(failed).to_contain_text(ERROR)
    expect(failed.locator("code")).to_have_text("callqa process --force 2026/a2_flagged.wav")
    expect(page.locator("#scorecard")).to_have_count(0)
    assert "null" not in page.locator("#view").inner_text()
    checked(page, f"{size['width']}px failed", found)
    page.screenshot(path=str(artifacts / f"call-failed-{size['width']}.png"), full_page=True)

    # in Turkish
    page.click("#lang-tr")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(failed.locator("h2")).to_have_text("Bu görüşmenin işlenmesi başarısız oldu")
    visit(page, base, f"calls/{world.calls['a1_clean']}")
    expect(page.locator("#metrics dd[data-metric=wpm_agent]")).to_have_text("yok")
    expect(page.locator("#scorecard .pass-mark")).to_have_text("geçme notu 70: geçti")
    expect(page.locator("#scorecard tr[data-criterion=recording_disclosure] .badge.fail")
           ).to_have_count(1)
    checked(page, f"tr {size['width']}px undiarised", found)
    page.click("#lang-en")
    expect(page.locator("#scorecard .pass-mark")).to_have_text("pass mark 70: passed")
    page.wait_for_load_state("networkidle")

    # the agent on their own undiarised call
    page.click("#logout")
    expect(page.locator("#login-form")).to_be_visible()
    console += sign_in(page, base, "agent1")
    expect(page.locator("#my-scorecards")).to_be_visible()
    visit(page, base, f"calls/{world.calls['a1_clean']}")
    expect(page.locator("#metrics dd[data-metric=talk_agent]")).to_have_text("n/a")
    expect(page.locator("#scorecard .badge.fail")).to_have_count(1)
    checked(page, f"agent {size['width']}px", found)
    page.screenshot(path=str(artifacts / f"call-page-{size['width']}.png"), full_page=True)

    assert not found, "\n".join(found)
    assert not console, f"console errors: {console}"


@pytest.mark.slow
def test_a_slow_recording_plays_before_it_has_all_come_and_shows_how_much_has(
    live: tuple[str, World], page: Any,
) -> None:
    """The 49-s stereo sample (3.1 MB as the redacted WAV the player gets) over a link
    throttled to 64 KiB/s, about 50 s to come whole: the player knows the length and can
    start within seconds, the page says how much has loaded ("loaded N%"), and the share
    grows."""
    import re

    from playwright.sync_api import expect

    base, world = live
    console = sign_in(page, base, "sup")
    expect(page.locator("#queue-table")).to_be_visible()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": 64 * 1024,
        "uploadThroughput": -1})
    visit(page, base, f"calls/{world.calls['a1_flagged']}")
    harness.wait_until(page, f"{PLAYER}.readyState >= 2")  # enough to play from here
    assert page.evaluate(f"{PLAYER}.duration") == pytest.approx(49.3, abs=0.1)
    loaded = page.locator("#audio-loaded")
    expect(loaded).to_have_text(re.compile(r"^loaded \d+%$"))
    first = int(re.sub(r"\D", "", loaded.inner_text()))
    assert first < 90, loaded.inner_text()
    page.wait_for_timeout(3000)
    later = loaded.inner_text()
    assert later == "" or int(re.sub(r"\D", "", later)) > first, (first, later)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert not console, console
