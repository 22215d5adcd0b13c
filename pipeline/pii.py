"""Personal data in call transcripts: find it, map it to time, redact it.

Kinds (the ``kind`` strings of :class:`~pipeline.types.PIIMatch`):

- ``card``: payment card numbers, 13-19 digits passing the Luhn check;
- ``iban``: IBANs of any country, the length of the country's registry entry where known,
  passing the ISO 13616 mod-97 check, case-insensitive;
- ``tckn``: Turkish national ids (T.C. kimlik no) with valid check digits;
- ``email``: e-mail addresses, also spoken: "ali dot veli at example dot com",
  "ali nokta veli et example nokta com";
- ``phone``: Turkish (+90 / 0 5xx / 0212 ...), international (+CC ..., 00CC ...) and
  US-style ((555) 123-4567) numbers of at least 10 digits.

ASR writes numbers as digits ("4111 1111-1111", "(555) 123-4567") or words ("four one
double one", "oh" for zero, Turkish/Azerbaijani "sıfır beş yüz otuz iki" = 0532). Digits and
number words separated by spaces or ``- . , / ( )`` form a *run* (:mod:`pipeline.pii_numbers`);
a number is a stretch of whole tokens of a run that passes its kind's check. Stretches
bounded by the run's ends or a pause (``, . /``) win, so "4111 1111 1111 1111, 12/25" is a
card and its expiry date.
Kinds claim text in this order and never re-report claimed text: ``iban``, ``card``,
``tckn``, ``email``, ``phone`` (IBANs go first: their digits hold 16-digit stretches that
pass the Luhn check one time in ten).

    >>> find_pii_in_text("kartım 4111 1111 1111 1111, telefonum 0532 123 45 67")
    [('card', 7, 26), ('phone', 38, 52)]
    >>> redact_text("kartım 4111 1111 1111 1111", [("card", 7, 26)])
    'kartım [CARD]'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.checksums import IBAN_LENGTHS, iban_valid, luhn_valid, tckn_valid
from pipeline.pii_context import payment_context_spans
from pipeline.pii_numbers import Atom, Span, atoms, overlaps, runs
from pipeline.types import PIIMatch, Utterance

__all__ = [
    "KINDS", "PIIOptions", "find_pii", "find_pii_in_text", "iban_valid", "luhn_valid",
    "redact_text", "redact_utterances", "tckn_valid",
]

KINDS = ("card", "iban", "tckn", "email", "phone")  # the documented priority
_ORDER = ("iban", "card", "tckn", "email", "phone")  # detection order, see module docstring


@dataclass(frozen=True)
class PIIOptions:
    """What :func:`find_pii_in_text` looks for."""

    kinds: frozenset[str] = frozenset(KINDS)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown PII kinds {sorted(unknown)}; known: {', '.join(KINDS)}")


# --- checksummed digit kinds (runs: pipeline.pii_numbers) --------------------------------

def _card_rank(digits: str, plus: bool) -> int | None:
    preference = (16, 15, 19, 14, 13, 18, 17)  # most common card lengths first
    if plus or len(digits) not in preference or digits[0] == "0" or not luhn_valid(digits):
        return None
    return preference.index(len(digits))


def _phone_rank(d: str, plus: bool) -> int | None:
    """0: a known exact shape (TR, NANP), 1: plausible international, 2: plausible national."""
    if d.startswith("00"):  # international call prefix, as good as "+"
        d, plus = d[2:], True
    n = len(d)
    if plus:
        if d[:1] in ("", "0"):
            return None
        if d.startswith(("90", "1")):
            return 0 if n == (12 if d.startswith("90") else 11) else None
        return 1 if 10 <= n <= 15 else None
    if d.startswith("0"):  # trunk prefix, then an area code that never starts with 0
        if n == 11 and d[1] in "2345":
            return 0
        return 2 if 10 <= n <= 12 and d[1] != "0" else None
    if n == 12 and d.startswith("90") and d[2] in "2345":
        return 1
    if (n == 11 and d[0] == "1" and d[1] in "23456789") or (n == 10 and d[0] in "23456789"):
        return 2
    return None


def _find_digits(
    text: str, atoms: list[Atom], claimed: Sequence[Span],
    rank: Callable[[str, bool], int | None], max_len: int,
) -> list[tuple[int, int]]:
    """Stretches of whole items that ``rank`` accepts; best first: delimited by the ends of
    the run or by pauses (",", ".", "/"), then by rank, then the longest, then leftmost."""
    candidates = []
    for run in runs(atoms, claimed):
        for i, first in enumerate(run):
            digits = ""
            for j in range(i, len(run)):
                if run[j].plus and j > i:
                    break
                digits += run[j].digits
                if len(digits) > max_len:
                    break
                r = rank(digits, first.plus)
                if r is not None:
                    delimited = (i == 0 or first.pause) and (j + 1 == len(run) or run[j + 1].pause)
                    candidates.append((not delimited, r, -len(digits), first.start, run[j].end))
    chosen: list[tuple[int, int]] = []
    for *_, s, e in sorted(candidates):
        if not any(s < ce and cs < e for cs, ce in chosen):
            chosen.append((s, e))
    # "(555) 123-4567": the opening parenthesis belongs to the number.
    return [(s - 1, e) if s > 0 and text[s - 1] == "(" and ")" in text[s:e] else (s, e)
            for s, e in chosen]


_DIGIT_KINDS: dict[str, tuple[Callable[[str, bool], int | None], int]] = {
    "card": (_card_rank, 19),
    "tckn": (lambda digits, plus: 0 if not plus and tckn_valid(digits) else None, 11),
    "phone": (_phone_rank, 17),
}  # rank of a stretch of digits (None: not this kind), longest stretch worth trying


# --- regex kinds -------------------------------------------------------------------------

_IBAN_START = re.compile(r"(?<![^\W_])(?=[A-Za-z]{2}[ -]?[0-9]{2})")
_IBAN_RE = re.compile(r"([A-Za-z]{2})([ -]?)([0-9]{2})((?:[ -]?[A-Za-z0-9]){11,30})")

_LABEL = r"[\w%+-]+"
_DOT = r"(?:\s?\.|\s+(?:dot|nokta)\s+)"  # ASR writes "gmail .com"
_AT = r"(?:\s*@\s*|\s+(?:at|et)\s+(?!(?:the|a|an|my|your|our|his|her|their|this|that)\b))"
_TLD = r"(?:com|net|org|edu|gov|info|biz|io|co|me|tr|az|uk|de|ru|us|eu)"
_EMAIL_RE = re.compile(
    rf"(?<![\w.@])(?:[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{{2,}}"  # written
    rf"|{_LABEL}(?:{_DOT}{_LABEL})*{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD})(?![\w@])",
    re.IGNORECASE,
)


def _find_iban(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for start in _IBAN_START.finditer(text):
        s = start.start()
        m = _IBAN_RE.match(text, s)
        if not m or (found and s < found[-1][1]) or (m.group(2) and not m.group(1).isupper()):
            continue  # "is 12 ...": a space after the country code only for "TR 33 ..."
        ends = []  # ends of whole tokens, with the IBAN's length so far
        length = 4
        for k in range(m.start(4), m.end()):
            if text[k].isalnum():
                length += 1
                if k + 1 == len(text) or not text[k + 1].isalnum():
                    ends.append((length, k + 1))
        wanted = IBAN_LENGTHS.get(m.group(1).upper())
        for length, e in sorted(ends, reverse=True):
            if (wanted is None or length == wanted) and iban_valid(text[s:e]):
                found.append((s, e))
                break
    return found



# --- public API --------------------------------------------------------------------------

def find_pii_in_text(text: str, options: PIIOptions | None = None) -> list[Span]:
    """``(kind, char_start, char_end)`` of the personal data in ``text``: sorted, disjoint."""
    kinds = (options or PIIOptions()).kinds
    found: list[Span] = []
    parsed: list[Atom] | None = None
    for kind in _ORDER:
        if kind not in kinds:
            continue
        if kind == "iban":
            spans = _find_iban(text)
        elif kind == "email":
            spans = [m.span() for m in _EMAIL_RE.finditer(text) if not overlaps(*m.span(), found)]
        else:
            parsed = atoms(text) if parsed is None else parsed
            spans = _find_digits(text, parsed, found, *_DIGIT_KINDS[kind])
        found.extend((kind, s, e) for s, e in spans)
    return sorted(found, key=lambda span: (span[1], span[2]))


def redact_text(text: str, spans: Sequence[Span]) -> str:
    """``text`` with each ``(kind, start, end)`` span replaced by ``[KIND]`` (a span that
    overlaps an earlier one is skipped)."""
    parts, pos = [], 0
    for kind, s, e in sorted(spans, key=lambda span: (span[1], span[2])):
        if s < pos:
            continue
        parts += [text[pos:s], f"[{kind.upper()}]"]
        pos = e
    return "".join(parts) + text[pos:]


def _word_offsets(utt: Utterance) -> list[tuple[int, int]] | None:
    """Char span of each word in ``utt.text``; None if the words cannot all be found."""
    offsets, pos = [], 0
    for w in utt.words:
        k = utt.text.find(w.text, pos) if w.text else -1
        if k < 0:
            return None
        offsets.append((k, k + len(w.text)))
        pos = k + len(w.text)
    return offsets


def find_pii(utterances: Sequence[Utterance], options: PIIOptions | None = None) -> list[PIIMatch]:
    """Personal data in each utterance, with the time span of the words that carry it.

    On top of :func:`find_pii_in_text`, each utterance in a payment context (a card, IBAN,
    id, CVV, expiry or account word in it or the one before, or a number being given
    across utterances) has every digit run of 4 digits or more redacted, checksum or not
    (:mod:`pipeline.pii_context`): ASR splits and drops digits of spoken numbers.

    The time span runs from the start of the first word overlapping the match to the end of
    the last, so silencing it removes the whole number. Where the words are missing or do not
    spell ``Utterance.text``, it is the whole utterance.
    """
    kinds = (options or PIIOptions()).kinds
    found = [find_pii_in_text(utt.text, options) for utt in utterances]
    found = payment_context_spans([utt.text for utt in utterances], found, kinds)
    matches = []
    for index, (utt, spans) in enumerate(zip(utterances, found, strict=True)):
        offsets = _word_offsets(utt) if spans and utt.words else None
        for kind, cs, ce in spans:
            times = [(w.start, w.end) for w, (ws, we) in zip(utt.words, offsets or [], strict=False)
                     if ws < ce and cs < we]
            start = min((t[0] for t in times), default=utt.start)
            end = max((t[1] for t in times), default=utt.end)
            matches.append(PIIMatch(kind, index, cs, ce, utt.text[cs:ce], start, end))
    return matches


def redact_utterances(utterances: Sequence[Utterance], matches: Sequence[PIIMatch]) -> list[str]:
    """The redacted text of each utterance, in order (``[CARD]``, ``[PHONE]``...)."""
    by_index: dict[int, list[Span]] = {}
    for m in matches:
        by_index.setdefault(m.utterance_index, []).append((m.kind, m.char_start, m.char_end))
    return [redact_text(u.text, by_index.get(i, [])) for i, u in enumerate(utterances)]
