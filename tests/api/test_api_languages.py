"""Scorecards read in the reader's language: the rubric's titles, the explanations, the
flag reasons and evidence notes in Turkish or English, by the user's stored language or
else the request's Accept-Language; rows stored before messages keep their text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from scoring import load_rubric, score_call
from tests.api.conftest import Api
from tests.scoring.conftest import make_view

TR_CALL = [
    ("agent", 0.5, 6.0, "Anadolu Telekom'a hoş geldiniz, benim adım Ayşe."),
    ("customer", 6.5, 12.0, "Faturam çok yüksek geldi, avukatıma gideceğim."),
    ("agent", 12.5, 20.0, "Faturanız bu ay yüksek görünüyor, kontrol ediyorum."),
    ("customer", 21.0, 25.0, "Tamam."),
]


def turkish_scorecard(api: Api) -> int:
    """A real scorecard of a Turkish call on the shipped Turkish rubric, stored as current."""
    from pipeline.db.scores import save_scorecard, upsert_rubric
    from pipeline.db.session import session_scope

    rubric = load_rubric("inbound_service_tr")
    card = score_call(make_view(TR_CALL, language="tr", sentiment=[0.2, -0.6, 0.0, -0.4]),
                      rubric)
    with session_scope(api.world.url) as s:
        record = upsert_rubric(s, name=rubric.name, version=rubric.version,
                               language=rubric.language, hash=rubric.hash, source=rubric.text)
        score = save_scorecard(s, api.world.calls["a2_flagged"], record.id, card.to_dict())
        return score.id


def read(api: Api, path: str, language: str | None, user: str = "sup") -> Any:
    headers = {"Accept-Language": language} if language else {}
    response = api.get(path, user, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_id(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["criterion_id"]: r for r in card["results"]}


def test_a_turkish_scorecard_reads_in_turkish_and_in_english(api: Api) -> None:
    score_id = turkish_scorecard(api)
    tr = read(api, f"/api/v1/scores/{score_id}", "tr-TR,tr;q=0.9,en;q=0.5")
    en = read(api, f"/api/v1/scores/{score_id}", "en-GB,en;q=0.9")

    assert tr["rubric_language"] == "tr"
    assert by_id(tr)["karsilama"]["title"] == "Şirket adı ve kendi adıyla karşılama"
    assert by_id(en)["karsilama"]["title"] == "Greets with the company name and their own name"
    assert [s["title"] for s in tr["sections"]][:2] == ["Açılış", "Kimlik doğrulama"]
    assert [s["title"] for s in en["sections"]][:2] == ["Opening", "Verification"]

    disclosure_tr, disclosure_en = by_id(tr)["kayit_bilgilendirmesi"], by_id(en)[
        "kayit_bilgilendirmesi"]
    assert disclosure_tr["explanation"].startswith(
        "İlk 60 sn içinde temsilcinin hiçbir konuşması şunlarla eşleşmedi: 'bu görüşme")
    assert disclosure_en["explanation"].startswith(
        "No agent utterance in the first 60 s matched any of: 'bu görüşme")
    assert disclosure_tr["evidence"][-1]["note"] == "Arandı: temsilci, ilk 60 sn"
    assert disclosure_en["evidence"][-1]["note"] == "searched: agent, first 60 s"

    flags_tr = {f["code"]: f["reason"] for f in tr["flags"]}
    flags_en = {f["code"]: f["reason"] for f in en["flags"]}
    assert flags_tr["legal_threat"] == "Hukuki işlem tehdidi: Müşteri 'avukat' (00:10.2) dedi"
    assert flags_en["legal_threat"] == "Legal threat: Customer said 'avukat' at 00:10.2"
    assert flags_tr["auto_fail"].startswith(
        "Otomatik başarısızlık: 'Görüşmenin kaydedildiğini bildirme' kriteri karşılanmadı "
        "(ilk 60 sn içinde temsilcinin hiçbir konuşması")
    assert flags_en["auto_fail"].startswith(
        "An auto-fail criterion failed: 'Tells the customer the call is recorded' failed "
        "(No agent utterance in the first 60 s")
    for text in [*(r["explanation"] for r in tr["results"]), *flags_tr.values()]:
        assert not {"Agent", "Customer", "said", "first", "whole call", "not applicable"} & set(
            text.replace("(", " ").replace(")", " ").split()), text


def test_the_call_and_the_queue_speak_the_readers_language_and_a_stored_choice_wins(
        api: Api) -> None:
    from pipeline.db.accounts import User
    from pipeline.db.session import session_scope

    turkish_scorecard(api)
    call = api.world.calls["a2_flagged"]
    assert read(api, f"/api/v1/calls/{call}", "tr")["scorecard"]["sections"][0]["title"] == \
        "Açılış"
    assert read(api, f"/api/v1/calls/{call}", None)["scorecard"]["sections"][0]["title"] == \
        "Opening"  # no language asked for: English
    queue = read(api, "/api/v1/review-queue", "tr")["data"]
    item = next(i for i in queue if i["id"] == call)
    assert "Hukuki işlem tehdidi: Müşteri 'avukat' (00:10.2) dedi" in [
        f["reason"] for f in item["flag_details"]]

    with session_scope(api.world.url) as s:  # the user chose Turkish in their account
        s.execute(update(User).where(User.username == "sup").values(language="tr"))
    card = read(api, f"/api/v1/calls/{call}", "en")["scorecard"]
    assert by_id(card)["karsilama"]["title"] == "Şirket adı ve kendi adıyla karşılama"


def test_rows_stored_before_messages_keep_their_text_and_get_the_rubrics_titles(
        api: Api) -> None:
    # the seeded scorecards carry no messages; their rubric (inbound_service_en) has titles
    card = read(api, f"/api/v1/scores/{api.world.scores['a1_flagged']}", "tr")
    greeting = by_id(card)["greeting"]
    assert greeting["title"] == "Şirket adı ve kendi adıyla karşılama"
    assert greeting["explanation"] == "greeting: pass"
    assert [f["reason"] for f in card["flags"]] == ["legal_threat found"]
    assert card["sections"][0]["title"] == "Açılış"
    diff = read(api, f"/api/v1/reviews/{api.world.reviews['a2_flagged']}/diff", "tr",
                user="sup2")
    assert {r["criterion_id"]: r["title"] for r in diff["criteria"]}["empathy"] == \
        "Müşterinin sorununu empatiyle karşılama"


def test_a_human_verdict_on_a_turkish_scorecard_reads_in_both_languages(api: Api) -> None:
    from pipeline.db.scores import current_score
    from pipeline.db.session import session_scope
    from scoring.work.human_scores import Judgement, human_scorecard, save_human_score

    turkish_scorecard(api)
    with session_scope(api.world.url) as s:
        base = current_score(s, api.world.calls["a2_flagged"])
        assert base is not None
        disclosure = next(r for r in base.results if r.criterion_id == "kayit_bilgilendirmesi")
        card = human_scorecard(s, base, {disclosure.id: Judgement("pass", 10.0, 10.0)})
        human_id = save_human_score(s, base, card, "review").id
    tr = by_id(read(api, f"/api/v1/scores/{human_id}", "tr"))["kayit_bilgilendirmesi"]
    en = by_id(read(api, f"/api/v1/scores/{human_id}", "en"))["kayit_bilgilendirmesi"]
    assert tr["verdict"] == "pass"
    assert tr["explanation"].startswith("Değerlendirici kararı: geçti (otomatik karar: kaldı): "
                                        "ilk 60 sn içinde temsilcinin")
    assert en["explanation"].startswith("human verdict pass (was fail): No agent utterance")
