"""Transcript search through the text index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL):
new, changed and deleted utterances are found or gone at once, Turkish letters fold, FTS5
syntax and LIKE wildcards typed by a person are only text, the rare-word (index first)
and common-word (calls first) plans agree, and a capped count says so. SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def search(api: Api, q: str, user: str = "sup", **params: Any) -> tuple[list[str], Any]:
    r = api.get("/api/v1/calls", user, params={"q": q, **params})
    assert r.status_code == 200, (q, r.text)
    return [c["id"] for c in r.json()["data"]], r


def add_call(api: Api, name: str, lines: list[str]) -> str:
    """A call of agent A-1 with these customer lines, stored through the ORM."""
    from sqlalchemy import select

    from pipeline.db.models import Agent, Call, UtteranceRecord
    from pipeline.db.session import session_scope

    with session_scope(api.world.url) as s:
        agent = s.scalar(select(Agent).where(Agent.external_id == "A-1"))
        call = Call(content_hash=name, source_key=f"{name}.wav", store_url="x", status="done",
                    agent=agent, team=agent.team if agent else None)
        call.utterances = [
            UtteranceRecord(idx=i, speaker="customer", role="customer", start=i, end=i + 1,
                            redacted_text=line) for i, line in enumerate(lines)]
        s.add(call)
        s.flush()
        return call.id


def index_in_step(api: Api) -> bool:
    """SQLite: FTS5's own integrity check of the index against utterances.search_text."""
    from sqlalchemy import text

    from pipeline.db.session import get_engine
    from pipeline.db.text_index import FTS_TABLE

    engine = get_engine(api.world.url)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:  # raises "database disk image is malformed" if not
            conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')"))
    return True


def test_new_changed_and_deleted_utterances_are_found_or_gone(api: Api) -> None:
    from sqlalchemy import delete, select

    from pipeline.db.models import Call, UtteranceRecord
    from pipeline.db.session import session_scope

    assert search(api, "marmalade")[0] == []
    new = add_call(api, "jam", ["I ordered Marmalade, got jam.", "Refund me"])
    assert search(api, "marmalade")[0] == [new]
    assert search(api, "ordered marmalade got")[0] == [new]  # punctuation between is no matter

    with session_scope(api.world.url) as s:  # an ORM update of the redacted text
        row = s.scalar(select(UtteranceRecord).where(UtteranceRecord.call_id == new,
                                                     UtteranceRecord.idx == 0))
        assert row is not None
        row.redacted_text = "I ordered honey."
    assert search(api, "marmalade")[0] == []
    assert search(api, "HONEY")[0] == [new]

    with session_scope(api.world.url) as s:  # the ORM deletes the call and its utterances
        call = s.get(Call, new)
        s.delete(call)
    assert search(api, "honey")[0] == []

    other = add_call(api, "jam2", ["honey again"])
    assert search(api, "honey")[0] == [other]
    with session_scope(api.world.url) as s:  # a Core delete, as erasure does it
        s.execute(delete(UtteranceRecord).where(UtteranceRecord.call_id == other))
    assert search(api, "honey")[0] == []
    assert search(api, "lawyer")[1].json()["count"] == 3  # the seeded calls are untouched
    assert index_in_step(api)


def test_turkish_letters_case_and_accents_fold(api: Api) -> None:
    tr = add_call(api, "tr", ["Şikâyetim var: İADE istiyorum, ışığım yanmıyor!"])
    for q in ("şikayet", "SIKAYET", "Şikâyetim", "iade", "İade", "ıade", "IŞIĞIM", "isigim",
              "yanmiyor", "var iade"):
        assert search(api, q)[0] == [tr], q
    assert search(api, "şikayetler")[0] == []  # still a substring search, not a guess


ODD = ['"', '""', '"lawyer', "lawyer*", "*", "NEAR", "NEAR(lawyer card)", "lawyer OR card",
       "-lawyer", "^lawyer", "card AND", "(", "lawyer)", "%", "%%", "_", "\\", "'", "a\"b",
       "lawyer:", "{redacted_text}: x", "' OR 1=1 --", "\x00", "  "]


def test_fts_syntax_and_wildcards_are_only_text(api: Api) -> None:
    lawyer = set(api.world.calls.values())
    for q in ODD:
        ids, r = search(api, q)
        assert r.json()["count"] == len(ids), q
        # whatever is left of it once punctuation is folded is looked for as plain text
        from pipeline.textnorm import fold

        expected = {"lawyer": lawyer, "": set()}.get(fold(q))
        if expected is not None:
            assert set(ids) == expected, q
        else:
            assert ids == [], q
        queue = api.get("/api/v1/review-queue", "sup", params={"q": q})
        assert queue.status_code == 200, (q, queue.text)
    assert search(api, "near")[0] == [] and search(api, "card or")[0] == []


def test_rare_and_common_plans_agree_and_a_capped_count_says_so(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.db.search as search_module

    extra = [add_call(api, f"c{i}", [f"please call me back {i}"]) for i in range(4)]
    rare, r = search(api, "call me back")
    assert set(rare) == set(extra) and r.json()["count"] == 4
    assert "x-count-capped" not in r.headers

    monkeypatch.setattr(search_module, "RARE_UTTERANCES", 0)  # every word is "common" now
    common, r = search(api, "call me back")
    assert common == rare and r.json()["count"] == 4 and "x-count-capped" not in r.headers
    assert search(api, "lawyer")[0] == search(api, "LAWYER")[0]

    monkeypatch.setattr(search_module, "COUNT_CAP", 2)
    page, r = search(api, "call me back", limit=1)
    assert page == rare[:1] and r.json()["count"] == 2 and r.headers["x-count-capped"] == "true"
    page, r = search(api, "call me back", limit=1, skip=1)  # the count grows with the page
    assert page == rare[1:2] and r.json()["count"] == 3 and r.headers["x-count-capped"] == "true"
    page, r = search(api, "call me back", skip=2)  # the end in sight: the count is exact
    assert page == rare[2:] and r.json()["count"] == 4 and "x-count-capped" not in r.headers
    short = search(api, "ba")[1]  # too short for the index: calls first, capped count
    assert short.json()["count"] == 2 and short.headers["x-count-capped"] == "true"


def test_the_index_serves_the_lookup(api: Api) -> None:
    """Both databases answer through their trigram index, not a scan of every utterance."""
    from pipeline.db.search import indexed_utterance_ids
    from pipeline.db.session import get_engine
    from pipeline.db.text_index import FTS_TABLE, TRGM_INDEX

    engine = get_engine(api.world.url)
    dialect = engine.dialect.name
    query = indexed_utterance_ids(dialect, "lawyer")
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        assert len(conn.execute(query).all()) == 3
        if dialect == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: force the choice
        explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(explain + sql))
    assert (FTS_TABLE if dialect == "sqlite" else TRGM_INDEX) in plan, plan
    assert index_in_step(api)
