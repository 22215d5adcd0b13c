"""Post-call surveys: imported as JSON rows, a CSV upload and by ``callqa surveys import``;
a file with any bad row refused whole with file, line and reason (English and Turkish),
nothing stored; rows for unknown calls reported by line and not stored; a re-import
updates; erased with the call; the per-team correlation on a small known set, JSON and
CSV."""

from __future__ import annotations

import csv
import io
import statistics
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Api, World, seed


def _surveys(url: str) -> list[tuple[str, str, int | None, int | None, str]]:
    from sqlalchemy import select

    from pipeline.db.session import session_scope
    from pipeline.db.survey_records import Survey

    with session_scope(url) as s:
        return sorted((r.call_id, r.kind, r.csat, r.nps, r.source)
                      for r in s.scalars(select(Survey)))


def test_json_rows_import_report_unknown_calls_and_update_on_reimport(
    both_db_url: str, callqa_home: Path,
) -> None:
    from api.app import create_app
    from pipeline.settings import Settings

    w: World = seed(both_db_url, callqa_home / "recordings")
    rows: list[dict[str, Any]] = [
        {"call_id": w.calls["a1_flagged"], "csat": 5, "nps": 9,
         "answered_at": "2026-11-20T10:30:00+03:00"},
        {"source_key": "2026/a2_flagged.wav", "csat": "2", "answered_at": "2026-11-21",
         "source": "ivr"},
        {"call_id": "no-such-call", "nps": 4, "answered_at": "2026-11-21T09:00:00Z"},
    ]
    with TestClient(create_app(Settings(home=callqa_home, database_url=both_db_url))) as c:
        assert c.post("/api/v1/surveys", json={"rows": rows}).status_code == 401
        assert c.post("/api/v1/surveys", headers=w.auth("trainer"),
                      json={"rows": rows}).status_code == 403
        r = c.post("/api/v1/surveys", headers=w.auth("sup"), json={"rows": rows})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["imported"], body["updated"]) == (2, 0)
        assert [(u["line"], u["ref"]) for u in body["unknown"]] == [(3, "no-such-call")]
        assert body["unknown"][0]["message"].startswith("rows:3: no call 'no-such-call'")
        assert _surveys(both_db_url) == sorted([
            (w.calls["a1_flagged"], "post_call", 5, 9, "api"),
            (w.calls["a2_flagged"], "post_call", 2, None, "ivr")])

        rows[0]["csat"] = 4  # corrected and sent again: updated, not doubled
        again = c.post("/api/v1/surveys", headers=w.auth("admin"), json={"rows": rows[:2]})
        assert (again.json()["imported"], again.json()["updated"]) == (0, 2)
        stored = _surveys(both_db_url)
        assert len(stored) == 2 and (w.calls["a1_flagged"], "post_call", 4, 9, "api") in stored
        entries = c.get("/api/v1/audit", headers=w.auth("admin"),
                        params={"action": "survey.import"}).json()["data"]
        assert len(entries) == 2


BAD_CSV = (
    "call_id,csat,nps,answered_at\r\n"
    "{good},5,10,2026-11-20T10:00:00+03:00\r\n"
    "{good2},six,,2026-11-20T10:00:00\r\n"
    "{good3},3,11,2026-11-20T10:00:00\r\n"
    "{good2},4,,yesterday\r\n"
    "{good3},4\r\n"
)


def test_a_csv_with_bad_rows_is_refused_whole_with_lines(api: Api) -> None:
    calls = api.world.calls
    text = BAD_CSV.format(good=calls["a1_flagged"], good2=calls["a1_clean"],
                          good3=calls["a2_flagged"])
    r = api.post("/api/v1/surveys/import", "sup", params={"filename": "csat-nov.csv"},
                 content=text.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "survey_file"
    assert [d["where"] for d in error["details"]] == [
        "csat-nov.csv:3", "csat-nov.csv:4", "csat-nov.csv:5", "csat-nov.csv:6"]
    messages = [d["message"] for d in error["details"]]
    assert messages[0] == "csat-nov.csv:3: csat must be a whole number, not 'six'"
    assert messages[1] == "csat-nov.csv:4: nps must be from 0 to 10, not 11"
    assert "answered_at must be a date and time" in messages[2]
    assert messages[3] == "csat-nov.csv:6: the row has 2 cells where the header has 4"
    assert "nothing was imported" in error["message"]
    assert _surveys(api.world.url) == []  # the good row went neither

    tr = api.post("/api/v1/surveys/import", "sup", content=text.encode(),
                  headers={"Content-Type": "text/csv", "Accept-Language": "tr"})
    assert tr.status_code == 422
    assert "hiçbiri içe aktarılmadı" in tr.json()["error"]["message"]
    assert tr.json()["error"]["details"][1]["message"] == \
        "surveys.csv:4: nps 0 ile 10 arasında olmalı, 11 değil"

    latin1 = (f"call_id,csat,answered_at\n{calls['a1_flagged']},5,2026-11-20\n"
              "x,4,2026-11-20 Şikâyet\n").encode("cp1254")
    r = api.post("/api/v1/surveys/import", "sup", content=latin1)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["message"].startswith(
        "surveys.csv:3: the file is not UTF-8 text")
    missing = api.post("/api/v1/surveys/import", "sup",
                       content=b"call_id,csat\nabc,5\n")  # no answered_at column
    assert missing.json()["error"]["details"][0]["message"] == \
        "surveys.csv:1: the header lacks the answered_at column"
    bad_json = api.post("/api/v1/surveys", "sup", json={"rows": [
        {"call_id": calls["a1_flagged"], "answered_at": "2026-11-20"}]})
    assert bad_json.status_code == 422
    assert bad_json.json()["error"]["details"][0]["message"] == \
        "rows:1: the row has neither a csat nor an nps answer"
    assert _surveys(api.world.url) == []


def test_csv_upload_and_cli_report_unknown_calls_and_erasure_removes_surveys(
    api: Api, tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    calls = api.world.calls
    text = ("source_key;csat;nps;answered_at;kind\n"  # semicolons, as Excel saves in Turkish
            "2026/a1_flagged.wav;3;7;2026-11-20 11:00;\n"
            "2026/missing.wav;5;10;2026-11-20 11:00;\n"
            "2026/a1_clean.wav;5;10;2026-11-22 11:00;post_call\n")
    r = api.post("/api/v1/surveys/import", "sup", content=text.encode(),
                 params={"filename": "nov.csv"}, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 2
    assert [(u["line"], u["ref"]) for u in r.json()["unknown"]] == [(3, "2026/missing.wav")]

    path = tmp_path / "nov.csv"
    path.write_text(text.replace(";3;7;", ";2;6;") + "2026/a2_flagged.wav;1;0;2026-11-21;\n",
                    "utf-8")
    result = CliRunner().invoke(app, ["surveys", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "nov.csv: 1 imported, 2 updated, 1 for unknown calls (not stored)" in result.output
    assert "nov.csv:3: no call '2026/missing.wav'" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    stored = _surveys(api.world.url)
    assert (calls["a1_flagged"], "post_call", 2, 6, "csv") in stored and len(stored) == 3

    bad = tmp_path / "bad.csv"
    bad.write_text("call_id,csat,answered_at\nabc,9,2026-11-20\n", "utf-8")
    refused = CliRunner().invoke(app, ["surveys", "import", str(bad)])
    assert refused.exit_code == 1
    assert "bad.csv:2: csat must be from 1 to 5, not 9" in refused.output
    assert len(_surveys(api.world.url)) == 3

    erased = api.delete(f"/api/v1/calls/{calls['a1_flagged']}", "admin",
                        json={"reason": "KVKK request 9"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["removed"]["surveys"] == 1
    assert calls["a1_flagged"] not in {s[0] for s in _surveys(api.world.url)}


def test_correlation_per_team_and_overall_on_a_known_set(api: Api) -> None:
    calls = api.world.calls  # current totals: a1_flagged 44.4, a1_clean 100.0 (Billing),
    answers = {"a1_flagged": (3, 7), "a1_clean": (5, 10), "a2_flagged": (1, 2)}  # a2 22.2
    r = api.post("/api/v1/surveys", "sup", json={"rows": [
        {"call_id": calls[n], "csat": c, "nps": p, "answered_at": "2026-11-23T09:00:00"}
        for n, (c, p) in answers.items()]})
    assert r.status_code == 200, r.text
    from sqlalchemy import select

    from pipeline.db.models import ScoreRecord
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        totals = {sc.call_id: sc.total for sc in s.scalars(
            select(ScoreRecord).where(ScoreRecord.current))}
    pairs = [(float(answers[n][0]), totals[calls[n]]) for n in answers]
    expected_r = round(statistics.correlation(*zip(*pairs, strict=True)), 3)
    assert 0.5 < expected_r < 1.0

    body = api.get("/api/v1/dashboards/surveys", "trainer").json()["data"]
    by_team = {(row["team"], row["overall"]): row for row in body}
    overall = by_team[(None, True)]
    assert (overall["n"], overall["csat_n"], overall["mean_csat"]) == (3, 3, 3.0)
    assert overall["nps"] == 0.0  # one promoter (10), one passive (7), one detractor (2)
    assert overall["r_csat_score"] == expected_r
    assert overall["r_csat_sentiment"] is None  # no sentiment in this world
    billing = by_team[("Billing", False)]
    assert (billing["n"], billing["mean_csat"], billing["nps"]) == (2, 4.0, 50.0)
    assert billing["r_csat_score"] is None  # n < 3
    assert by_team[("Sales", False)]["nps"] == -100.0
    assert api.get("/api/v1/dashboards/surveys", "agent1").status_code == 403
    assert api.get("/api/v1/dashboards/surveys", "sup",
                   params={"team": "Sales"}).json()["data"][-1]["n"] == 1

    r = api.get("/api/v1/dashboards/surveys.csv", "sup")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == ["team", "overall", "n", "csat_n", "mean_csat", "nps_n", "nps",
                             "r_csat_score", "r_csat_sentiment"]
    assert [(row["team"], row["n"], row["r_csat_score"]) for row in rows] == [
        ("Billing", "2", ""), ("Sales", "1", ""), ("", "3", str(expected_r))]


def test_pearson_needs_three_pairs_and_variance() -> None:
    from pipeline.db.surveys import pearson

    assert pearson([(1, 2), (2, 4)]) is None
    assert pearson([(3, 1), (3, 2), (3, 5)]) is None  # CSAT all alike
    assert pearson([(1, 1), (2, 2), (3, 3)]) == 1.0
    assert pearson([(1, 3), (2, 2), (3, 1)]) == -1.0
