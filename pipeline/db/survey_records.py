"""Post-call survey answers, attached to calls.

    Survey   one answer of one kind (``post_call`` unless the file says otherwise) for one
             call: CSAT 1-5 and/or NPS 0-10, when it was answered, where it came from
             (the survey tool's name, or ``api`` / ``csv``), when callqa imported it

One survey per call and kind: importing it again updates the row (``uq_surveys_call_kind``),
so a re-sent file does not count twice. Erased with the call (``ON DELETE CASCADE`` and
:mod:`pipeline.db.erasure`). The import and the correlation are :mod:`pipeline.db.surveys`'s.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.db.models import Base
from pipeline.db.times import utc_now

__all__ = ["Survey"]


class Survey(Base):
    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("call_id", "kind", name="uq_surveys_call_kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="post_call")
    csat: Mapped[int | None] = mapped_column(Integer)  # 1..5
    nps: Mapped[int | None] = mapped_column(Integer)  # 0..10
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
