"""The recording disclosure through Whisper ``base`` on synthesised Turkish calls: found
where the agent said it (two wordings, two voices), not where they did not, so the shipped
rubric's auto-fail fires only on the calls without it.

Four calls of the labelled set (``benchmarks/turkish_set.py``, rendered with espeak-ng by
scripts/synth_calls.py). Over the whole set base finds the disclosure in about 16 of 28
calls that have it (``python -m benchmarks --suite turkish-phrases``); these four are ones
it hears, so a regression in transcription, view building or matching shows here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from benchmarks.turkish_set import build, calls
from pipeline.metadata import parse_metadata
from pipeline.process import ProcessOptions, process_file
from pipeline.transcribe import ModelOptions, TranscribeOptions
from scoring.rubric import load_rubric
from scoring.scorer import score_call
from scoring.types import Verdict
from scoring.view import view_of_analysis

pytestmark = pytest.mark.slow

# Calls of the labelled set (their index): said in two wordings by two voices, and not said
# with a confuser each (the agent logs a complaint "kayıt altına aldım"; the customer asks
# whether the call is recorded).
# Base writes the second "... cidrösmenin kaybedilmektedir": found by the sound-form match
# of the rubric's "kaydedilmektedir" (scoring/criteria/turkish.py).
# On one machine both were heard; on another (AMD, AVX2 kernels) only one: see the end.
# Each is heard without Whisper's temperature fallback, which samples at random: call 16
# ("Görüşmemiz kayıt altına alınmaktadır.") came out found on one run and "Gököşme Mizkâ
# Yötal Töhâlün Maktatör" on the next, so it is not one of them.
SAID = {21: "Görüşmemiz kalite standartları gereği kayıt altına alınmaktadır.",
        10: "Hizmet kalitemiz için görüşmeniz kaydedilmektedir."}
NOT_SAID = {8: "complaint_registered", 34: "customer_mentions"}


def _model() -> str:
    try:
        from pipeline.bundled import BASE
    except ImportError:
        path = os.environ.get("CALLQA_ASR_MODEL") or "/tmp/base"
        if not Path(path, "model.bin").is_file():
            pytest.skip(f"no multilingual base model at {path} (set CALLQA_ASR_MODEL)")
        return path
    return BASE


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_disclosure_auto_fail_fires_only_where_it_was_not_said(tmp_path: Path) -> None:
    model = _model()
    rubric = load_rubric("inbound_service_tr")
    everything = calls()
    chosen = [everything[i] for i in sorted({**SAID, **NOT_SAID})]
    for i, part in {**SAID, **NOT_SAID}.items():  # the set still holds these calls
        assert everything[i].parts["disclosure"] == part
    said = {everything[i].name for i in SAID}
    options = ProcessOptions(model=ModelOptions(model=model),
                             transcribe=TranscribeOptions(language="tr"))
    auto_failed, heard_as = {}, {}
    for call, wav in build(chosen, out=tmp_path):
        metadata = parse_metadata(json.loads(Path(f"{wav}.json").read_text()), key=wav.name)
        view = view_of_analysis(process_file(wav, metadata, options), metadata, wav.name)
        card = score_call(view, rubric)
        (disclosure,) = [r for r in card.results if r.criterion_id == "kayit_bilgilendirmesi"]
        heard = " | ".join(u.text for u in view.utterances if u.role.value == "agent")
        heard_as[call.name] = f"{disclosure.explanation}; base wrote: {heard}"
        if call.name not in said:  # a confuser never passes for the disclosure
            assert disclosure.verdict is Verdict.FAIL, (call.name, heard_as[call.name])
        auto_failed[call.name] = card.auto_failed
    # A disclosure base heard is found, and the call does not auto-fail. Which of the two
    # base hears depends on the CPU's kernels (AVX2 or AVX512) and on the sampled fallback,
    # so at least one of them; the benchmark measures the recall over the whole set.
    found = [name for name in said if not auto_failed[name]]
    assert found, heard_as
    assert all(auto_failed[c.name] for c in chosen if c.name not in said), heard_as
