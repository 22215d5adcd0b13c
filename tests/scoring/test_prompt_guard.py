"""The prompt guard finds rubric phrases in a decoding prompt or hotwords, however written,
and leaves a centre's vocabulary alone (:mod:`scoring.prompt_guard`)."""

from __future__ import annotations

import pytest

from scoring import builtin_rubrics
from scoring.prompt_guard import guard_prompt, rubric_phrases

COMPANY = ("Anadolu Telekom", "Anadolu Telecom")
TR_DISCLOSURE = "Bu görüşme kalite standartları gereği kayıt altına alınmaktadır."


def guard(prompt: str | None = None, hotwords: str | None = None,
          company: tuple[str, ...] = COMPANY):  # type: ignore[no-untyped-def]
    return guard_prompt(builtin_rubrics(), prompt, hotwords, company_names=company)


def criteria(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f"{o.phrase.rubric}:{o.phrase.criterion}" for o in result.overlaps}


@pytest.mark.parametrize("written", [
    TR_DISCLOSURE,
    TR_DISCLOSURE.upper(),  # BU GÖRÜŞME ... ALINMAKTADIR, with the dotted İ
    "bu gorusme kalite standartlari geregi kayit altina alinmaktadir",  # no diacritics
    "Bu  görüşme, kalite standartları gereği; kayıt altına alınmaktadır!",  # punctuation
])
def test_the_disclosure_is_caught_however_it_is_written(written: str) -> None:
    result = guard(f"Anadolu Telekom, Fiber Max, Superonline. {written}")
    assert "inbound_service_tr:kayit_bilgilendirmesi" in criteria(result)
    assert {o.kind for o in result.overlaps} >= {"phrase"}
    assert result.initial_prompt == "Anadolu Telekom, Fiber Max, Superonline."
    assert result.notes[0].startswith(
        "initial prompt: removed rubric phrase 'bu görüşme kalite standartları gereği kayıt "
        "altına alınmaktadır' (inbound_service_tr: kayit_bilgilendirmesi)")


def test_a_run_of_three_words_of_a_phrase_is_caught() -> None:
    # A paraphrase, not any rubric phrase as a whole: "kalite standartları gereği" is a run.
    result = guard("Fiber Max. Görüşmeler kalite standartları gereği saklanır. Modem.")
    found = [o for o in result.overlaps if o.kind == "run"]
    assert found and found[0].found == "kalite standartları gereği"
    assert result.initial_prompt == "Fiber Max. Modem."
    english = guard("Welcome. Calls here are recorded for quality and training, always.")
    assert "inbound_service_en:recording_disclosure" in criteria(english)
    assert english.initial_prompt == "Welcome. always."  # "welcome" alone is no phrase


def test_azerbaijani_phrases_are_guarded_too() -> None:
    result = guard("Anadolu Telekom, Fiber Max. BU ZƏNG KEYFİYYƏT STANDARTLARINA UYĞUN "
                   "OLARAQ QEYDƏ ALINIR")
    assert "inbound_service_az:kayit_bilgilendirmesi" in criteria(result)
    assert result.initial_prompt == "Anadolu Telekom, Fiber Max."


def test_hotwords_lose_the_words_of_a_phrase_and_keep_the_rest() -> None:
    result = guard(hotwords="Superonline, kayıt, FiberMax, teknisyen")
    assert {o.found for o in result.overlaps} == {"kayıt", "teknisyen"}
    assert "inbound_service_tr:cozum_bildirimi" in criteria(result)  # "teknisyen" passes it
    assert result.hotwords == "Superonline, FiberMax"
    english = guard(hotwords="recorded Superonline")  # a word a phrase goes on from
    assert english.hotwords == "Superonline" and english.overlaps[0].kind == "word"
    assert english.notes == (english.notes[0],) and english.notes[0].startswith("hotwords: ")
    assert guard(hotwords="kayıt altına alınmaktadır").hotwords is None
    # every word of one phrase goes, not only the first found
    assert guard(hotwords="Superonline, recorded, quality, training").hotwords == "Superonline"
    assert guard(hotwords="kayıt altına alınmaktadır Superonline kalite").hotwords == "Superonline"


def test_an_innocent_prompt_is_left_alone() -> None:
    prompt = ("Anadolu Telekom, Anadolu Telecom, Fiber Max, Superonline, Turkcell, modem, "
              "fatura, roaming, fiber internet, taahhüt, IBAN.")
    hotwords = "Anadolu Telekom, FiberMax, Superonline, modem, roaming"
    result = guard(prompt, hotwords)
    assert result.overlaps == () and result.notes == ()
    assert result.initial_prompt == prompt and result.hotwords == hotwords
    assert guard(None, None).overlaps == ()


def test_a_company_name_is_allowed_only_when_it_is_configured() -> None:
    assert guard("Anadolu Telekom, Fiber Max").overlaps == ()
    unlisted = guard("Anadolu Telekom, Fiber Max", company=())
    assert "anadolu telekom" in {o.phrase.phrase for o in unlisted.overlaps}
    assert unlisted.initial_prompt == "Fiber Max"


def test_every_phrase_criterion_is_covered_and_patterns_are_not() -> None:
    phrases = rubric_phrases(builtin_rubrics())
    ids = {(p.rubric, p.criterion) for p in phrases}
    for rubric in builtin_rubrics():
        for _, c in rubric.criteria():
            if c.type == "phrase" and getattr(c, "phrases", ()):
                assert (rubric.name, c.id) in ids
    assert all(p.words and p.phrase for p in phrases)
