"""Calibration in a real browser (Debian's chromium via Playwright, the app on uvicorn, the
seeded world; fixtures shared with test_web_ui.py): sup opens a session on a1_flagged for
sup and sup2 and scores it at 1366 px; sup2, on a 390 px phone, sees none of sup's
verdicts nor the automatic ones until submitting their own, then all of them side by
side; the agreement report puts the criterion that disagrees most first. axe-core finds
nothing serious on any of these pages, nothing scrolls sideways, no console error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api import test_web_ui as harness
from tests.api.a11y import DESKTOP, PHONE, serious_violations, sideways_overflow
from tests.api.conftest import PASSWORD, World
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page

SUP = {"greeting": "pass", "recording_disclosure": "pass", "identity_verification": "na",
       "empathy": "pass"}
SUP2 = {"greeting": "pass", "recording_disclosure": "fail", "identity_verification": "na",
        "empathy": "fail"}
SUP_NOTE = "she said I understand at 0:20"


def _checked(page: Any, where: str, found: list[str]) -> None:
    from playwright.sync_api import expect

    page.wait_for_load_state("networkidle")
    expect(page.locator("#view .page p.muted", has_text="Loading")).to_have_count(0)
    found += [f"{where}: {v}" for v in serious_violations(page)]
    if (wider := sideways_overflow(page)) > 0:
        found.append(f"{where}: {wider}px wider than the window")


def _score(page: Any, said: dict[str, str], note: str | None = None) -> None:
    for criterion, verdict in said.items():
        box = page.locator(f"#calib-verdicts fieldset[data-criterion={criterion}]")
        box.locator(f"input[value={verdict}]").check()
    if note:
        page.fill("#calib-verdicts fieldset[data-criterion=empathy] textarea", note)
    page.click("#calib-verdicts button[type=submit]")


@pytest.mark.slow
def test_two_supervisors_calibrate_blind_then_side_by_side(
    live: tuple[str, World], page: Any, artifacts: Path,
) -> None:
    from playwright.sync_api import expect

    base, world = live
    call = world.calls["a1_flagged"]
    found: list[str] = []
    console = sign_in(page, base, "sup")
    expect(page.locator("#nav-calibration")).to_be_visible()
    page.set_viewport_size(DESKTOP)

    # sup opens a session from the calibration page, for sup and sup2
    page.goto(f"{base}/#/calibration?call={call}")
    expect(page.locator("#calib-new input[name=call_id]")).to_have_value(call)
    expect(page.locator("#calib-to-score")).to_contain_text("None.")
    _checked(page, "1366px list", found)
    for name in ("sup", "sup2"):
        page.check(f"#calib-new input[name=reviewer][value='{world.users[name]}']")
    page.fill("#calib-new input[name=title]", "November calibration")
    page.click("#calib-new button[type=submit]")
    expect(page.locator("#calib-verdicts")).to_be_visible()
    expect(page.locator("#calib-blind")).to_contain_text("stay hidden")
    # the recording and transcript here: the call page (the automatic scorecard) waits
    expect(page.locator("#calib-call")).to_have_count(0)
    expect(page.locator("#calib-transcript li.turn")).to_have_count(3)
    harness.wait_until(page, "document.getElementById('calib-player').readyState >= 1")
    page.locator("#calib-transcript li.turn").nth(2).click()
    harness.wait_until(page, "document.getElementById('calib-player').currentTime >= 19")
    expect(page.locator("#calib-verdicts fieldset")).to_have_count(4)
    expect(page.locator("#calib-verdicts legend").first).to_have_text(
        "Greets with the company and their own name")
    _checked(page, "1366px blind", found)

    # a verdict missing: the browser asks for it, nothing is sent
    page.click("#calib-verdicts button[type=submit]")
    expect(page.locator("#calib-blind")).to_contain_text("stay hidden")
    _score(page, SUP, SUP_NOTE)
    expect(page.locator("#calib-blind")).to_contain_text("Your verdicts are in")
    expect(page.locator("#calib-progress li[data-reviewer=sup]")).to_contain_text("submitted")
    expect(page.locator("#calib-progress li[data-reviewer=sup2]")).to_contain_text("not yet")
    expect(page.locator("#calib-side-by-side")).to_have_count(0)
    expect(page.locator("#calib-verdicts button[type=submit]")).to_have_text(
        "Change my verdicts")
    page.screenshot(path=str(artifacts / "calibration-sup-waiting.png"), full_page=True)

    # sup2 on a phone: the session waits in "To score", blind
    page.click("#logout")
    page.set_viewport_size(PHONE)
    page.fill("#login-form input[name=username]", "sup2")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#logout")).to_be_visible()
    page.goto(f"{base}/#/calibration")
    item = page.locator("#calib-to-score li.calib-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("1 of 2 reviewers submitted")
    _checked(page, "390px list", found)
    item.locator("a").click()
    expect(page.locator("#calib-verdicts")).to_be_visible()
    expect(page.locator("#calib-side-by-side")).to_have_count(0)
    expect(page.locator("#view")).not_to_contain_text(SUP_NOTE)
    expect(page.locator("#calib-verdicts input:checked")).to_have_count(0)
    assert "null" not in page.locator("#view").inner_text()
    _checked(page, "390px blind", found)
    page.screenshot(path=str(artifacts / "calibration-sup2-blind.png"), full_page=True)
    # the call page typed by hand, blind: no scorecard, the way back to the session
    session_url = page.url
    page.goto(f"{base}/#/calls/{call}")
    expect(page.locator("#blind-calibration")).to_contain_text("blind")
    expect(page.locator("#scorecard")).to_have_count(0)
    expect(page.locator("#review")).to_have_count(0)
    _checked(page, "390px call page, blind", found)
    page.locator("#blind-calibration a").click()
    expect(page.locator("#calib-verdicts")).to_be_visible()
    assert page.url == session_url

    # sup2 submits: the last one reveals it; everything side by side
    _score(page, SUP2)
    table = page.locator("#calib-side-by-side")
    expect(table).to_be_visible()
    expect(page.locator("#calib-status")).to_contain_text("Revealed")
    expect(page.locator("#calib-call")).to_have_attribute("href", f"#/calls/{call}")
    empathy = table.locator("tr[data-criterion=empathy]")
    expect(empathy.locator("td[data-reviewer=sup]")).to_contain_text("pass")
    expect(empathy.locator("td[data-reviewer=sup]")).to_contain_text(SUP_NOTE)
    expect(empathy.locator("td[data-reviewer=sup2]")).to_contain_text("fail")
    expect(empathy).to_have_attribute("data-agreement", "split")
    expect(table.locator("tr[data-criterion=greeting]")).to_contain_text("all agree")
    expect(table.locator("tr[data-criterion=greeting]")).to_have_attribute(
        "data-agreement", "all")
    _checked(page, "390px side by side", found)
    assert "null" not in page.locator("#view").inner_text()
    page.screenshot(path=str(artifacts / "calibration-revealed.png"), full_page=True)

    # the report: the criteria that disagree most first
    page.click("#view a[href='#/calibration']")
    expect(page.locator("#calib-revealed li.calib-item")).to_have_count(1)
    expect(page.locator("#calib-report p.muted", has_text="Loading")).to_have_count(0)
    criteria = page.locator("#calib-criteria tbody tr")
    expect(criteria).to_have_count(4)
    expect(criteria.first.locator("th")).to_have_text(
        "Acknowledges the customer's problem with empathy")
    expect(criteria.first).to_contain_text("50%")
    expect(page.locator("#calib-counts")).to_contain_text("Revealed calibration sessions: 1")
    expect(page.locator("#calib-agreement")).to_contain_text("n/a")  # greeting: all pass
    expect(page.locator("#calib-reviewers tbody tr")).to_have_count(2)
    _checked(page, "390px report", found)
    page.set_viewport_size(DESKTOP)
    _checked(page, "1366px report", found)
    page.screenshot(path=str(artifacts / "calibration-report.png"), full_page=True)
    page.click("#calib-revealed li.calib-item a")
    expect(page.locator("#calib-side-by-side")).to_be_visible()
    _checked(page, "1366px side by side", found)

    # in Turkish
    page.click("#lang-tr")
    expect(page.locator("#calib-status")).to_contain_text("Açıklandı")
    expect(page.locator("#calib-side-by-side tr[data-criterion=greeting] th")).to_have_text(
        "Şirket adı ve kendi adıyla karşılama")
    page.goto(f"{base}/#/calibration")
    expect(page.locator("#calib-agreement h2")).to_have_text("Uyum raporu")
    expect(page.locator("#calib-agreement")).to_contain_text("tanımsız")
    assert "null" not in page.locator("#view").inner_text()
    assert not found, "\n".join(found)
    assert not console, f"console errors: {console}"
