"""What a person with a screen reader, a keyboard or a phone meets on a page, checked in
the browser: axe-core's serious and critical violations, and sideways scrolling.

axe-core is the copy that ships in the ``axe-playwright-python`` package (a test extra);
it is evaluated through Playwright, which the UI's CSP does not stop.
"""

from __future__ import annotations

import re
from typing import Any

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _axe_source() -> str:
    from importlib.resources import files

    return (files("axe_playwright_python") / "axe.min.js").read_text("utf-8")


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each:
    the rule, its impact, and the first few elements it found."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in result if v["impact"] in ("serious", "critical")]


def sideways_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"))


# Every page of each seeded user's role (api/web/app.js PAGES), besides the call page.
# A new page goes here, so the CSP, axe and phone-width tests visit it.
ROLE_PAGES = {
    "admin": ["queue", "disputes", "search", "library", "coaching", "dashboards", "admin",
              "account", "calibration"],
    "sup": ["queue", "disputes", "search", "library", "coaching", "dashboards", "account",
            "calibration"],
    "trainer": ["search", "library", "coaching", "account", "calibration"],
    "agent1": ["me", "account"],
}


LOADING = re.compile(r"^(Loading|Yükleniyor)…$")  # common.loading in both languages


def visit(page: Any, base: str, name: str) -> None:
    """Open ``#/<name>`` and wait until it has drawn (its requests done, no spinner)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/#/{name}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#view .page")).not_to_be_empty()
    expect(page.locator("#view").get_by_text(LOADING)).to_have_count(0)


RAW = re.compile(r"\b(null|undefined|NaN)\b|\[object Object\]")


def raw_text(page: Any) -> list[str]:
    """Programmer's words a person should never read on the page ("null", "undefined",
    "NaN", "[object Object]"), each with the text around it."""
    text = page.locator("#view").inner_text()
    return [text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
            for m in RAW.finditer(text)]
