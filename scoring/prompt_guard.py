"""Never put words in an agent's mouth: rubric phrases are kept out of the decoding prompt.

Whisper continues its prompt. Given ``CALLQA_ASR_INITIAL_PROMPT`` or ``CALLQA_ASR_HOTWORDS``
holding a sentence a rubric checks for, the model writes that sentence into a turn where
nobody said it (seen with ``base`` on our Turkish calls: the recording disclosure appeared
in a call that lacked it), and a compliance failure becomes a pass. So:

**Policy.** No call is ever decoded with a prompt that overlaps a rubric phrase.

- At processing time (``flows.process``) the overlapping parts are removed from the prompt
  and the hotwords before decoding; a warning is logged and the call carries a note
  (``initial prompt: removed rubric phrase '...'``), so a reviewer sees why.
- ``callqa config check`` and ``callqa worker`` report every overlap with the phrase named:
  in production they refuse to start, in development they warn.

**What overlaps.** The phrases of every phrase criterion (``phrases``; ``patterns`` and the
``before``/``after`` ordering phrases are not checked) of every rubric in force, in all
languages, compared after :func:`pipeline.textnorm.fold`:

1. the whole phrase occurs in the prompt (its last word may carry a suffix, as in scoring);
2. a run of 3 consecutive words of a phrase occurs (one of them distinctive: not a function
   word, at least 4 letters), which catches a paraphrase of a long disclosure;
3. a hotword is a distinctive word of a phrase, or the start of one ("recorded", "kayıt").

Company names (``CALLQA_COMPANY_NAMES``) are what prompts are for, so their words are never
distinctive and a phrase made of them alone ("anadolu telekom") is allowed; the price is that
the model may write the company name where it was mumbled, which alone passes no criterion
that also needs the agent's name. Product names and other domain terms pass untouched.

    result = guard_prompt(rubrics, prompt, hotwords, company_names=("Anadolu Telekom",))
    result.overlaps        # what was found, with rubric, criterion and phrase
    result.initial_prompt  # the prompt without the clauses that held them (None if empty)
    result.hotwords        # the hotwords without the overlapping words (None if empty)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.textnorm import fold
from scoring.rubric_types import PhraseCriterion, Rubric

__all__ = ["GuardResult", "Overlap", "RubricPhrase", "guard_prompt", "rubric_phrases"]

RUN = 3  # consecutive words of a phrase that count as an overlap
MIN_DISTINCTIVE = 4  # letters a distinctive word has at least
MIN_PREFIX = 4  # a phrase's last word (or a hotword) this long may match with a suffix

# Function words of English, Turkish and Azerbaijani (folded): never distinctive on their own.
_FUNCTION_WORDS = frozenset((
    "this", "that", "these", "those", "with", "your", "yours", "have", "been", "being",
    "from", "will", "would", "what", "when", "where", "there", "here", "they", "them",
    "their", "then", "than", "into", "about", "also", "just", "only", "very", "some", "such",
    # Turkish
    "bir", "icin", "ile", "gibi", "daha", "veya", "olarak", "olan", "sizi", "size", "bize",
    "bana", "sizin", "bizim", "onun", "nasil", "ama", "fakat", "kadar", "once", "sonra",
    "simdi", "lutfen", "evet", "hayir",
    # Azerbaijani
    "ucun", "kimi", "yaxud", "olaraq", "mene", "nece", "amma", "lakin", "qeder", "evvel",
    "indi", "xahis", "beli", "xeyr",
))

_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")  # letters/digits, with combining marks
_CLAUSE_END = re.compile(r"[,.;:!?\n]+")
_HOTWORD_SEP = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class RubricPhrase:
    rubric: str
    criterion: str
    phrase: str  # as the rubric wrote it
    words: tuple[str, ...]  # folded


@dataclass(frozen=True)
class Overlap:
    setting: str  # CALLQA_ASR_INITIAL_PROMPT or CALLQA_ASR_HOTWORDS
    phrase: RubricPhrase
    found: str  # the part of the setting that overlaps, as written there
    kind: str  # "phrase", "run" (3 words of it) or "word" (a hotword)

    def __str__(self) -> str:
        what = {"phrase": "holds", "run": "holds part of", "word": "holds a word of"}[self.kind]
        return (f"{self.setting} {what} the rubric phrase {self.phrase.phrase!r} "
                f"({self.phrase.rubric}: {self.phrase.criterion}): {self.found!r}")


@dataclass(frozen=True)
class GuardResult:
    overlaps: tuple[Overlap, ...]
    initial_prompt: str | None  # cleaned
    hotwords: str | None  # cleaned

    @property
    def notes(self) -> tuple[str, ...]:
        """One line per setting that lost something, for the call's notes and the log."""
        notes = []
        for setting, label in (("CALLQA_ASR_INITIAL_PROMPT", "initial prompt"),
                               ("CALLQA_ASR_HOTWORDS", "hotwords")):
            found = [o for o in self.overlaps if o.setting == setting]
            if not found:
                continue
            first = max(found, key=lambda o: (o.kind == "phrase", len(o.phrase.words)))
            others = len({o.phrase.phrase for o in found}) - 1
            more = f" and {others} more" if others else ""
            notes.append(f"{label}: removed rubric phrase {first.phrase.phrase!r} "
                         f"({first.phrase.rubric}: {first.phrase.criterion}){more}, so that "
                         "the model cannot write it where nobody said it")
        return tuple(notes)


def rubric_phrases(rubrics: Iterable[Rubric]) -> tuple[RubricPhrase, ...]:
    """Every phrase of every phrase criterion, once per rubric and criterion."""
    seen: dict[tuple[str, str, tuple[str, ...]], RubricPhrase] = {}
    for rubric in rubrics:
        for _, criterion in rubric.criteria():
            if not isinstance(criterion, PhraseCriterion):
                continue
            for item in criterion.phrases:
                for phrase in item:
                    words = tuple(fold(phrase).split())
                    if words:
                        seen.setdefault((rubric.name, criterion.id, words),
                                        RubricPhrase(rubric.name, criterion.id, phrase, words))
    return tuple(seen.values())


def guard_prompt(
    rubrics: Iterable[Rubric], initial_prompt: str | None, hotwords: str | None,
    company_names: Sequence[str] = (),
) -> GuardResult:
    """The overlaps of the prompt and hotwords with the rubrics' phrases, and both cleaned."""
    phrases = rubric_phrases(rubrics)
    company = frozenset(w for name in company_names for w in fold(name).split())
    overlaps: list[Overlap] = []
    prompt_out = initial_prompt
    if initial_prompt and initial_prompt.strip():
        found, spans = _overlaps("CALLQA_ASR_INITIAL_PROMPT", initial_prompt, phrases,
                                 company, hotwords=False)
        overlaps += found
        prompt_out = _drop_clauses(initial_prompt, spans) if spans else initial_prompt
    hot_out = hotwords
    if hotwords and hotwords.strip():
        found, spans = _overlaps("CALLQA_ASR_HOTWORDS", hotwords, phrases, company,
                                 hotwords=True)
        overlaps += found
        hot_out = _drop_hotwords(hotwords, spans) if spans else hotwords
    return GuardResult(tuple(overlaps), prompt_out, hot_out)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for every word of ``text`` (NFC), in order."""
    out = []
    for m in _WORD.finditer(text):
        for word in fold(m.group()).split():
            out.append((word, m.start(), m.end()))
    return out


def _distinctive(word: str, company: frozenset[str]) -> bool:
    return len(word) >= MIN_DISTINCTIVE and word not in _FUNCTION_WORDS and word not in company


def _find(words: Sequence[str], needle: Sequence[str]) -> int | None:
    """First position where ``needle`` occurs in ``words`` (a long last word may go on)."""
    n = len(needle)
    *head, last = needle
    for i in range(len(words) - n + 1):
        if list(words[i:i + n - 1]) != head:
            continue
        w = words[i + n - 1]
        if w == last or (len(last) >= MIN_PREFIX and w.startswith(last)):
            return i
    return None


def _overlaps(
    setting: str, text: str, phrases: Sequence[RubricPhrase], company: frozenset[str],
    hotwords: bool,
) -> tuple[list[Overlap], list[tuple[int, int]]]:
    text = unicodedata.normalize("NFC", text)
    toks = _tokens(text)
    words = [t[0] for t in toks]
    found: dict[tuple[str, str, str], Overlap] = {}
    spans: list[tuple[int, int]] = []

    def hit(p: RubricPhrase, first: int, last: int, kind: str) -> None:
        spans.append((toks[first][1], toks[last][2]))
        key = (p.rubric, p.criterion, p.phrase)
        if key not in found:  # the first rule to find a phrase names it: phrase, run, word
            found[key] = Overlap(setting, p, text[toks[first][1]:toks[last][2]], kind)

    for p in phrases:
        if all(w in company for w in p.words):
            continue  # a company name alone: allowed
        i = _find(words, p.words)
        if i is not None:
            hit(p, i, i + len(p.words) - 1, "phrase")
        else:
            for k in range(len(p.words) - RUN + 1):
                run = p.words[k:k + RUN]
                if any(_distinctive(w, company) for w in run) and \
                        (i := _find(words, run)) is not None:
                    hit(p, i, i + RUN - 1, "run")
                    break
        if hotwords:  # every hotword that is (the start of) a distinctive word of it
            keys = [pw for pw in p.words if _distinctive(pw, company)]
            for j, w in enumerate(words):
                if _distinctive(w, company) and any(
                        pw == w or (len(w) >= MIN_PREFIX and pw.startswith(w)) for pw in keys):
                    hit(p, j, j, "word")
    return list(found.values()), spans


def _drop_clauses(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """``text`` without every clause (between , . ; : ! ? or line ends) that a span touches."""
    text = unicodedata.normalize("NFC", text)
    kept, start = [], 0
    for m in [*_CLAUSE_END.finditer(text), None]:
        end = m.end() if m else len(text)
        body_end = m.start() if m else len(text)
        if start < end and not any(a < body_end and b > start for a, b in spans):
            kept.append(text[start:end])
        start = end
    cleaned = " ".join(" ".join(kept).split()).strip(" ,;:")
    return cleaned or None


def _drop_hotwords(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    text = unicodedata.normalize("NFC", text)
    kept, pos = [], 0
    for part in _HOTWORD_SEP.split(text):
        start = text.index(part, pos) if part else pos
        end = start + len(part)
        pos = end
        if part and not any(a < end and b > start for a, b in spans):
            kept.append(part)
    return (", " if "," in text else " ").join(kept) or None
