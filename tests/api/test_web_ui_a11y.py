"""Every page of every role, at 1366 px and on a 390 px phone, in a real browser: axe-core
finds no serious or critical violation (contrast, landmarks, names, table headers),
nothing scrolls sideways, and no "null" or "undefined" is written for a person. Agents
read their scorecards on phones, in Turkish too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import test_web_ui as harness
from tests.api.a11y import (
    DESKTOP,
    PHONE,
    ROLE_PAGES,
    raw_text,
    serious_violations,
    sideways_overflow,
    visit,
)
from tests.api.conftest import World
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page


@pytest.mark.slow
@pytest.mark.parametrize("username", list(ROLE_PAGES))
def test_every_page_is_accessible_and_fits_a_phone(live: tuple[str, World], page: Any,
                                                   username: str) -> None:
    from playwright.sync_api import expect

    base, world = live
    console = sign_in(page, base, username)
    expect(page.locator("#logout")).to_be_visible()
    found: list[str] = []
    languages = ("en", "tr") if username == "agent1" else ("en",)
    for lang in languages:
        if lang == "tr":
            page.click("#lang-tr")
            expect(page.locator("html")).to_have_attribute("lang", "tr")
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            for name in [*ROLE_PAGES[username], f"calls/{world.calls['a1_flagged']}"]:
                visit(page, base, name)
                where = f"{lang} {size['width']}px #/{name.split('/')[0]}"
                found += [f"{where}: {v}" for v in serious_violations(page)]
                found += [f"{where}: raw text …{v}…" for v in raw_text(page)]
                if (wider := sideways_overflow(page)) > 0:
                    found.append(f"{where}: {wider}px wider than the window")
    assert not found, "\n".join(found)
    assert not console, f"console errors: {console}"
