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

A :class:`Match` carries the utterance, the time of its first and last word, and the
score (100 for an exact match).
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
from scoring.rubric_types import PhraseRef, Window
from scoring.types import CallView

__all__ = ["Match", "Position", "Segment", "find_first", "find_ref", "segments"]

Position = tuple[int, int]  # (segment number, word number)


@dataclass(frozen=True)
class Segment:
    """The folded words of one utterance inside a window, each with its time span."""

    index: int  # utterance index
    words: tuple[str, ...]
    times: tuple[tuple[float, float], ...]
    hay: str  # " ".join(words)
    offsets: tuple[int, ...]  # where each word starts in ``hay``


@dataclass(frozen=True)
class Match:
    index: int  # utterance index
    start: float
    end: float
    phrase: str  # the phrase (or pattern) as the rubric wrote it
    score: float  # 0..100; 100 for exact
    position: Position  # of the first word, for ordering
    end_position: Position  # of the last word


_WHOLE_CALL = Window()


def segments(view: CallView, indexes: Iterable[int],
             window: Window = _WHOLE_CALL) -> list[Segment]:
    whole = window.first is None and window.last is None
    bounds = None if whole else window.bounds(view.duration)
    out = []
    for i in indexes:
        words: list[str] = []
        times: list[tuple[float, float]] = []
        for tok in tokens(view.utterances[i]):
            if not in_window(tok.start, tok.end, bounds):
                continue
            for word in fold(tok.text).split():
                words.append(word)
                times.append((tok.start, tok.end))
        if words:
            offsets, pos = [], 0
            for word in words:
                offsets.append(pos)
                pos += len(word) + 1
            out.append(Segment(i, tuple(words), tuple(times), " ".join(words), tuple(offsets)))
    return out


def _exact(seg: Segment, needle: str, start: int) -> tuple[int, int] | None:
    """First occurrence of the folded ``needle`` at a word start, from word ``start`` on."""
    if start >= len(seg.words):
        return None
    at = (" " + seg.hay).find(" " + needle, seg.offsets[start])
    if at < 0:
        return None
    first = bisect.bisect_right(seg.offsets, at) - 1
    return first, first + needle.count(" ")


@functools.lru_cache(maxsize=4096)
def _runs(words: tuple[str, ...], k: int) -> tuple[str, ...]:
    """Every run of ``k`` consecutive words, by start."""
    return tuple(" ".join(words[j:j + k]) for j in range(len(words) - k + 1))


@functools.lru_cache(maxsize=4096)
def _heads(words: tuple[str, ...], k: int, length: int) -> tuple[str, ...]:
    """The first ``length`` characters of the run of (up to) ``k`` words at each start."""
    return tuple(" ".join(words[j:j + k])[:length] for j in range(len(words)))


def _scores(needle: str, cands: Sequence[str], threshold: float) -> np.ndarray:
    if not cands:
        return np.zeros(0, dtype=np.float32)
    return process.cdist([needle], cands, scorer=fuzz.ratio, score_cutoff=threshold,
                         dtype=np.float32)[0]


def _fuzzy(seg: Segment, needle: str, n: int, threshold: float,
           start: int) -> tuple[int, int, float] | None:
    """First run of words scoring ``threshold`` or more against ``needle`` (see module doc)."""
    words, size = seg.words, len(seg.words)
    if start >= size:
        return None
    best = np.zeros(size, dtype=np.float32)
    best_k = np.zeros(size, dtype=np.int64)
    for k in range(max(1, n - 1), n + 3):
        runs = _runs(words, k)
        if not runs:
            break
        scores = np.zeros(size, dtype=np.float32)
        scores[: len(runs)] = _scores(needle, runs, threshold)
        better = scores > best
        best[better], best_k[better] = scores[better], k
    # The run cut to the needle's length: a suffix on its last word costs nothing.
    heads = _heads(words, n + 2, len(needle))
    scores = _scores(needle, heads, threshold)
    better = scores > best
    if better.any():
        best[better] = scores[better]
        best_k[better] = [len(heads[j].split()) for j in np.flatnonzero(better)]
    hits = np.flatnonzero(best[start:] >= threshold)
    if not hits.size:
        return None
    j = start + int(hits[0])
    # A run starting a word or two early also passes: take the best start nearby.
    j += int(np.argmax(best[j:j + n + 1]))
    return j, j + int(best_k[j]) - 1, float(best[j])


def _pattern(seg: Segment, pattern: re.Pattern[str], start: int) -> tuple[int, int] | None:
    for m in pattern.finditer(seg.hay, seg.offsets[start] if start < len(seg.offsets) else
                              len(seg.hay)):
        first = bisect.bisect_right(seg.offsets, m.start()) - 1
        last = bisect.bisect_right(seg.offsets, max(m.start(), m.end() - 1)) - 1
        return first, last
    return None


def find_first(
    segs: Sequence[Segment],
    alternatives: Sequence[str],
    fuzzy: float = 100.0,
    after: Position | None = None,
    patterns: bool = False,
) -> Match | None:
    """The earliest match of any alternative, strictly after ``after`` when given."""
    best: Match | None = None
    for phrase in alternatives:
        compiled = re.compile(phrase) if patterns else None
        needle_words = fold(phrase).split() if not patterns else []
        if not patterns and not needle_words:
            continue
        needle = " ".join(needle_words)
        for s, seg in enumerate(segs):
            if best is not None and (s, 0) > best.position:
                break
            begin = 0
            if after is not None:
                if s < after[0]:
                    continue
                if s == after[0]:
                    begin = after[1] + 1
            if begin >= len(seg.words):
                continue
            found: tuple[int, int, float] | None = None
            if compiled is not None:
                hit = _pattern(seg, compiled, begin)
                found = (*hit, 100.0) if hit else None
            else:
                hit = _exact(seg, needle, begin)
                found = (*hit, 100.0) if hit else None
                if fuzzy < 100:
                    near = _fuzzy(seg, needle, len(needle_words), fuzzy, begin)
                    if near and (found is None or near[0] < found[0]):
                        found = near
            if found is None:
                continue
            first, last, score = found
            match = Match(seg.index, seg.times[first][0], seg.times[last][1], phrase,
                          round(score, 1), (s, first), (s, last))
            if best is None or match.position < best.position:
                best = match
            break
    return best


def find_ref(view: CallView, ref: PhraseRef) -> Match | None:
    """Where the party first said one of the reference's phrases, in the whole call."""
    indexes, _ = party_indexes(view, ref.party)
    return find_first(segments(view, indexes), ref.phrases, ref.fuzzy)
