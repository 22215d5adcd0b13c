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

from api.deps import AdminUser, SessionDep, SettingsDep
from api.schemas.customers import CustomerErasurePublic, CustomerExport
from pipeline.db.audit import fingerprint
from scoring.work import erasure

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
