"""The admins' library below the API (scoring.work.directory, rubric_versions, audit_log,
erasure): each rule refused with the sentence a person reads, each change audited and
committed, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import AuditLog
from pipeline.errors import Conflict, NotFound, RubricError
from scoring.work import directory, erasure, rubric_versions
from scoring.work.audit_log import list_entries
from tests.conftest import ROOT

V1 = (ROOT / "scoring" / "rubrics" / "inbound_service_en.yaml").read_text("utf-8")
V2 = V1.replace('version: "1.0"', 'version: "2.0"')
V3 = V1.replace('version: "1.0"', 'version: "3.0"')


@pytest.fixture
def session(both_db_url: str) -> Iterator[Session]:
    """A migrated database with an admin and a deactivated trainer, and a session on it."""
    from pipeline.db.session import get_engine, upgrade

    upgrade(both_db_url)
    with Session(get_engine(both_db_url)) as s:
        s.add_all([User(username="boss", role="admin", password_hash="x", active=True),
                   User(username="zed", role="trainer", password_hash="x", active=False)])
        s.commit()
        yield s


def admin(session: Session) -> User:
    return session.scalars(select(User).where(User.username == "boss")).one()


def entries(session: Session, action: str) -> list[AuditLog]:
    rows, _ = list_entries(session, action=action)
    return [entry for entry, _name in rows]


def test_a_duplicate_team_name_is_refused_with_conflict(session: Session) -> None:
    billing = directory.create_team(session, admin(session), "  Billing ")
    assert billing.name == "Billing"
    with pytest.raises(Conflict) as refused:
        directory.create_team(session, admin(session), "Billing")
    assert str(refused.value) == "a team named 'Billing' exists"
    assert [t.name for t in directory.list_teams(session)] == ["Billing"]
    assert [e.object_id for e in entries(session, "team.create")] == [str(billing.id)]


def test_agents_unknown_team_duplicate_id_and_an_update_of_only_what_is_given(
    session: Session,
) -> None:
    boss = admin(session)
    sales = directory.create_team(session, boss, "Sales")
    with pytest.raises(NotFound) as unknown:
        directory.create_agent(session, boss, external_id="A-9", team_id=10**6)
    assert str(unknown.value) == f"no team {10**6}"
    agent = directory.create_agent(session, boss, external_id=" A-1 ", name="Ayşe",
                                   team_id=sales.id)
    assert agent.external_id == "A-1" and agent.team is not None and agent.team.name == "Sales"
    with pytest.raises(Conflict, match="an agent with external id 'A-1' exists"):
        directory.create_agent(session, boss, external_id="A-1")

    moved = directory.update_agent(session, boss, agent.id, team_id=None)
    assert moved.team is None and moved.name == "Ayşe"  # the name was not given: kept
    directory.update_agent(session, boss, agent.id, name="Ayşe")
    updates = entries(session, "agent.update")
    assert len(updates) == 1  # nothing changed the second time: nothing audited
    assert updates[0].detail == {"team_id": {"from": sales.id, "to": None}}
    with pytest.raises(NotFound, match=f"no agent {10**6}"):
        directory.update_agent(session, boss, 10**6, name="x")

    directory.update_agent(session, boss, agent.id, team_id=sales.id)
    for team in ("Sales", str(sales.id)):
        found, count = directory.list_agents(session, team=team)
        assert [a.external_id for a in found] == ["A-1"] and count == 1
    assert directory.list_agents(session, team="Billing") == ([], 0)


def test_users_are_listed_by_role_and_state_and_an_unknown_one_is_not_found(
    session: Session,
) -> None:
    users, count = directory.list_users(session)
    assert [u.username for u in users] == ["boss", "zed"] and count == 2
    assert [u.username for u in directory.list_users(session, active=False)[0]] == ["zed"]
    assert [u.username for u in directory.list_users(session, role="admin")[0]] == ["boss"]
    page, count = directory.list_users(session, skip=1, limit=1)
    assert [u.username for u in page] == ["zed"] and count == 2
    with pytest.raises(NotFound) as unknown:
        directory.get_user(session, 10**6)
    assert str(unknown.value) == f"no user {10**6}"


def test_activating_a_version_deactivates_the_other_versions_of_its_name(
    session: Session,
) -> None:
    boss = admin(session)
    before = {v.name: v for v in rubric_versions.list_versions(session)}
    assert before["inbound_service_en"].shipped and before["inbound_service_en"].active
    assert before["inbound_service_en"].id is None  # shipped, never stored

    v2 = rubric_versions.store(session, boss, V2)
    assert rubric_versions.store(session, boss, V2).id == v2.id
    v3 = rubric_versions.store(session, boss, V3)
    assert not v2.active and not v3.active and not v2.shipped
    assert v2.id is not None and v3.id is not None

    assert rubric_versions.activate(session, boss, v2.id).active
    assert rubric_versions.activate(session, boss, v3.id).active
    mine = [v for v in rubric_versions.list_versions(session) if v.name == "inbound_service_en"]
    assert [v.version for v in mine if v.active] == ["3.0"]
    assert mine[0].id is None and mine[0].version == "1.0"  # the shipped one, now replaced
    others = [v for v in rubric_versions.list_versions(session)
              if v.name != "inbound_service_en"]
    assert others and all(v.active for v in others)  # other names keep their shipped rubric

    activations = entries(session, "rubric.activate")
    assert activations[0].detail["deactivated"] == [v2.id]
    assert len(entries(session, "rubric.upload")) == 3  # the same text again is audited too
    with pytest.raises(NotFound, match=f"no rubric {10**6}"):
        rubric_versions.activate(session, boss, 10**6)


def test_a_bad_rubric_is_never_stored(session: Session) -> None:
    bad = V2.replace("points: 10", "pionts: 10", 1)
    with pytest.raises(RubricError, match=r"<uploaded rubric>:\d+: .*pionts"):
        rubric_versions.store(session, admin(session), bad)
    assert all(v.id is None for v in rubric_versions.list_versions(session))
    assert entries(session, "rubric.upload") == []


def test_removing_a_retention_policy_a_queue_lacks_is_not_found(session: Session) -> None:
    boss = admin(session)
    policy = erasure.set_retention(session, boss, "billing", 30)
    assert policy.days == 30 and policy.updated_by == "boss"
    erasure.remove_retention(session, boss, "billing")
    with pytest.raises(NotFound) as missing:
        erasure.remove_retention(session, boss, "billing")
    assert str(missing.value) == "no retention policy for queue 'billing'"
    assert [e.action for e in entries(session, "retention.set")
            + entries(session, "retention.unset")] == ["retention.set", "retention.unset"]
