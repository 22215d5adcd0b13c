"""Repeat contacts across days: a customer's call on the same primary reason within the
window repeats the latest earlier one, whatever order the calls were processed in; a
call on another reason or after the window does not; erasing a call relinks the rest;
first-contact resolution and the repeat rate per agent and reason follow, with the
customer's own "I called before" (the repeat_contact flag) as a second signal. The
caller's number links calls only as a salted hash and is never stored. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.customers import customer_key
from pipeline.metadata import parse_metadata

DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SALT = "a-salt-of-sixteen-chars"


def _reasons(code: str | None) -> dict[str, Any]:
    found = [] if code is None else [{"code": code, "category": code.split(".")[0],
                                      "subcategory": code.split(".")[1], "confidence": 0.8}]
    return {"taxonomy": "t", "version": "1", "hash": "h", "reasons": found}


def _world(url: str) -> dict[str, Any]:
    from pipeline.db.models import Agent, Call, CallStatus
    from pipeline.db.session import session_scope, upgrade

    upgrade(url)
    plan = {  # name -> agent, days after DAY0, customer, reason
        "c1_first": ("A-1", 0, "ref:C-1", "billing.high_bill"),
        "c1_again": ("A-2", 3, "ref:C-1", "billing.high_bill"),
        "c1_third": ("A-2", 5, "ref:C-1", "billing.high_bill"),
        "c1_other": ("A-1", 6, "ref:C-1", "technical.no_service"),
        "c1_late": ("A-1", 20, "ref:C-1", "billing.high_bill"),  # 15 days after the third
        "c2_once": ("A-1", 1, "ref:C-2", "billing.high_bill"),
        "anon": ("A-1", 2, None, "billing.high_bill"),
    }
    ids: dict[str, Any] = {}
    with session_scope(url) as s:
        agents = {a: Agent(external_id=a) for a in ("A-1", "A-2")}
        s.add_all(agents.values())
        for name, (agent, day, key, _) in plan.items():
            call = Call(content_hash=name, source_key=f"{name}.wav", store_url="x",
                        status=CallStatus.DONE, agent=agents[agent], customer_key=key,
                        started_at=DAY0 + timedelta(days=day), queue="billing")
            s.add(call)
            s.flush()
            ids[name] = call.id
    ids["plan"] = plan
    return ids


def _links(url: str, ids: dict[str, Any]) -> dict[str, str | None]:
    from pipeline.db.models import Call
    from pipeline.db.session import session_scope

    back = {v: k for k, v in ids.items() if k != "plan"}
    with session_scope(url) as s:
        return {back[c.id]: back.get(c.repeat_of) if c.repeat_of else None
                for c in s.query(Call).all()}


def test_repeats_link_across_days_in_any_order_and_after_an_erasure(
    both_db_url: str, callqa_home: Path,
) -> None:
    from pipeline.db.erasure import erase_call
    from pipeline.db.reasons import save_reasons
    from pipeline.db.session import session_scope
    from pipeline.store import LocalStore

    url, ids = both_db_url, _world(both_db_url)
    order = ["c1_third", "c1_late", "c1_first", "anon", "c1_other", "c2_once", "c1_again"]
    for name in order:  # processed out of order: the links come out the same
        with session_scope(url) as s:
            save_reasons(s, ids[name], _reasons(ids["plan"][name][3]), repeat_window_days=7)
    expected = {"c1_first": None, "c1_again": "c1_first", "c1_third": "c1_again",
                "c1_other": None, "c1_late": None, "c2_once": None, "anon": None}
    assert _links(url, ids) == expected

    with session_scope(url) as s:  # a wider window reaches the late call too
        save_reasons(s, ids["c1_late"], _reasons("billing.high_bill"), repeat_window_days=30)
    assert _links(url, ids)["c1_late"] == "c1_third"
    with session_scope(url) as s:  # recategorised to another reason: no longer a repeat
        save_reasons(s, ids["c1_again"], _reasons("payment.refund"), repeat_window_days=7)
    links = _links(url, ids)
    assert links["c1_again"] is None and links["c1_third"] == "c1_first"
    with session_scope(url) as s:  # erasing the first: the third repeats nothing in reach
        erase_call(s, LocalStore(callqa_home / "recordings"), ids["c1_first"], actor="admin",
                   reason="KVKK request 3")
    links = _links(url, ids)
    assert "c1_first" not in links and links["c1_third"] is None


def test_first_contact_resolution_and_repeat_rate_per_agent_and_reason(
    both_db_url: str, callqa_home: Path,
) -> None:
    from pipeline.db.models import FlagRecord, RubricRecord, ScoreRecord
    from pipeline.db.reasons import save_reasons
    from pipeline.db.repeats import resolution
    from pipeline.db.search import CallFilters
    from pipeline.db.session import session_scope

    url, ids = both_db_url, _world(both_db_url)
    for name, (*_, code) in ids["plan"].items():
        with session_scope(url) as s:
            save_reasons(s, ids[name], _reasons(code), repeat_window_days=7)
    with session_scope(url) as s:  # c2 says "I called before": a repeat, though unlinked
        rubric = RubricRecord(name="r", version="1", language="en", hash="r", source="x")
        s.add(rubric)
        s.flush()
        score = ScoreRecord(call_id=ids["c2_once"], rubric_id=rubric.id, total=80.0,
                            current=True, auto_failed=False, flagged=True, priority=55.0,
                            sections=[], notes=[])
        s.add(score)
        s.flush()
        s.add(FlagRecord(score_id=score.id, call_id=ids["c2_once"], code="repeat_contact",
                         severity="medium", priority=55.0, reason="called before"))
    with session_scope(url) as s:
        (everyone,) = resolution(s, CallFilters())
        # 6 calls with a customer; repeats: c1_again, c1_third (linked), c2_once (said);
        # first contacts c1_first (repeated), c1_other, c1_late: 2 of 3 resolved
        assert (everyone.calls, everyone.repeats, everyone.first_contacts,
                everyone.resolved) == (6, 3, 3, 2)
        assert (everyone.fcr, everyone.repeat_rate) == (0.6667, 0.5)
        by_agent = {r.group: (r.calls, r.repeats, r.resolved, r.fcr)
                    for r in resolution(s, CallFilters(), "agent")}
        assert by_agent == {"A-1": (4, 1, 2, 0.6667), "A-2": (2, 2, 0, None)}
        by_reason = {r.group: r.fcr for r in resolution(s, CallFilters(), "reason")}
        assert by_reason == {"billing.high_bill": 0.5, "technical.no_service": 1.0}
        assert resolution(s, CallFilters(agent="A-2"), "agent")[0].group == "A-2"
        assert resolution(s, CallFilters(), "agent", agent_ids=[]) == []


def test_the_callers_number_links_calls_only_as_a_salted_hash() -> None:
    a = parse_metadata({"caller_number": "+90 532 111 22 33"})
    b = parse_metadata({"caller_number": "0532 111 2233"})
    assert "caller_number" not in a.to_dict() and "532" not in repr(a)
    assert customer_key(a, SALT) == customer_key(b, SALT)
    assert customer_key(a, SALT) != customer_key(a, SALT + "x")
    key = customer_key(a, SALT)
    assert key is not None and key.startswith("tel:") and "5321112233" not in key
    assert customer_key(a, None) is None  # no salt: not linked by number at all
    named = parse_metadata({"caller_number": "05321112233", "customer_ref": "C-9"})
    assert customer_key(named, SALT) == "ref:C-9"
    import pytest

    from pipeline.errors import MetadataError
    with pytest.raises(MetadataError, match="caller_number must be a phone number"):
        parse_metadata({"caller_number": "12"})
