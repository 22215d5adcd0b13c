"""Rubric loading: shipped rubrics load; malformed ones are refused with file:line:criterion."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.errors import RubricError
from scoring import builtin_rubrics, load_rubric, parse_rubric, select_rubric
from scoring.flag_defaults import DEFAULT_FLAG_RULES
from scoring.rubric import BUILTIN_DIR
from scoring.rubric_types import (
    MetricCriterion,
    PhraseCriterion,
    PhraseRef,
    SemanticCriterion,
    Window,
)
from tests.scoring.conftest import make_view, write_rubric

VALID = """\
name: test_rubric
version: "2.1"
language: en
applies_to: {direction: inbound}
sections:
  - id: opening
    title: Opening
    weight: 2
    criteria:
      - id: greeting
        title: Greets
        type: phrase
        points: 10
        phrases: [hello, [good morning, good afternoon]]
        window: {first: 30}
        fuzzy: 85
      - id: verify
        title: Verifies identity
        type: phrase
        points: 5
        phrases: [verify your identity]
        before: greeting
  - id: conduct
    title: Conduct
    criteria:
      - id: silence
        title: No long silence
        type: metric
        points: 5
        metric: longest_silence
        max: 30
      - id: empathy
        title: Empathy
        type: semantic
        points: 5
        examples: [I am sorry]
        when: {direction: [inbound], min_duration: 20}
"""


def test_valid_rubric_loads_with_hash_source_and_defaults(tmp_path: Path) -> None:
    path = write_rubric(tmp_path, VALID)
    r = load_rubric(path)
    assert (r.name, r.version, r.language, r.label) == ("test_rubric", "2.1", "en",
                                                        "test_rubric v2.1")
    assert r.source == str(path) and r.text == VALID
    import hashlib

    assert r.hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [s.id for s in r.sections] == ["opening", "conduct"]
    assert r.sections[0].weight == 2.0 and r.sections[1].weight == 1.0  # default weight
    greeting = r.criterion("greeting")
    assert isinstance(greeting, PhraseCriterion)
    assert greeting.phrases == (("hello",), ("good morning", "good afternoon"))
    assert greeting.window == Window(first=30.0) and greeting.fuzzy == 85.0
    assert greeting.match == "any" and greeting.party == "agent" and greeting.line == 10
    verify = r.criterion("verify")
    assert isinstance(verify, PhraseCriterion)
    # ``before: greeting`` became the greeting criterion's phrases
    assert verify.before == PhraseRef(party="agent", phrases=("hello", "good morning",
                                      "good afternoon"), fuzzy=85.0, criterion="greeting")
    assert isinstance(r.criterion("silence"), MetricCriterion)
    empathy = r.criterion("empathy")
    assert isinstance(empathy, SemanticCriterion) and empathy.threshold == 0.6
    assert empathy.when.direction == ("inbound",) and empathy.when.min_duration == 20
    assert r.flags == DEFAULT_FLAG_RULES  # no flags section: the defaults


def test_hash_changes_with_the_bytes(tmp_path: Path) -> None:
    a = load_rubric(write_rubric(tmp_path, VALID, "a.yaml"))
    b = load_rubric(write_rubric(tmp_path, VALID + "# comment\n", "b.yaml"))
    assert a.hash != b.hash and a.sections == b.sections


@pytest.mark.parametrize("name", ["inbound_service_en", "inbound_service_tr",
                                  "outbound_sales_en", "outbound_sales_tr"])
def test_every_shipped_rubric_loads_by_name(name: str) -> None:
    r = load_rubric(name)
    assert r.name == name and r.source == str(BUILTIN_DIR / f"{name}.yaml")
    assert len(r.hash) == 64 and r.sections
    ids = [c.id for _, c in r.criteria()]
    assert len(ids) == len(set(ids)) >= 8
    assert {c.type for _, c in r.criteria()} >= {"phrase", "metric"}


def test_builtin_rubrics_cover_languages_and_directions() -> None:
    rubrics = builtin_rubrics()
    assert {(r.language, r.applies_to.direction) for r in rubrics} >= {
        ("en", ("inbound",)), ("tr", ("inbound",)), ("en", ("outbound",)),
    }
    inbound_tr = load_rubric("inbound_service_tr")
    types = {c.type for _, c in inbound_tr.criteria()}
    assert types >= {"phrase", "metric", "semantic", "sentiment"}
    outbound = load_rubric("outbound_sales_en")
    disclosure = outbound.criterion("recording_disclosure")
    assert disclosure is not None and disclosure.auto_fail


def test_unknown_name_lists_the_shipped_rubrics() -> None:
    with pytest.raises(RubricError) as err:
        load_rubric("inbound_servce_en")
    assert "no rubric file or shipped rubric named 'inbound_servce_en'" in str(err.value)
    assert "inbound_service_en" in str(err.value)


def _view(language: str, direction: str | None, queue: str | None = None):  # type: ignore[no-untyped-def]
    return make_view([("agent", 0.0, 1.0, "hi")], language=language, direction=direction,
                     queue=queue)


def test_select_rubric_by_language_and_direction() -> None:
    rubrics = builtin_rubrics()
    assert select_rubric(rubrics, _view("en", "inbound")).name == "inbound_service_en"  # type: ignore[union-attr]
    assert select_rubric(rubrics, _view("tr", "inbound")).name == "inbound_service_tr"  # type: ignore[union-attr]
    assert select_rubric(rubrics, _view("en", "outbound")).name == "outbound_sales_en"  # type: ignore[union-attr]
    assert select_rubric(rubrics, _view("de", "inbound")) is None


def test_select_rubric_prefers_the_most_specific_then_the_newest() -> None:
    base = parse_rubric(VALID.replace("applies_to: {direction: inbound}\n", ""), "a.yaml")
    inbound = dataclasses.replace(base, name="b_inbound",
                                  applies_to=dataclasses.replace(base.applies_to,
                                                                 direction=("inbound",)))
    billing = dataclasses.replace(inbound, name="c_billing",
                                  applies_to=dataclasses.replace(inbound.applies_to,
                                                                 queue=("billing",)))
    newer = dataclasses.replace(base, version="2.10")
    rubrics = [base, inbound, billing, newer]
    assert select_rubric(rubrics, _view("en", "inbound", "billing")) is billing
    assert select_rubric(rubrics, _view("en", "inbound", "sales")) is inbound
    assert select_rubric(rubrics, _view("en", "outbound")) is newer  # 2.10 > 2.1
    # unknown direction: a rubric without conditions fits better than one that needs one
    assert select_rubric(rubrics, _view("en", None)) is newer
    assert select_rubric([inbound], _view("en", None)) is inbound


# (what to change in VALID, expected line, criterion id or None, message fragment)
MALFORMED = [
    ("        points: 10\n        phrases: [hello", "        pionts: 10\n        phrases: [hello",
     13, "greeting", "unknown field 'pionts' (did you mean 'points'?)"),
    ("        points: 10\n        phrases: [hello", "        phrases: [hello",
     10, "greeting", "field 'points' is required"),
    ("        points: 5\n        phrases: [verify", "        points: -5\n        phrases: [verify",
     20, "verify", "'points' must be greater than 0, got -5"),
    ("        points: 5\n        phrases: [verify",
     "        points: five\n        phrases: [verify",
     20, "verify", "'points' must be a number, got 'five'"),
    ("      - id: verify\n", "      - id: greeting\n",
     17, "greeting", "duplicate criterion id (first defined on line 10)"),
    ("        type: metric\n", "        type: metrc\n",
     28, "silence", "'type' must be one of phrase, metric, sentiment, semantic, classifier; "
     "got 'metrc' (did you mean 'metric'?)"),
    ("        metric: longest_silence\n", "        metric: longest_pause\n",
     30, "silence", "'metric' must be one of"),
    ("        fuzzy: 85\n", "        fuzzy: 185\n",
     16, "greeting", "'fuzzy' must be at most 100, got 185"),
    ("        window: {first: 30}\n", "        window: {first: 30, last: 10}\n",
     15, "greeting", "'window' needs exactly one of 'first: N' or 'last: N'"),
    ("        phrases: [verify your identity]\n", "        phrases: []\n",
     21, "verify", "'phrases' must be a non-empty list"),
    ("        phrases: [verify your identity]\n", "        phrases: [verify your identity]\n"
     "        party: supervisor\n",
     22, "verify", "'party' must be one of agent, customer, any; got 'supervisor'"),
    ("        when: {direction: [inbound], min_duration: 20}\n",
     "        when: {direction: [incoming], min_duration: 20}\n",
     37, "empathy", "'direction' item 1 must be one of inbound, outbound; got 'incoming'"),
    ("        when: {direction: [inbound], min_duration: 20}\n",
     "        when: {direction: [inbound], min_duraton: 20}\n",
     37, "empathy", "unknown field 'min_duraton' (did you mean 'min_duration'?)"),
    ("        before: greeting\n", "        before: greting\n",
     22, "verify", "'before': no criterion 'greting' in this rubric (did you mean 'greeting'?)"),
    ("        examples: [I am sorry]\n", "        examples: [I am sorry]\n"
     "        phrases: [sorry]\n",
     37, "empathy", "field 'phrases' is not used in semantic criteria (it belongs to phrase "
     "criteria)"),
    ("    weight: 2\n", "    weight: 0\n", 8, None, "'weight' must be greater than 0, got 0"),
    ('version: "2.1"\n', "version: 2.1\n", 2, None, "'version' must be a string, got 2.1"),
    ("        max: 30\n", "        max: 30\n        max: 40\n",
     32, "silence", "duplicate key 'max'"),
    ("        title: Greets\n", "        title: Greets\n      bad indent: [\n",
     None, None, "invalid YAML"),
]


@pytest.mark.parametrize(("old", "new", "line", "criterion", "message"), MALFORMED,
                         ids=[m[4][:40] for m in MALFORMED])
def test_malformed_rubric_is_refused_with_file_line_and_criterion(
    tmp_path: Path, old: str, new: str, line: int | None, criterion: str | None, message: str
) -> None:
    assert old in VALID
    path = write_rubric(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    e = err.value
    assert e.path == str(path)
    if line is not None:
        assert e.line == line
    else:
        assert e.line is not None
    assert e.criterion == criterion
    where = f"{path}:{e.line}: " + (f"criterion {criterion!r}: " if criterion else "")
    assert str(e).startswith(where + message), str(e)


def test_yaml_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    text = VALID.replace("        phrases: [verify your identity]\n",
                         "        phrases: [verify your identity\n")
    with pytest.raises(RubricError) as err:
        load_rubric(write_rubric(tmp_path, text))
    assert err.value.line is not None and 22 <= err.value.line <= 24
    assert "invalid YAML" in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- just\n- a list\n", "a rubric must be a mapping"),
        (VALID.replace("language: en", "language: english"), "'language' must be a two-letter"),
        (VALID.replace("sections:", "sectons:"), "unknown field 'sectons' (did you mean "
                                                  "'sections'?)"),
        (VALID + "flags:\n  rules:\n    - {code: x, type: score_below}\n",
         "field 'threshold' is required"),
        (VALID + "flags:\n  rules:\n    - {code: x, type: phrases, phrases: [a], "
                 "severity: urgent}\n", "'severity' must be one of low, medium, high, critical"),
        (VALID + "flags:\n  rules:\n    - {code: x, type: criterion_failed, "
                 "criteria: [nope]}\n", "no criterion 'nope'"),
        (VALID + "flags:\n  rules:\n    - {code: x, type: pii, kinds: [passport]}\n",
         "'kinds' item 1 must be one of card, iban, tckn, email, phone"),
        (VALID + "flags:\n  rules:\n    - {code: x, type: metric, metric: silence_pct, "
                 "max: 130}\n", "'max' must be at most 100"),
        (VALID + "flags:\n  rules:\n    - {code: nope, enabled: false}\n",
         "no default flag rule 'nope' to turn off"),
    ],
)
def test_more_malformed_rubrics(tmp_path: Path, text: str, message: str) -> None:
    path = write_rubric(tmp_path, text)
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    assert message in str(err.value) and str(err.value).startswith(f"{path}:")


def test_criterion_type_specific_validation(tmp_path: Path) -> None:
    def refused(criterion_yaml: str) -> str:
        text = VALID + "  - id: extra\n    title: Extra\n    criteria:\n" + criterion_yaml
        with pytest.raises(RubricError) as err:
            load_rubric(write_rubric(tmp_path, text))
        assert err.value.criterion == "x" and err.value.line is not None
        return str(err.value)

    head = "      - id: x\n        title: X\n        points: 1\n"
    assert "'in_order: true' needs 'match: all'" in refused(
        head + "        type: phrase\n        phrases: [a]\n        in_order: true\n")
    assert "is not a valid regular expression" in refused(
        head + "        type: phrase\n        patterns: ['a(']\n")
    assert "needs 'phrases'" in refused(head + "        type: phrase\n        party: agent\n")
    assert "needs 'min' and/or 'max'" in refused(
        head + "        type: metric\n        metric: overtalk\n")
    assert "'min' (5) is greater than 'max' (2)" in refused(
        head + "        type: metric\n        metric: overtalk\n        min: 5\n        max: 2\n")
    assert "'max' must be at most 1" in refused(
        head + "        type: metric\n        metric: talk_ratio_agent\n        max: 60\n")
    assert "window 'change' uses 'min_change'" in refused(
        head + "        type: sentiment\n        window: change\n        min: 0\n")
    assert "'party' must be one of agent, customer" in refused(
        head + "        type: sentiment\n        party: any\n        min: 0\n")
    assert "'threshold' must be at most 1" in refused(
        head + "        type: semantic\n        examples: [a]\n        threshold: 60\n")
    assert "'label' 'rude' must be one of the candidate_labels" in refused(
        head + "        type: classifier\n        model: m\n        label: rude\n"
               "        task: zero-shot-classification\n        candidate_labels: [polite]\n")
    assert "'candidate_labels' is for task: zero-shot-classification" in refused(
        head + "        type: classifier\n        model: m\n        label: rude\n"
               "        candidate_labels: [rude]\n")
    assert "unknown field 'longest_silense'" in refused(
        head + "        type: metric\n        metric: overtalk\n        max: 1\n"
               "        when: {metric_min: {longest_silense: 10}}\n")
    assert "'before'/'after' cannot be used with 'match: none'" in refused(
        head + "        type: phrase\n        phrases: [a]\n        match: none\n"
               "        before: {phrases: [b]}\n")


def test_flags_section_overrides_and_turns_off_defaults(tmp_path: Path) -> None:
    text = VALID + """\
flags:
  rules:
    - code: low_score
      type: score_below
      threshold: 80
      severity: high
      priority: 70
    - code: long_silence
      enabled: false
    - code: greeting_missed
      type: criterion_failed
      criteria: [greeting]
"""
    r = load_rubric(write_rubric(tmp_path, text))
    codes = [f.code for f in r.flags]
    assert "long_silence" not in codes and "legal_threat" in codes
    low = next(f for f in r.flags if f.code == "low_score")
    assert low.threshold == 80 and low.priority == 70 and low.line is not None
    assert next(f for f in r.flags if f.code == "greeting_missed").criteria == ("greeting",)
    only = load_rubric(write_rubric(tmp_path, VALID + "flags:\n  defaults: false\n  rules: []\n",
                                    "only.yaml"))
    assert only.flags == ()
