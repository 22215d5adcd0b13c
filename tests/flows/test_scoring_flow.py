"""Scoring inside ``process_recording`` and the ``rescore`` flow, on the real models."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.db.models import RubricRecord, ScoreRecord, UtteranceRecord
from pipeline.db.scores import current_score
from pipeline.db.session import session_scope
from pipeline.errors import RubricError
from pipeline.settings import get_settings
from scoring.rubric import BUILTIN_DIR

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

SAMPLES = Path(__file__).resolve().parents[2] / "pipeline" / "samples"


def db() -> str:
    return get_settings().resolved_database_url


def put_sample(name: str) -> str:
    root = Path(get_settings().resolved_store_url)
    root.mkdir(parents=True, exist_ok=True)
    for suffix in (".ogg", ".ogg.json"):
        shutil.copyfile(SAMPLES / f"{name}{suffix}", root / f"{name}{suffix}")
    return f"{name}.ogg"


@pytest.fixture
def billing_call(callqa_home: Path) -> str:
    from flows.process import process_recording

    outcome = process_recording(put_sample("en_billing_stereo"))
    assert outcome.status == "done" and outcome.call_id
    return outcome.call_id


def test_a_processed_call_is_scored_with_evidence_and_sentiment(billing_call: str) -> None:
    with session_scope(db()) as session:
        score = current_score(session, billing_call)
        assert score is not None
        assert (score.rubric.name, score.rubric.version) == ("inbound_service_en", "1.0")
        assert score.rubric.source.startswith("# Inbound customer service")  # YAML kept
        assert 0 < score.total <= 100 and not score.auto_failed
        results = {r.criterion_id: r for r in score.results}
        disclosure = results["recording_disclosure"]
        assert disclosure.verdict == "pass" and disclosure.auto_fail
        assert disclosure.evidence and disclosure.evidence[0]["role"] == "agent"
        assert 0 <= disclosure.evidence[0]["start"] < 15  # said at the start of the call
        assert "recorded" in disclosure.evidence[0]["quote"].lower()
        assert results["further_help"].verdict == "pass"
        # a card number was read out: evidence shows redacted text, never the digits
        quotes = " ".join(e.get("quote", "") for r in score.results for e in r.evidence)
        assert quotes and not re.search(r"\d{3}", quotes), quotes
        sentiments = session.scalars(
            select(UtteranceRecord.sentiment_label).where(UtteranceRecord.call_id == billing_call)
        ).all()
        assert set(sentiments) <= {"negative", "neutral", "positive"} and len(sentiments) > 5
        customer = next(p for p in score.sentiment if p["role"] == "customer")
        assert customer["end"] is not None and customer["end"] > 0  # "Great, thank you."
        # and its contact reason: "I was charged twice for my internet this month"
        from pipeline.db.models import Call
        from pipeline.db.reasons import reasons_of

        reasons = reasons_of(session, billing_call)
        assert reasons and reasons[0].primary and reasons[0].code == "payment.refund", [
            (r.code, r.confidence) for r in reasons]
        quote = reasons[0].hits[0]["evidence"][0]
        assert "charged twice" in quote["quote"].lower() and quote["role"] == "customer"
        call = session.get(Call, billing_call)
        assert call is not None and call.contact_reason == "payment.refund"
        assert call.product == "internet" and call.taxonomy_hash


def test_rescore_with_a_new_rubric_version_changes_the_score_without_asr(
    billing_call: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.rescore import rescore

    def no_asr(*args: object, **kwargs: object) -> None:
        raise AssertionError("rescoring must not transcribe")

    monkeypatch.setattr("pipeline.transcribe.WhisperTranscriber.transcribe", no_asr)
    monkeypatch.setattr("pipeline.process.transcribe_recording", no_asr)
    v1 = (BUILTIN_DIR / "inbound_service_en.yaml").read_text()
    # v2: the agent must now also say a closing line this agent never says
    v2 = v1.replace('version: "1.0"', 'version: "2.0"').replace(
        "phrases: [anything else i can help you with, is there anything else,",
        "phrases: [thank you for your patience today,", 1)
    assert v2 != v1
    rubric = tmp_path / "inbound_service_en_v2.yaml"
    rubric.write_text(v2)

    with session_scope(db()) as session:
        before = current_score(session, billing_call)
        assert before is not None
        first_total = before.total

    report = rescore(str(rubric))
    assert (report.scored, report.unscored) == (1, 0)
    with session_scope(db()) as session:
        after = current_score(session, billing_call)
        assert after is not None and after.rubric.version == "2.0"
        assert after.total < first_total
        results = {r.criterion_id: r for r in after.results}
        assert results["further_help"].verdict == "fail"
        assert results["further_help"].evidence[0]["note"].startswith("searched: agent")
        query = select(ScoreRecord).where(ScoreRecord.call_id == billing_call)
        every = session.scalars(query).all()
        assert len(every) == 2 and sum(s.current for s in every) == 1  # history kept
        versions = session.scalars(select(RubricRecord.version)).all()
        assert sorted(versions) == ["1.0", "2.0"]


def test_a_malformed_rubric_is_refused_before_any_call_is_touched(
    billing_call: str, tmp_path: Path
) -> None:
    from flows.rescore import rescore

    bad = tmp_path / "bad.yaml"
    bad.write_text((BUILTIN_DIR / "inbound_service_en.yaml").read_text().replace(
        "        points: 10\n        auto_fail: true",
        "        pionts: 10\n        auto_fail: true", 1))
    with pytest.raises(RubricError) as err:
        rescore(str(bad))
    message = str(err.value)
    assert "bad.yaml:" in message and "recording_disclosure" in message and "pionts" in message
    with session_scope(db()) as session:
        assert len(session.scalars(select(ScoreRecord)).all()) == 1


def test_a_missing_sentiment_model_makes_its_criteria_na_not_a_crash(
    billing_call: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.rescore import rescore

    monkeypatch.setenv("CALLQA_SENTIMENT_MODEL", str(tmp_path / "no-such-model"))
    get_settings.cache_clear()
    report = rescore()
    assert report.scored == 1
    with session_scope(db()) as session:
        score = current_score(session, billing_call)
        assert score is not None
        sentiment = next(r for r in score.results if r.type == "sentiment")
        assert sentiment.verdict == "na" and sentiment.max_points == 0
        assert "CALLQA_SENTIMENT_MODEL" in sentiment.explanation
        assert any("not evaluated" in n or "sentiment" in n for n in score.notes), score.notes
        assert json.dumps(score.notes)
