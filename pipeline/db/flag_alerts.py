"""``flag.critical``: when a call's current scorecard carries a critical or high-severity
flag, its team's supervisors and the subscribed webhooks are told (through the outbox,
in the scorecard's own transaction).

Critical and high are the severities that notify: in the default rules ``auto_fail`` is
critical and ``legal_threat``, ``regulator`` and ``pii_spoken_by_agent`` are high; medium
and low flags (a low score, a cancellation, negative sentiment, silence) wait in the
review queue. Each (call, flag code) notifies once: a rescore of the same call with the
same flag adds nothing; a new critical flag on a rescore notifies for that flag. A
scorecard stored as history (a person's verdict stays current) notifies nothing.

The payload holds ids, codes and a link only: no transcript text, no flag reason (a
reason can quote the customer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from pipeline.db.models import Call
from pipeline.db.outbox import notify, public_link

__all__ = ["NOTIFYING_SEVERITIES", "notify_critical_flags"]

NOTIFYING_SEVERITIES = frozenset({"critical", "high"})


def notify_critical_flags(session: Session, call_id: str, score_id: int | None,
                          flags: Iterable[dict[str, Any]]) -> int:
    """Queue ``flag.critical`` for the critical/high ``flags`` of ``call_id``'s new current
    scorecard; returns how many deliveries were queued."""
    serious = [f for f in flags if str(f.get("severity")) in NOTIFYING_SEVERITIES]
    if not serious:
        return 0
    call = session.get(Call, call_id)
    if call is None:
        return 0
    when = call.started_at or call.created_at
    title = " · ".join(p for p in (call.queue, when.strftime("%Y-%m-%d %H:%M UTC")
                                   if when else None) if p) or call_id
    queued = 0
    for flag in serious:
        payload = {
            "call_id": call_id, "score_id": score_id, "title": title,
            "flags": [{"code": flag["code"], "severity": flag["severity"]}],
            "team_id": call.team_id, "agent_id": call.agent_id, "queue": call.queue,
            "link": public_link(f"/#/calls/{call_id}"),
        }
        queued += notify(session, "flag.critical", "call", call_id, payload,
                         dedup_key=f"flag:{flag['code']}", team_id=call.team_id)
    return queued
