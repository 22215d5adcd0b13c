"""Which language a call is in, who decided it, and which model hears it."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.errors import ConfigError, LanguageNotSupported
from pipeline.language import LanguageOptions, decide, detect, refuse_if_unsupported
from pipeline.metadata import CallMetadata
from pipeline.process import ProcessOptions
from pipeline.settings import Settings
from pipeline.transcribe import ModelOptions

OPTIONS = LanguageOptions(expected=("tr", "en", "az"), queues=(("billing", "en"),))


class Detector:
    """Whisper's verdict on espeak-ng Turkish, as base gave it: Hungarian first."""

    name, multilingual = "base", True

    def __init__(self, probs: dict[str, float]) -> None:
        self.probs = probs

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        return self.probs


def test_metadata_beats_the_queue_which_beats_the_setting() -> None:
    fixed = LanguageOptions(expected=("tr", "en"), fixed="tr", queues=(("billing", "en"),))
    assert decide(CallMetadata(language="az", queue="billing"), fixed).source == "metadata"
    by_queue = decide(CallMetadata(queue="billing"), fixed)
    assert (by_queue.language, by_queue.source) == ("en", "queue")
    assert "queue 'billing'" in by_queue.reason
    assert decide(CallMetadata(queue="other"), fixed).source == "setting"


def test_a_single_expected_language_needs_no_detection() -> None:
    only = decide(CallMetadata(), LanguageOptions(expected=("tr",)))
    assert (only.language, only.source) == ("tr", "only")


def test_detection_picks_the_likeliest_expected_language_and_says_why() -> None:
    assert decide(CallMetadata(), OPTIONS).language is None  # left to the audio
    decision = detect(np.zeros(16000), Detector({"hu": 0.51, "la": 0.12, "tr": 0.05,
                                                 "en": 0.03, "az": 0.004}), OPTIONS)
    assert (decision.language, decision.source) == ("tr", "detected")
    assert decision.reason == ("detected among tr, en, az: tr 0.05, en 0.03, az 0.00; "
                               "the model's own first choice: hu 0.51")
    assert decision.probability == pytest.approx(0.05 / 0.084, abs=0.001)


def test_detection_without_expected_languages_takes_the_models_first_choice() -> None:
    decision = detect(np.zeros(16000), Detector({"hu": 0.51, "tr": 0.05}),
                      LanguageOptions(expected=()))
    assert decision.language == "hu" and "among all languages" in decision.reason


def test_an_english_only_model_assumes_english() -> None:
    class English:
        name, multilingual = "tiny.en", False

    decision = detect(np.zeros(16000), English(), OPTIONS)  # type: ignore[arg-type]
    assert (decision.language, decision.source) == ("en", "assumed")


def test_a_language_no_model_transcribes_is_refused_in_one_line() -> None:
    class English:
        name, multilingual = "tiny.en", False

    with pytest.raises(LanguageNotSupported) as err:
        refuse_if_unsupported("az", English())  # type: ignore[arg-type]
    assert str(err.value).startswith("call is in Azerbaijani (az) but ASR model tiny.en")


def test_a_language_the_model_does_not_know_is_refused_in_one_line() -> None:
    class Base:
        name, multilingual, languages = "base", True, frozenset({"tr", "en", "az"})

    with pytest.raises(LanguageNotSupported) as err:
        refuse_if_unsupported("ku", Base())  # type: ignore[arg-type]
    assert str(err.value).startswith("call is in Kurdish (ku) but ASR model base does not")
    assert "CALLQA_ASR_MODELS" in str(err.value)


def test_english_goes_to_tiny_en_and_the_rest_to_base_by_default() -> None:
    options = ProcessOptions.from_settings(Settings())
    assert options.language.model_for("en", options.model).model == "bundled:tiny.en"
    assert options.language.model_for("tr", options.model).model == "bundled:base"
    assert options.language.expected == ("tr", "en", "az")


def test_a_configured_model_serves_every_language_unless_one_is_named() -> None:
    own = ProcessOptions.from_settings(Settings(asr_model="/models/small"))
    assert own.language.model_for("en", own.model).model == "/models/small"
    mixed = ProcessOptions.from_settings(
        Settings(asr_model="/models/small", asr_models="en=bundled:tiny.en"))
    assert mixed.language.model_for("en", mixed.model).model == "bundled:tiny.en"
    assert mixed.language.model_for("tr", mixed.model) == ModelOptions(
        model="/models/small", cpu_threads=mixed.model.cpu_threads)


def test_language_settings_read_as_a_centre_writes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_LANGUAGES", "TR, en ,az")
    monkeypatch.setenv("CALLQA_QUEUE_LANGUAGES", "fatura=tr,billing=en")
    s = Settings()
    assert s.languages == ["tr", "en", "az"]
    assert s.queue_languages == {"fatura": "tr", "billing": "en"}


@pytest.mark.parametrize(("name", "value", "says"), [
    ("CALLQA_LANGUAGES", "tr,english", "'english' is not a language code"),
    ("CALLQA_QUEUE_LANGUAGES", "fatura", "'fatura' is not name=value"),
])
def test_bad_language_settings_are_named(monkeypatch: pytest.MonkeyPatch, name: str,
                                         value: str, says: str) -> None:
    from pipeline.settings import _build

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        _build()
    assert name in str(err.value) and says in str(err.value)
