"""Every CLI listing as a person reads it (80 columns when piped, ids and names whole on
one line, ``--wide`` for every column) and as a script reads it (``--json``, ``--csv``
with the same fields), on the seeded world (issue 13's terminal part)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from api.cli.render import CALL_FIELDS
from tests.api.conftest import World, seed
from tests.api.test_cli import callqa


@pytest.fixture
def world(callqa_home: Path) -> World:
    return seed(f"sqlite:///{callqa_home / 'callqa.db'}", callqa_home / "recordings")


def narrow(home: Path, *args: str) -> str:
    result = callqa(home, *args, env_extra={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    too_wide = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert not too_wide, "\n".join(too_wide)
    return result.stdout


def test_calls_in_80_columns_keep_ids_and_names_whole(callqa_home: Path, world: World) -> None:
    table = narrow(callqa_home, "calls")
    lines = table.splitlines()
    for call_id in world.calls.values():
        assert any(call_id[:8] in line for line in lines), call_id
    for name in ("Ayşe Yılmaz", "Mark Evans"):
        assert any(name in line for line in lines), name
    wide = callqa(callqa_home, "calls", "--wide", env_extra={"COLUMNS": "80"})
    assert wide.returncode == 0 and "longest sil. s" in wide.stdout
    assert "longest" not in table


def test_calls_as_json_and_csv_have_whole_ids_and_every_field(callqa_home: Path,
                                                              world: World) -> None:
    as_json = callqa(callqa_home, "calls", "--json")
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert {r["id"] for r in rows} == set(world.calls.values())
    assert all(list(r) == list(CALL_FIELDS) for r in rows)
    first = next(r for r in rows if r["id"] == world.calls["a1_flagged"])
    assert first["agent"] == "A-1" and first["agent_name"] == "Ayşe Yılmaz"
    assert first["team"] == "Billing" and isinstance(first["duration"], float)
    as_csv = callqa(callqa_home, "calls", "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    reader = csv.DictReader(io.StringIO(as_csv.stdout))
    assert tuple(reader.fieldnames or ()) == CALL_FIELDS
    assert {r["id"] for r in reader} == set(world.calls.values())
    both = callqa(callqa_home, "calls", "--json", "--csv")
    assert both.returncode == 2 and "choose --json or --csv" in both.stderr


def test_users_retention_and_rubrics_list_three_ways(callqa_home: Path, world: World) -> None:
    table = narrow(callqa_home, "user", "list")
    assert "agent1" in table and "supervisor" in table
    users = json.loads(callqa(callqa_home, "user", "list", "--json").stdout)
    assert {u["username"] for u in users} >= {"admin", "sup", "agent1"}
    agent1 = next(u for u in users if u["username"] == "agent1")
    assert agent1["agent"] == "A-1" and agent1["role"] == "agent" and agent1["active"] is True
    rows = list(csv.DictReader(io.StringIO(callqa(callqa_home, "user", "list",
                                                  "--csv").stdout)))
    assert {r["username"] for r in rows} == {u["username"] for u in users}

    set_policy = callqa(callqa_home, "retention", "set", "billing", "400")
    assert set_policy.returncode == 0, set_policy.stderr
    narrow(callqa_home, "retention", "list")
    policies = json.loads(callqa(callqa_home, "retention", "list", "--json").stdout)
    assert {"queue": "billing", "days": 400} in [
        {"queue": p["queue"], "days": p["days"]} for p in policies]
    assert policies[-1]["queue"] is None  # the default for the other queues

    narrow(callqa_home, "rubric", "list")
    rubrics = list(csv.DictReader(io.StringIO(callqa(callqa_home, "rubric", "list",
                                                     "--csv").stdout)))
    assert rubrics and all(r["rubric"] and r["origin"] for r in rubrics)
