"""The supervisors' dashboards, the admin pages, clip deletion and the account page in a
real browser (Debian's chromium via Playwright, the app on uvicorn; fixtures shared with
test_web_ui.py). The dashboard test adds eight weeks of scored calls for five agents in
three teams, so the charts have something to show."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import test_web_ui as harness
from tests.api.conftest import PASSWORD, RUBRIC, World, flag, scorecard
from tests.api.test_web_ui_people import sign_in

artifacts, live, page = harness.artifacts, harness.live, harness.page

# agent -> team, base score; a week's calls score base + week * trend
AGENTS = {"A-1": ("Billing", 62, 3), "A-4": ("Billing", 85, -1), "A-5": ("Sales", 55, 4),
          "A-6": ("Sales", 75, 0), "A-7": ("Retention", 90, -2)}
MONDAY = datetime(2026, 10, 5, 9, tzinfo=UTC)


def add_history(world: World) -> int:
    """Three calls a week for eight weeks per agent, with metrics, flags and sentiment;
    how many calls were added."""
    from sqlalchemy import select

    from pipeline.db.models import Agent, Call, CallMetricsRecord, RubricRecord, Team
    from pipeline.db.scores import save_scorecard
    from pipeline.db.session import session_scope

    added = 0
    with session_scope(world.url) as s:
        rubric = s.scalar(select(RubricRecord))
        teams = {t.name: t for t in s.scalars(select(Team))}
        agents = {a.external_id: a for a in s.scalars(select(Agent))}
        assert rubric is not None
        for ext, (team, base, trend) in AGENTS.items():
            teams.setdefault(team, Team(name=team))
            if ext not in agents:
                agents[ext] = Agent(external_id=ext, name=f"Agent {ext}", team=teams[team])
            for week in range(8):
                for n in range(3):
                    total = max(0.0, min(100.0, base + week * trend + (n - 1) * 6))
                    failed = n == 0 and week % 3 == 0 and base < 70
                    key = f"{ext}-{week}-{n}"
                    call = Call(content_hash=key, source_key=f"h/{key}.wav", store_url="x",
                                status="done", agent=agents[ext], team=teams[team],
                                queue="billing" if team == "Billing" else "sales",
                                direction="inbound" if n else "outbound", language="en",
                                started_at=MONDAY + timedelta(weeks=week, days=n, hours=n),
                                duration=180.0 + 20 * n)
                    call.metrics = CallMetricsRecord(
                        duration=180.0 + 20 * n + week * 5, talk_agent=90.0, talk_customer=60.0,
                        talk_ratio_agent=0.45 + 0.05 * n, silence=30.0, silence_pct=12.0 + week,
                        longest_silence=8.0, overtalk=2.0 + n, interruptions_agent=1,
                        interruptions_customer=0, wpm_agent=130.0, wpm_customer=110.0,
                        hold_gaps=0, utterances=20)
                    s.add(call)
                    s.flush()
                    flags = [flag("low_score", "high", 50.0)] if total < 60 else []
                    sentiment = [{"role": "customer", "start": -0.2, "end": (total - 60) / 50}]
                    card = {**scorecard({}, flags), "total": 0.0 if failed else total,
                            "auto_failed": failed, "sentiment": sentiment}
                    save_scorecard(s, call.id, rubric.id, card)
                    added += 1
    return added


@pytest.mark.slow
def test_supervisor_reads_the_dashboards(live: tuple[str, World], page: Any,
                                         artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    added = add_history(world)
    console = sign_in(page, base, "sup")
    page.click("#nav-dashboards")

    # by team (the default), per week: a line per team, bars for the period
    expect(page.locator("#line-average_score")).to_be_visible()
    legend = page.locator("#dashboard-legend .legend-item")
    expect(legend).to_have_text(["Billing", "Sales", "Retention"])
    lines = page.locator("#line-average_score g.series")
    expect(lines).to_have_count(3)
    assert page.locator("#line-average_score g.series[data-series=Retention] circle").count() == 8
    expect(page.locator("#bars-average_score rect.bar")).to_have_count(3)
    expect(page.locator("#dashboard")).to_contain_text("Customer sentiment at the end")
    # the week of 2026-11-16 has the seeded world's a1_flagged (44.4) and a1_clean (100)
    tip = page.locator("#line-average_score g.series[data-series=Retention] circle title").first
    expect(tip).to_have_text("Retention · 5 Oct 2026: 90.0 (3 calls)")
    retention_bar = page.locator("#bars-average_score rect.bar title").nth(2)
    expect(retention_bar).to_have_text("Retention: 83.0 (24 calls)")  # 90 - 2 * 3.5 weeks
    page.screenshot(path=str(artifacts / "dashboard-team.png"), full_page=True)

    # by agent, the top 3 by calls and the rest as "others"; per month; all metrics
    page.select_option("#dashboard-form select[name=group_by]", "agent")
    page.select_option("#dashboard-form select[name=top]", "3")
    page.select_option("#dashboard-form select[name=period]", "month")
    page.select_option("#dashboard-form select[name=show]", "all")
    page.click("#dashboard-form button[type=submit]")
    expect(legend).to_have_count(4)
    expect(legend.last).to_have_text("others")
    expect(page.locator("#line-avg_duration")).to_be_visible()
    months = page.locator("#line-calls g.series").first.locator("circle")
    expect(months).to_have_count(2)  # October and November
    page.screenshot(path=str(artifacts / "dashboard-agents-month.png"), full_page=True)

    # a date range: only October's weeks
    page.select_option("#dashboard-form select[name=period]", "week")
    page.fill("#dashboard-form input[name=from]", "2026-10-01")
    page.fill("#dashboard-form input[name=to]", "2026-10-31")
    page.click("#dashboard-form button[type=submit]")
    expect(page.locator(".dashboard-head")).to_contain_text(f"{5 * 3 * 4} scored calls")
    # the CSV export has the same rows
    with page.expect_download() as info:
        page.click("#export-csv")
    saved = artifacts / "dashboard.csv"
    info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8"))))
    assert {r["start"] for r in rows} == {"2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"}
    assert sum(int(r["calls"]) for r in rows) == 60 and added == 120

    # the period at a glance; a tile opens the calls behind it, in the search
    expect(page.locator("#kpis .kpi")).to_have_count(5)
    expect(page.locator("#kpis .kpi[data-metric=calls] .kpi-value")).to_have_text("60")
    page.click("#kpis .kpi[data-metric=calls] a")
    expect(page.locator("#search-scope")).to_contain_text("1 Oct 2026 – 31 Oct 2026")
    expect(page.locator(".pager")).to_contain_text("of 60")
    page.go_back()

    # by agent: names, not ids; a bar opens that agent's calls of the period
    page.select_option("#dashboard-form select[name=group_by]", "agent")
    page.click("#dashboard-form button[type=submit]")
    expect(legend.first).to_have_text("Ayşe Yılmaz")  # A-1, the most calls in October
    expect(page.locator("#line-average_score text.axis-title")).to_have_count(0)
    page.locator("#bars-average_score a.drill").first.click()
    expect(page.locator("#search-scope")).to_contain_text("Agent A-1")
    expect(page.locator(".pager")).to_contain_text("of 12")  # 3 a week, 4 weeks
    assert page.locator("#search-results tbody tr").count() == 12
    page.go_back()

    # a single week is not drawn as lone dots: the bars say it
    page.fill("#dashboard-form input[name=from]", "2026-10-05")
    page.fill("#dashboard-form input[name=to]", "2026-10-11")
    page.click("#dashboard-form button[type=submit]")
    expect(page.locator(".card.metric .one-period").first).to_contain_text("One week only")
    expect(page.locator("#line-average_score")).to_have_count(0)
    assert not console, f"console errors: {console}"


@pytest.mark.slow
def test_admin_manages_users_teams_rubrics_and_reads_the_audit_log(
        live: tuple[str, World], page: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    console = sign_in(page, base, "admin")
    page.click("#nav-admin")

    # users: create one, make them a supervisor, reset their password, deactivate them
    expect(page.locator("#users-table tr[data-username=sup]")).to_be_visible()
    form = page.locator("#user-form")
    form.locator("input[name=username]").fill("deniz")
    form.locator("input[name=full_name]").fill("Deniz Arslan")
    form.locator("select[name=role]").select_option("trainer")
    form.locator("input[name=password]").fill("first password 1")
    form.locator("button[type=submit]").click()
    notice = page.locator("#admin-notice")
    expect(notice).to_have_text("Created deniz (trainer).")
    row = page.locator("#users-table tr[data-username=deniz]")
    expect(row).to_contain_text("Deniz Arslan")
    expect(row.locator(".user-teams")).to_have_text("no team")
    row.locator("select[name=role]").select_option("supervisor")
    row.locator("select[name=team_ids]").select_option(["Billing"])  # what they will see
    row.locator("button.save-role").click()
    expect(notice).to_have_text("deniz is now supervisor.")
    expect(row.locator("select[name=role]")).to_have_value("supervisor")
    expect(row.locator(".user-teams")).to_have_text("Billing")
    expect(row.locator("select[name=team_ids] option:checked")).to_have_text(["Billing"])
    row.locator("input[name=password]").fill("second password 2")
    row.locator("button[type=submit]").click()
    expect(notice).to_contain_text("deniz's password is reset")
    with httpx.Client(base_url=base + "/api/v1") as client:
        r = client.post("/auth/login", json={"username": "deniz", "password": "second password 2"})
        assert r.status_code == 200
        row.locator("button.deactivate").click()
        expect(notice).to_have_text("deniz is deactivated.")
        expect(row.locator(".status")).to_have_text("deactivated")
        r = client.post("/auth/login", json={"username": "deniz", "password": "second password 2"})
        assert r.status_code == 401
    expect(page.locator("#users-table tr[data-username=admin] button.deactivate")).to_be_disabled()
    page.screenshot(path=str(artifacts / "admin-users.png"), full_page=True)

    # teams and agents: a new team, a new agent in it, an agent moved to it
    page.click("#tab-teams")
    page.fill("#team-form input[name=name]", "Retention")
    page.click("#team-form button[type=submit]")
    expect(notice).to_have_text("Added team Retention.")
    expect(page.locator("#team-list")).to_contain_text("Retention")
    page.fill("#agent-form input[name=external_id]", "A-9")
    page.fill("#agent-form input[name=name]", "Elif Demir")
    page.select_option("#agent-form select[name=team_id]", label="Retention")
    page.click("#agent-form button[type=submit]")
    expect(notice).to_have_text("Added agent A-9.")
    team_of = "#agents-table tr[data-agent={}] select option:checked".format
    expect(page.locator(team_of("A-9"))).to_have_text("Retention")
    moved = page.locator("#agents-table tr[data-agent=A-2]")
    moved.locator("select").select_option(label="Retention")
    moved.locator("button.save-agent").click()
    expect(notice).to_have_text("A-2: Mark Evans, Retention.")
    expect(page.locator(team_of("A-2"))).to_have_text("Retention")
    page.screenshot(path=str(artifacts / "admin-teams.png"), full_page=True)

    # rubrics: a bad version names its line; a good one is stored and activated
    page.click("#tab-rubrics")
    v1_rows = page.locator("#rubrics-table tr[data-rubric='inbound_service_en@1.0']")
    expect(v1_rows.first).to_be_visible()
    v1 = RUBRIC.read_text("utf-8")
    lines = v1.splitlines()
    bad_line = next(i for i, line in enumerate(lines, 1) if line.strip() == "points: 10")
    bad = v1.replace('version: "1.0"', 'version: "2.0"').splitlines()
    bad[bad_line - 1] = bad[bad_line - 1].replace("points:", "pionts:")
    page.fill("#rubric-editor textarea", "\n".join(bad))
    page.click("#validate-rubric")
    expect(page.locator("#rubric-result .error")).to_contain_text(f":{bad_line}:")
    expect(page.locator("#rubric-error-lines li.bad-line")).to_contain_text("pionts: 10")
    page.screenshot(path=str(artifacts / "admin-rubric-error.png"), full_page=True)
    page.fill("#rubric-editor textarea", v1.replace('version: "1.0"', 'version: "2.0"'))
    page.click("#validate-rubric")
    expect(page.locator("#rubric-ok")).to_contain_text("Valid: inbound_service_en v2.0")
    page.click("#upload-rubric")
    expect(notice).to_contain_text("Stored inbound_service_en v2.0")
    v2 = page.locator("#rubrics-table tr[data-rubric='inbound_service_en@2.0']")
    expect(v2).to_be_visible()
    v2.locator("button.activate-rubric").click()
    expect(notice).to_have_text("inbound_service_en v2.0 now scores new calls.")
    expect(v2.locator(".status")).to_have_text("active")
    expect(v1_rows.locator(".badge")).to_have_count(0)  # no 1.0 is active any more
    page.screenshot(path=str(artifacts / "admin-rubrics.png"), full_page=True)

    # the audit log: filtered by action, then by user
    page.click("#tab-audit")
    expect(page.locator("#audit-table tbody tr").first).to_be_visible()
    page.fill("#audit-filters input[name=action]", "user.update")
    page.click("#audit-filters button[type=submit]")
    entries = page.locator("#audit-table tbody tr")
    expect(entries).to_have_count(3)  # role, password, deactivation
    expect(entries.first).to_contain_text("active=false")
    page.click("#audit-filters button[type=reset]")
    page.select_option("#audit-filters select[name=user_id]", label="admin")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator("#audit-table tbody tr[data-action='rubric.activate']")).to_have_count(1)
    expect(page.locator("#audit-table tbody tr[data-action='agent.create']")).to_have_count(1)
    page.screenshot(path=str(artifacts / "admin-audit.png"), full_page=True)
    # an entry about a call links to it: the admin played a call's recording
    flagged = world.calls["a1_flagged"]
    page.goto(f"{base}/#/calls/{flagged}")
    expect(page.locator("#player")).to_be_attached()
    harness.wait_until(page, "document.getElementById('player').readyState >= 1")
    page.goto(f"{base}/#/admin?tab=audit&action=call.audio")
    played = page.locator("#audit-table tbody tr[data-action='call.audio']").first
    expect(played.locator("a.audit-call")).to_have_text(f"call {flagged[:8]}")
    expect(page.locator("#audit-table")).not_to_contain_text("null")
    played.locator("a.audit-call").click()
    expect(page).to_have_url(f"{base}/#/calls/{flagged}")
    console = [c for c in console if "422" not in c]  # the bad rubric's validation answer
    assert not console, f"console errors: {console}"


@pytest.mark.slow
def test_trainer_deletes_a_clip_and_changes_their_password(
        live: tuple[str, World], page: Any, artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, world = live
    console = sign_in(page, base, "trainer")
    page.click("#nav-library")
    clips = page.locator("#clip-list li.clip")
    expect(clips).to_have_count(2)
    doomed = page.locator(f"#clip-list li.clip[data-clip-id='{world.clips['a1_flagged']}']")
    doomed.locator("button.delete-clip").click()
    expect(doomed.locator(".confirm-delete")).to_be_visible()
    doomed.locator("button.confirm-no").click()  # changed their mind: nothing happens
    expect(doomed.locator(".confirm-delete")).to_be_hidden()
    doomed.locator("button.delete-clip").click()
    page.screenshot(path=str(artifacts / "library-delete-confirm.png"), full_page=True)
    doomed.locator("button.confirm-yes").click()
    expect(page.locator("#clip-list .clip-deleted")).to_contain_text("deleted")
    expect(clips).to_have_count(1)
    with httpx.Client(base_url=base + "/api/v1", headers=world.auth("trainer")) as client:
        assert client.get(f"/clips/{world.clips['a1_flagged']}").status_code == 404
        assert client.get(f"/clips/{world.clips['a2_flagged']}").status_code == 200

    # the account page: a wrong current password is refused, then the change works
    page.click("#nav-account")
    form = page.locator("#password-form")
    form.locator("input[name=current_password]").fill("not my password")
    form.locator("input[name=new_password]").fill("a new long passphrase")
    form.locator("input[name=repeat]").fill("a new long passphrase")
    form.locator("button[type=submit]").click()
    expect(page.locator("#password-result .error")).to_contain_text("current password is wrong")
    form.locator("input[name=current_password]").fill(PASSWORD)
    form.locator("input[name=new_password]").fill("a new long passphrase")
    form.locator("input[name=repeat]").fill("a new long passphrase")
    form.locator("button[type=submit]").click()
    expect(page.locator("#password-changed")).to_be_visible()
    page.screenshot(path=str(artifacts / "account-password.png"), full_page=True)
    with httpx.Client(base_url=base + "/api/v1") as client:
        r = client.post("/auth/login",
                        json={"username": "trainer", "password": "a new long passphrase"})
        assert r.status_code == 200
    page.click("#nav-library")  # this tab's session survived the change
    expect(clips).to_have_count(1)
    console = [c for c in console if "403" not in c]  # the refused try's answer
    assert not console, f"console errors: {console}"
