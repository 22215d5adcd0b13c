"""Payment context: redact every digit run of a number being given, checksum or not.

ASR splits a spoken card number into groups ("4111, 1111, 1111, 1111"), drops a digit
("4111 1111 111 1111": Luhn fails) or carries the rest into the next utterance; the
checksum rules of :mod:`pipeline.pii` then find a part of it or nothing, and the rest stays
readable. So where an utterance is in a *payment context*, every digit run in it (numerals
or spoken number words in English, Turkish, Azerbaijani: :mod:`pipeline.pii_numbers`) of at
least 4 digits (3 where a CVV is talked about) is redacted, as the kind the nearest cue
names. An utterance is in a payment context when it or the one before holds a cue:

- a word: card/kart, CVV/CVC/güvenlik kodu, son kullanma/expiry, IBAN/hesap/account,
  kimlik/TCKN/TC/FIN, telefon/phone/cep, or an ask for "your number" (numaranızı);
- a number the checksum rules found (a card, IBAN, id or phone);
- or the utterance before was in a payment context and gave a number (the customer reads
  the number out over several utterances);
- or the utterance reads a long number out (a run of 10 digits or more, or 8 or more
  groups of one or two digits making 10 or more): the ask may have been misheard.

Runs that read as an amount, a time or a quantity ("249 lira", "saat 14", "3 gün") stay,
and nothing changes outside a payment context: order counts, dates and prices stay
readable there.

    >>> texts = ["Kart numaranızı alabilir miyim?", "4111 1111 111 1111", "1111"]
    >>> payment_context_spans(texts, [[], [], []], frozenset({"card"}))
    [[], [('card', 0, 18)], [('card', 0, 4)]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pipeline.pii_numbers import TOKEN_RE, Span, atoms, runs
from pipeline.textnorm import fold

__all__ = ["payment_context_spans"]

_CVV = "cvv"  # a cue kind: redacts as "card", from 3 digits
_GENERIC = ""  # "your number": the kind comes from another cue, else "card"

# (words, kind): each word a folded prefix of a token, or the whole token where it ends in "$".
_CUE_WORDS: tuple[tuple[str, str], ...] = (
    ("kart", "card"), ("card", "card"), ("visa", "card"), ("mastercard", "card"),
    ("son kullanma", "card"), ("expir", "card"), ("skt$", "card"),
    ("cvv", _CVV), ("cvc", _CVV), ("guvenlik kod", _CVV), ("security code", _CVV),
    ("iban", "iban"), ("hesap", "iban"), ("hesab", "iban"), ("account", "iban"),
    ("kimlik", "tckn"), ("tckn", "tckn"), ("tc$", "tckn"), ("fin$", "tckn"),
    ("şəxsiyyət", "tckn"), ("vesiqe", "tckn"), ("vəsiqə", "tckn"),
    ("telefon", "phone"), ("phone", "phone"), ("cep$", "phone"), ("mobil", "phone"),
    ("gsm$", "phone"), ("numaranizi", _GENERIC), ("nomrenizi", _GENERIC),
    ("nömrənizi", _GENERIC), ("your number", _GENERIC),
)
_CUES = tuple((tuple(fold(w) + ("$" if w.endswith("$") else "") for w in words.split()), kind)
              for words, kind in _CUE_WORDS)

# A run followed by one of these is an amount or a quantity; after "saat", a time.
_UNITS_AFTER = ("lira", "tl$", "try$", "kurus", "manat", "azn$", "qepik", "dolar", "dollar",
                "euro", "avro", "usd$", "eur$", "sterlin", "pound", "gun", "day", "ay$", "hafta",
                "week", "dakika", "minute", "saat", "hour", "yil", "year", "adet", "tane",
                "gb$", "mb$", "percent")
_UNITS_BEFORE = ("saat", "yuzde", "percent")
_SYMBOLS = frozenset("$€£₺₼%")


class _Cue(NamedTuple):
    pos: int  # character offset in the utterance
    kind: str  # a PII kind, _CVV or _GENERIC


def _word_matches(token: str, word: str) -> bool:
    return token == word[:-1] if word.endswith("$") else token.startswith(word)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded token, start, end) of the words of ``text`` (punctuation dropped)."""
    out = []
    for m in TOKEN_RE.finditer(text):
        folded = fold(m.group())
        if folded or m.group() in _SYMBOLS:
            out.append((folded or m.group(), m.start(), m.end()))
    return out


def _cues(tokens: list[tuple[str, int, int]], found: Sequence[Span]) -> list[_Cue]:
    cues = [_Cue(s, kind) for kind, s, _ in found if kind != "email"]
    for i, (_, start, _) in enumerate(tokens):
        for words, kind in _CUES:
            following = tokens[i:i + len(words)]
            if len(following) == len(words) and all(
                    _word_matches(tok, word) for (tok, _, _), word in zip(following, words,
                                                                          strict=True)):
                cues.append(_Cue(start, kind))
                break
    return sorted(cues)


def _innocent(tokens: list[tuple[str, int, int]], start: int, end: int) -> bool:
    """Whether the run at ``start:end`` reads as an amount, a quantity or a time."""
    before = [tok for tok, _, e in tokens if e <= start]
    after = [tok for tok, s, _ in tokens if s >= end]
    if before and (before[-1] in _SYMBOLS or any(before[-1].startswith(w) for w in _UNITS_BEFORE)):
        return True
    return bool(after) and (after[0] in _SYMBOLS or any(_word_matches(after[0], w)
                                                        for w in _UNITS_AFTER))


def _dictation(tokens: list[tuple[str, int, int]], text: str) -> _Cue | None:
    """A number being read out, with or without a word that says what it is (ASR may have
    misheard that word): one run of 10 digits or more, or 8 or more groups of one or two
    digits that add up to 10 digits or more. Amounts, quantities and times don't count.
    Dates, prices and order numbers are shorter than that."""
    kept = [run for run in runs(atoms(text), [])
            if not _innocent(tokens, run[0].start, run[-1].end)]
    items = [item for run in kept for item in run]
    long_run = any(sum(len(i.digits) for i in run) >= 10 for run in kept)
    short = [i for i in items if len(i.digits) <= 2]
    read_out = len(short) >= 8 and sum(len(i.digits) for i in items) >= 10
    return _Cue(kept[0][0].start, _GENERIC) if long_run or read_out else None


def _kind_for(start: int, own: list[_Cue], previous: list[_Cue], carried: str) -> str:
    """The kind the cue nearest before ``start`` names (this utterance, then the one before,
    then a number carried over, then a cue after it); a generic ask takes another's kind."""
    ordered = ([c.kind for c in own if c.pos < start][::-1] + [c.kind for c in previous][::-1]
               + [carried] + [c.kind for c in own if c.pos >= start])
    kind = next((k for k in ordered if k), "card")
    return "card" if kind == _CVV else kind


def _merge(spans: list[Span], new: Span) -> list[Span]:
    """``spans`` with ``new`` added; spans it overlaps are absorbed and give it their kind."""
    _, s, e = new
    hit = [sp for sp in spans if sp[1] < e and s < sp[2]]
    if not hit:
        return sorted([*spans, new], key=lambda sp: (sp[1], sp[2]))
    merged = (hit[0][0], min(s, *(sp[1] for sp in hit)), max(e, *(sp[2] for sp in hit)))
    return sorted([sp for sp in spans if sp not in hit] + [merged],
                  key=lambda sp: (sp[1], sp[2]))


def payment_context_spans(
    texts: Sequence[str], found: Sequence[Sequence[Span]], kinds: frozenset[str],
) -> list[list[Span]]:
    """``found`` (each utterance's spans from the checksum rules) with every digit run of a
    payment context added: sorted and disjoint per utterance, only ``kinds``."""
    out: list[list[Span]] = []
    previous: list[_Cue] = []
    carried = ""  # the kind of a number the utterance before was giving
    for text, spans in zip(texts, found, strict=True):
        result = list(spans)
        tokens = _tokens(text)
        own = _cues(tokens, spans)
        if not own and (cue := _dictation(tokens, text)) is not None:
            own = [cue]
        gave = ""
        if own or previous or carried:
            cvv = any(c.kind == _CVV for c in own + previous)
            for run in runs(atoms(text), []):
                start, end = run[0].start, run[-1].end
                digits = "".join(item.digits for item in run)
                if len(digits) < (3 if cvv else 4) or _innocent(tokens, start, end):
                    continue
                kind = _kind_for(start, own, previous, carried)
                if kind in kinds or any(sp[1] < end and start < sp[2] for sp in result):
                    result = _merge(result, (kind, start, end))
                    gave = next(sp[0] for sp in result if sp[1] <= start < sp[2])
        if not gave and spans and own:
            gave = next((c.kind for c in reversed(own) if c.kind), "")
        out.append(result)
        previous, carried = own, gave if gave != "email" else ""
    return out
