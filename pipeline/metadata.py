"""A recording's metadata (sidecar ``<key>.json`` or object metadata), validated.

Known fields: ``agent_id``, ``agent_name``, ``team``, ``queue``, ``direction``
(inbound/outbound), ``started_at`` (ISO 8601), ``customer_ref``, ``caller_number`` (the
caller's phone number: used only as a salted hash to link a customer's calls, never
stored), ``language`` (ISO 639-1), ``channels`` (stereo channel map,
``{"0": "agent", "1": "customer"}``), ``region`` (where the customer is served, as the
centre names it), ``channel`` (how the contact came: voice, chat, video...; lower case) and
``after_call_work_seconds`` (the agent's wrap-up after hanging up, a number >= 0: added to
the call's duration for the average handle time). Unknown fields are kept in ``extra`` so
nothing the recorder sent is lost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.errors import MetadataError
from pipeline.types import Role

KNOWN = ("agent_id", "agent_name", "team", "queue", "direction", "started_at", "customer_ref",
         "caller_number", "language", "channels", "region", "channel", "after_call_work_seconds")
MAX_ACW_SECONDS = 86400.0  # a day: more is a unit mistake (milliseconds?)
DIRECTIONS = ("inbound", "outbound")


@dataclass(frozen=True)
class CallMetadata:
    agent_id: str | None = None
    agent_name: str | None = None
    team: str | None = None
    queue: str | None = None
    direction: str | None = None
    started_at: datetime | None = None
    customer_ref: str | None = None
    language: str | None = None
    channels: dict[int, Role] | None = None
    region: str | None = None
    channel: str | None = None  # voice, chat, ... (lower case)
    after_call_work_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    caller_number: str | None = field(default=None, repr=False)  # digits; never stored

    def to_dict(self) -> dict[str, Any]:
        """What is stored with the call: everything but the caller's number."""
        data = dataclasses.asdict(self)
        del data["caller_number"]
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        data["channels"] = (
            {str(ch): role.value for ch, role in self.channels.items()} if self.channels else None
        )
        return data


def parse_metadata(raw: dict[str, Any] | None, key: str | None = None) -> CallMetadata:
    """Validate raw metadata; every problem is named with its field in one error."""
    if not raw:
        return CallMetadata()
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name in ("agent_id", "agent_name", "team", "queue", "customer_ref", "region",
                 "channel"):
        value = raw.get(name)
        if value is None:
            continue
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            values[name] = str(value).strip() or None
        else:
            problems.append(f"{name} must be a string, got {type(value).__name__}")

    if values.get("channel"):
        values["channel"] = values["channel"].lower()
    for name in ("region", "channel"):
        if len(values.get(name) or "") > 60:
            problems.append(f"{name} must be at most 60 characters")

    acw = raw.get("after_call_work_seconds")
    if acw is not None:
        if isinstance(acw, (int, float)) and not isinstance(acw, bool) \
                and 0 <= acw <= MAX_ACW_SECONDS:
            values["after_call_work_seconds"] = float(acw)
        else:
            problems.append("after_call_work_seconds must be a number of seconds from 0 to "
                            f"{MAX_ACW_SECONDS:.0f}, got {acw!r}")

    direction = raw.get("direction")
    if direction is not None:
        if isinstance(direction, str) and direction.lower() in DIRECTIONS:
            values["direction"] = direction.lower()
        else:
            problems.append(f"direction must be inbound or outbound, got {direction!r}")

    started = raw.get("started_at")
    if started is not None:
        try:
            values["started_at"] = datetime.fromisoformat(str(started).replace("Z", "+00:00"))
        except ValueError:
            problems.append(
                f"started_at must be ISO 8601 (2026-11-24T09:30:00+03:00), got {started!r}"
            )

    language = raw.get("language")
    if language is not None:
        if isinstance(language, str) and 2 <= len(language.strip()) <= 3 and language.isalpha():
            values["language"] = language.strip().lower()
        else:
            problems.append(
                f"language must be an ISO 639-1 code like 'tr' or 'en', got {language!r}"
            )

    caller = raw.get("caller_number")
    if caller is not None:
        digits = "".join(ch for ch in str(caller) if ch.isdigit())
        if isinstance(caller, bool) or not isinstance(caller, (str, int)) or len(digits) < 5:
            problems.append("caller_number must be a phone number of at least 5 digits")
        else:
            values["caller_number"] = digits[-10:]  # 0532..., +90532..., 90532... alike

    channels = raw.get("channels")
    if channels is not None:
        mapped = _parse_channels(channels)
        if isinstance(mapped, str):
            problems.append(mapped)
        else:
            values["channels"] = mapped

    if problems:
        raise MetadataError(
            "invalid metadata: " + "; ".join(problems),
            hint="Fix the sidecar <recording>.json.",
            key=key,
        )
    extra = {k: v for k, v in raw.items() if k not in KNOWN}
    return CallMetadata(**values, extra=extra)


def _parse_channels(channels: Any) -> dict[int, Role] | str:
    error = 'channels must map channel numbers to roles, like {"0": "agent", "1": "customer"}'
    if not isinstance(channels, dict) or not channels:
        return error
    mapped: dict[int, Role] = {}
    for ch, role in channels.items():
        try:
            mapped[int(ch)] = Role(str(role).lower())
        except ValueError:
            return f"{error}; got {ch!r}: {role!r}"
    return mapped
