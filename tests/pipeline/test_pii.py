"""PII detection and redaction: cards, IBANs, Turkish ids, phones, e-mails, also spoken."""

from __future__ import annotations

import itertools
import random

import pytest

from pipeline.checksums import iban_valid
from pipeline.pii import (
    PIIOptions,
    find_pii,
    find_pii_in_text,
    redact_text,
    redact_utterances,
)
from pipeline.types import PIIMatch, Role, Utterance, Word
from tests.pipeline.test_checksums import TCKN, TR_IBAN, VISA, luhn_complete, tckn_complete


def spaced(number: str, group: int = 4, sep: str = " ") -> str:
    return sep.join(number[i : i + group] for i in range(0, len(number), group))


EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TR = ["sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]


def words_for(number: str, names: list[str]) -> str:
    return " ".join(names[int(c)] for c in number)


def kinds(text: str, options: PIIOptions | None = None) -> list[tuple[str, str]]:
    return [(k, text[s:e]) for k, s, e in find_pii_in_text(text, options)]


# --- each kind in text ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "card",
    [
        VISA,
        spaced(VISA),
        spaced(VISA, sep="-"),
        spaced("5500005555555559"),
        "3782 822463 10005",  # Amex grouping, 15 digits
        words_for(VISA, EN),
        words_for(VISA, TR),
        "four one double one one one one one one one one one one one one one",
    ],
)
def test_card_found(card: str) -> None:
    assert kinds(f"my card number is {card} thanks") == [("card", card)]


@pytest.mark.parametrize(
    "text",
    [
        "kart numaram 4111 1111 1111 1112",
        "kart numaram 1234 5678 1234 5678",
        "kart numaram 0000 0000 0000 0000",  # passes Luhn, but is no card
        "number 41111111111111112 please",  # 17 digits, not a Luhn number
    ],
)
def test_luhn_failing_number_is_no_card(text: str) -> None:
    assert all(kind != "card" for kind, _ in kinds(text))


@pytest.mark.parametrize("length", [13, 14, 15, 16, 17, 18, 19])
def test_generated_cards_found(length: int) -> None:
    rng = random.Random(length)
    for _ in range(50):
        prefix = str(rng.randint(2, 6)) + "".join(rng.choices("0123456789", k=length - 2))
        card = luhn_complete(prefix)
        for written in (card, spaced(card), spaced(card, sep="-"), words_for(card, EN)):
            assert kinds(f"kart {written}, son kullanma 07/29") == [("card", written)]


def test_generated_items_in_one_sentence() -> None:
    rng = random.Random(3)
    for _ in range(100):
        card = luhn_complete("4" + "".join(rng.choices("0123456789", k=14)))
        tckn = tckn_complete(str(rng.randint(100_000_000, 999_999_999)))
        phone = f"05{rng.randint(30, 59)} {rng.randint(100, 999)} {rng.randint(10, 99)} 12"
        text = f"kart {spaced(card)}, TC {tckn}, tel {phone}, sipariş 12345, saat 14:30"
        assert kinds(text) == [("card", spaced(card)), ("tckn", tckn), ("phone", phone)]


def test_card_followed_by_expiry_and_cvv() -> None:
    text = "kart 4111-1111-1111-1111, son kullanma 12/25, cvv 123"
    assert kinds(text) == [("card", "4111-1111-1111-1111")]


@pytest.mark.parametrize(
    "iban",
    [
        TR_IBAN,
        "TR33 0006 1005 1978 6457 8413 26",
        "tr33 0006 1005 1978 6457 8413 26",
        "TR 33 0006 1005 1978 6457 8413 26",
        "GB82 WEST 1234 5698 7654 32",
    ],
)
def test_iban_found(iban: str) -> None:
    assert kinds(f"IBAN numaram {iban}, teşekkürler") == [("iban", iban)]


def test_iban_with_one_digit_changed_is_no_iban() -> None:
    text = "IBAN numaram TR33 0006 1005 1978 6457 8413 27"
    assert all(kind != "iban" for kind, _ in kinds(text))


def test_iban_digits_are_not_reported_as_card() -> None:
    # An IBAN's digits hold 16-digit stretches; this one holds a Luhn-valid one.
    card = luhn_complete("400610051978645")
    iban = next(
        f"TR{check:02d}{card}000000"
        for check in range(100)
        if iban_valid(f"TR{check:02d}{card}000000")
    )
    text = f"hesap {spaced(iban)} tamam"
    assert kinds(text) == [("iban", spaced(iban))]
    assert kinds(text, PIIOptions(kinds=frozenset({"card"}))) == [("card", spaced(card))]


@pytest.mark.parametrize(
    "tckn",
    [TCKN, "100 000 001 46", words_for(TCKN, TR), tckn_complete("123456789")],
)
def test_tckn_found(tckn: str) -> None:
    assert kinds(f"TC kimlik numaram {tckn} efendim") == [("tckn", tckn)]


@pytest.mark.parametrize("tckn", ["10000000147", "10000000156", "12345678901"])
def test_tckn_with_wrong_checksum_not_found(tckn: str) -> None:
    # "12345678901" is still a plausible US phone number (+1 234 567 8901).
    assert all(kind != "tckn" for kind, _ in kinds(f"TC kimlik numaram {tckn} efendim"))


@pytest.mark.parametrize(
    "phone",
    [
        "0532 123 45 67",
        "05321234567",
        "0 (532) 123 45 67",
        "+90 532 123 45 67",
        "+90-532-123-4567",
        "90 532 123 45 67",
        "0090 532 123 45 67",
        "0212 555 12 34",
        "(212) 555 12 34",
        "532 123 45 67",
        "(555) 123-4567",
        "555-123-4567",
        "+1 555 123 4567",
        "+44 20 7946 0958",
        "+994 12 345 67 89",  # Baku
        "+994 50 123 45 67",  # Azerbaijani mobile
    ],
)
def test_phone_found(phone: str) -> None:
    assert kinds(f"beni {phone} numarasından arayın") == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "dahili 1234",
        "123 45 67",  # 7 digits
        "0532 123 45",  # 9 digits
        "+90 532",
    ],
)
def test_short_numbers_are_no_phone(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("numaram sıfır beş yüz otuz iki yüz yirmi üç kırk beş altmış yedi, teşekkürler",
         "sıfır beş yüz otuz iki yüz yirmi üç kırk beş altmış yedi"),
        ("numaram sıfır beş üç iki bir iki üç dört beş altı yedi", None),
        ("call me on five five five, one two three, forty five sixty seven please",
         "five five five, one two three, forty five sixty seven"),
        ("it's double five five oh one two three four five six", None),
        ("oh seven seven double oh nine one two three four five", None),
        ("plus nine oh five three two one two three four five six seven", None),
        ("artı doksan beş yüz otuz iki yüz yirmi üç kırk beş altmış yedi", None),
        ("nömrəm sıfır əlli bir iki üç dörd beş altı yeddi səkkiz", None),  # Azerbaijani
    ],
)
def test_spoken_phone(text: str, phone: str | None) -> None:
    found = kinds(text)
    assert [k for k, _ in found] == ["phone"]
    if phone is not None:
        assert found[0][1] == phone


def test_spoken_number_words_map_to_digits() -> None:
    # Turkish "beş yüz otuz iki" = 532: the whole thing is 0532 123 45 67, a TR mobile.
    assert kinds("sıfır beş yüz otuz iki") == []  # 4 digits only
    assert kinds("sıfır beş yüz otuz iki yüz yirmi üç kırk beş altmış") != []  # 0532 123 45 60
    assert kinds("on one two three") == []  # English "on" is no Turkish ten


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("mailim ayse.yilmaz@example.com.tr, yazın", "ayse.yilmaz@example.com.tr"),
        ("write to John.Smith+qa@Example.CO.UK.", "John.Smith+qa@Example.CO.UK"),
        ("it is john dot smith at example dot com thanks", "john dot smith at example dot com"),
        ("it is john at gmail.com", "john at gmail.com"),
        ("adresim ayşe nokta yılmaz et gmail nokta com efendim",
         "ayşe nokta yılmaz et gmail nokta com"),
        ("adresim ali et firma nokta com nokta tr", "ali et firma nokta com nokta tr"),
    ],
)
def test_email_found(text: str, email: str) -> None:
    assert kinds(text) == [("email", email)]


@pytest.mark.parametrize(
    "text",
    [
        "look at the dot com bubble",
        "I'll be at home at five",
        "the @ sign",
        "ayse.yilmaz at example",
        "kontrol et lütfen",
    ],
)
def test_no_false_email(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I called three times",
        "I called 3 times about order 12345",
        "order 12345, invoice 987654",
        "saat 14:30'da aradım",
        "toplam 1.250,50 TL ödedim",
        "12.05.2024 tarihinde iki yüz elli lira çekildi",
        "on iki ay taksit, yüzde on beş faiz",
        "press one, then two, then three",
        "Merhaba, ben Ayşe, size nasıl yardımcı olabilirim?",
        "2023 ve 2024 yıllarında 3 kez",
        "one two three four five",
        "",
    ],
)
def test_no_false_positive_on_ordinary_sentences(text: str) -> None:
    assert find_pii_in_text(text) == []


# --- several items, priority, options ------------------------------------------------------

MIXED = (
    "Kartım 4111 1111 1111 1111, IBAN TR33 0006 1005 1978 6457 8413 26, "
    "TC 10000000146, telefon +90 532 123 45 67, mail ayse@example.com."
)


def test_several_items_sorted_and_redacted() -> None:
    spans = find_pii_in_text(MIXED)
    assert [k for k, _, _ in spans] == ["card", "iban", "tckn", "phone", "email"]
    assert spans == sorted(spans, key=lambda s: s[1])
    assert all(a[2] <= b[1] for a, b in itertools.pairwise(spans))
    assert redact_text(MIXED, spans) == (
        "Kartım [CARD], IBAN [IBAN], TC [TCKN], telefon [PHONE], mail [EMAIL]."
    )


def test_card_digits_are_not_reported_as_phone() -> None:
    text = f"numara {spaced(VISA)}"
    assert kinds(text) == [("card", spaced(VISA))]
    # Without the card kind, its digits are not a phone shape either (16 digits).
    assert kinds(text, PIIOptions(kinds=frozenset({"phone"}))) == []


def test_options_restrict_kinds() -> None:
    only_email = PIIOptions(kinds=frozenset({"email"}))
    assert [k for k, _, _ in find_pii_in_text(MIXED, only_email)] == ["email"]
    assert find_pii_in_text(MIXED, PIIOptions(kinds=frozenset())) == []


def test_options_reject_unknown_kind() -> None:
    with pytest.raises(ValueError, match="passport"):
        PIIOptions(kinds=frozenset({"card", "passport"}))


def test_redact_text() -> None:
    text = "card 4111 1111 1111 1111 and mail a@b.com"
    assert redact_text(text, [("email", 34, 41), ("card", 5, 24)]) == (
        "card [CARD] and mail [EMAIL]"
    )
    assert redact_text(text, []) == text
    # overlapping spans: the later one is skipped
    assert redact_text("0123456789", [("phone", 0, 5), ("card", 3, 8)]) == "[PHONE]56789"


# --- utterances and time spans -------------------------------------------------------------

def utterance(tokens: list[str], start: float = 0.0, step: float = 0.5) -> Utterance:
    words = tuple(
        Word(start + i * step, start + i * step + step * 0.8, t) for i, t in enumerate(tokens)
    )
    return Utterance(
        speaker="ch1", role=Role.CUSTOMER, start=start, end=words[-1].end,
        text=" ".join(tokens), words=words, channel=1,
    )


def test_find_pii_maps_char_spans_to_word_times() -> None:
    greeting = utterance(["Merhaba,", "size", "nasıl", "yardımcı", "olabilirim?"])
    card = utterance(["kartım", "4111", "1111", "1111", "1111,", "tamam"], start=10.0)
    spoken = utterance(["numaram", *words_for("05321234567", TR).split(), "efendim"], start=20.0)
    matches = find_pii([greeting, card, spoken])
    assert matches == [
        PIIMatch("card", 1, 7, 26, "4111 1111 1111 1111", start=10.5, end=12.4),
        PIIMatch("phone", 2, 8, 8 + len(words_for("05321234567", TR)),
                 words_for("05321234567", TR), start=20.5, end=25.9),
    ]
    assert matches[0].placeholder == "[CARD]"
    assert redact_utterances([greeting, card, spoken], matches) == [
        greeting.text, "kartım [CARD], tamam", "numaram [PHONE] efendim",
    ]


def test_time_span_covers_words_partly_inside_the_match() -> None:
    # The ASR glued punctuation and a word to the number: the whole word is silenced.
    utt = utterance(["mail:ayse@example.com", "ve", "0532-123-45-67'dir"], start=5.0, step=1.0)
    matches = find_pii([utt])
    assert [(m.kind, m.text, m.start, m.end) for m in matches] == [
        ("email", "ayse@example.com", 5.0, 5.8),
        ("phone", "0532-123-45-67", 7.0, 7.8),
    ]


def test_find_pii_without_words_uses_utterance_times() -> None:
    utt = Utterance("S0", Role.UNKNOWN, 3.0, 9.0, f"kart {VISA}")
    assert find_pii([utt]) == [PIIMatch("card", 0, 5, 21, VISA, 3.0, 9.0)]


def test_find_pii_with_words_not_spelling_text_uses_utterance_times() -> None:
    words = (Word(3.0, 3.5, "kart"), Word(3.5, 6.0, "4111111111111111"))
    utt = Utterance("S0", Role.UNKNOWN, 3.0, 9.0, f"Kart: {spaced(VISA)}", words)
    assert [(m.start, m.end) for m in find_pii([utt])] == [(3.0, 9.0)]


def test_redact_utterances_without_matches() -> None:
    utts = [utterance(["iyi", "günler"]), utterance(["teşekkürler"])]
    assert redact_utterances(utts, []) == ["iyi günler", "teşekkürler"]
    assert find_pii(utts) == []
