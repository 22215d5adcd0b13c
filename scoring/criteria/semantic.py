"""Semantic criteria: did a party say something that means what the example sentences mean?

Each sentence the party said (in the window) and each example are embedded with the
provider's sentence-embedding model; the similarity of a sentence is its best cosine to
any example. ``match: any`` passes when some sentence, or two consecutive sentences of one
utterance read together, reaches the threshold (evidence: the best one, its similarity as
confidence); ``match: none`` fails when one sentence does.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from scoring.criteria.common import (
    Outcome,
    na,
    party_arg,
    party_indexes,
    sentence_units,
    shorten,
    utterance_evidence,
    window_arg,
    window_span,
)
from scoring.messages import message, render
from scoring.protocols import Embedder, ModelProvider
from scoring.rubric_types import SemanticCriterion
from scoring.types import CallView, Evidence, Verdict

__all__ = ["encode_cached", "evaluate_semantic", "model_failure"]


def model_failure(exc: BaseException) -> str:
    """The reason a model could not be used, for ``not evaluated: <reason>``."""
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return shorten(text, 160)


_CACHE: OrderedDict[tuple[int, str, str], np.ndarray] = OrderedDict()
_CACHE_SIZE = 4096
_WATCHED: set[int] = set()
_KEPT: dict[int, Embedder] = {}  # embedders that cannot be weakly referenced


def _forget(ident: int) -> None:
    """Drop a collected embedder's vectors (a new object may reuse its id)."""
    _WATCHED.discard(ident)
    for key in [k for k in _CACHE if k[0] == ident]:
        del _CACHE[key]


def _watch(embedder: Embedder) -> None:
    ident = id(embedder)
    if ident in _WATCHED or ident in _KEPT:
        return
    try:
        weakref.finalize(embedder, _forget, ident)
        _WATCHED.add(ident)
    except TypeError:
        _KEPT[ident] = embedder


def encode_cached(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """``embedder.encode`` with a per-process memory: the examples of a rubric are embedded
    once, and a sentence two criteria look at is embedded once per call."""
    name = str(getattr(embedder, "name", ""))
    _watch(embedder)
    keys = [(id(embedder), name, t) for t in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in _CACHE))
    if missing:
        rows = _normalise(embedder.encode([k[2] for k in missing]))
        if rows.shape[0] != len(missing):
            raise ValueError(f"the model returned {rows.shape[0]} vectors for "
                             f"{len(missing)} texts")
        for k, row in zip(missing, rows, strict=True):
            _CACHE[k] = row
    out = np.stack([_CACHE[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
    for k in keys:
        _CACHE.move_to_end(k)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


def evaluate_semantic(c: SemanticCriterion, view: CallView,
                      models: ModelProvider | None) -> Outcome:
    indexes, unknown = party_indexes(view, c.party)
    units = sentence_units(view, indexes, c.window, pairs=c.match == "any")
    who = party_arg(c.party, unknown)
    where = window_arg(c.window)
    lo, hi = window_span(view, c.window)
    note = message("ev.searched", party=c.party, where=where)
    searched = Evidence(lo, hi, note=render(note, "en"), note_message=note)
    examples = [shorten(e, 60) for e in c.examples[:2]]
    if not units:
        verdict = Verdict.PASS if c.match == "none" else Verdict.FAIL
        return Outcome(verdict, message("party.said_nothing", who=who, where=where),
                       (searched,))
    if models is None:
        return na(message("reason.no_embedder"), error=True)
    try:
        embedder = models.embedder()
        vectors = encode_cached(embedder, [u.text for u in units])
        refs = encode_cached(embedder, list(c.examples))
    except Exception as exc:  # any model failure makes the criterion N/A, never a crash
        return na(message("reason.embedder_failed", error=model_failure(exc)), error=True)
    sims = (vectors @ refs.T).max(axis=1)
    best = int(np.argmax(sims))
    sim = float(sims[best])
    unit = units[best]
    evidence = utterance_evidence(view, unit.index, unit.start, unit.end,
                                  note=message("ev.similarity_quote", similarity=sim,
                                               quote=shorten(unit.text, 120)))
    said = {"who": who, "examples": examples, "similarity": sim, "threshold": c.threshold}
    if c.match == "any":
        if sim >= c.threshold:
            return Outcome(Verdict.PASS, message("semantic.like", **said), (evidence,),
                           confidence=round(sim, 3))
        return Outcome(Verdict.FAIL, message("semantic.not_like", **said, where=where),
                       (evidence, searched), confidence=round(sim, 3))
    hits = [i for i in np.argsort(-sims) if sims[i] >= c.threshold]
    if hits:
        found = [utterance_evidence(view, units[i].index, units[i].start, units[i].end,
                                    note=message("ev.similarity", similarity=float(sims[i])))
                 for i in hits[:3]]
        return Outcome(Verdict.FAIL, message("semantic.like", **said), tuple(found),
                       confidence=round(sim, 3))
    return Outcome(Verdict.PASS, message("semantic.none_like", **said, where=where),
                   (evidence, searched), confidence=round(sim, 3))
