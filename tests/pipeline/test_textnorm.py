"""Folding of Turkish, Azerbaijani and English text for phrase matching."""

from __future__ import annotations

import pytest

from pipeline.textnorm import contains_phrase, fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("İstanbul", "istanbul"),
        ("ISTANBUL", "istanbul"),
        ("ıIİi", "iiii"),
        ("IŞIK ışık Işık", "isik isik isik"),
        ("ÇĞŞÖÜ çğşöü", "cgsou cgsou"),
        ("kâr, hâlâ, Kurşunlu", "kar hala kursunlu"),
        ("Sizə necə kömək edə bilərəm?", "size nece komek ede bilerem"),
        ("XOŞ GƏLMİŞSİNİZ", "xos gelmissiniz"),
        ("Ə ə Ǝ ǝ Ә ә", "e e e e e e"),  # schwa, turned e and Cyrillic schwa alike
        ("ÇƏĞIİÖŞÜ çəğıiöşü", "cegiiosu cegiiosu"),  # the Azerbaijani alphabet's own letters
        ("Qəbul, XİDMƏT, qeydə alınır", "qebul xidmet qeyde alinir"),  # q and x stay
        ("Thank you for calling, Acme!", "thank you for calling acme"),
        ("Telekom'a  -- hoş\tgeldiniz...", "telekom a hos geldiniz"),
        ("0850 222 33 44", "0850 222 33 44"),
        ("snake_case", "snake case"),
        ("", ""),
        ("  ?! ", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_is_idempotent() -> None:
    text = "İyi günler, ben Ayşe; Anadolu Telekom'a hoş geldiniz!"
    assert fold(fold(text)) == fold(text)


def test_dotted_capital_i_leaves_no_combining_mark() -> None:
    # str.lower() turns "İ" into "i" + U+0307; fold must not.
    assert fold("İ") == "i"
    assert len(fold("BİLGİ")) == 5


def test_azerbaijani_with_or_without_diacritics_matches_the_rubric_phrase() -> None:
    # What an ASR model may write for one disclosure: its own letters, none, all capitals,
    # the schwa typed as a turned e, or the Cyrillic schwa from a Cyrillic keyboard.
    phrase = "bu zəng keyfiyyət standartlarına uyğun olaraq qeydə alınır"
    for heard in ("Bu zəng keyfiyyət standartlarına uyğun olaraq qeydə alınır.",
                  "bu zeng keyfiyyet standartlarina uygun olaraq qeyde alinir",
                  "BU ZƏNG KEYFİYYƏT STANDARTLARINA UYĞUN OLARAQ QEYDƏ ALINIR",
                  "Bu zǝng keyfiyyǝt standartlarına uyğun olaraq qeydǝ alınır",
                  "Bu zәng keyfiyyәt standartlarına uyğun olaraq qeydә alınır"):
        assert contains_phrase(f"Salam. {heard} Sizə necə kömək edə bilərəm?", phrase), heard
    assert contains_phrase("Anadolu Telekom-a xoş gəlmisiniz", "anadolu telekom")
    assert contains_phrase("ANADOLU TELEKOMA XOŞ GƏLMİSİNİZ", "xoş gəlmisiniz")
    # q and x are not folded into k and h: a different word stays different
    assert not contains_phrase("qeydə alınır", "keyde alinir")
    assert not contains_phrase("bu zəng qeydə alınmır", "bu zəng qeydə alınır")


def test_contains_phrase() -> None:
    text = "İyi günler, ben Ayşe. SİZE NASIL YARDIMCI OLABİLİRİM?"
    assert contains_phrase(text, "size nasıl yardımcı olabilirim")
    assert contains_phrase(text, "iyi günler, ben")
    assert contains_phrase("Anadolu Telekomu arıyorum", "Anadolu Telekom")  # suffix allowed
    assert not contains_phrase("Xanadolu Telekom", "Anadolu Telekom")  # must start a word
    assert not contains_phrase(text, "")
    assert not contains_phrase(text, "?!")
