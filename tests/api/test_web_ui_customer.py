"""One customer's calls, in a real browser (Chromium) at 1366 px and on a 390 px phone:
from a call page the supervisor opens the customer's calls (newest first, why each was
made, which repeat an earlier one) and goes from a repeat to the call it repeats; axe
finds no serious violation, nothing scrolls sideways, no raw "null". Through the API the
page is for staff only; an agent is refused. The seeded calls become customer C-1's three
calls on one reason: a1_flagged (20 Nov) first, a2_flagged (21 Nov) and a1_clean (22 Nov)
repeat the one before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api import test_web_ui as harness
from tests.api.a11y import DESKTOP, PHONE
from tests.api.conftest import Api, World, write_wav
from tests.api.test_web_ui_call_page import checked, visit
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page
REASON = {"taxonomy": "contact_reasons", "version": "1.0", "hash": "h", "reasons": [{
    "code": "billing.high_bill", "category": "billing", "subcategory": "high_bill",
    "confidence": 0.8}]}


def one_customer(world: World) -> None:
    from sqlalchemy import update

    from pipeline.db.models import Call
    from pipeline.db.reasons import save_reasons
    from pipeline.db.session import session_scope

    with session_scope(world.url) as s:
        s.execute(update(Call).values(customer_ref="C-1", customer_key="ref:C-1"))
        for call_id in world.calls.values():
            save_reasons(s, call_id, REASON, repeat_window_days=7)


def test_the_customer_page_from_a_call_on_a_desktop_and_a_phone(
    live: tuple[str, World], page: Any, artifacts: Path,
) -> None:
    from playwright.sync_api import expect

    base, world = live
    one_customer(world)
    for name in ("a1_clean", "a2_flagged"):  # seeded without a recording
        write_wav(world.store / "2026" / f"{name}.wav")
    found: list[str] = []
    console = sign_in(page, base, "sup")
    expect(page.locator("#queue-table")).to_be_visible()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        visit(page, base, f"calls/{world.calls['a2_flagged']}")
        expect(page.locator("#call-repeat-of")).to_contain_text("Repeats an earlier call")
        link = page.locator("#call-customer")
        expect(link).to_have_text("This customer's calls (3)")
        link.click()
        expect(page.locator("#view h1")).to_have_text("Customer C-1")
        items = page.locator("#customer-calls li.customer-call")
        expect(items).to_have_count(3)
        expect(page.locator("#customer-summary")).to_contain_text(
            "3 call(s), 2 of them repeat an earlier call")
        newest = items.nth(0)  # a1_clean, 22 Nov: repeats a2_flagged
        expect(newest).to_have_attribute("data-call-id", world.calls["a1_clean"])
        expect(newest.locator(".customer-reason")).to_contain_text("Bill higher than expected")
        expect(newest.locator(".badge")).to_have_text("repeat")
        expect(items.nth(2).locator(".badge")).to_have_count(0)  # the first contact
        assert "null" not in page.locator("#view").inner_text()
        checked(page, f"{size['width']}px customer", found)
        page.screenshot(path=str(artifacts / f"customer-{size['width']}.png"), full_page=True)
        newest.locator("div.muted a").click()  # to the call it repeats
        expect(page).to_have_url(f"{base}/#/calls/{world.calls['a2_flagged']}")
    assert not found, found
    assert not console, console


def test_the_customer_page_is_for_staff_and_in_their_sight(api: Api) -> None:
    one_customer(api.world)
    body = api.get("/api/v1/customers/C-1", "trainer", headers={"Accept-Language": "tr"})
    assert body.status_code == 200, body.text
    data = body.json()
    assert (data["count"], data["repeats"], data["more"]) == (3, 2, False)
    assert data["calls"][0]["reason_title"] == "Fatura beklenenden yüksek"
    of_call = api.get(f"/api/v1/customers/of-call/{api.world.calls['a1_clean']}", "sup")
    assert [c["id"] for c in of_call.json()["calls"]] == [c["id"] for c in data["calls"]]
    assert api.get("/api/v1/customers/C-1", "agent1").status_code == 403
    assert api.get("/api/v1/customers/C-404", "sup").status_code == 404
    page = api.get(f"/api/v1/calls/{api.world.calls['a1_clean']}", "agent1").json()
    assert page["customer_calls"] is None  # not an agent's page
