"""Every page of every role under the UI's Content-Security-Policy, in a real browser: the
browser refuses nothing (no inline style, script or eval) and logs no error. The policy
allows no style attribute at all, so a page that sets one shows up here as a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import test_web_ui as harness
from tests.api.a11y import ROLE_PAGES, visit
from tests.api.conftest import World
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page

def test_the_csp_holds_the_ui_to_its_own_files() -> None:
    from api.http_guard import UI_POLICY

    assert "'unsafe-inline'" not in UI_POLICY and "'unsafe-eval'" not in UI_POLICY


@pytest.mark.slow
@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_no_page_breaks_the_content_security_policy(live: tuple[str, World], page: Any,
                                                     username: str) -> None:
    from playwright.sync_api import expect

    base, world = live
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    console = sign_in(page, base, username)
    expect(page.locator("#logout")).to_be_visible()
    call = world.calls["a1_flagged"]
    for name in [*ROLE_PAGES[username], f"calls/{call}"]:
        visit(page, base, name)
        if name == "dashboards":  # the colour keys, drawn without a style attribute
            expect(page.locator("#dashboard-legend svg.key rect").first).to_be_attached()
    assert not refused, f"the browser refused: {refused}"
    assert not console, f"console errors: {console}"
