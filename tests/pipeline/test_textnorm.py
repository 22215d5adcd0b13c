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


def test_contains_phrase() -> None:
    text = "İyi günler, ben Ayşe. SİZE NASIL YARDIMCI OLABİLİRİM?"
    assert contains_phrase(text, "size nasıl yardımcı olabilirim")
    assert contains_phrase(text, "iyi günler, ben")
    assert contains_phrase("Anadolu Telekomu arıyorum", "Anadolu Telekom")  # suffix allowed
    assert not contains_phrase("Xanadolu Telekom", "Anadolu Telekom")  # must start a word
    assert not contains_phrase(text, "")
    assert not contains_phrase(text, "?!")
