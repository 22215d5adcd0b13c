"""The pass mark a scorecard shows: the rubric's low_score threshold (60 unless the rubric
says otherwise), none when the rubric turns the rule off."""

from __future__ import annotations

from scoring.titles import rubric_titles
from tests.scoring.test_rubric_titles import RUBRIC

BASE = RUBRIC.split("flags:")[0]


def test_the_rubric_threshold_over_the_default_and_none_when_turned_off() -> None:
    assert rubric_titles("pm-own", RUBRIC).pass_mark == 70.0
    assert rubric_titles("pm-default", BASE).pass_mark == 60.0
    off = BASE + "flags:\n  rules:\n    - {code: low_score, enabled: false}\n"
    assert rubric_titles("pm-off", off).pass_mark is None
    assert rubric_titles("pm-broken", "name: [").pass_mark is None
