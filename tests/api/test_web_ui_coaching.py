"""Coaching in a real browser (Debian's chromium via Playwright, the app on uvicorn, the
seeded world; fixtures of test_web_ui.py): a trainer gives agent1 a criterion of a call
with a note and a due date; agent1 finds it on #/me on a phone, marks it done, and the
trend chart marks it; the supervisor's #/coaching lists it as done. axe-core finds no
serious violation on these pages at 1366 px and 390 px, and no console error shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import test_web_ui as harness
from tests.api.a11y import DESKTOP, PHONE, serious_violations, sideways_overflow, visit
from tests.api.conftest import World
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page

NOTE = "Say sorry before you explain the bill."
EMPATHY = "Acknowledges the customer's problem with empathy"


def _checked(tab: Any, where: str) -> list[str]:
    found = [f"{where}: {v}" for v in serious_violations(tab)]
    if (wider := sideways_overflow(tab)) > 0:
        found.append(f"{where}: {wider}px wider than the window")
    return found


def _sign_out(tab: Any) -> None:
    from playwright.sync_api import expect

    tab.click("#logout")
    expect(tab.locator("#login-form")).to_be_visible()


@pytest.mark.slow
def test_trainer_assigns_agent_marks_done_supervisor_sees_it(
    live: tuple[str, World], page: Any, artifacts: Path,
) -> None:
    from playwright.sync_api import expect

    base, world = live
    due = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    found: list[str] = []

    # the trainer: the call page's form, agent preset to the call's, a criterion by title
    consoles = [sign_in(page, base, "trainer")]  # each sign-in listens anew
    expect(page.locator("#logout")).to_be_visible()
    expect(page.locator("#nav-coaching")).to_be_visible()
    page.goto(f"{base}/#/calls/{world.calls['a1_flagged']}")
    form = page.locator("#coach-form")
    expect(form).to_be_visible()
    expect(form.locator("input[name=agent]")).to_have_value("A-1")
    expect(form.locator("select[name=criterion_id] option[value=empathy]")).to_have_text(EMPATHY)
    form.locator("select[name=criterion_id]").select_option("empathy")
    form.locator("textarea[name=note]").fill(NOTE)
    form.locator("input[name=due_on]").fill(due)
    form.locator("button[type=submit]").click()
    expect(form.locator(".coach-assigned")).to_contain_text("assigned to A-1")
    found += _checked(page, "trainer 1366px call page")
    page.screenshot(path=str(artifacts / "coaching-assign.png"), full_page=True)
    with httpx.Client(base_url=base + "/api/v1", headers=world.auth("trainer")) as api:
        (task,) = [t for t in api.get("/coaching").json()["data"] if t["note"] == NOTE]
    assert task["criterion_id"] == "empathy" and task["due_on"] == due
    assert task["call_id"] == world.calls["a1_flagged"] and task["agent"] == "A-1"

    # the library: a clip's own "Assign coaching" opens the same form
    visit(page, base, "library")
    clip = page.locator(f"#clip-list li.clip[data-clip-id='{world.clips['a1_flagged']}']")
    clip.locator("button.assign-coaching").click()
    expect(clip.locator("form.coach-form select[name=criterion_id]")).to_have_value("empathy")
    found += _checked(page, "trainer 1366px library")
    _sign_out(page)

    # agent1 on a phone: the task on #/me with its note and due date; mark it done
    page.set_viewport_size(PHONE)
    consoles.append(sign_in(page, base, "agent1"))
    item = page.locator(f"#my-coaching-open li[data-task-id='{task['id']}']")
    expect(item).to_contain_text(NOTE)
    expect(item.locator("h3")).to_have_text(EMPATHY)
    expect(item.locator(".coach-due")).to_contain_text(due[:4])
    expect(page.locator("#trend-chart g.coach-mark")).to_have_count(0)
    found += _checked(page, "agent1 390px #/me")
    item.locator("button.mark-done").click()
    item.locator("textarea[name=done_note]").fill("Listened to it twice.")
    item.locator(".mark-done-form button[type=submit]").click()
    finished = page.locator(f"#my-coaching-done li[data-task-id='{task['id']}']")
    expect(finished).to_contain_text("Listened to it twice.")
    expect(page.locator(f"#my-coaching-open li[data-task-id='{task['id']}']")).to_have_count(0)
    mark = page.locator(f"#trend-chart g.coach-mark[data-tasks~='{task['id']}']")
    expect(mark).to_have_count(1)
    assert EMPATHY in mark.locator("title").text_content()
    assert "Coaching done" in mark.locator("title").text_content()
    listed = re.compile(f"Coaching done .*: {re.escape(EMPATHY)}")
    expect(page.locator(".coach-legend li")).to_have_text(listed)
    found += _checked(page, "agent1 390px #/me after done")
    page.screenshot(path=str(artifacts / "coaching-agent-phone.png"), full_page=True)
    _sign_out(page)

    # the supervisor's #/coaching: the task among the done ones, at both widths
    consoles.append(sign_in(page, base, "sup"))
    expect(page.locator("#logout")).to_be_visible()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        visit(page, base, "coaching")
        done = page.locator(f"#coaching-done li[data-task-id='{task['id']}']")
        expect(done).to_contain_text(NOTE)
        expect(done).to_contain_text("Listened to it twice.")
        expect(page.locator(f"#coaching-open li[data-task-id='{task['id']}']")).to_have_count(0)
        expect(page.locator("#coaching-open .coach-agent")).to_have_count(2)  # the seeded ones
        found += _checked(page, f"sup {size['width']}px #/coaching")
    page.screenshot(path=str(artifacts / "coaching-supervisor.png"), full_page=True)
    assert "null" not in page.locator("#view").inner_text()
    assert not found, "\n".join(found)
    assert not any(consoles), f"console errors: {consoles}"
