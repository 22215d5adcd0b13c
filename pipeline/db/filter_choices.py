"""What a person can pick in the call filters, from the calls in their sight: the teams,
agents (with their names), queues and languages those calls have, and the flag codes on
their current scorecards. Each is one DISTINCT over an indexed column (or a short join),
so the queue page can offer choices instead of a free text box at 100,000 calls."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.models import Agent, Call, FlagRecord, ScoreRecord, Team
from pipeline.db.search import in_scope

__all__ = ["FilterChoices", "filter_choices"]


@dataclass(frozen=True)
class FilterChoices:
    teams: list[str] = field(default_factory=list)
    agents: list[tuple[str, str | None]] = field(default_factory=list)  # (external id, name)
    queues: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def filter_choices(session: Session, *, agent_ids: Collection[int] | None = None,
                   team_ids: Collection[int] | None = None) -> FilterChoices:
    """The choices among the calls of ``agent_ids``' agents and ``team_ids``' teams
    (None: any), each sorted."""
    scope = in_scope(Call.agent_id, Call.team_id, agent_ids, team_ids)

    def distinct(query: Any) -> list[str]:
        return sorted({v for v in session.scalars(query.distinct()) if v})

    teams = distinct(select(Team.name).join(Call, Call.team_id == Team.id).where(*scope))
    agents = sorted(session.execute(
        select(Agent.external_id, Agent.name).distinct()
        .join(Call, Call.agent_id == Agent.id).where(*scope)).tuples().all(),
        key=lambda a: ((a[1] or a[0]).casefold(), a[0]))
    flags = distinct(select(FlagRecord.code)
                     .join(ScoreRecord, ScoreRecord.id == FlagRecord.score_id)
                     .join(Call, Call.id == ScoreRecord.call_id)
                     .where(ScoreRecord.current, *scope))
    return FilterChoices(teams=teams, agents=list(agents),
                         queues=distinct(select(Call.queue).where(*scope)),
                         languages=distinct(select(Call.language).where(*scope)), flags=flags)
