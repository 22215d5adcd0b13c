"""What every criterion type needs: parties, timed tokens and sentences, evidence, wording."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.types import Role, Utterance
from scoring.messages import Message, fmt_time, message, render
from scoring.rubric_types import Window
from scoring.types import CallView, Evidence, Verdict

__all__ = [
    "Outcome", "Token", "Unit", "fmt_time", "na", "party_arg", "party_indexes",
    "quote_list", "sentence_units", "shorten", "tokens", "utterance_evidence", "window_arg",
    "window_span",
]

_SENTENCE_END = (".", "?", "!", "…")


@dataclass(frozen=True)
class Outcome:
    """What a criterion type decides; :func:`scoring.criteria.evaluate` adds the points."""

    verdict: Verdict
    message: Message  # the explanation, rendered in each reader's language
    evidence: tuple[Evidence, ...] = ()
    confidence: float | None = None

    @property
    def explanation(self) -> str:
        """The explanation in English (stored beside the message)."""
        return render(self.message, "en")


def na(reason: Message | str, *, error: bool = False) -> Outcome:
    """N/A: ``not evaluated: <reason>`` when something failed, else ``not applicable: ...``."""
    key = "na.not_evaluated" if error else "na.not_applicable"
    return Outcome(Verdict.NA, message(key, reason=reason))


def party_arg(party: str, roles_unknown: bool = False) -> dict[str, object] | str:
    """A party as a message argument: its code, and whether speaker roles were unknown."""
    return {"party": party, "roles_unknown": True} if roles_unknown else party


def window_arg(window: Window) -> dict[str, float]:
    """A window as a message argument: ``{"first": 30}``, ``{"last": 60}`` or ``{}``."""
    if window.first is not None:
        return {"first": window.first}
    if window.last is not None:
        return {"last": window.last}
    return {}


def shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote_list(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(f"'{s}'" for s in items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def party_indexes(view: CallView, party: str) -> tuple[list[int], bool]:
    """Indexes of the party's utterances, and whether roles were unknown.

    An undiarised call has no agent or customer utterance at all; then every utterance of
    an unknown speaker may be either party's and is searched (the explanation says so).
    """
    utts = view.utterances
    if party == "any":
        return list(range(len(utts))), False
    labelled = any(u.role in (Role.AGENT, Role.CUSTOMER) for u in utts)
    if not labelled:
        return [i for i, u in enumerate(utts) if u.role is Role.UNKNOWN], True
    role = Role(party)
    return [i for i, u in enumerate(utts) if u.role is role], False


def window_span(view: CallView, window: Window) -> tuple[float, float]:
    return window.bounds(view.duration)


@dataclass(frozen=True)
class Token:
    text: str
    start: float
    end: float


def tokens(utt: Utterance) -> tuple[Token, ...]:
    """The utterance's words with their times; spread evenly over it when it has none."""
    if utt.words:
        return tuple(Token(w.text, w.start, w.end) for w in utt.words if w.text.strip())
    parts = utt.text.split()
    if not parts:
        return ()
    total = sum(len(p) + 1 for p in parts)
    span, t, out = max(0.0, utt.end - utt.start), utt.start, []
    for part in parts:
        step = span * (len(part) + 1) / total
        out.append(Token(part, t, t + step))
        t += step
    return tuple(out)


def in_window(start: float, end: float, bounds: tuple[float, float] | None) -> bool:
    return bounds is None or (end > bounds[0] and start < bounds[1])


@dataclass(frozen=True)
class Unit:
    """A sentence of one utterance (the text models see), with its time span."""

    index: int
    text: str
    start: float
    end: float


def _clauses(sentence: list[Token]) -> list[list[Token]]:
    """The comma-separated clauses of a sentence (ASR often writes a turn as one sentence:
    "I'm sorry to hear that, I understand how frustrating that must be, before I look at
    your account, can you confirm..."); clauses of one or two words join the next one."""
    clauses: list[list[Token]] = []
    current: list[Token] = []
    for tok in sentence:
        current.append(tok)
        if tok.text.endswith(_CLAUSE_END) and len(current) >= 3:
            clauses.append(current)
            current = []
    if current:
        clauses.append(current)
    return clauses if len(clauses) > 1 else []


_CLAUSE_END = (",", ";", ":", "—")


def sentence_units(view: CallView, indexes: Sequence[int], window: Window,
                   pairs: bool = False) -> list[Unit]:
    """The sentences of these utterances that overlap the window, in call order, each
    followed by its clauses when it has several (a model then sees each thought alone).

    ``pairs`` adds each two consecutive sentences of one utterance, joined: the ASR puts a
    full stop where the speaker paused, so one statement ("I have applied a credit of ten
    pounds. You will see it on your next invoice.") can arrive as two sentences.
    """
    whole = window.first is None and window.last is None
    bounds = None if whole else window.bounds(view.duration)
    units = []
    for i in indexes:
        sentence: list[Token] = []
        previous: list[Token] = []
        toks = tokens(view.utterances[i])
        for k, tok in enumerate(toks):
            sentence.append(tok)
            if tok.text.rstrip("\"')»”").endswith(_SENTENCE_END) or k == len(toks) - 1:
                joined = [previous + sentence] if pairs and previous else []
                for part in [sentence, *_clauses(sentence), *joined]:
                    unit = Unit(i, " ".join(t.text for t in part), part[0].start, part[-1].end)
                    if in_window(unit.start, unit.end, bounds):
                        units.append(unit)
                previous, sentence = sentence, []
    return units


def utterance_evidence(view: CallView, index: int, start: float | None = None,
                       end: float | None = None, note: Message | None = None) -> Evidence:
    """Evidence of one utterance: its (redacted) text, role and time span."""
    utt = view.utterances[index]
    return Evidence(
        start=utt.start if start is None else start,
        end=utt.end if end is None else end,
        utterance_indexes=(index,),
        quote=shorten(view.display_text(index)),
        role=utt.role.value,
        note=render(note, "en"),
        note_message=note,
    )
