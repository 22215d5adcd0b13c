"""Issue 12: numbers ASR splits into groups, drops a digit of, or spreads over utterances
are redacted whole in a payment context; innocent numbers outside one stay readable."""

from __future__ import annotations

import pytest

from benchmarks.pii_leaks import leaks
from pipeline.pii import PIIOptions, find_pii, redact_utterances
from pipeline.types import PIIMatch, Role, Utterance, Word

CARD = "4111111111111111"
TCKN = "10000000146"
IBAN_DIGITS = "330006100519786457841326"


def utt(text: str, role: Role = Role.CUSTOMER, start: float = 0.0) -> Utterance:
    """An utterance whose words (0.5 s each) spell ``text``."""
    words = tuple(Word(start + i * 0.5, start + i * 0.5 + 0.4, w)
                  for i, w in enumerate(text.split()))
    return Utterance("S0", role, start, words[-1].end, text, words)


def redacted(*turns: Utterance | str) -> tuple[list[str], list[PIIMatch]]:
    utts = [t if isinstance(t, Utterance) else utt(t, start=10.0 * i)
            for i, t in enumerate(turns)]
    matches = find_pii(utts)
    return redact_utterances(utts, matches), matches


@pytest.mark.parametrize("text", [
    "kart numaram 4111 1111 111 1111",  # a digit dropped: Luhn fails
    "kart numaram 4111, 1111, 111, 1111.",
    "card number is 4111. 1111. 1111. 111",
    "kartımın numarası 4111 1111 1111 1112",  # a digit misheard
    "kartımın numarası 41111 1111 1111 1111",  # a digit doubled
])
def test_split_card_with_broken_checksum_is_redacted_whole(text: str) -> None:
    texts, matches = redacted(text)
    assert not leaks(CARD, texts), texts
    assert [m.kind for m in matches] == ["card"]


@pytest.mark.parametrize("text", [
    "kart numaram dört bir bir bir, bir bir bir bir, bir bir bir, bir bir bir bir",
    "my card number is four one one one, one one one one, one one one, one one one one",
    "kart nömrəm dörd bir bir bir, bir bir bir bir, bir bir bir, bir bir bir bir",
])
def test_spoken_number_words_with_a_dropped_digit(text: str) -> None:
    texts, _ = redacted(text)
    assert not leaks(CARD, texts), texts


def test_number_given_over_two_utterances_after_the_agent_asks() -> None:
    ask = utt("Kart numaranızı alabilir miyim?", Role.AGENT)
    first = utt("4111 1111", start=4.0)
    rest = utt("1111 111", start=8.0)
    utts = [ask, first, rest]
    matches = find_pii(utts)
    texts = redact_utterances(utts, matches)
    assert texts == [ask.text, "[CARD]", "[CARD]"]
    assert not leaks(CARD, texts)
    # The spans silence the words that carry the digits.
    assert [(m.utterance_index, m.start, m.end) for m in matches] == [
        (1, 4.0, 4.9), (2, 8.0, 8.9)]


def test_a_number_read_out_in_several_utterances_keeps_its_context() -> None:
    texts, _ = redacted("IBAN numaranızı söyler misiniz?", "TR 33 0006 1005",
                        "1978 6457", "8413 2")
    assert not leaks(IBAN_DIGITS, texts), texts


def test_id_with_a_wrong_check_digit() -> None:
    texts, matches = redacted("Kimlik numaranızı alabilir miyim?", "tabii, 1000 0000 147")
    assert not leaks(TCKN, texts), texts
    assert [m.kind for m in matches] == ["tckn"]


def test_expiry_and_cvv_in_a_payment_context() -> None:
    texts, _ = redacted("son kullanma tarihi 12/27, güvenlik kodu 737")
    assert "1227" not in "".join(c for c in texts[0] if c.isdigit())
    assert "737" not in texts[0]


@pytest.mark.parametrize("text", [
    "Faturanız 249 lira, son ödeme tarihi 15.03.2025.",
    "Teknisyen yarın saat 14:30'da gelecek, 3 sipariş var, sipariş numarası 12345.",
    "Your bill is 1,249 dollars, due on 03/15/2025 at 14:30, for 2 orders.",
    "Paketiniz 2024 yılında yenilendi, 50 GB ve 1000 dakika.",
])
def test_innocent_numbers_outside_a_payment_context_stay(text: str) -> None:
    texts, matches = redacted("Merhaba, size nasıl yardımcı olabilirim?", text)
    assert texts[1] == text
    assert matches == []


def test_amounts_in_a_payment_context_stay() -> None:
    texts, _ = redacted("Kartınızdan 1249 lira çekildi, hesabınıza 2500 TL yansıyacak.")
    assert texts == ["Kartınızdan 1249 lira çekildi, hesabınıza 2500 TL yansıyacak."]


def test_context_ends_when_the_number_does() -> None:
    texts, _ = redacted("kart numaram 4111 1111 111 1111", "tamam, teşekkürler",
                        "sipariş numaram 98765")
    assert texts[2] == "sipariş numaram 98765"


def test_options_without_the_kind_leave_the_context_rule_out() -> None:
    utts = [utt("kart numaram 4111 1111 111 1111")]
    assert find_pii(utts, PIIOptions(kinds=frozenset({"email"}))) == []


# What Whisper base wrote for the benchmark's tr_iban call (espeak-ng's Turkish): the ask
# "IBAN numaranızı söyler misiniz?" came out with no payment word in it, and "sıfır",
# "sekiz", "otuz" came out one letter off.
MISHEARD_ASK = "Ömer 'in o makarını söyle, bir şey mi?"
MISHEARD_IBAN = ("Tövbe üçüncü sırfır sırfır, sırfır altı bin sırfır, sırfır masli dotuz, "
                 "yedi seki sırfır, masli yedi seki sırfır, bir üç iki altı.")


def test_a_number_read_out_after_a_misheard_ask_is_redacted() -> None:
    texts, matches = redacted(MISHEARD_ASK, MISHEARD_IBAN)
    assert not leaks(IBAN_DIGITS, texts), texts
    assert texts[0] == MISHEARD_ASK and matches


@pytest.mark.parametrize("text", [
    "41111111111111111 numaralı siparişiniz yola çıktı",  # a long run, no payment word
    "dört bir bir bir, bir bir bir bir, bir bir bir bir, bir bir bir bir",
])
def test_a_long_number_read_out_with_no_payment_word_is_redacted(text: str) -> None:
    texts, _ = redacted("Merhaba, size nasıl yardımcı olabilirim?", text)
    assert not leaks(CARD, texts), texts


@pytest.mark.parametrize("text", [
    "Your bill is 1,249 dollars, due on 03/15/2025 at 14:30, for 2 orders, 3 items.",
    "Yeni paket 3 yeri kapsıyor, 12, 15 ve 20 Mart'ta, 2 ve 4 numaralı şubelerde.",
    "Belli 5 gün, yani 10 Ocak ile 15 Ocak arası, saat 9 ile 18 arası.",
    "Sizi 2 dakika bekleteceğim, 1, 2, 3 diye sayın.",
])
def test_short_numbers_and_words_one_letter_off_a_number_stay(text: str) -> None:
    texts, matches = redacted("Merhaba, size nasıl yardımcı olabilirim?", text)
    assert texts[1] == text and matches == []
