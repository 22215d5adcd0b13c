"""A dispute from start to end in a real browser (Chromium; the fixtures of test_web_ui.py),
at 1366 px and on a 390 px phone: the agent disputes two criteria of a1_flagged with a
reason; the supervisor finds it on #/disputes and through the queue's "Disputed only"
filter, reads the reason beside the criteria, and accepts (empathy now passes) or
rejects it with a comment; the agent sees the decision on their page (the new total, or
the comment), then acknowledges the scorecard in force. axe-core finds no serious or
critical violation on the way, nothing scrolls sideways, and the console stays clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api import test_web_ui as harness
from tests.api.a11y import DESKTOP, PHONE, serious_violations, sideways_overflow, visit
from tests.api.conftest import World
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page
REASON = "The customer thanked me twice; I greeted them by name."


def checked(page: Any, where: str, found: list[str]) -> None:
    """axe-core's serious findings and sideways scrolling on the page as it is now."""
    found += [f"{where}: {v}" for v in serious_violations(page)]
    if (wider := sideways_overflow(page)) > 0:
        found.append(f"{where}: {wider}px wider than the window")


def switch_user(page: Any, base: str, username: str, console: list[str]) -> None:
    from playwright.sync_api import expect

    if page.locator("#logout").is_visible():
        page.click("#logout")
        expect(page.locator("#login-form")).to_be_visible()
    console += sign_in(page, base, username)
    landing = "#my-scorecards" if username.startswith("agent") else "#queue-table"
    expect(page.locator(landing)).to_be_visible()  # the home page has drawn
    page.wait_for_load_state("networkidle")


@pytest.mark.slow
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1366px", "390px"])
@pytest.mark.parametrize("decision", ["accepted", "rejected"])
def test_a_dispute_is_decided_and_the_agent_acknowledges(
    live: tuple[str, World], page: Any, artifacts: Path, decision: str, size: dict[str, int],
) -> None:
    from playwright.sync_api import expect

    base, world = live
    call = world.calls["a1_flagged"]
    page.set_viewport_size(size)
    found: list[str] = []
    console: list[str] = []

    # the agent disputes empathy and greeting of a1_flagged (44.4), with a reason
    switch_user(page, base, "agent1", console)
    visit(page, base, f"calls/{call}")
    page.click("#dispute")
    page.check("#dispute-form input[data-criterion=empathy]")
    page.check("#dispute-form input[data-criterion=greeting]")
    page.fill("#dispute-form textarea[name=reason]", REASON)
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#agent-status")).to_contain_text("Dispute open")
    expect(page.locator("#acknowledge")).to_be_disabled()
    expect(page.locator(".dispute .dispute-decision")).to_contain_text("Waiting")

    # the supervisor finds it on #/disputes: the reason beside the disputed criteria
    switch_user(page, base, "sup", console)
    visit(page, base, "disputes")
    card = page.locator(f"#dispute-list .dispute[data-call-id='{call}']")
    expect(card).to_have_count(1)
    expect(card.locator(".dispute-reason")).to_contain_text(REASON)
    rows = card.locator(".disputed-criterion")
    expect(rows).to_have_count(2)
    empathy = card.locator(".disputed-criterion[data-criterion=empathy]")
    expect(empathy).to_contain_text("problem with empathy")
    expect(empathy.locator(".verdict")).to_have_text("fail")
    expect(empathy).to_contain_text("thank you for calling")  # the evidence quote
    expect(card.locator("a.dispute-call")).to_have_attribute("href", f"#/calls/{call}")
    checked(page, "supervisor #/disputes", found)
    shot = f"dispute-{decision}-{size['width']}"
    page.screenshot(path=str(artifacts / f"{shot}-list.png"), full_page=True)
    dispute_id = card.get_attribute("data-dispute-id")

    # ... and through the queue's "Disputed only" filter (the seeded Sales dispute too)
    visit(page, base, "queue")
    page.check("#queue-disputed")
    page.click("#queue-filters button[type=submit]")
    expect(page).to_have_url(f"{base}/#/queue?disputed=true")
    queue = page.locator("#queue-table tbody tr")
    expect(queue).to_have_count(2)
    expect(page.locator(f"#queue-table tr[data-call-id='{world.calls['a1_clean']}']"))\
        .to_have_count(0)
    checked(page, "supervisor #/queue?disputed", found)
    page.click(f"#queue-table tr[data-call-id='{call}']")
    expect(page.locator(f"#dispute-{dispute_id} .dispute-reason")).to_contain_text(REASON)
    expect(page.locator("#scorecard tr[data-criterion=empathy] .badge.dispute-open"))\
        .to_have_count(1)
    checked(page, "supervisor call page", found)
    page.screenshot(path=str(artifacts / f"{shot}-call.png"), full_page=True)

    if decision == "accepted":  # on #/disputes: empathy passes, greeting stays a pass
        visit(page, base, "disputes")
        form = page.locator(f"#accept-{dispute_id}")
        form.locator("select[data-criterion=empathy]").select_option("pass")
        form.locator("button[type=submit]").click()
        done = page.locator(f"#dispute-{dispute_id} .dispute-decision[data-status=accepted]")
        expect(done).to_contain_text("44.4 → 100")
        expect(done).to_contain_text("problem with empathy: fail → pass")
    else:  # on the call page, with a comment
        page.fill(f"#reject-{dispute_id} textarea[name=comment]", "No empathy was shown.")
        page.click(f"#reject-{dispute_id} button[type=submit]")
        expect(page.locator(f"#dispute-{dispute_id} .dispute-comment"))\
            .to_have_text("No empathy was shown.")
    checked(page, f"supervisor after {decision}", found)
    page.screenshot(path=str(artifacts / f"{shot}-decided.png"), full_page=True)

    # the agent sees the decision on their page, then acknowledges
    switch_user(page, base, "agent1", console)
    row = page.locator(f"#my-scorecards tr[data-call-id='{call}']")
    expect(row.locator(".status")).to_contain_text(f"dispute {decision}")
    if decision == "accepted":
        expect(row.locator(".dispute-line")).to_contain_text("44.4 → 100")
        expect(row.locator(".scored-by")).to_have_text("Scored by Sup")
    else:
        expect(row.locator(".dispute-line")).to_have_text("Rejected: No empathy was shown.")
        expect(row.locator(".scored-by")).to_have_count(0)
    checked(page, f"agent #/me after {decision}", found)
    page.screenshot(path=str(artifacts / f"{shot}-agent.png"), full_page=True)
    row.click()
    total = "100" if decision == "accepted" else "44.4"
    expect(page.locator("#scorecard .total")).to_have_text(total)
    expect(page.locator("#acknowledge")).to_be_enabled()
    page.click("#acknowledge")
    expect(page.locator("#agent-status")).to_contain_text("Acknowledged")
    checked(page, f"agent call page after {decision}", found)

    # in Turkish
    page.click("#lang-tr")
    expect(page.locator(f"#dispute-{dispute_id} .badge.dispute-{decision}"))\
        .to_have_text("kabul edildi" if decision == "accepted" else "reddedildi")
    if decision == "accepted":
        expect(page.locator("#scorecard .scored-by")).to_have_text("Sup tarafından puanlandı")
    visit(page, base, "me")
    expect(row.locator(".status")).to_contain_text(
        "itiraz kabul edildi" if decision == "accepted" else "Reddedildi: No empathy")
    checked(page, f"agent #/me in Turkish after {decision}", found)
    assert not found, "\n".join(found)
    assert not console, f"console errors: {console}"
