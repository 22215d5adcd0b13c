"""The plain results the delivery code passes around.

    Delivery  one claimed outbox row, as the sender sees it (read once, at the claim)
    Attempt   what one try at sending gave: sent, or an error that is worth retrying or
              not (``permanent``: the receiver refused it; trying again cannot help)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Delivery:
    id: int
    delivery_id: str
    event: str
    subject_type: str
    subject_id: str
    channel: str
    target: str
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0  # counting this try
    created_at: datetime | None = None


@dataclass(frozen=True)
class Attempt:
    sent: bool
    error: str | None = None  # a sentence for last_error: no secrets, no URLs with tokens
    permanent: bool = False

    @classmethod
    def ok(cls) -> Attempt:
        return cls(True)

    @classmethod
    def retry(cls, error: str) -> Attempt:
        return cls(False, error)

    @classmethod
    def dead(cls, error: str) -> Attempt:
        return cls(False, error, permanent=True)
