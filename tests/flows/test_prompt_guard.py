"""A call without the recording disclosure stays flagged whatever the decoding prompt holds.

The behaviour call ``missing_disclosure`` (espeak-ng, stereo, the agent greets but never says
the call is recorded) goes through the real ``process-recording`` flow with tiny.en while
``CALLQA_ASR_INITIAL_PROMPT`` or ``CALLQA_ASR_HOTWORDS`` hold the disclosure. The model is
seen receiving the cleaned prompt (a spy wraps the real ``transcribe_recording``), the call
auto-fails, and its notes say what was removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.db.calls import get_call
from pipeline.db.session import session_scope
from pipeline.settings import get_settings
from tests.flows.test_process_flow import put_local

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

CALL = Path(__file__).resolve().parents[1] / "data" / "behaviour" / "missing_disclosure.ogg"
DISCLOSURE = "This call is recorded for quality and training purposes."


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The transcribe options each call was really decoded with."""
    import flows.process

    seen: list[Any] = []
    real = flows.process.transcribe_recording

    def spy(path, metadata, options, hook=None):  # type: ignore[no-untyped-def]
        seen.append(options.transcribe)
        return real(path, metadata, options, hook=hook)

    monkeypatch.setattr(flows.process, "transcribe_recording", spy)
    return seen


def process(name: str) -> tuple[Any, list[str]]:
    from flows.process import process_recording

    sidecar = json.loads(Path(f"{CALL}.json").read_text(encoding="utf-8"))
    outcome = process_recording(put_local(f"{name}.ogg", CALL, sidecar))
    assert outcome.status == "done", outcome
    with session_scope(get_settings().resolved_database_url) as session:
        call = get_call(session, outcome.call_id)
        assert call is not None
        notes = list(call.notes)
    return outcome, notes


def test_a_prompt_holding_the_disclosure_does_not_save_the_call(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch, decoded: list[Any]
) -> None:
    monkeypatch.setenv("CALLQA_ASR_INITIAL_PROMPT", f"Anadolu Telecom, Fiber Max. {DISCLOSURE}")
    monkeypatch.setenv("CALLQA_COMPANY_NAMES", '["Anadolu Telecom"]')
    get_settings.cache_clear()
    outcome, notes = process("prompted")
    assert decoded and decoded[0].initial_prompt == "Anadolu Telecom, Fiber Max."
    assert outcome.score is not None and outcome.score.auto_failed, outcome.score
    assert outcome.score.flags[0] == "auto_fail"
    removed = [n for n in notes if n.startswith("initial prompt: removed rubric phrase ")]
    assert removed and "'recorded for quality and training purposes'" in removed[0], notes
    assert "recording_disclosure" in removed[0]


def test_hotwords_holding_its_words_do_not_save_the_call(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch, decoded: list[Any]
) -> None:
    monkeypatch.setenv("CALLQA_ASR_HOTWORDS", "Superonline, recorded, quality, training")
    get_settings.cache_clear()
    outcome, notes = process("hotwords")
    assert decoded and decoded[0].hotwords == "Superonline"
    assert decoded[0].initial_prompt is None
    assert outcome.score is not None and outcome.score.auto_failed
    assert "auto_fail" in outcome.score.flags
    assert any(n.startswith("hotwords: removed rubric phrase ") for n in notes), notes
