"""The ``complaint-sla`` flow: escalate the complaint cases past their stage's deadline
(every 15 minutes). Each case escalates once per deadline, so running it often, or twice
at once, escalates nothing twice (:func:`pipeline.db.complaint_escalation.escalate_overdue`);
each escalation queues ``complaint.escalated`` for the owner and the team's supervisors
in the same transaction, and the notification flow delivers it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.db.complaint_escalation import escalate_overdue
from pipeline.db.session import ensure_schema, session_scope
from pipeline.db.times import utc_now
from pipeline.settings import get_settings


@task(name="escalate-overdue-complaints", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def escalate(now: datetime) -> list[dict[str, Any]]:
    settings = get_settings()
    with session_scope(settings.resolved_database_url) as session:
        return [e.to_dict() for e in escalate_overdue(session, now)]


@flow(name="complaint-sla", log_prints=True)
def complaint_sla(now: datetime | None = None) -> list[dict[str, Any]]:
    """Escalate every overdue complaint case as of ``now`` (default: the present)."""
    ensure_schema(get_settings().resolved_database_url)
    made = escalate(now or utc_now())
    logger = get_run_logger()
    for e in made:
        logger.warning("complaint %s escalated to level %d: %s was due %s", e["reference"],
                       e["level"], e["deadline"], e["due_at"])
    logger.info("%d complaint case(s) escalated", len(made))
    return made
