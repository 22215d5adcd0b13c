"""Turkish transcript search, end to end on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm):
Turkish calls stored the way the pipeline stores them (``analyse`` redacts, ``save_analysis``
writes the utterances, the model folds ``search_text``), each saying "şikayet" in another
spelling, are all found by each of the four spellings a person may type: şikayet, sikayet,
ŞİKAYET and şikâyet (and by a suffixed form), and by nothing that is not in them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api

SPELLINGS = ("şikayet", "sikayet", "ŞİKAYET", "şikâyet")
LINES = {  # what the ASR wrote for the customer, one spelling per call
    "tr_a": "Bir şikayetim var, faturam yanlış geldi.",
    "tr_b": "SİKAYET etmek istiyorum, İADE bekliyorum.",
    "tr_c": "ŞİKAYET hattı bu mu? Kartım 4111 1111 1111 1111 çalındı.",
    "tr_d": "Şikâyetimi iletmek istiyorum, ışığım yanmıyor.",
}


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def store_turkish_call(api: Api, name: str, customer: str) -> str:
    """A stereo Turkish call through the pipeline's own write path (no audio needed)."""
    from pipeline.db.calls import begin_call, save_analysis
    from pipeline.db.session import session_scope
    from pipeline.metadata import CallMetadata
    from pipeline.process import ProcessOptions, analyse
    from pipeline.types import Diarization, Role, Transcript, Utterance

    turns = (Utterance("ch0", Role.AGENT, 0.5, 3.0, "İyi günler, size nasıl yardımcı olabilirim?",
                       channel=0),
             Utterance("ch1", Role.CUSTOMER, 3.5, 8.0, customer, channel=1))
    transcript = Transcript(utterances=turns, language="tr", language_probability=0.97,
                            duration=10.0, diarization=Diarization.STEREO, channels=2,
                            language_source="metadata", language_reason="test")
    with session_scope(api.world.url) as s:
        call = begin_call(s, content_hash=name, key=f"tr/{name}.wav", store_url="x",
                          metadata=CallMetadata(agent_id="A-1", language="tr", queue="fatura"))
        save_analysis(s, call.id, analyse(transcript, ProcessOptions()), asr_model="base",
                      keep_original=False, seconds=1.0)
        return call.id


def found(api: Api, q: str, **params: Any) -> set[str]:
    r = api.get("/api/v1/calls", "sup", params={"q": q, "limit": 50, **params})
    assert r.status_code == 200, (q, r.text)
    assert r.json()["count"] == len(r.json()["data"]), q
    return {c["id"] for c in r.json()["data"]}


def test_the_four_spellings_of_sikayet_find_each_other(api: Api) -> None:
    calls = {name: store_turkish_call(api, name, line) for name, line in LINES.items()}
    every = set(calls.values())
    for q in (*SPELLINGS, "Şikayet", "şİkAyEt", "SIKAYET"):
        assert found(api, q) == every, q
        assert found(api, q, language="tr") == every, q  # the call list's own filter too
    assert found(api, "şikayetim") == {calls["tr_a"], calls["tr_d"]}  # "Şikâyetimi" too
    assert found(api, "ŞİKÂYETİMİ") == {calls["tr_d"]}
    assert found(api, "şikayet hattı") == {calls["tr_c"]}
    assert found(api, "iade") == {calls["tr_b"]}
    assert found(api, "ışığım") == found(api, "isigim") == {calls["tr_d"]}
    assert found(api, "şikayetler") == set()  # a substring search, not a guess
    assert found(api, "4111") == set()  # the card number was redacted before indexing
    assert found(api, "lawyer") == set(api.world.calls.values())  # English still found
    # the stored transcript keeps its Turkish letters; only the index folds them
    call = api.get(f"/api/v1/calls/{calls['tr_d']}", "sup").json()
    assert call["utterances"][1]["text"].startswith("Şikâyetimi iletmek")
    assert call["language"] == "tr"
