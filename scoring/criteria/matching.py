"""Finding phrases in what a party said: folded, exact or fuzzy, with the time of each match.

Both sides are folded with :func:`pipeline.textnorm.fold` (case, accents, the Turkish i's,
punctuation), then compared word by word:

- **exact** (``fuzzy: 100``): the phrase's words appear consecutively; the last one may
  carry a suffix, as in :func:`pipeline.textnorm.contains_phrase` ("Anadolu Telekom'a"
  contains "anadolu telekom", "avukatıma" contains "avukat").
- **fuzzy** (``fuzzy: 85``): some run of words starting at a word boundary (one word fewer
  to two more than the phrase has, so ASR splits and merges are covered) scores at least
  the threshold with rapidfuzz's ``fuzz.ratio``; the run may also be cut to the phrase's
  length, so a Turkish suffix on its last word does not cost points. Starting at a word
  boundary keeps short phrases honest: "sue" does not match inside "issue".
- **patterns**: regular expressions searched in the folded text (always exact).
- **Turkish and Azerbaijani calls** (the haystack's language; :mod:`scoring.criteria.turkish`)
  are also compared in a *sound form*, in which vowel-harmony slips, ``ş/s``, a dropped or
  respelled ``ğ``, voicing at suffix joints, doubled letters and split or merged words cost
  nothing (phrases whose sound form is shorter than :data:`MIN_SOUND_LENGTH` are left to
  the folded comparison: "ben" would match "bana"); and a run of words that carries a
  negated verb the phrase lacks, or that ends in another word with the same beginning,
  never matches fuzzily ("iade edilemiyor" is not "iade edilecek", "kayıt altına aldım" is
  not "kayıt altına alın..."). Other languages are matched as before.

The words of all the utterances searched form one :class:`Haystack` (so each phrase is
scored against every run of words in one rapidfuzz ``cdist`` call); a :class:`Match`
carries the utterance, the time of its first and last word, and the score (100 for an
exact match).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.textnorm import fold
from scoring.criteria.common import in_window, party_indexes, tokens
from scoring.criteria.turkish import TOLERANT_LANGUAGES, ends_like, negated, sound
from scoring.rubric_types import PhraseRef, Window
from scoring.types import CallView

__all__ = ["MIN_SOUND_LENGTH", "Haystack", "Match", "find_first", "find_ref", "segments"]

_WHOLE_CALL = Window()
# Shorter sound forms match too much ("pan", the sound of "ben", starts "bana" and "banka").
MIN_SOUND_LENGTH = 8


@dataclass(frozen=True)
class Haystack:
    """The folded words a party said (in a window), utterance after utterance.

    Words are numbered across the whole haystack; a match never spans two utterances.
    """

    words: tuple[str, ...]
    times: tuple[tuple[float, float], ...]  # of each word
    utterance: tuple[int, ...]  # utterance index of each word
    seg_end: tuple[int, ...]  # one past the last word of each word's utterance
    text: str  # words joined by " ", "\n" before each utterance's first word
    offsets: tuple[int, ...]  # where each word starts in ``text``
    language: str = ""  # the call's: "tr" and "az" get the tolerant fuzzy matcher

    def __len__(self) -> int:
        return len(self.words)

    def position_after(self, t: float) -> int:
        """The last word that ends by ``t`` (-1 when none): matches start after it."""
        last = -1
        for w, (_, end) in enumerate(self.times):
            if end > t + 1e-6:
                break
            last = w
        return last


@dataclass(frozen=True)
class Match:
    index: int  # utterance index
    start: float
    end: float
    phrase: str  # the phrase (or pattern) as the rubric wrote it
    score: float  # 0..100; 100 for exact
    position: int  # word number of the first word, for ordering
    end_position: int  # of the last word


def segments(view: CallView, indexes: Iterable[int],
             window: Window = _WHOLE_CALL) -> Haystack:
    whole = window.first is None and window.last is None
    bounds = None if whole else window.bounds(view.duration)
    words: list[str] = []
    times: list[tuple[float, float]] = []
    utterance: list[int] = []
    seg_end: list[int] = []
    for i in indexes:
        first = len(words)
        for tok in tokens(view.utterances[i]):
            if in_window(tok.start, tok.end, bounds):
                for word in fold(tok.text).split():
                    words.append(word)
                    times.append((tok.start, tok.end))
                    utterance.append(i)
        seg_end.extend([len(words)] * (len(words) - first))
    parts, offsets, pos = [], [], 0
    for w, word in enumerate(words):
        sep = "\n" if w == 0 or utterance[w] != utterance[w - 1] else " "
        parts.append(sep + word)
        offsets.append(pos + 1)
        pos += len(word) + 1
    return Haystack(tuple(words), tuple(times), tuple(utterance), tuple(seg_end),
                    "".join(parts), tuple(offsets), (view.language or "").lower()[:2])


@functools.lru_cache(maxsize=1024)
def _needle_re(needle: str) -> re.Pattern[str]:
    return re.compile(r"(?<=[ \n])" + re.escape(needle))


def _exact(hay: Haystack, needle: str, start: int) -> tuple[int, int] | None:
    """First occurrence of the folded ``needle`` at a word start, from word ``start`` on."""
    if start >= len(hay):
        return None
    pattern, pos = _needle_re(needle), hay.offsets[start]
    while (m := pattern.search(hay.text, pos)) is not None:
        first = bisect.bisect_right(hay.offsets, m.start()) - 1
        last = first + needle.count(" ")
        if last < hay.seg_end[first]:
            return first, last
        pos = m.start() + 1
    return None


def _pattern(hay: Haystack, pattern: re.Pattern[str], start: int) -> tuple[int, int] | None:
    w = start
    while w < len(hay):
        lo, hi = w, hay.seg_end[w]  # one utterance at a time
        text = hay.text[hay.offsets[lo]: hay.offsets[hi - 1] + len(hay.words[hi - 1])]
        m = pattern.search(text)
        if m is not None:
            base = hay.offsets[lo]
            first = bisect.bisect_right(hay.offsets, base + m.start()) - 1
            last = bisect.bisect_right(hay.offsets, base + max(m.start(), m.end() - 1)) - 1
            return first, last
        w = hi
    return None


@functools.lru_cache(maxsize=256)
def _runs(words: tuple[str, ...], k: int) -> tuple[str, ...]:
    """Every run of ``k`` consecutive words, by start."""
    return tuple(" ".join(words[j:j + k]) for j in range(len(words) - k + 1))


@functools.lru_cache(maxsize=1024)
def _heads(words: tuple[str, ...], seg_end: tuple[int, ...], k: int,
           length: int) -> tuple[str, ...]:
    """The first ``length`` characters of the run of (up to) ``k`` words at each start,
    cut at the end of its utterance."""
    return tuple(" ".join(words[j:min(j + k, seg_end[j])])[:length]
                 for j in range(len(words)))


def _scores(needle: str, cands: Sequence[str], threshold: float) -> np.ndarray:
    return process.cdist([needle], cands, scorer=fuzz.ratio, score_cutoff=threshold,
                         dtype=np.float32)[0]


@functools.lru_cache(maxsize=256)
def _head_sizes(words: tuple[str, ...], seg_end: tuple[int, ...], k: int,
                length: int) -> np.ndarray:
    return np.array([len(h.split()) for h in _heads(words, seg_end, k, length)], dtype=np.int64)


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=256)
def _cut_runs(words: tuple[str, ...], k: int, length: int) -> tuple[str, ...]:
    """Every run of ``k`` words with its last word cut to ``length`` letters: a Turkish
    suffix ("alın" + "maktadır") costs nothing even when an earlier word is misheard, which
    shifts the character cut of :func:`_heads` ("hikayet altına alın" for "kayıt altına
    alın")."""
    return tuple(" ".join((*words[j:j + k - 1], words[j + k - 1][:length]))
                 for j in range(len(words) - k + 1))


def _sound_runs(words: tuple[str, ...], k: int) -> tuple[str, ...]:
    return tuple(sound(run) for run in _runs(words, k))


@functools.lru_cache(maxsize=256)
def _sound_heads(words: tuple[str, ...], seg_end: tuple[int, ...], k: int,
                 length: int) -> tuple[tuple[str, ...], np.ndarray]:
    """Like :func:`_heads` in sound form: each start's run of (up to) ``k`` words, cut to
    ``length`` sound letters, and how many words that takes."""
    sizes = np.array([len(sound(w)) for w in words], dtype=np.int64)
    heads, counts = [], np.zeros(len(words), dtype=np.int64)
    for j in range(len(words)):
        stop = min(j + k, seg_end[j])
        heads.append(sound(" ".join(words[j:stop]))[:length])
        taken = np.searchsorted(np.cumsum(sizes[j:stop]), length) + 1
        counts[j] = min(int(taken), stop - j)
    return tuple(heads), counts


@functools.lru_cache(maxsize=256)
def _negations(words: tuple[str, ...]) -> np.ndarray:
    """How many negated words come before each word (and in all: one entry more)."""
    return np.concatenate([[0], np.cumsum([negated(w) for w in words])])


def _fuzzy(hay: Haystack, needle: str, n: int, threshold: float,
           start: int) -> tuple[int, int, float] | None:
    """First run of words scoring ``threshold`` or more against ``needle`` (module doc)."""
    size = len(hay)
    if start >= size:
        return None
    seg_end = np.asarray(hay.seg_end)
    starts = np.arange(size)
    best = np.zeros(size, dtype=np.float32)
    best_k = np.zeros(size, dtype=np.int64)
    tolerant = hay.language in TOLERANT_LANGUAGES
    guard = (_negations(hay.words) if tolerant and not any(map(negated, needle.split()))
             else None)

    phrase = tuple(needle.split()) if tolerant and n > 1 else ()

    def take(scores: np.ndarray, k: int | np.ndarray) -> None:
        ks = np.broadcast_to(np.asarray(k, dtype=np.int64), (size,))
        scores[starts + ks > seg_end] = 0  # runs may not cross into the next utterance
        if guard is not None:  # nor carry a negation the phrase lacks
            scores[guard[np.minimum(starts + ks, size)] - guard[starts] > 0] = 0
        if phrase:  # nor end in another word that begins the same
            for j in np.flatnonzero(scores >= threshold):
                if not ends_like(phrase, hay.words[j:j + int(ks[j])]):
                    scores[j] = 0
        better = scores > best
        best[better], best_k[better] = scores[better], ks[better]

    def take_runs(target: str, runs: Sequence[str], k: int) -> bool:
        """Score ``target`` against the runs of ``k`` words by start; False: none left."""
        if not runs:
            return False
        scores = np.zeros(size, dtype=np.float32)
        scores[: len(runs)] = _scores(target, runs, threshold)
        take(scores, k)
        return True

    for k in range(max(1, n - 1), n + 3):
        if not take_runs(needle, _runs(hay.words, k), k):
            break
    # The run cut to the needle's length: a suffix on its last word costs nothing.
    heads = _heads(hay.words, hay.seg_end, n + 2, len(needle))
    take(_scores(needle, heads, threshold),
         _head_sizes(hay.words, hay.seg_end, n + 2, len(needle)))
    if tolerant:  # each run's last word cut to the phrase's last word
        last = len(needle.rsplit(" ", 1)[-1])
        for k in (n, n + 1):
            if not take_runs(needle, _cut_runs(hay.words, k, last), k):
                break
    said = sound(needle) if tolerant else ""
    if len(said) >= MIN_SOUND_LENGTH:
        for k in range(max(1, n - 1), n + 3):
            if not take_runs(said, _sound_runs(hay.words, k), k):
                break
        sound_heads, counts = _sound_heads(hay.words, hay.seg_end, n + 2, len(said))
        take(_scores(said, sound_heads, threshold), counts)
    hits = np.flatnonzero(best[start:] >= threshold)
    if not hits.size:
        return None
    j = start + int(hits[0])
    # A run starting a word or two early also passes: take the best start nearby.
    j += int(np.argmax(best[j:min(j + n + 1, int(seg_end[j]))]))
    return j, j + int(best_k[j]) - 1, float(best[j])


def find_first(
    hay: Haystack,
    alternatives: Sequence[str],
    fuzzy: float = 100.0,
    after: int | None = None,
    patterns: bool = False,
) -> Match | None:
    """The earliest match of any alternative, starting strictly after word ``after``."""
    begin = 0 if after is None else after + 1
    best: tuple[int, int, float, str] | None = None
    for phrase in alternatives:
        found: tuple[int, int, float] | None = None
        if patterns:
            hit = _pattern(hay, re.compile(phrase), begin)
            found = (*hit, 100.0) if hit else None
        else:
            needle = " ".join(fold(phrase).split())
            if not needle:
                continue
            hit = _exact(hay, needle, begin)
            found = (*hit, 100.0) if hit else None
            if fuzzy < 100:
                near = _fuzzy(hay, needle, needle.count(" ") + 1, fuzzy, begin)
                if near and (found is None or near[0] < found[0]):
                    found = near
        if found is not None and (best is None or found[0] < best[0]):
            best = (*found, phrase)
    if best is None:
        return None
    first, last, score, phrase = best
    return Match(hay.utterance[first], hay.times[first][0], hay.times[last][1], phrase,
                 round(score, 1), first, last)


def find_ref(view: CallView, ref: PhraseRef) -> Match | None:
    """Where the party first said one of the reference's phrases, in the whole call."""
    indexes, _ = party_indexes(view, ref.party)
    return find_first(segments(view, indexes), ref.phrases, ref.fuzzy)
