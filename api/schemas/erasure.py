"""Erasure of a call (KVKK/GDPR) and retention policies per queue."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import UtcDatetime
from pipeline.db.retention import MAX_DAYS


class ErasureRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500,
                        description="Why the call is erased (kept in the audit log); "
                                    "write no personal data here, e.g. 'KVKK request 2026-42'.")


class ErasurePublic(BaseModel):
    """What went. ``objects_pending``: recording objects the store could not delete now;
    the rows are gone regardless, and the daily retention run deletes them later."""

    call_id: str
    actor: str
    reason: str
    at: UtcDatetime
    removed: dict[str, int] = Field(description="Rows deleted per table.")
    audit_id: int
    audit_redacted: int = Field(description="Earlier audit entries whose free text "
                                            "(comments, reasons, notes) was blanked.")
    objects_deleted: int
    objects_kept: int = Field(description="Recordings another call was also taken from.")
    objects_pending: list[str]
    store_error: str | None


class RetentionUpdate(BaseModel):
    days: int = Field(ge=1, le=MAX_DAYS, description="Keep the queue's calls this many days.")


class RetentionPublic(BaseModel):
    queue: str = Field(description='A queue, or "*": every queue without its own policy.')
    days: int
    updated_by: str | None
    updated_at: UtcDatetime


class RetentionsPublic(BaseModel):
    data: list[RetentionPublic]
    count: int
    default_days: int | None = Field(description="Days kept for queues without a policy "
                                                 "(None: forever).")
    default_source: str = Field(description='"*" (the default policy) or '
                                            '"CALLQA_RETENTION_DAYS" (the setting).')
