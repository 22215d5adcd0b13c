"""What Whisper gets wrong in Turkish, for the fuzzy phrase matcher.

Measured on espeak-ng Turkish calls through Whisper ``base`` (``benchmarks/turkish_phrases``):
the model slips on vowel harmony (``kıyıt`` for *kayıt*, ``görüşmemiz``/``göröşmemiz``),
writes ``s`` for ``ş`` and drops or respells ``ğ`` (``dorulama``, ``deyil``), doubles or
halves consonants, voices or devoices them at suffix joints (``kayıd``), and splits or
merges words (``kayıtaltına``, ``yansı yacak``). Folding (:func:`pipeline.textnorm.fold`)
already removes case, accents and the four i's; :func:`sound` goes further, to a form in
which those slips vanish:

- the high vowels ``i ı u ü`` become one vowel, ``e a`` another, ``o ö`` a third;
- ``ğ`` (folded to ``g``) and a ``y`` after a vowel are dropped;
- ``d b c g`` become ``t p ç k`` and a doubled letter is written once;
- spaces are removed, so split and merged words cost nothing.

A sound form keeps the consonant skeleton, so it stays selective for phrases of a few words.
What it cannot tell apart is a negated verb from its positive (``iade edilemiyor`` is one
letter group away from ``iade edilecek``, ``oluşturamadım`` from ``oluşturdum``): a
candidate whose words carry a negation the phrase lacks (:func:`negated`) never matches.
Nor does one whose last word is another word with the same beginning: a long shared start
outweighs a short different ending in a whole-run score, so "kayıt altına aldım" (I logged
it) scores 94 against "kayıt altına alın(maktadır)" (this call is recorded);
:func:`ends_like` asks the phrase's last word to begin the run's last word (or its last two
written as one) in sound form, within :data:`END_SIMILARITY`.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import Levenshtein

__all__ = ["TOLERANT_LANGUAGES", "ends_like", "negated", "sound"]

# Calls in these languages get the tolerant matcher; Azerbaijani shares the vowel system.
TOLERANT_LANGUAGES = frozenset({"tr", "az"})

_VOWELS = frozenset("aeiouı")
_CLASS = str.maketrans({"i": "i", "u": "i", "e": "a", "a": "a", "o": "o",
                        "d": "t", "b": "p", "c": "ç", "g": "k"})

# Levenshtein similarity (0..1) of the phrase's last word to the start of the run's last
# word, in sound form: "alin" vs "alti" (aldım) is 0.5, vs "alon" (ASR for alın-) 0.75.
END_SIMILARITY = 0.6
# The phrase's last two words against the run's last word: stricter, or "altına alın" would
# end "kayıt altına" ("altinalin" vs "altina": 0.67).
MERGED_END_SIMILARITY = 0.8

# Negated verb forms on folded text (ı→i, ü→u): -mıyor (edemiyorum, almıyor), -(y)AmAdI
# (oluşturamadım), -mAdI (gelmedi, çözülmedi), -mAz (olmaz), -mAyAcAk (olmayacak), and the
# word "değil".
_NEGATION = re.compile(r"m[iu]yor|m[ae]d[iu]|m[ae]z(?:$|[^a-z])|m[ae]y[ae]c[ae]k|^degil")


@functools.lru_cache(maxsize=65536)
def sound(text: str) -> str:
    """The sound form of folded ``text`` (see the module doc); ``""`` stays ``""``.

    >>> sound("dogrulama icin"), sound("dorulama icun"), sound("kayitaltina alin")
    ('torilamaiçin', 'torilamaiçin', 'kaitaltinalin')
    """
    out: list[str] = []
    prev = ""
    for ch in text:
        if ch == " ":
            prev = ch  # a word's first g or y stays
            continue
        if ch in "gy" and prev in _VOWELS:
            continue  # ğ dropped or written g/y, and the glide y
        prev = ch
        mapped = ch.translate(_CLASS)
        if out and out[-1] == mapped:
            continue
        out.append(mapped)
    return "".join(out)


@functools.lru_cache(maxsize=65536)
def negated(word: str) -> bool:
    """Whether a folded word is a negated verb form (or "değil")."""
    return _NEGATION.search(word) is not None


def ends_like(phrase: tuple[str, ...], run: tuple[str, ...]) -> bool:
    """Whether a phrase's last word begins the run's last word, its last two written as one,
    or the one before (a split ending), or the phrase's last two words written as one begin
    the run's last word ("varmı"); in sound form within :data:`END_SIMILARITY`, both
    folded, as words."""
    ends = {run[-1], "".join(run[-2:]), run[-2 if run[1:] else -1]}
    pairs = [(phrase[-1], end, END_SIMILARITY) for end in ends]
    pairs.append(("".join(phrase[-2:]), run[-1], MERGED_END_SIMILARITY))
    for word, end, least in pairs:
        said = sound(word)
        if Levenshtein.normalized_similarity(said, sound(end)[:len(said)]) >= least:
            return True
    return False
