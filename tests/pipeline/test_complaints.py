"""Complaint cases (ISO 10002) over a real database, SQLite and PostgreSQL, with the clock
passed in: a complaint call opens a case due to be acknowledged by its category's limit;
each step moves the due date; an illegal step is refused with the steps allowed; closing
needs an outcome and a root cause of the SLA file; reopening starts the clock again;
overdue cases escalate once per deadline (twice at the same moment is once), with a
notification queued each time; a customer's later calls join their open case across
days; categorising again opens nothing twice; erasing a case's last call leaves it with
no customer and no notes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pipeline.errors import Conflict, Invalid

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOOK = '[{"name": "ops", "url": "https://hooks.example/x", "secret": "s3cret-s3cret-123"}]'


@pytest.fixture(autouse=True)
def _webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_WEBHOOKS", HOOK)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _at(value: datetime | None) -> datetime | None:
    from pipeline.db.times import as_utc

    return None if value is None else as_utc(value)


def _sla() -> Any:
    from scoring.complaint_sla import SHIPPED_SLA, read_sla

    return read_sla(SHIPPED_SLA)


def _call(s: Any, name: str, customer: str | None, started: datetime,
          reason: str | None = None, complaint: bool = False,
          flags: tuple[str, ...] = ()) -> str:
    from pipeline.db.models import Call, CallStatus, Team
    from pipeline.db.reasons import save_reasons
    from pipeline.db.scores import save_scorecard, upsert_rubric

    team = s.query(Team).filter_by(name="Billing").one_or_none() or Team(name="Billing")
    call = Call(content_hash=name, source_key=f"{name}.wav", store_url="x",
                status=CallStatus.DONE, customer_key=customer, started_at=started, team=team)
    s.add(call)
    s.flush()
    found = [] if reason is None else [{
        "code": reason, "category": reason.split(".")[0], "subcategory": reason.split(".")[1],
        "confidence": 0.9, "complaint": complaint}]
    save_reasons(s, call.id, {"taxonomy": "t", "version": "1", "hash": "h", "reasons": found},
                 7.0)
    if flags:
        rubric = upsert_rubric(s, name="r", version="1", language="en", hash="h", source="")
        save_scorecard(s, call.id, rubric.id, {
            "total": 50.0, "auto_failed": False, "sections": [], "results": [], "notes": [],
            "flags": [{"code": f, "severity": "critical", "priority": 90.0, "reason": f,
                       "evidence": []} for f in flags]})
    return call.id


def _events(s: Any, case_id: int) -> list[tuple[str, str | None, str | None]]:
    from pipeline.db.complaint_records import ComplaintEvent

    return [(e.action, e.from_status, e.to_status) for e in s.query(ComplaintEvent)
            .filter_by(case_id=case_id).order_by(ComplaintEvent.id)]


def _notices(s: Any, event: str) -> int:
    from pipeline.db.outbox import Notification

    return s.query(Notification).filter_by(event=event).count()


def test_lifecycle_refuses_illegal_steps_closes_with_a_root_cause_and_reopens(db: str) -> None:
    from pipeline.db.audit import AuditLog
    from pipeline.db.complaint_opening import open_for_call
    from pipeline.db.complaint_records import ComplaintCase
    from pipeline.db.complaints import Closure, transition
    from pipeline.db.session import session_scope

    sla = _sla()
    with session_scope(db) as s:
        call = _call(s, "c1", "ref:C-1", T0, "complaint.staff_behaviour", complaint=True)
        opened = open_for_call(s, call, sla, T0)
        assert opened is not None and opened.why == "opened"
        assert opened.signals == ("reason:complaint.staff_behaviour",)
        case = s.get(ComplaintCase, opened.case_id)
        assert case.reference == f"CMP-2026-{case.id:06d}" and case.status == "received"
        assert case.category == "complaint" and case.source == "rule"
        assert _at(case.due_at) == T0 + timedelta(hours=8)  # the complaint category: 8 h
        assert _notices(s, "complaint.opened") == 1

        with pytest.raises(Conflict, match="is received: it can go to acknowledged, not "
                                           "to investigating"):
            transition(s, case, "investigating", sla, T0)
        with pytest.raises(Invalid, match="'lost' is not a complaint state"):
            transition(s, case, "lost", sla, T0)
        at = T0 + timedelta(hours=2)
        for step in ("acknowledged", "assessed", "investigating"):
            transition(s, case, step, sla, at, note=f"now {step}")
            assert _at(case.due_at) == T0 + timedelta(days=3)  # respond within 3 days
        assert _at(case.acknowledged_at) == at
        transition(s, case, "responded", sla, at)
        assert _at(case.due_at) == T0 + timedelta(days=7)
        with pytest.raises(Invalid, match="needs its outcome and root cause"):
            transition(s, case, "closed", sla, at)
        with pytest.raises(Invalid, match=r"root cause 'bad_luck' is not one of .*"
                                          r"billing_error"):
            transition(s, case, "closed", sla, at, closure=Closure("upheld", "bad_luck"))
        with pytest.raises(Invalid, match="satisfaction must be 1 to 5"):
            transition(s, case, "closed", sla, at,
                       closure=Closure("upheld", "staff_conduct", 9))
        with pytest.raises(Invalid, match="outcome 'happy' is not one of"):
            transition(s, case, "closed", sla, at, closure=Closure("happy", "staff_conduct"))
        closed_at = T0 + timedelta(days=1)
        transition(s, case, "closed", sla, closed_at,
                   closure=Closure("upheld", "staff_conduct", 4))
        assert (case.status, _at(case.closed_at), case.due_at) == ("closed", closed_at, None)
        assert (case.outcome, case.root_cause, case.satisfaction) == (
            "upheld", "staff_conduct", 4)
        assert _notices(s, "complaint.closed") == 1
        with pytest.raises(Conflict, match="is closed: it can go to investigating"):
            transition(s, case, "responded", sla, closed_at)

        reopened_at = T0 + timedelta(days=2)
        transition(s, case, "investigating", sla, reopened_at, note="customer called back")
        assert (case.status, case.reopened, case.outcome, case.closed_at) == (
            "investigating", 1, None, None)
        assert _at(case.due_at) == reopened_at + timedelta(days=3)  # the clock starts again
        assert _at(case.opened_at) == T0
        assert _events(s, case.id) == [
            ("open", None, "received"), ("transition", "received", "acknowledged"),
            ("transition", "acknowledged", "assessed"),
            ("transition", "assessed", "investigating"),
            ("transition", "investigating", "responded"), ("close", "responded", "closed"),
            ("reopen", "closed", "investigating")]
        actions = [a.action for a in s.query(AuditLog).filter_by(
            object_type="complaint", object_id=str(case.id)).order_by(AuditLog.id)]
        assert actions == ["complaint.open", *["complaint.transition"] * 4,
                           "complaint.close", "complaint.reopen"]
        case_id = case.id
    with session_scope(db) as s:  # stored as said, read back (SQLite: naive UTC)
        case = s.get(ComplaintCase, case_id)
        assert case.status == "investigating" and case.reopened == 1


def test_overdue_cases_escalate_once_per_deadline_by_the_clock_given(db: str) -> None:
    from pipeline.db.complaint_escalation import escalate_overdue
    from pipeline.db.complaint_opening import open_for_call
    from pipeline.db.complaint_records import ComplaintCase
    from pipeline.db.complaints import transition
    from pipeline.db.session import session_scope

    sla = _sla()
    with session_scope(db) as s:  # billing: acknowledge 24 h, respond 5 d, close 10 d
        call = _call(s, "e1", "ref:C-9", T0, "billing.high_bill", complaint=True)
        case_id = open_for_call(s, call, sla, T0).case_id  # type: ignore[union-attr]
        calm = _call(s, "e2", "ref:C-8", T0, "billing.high_bill", complaint=True)
        calm_id = open_for_call(s, calm, sla, T0).case_id  # type: ignore[union-attr]
        transition(s, s.get(ComplaintCase, calm_id), "acknowledged", sla, T0)

    def run(at: datetime) -> list[tuple[int, str, int]]:
        with session_scope(db) as s:
            return [(e.case_id, e.deadline, e.level) for e in escalate_overdue(s, at)]

    assert run(T0 + timedelta(hours=23)) == []
    assert run(T0 + timedelta(hours=25)) == [(case_id, "acknowledge", 1)]
    assert run(T0 + timedelta(hours=25)) == []  # the same moment again: nothing
    assert run(T0 + timedelta(days=2)) == []  # still the same stage overdue
    with session_scope(db) as s:
        transition(s, s.get(ComplaintCase, case_id), "acknowledged", sla,
                   T0 + timedelta(days=2))
    assert run(T0 + timedelta(days=4)) == []  # respond by day 5
    assert run(T0 + timedelta(days=5, hours=1)) == [
        (case_id, "respond", 2), (calm_id, "respond", 1)]
    with session_scope(db) as s:  # another step towards the same deadline: no new level
        transition(s, s.get(ComplaintCase, case_id), "assessed", sla, T0 + timedelta(days=6))
    assert run(T0 + timedelta(days=6, hours=1)) == []
    with session_scope(db) as s:
        case = s.get(ComplaintCase, case_id)
        transition(s, case, "investigating", sla, T0 + timedelta(days=6))
        transition(s, case, "responded", sla, T0 + timedelta(days=6))
    assert run(T0 + timedelta(days=11)) == [(case_id, "close", 3)]
    assert run(datetime(2026, 12, 12, 12, 0, tzinfo=UTC) .astimezone()) == []  # any zone
    with session_scope(db) as s:
        case = s.get(ComplaintCase, case_id)
        assert case.escalation_level == 3
        assert [a for a, _, _ in _events(s, case_id)].count("escalate") == 3
        assert _notices(s, "complaint.escalated") == 4  # 3 + the calm case's one


def test_a_customers_later_calls_join_the_open_case_across_days(db: str) -> None:
    from pipeline.db.complaint_opening import open_for_call
    from pipeline.db.complaint_records import ComplaintCase, ComplaintCaseCall
    from pipeline.db.complaints import Closure, transition
    from pipeline.db.session import session_scope

    sla = _sla()
    with session_scope(db) as s:
        first = _call(s, "r1", "ref:C-1", T0, "billing.high_bill", complaint=True)
        case_id = open_for_call(s, first, sla, T0).case_id  # type: ignore[union-attr]
        # day 3: the same customer, the same reason, not itself marked a complaint: a repeat
        again = _call(s, "r2", "ref:C-1", T0 + timedelta(days=3), "billing.high_bill")
        joined = open_for_call(s, again, sla, T0 + timedelta(days=3))
        assert joined is not None and (joined.case_id, joined.why) == (case_id, "repeat")
        # day 4: a legal threat on another reason still joins the customer's open case
        threat = _call(s, "r3", "ref:C-1", T0 + timedelta(days=4), "payment.refund",
                       flags=("legal_threat",))
        assert open_for_call(s, threat, sla, T0 + timedelta(days=4)).why == "repeat"  # type: ignore[union-attr]
        # an unrelated call of the customer (another reason, no complaint) stays out
        other = _call(s, "r4", "ref:C-1", T0 + timedelta(days=4), "account.address_change")
        assert open_for_call(s, other, sla, T0 + timedelta(days=4)) is None
        # another customer's complaint is another case
        stranger = _call(s, "r5", "ref:C-2", T0 + timedelta(days=4), "billing.high_bill",
                         complaint=True)
        assert open_for_call(s, stranger, sla, T0).case_id != case_id  # type: ignore[union-attr]
        links = s.query(ComplaintCaseCall).filter_by(case_id=case_id).order_by(
            ComplaintCaseCall.attached_at).all()
        assert [(c.call_id, c.why) for c in links] == [
            (first, "opened"), (again, "repeat"), (threat, "repeat")]
        case = s.get(ComplaintCase, case_id)
        for step in ("acknowledged", "assessed", "investigating", "responded"):
            transition(s, case, step, sla, T0 + timedelta(days=5))
        transition(s, case, "closed", sla, T0 + timedelta(days=5),
                   closure=Closure("partly_upheld", "billing_error"))
        # after the closure, a new complaint of the customer is a new case
        later = _call(s, "r6", "ref:C-1", T0 + timedelta(days=9), "billing.high_bill",
                      complaint=True)
        made = open_for_call(s, later, sla, T0 + timedelta(days=9))
        assert made is not None and made.why == "opened" and made.case_id != case_id


def test_categorising_or_scoring_again_opens_no_second_case(db: str) -> None:
    from pipeline.db.complaint_opening import open_for_call
    from pipeline.db.complaint_records import ComplaintCase, ComplaintCaseCall
    from pipeline.db.reasons import save_reasons
    from pipeline.db.session import session_scope

    sla = _sla()
    found = {"taxonomy": "t", "version": "2", "hash": "h2", "reasons": [{
        "code": "billing.high_bill", "category": "billing", "subcategory": "high_bill",
        "confidence": 0.7, "complaint": True}]}
    with session_scope(db) as s:
        call = _call(s, "d1", None, T0, "billing.high_bill", complaint=True)  # no customer
        assert open_for_call(s, call, sla, T0) is not None
        for day in range(1, 4):
            save_reasons(s, call, found, 7.0)
            assert open_for_call(s, call, sla, T0 + timedelta(days=day)) is None
        assert s.query(ComplaintCase).count() == 1
        assert s.query(ComplaintCaseCall).filter_by(call_id=call).count() == 1
        calm = _call(s, "d2", "ref:C-5", T0, "billing.bill_explanation")
        assert open_for_call(s, calm, sla, T0) is None  # no complaint, no open case


def test_erasing_a_cases_last_call_forgets_its_customer_and_notes(db: str,
                                                                  tmp_path: Any) -> None:
    from pipeline.db.audit import AuditLog
    from pipeline.db.complaint_opening import open_for_call
    from pipeline.db.complaint_records import ComplaintCase, ComplaintCaseCall, ComplaintEvent
    from pipeline.db.complaints import transition
    from pipeline.db.erasure import erase_call
    from pipeline.db.session import session_scope
    from pipeline.settings import Settings
    from pipeline.store import open_store_at

    sla = _sla()
    with session_scope(db) as s:
        one = _call(s, "x1", "ref:C-7", T0, "billing.high_bill", complaint=True)
        two = _call(s, "x2", "ref:C-7", T0 + timedelta(days=1), "billing.high_bill")
        case_id = open_for_call(s, one, sla, T0).case_id  # type: ignore[union-attr]
        open_for_call(s, two, sla, T0 + timedelta(days=1))
        transition(s, s.get(ComplaintCase, case_id), "acknowledged", sla, T0,
                   note="Mrs Kaya says the bill doubled")
    store = open_store_at(str(tmp_path), Settings())
    with session_scope(db) as s:
        erase_call(s, store, one, actor="dpo", reason="customer request")
    with session_scope(db) as s:
        assert s.get(ComplaintCase, case_id).customer_key == "ref:C-7"  # a call is left
        assert [c.call_id for c in s.query(ComplaintCaseCall).filter_by(case_id=case_id)] \
            == [two]
    with session_scope(db) as s:
        erase_call(s, store, two, actor="dpo", reason="customer request")
    with session_scope(db) as s:
        case = s.get(ComplaintCase, case_id)
        assert case.customer_key is None and case.status == "acknowledged"
        assert s.query(ComplaintCaseCall).filter_by(case_id=case_id).count() == 0
        notes = [e.detail.get("note") for e in s.query(ComplaintEvent).filter_by(
            case_id=case_id) if "note" in e.detail]
        assert notes == ["[erased]"]
        logged = [a.detail.get("note") for a in s.query(AuditLog).filter_by(
            object_type="complaint", object_id=str(case_id)) if "note" in a.detail]
        assert logged == ["[erased]"]
