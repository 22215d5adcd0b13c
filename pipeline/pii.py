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
number words separated by spaces or ``- . , / ( )`` form a *run*; a number is a stretch of
whole tokens of a run that passes its kind's check. Stretches bounded by the run's ends or a
pause (``, . /``) win, so "4111 1111 1111 1111, 12/25" is a card and its expiry date.
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
from typing import NamedTuple

from pipeline.checksums import IBAN_LENGTHS, iban_valid, luhn_valid, tckn_valid
from pipeline.textnorm import fold
from pipeline.types import PIIMatch, Utterance

__all__ = [
    "KINDS", "PIIOptions", "find_pii", "find_pii_in_text", "iban_valid", "luhn_valid",
    "redact_text", "redact_utterances", "tckn_valid",
]

KINDS = ("card", "iban", "tckn", "email", "phone")  # the documented priority
_ORDER = ("iban", "card", "tckn", "email", "phone")  # detection order, see module docstring

Span = tuple[str, int, int]


@dataclass(frozen=True)
class PIIOptions:
    """What :func:`find_pii_in_text` looks for."""

    kinds: frozenset[str] = frozenset(KINDS)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown PII kinds {sorted(unknown)}; known: {', '.join(KINDS)}")


# --- digit runs: numerals and number words -----------------------------------------------

_UNITS = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9},
    "tr": {"sifir": 0, "bir": 1, "iki": 2, "uc": 3, "dort": 4, "dord": 4, "bes": 5, "alti": 6,
           "yedi": 7, "yeddi": 7, "sekiz": 8, "sekkiz": 8, "dokuz": 9, "doqquz": 9},
}  # keys are textnorm.fold()ed: Turkish and Azerbaijani share "tr"
_TENS = {
    "en": {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
           "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90},
    "tr": {"on": 10, "yirmi": 20, "iyirmi": 20, "otuz": 30, "kirk": 40, "qirx": 40,
           "elli": 50, "altmis": 60, "yetmis": 70, "seksen": 80, "doksan": 90, "doxsan": 90},
}
_WORDS: dict[str, tuple[str, int, str]] = {  # folded word -> atom kind, value, language
    **{w: ("unit", v, lang) for lang, table in _UNITS.items() for w, v in table.items()},
    **{w: ("tens", v, lang) for lang, table in _TENS.items() for w, v in table.items()},
    "hundred": ("hundred", 100, "en"), "yuz": ("hundred", 100, "tr"),
    "double": ("mult", 2, ""), "triple": ("mult", 3, ""), "plus": ("plus", 0, ""),
    "arti": ("plus", 0, ""), "oh": ("oh", 1, ""), "o": ("oh", 0, ""),  # 1: may lead a number
}
_SEPARATORS = set("-–—.,/()")
_TOKEN_RE = re.compile(r"[^\W_]+|\S")


class _Atom(NamedTuple):
    kind: str  # num, sep, plus, break, or a _WORDS kind
    start: int
    end: int
    value: str | int = 0
    lang: str = ""


class _Item(NamedTuple):
    start: int
    end: int
    digits: str
    plus: bool = False
    pause: bool = False  # a comma, full stop or slash comes before it


def _atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for m in _TOKEN_RE.finditer(text):
        tok, s, e = m.group(), m.start(), m.end()
        if tok.isascii() and tok.isdigit():
            atoms.append(_Atom("num", s, e, tok))
        elif tok in _SEPARATORS or tok == "+":
            atoms.append(_Atom("sep" if tok != "+" else "plus", s, e, tok))
        else:
            kind, value, lang = _WORDS.get(fold(tok), ("break", 0, ""))
            atoms.append(_Atom(kind, s, e, value, lang))
    # Context-dependent words: English "on" is Turkish ten only next to Turkish number words;
    # "oh" is zero before a digit, "o" only between digits.
    def digit_like(i: int, lang: str = "") -> bool:
        a = atoms[i] if 0 <= i < len(atoms) else None
        return a is not None and a.kind in ("num", "unit", "tens", "hundred", "mult") and (
            not lang or a.lang == lang)

    for i, a in enumerate(atoms):
        if a.kind == "tens" and a.value == 10 and a.lang == "tr" and not (
                digit_like(i - 1, "tr") or digit_like(i + 1, "tr")):
            atoms[i] = a._replace(kind="break")
        elif a.kind == "oh":
            zero = digit_like(i + 1) and (a.value == 1 or digit_like(i - 1))
            atoms[i] = _Atom("unit", a.start, a.end, 0, "en") if zero else a._replace(kind="break")
    return atoms


def _is(atoms: list[_Atom], i: int, kind: str, lang: str) -> bool:
    return i < len(atoms) and atoms[i].kind == kind and atoms[i].lang == lang


def _group(atoms: list[_Atom], i: int) -> tuple[_Item | None, int]:
    """The number starting at atoms[i] ("beş yüz otuz iki" -> "532") and the next index."""
    a = atoms[i]
    if a.kind == "num":
        return _Item(a.start, a.end, str(a.value)), i + 1
    if a.kind == "mult":
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if nxt and (nxt.kind == "unit" or (nxt.kind == "num" and len(str(nxt.value)) == 1)):
            return _Item(a.start, nxt.end, str(nxt.value) * int(a.value)), i + 2
        return None, i + 1
    lang, j, value = a.lang, i, 0
    hundreds = False
    if a.kind == "unit" and a.value and _is(atoms, i + 1, "hundred", lang):
        hundreds, value, j = True, int(a.value) * 100, i + 2
    elif a.kind == "hundred":
        hundreds, value, j = True, 100, i + 1
    if _is(atoms, j, "tens", lang):
        tens = int(atoms[j].value)
        value, j = value + tens, j + 1
        if tens % 10 == 0 and (lang == "tr" or tens >= 20) and _is(atoms, j, "unit", lang) \
                and atoms[j].value:
            value, j = value + int(atoms[j].value), j + 1
    elif hundreds and _is(atoms, j, "unit", lang) and atoms[j].value:
        value, j = value + int(atoms[j].value), j + 1
    if j == i:  # a lone digit word
        return _Item(a.start, a.end, str(a.value)), i + 1
    return _Item(a.start, atoms[j - 1].end, f"{value:03d}" if hundreds else str(value)), j


def _runs(atoms: list[_Atom], claimed: Sequence[Span]) -> list[list[_Item]]:
    runs: list[list[_Item]] = [[]]
    plus_at: int | None = None
    i, pause = 0, False
    while i < len(atoms):
        a = atoms[i]
        if a.kind == "break" or _overlaps(a.start, a.end, claimed):
            runs.append([])
            plus_at, i = None, i + 1
        elif a.kind == "sep":
            pause, i = pause or str(a.value) in ",./", i + 1
        elif a.kind == "plus":
            runs.append([])
            plus_at, i = a.start, i + 1
        else:
            item, i = _group(atoms, i)
            if item is None or _overlaps(item.start, item.end, claimed):
                runs.append([])
            else:
                if plus_at is not None:
                    item = item._replace(start=plus_at, plus=True)
                runs[-1].append(item._replace(pause=pause))
            plus_at, pause = None, False
    return [r for r in runs if r]


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
    text: str, atoms: list[_Atom], claimed: Sequence[Span],
    rank: Callable[[str, bool], int | None], max_len: int,
) -> list[tuple[int, int]]:
    """Stretches of whole items that ``rank`` accepts; best first: delimited by the ends of
    the run or by pauses (",", ".", "/"), then by rank, then the longest, then leftmost."""
    candidates = []
    for run in _runs(atoms, claimed):
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


def _overlaps(s: int, e: int, spans: Sequence[Span]) -> bool:
    return any(s < ce and cs < e for _, cs, ce in spans)


# --- public API --------------------------------------------------------------------------

def find_pii_in_text(text: str, options: PIIOptions | None = None) -> list[Span]:
    """``(kind, char_start, char_end)`` of the personal data in ``text``: sorted, disjoint."""
    kinds = (options or PIIOptions()).kinds
    found: list[Span] = []
    atoms: list[_Atom] | None = None
    for kind in _ORDER:
        if kind not in kinds:
            continue
        if kind == "iban":
            spans = _find_iban(text)
        elif kind == "email":
            spans = [m.span() for m in _EMAIL_RE.finditer(text) if not _overlaps(*m.span(), found)]
        else:
            atoms = _atoms(text) if atoms is None else atoms
            spans = _find_digits(text, atoms, found, *_DIGIT_KINDS[kind])
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

    The time span runs from the start of the first word overlapping the match to the end of
    the last, so silencing it removes the whole number. Where the words are missing or do not
    spell ``Utterance.text``, it is the whole utterance.
    """
    matches = []
    for index, utt in enumerate(utterances):
        spans = find_pii_in_text(utt.text, options)
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
