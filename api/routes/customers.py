"""Everything of one customer, per KVKK/GDPR request (admins only, audited).

    DELETE /customers/{customer_ref}?reason=...   erase every call whose metadata names
                                                  the customer (404 if none does)
    GET /customers/{customer_ref}/export          that person's calls: redacted
                                                  transcripts, scorecards, clips (JSON)

The audit log names the customer only by a SHA-256 fingerprint. The rules are
:mod:`scoring.work.erasure` over :mod:`pipeline.db.customer_erasure`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminUser, ReaderLanguage, SessionDep, SettingsDep, StaffUser
from api.reason_views import reason_title, titles_taxonomy
from api.schemas.customers import (
    CustomerCallPublic,
    CustomerCallsPublic,
    CustomerErasurePublic,
    CustomerExport,
)
from pipeline.db.audit import fingerprint
from pipeline.settings import Settings
from scoring.work import erasure
from scoring.work.customer_view import CustomerCalls, calls_of_customer, customer_of_call

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


@router.delete("/{customer_ref}",
               summary="Erase every call of one customer for good (admins; reason required)")
def erase_customer(
    customer_ref: str, admin: AdminUser, session: SessionDep, settings: SettingsDep,
    reason: Annotated[str, Query(min_length=3, max_length=500, description=(
        "Why; kept in the audit log (write no personal data here)."))],
) -> CustomerErasurePublic:
    report = erasure.erase_customer_data(session, settings, admin, customer_ref, reason=reason)
    return CustomerErasurePublic(**{**report.to_dict(), "at": report.at})


@router.get("/{customer_ref}/export",
            summary="Export one customer's calls: redacted transcripts, scores, clips (admins)")
def export_customer(customer_ref: str, admin: AdminUser,
                    session: SessionDep) -> CustomerExport:
    calls = erasure.export_customer(session, admin, customer_ref)
    return CustomerExport(customer=fingerprint(customer_ref), count=len(calls), calls=calls)


def customer_public(found: CustomerCalls, settings: Settings, lang: str) -> CustomerCallsPublic:
    taxonomy = titles_taxonomy(settings)
    calls = [CustomerCallPublic(
        id=c.id, started_at=c.started_at, status=c.status,
        agent=c.agent.external_id if c.agent else None,
        agent_name=c.agent.name if c.agent else None, team=c.team.name if c.team else None,
        queue=c.queue, language=c.language, score=s.total if s else None,
        flags=[f.code for f in s.flags] if s else [], contact_reason=c.contact_reason,
        reason_title=reason_title(taxonomy, c.contact_reason, lang, c.contact_reason)
        if c.contact_reason else None, product=c.product, repeat_of=c.repeat_of)
        for c, s in found.calls]
    return CustomerCallsPublic(customer_ref=found.customer_ref, count=len(calls),
                               more=found.more, repeats=sum(1 for c in calls if c.repeat_of),
                               calls=calls)


@router.get("/{customer_ref}", summary="One customer's calls: reasons, scores, repeats")
def customer_calls(customer_ref: str, user: StaffUser, session: SessionDep,
                   settings: SettingsDep, lang: ReaderLanguage) -> CustomerCallsPublic:
    """Admins, supervisors and trainers; only the calls in the reader's sight."""
    return customer_public(calls_of_customer(session, user, customer_ref), settings, lang)


@router.get("/of-call/{call_id}",
            summary="The calls of this call's customer (also one known by number only)")
def customer_of_a_call(call_id: str, user: StaffUser, session: SessionDep,
                       settings: SettingsDep, lang: ReaderLanguage) -> CustomerCallsPublic:
    return customer_public(customer_of_call(session, user, call_id), settings, lang)
