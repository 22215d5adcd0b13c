"""The real pyannote.audio loading and running path, offline, on a real phone call.

No pretrained pyannote pipeline can be had here, so a module fixture builds one the way a
user's local copy of ``pyannote/speaker-diarization-community-1`` is laid out, from
*untrained* models, and points ``PyannoteDiarizer`` / ``CALLQA_DIARIZATION_MODEL`` at it:

    <dir>/config.yaml                      pipeline class, its arguments, its hyper-parameters
    <dir>/segmentation/pytorch_model.bin   PyanNet (powerset: 2 local speakers)
    <dir>/embedding/pytorch_model.bin      WeSpeakerResNet34
    <dir>/plda/xvec_transform.npz, plda.npz   PLDA for VBx clustering

``$model/<subfolder>`` in config.yaml resolves against the directory holding config.yaml.
Untrained weights give meaningless speakers (on sample.wav: one speaker); these tests
prove loading and running, not accuracy.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.errors import ModelError
from tests.conftest import pyannote_sample

try:
    import pyannote.audio  # the optional `diarization` extra
except ImportError:  # pragma: no cover - depends on the install
    if os.environ.get("CI"):
        raise
    pytest.skip("pyannote.audio is not installed (callqa[diarization])", allow_module_level=True)

# pyannote probes the embedding model with tiny inputs to find its minimum length
# (embedding_exclude_overlap): harmless, and community-1 does the same.
pytestmark = pytest.mark.filterwarnings(r"ignore:std\(\).*degrees of freedom:UserWarning")

SEGMENTATION_SECONDS = 10.0  # chunk length the segmentation model "was trained" on
E2E_TIMEOUT = 240.0  # ASR + diarisation of 30 s take ~10 s here; a deadlock must fail, not hang


def _save_checkpoint(model: Any, folder: Path) -> None:
    """What a Lightning checkpoint of a pyannote model holds, without a Trainer
    (the recipe of pyannote/audio/models/embedding/wespeaker/convert.py, plus hparams)."""
    import lightning
    import torch

    folder.mkdir(parents=True)
    checkpoint = {
        "state_dict": model.state_dict(),
        "hyper_parameters": dict(model.hparams),  # e.g. PyanNet's LSTM sizes
        "pytorch-lightning_version": lightning.__version__,
    }
    model.on_save_checkpoint(checkpoint)  # adds pyannote.audio's version, class, specifications
    torch.save(checkpoint, folder / "pytorch_model.bin")


def build_untrained_pipeline(root: Path) -> Path:
    """A SpeakerDiarization pipeline directory from untrained models (about a second)."""
    import torch
    import yaml
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import WeSpeakerResNet34
    from pyannote.audio.models.segmentation import PyanNet

    with torch.random.fork_rng():
        torch.manual_seed(0)
        segmentation = PyanNet(
            lstm={"hidden_size": 32, "num_layers": 1},  # small: this is about loading
            linear={"hidden_size": 32, "num_layers": 1},
        )
        segmentation.specifications = Specifications(
            problem=Problem.MONO_LABEL_CLASSIFICATION,
            resolution=Resolution.FRAME,
            duration=SEGMENTATION_SECONDS,
            classes=["speaker#1", "speaker#2"],
            powerset_max_classes=2,  # classes {}, {1}, {2}, {1, 2}
            permutation_invariant=True,
        )
        segmentation.build()  # the classifier layer, sized by the specifications
        with torch.no_grad():
            # Untrained, but biased towards "one speaker" so that embeddings and
            # clustering run (an all-silence output would return before them).
            segmentation.classifier.bias.copy_(torch.tensor([-3.0, 0.0, 0.0, -3.0]))
        embedding = WeSpeakerResNet34()
        embedding.specifications = Specifications(
            problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=5.0
        )
    _save_checkpoint(segmentation, root / "segmentation")
    _save_checkpoint(embedding, root / "embedding")

    # VBx needs a PLDA even untrained: identity transforms, 256-d embeddings -> 128-d LDA.
    (root / "plda").mkdir()
    dim, lda_dim = embedding.dimension, 128
    np.savez(
        root / "plda" / "xvec_transform.npz",
        mean1=np.zeros(dim),
        mean2=np.zeros(lda_dim),
        lda=np.eye(dim, lda_dim),
    )
    np.savez(
        root / "plda" / "plda.npz", mu=np.zeros(lda_dim), tr=np.eye(lda_dim), psi=np.ones(lda_dim)
    )

    config = {
        "dependencies": {"pyannote.audio": pyannote.audio.__version__},
        "pipeline": {
            "name": "pyannote.audio.pipelines.SpeakerDiarization",
            "params": {
                "segmentation": "$model/segmentation",
                "embedding": "$model/embedding",
                "plda": "$model/plda",
                "clustering": "VBxClustering",
                "segmentation_step": 0.5,  # community-1 uses 0.1; fewer chunks is faster
                "segmentation_batch_size": 32,
                "embedding_batch_size": 32,
                "embedding_exclude_overlap": True,
            },
        },
        "params": {  # hyper-parameters (pipeline.instantiate), community-1's values
            "segmentation": {"min_duration_off": 0.0},
            "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
        },
    }
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


@pytest.fixture(scope="module", autouse=True)
def _offline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("PYANNOTE_METRICS_ENABLED", "false")  # pyannote 4 telemetry is on by default
        yield


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_untrained_pipeline(tmp_path_factory.mktemp("pyannote-pipeline"))


@pytest.fixture(scope="module")
def sample_wav() -> Path:
    return pyannote_sample() / "sample.wav"


@pytest.mark.slow
def test_a_local_pipeline_directory_diarises_a_real_call(
    pipeline_dir: Path, sample_wav: Path
) -> None:
    from pipeline.audio import load_audio
    from pipeline.diarize import PyannoteDiarizer

    audio = load_audio(sample_wav)
    assert audio.shape[0] == 1 and audio.dtype == np.float32
    turns = PyannoteDiarizer(str(pipeline_dir)).diarize(audio, 16000)
    assert isinstance(turns, list) and turns
    for start, end, speaker in turns:
        assert isinstance(start, float) and isinstance(end, float)
        assert 0.0 <= start < end <= 30.5
        assert isinstance(speaker, str) and speaker


def test_a_config_yaml_path_loads_with_its_hyper_parameters(pipeline_dir: Path) -> None:
    from pyannote.audio.pipelines import SpeakerDiarization

    from pipeline.diarize import PyannoteDiarizer

    pipeline = PyannoteDiarizer(str(pipeline_dir / "config.yaml")).pipeline
    assert isinstance(pipeline, SpeakerDiarization)
    assert pipeline.instantiated
    assert pipeline.parameters(instantiated=True) == {
        "segmentation": {"min_duration_off": 0.0},
        "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
    }


@pytest.mark.parametrize("layout", ["empty", "models_missing", "no_such_path"])
def test_an_invalid_pipeline_directory_names_the_setting(
    layout: str, pipeline_dir: Path, tmp_path: Path
) -> None:
    from pipeline.diarize import PyannoteDiarizer

    source = tmp_path / "my-pipeline"
    if layout == "empty":
        source.mkdir()
    elif layout == "models_missing":  # config.yaml copied without the model folders
        source.mkdir()
        (source / "config.yaml").write_text((pipeline_dir / "config.yaml").read_text())
    # no_such_path: a typo; pyannote then takes it for a hub id, unreachable offline
    with pytest.raises(ModelError) as err:
        PyannoteDiarizer(str(source))
    assert "CALLQA_DIARIZATION_MODEL" in str(err.value)
    assert str(source) in str(err.value)
    if layout == "no_such_path":
        assert "does not exist" in str(err.value)


def _run_with_deadline(fn: Any, seconds: float) -> Any:
    """Run fn in a worker thread; fail (with every thread's stack) if it does not finish.

    A Python signal cannot interrupt a thread stuck in native code (an OpenMP deadlock),
    so the test joins with a timeout, and faulthandler's C watchdog ends the process if
    even that cannot return."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:
            result["error"] = exc

    faulthandler.dump_traceback_later(seconds + 60, exit=True)
    try:
        worker = threading.Thread(target=target, name="asr-then-pyannote", daemon=True)
        worker.start()
        worker.join(seconds)
        if worker.is_alive():
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            pytest.fail(f"ASR + diarisation did not finish in {seconds:.0f} s (deadlock?)")
    finally:
        faulthandler.cancel_dump_traceback_later()
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.slow
def test_mono_call_is_transcribed_then_diarised_in_one_process(
    pipeline_dir: Path, sample_wav: Path
) -> None:
    from pipeline.metadata import CallMetadata
    from pipeline.process import ProcessOptions, transcribe_recording
    from pipeline.types import Diarization

    options = ProcessOptions(diarization_model=str(pipeline_dir))
    transcript = _run_with_deadline(
        lambda: transcribe_recording(sample_wav, CallMetadata(), options), E2E_TIMEOUT
    )
    assert transcript.diarization == Diarization.PYANNOTE
    assert transcript.channels == 1
    assert transcript.utterances
    assert all(u.words and u.text for u in transcript.utterances)
    assert all(u.speaker.startswith("SPEAKER_") for u in transcript.utterances)
    assert sum(len(u.words) for u in transcript.utterances) > 50  # ~80 words are spoken
    assert 29.0 < transcript.duration < 31.0
