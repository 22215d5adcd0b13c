"""A person's scorecard (a closed review, an accepted dispute) outranks a rescore: the new
automatic scorecard goes to the call's history and the human one stays current, unless
the rescore is told to override it (``override_human``, ``--override-human``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api import conftest as api_fixtures
from tests.api.conftest import Api
from tests.api.test_api_admin import ADMIN, V2, upload

api, db_url = api_fixtures.api, api_fixtures.db_url  # the seeded API world of tests/api


def close_review(api: Api, name: str, final: float) -> int:
    """sup reviews the call ``name`` and closes it with ``final``; the human score's id."""
    call_id = api.world.calls[name]
    r = api.post("/api/v1/reviews", "sup", json={"call_id": call_id})
    assert r.status_code == 201, r.text
    closed = api.post(f"/api/v1/reviews/{r.json()['id']}/close", "sup",
                      json={"final_score": final, "comment": "heard it myself"})
    assert closed.status_code == 200, closed.text
    return int(closed.json()["final_score_id"])


def history(api: Api, name: str) -> list[tuple[int, bool, float, str]]:
    """(id, current, total, rubric version) of each scorecard of the call, oldest first."""
    from pipeline.db.models import ScoreRecord
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        rows = s.scalars(select(ScoreRecord).where(
            ScoreRecord.call_id == api.world.calls[name]).order_by(ScoreRecord.id)).all()
        return [(r.id, r.current, r.total, r.rubric.version) for r in rows]


def test_is_human_score_knows_reviews_and_accepted_disputes(api: Api) -> None:
    from pipeline.db.scores import current_human_total, is_human_score
    from pipeline.db.session import session_scope

    human = close_review(api, "a1_flagged", 91.0)
    d = api.post(f"/api/v1/disputes/{api.world.disputes['a2_flagged']}/decision", "sup",
                 json={"decision": "accepted", "comment": "fair", "verdicts": [{
                     "criterion_result_id": api.world.results["a2_flagged"]["greeting"],
                     "verdict": "pass"}]})
    assert d.status_code == 200, d.text
    with session_scope(api.world.url) as s:
        assert is_human_score(s, human)
        assert is_human_score(s, int(d.json()["new_score_id"]))
        assert not is_human_score(s, api.world.scores["a1_clean"])
        assert current_human_total(s, api.world.calls["a1_flagged"]) == 91.0
        assert current_human_total(s, api.world.calls["a2_flagged"]) == 44.4  # greeting passed
        assert current_human_total(s, api.world.calls["a1_clean"]) is None


def test_scoring_a_reviewed_call_keeps_the_human_score_current(api: Api) -> None:
    from flows.score_calls import models_for, score_stored_call
    from pipeline.db.session import session_scope
    from scoring import parse_rubric

    v2 = parse_rubric(V2, source="v2")
    call_id = api.world.calls["a1_flagged"]

    def score(override_human: bool = False):  # type: ignore[no-untyped-def]
        with session_scope(api.world.url) as s:
            return score_stored_call(s, call_id, (v2,), models_for(api.settings),
                                     override_human=override_human)

    # not reviewed yet: rescored as before, the new scorecard is current
    plain = score()
    assert plain.kept_human is None and plain.note == "" and plain.total is not None
    assert [(r[1], r[3]) for r in history(api, "a1_flagged")] == [(False, "1.0"), (True, "2.0")]

    human = close_review(api, "a1_flagged", 91.0)
    kept = score()
    assert kept.kept_human == 91.0 and kept.note == "kept human score 91"
    assert kept.total == plain.total != 91.0
    rows = history(api, "a1_flagged")
    assert [r[1] for r in rows] == [False, False, True, False]  # auto, v2, human, v2 again
    assert rows[2][:3] == (human, True, 91.0) and rows[3][2:] == (kept.total, "2.0")

    # told to, a rescore replaces the human score
    over = score(override_human=True)
    assert over.kept_human is None
    rows = history(api, "a1_flagged")
    assert [r[1] for r in rows] == [False, False, False, False, True]
    assert rows[4][2:] == (over.total, "2.0")


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_rescore_route_and_command_report_kept_human_scores(api: Api) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    close_review(api, "a1_flagged", 91.0)
    v2 = upload(api)
    r = api.post(f"{ADMIN}/rubrics/{v2['id']}/rescore", "admin")
    assert r.status_code == 200, r.text
    # a1_flagged is the one English inbound call; it keeps its reviewed 91
    assert r.json() == {"rubric": "inbound_service_en v2.0", "scored": 1, "unscored": 2,
                        "kept_human": 1}
    current = [row for row in history(api, "a1_flagged") if row[1]]
    assert [(total, version) for _, _, total, version in current] == [(91.0, "1.0")]
    entry = api.audit("rubric.rescore")[0]["detail"]
    assert (entry["kept_human"], entry["override_human"]) == (1, False)

    # the command line: the same rule, and --override-human
    from pipeline.settings import get_settings

    get_settings.cache_clear()
    env = {"CALLQA_DATABASE_URL": api.world.url, "CALLQA_HOME": str(api.settings.home)}
    runner = CliRunner()
    cli = runner.invoke(app, ["rescore", "--rubric", "inbound_service_en"], env=env)
    assert cli.exit_code == 0, cli.output
    text = " ".join(cli.output.split())  # rich wraps long lines
    assert "(1 kept their human score)" in text
    assert "kept human score 91.0 (the new score is history)" in text
    cli = runner.invoke(app, ["rescore", "--rubric", "inbound_service_en", "--override-human"],
                        env=env)
    assert cli.exit_code == 0, cli.output
    assert "kept human" not in cli.output
    current = [row for row in history(api, "a1_flagged") if row[1]]
    assert len(current) == 1 and current[0][2] != 91.0
