"""The web UI in a real browser: Debian's /usr/bin/chromium driven headless by Playwright
against the app served by uvicorn on a free port, a seeded SQLite database and a real
recording. A supervisor works a flagged call from the queue to a closed review."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import PASSWORD, World, seed
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SAMPLE = ROOT / "pipeline" / "samples" / "en_billing_stereo.ogg"


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Screenshots: $CALLQA_TEST_ARTIFACTS if set, else tests/artifacts/ (git ignores it)."""
    folder = Path(os.environ.get("CALLQA_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll ``expression`` until it is true. Playwright's wait_for_function polls by eval in
    the page, which the UI's CSP (no 'unsafe-eval') refuses once a first check fails."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.05)


@pytest.fixture
def live(db_url: str, callqa_home: Path) -> Iterator[tuple[str, World]]:
    """The app on uvicorn in a thread; a1_flagged's recording is the real sample (ogg)."""
    import uvicorn
    from sqlalchemy import update

    from api.app import create_app
    from pipeline.db.models import Call
    from pipeline.db.session import session_scope
    from pipeline.settings import Settings

    world = seed(db_url, callqa_home / "recordings")
    shutil.copy(SAMPLE, world.store / "2026" / "a1_flagged.ogg")
    with session_scope(db_url) as s:
        s.execute(update(Call).where(Call.id == world.calls["a1_flagged"])
                  .values(source_key="2026/a1_flagged.ogg"))
    settings = Settings(home=callqa_home, database_url=db_url)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium (scripts/install.sh test)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        # launch() gives each browser a fresh temporary profile (its own --user-data-dir)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page
            assert not errors, f"JavaScript errors: {errors}"
        finally:
            browser.close()


@pytest.mark.slow
def test_supervisor_reviews_a_flagged_call(live: tuple[str, World], page: Any,
                                           artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    flagged = world.calls["a1_flagged"]

    # sign in; the token lives in sessionStorage
    page.goto(base + "/")
    page.fill("#login-form input[name=username]", "sup")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")

    # the queue: the critical legal-threat call (priority 90) comes first
    rows = page.locator("#queue-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-call-id", flagged)
    expect(rows.first).to_contain_text("legal_threat")
    expect(rows.nth(1)).to_contain_text("in review (sup2)")
    assert page.evaluate("sessionStorage.getItem('callqa.token')")
    page.screenshot(path=str(artifacts / "queue.png"), full_page=True)

    # the priority explained: the most urgent flag, named
    expect(page.locator("#priority-note")).to_contain_text("most urgent flag")
    expect(rows.first.locator("td.priority")).to_contain_text("Legal threat (critical)")

    # filters are choices from the calls in sight: teams, agents by name, flags, languages
    team = page.locator("#queue-filters select[name=team] option")
    expect(team).to_have_text(["any", "Billing", "Sales"])
    expect(page.locator("#queue-filters select[name=agent]")).to_contain_text("Ayşe Yılmaz (A-1)")
    expect(page.locator("#queue-filters select[name=flag]")).to_contain_text("Legal threat")
    expect(page.locator("#queue-filters select[name=language]")).to_contain_text("Turkish")
    # a filter narrows the queue (Sales has only the other call)
    page.select_option("#queue-filters select[name=team]", "Sales")
    page.click("#queue-filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).not_to_have_attribute("data-call-id", flagged)
    page.click("#queue-filters button[type=reset]")
    expect(rows).to_have_count(2)

    # sortable columns: lowest score first, then back to priority
    score = page.locator("#queue-table th[data-sort=score]")
    page.click("#queue-table th[data-sort=score] a")
    expect(score).to_have_attribute("aria-sort", "descending")
    page.click("#queue-table th[data-sort=score] a")
    expect(score).to_have_attribute("aria-sort", "ascending")
    expect(rows.first).not_to_have_attribute("data-call-id", flagged)  # 22.2 before 44.4
    page.click("#queue-table th[data-sort=priority] a")
    expect(rows.first).to_have_attribute("data-call-id", flagged)
    # each row's date is a link to its call; "next call" opens the top one nobody reviews
    expect(rows.first.locator("a.call-link")).to_have_attribute("href", f"#/calls/{flagged}")
    expect(page.locator("#queue-next")).to_have_attribute("href", f"#/calls/{flagged}")

    # the call page: transcript turns, scorecard, flags, metrics, timeline
    rows.first.click()
    turns = page.locator("#transcript li.turn")
    expect(turns).to_have_count(3)
    expect(turns.nth(1)).to_contain_text("CUSTOMER")
    expect(turns.nth(1)).to_contain_text("[CARD]")
    expect(turns.nth(1)).to_have_class("turn customer sent-negative")
    expect(page.locator("#scorecard tr.criterion")).to_have_count(4)
    expect(page.locator("#scorecard tr[data-criterion=empathy]")).to_contain_text("fail")
    expect(page.locator("#flags")).to_contain_text("legal_threat found")
    expect(page.locator("#metrics")).to_contain_text("Silence60%")
    assert page.locator("#timeline rect.tl-silence").count() > 0

    # the recording loads (fetched with the bearer header) and a turn seeks it
    wait_until(page, "document.getElementById('player').readyState >= 1")
    assert 40 < page.evaluate("document.getElementById('player').duration") < 60
    turns.nth(1).click()
    wait_until(page, "document.getElementById('player').currentTime >= 3.4")
    page.locator("#scorecard button.seek").first.click()
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 1) < 0.5")
    # the timeline is a slider a keyboard can move: 5 s a step, End to the end
    page.focus("#timeline")
    page.keyboard.press("ArrowRight")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 6) < 1")
    expect(page.locator("#timeline")).to_have_attribute("aria-valuetext", re.compile(r"0:0[5-7]"))
    page.keyboard.press("Home")
    wait_until(page, "document.getElementById('player').currentTime < 1")
    page.screenshot(path=str(artifacts / "call.png"), full_page=True)

    # start a review, override empathy with a comment, close, see the diff
    page.click("#start-review")
    expect(page.locator("#review-status")).to_contain_text("Your review")
    empathy = page.locator("#scorecard tr[data-criterion=empathy]")
    empathy.locator("button.override-button").click()
    empathy.locator("select[name=verdict]").select_option("pass")
    empathy.locator("textarea[name=comment]").fill("She did acknowledge the frustration.")
    empathy.locator("button[type=submit]").click()
    expect(empathy.locator(".human")).to_contain_text("She did acknowledge the frustration.")
    diff = page.locator("#review-diff")
    expect(diff.locator("tr.changed")).to_have_count(1)
    page.fill("#close-review textarea[name=comment]", "Empathy was there.")
    page.click("#close-review button[type=submit]")
    expect(page.locator("#review-status")).to_contain_text("Closed by sup")
    expect(diff.locator("tr.changed[data-criterion=empathy]")).to_contain_text("pass")
    expect(diff.locator(".final")).to_be_visible()
    page.screenshot(path=str(artifacts / "call-reviewed.png"), full_page=True)

    # the API has the override, the new current score, and the audit log
    with httpx.Client(base_url=base + "/api/v1") as api:
        reviews = api.get("/reviews", params={"call_id": flagged},
                          headers=world.auth("sup")).json()["data"]
        assert [r["status"] for r in reviews] == ["closed"]
        (override,) = reviews[0]["overrides"]
        assert override["verdict"] == "pass"
        assert override["comment"] == "She did acknowledge the frustration."
        call = api.get(f"/calls/{flagged}", headers=world.auth("sup")).json()
        empathy_now = {r["criterion_id"]: r for r in call["scorecard"]["results"]}["empathy"]
        assert empathy_now["verdict"] == "pass"
        for action in ("review.open", "review.override", "review.close"):
            entries = api.get("/audit", params={"action": action},
                              headers=world.auth("admin")).json()["data"]
            assert entries, action
        (entry,) = api.get("/audit", params={"action": "review.override"},
                           headers=world.auth("admin")).json()["data"]
        assert entry["detail"]["comment"] == "She did acknowledge the frustration."
    assert (artifacts / "queue.png").stat().st_size > 0
    assert (artifacts / "call.png").stat().st_size > 0


def test_ui_files_are_served_and_the_api_keeps_its_errors(api: Any) -> None:
    page = api.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="/ui/app.js"' in page.text
    web = ROOT / "api" / "web"
    shipped = sorted(p.name for p in web.iterdir() if p.suffix in (".js", ".css"))
    assert {"app.js", "call.js", "review.js", "search.js", "library.js", "me.js"} <= set(shipped)
    for name in shipped:
        asset = api.get(f"/ui/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["content-type"].split(";")[0] in ("text/javascript", "text/css")
    missing = api.get("/api/v1/no-such-route")  # the UI mount is no catch-all
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert "/" not in api.get("/api/v1/openapi.json").json()["paths"]
