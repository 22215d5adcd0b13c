"""Keyword rules of a taxonomy: word stems that must all be said close together.

A phrase rule needs the customer's words in the phrase's order. Customers rarely say a
reason that way: one explaining a high bill says "bu ay gelen faturayı görünce şaşırdım
... iki katı", the *words* of the reason but no phrase of it. A keyword rule names groups
of word beginnings (stems):

    {type: keywords, language: tr, all: [[fatura], [yüksek, fazla, iki kat, kabarık]]}

and holds when the party (the customer, by default) says, within ``within`` words (20),
a word beginning with one stem of every group. Stems suit Turkish, where one word carries
its suffixes (``fatura`` begins *faturam*, *faturayı*, *faturamdaki*); a stem of several
words (``iki kat``) must begin that many words in a row. Words are compared folded
(:func:`pipeline.textnorm.fold`: no case, accents or dotted/dotless i) and, in Turkish and
Azerbaijani calls, also in sound form (:func:`scoring.criteria.turkish.sound`), which
forgives the ASR's vowel-harmony and consonant slips. The evidence is the utterances the
words were said in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pipeline.textnorm import fold
from scoring.criteria.common import party_indexes, shorten
from scoring.criteria.matching import segments
from scoring.criteria.turkish import TOLERANT_LANGUAGES, sound
from scoring.types import CallView, Evidence

__all__ = ["KeywordHit", "find_keywords", "stem_group"]

MIN_SOUND_STEM = 4  # shorter stems compare folded only: a short sound form is too loose


@dataclass(frozen=True)
class KeywordHit:
    """The closest span in which every group was said: its words and evidence."""

    words: tuple[str, ...]  # the word each group matched, in the call's order
    evidence: Evidence


@functools.lru_cache(maxsize=4096)
def _sound(text: str) -> str:
    return sound(text)


def stem_group(stems: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """A group's stems, folded and split into words, as :func:`find_keywords` wants them."""
    return tuple(tuple(fold(s).split()) for s in stems if fold(s))


def _begins(words: tuple[str, ...], at: int, stem: tuple[str, ...], tolerant: bool) -> bool:
    if at + len(stem) > len(words):
        return False
    run = words[at:at + len(stem)]
    if all(w.startswith(s) for w, s in zip(run, stem, strict=True)):
        return True
    if not tolerant:
        return False
    want = _sound("".join(stem))
    return len(want) >= MIN_SOUND_STEM and _sound("".join(run)).startswith(want)


def find_keywords(view: CallView, groups: tuple[tuple[tuple[str, ...], ...], ...],
                  party: str = "customer", within: int = 20) -> KeywordHit | None:
    """The tightest run of at most ``within`` words of ``party`` holding a stem of every
    group (groups from :func:`stem_group`), or None."""
    if not groups:
        return None
    indexes, _ = party_indexes(view, party)
    hay = segments(view, indexes)
    words = hay.words
    tolerant = hay.language in TOLERANT_LANGUAGES
    last: list[int | None] = [None] * len(groups)
    best: tuple[int, int, tuple[int, ...]] | None = None  # span, end, each group's position
    for at in range(len(words)):
        for g, stems in enumerate(groups):
            if any(_begins(words, at, stem, tolerant) for stem in stems):
                last[g] = at
        if any(p is None for p in last):
            continue
        where = tuple(p for p in last if p is not None)
        span = at - min(where) + 1
        if span <= within and (best is None or span < best[0]):
            best = (span, at, where)
    if best is None:
        return None
    positions = sorted(set(best[2]))
    utterances = sorted({hay.utterance[p] for p in positions})
    start, end = hay.times[positions[0]][0], hay.times[positions[-1]][1]
    quote = " … ".join(shorten(view.display_text(i), 160) for i in utterances[:2])
    role = view.utterances[utterances[0]].role.value
    return KeywordHit(tuple(words[p] for p in best[2]),
                      Evidence(start=start, end=end, utterance_indexes=tuple(utterances),
                               quote=quote, role=role))
