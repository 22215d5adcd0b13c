"""Why each call was made: the contact reasons a taxonomy gave it.

    CallReason   one reason of one call (``category.subcategory``), with the confidence
                 and the rules that held (quote and time each), the most confident one
                 marked primary; replaced whole when the call is categorised again

The call itself keeps its primary reason, product and the hash of the taxonomy that
categorised it (``calls.contact_reason``, ``calls.product``, ``calls.taxonomy_hash``), so
lists and dashboards filter without a join and ``callqa recategorise`` finds the calls a
changed taxonomy has not seen. The categorising is :mod:`scoring.categorise`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.db.models import Base
from pipeline.db.times import utc_now

__all__ = ["CallReason"]


class CallReason(Base):
    __tablename__ = "call_reasons"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    taxonomy: Mapped[str] = mapped_column(String(100))  # name
    taxonomy_version: Mapped[str] = mapped_column(String(50))
    code: Mapped[str] = mapped_column(String(120), index=True)  # category.subcategory
    category: Mapped[str] = mapped_column(String(60), index=True)
    subcategory: Mapped[str] = mapped_column(String(60))
    confidence: Mapped[float] = mapped_column(Float)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    hits: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the rules that held
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
