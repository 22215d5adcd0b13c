"""QA rubrics: load a versioned YAML rubric, list the shipped ones, pick one for a call.

    rubric = load_rubric("inbound_service_tr")          # a shipped rubric, by name
    rubric = load_rubric("rubrics/billing_v3.yaml")     # or any file
    rubric = select_rubric(builtin_rubrics(), view)     # by language, direction, queue

A rubric is refused on load with a :class:`~pipeline.errors.RubricError` that names the
file, the line and the criterion (``billing.yaml:41: criterion 'greeting': unknown field
'pionts' (did you mean 'points'?)``). ``Rubric.hash`` is the sha256 of the file's bytes, so
a score always says exactly which rubric text produced it. The format is documented in
``docs/rubrics.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import RubricError
from scoring.rubric_parse import parse_rubric
from scoring.rubric_types import (
    AppliesTo,
    ClassifierCriterion,
    Criterion,
    FlagRule,
    MetricCriterion,
    PhraseCriterion,
    PhraseRef,
    Rubric,
    Section,
    SemanticCriterion,
    SentimentCriterion,
    When,
    Window,
)
from scoring.types import CallView
from scoring.yamlfields import named_file

__all__ = [
    "BUILTIN_DIR", "AppliesTo", "ClassifierCriterion", "Criterion", "FlagRule",
    "MetricCriterion", "PhraseCriterion", "PhraseRef", "Rubric", "Section",
    "SemanticCriterion", "SentimentCriterion", "When", "Window", "builtin_rubrics",
    "load_rubric", "parse_rubric", "select_rubric",
]

BUILTIN_DIR = Path(__file__).resolve().parent / "rubrics"


def load_rubric(path_or_name: str | Path) -> Rubric:
    """Load a rubric file, or a shipped rubric by name (``"inbound_service_en"``)."""
    path = named_file(path_or_name, BUILTIN_DIR)
    if path is None:
        names = ", ".join(p.stem for p in _builtin_paths())
        raise RubricError(f"no rubric file or shipped rubric named {str(path_or_name)!r}",
                          hint=f"Give a path to a YAML file or one of: {names}.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RubricError(f"cannot read the rubric: {exc.strerror}", path=str(path)) from exc
    return parse_rubric(raw, source=str(path))


def _builtin_paths() -> list[Path]:
    return sorted(p for p in BUILTIN_DIR.glob("*.yaml") if not p.name.startswith("_"))


@functools.cache
def builtin_rubrics() -> tuple[Rubric, ...]:
    """The rubrics shipped in ``scoring/rubrics/``, loaded once per process."""
    return tuple(load_rubric(p) for p in _builtin_paths())


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.split("."))


def select_rubric(rubrics: Iterable[Rubric], view: CallView) -> Rubric | None:
    """The rubric that fits a call best, or None when none is for the call's language.

    A rubric fits when its ``language`` is the call's and each of its ``applies_to``
    conditions (direction, queue) holds. A condition the call's metadata cannot answer (the
    direction or queue is unknown) does not exclude the rubric but makes it a weaker fit.
    The most specific fit wins: more conditions met, then fewer unknown, then the newest
    version; remaining ties go to the name that sorts first.
    """
    language = (view.language or "").lower()[:2]
    fits: list[tuple[int, int, Rubric]] = []
    for rubric in rubrics:
        if rubric.language != language:
            continue
        met = unknown = 0
        for wanted, actual in ((rubric.applies_to.direction, view.direction),
                               (rubric.applies_to.queue, view.queue)):
            if not wanted:
                continue
            if actual is None:
                unknown += 1
            elif actual in wanted:
                met += 1
            else:
                break
        else:
            fits.append((met, unknown, rubric))
    # Stable sorts, least significant key first.
    fits.sort(key=lambda fit: fit[2].name)
    fits.sort(key=lambda fit: _version_key(fit[2].version), reverse=True)
    fits.sort(key=lambda fit: (-fit[0], fit[1]))
    return fits[0][2] if fits else None
