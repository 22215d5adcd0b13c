"""Text folding for matching phrases in Turkish, Azerbaijani and English transcripts.

ASR output is cased and accented inconsistently: a Turkish model writes "İyi günler",
an English-cased one "IYI GUNLER", a customer's name may come with or without its
apostrophe suffix. :func:`fold` maps all of these to one plain form, so that phrases
can be matched with :func:`contains_phrase`:

- the four Turkish i's (``İ I ı i``) all become ``i`` (the Turkish rule ``I -> ı`` cannot
  be applied safely to English-cased ASR output, so both are folded to ``i``);
- case is folded, accents are stripped (``ş ğ ü ö ç â î û -> s g u o c a i u``) and the
  Azerbaijani schwa ``Ə ə`` becomes ``e``, as do the look-alikes that Azerbaijani text is
  often typed with (the turned e ``Ǝ ǝ`` and the Cyrillic schwa ``Ә ә``); ASR output that
  drops the schwa's shape ("gelmisiniz") therefore matches a rubric's "gəlmisiniz". The
  Azerbaijani ``q`` and ``x`` are letters of their own and stay;
- punctuation (apostrophes included) becomes a space and runs of spaces collapse to one.

>>> fold("İyi günler, ben Ayşe; Anadolu Telekom'a hoş geldiniz!")
'iyi gunler ben ayse anadolu telekom a hos geldiniz'
>>> fold("Anadolu Telekom-a XOŞ GƏLMİSİNİZ, mənim adım Aygün")
'anadolu telekom a xos gelmisiniz menim adim aygun'
"""

from __future__ import annotations

import unicodedata

__all__ = ["contains_phrase", "fold"]

# Applied before case folding: "İ".lower() would give "i" + a combining dot above.
_BEFORE_CASEFOLD = str.maketrans({
    "İ": "i", "I": "i", "ı": "i",
    "Ə": "e", "ə": "e",  # Azerbaijani schwa (U+018F, U+0259)
    "Ǝ": "e", "ǝ": "e",  # turned E (U+018E, U+01DD), a common stand-in for the schwa
    "Ә": "e", "ә": "e",  # Cyrillic schwa (U+04D8, U+04D9), ditto
})


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of ``text`` for matching."""
    text = unicodedata.normalize("NFKD", text.translate(_BEFORE_CASEFOLD).casefold())
    chars = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        chars.append(ch if ch.isalnum() else " ")
    return " ".join("".join(chars).translate(_BEFORE_CASEFOLD).split())


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text``, both folded, starting at a word boundary.

    Only the start of the phrase must fall on a word boundary, so Turkish suffixes
    after it still match ("Anadolu Telekomu" contains "Anadolu Telekom"). An empty
    phrase matches nothing.

    >>> contains_phrase("Size nasıl YARDIMCI olabilirim?", "nasil yardımcı olabilirim")
    True
    """
    needle = fold(phrase)
    return bool(needle) and f" {needle}" in f" {fold(text)}"
