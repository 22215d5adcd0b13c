"""What an erasure of calls (:mod:`pipeline.db.erasure`) does to complaint cases.

The call's ``complaint_case_calls`` row goes with the call (it is in the erasure's plan).
A case the erasure leaves with no call keeps its reference, dates, states, outcome and
root cause (the centre's record of handling a complaint, as ISO 10002 asks), but forgets
whose complaint it was: ``customer_key`` is cleared, and the free-text notes of its
history are blanked (people write what they heard in them). The erasure blanks the same
fields in the case's audit entries.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.complaint_records import ComplaintCase, ComplaintCaseCall, ComplaintEvent

__all__ = ["cases_of_call", "forget_emptied"]

NOTE_FIELDS = ("note",)


def cases_of_call(session: Session, call_id: str) -> list[int]:
    """The ids of the cases the call belongs to (one at most)."""
    return list(session.scalars(select(ComplaintCaseCall.case_id).where(
        ComplaintCaseCall.call_id == call_id)))


def forget_emptied(session: Session, case_ids: Iterable[int], erased_text: str) -> list[int]:
    """Of these cases, those left with no call: customer forgotten, notes blanked."""
    emptied = []
    for case_id in sorted(set(case_ids)):
        left = session.scalar(select(ComplaintCaseCall.id).where(
            ComplaintCaseCall.case_id == case_id).limit(1))
        case = session.get(ComplaintCase, case_id)
        if left is not None or case is None:
            continue
        case.customer_key = None
        for event in session.scalars(select(ComplaintEvent).where(
                ComplaintEvent.case_id == case_id)):
            detail = dict(event.detail or {})
            fields = [f for f in NOTE_FIELDS if detail.get(f) not in (None, erased_text)]
            if fields:
                event.detail = {**detail, **{f: erased_text for f in fields}}
        emptied.append(case_id)
    session.flush()
    return emptied
