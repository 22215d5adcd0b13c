"""One data subject's calls (KVKK/GDPR): erasing them all, exporting them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas import UtcDatetime


class CustomerErasurePublic(BaseModel):
    """What went. ``customer`` is the reference's fingerprint (as the audit log names it);
    ``objects_pending``: recordings the store could not delete now (retried daily)."""

    customer: str = Field(description="SHA-256 fingerprint of the customer_ref.")
    call_ids: list[str]
    actor: str
    reason: str
    at: UtcDatetime
    removed: dict[str, int] = Field(description="Rows deleted per table, over all calls.")
    audit_id: int
    audit_redacted: int = Field(description="Earlier audit entries whose free text or "
                                            "customer_ref was blanked.")
    objects_deleted: int
    objects_pending: list[str]
    store_error: str | None


class CustomerExport(BaseModel):
    """The person's calls, oldest first, each with its redacted transcript, current
    scorecards and clips."""

    customer: str = Field(description="SHA-256 fingerprint of the customer_ref.")
    count: int
    calls: list[dict[str, Any]]


class CustomerCallPublic(BaseModel):
    id: str
    started_at: UtcDatetime | None
    status: str
    agent: str | None
    agent_name: str | None
    team: str | None
    queue: str | None
    language: str | None
    score: float | None
    flags: list[str]
    contact_reason: str | None
    reason_title: str | None = Field(description="In the reader's language.")
    product: str | None
    repeat_of: str | None = Field(description="The earlier call this one repeats.")


class CustomerCallsPublic(BaseModel):
    """One customer's calls in the reader's sight, newest first (at most 200)."""

    customer_ref: str | None = Field(description="None: known by caller number only.")
    count: int
    more: bool = Field(description="The customer has more calls than listed.")
    repeats: int = Field(description="Listed calls that repeat an earlier one.")
    calls: list[CustomerCallPublic]
