"""The titles of a stored rubric version, per language, for showing its scorecards.

A stored scorecard names its criteria and sections by id; their titles (in each language
the rubric gives) come from the rubric's YAML source, which the rubric record keeps. The
source is parsed once per rubric hash in a process (a scorecard read is a hot path):

    names = rubric_titles(record.hash, record.source)
    names.criterion("greeting", "tr")   # "Karşılama", else the rubric's own title, else the id
    names.pass_mark                      # 60.0: below it the call is flagged low_score
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from scoring.rubric_types import FlagRule, Titles, title_in

__all__ = ["RubricTitles", "rubric_titles"]

_CACHE: OrderedDict[tuple[str, str], RubricTitles] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


@dataclass(frozen=True)
class RubricTitles:
    """Criterion and section titles: id -> (the rubric language's title, every language's)."""

    language: str = ""
    criteria: dict[str, tuple[str, Titles]] = field(default_factory=dict)
    sections: dict[str, tuple[str, Titles]] = field(default_factory=dict)
    # The total below which the rubric flags a call (its low_score rule, else another
    # score_below rule; scoring.flag_defaults gives 60); None when no rule says.
    pass_mark: float | None = None

    def criterion(self, criterion_id: str, language: str) -> str:
        """The criterion's title in ``language``, else in the rubric's language, else its id."""
        title, titles = self.criteria.get(criterion_id, (criterion_id, ()))
        return title_in(titles, title, language)

    def section(self, section_id: str, language: str, stored: str | None = None) -> str:
        """The section's title in ``language``, else the rubric's (or the stored) title."""
        fallback = stored or section_id
        title, titles = self.sections.get(section_id, (fallback, ()))
        return title_in(titles, title, language)


def rubric_titles(rubric_hash: str, source: str) -> RubricTitles:
    """The titles of the rubric with this hash and YAML source; empty when the source no
    longer parses (an old version written for a schema since changed): callers then show
    the stored titles and ids."""
    key = (rubric_hash, source)  # the source too: a hash is only as good as whoever wrote it
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    titles = _parse(source)
    with _LOCK:
        _CACHE[key] = titles
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return titles


def _parse(source: str) -> RubricTitles:
    from pipeline.errors import RubricError
    from scoring.rubric_parse import parse_rubric

    try:
        rubric = parse_rubric(source, source="stored rubric")
    except RubricError:
        return RubricTitles()
    return RubricTitles(
        language=rubric.language,
        criteria={c.id: (c.title, c.titles) for _, c in rubric.criteria()},
        sections={s.id: (s.title, s.titles) for s in rubric.sections},
        pass_mark=_pass_mark(rubric.flags),
    )


def _pass_mark(rules: tuple[FlagRule, ...]) -> float | None:
    marks = sorted((r.code != "low_score", r.threshold) for r in rules
                   if r.type == "score_below" and r.threshold is not None)
    return marks[0][1] if marks else None
