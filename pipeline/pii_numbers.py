"""Digit runs of ASR text: numerals and spoken number words, grouped into runs.

ASR writes numbers as digits ("4111 1111-1111") or words in English, Turkish or Azerbaijani
("four one double one", "oh" for zero, "sıfır beş yüz otuz iki" = 0532, "dörd bir"); a
Turkish number word one letter off ("sırfır", "seki") counts beside another number.
Digits and number words separated by spaces or ``- . , / ( )`` form a *run* of items (one
item per numeral or spoken group); :mod:`pipeline.pii` looks for checksummed numbers in
runs and :mod:`pipeline.pii_context` redacts whole runs in a payment context.

    >>> [[i.digits for i in run] for run in runs(atoms("kart dört bir bir bir, 22 ve 5"), [])]
    [['4', '1', '1', '1', '22'], ['5']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from pipeline.textnorm import fold

__all__ = ["TOKEN_RE", "Atom", "Item", "Span", "atoms", "overlaps", "runs"]

Span = tuple[str, int, int]

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
# Turkish number words as ASR mishears them, one letter off ("sırfır", "seki", "dotuz"):
# read as the number only next to another number (see atoms), never these real words.
_FUZZY_TARGETS = {w: v for w, v in _WORDS.items()
                  if v[2] == "tr" and v[0] in ("unit", "tens") and len(w) >= 4}
_NOT_NUMBERS = frozenset({  # real words one letter off a number word
    "yeni", "yeri", "yeti", "alta", "altin", "almis", "elle", "belli", "doku", "sekil",
    "otur", "dert", "kurk", "yetis"})
_SEPARATORS = set("-–—.,/()")
TOKEN_RE = re.compile(r"[^\W_]+|\S")


class Atom(NamedTuple):
    kind: str  # num, sep, plus, break, or a _WORDS kind
    start: int
    end: int
    value: str | int = 0
    lang: str = ""


class Item(NamedTuple):
    start: int
    end: int
    digits: str
    plus: bool = False
    pause: bool = False  # a comma, full stop or slash comes before it


def atoms(text: str) -> list[Atom]:
    atoms: list[Atom] = []
    for m in TOKEN_RE.finditer(text):
        tok, s, e = m.group(), m.start(), m.end()
        if tok.isascii() and tok.isdigit():
            atoms.append(Atom("num", s, e, tok))
        elif tok in _SEPARATORS or tok == "+":
            atoms.append(Atom("sep" if tok != "+" else "plus", s, e, tok))
        else:
            word = fold(tok)
            kind, value, lang = _WORDS.get(word) or _misheard(word) or ("break", 0, "")
            atoms.append(Atom(kind, s, e, value, lang))
    _settle_misheard(atoms)
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
            atoms[i] = Atom("unit", a.start, a.end, 0, "en") if zero else a._replace(kind="break")
    return atoms


def _one_off(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _misheard(word: str) -> tuple[str, int, str] | None:
    """A Turkish number word one letter off, as a ``misheard:<kind>`` atom kind."""
    if len(word) < 4 or word in _NOT_NUMBERS:
        return None
    for target, (kind, value, lang) in _FUZZY_TARGETS.items():
        if _one_off(word, target):
            return f"misheard:{kind}", value, lang
    return None


def _settle_misheard(atoms: list[Atom]) -> None:
    """A misheard number word counts only beside a number (separators between are fine),
    so "yedi seki sırfır" is 780 while a lone word one letter off a number stays a word."""
    def number_at(i: int, step: int) -> bool:
        while 0 <= i < len(atoms) and atoms[i].kind == "sep":
            i += step
        return 0 <= i < len(atoms) and atoms[i].kind in ("num", "unit", "tens", "hundred")

    changed = True
    while changed:
        changed = False
        for i, a in enumerate(atoms):
            if a.kind.startswith("misheard:") and (number_at(i - 1, -1) or number_at(i + 1, 1)):
                atoms[i] = a._replace(kind=a.kind.split(":", 1)[1])
                changed = True
    for i, a in enumerate(atoms):
        if a.kind.startswith("misheard:"):
            atoms[i] = a._replace(kind="break", value=0, lang="")


def _is(atoms: list[Atom], i: int, kind: str, lang: str) -> bool:
    return i < len(atoms) and atoms[i].kind == kind and atoms[i].lang == lang


def _group(atoms: list[Atom], i: int) -> tuple[Item | None, int]:
    """The number starting at atoms[i] ("beş yüz otuz iki" -> "532") and the next index."""
    a = atoms[i]
    if a.kind == "num":
        return Item(a.start, a.end, str(a.value)), i + 1
    if a.kind == "mult":
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if nxt and (nxt.kind == "unit" or (nxt.kind == "num" and len(str(nxt.value)) == 1)):
            return Item(a.start, nxt.end, str(nxt.value) * int(a.value)), i + 2
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
        return Item(a.start, a.end, str(a.value)), i + 1
    return Item(a.start, atoms[j - 1].end, f"{value:03d}" if hundreds else str(value)), j


def runs(atoms: list[Atom], claimed: Sequence[Span]) -> list[list[Item]]:
    runs: list[list[Item]] = [[]]
    plus_at: int | None = None
    i, pause = 0, False
    while i < len(atoms):
        a = atoms[i]
        if a.kind == "break" or overlaps(a.start, a.end, claimed):
            runs.append([])
            plus_at, i = None, i + 1
        elif a.kind == "sep":
            pause, i = pause or str(a.value) in ",./", i + 1
        elif a.kind == "plus":
            runs.append([])
            plus_at, i = a.start, i + 1
        else:
            item, i = _group(atoms, i)
            if item is None or overlaps(item.start, item.end, claimed):
                runs.append([])
            else:
                if plus_at is not None:
                    item = item._replace(start=plus_at, plus=True)
                runs[-1].append(item._replace(pause=pause))
            plus_at, pause = None, False
    return [r for r in runs if r]


def overlaps(s: int, e: int, spans: Sequence[Span]) -> bool:
    """Whether the characters ``s:e`` overlap any of ``spans``."""
    return any(s < ce and cs < e for _, cs, ce in spans)
