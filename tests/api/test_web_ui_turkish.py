"""The web UI in Turkish, in a real browser (Debian's chromium via Playwright, the app on
uvicorn, the seeded database; fixtures shared with test_web_ui.py). A browser whose locale
is tr-TR gets Turkish pages before and after sign-in (queue, call page and scorecard,
dashboards, admin, an agent's page), Turkish dates and numbers, and sends Accept-Language:
tr on every API request; switching to EN changes them, is stored with the user (audited)
and survives a reload and a sign-in from a fresh browser. At 390 px nothing scrolls
sideways; screenshots at 390 px and 1366 px go to the artifacts folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import test_web_ui as harness
from tests.api.conftest import PASSWORD, World

artifacts, live = harness.artifacts, harness.live
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def browser() -> Iterator[Any]:
    if not harness.CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium (scripts/install.sh test)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(harness.CHROMIUM),
                                      args=harness.CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Tab:
    """A page in a fresh context (its own storage) with a locale; it collects JavaScript
    errors and the Accept-Language of every API request."""

    def __init__(self, browser: Any, locale: str) -> None:
        self.context = browser.new_context(locale=locale, viewport=WIDE, timezone_id="UTC")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.languages: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        # the player streams the recording itself (a signed link, no text to translate),
        # with the browser's own Accept-Language
        if "/api/v1/" in request.url and "/audio?access=" not in request.url:
            self.languages.append(request.headers.get("accept-language", ""))

    def sign_in(self, base: str, username: str) -> None:
        self.page.goto(base + "/")
        self.page.fill("#login-form input[name=username]", username)
        self.page.fill("#login-form input[name=password]", PASSWORD)
        self.page.click("#login-form button[type=submit]")
        self.page.wait_for_selector("#logout:not([hidden])")

    def sign_out(self) -> None:
        self.page.click("#logout")
        self.page.wait_for_selector("#login-form")

    def no_sideways_scroll(self, what: str) -> None:
        width = self.page.evaluate("[document.documentElement.scrollWidth, "
                                   "document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{what} scrolls sideways at 390 px: {width}"

    def shots(self, folder: Path, name: str) -> None:
        """Screenshots at 1366 px and 390 px (checking the phone one fits), back to wide."""
        self.page.screenshot(path=str(folder / f"tr-{name}-1366.png"), full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.wait_for_timeout(150)
        self.no_sideways_scroll(name)
        self.page.screenshot(path=str(folder / f"tr-{name}-390.png"), full_page=True)
        self.page.set_viewport_size(WIDE)

    def close(self) -> None:
        self.context.close()
        assert not self.errors, f"JavaScript errors: {self.errors}"


@pytest.mark.slow
def test_a_turkish_browser_gets_turkish_pages_and_the_choice_is_stored(
        live: tuple[str, World], browser: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    tab = Tab(browser, "tr-TR")
    page = tab.page

    # before sign-in the browser's language decides; the switcher is on the sign-in page
    page.goto(base + "/")
    expect(page.locator("#login-form h1")).to_have_text("Giriş yap")
    expect(page.locator("#login-form")).to_contain_text("Kullanıcı adı")
    expect(page.locator("#lang-tr")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.lang") == "tr"
    tab.shots(artifacts, "login")
    page.click("#lang-en")
    expect(page.locator("#login-form h1")).to_have_text("Sign in")
    page.click("#lang-tr")
    expect(page.locator("#login-form h1")).to_have_text("Giriş yap")
    # a wrong password answers in Turkish (the catalogue's sentence for its code)
    page.fill("#login-form input[name=username]", "sup")
    page.fill("#login-form input[name=password]", "not the password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-form .error")).to_contain_text("Kullanıcı adı veya parola yanlış")

    # the queue: Turkish headings, flag names, review state, dates
    tab.sign_in(base, "sup")
    expect(page.locator("#view h1")).to_have_text("İnceleme kuyruğu")
    expect(page.locator("#nav-dashboards")).to_have_text("Panolar")
    expect(page.locator("#logout")).to_have_text("Çıkış yap")
    expect(page.locator("#whoami")).to_contain_text("süpervizör")
    heads = page.locator("#queue-table thead th")
    expect(heads.first).to_have_text("Öncelik")
    rows = page.locator("#queue-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Hukuki tehdit")  # legal_threat's name
    expect(rows.first).to_contain_text("20 Kas 2026")  # tr-TR date of 2026-11-20
    expect(rows.first).to_contain_text("İngilizce")  # the call's language, named
    expect(rows.nth(1)).to_contain_text("incelemede (sup2)")
    expect(page.locator("#queue-filters button[type=submit]")).to_have_text("Süz")
    tab.shots(artifacts, "queue")

    # the call page: transcript, scorecard with titles, flags, metrics in Turkish
    flagged = world.calls["a1_flagged"]
    rows.first.click()
    expect(page.locator("#transcript li.turn").nth(1)).to_contain_text("MÜŞTERİ")
    expect(page.locator("#transcript li.turn").first).to_contain_text("TEMSİLCİ")
    card = page.locator("#scorecard")
    expect(card.locator("h2")).to_contain_text("Puan kartı")
    expect(card.locator("thead")).to_contain_text("Ölçüt")
    expect(card.locator("tr[data-criterion=empathy] .verdict")).to_have_text("kaldı")
    with httpx.Client(base_url=base + "/api/v1", headers={
            **world.auth("sup"), "Accept-Language": "tr"}) as client:
        results = client.get(f"/calls/{flagged}").json()["scorecard"]["results"]
    for result in results:  # the rubric's title where the API has one, else the id
        shown = card.locator(f"tr[data-criterion={result['criterion_id']}] .criterion-title")
        expect(shown).to_have_text(result.get("title") or result["criterion_id"])
    expect(page.locator("#flags")).to_contain_text("Hukuki tehdit")
    expect(page.locator("#flags")).to_contain_text("kritik, öncelik 90")
    expect(page.locator("#metrics")).to_contain_text("Sessizlik%60")  # tr-TR percent
    expect(page.locator("#metrics")).to_contain_text("Temsilci konuşma oranı0,62")
    expect(page.locator("#review h2")).to_have_text("İnceleme")
    expect(page.locator("#start-review")).to_have_text("İncelemeye başla")
    tab.shots(artifacts, "call")

    # dashboards
    page.click("#nav-dashboards")
    expect(page.locator("#view h1")).to_have_text("Panolar")
    expect(page.locator("#dashboard")).to_contain_text("Ortalama puan")
    expect(page.locator("#dashboard-form")).to_contain_text("Gruplama")
    expect(page.locator("#export-csv")).to_have_text("CSV olarak indir")
    expect(page.locator(".dashboard-head")).to_contain_text("3 puanlanmış çağrı")
    tab.shots(artifacts, "dashboards")
    tab.sign_out()
    expect(page.locator("#login-form h1")).to_have_text("Giriş yap")

    # admin pages; then the admin switches to English
    tab.sign_in(base, "admin")
    page.click("#nav-admin")
    expect(page.locator("#view h1")).to_have_text("Yönetim")
    expect(page.locator("#tab-users")).to_have_text("Kullanıcılar")
    expect(page.locator("#users-table thead")).to_contain_text("Kullanıcı")
    expect(page.locator("#users-table tr[data-username=deniz]")).to_have_count(0)
    expect(page.locator("#user-form button[type=submit]")).to_have_text("Kullanıcı oluştur")
    tab.shots(artifacts, "admin-users")
    page.click("#tab-audit")
    expect(page.locator("#audit-table thead")).to_contain_text("İşlem")
    assert tab.languages and set(tab.languages) == {"tr"}, set(tab.languages)

    page.click("#lang-en")
    expect(page.locator("#view h1")).to_have_text("Admin")
    expect(page.locator("#tab-users")).to_have_text("Users")
    expect(page.locator("#nav-queue")).to_have_text("Review queue")
    expect(page.locator("#lang-en")).to_have_attribute("aria-pressed", "true")
    with httpx.Client(base_url=base + "/api/v1", headers=world.auth("admin")) as client:
        assert client.get("/auth/me").json()["language"] == "en"
        (entry,) = client.get("/audit", params={"action": "user.language"}).json()["data"]
        assert entry["detail"] == {"old": None, "new": "en"} and entry["username"] == "admin"
        assert client.get("/auth/me", headers=world.auth("sup")).json()["language"] is None
    tab.languages.clear()
    page.reload()
    expect(page.locator("#view h1")).to_have_text("Admin")
    assert set(tab.languages) == {"en"}, set(tab.languages)
    tab.close()

    # a fresh Turkish browser (no stored pick): the admin's stored English wins at sign-in,
    # while the supervisor (nothing stored) gets their browser's Turkish
    fresh = Tab(browser, "tr-TR")
    fresh.page.goto(base + "/")
    expect(fresh.page.locator("#login-form h1")).to_have_text("Giriş yap")
    fresh.sign_in(base, "admin")
    expect(fresh.page.locator("#nav-admin")).to_have_text("Admin")
    expect(fresh.page.locator("#nav-queue")).to_have_text("Review queue")
    fresh.sign_out()
    fresh.sign_in(base, "sup")
    expect(fresh.page.locator("#view h1")).to_have_text("İnceleme kuyruğu")
    fresh.close()


@pytest.mark.slow
def test_an_agent_reads_their_page_in_turkish_on_a_phone(
        live: tuple[str, World], browser: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, _world = live
    tab = Tab(browser, "tr-TR")
    tab.page.set_viewport_size(PHONE)
    tab.sign_in(base, "agent1")
    page = tab.page
    expect(page.locator("#view h1")).to_have_text("Puan kartlarım")
    expect(page.locator("#trend h2")).to_have_text("Eğilim (hafta bazında)")
    expect(page.locator("#my-scorecards thead")).to_contain_text("Çağrı başlangıcı")
    expect(page.locator("#my-scorecards .status").first).to_have_text("okunacak")
    tab.no_sideways_scroll("my scorecards")
    page.screenshot(path=str(artifacts / "tr-me-390.png"), full_page=True)
    page.locator("#my-scorecards tbody tr").first.click()
    expect(page.locator("#agent-actions h2")).to_have_text("Puan kartınız")
    expect(page.locator("#acknowledge")).to_have_text("Onayla")
    tab.no_sideways_scroll("call page")
    page.click("#nav-account")
    expect(page.locator("#password-form h2")).to_have_text("Parolanızı değiştirin")
    # the account page stores the language too; "the browser's" clears it again
    page.select_option("#language-choice", "en")
    page.click("#language-form button[type=submit]")
    expect(page.locator("#password-form h2")).to_have_text("Change your password")
    page.select_option("#language-choice", "")
    page.click("#language-form button[type=submit]")
    expect(page.locator("#password-form h2")).to_have_text("Parolanızı değiştirin")
    tab.no_sideways_scroll("account")
    tab.close()
