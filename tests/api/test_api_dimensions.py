"""Region, channel and product on the dashboards; the summary's KPIs (handle time with and
without after-call work, FCR, repeat and complaint rates); the recorder's category read
from where it is stored. Every figure from the rollups equals the same figure grouped
from the calls, on SQLite and PostgreSQL, through the API and the library; the call list
and the resolution dashboard filter and group by the new dimensions too."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, seed

# name -> metadata given on ingest (as a sidecar would)
META: dict[str, dict[str, Any]] = {
    "a1_flagged": {"agent_id": "A-1", "team": "Billing", "queue": "billing",
                   "direction": "inbound", "started_at": "2026-11-20T10:00:00+00:00",
                   "customer_ref": "C-1", "region": "Marmara", "channel": "Voice",
                   "after_call_work_seconds": 30, "category": "refund", "product": "fiber"},
    "a1_clean": {"agent_id": "A-1", "team": "Billing", "queue": "billing",
                 "direction": "outbound", "started_at": "2026-11-22T10:00:00+00:00",
                 "customer_ref": "C-1", "region": "Ege", "channel": "chat"},
    "a2_flagged": {"agent_id": "A-2", "team": "Sales", "queue": "sales",
                   "direction": "outbound", "started_at": "2026-11-21T10:00:00+00:00",
                   "customer_ref": "C-2", "region": "Marmara", "channel": "voice",
                   "after_call_work_seconds": 10, "product": "mobile"},
}
FOUND = {"taxonomy": "t", "version": "1", "hash": "h", "product": None, "reasons": [
    {"code": "billing.high_bill", "category": "billing", "subcategory": "high_bill",
     "confidence": 0.9, "complaint": False, "hits": []}]}


def _world(url: str, home: Path) -> World:
    """The shared world, its calls given metadata the way ingest does (begin_call), a
    contact reason each (C-1's second call repeats the first), a2 in a complaint case."""
    from pipeline.db.calls import begin_call
    from pipeline.db.complaints import open_case
    from pipeline.db.models import Call
    from pipeline.db.reasons import save_reasons
    from pipeline.db.session import session_scope
    from pipeline.metadata import parse_metadata
    from pipeline.settings import Settings
    from scoring.complaint_sla import load_sla

    w = seed(url, home / "recordings")
    with session_scope(url) as s:
        for name, raw in META.items():
            call = s.get(Call, w.calls[name])
            assert call is not None
            begin_call(s, content_hash=call.content_hash, key=call.source_key,
                       store_url=call.store_url, metadata=parse_metadata(raw))
            call.status = "done"
        for name in META:
            product = META[name].get("product")
            save_reasons(s, w.calls[name], {**FOUND, "product": product}, 7.0)
        a2 = s.get(Call, w.calls["a2_flagged"])
        assert a2 is not None
        open_case(s, a2, load_sla(Settings()), datetime(2026, 11, 21, 12, tzinfo=UTC),
                  source="person", category=None)
    return w


def _agree(url: str, filters: Any, group_by: str) -> list[Any]:
    from pipeline.db import dashboards
    from pipeline.db.session import session_scope

    with session_scope(url) as s:
        assert dashboards._rollup_fits(filters, s.get_bind().dialect.name)
        served = dashboards.summary(s, filters, "month", group_by)  # type: ignore[arg-type]
        assert served == dashboards._from_calls(s, filters, "month", group_by, None)  # type: ignore[arg-type]
        return served


def test_dimensions_group_filter_and_kpis_from_rollups_equal_the_calls(
    both_db_url: str, callqa_home: Path,
) -> None:
    from pipeline.db.dashboards import GROUP_BYS
    from pipeline.db.search import CallFilters

    _world(both_db_url, callqa_home)
    for group in GROUP_BYS:
        _agree(both_db_url, CallFilters(), group)
    by_region = {r.group: r for r in _agree(both_db_url, CallFilters(), "region")}
    assert set(by_region) == {"Marmara", "Ege"}
    marmara, ege = by_region["Marmara"], by_region["Ege"]
    assert marmara.calls == 2 and ege.calls == 1
    assert marmara.avg_duration == 30.0 and marmara.avg_handle_time == 50.0  # 30+30, 30+10
    assert marmara.avg_acw == 20.0
    assert ege.avg_handle_time == 30.0 and ege.avg_acw is None  # no ACW: the duration
    assert {r.group: r.calls for r in _agree(both_db_url, CallFilters(), "channel")} == {
        "voice": 2, "chat": 1}  # "Voice" is stored in lower case
    assert {r.group: r.calls for r in _agree(both_db_url, CallFilters(), "product")} == {
        "fiber": 1, "mobile": 1, None: 1}
    assert {r.group for r in _agree(both_db_url, CallFilters(), "category")} == {
        "refund", "billing", "sales"}  # the recorder's category, else the queue

    [whole] = _agree(both_db_url, CallFilters(), "none")
    assert (whole.calls, whole.fcr, whole.repeat_rate) == (3, 0.5, 0.3333)  # C-1 called again
    assert whole.complaint_rate == 0.3333  # a2 is in a complaint case
    assert whole.avg_handle_time == round((60 + 30 + 40) / 3, 2)

    voice = _agree(both_db_url, CallFilters(channel="voice"), "team")
    assert {(r.group, r.calls, r.complaint_rate) for r in voice} == {
        ("Billing", 1, 0.0), ("Sales", 1, 1.0)}
    assert [r.calls for r in _agree(both_db_url, CallFilters(region="Ege"), "none")] == [1]
    assert [r.group for r in _agree(both_db_url, CallFilters(product="fiber"), "agent")] == [
        "A-1"]


def test_the_api_groups_filters_and_exports_the_new_dimensions(
    both_db_url: str, callqa_home: Path,
) -> None:
    from api.app import create_app
    from pipeline.settings import Settings

    w = _world(both_db_url, callqa_home)
    with TestClient(create_app(Settings(home=callqa_home, database_url=both_db_url))) as c:
        auth = w.auth("sup")
        r = c.get("/api/v1/dashboards/summary", headers=auth,
                  params={"period": "month", "group_by": "channel", "region": "Marmara"})
        assert r.status_code == 200, r.text
        assert [(d["group"], d["calls"], d["avg_handle_time"]) for d in r.json()["data"]] == [
            ("voice", 2, 50.0)]
        r = c.get("/api/v1/dashboards/summary.csv", headers=auth,
                  params={"period": "month", "group_by": "region"})
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert list(rows[0])[-5:] == ["avg_handle_time", "avg_acw", "fcr", "repeat_rate",
                                      "complaint_rate"]
        assert {row["group"]: row["avg_acw"] for row in rows} == {"Ege": "", "Marmara": "20.0"}
        assert c.get("/api/v1/dashboards/summary", headers=auth,
                     params={"group_by": "planet"}).status_code == 422

        listed = c.get("/api/v1/calls", headers=auth, params={"region": "Marmara",
                                                               "channel": "voice"}).json()
        assert sorted(x["id"] for x in listed["data"]) == sorted(
            [w.calls["a1_flagged"], w.calls["a2_flagged"]])
        assert c.get("/api/v1/calls", headers=auth,
                     params={"channel": "chat"}).json()["count"] == 1
        res = c.get("/api/v1/dashboards/resolution", headers=auth,
                    params={"group_by": "region"}).json()["data"]
        assert {(d["group"], d["calls"], d["repeats"]) for d in res} == {
            ("Ege", 1, 1), ("Marmara", 2, 0)}


def test_metadata_region_channel_and_after_call_work() -> None:
    from pipeline.errors import MetadataError
    from pipeline.metadata import parse_metadata

    m = parse_metadata({"region": " Marmara ", "channel": "Chat",
                        "after_call_work_seconds": 12.5, "category": "refund"})
    assert (m.region, m.channel, m.after_call_work_seconds) == ("Marmara", "chat", 12.5)
    assert m.extra == {"category": "refund"}
    for bad in (-1, "ten", True, 100_000):
        with pytest.raises(MetadataError, match="after_call_work_seconds"):
            parse_metadata({"after_call_work_seconds": bad})


@pytest.mark.postgres
def test_0018_backfills_stored_calls_from_their_metadata(both_db_url: str) -> None:
    """A call stored before 0018 (its recorder's fields under extra) gets its region,
    channel, after-call work and product; downgrading drops them again."""
    from sqlalchemy import text

    from pipeline.db.session import get_engine, session_scope, table_names, upgrade

    upgrade(both_db_url, "0017")
    meta = ('{"extra": {"region": "Ege", "channel": " Chat", "after_call_work_seconds": 15,'
            ' "product": "fiber"}}')
    with get_engine(both_db_url).begin() as conn:
        conn.execute(text(
            "INSERT INTO calls (id, content_hash, source_key, store_url, status, attempts, "
            "metadata, notes, created_at) VALUES ('c1', 'h1', 'k1', 'u', 'done', 1, :m, '[]', "
            ":at)"), {"m": meta, "at": datetime(2026, 11, 1, tzinfo=UTC)})
    upgrade(both_db_url)
    with session_scope(both_db_url) as s:
        from pipeline.db.models import Call

        call = s.get(Call, "c1")
        assert call is not None
        assert (call.region, call.channel, call.acw_seconds, call.product) == (
            "Ege", "chat", 15.0, "fiber")
    assert "surveys" in table_names(both_db_url)
