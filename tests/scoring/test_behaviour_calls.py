"""Acceptance: synthesised calls, each made to exercise one behaviour, get a human's verdicts.

The calls in ``tests/data/behaviour/`` (made by ``scripts/synth_calls.py`` from
``tests/data/calls/``) go through the real pipeline (tiny.en, channel split, metrics, PII)
and the shipped rubrics with the real offline models. Each test states what a QA
supervisor listening to the call would say, and fails if the criterion logic is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.metadata import parse_metadata
from pipeline.process import ProcessOptions, analyse, transcribe_recording
from scoring import builtin_rubrics, score_call, select_rubric
from scoring.models.provider import DefaultModels
from scoring.types import Scorecard, Verdict
from scoring.view import view_of_analysis

pytestmark = pytest.mark.slow

CALLS = Path(__file__).resolve().parents[1] / "data" / "behaviour"


@pytest.fixture(scope="module")
def models() -> DefaultModels:
    return DefaultModels(threads=1)


_cards: dict[str, Scorecard] = {}


def card(name: str, models: DefaultModels) -> Scorecard:
    if name not in _cards:
        audio = CALLS / f"{name}.ogg"
        metadata = parse_metadata(json.loads(Path(f"{audio}.json").read_text()), key=name)
        options = ProcessOptions()
        analysis = analyse(transcribe_recording(audio, metadata, options), options)
        view = view_of_analysis(analysis, metadata, name)
        rubric = select_rubric(builtin_rubrics(), view)
        assert rubric is not None
        _cards[name] = score_call(view, rubric, models)
    return _cards[name]


def verdicts(c: Scorecard) -> dict[str, Verdict]:
    return {r.criterion_id: r.verdict for r in c.results}


def flags(c: Scorecard) -> set[str]:
    return {f.code for f in c.flags}


def test_the_model_call_passes_everything_and_is_not_flagged(models: DefaultModels) -> None:
    c = card("model_call", models)
    v = verdicts(c)
    for criterion in ("greeting", "recording_disclosure", "identity_verification", "empathy",
                      "no_prohibited_language", "resolution_stated", "further_help", "closing"):
        assert v[criterion] == Verdict.PASS, (criterion, c.results)
    assert v["hold_announced"] == Verdict.NA  # no hold, so not applicable
    assert c.total >= 90 and not c.auto_failed
    assert not flags(c), c.flags
    customer = next(p for p in c.sentiment if p.role.value == "customer")
    assert customer.end is not None and customer.end > 0.2


def test_a_missing_recording_disclosure_auto_fails_the_call(models: DefaultModels) -> None:
    c = card("missing_disclosure", models)
    v = verdicts(c)
    assert v["recording_disclosure"] == Verdict.FAIL
    assert c.auto_failed and c.total == 0
    assert "auto_fail" in flags(c)
    failed = next(r for r in c.results if r.criterion_id == "recording_disclosure")
    assert failed.evidence and failed.evidence[-1].note.startswith("searched: agent")
    # everything else in the call was done right
    for criterion in ("greeting", "identity_verification", "further_help", "closing"):
        assert v[criterion] == Verdict.PASS, criterion


def test_a_legal_threat_is_flagged_for_review_with_its_evidence(models: DefaultModels) -> None:
    c = card("legal_threat", models)
    codes = flags(c)
    assert "legal_threat" in codes and "repeat_contact" in codes, c.flags
    legal = next(f for f in c.flags if f.code == "legal_threat")
    assert legal.evidence and legal.evidence[0].role == "customer"
    assert any(w in legal.evidence[0].quote.lower() for w in ("lawyer", "legal"))
    assert c.priority >= legal.priority > 50
    assert verdicts(c)["recording_disclosure"] == Verdict.PASS and not c.auto_failed


def test_dead_air_without_a_hold_announcement_is_caught(models: DefaultModels) -> None:
    c = card("dead_air", models)
    v = verdicts(c)
    assert v["hold_announced"] == Verdict.FAIL  # 25 s of silence, nothing said first
    assert "long_silence" in flags(c)
    silence = next(f for f in c.flags if f.code == "long_silence")
    assert silence.evidence and silence.evidence[0].end - silence.evidence[0].start >= 20


def test_a_rude_agent_fails_prohibited_language_and_is_flagged(models: DefaultModels) -> None:
    c = card("rude_agent", models)
    v = verdicts(c)
    assert v["no_prohibited_language"] == Verdict.FAIL
    assert v["empathy"] == Verdict.FAIL
    rude = next(r for r in c.results if r.criterion_id == "no_prohibited_language")
    assert rude.evidence and rude.evidence[0].role == "agent"
    assert c.auto_failed and "auto_fail" in flags(c)


def test_outbound_pressure_and_ignoring_do_not_call_fail(models: DefaultModels) -> None:
    c = card("outbound_sales_pressure", models)
    assert c.rubric == "outbound_sales_en"
    v = verdicts(c)
    assert v["recording_disclosure"] == Verdict.FAIL
    assert v["no_pressure"] == Verdict.FAIL
    assert v["do_not_call_respected"] == Verdict.FAIL
    assert c.auto_failed and c.total == 0
