"""The bundled sample calls, processed by the real pipeline, measured against the script.

Each sample's ``.ref.json`` holds where every turn was placed when the call was made, so the
metrics of the placed turns are the truth the pipeline's metrics must come close to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import LanguageNotSupported
from pipeline.metadata import parse_metadata
from pipeline.metrics import compute_metrics
from pipeline.process import CallAnalysis, ProcessOptions, process_file
from pipeline.settings import get_settings
from pipeline.types import CallMetrics, Role, Utterance

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[2] / "pipeline" / "samples"
STEREO = ["en_billing_stereo", "en_sales_outbound_stereo"]


def _reference(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.ref.json").read_text())


def _truth(name: str) -> CallMetrics:
    ref = _reference(name)
    turns = [Utterance(speaker=str(t.get("channel", 0)), role=Role(t["role"]), start=t["start"],
                       end=t["end"], text=t["text"]) for t in ref["turns"]]
    return compute_metrics(turns, ref["duration"])


def _process(name: str) -> CallAnalysis:
    sidecar = json.loads((SAMPLES / f"{name}.ogg.json").read_text())
    options = ProcessOptions.from_settings(get_settings())
    return process_file(SAMPLES / f"{name}.ogg", parse_metadata(sidecar, key=name), options)


@pytest.fixture(scope="module")
def analysed() -> dict[str, CallAnalysis]:
    return {name: _process(name) for name in STEREO}


@pytest.mark.parametrize("name", STEREO)
def test_stereo_call_metrics_match_the_placed_turns(
    analysed: dict[str, CallAnalysis], name: str
) -> None:
    got, truth = analysed[name].metrics, _truth(name)
    assert got.talk_agent == pytest.approx(truth.talk_agent, rel=0.15)
    assert got.talk_customer == pytest.approx(truth.talk_customer, rel=0.15)
    assert got.talk_ratio_agent == pytest.approx(truth.talk_ratio_agent, abs=0.05)
    assert got.silence == pytest.approx(truth.silence, abs=4.0)
    assert got.longest_silence == pytest.approx(truth.longest_silence, abs=0.5)
    # the scripts have no overlapping speech: any overtalk would be a timestamp artefact
    assert got.overtalk < 0.5, got
    assert got.interruptions_agent == got.interruptions_customer == 0


@pytest.mark.parametrize("name", STEREO)
def test_stereo_roles_follow_the_channel_map(analysed: dict[str, CallAnalysis], name: str) -> None:
    ref = _reference(name)
    channel_role = {int(k): v for k, v in ref["channels"].items()}
    utterances = analysed[name].transcript.utterances
    assert {u.role.value for u in utterances} == {"agent", "customer"}
    assert all(u.role.value == channel_role[u.channel] for u in utterances)
    # the agent speaks first on an inbound call, the customer answers an outbound one
    first = utterances[0].role
    assert first == (Role.AGENT if name == "en_billing_stereo" else Role.CUSTOMER)


def test_card_and_spoken_email_are_found_and_redacted(analysed: dict[str, CallAnalysis]) -> None:
    call = analysed["en_billing_stereo"]
    kinds = {m.kind for m in call.pii}
    assert {"card", "email"} <= kinds, call.pii
    text = " ".join(call.redacted)
    assert "[CARD]" in text and "[EMAIL]" in text
    assert "gmail" not in text.lower()
    assert not any(ch.isdigit() for ch in text), text
    for match in call.pii:
        assert isinstance(match.start, float) and match.start < match.end


def test_a_turkish_call_is_refused_when_only_an_english_model_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALLQA_ASR_MODEL", "bundled:tiny.en")
    get_settings.cache_clear()
    try:
        with pytest.raises(LanguageNotSupported) as err:
            _process("tr_fatura_stereo")
    finally:
        get_settings.cache_clear()
    message = str(err.value)
    assert "Turkish (tr)" in message and "CALLQA_ASR_MODEL" in message
    assert "\n" not in message  # the one-line error it always gave
