"""Fine-tuned text classifiers and zero-shot (NLI) classifiers from transformers.

A rubric's ``classifier`` criterion names a model (hub id or local directory) in its
``model`` field; :func:`get_classifier` loads it once per process. Fine-tuned models answer
with their own labels (``config.id2label``); NLI models answer with the candidate labels
they are given, scored by entailment of ``hypothesis.format(label)``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from scoring.models.embedding import LOAD_LOCK, check_source, quiet_transformers

log = logging.getLogger(__name__)

CLASSIFIER_SETTING = "the criterion's `model` field"
TASKS = ("text-classification", "zero-shot-classification")
DEFAULT_HYPOTHESIS = "This example is {}."


class TransformersClassifier:
    """A sequence-classification model: label -> probability for each text.

    ``task="text-classification"``: softmax over the model's labels (sigmoid per label for
    multi-label models). ``task="zero-shot-classification"``: an NLI model; each text is
    paired with one hypothesis per candidate label, and the labels' entailment logits are
    softmaxed (``multi_label=True``: entailment vs contradiction per label instead).
    """

    def __init__(
        self,
        source: str,
        task: str = "text-classification",
        threads: int = 2,
        batch_size: int = 32,
        max_length: int = 256,
        hypothesis: str = DEFAULT_HYPOTHESIS,
        multi_label: bool = False,
        setting: str = CLASSIFIER_SETTING,
    ) -> None:
        if task not in TASKS:
            raise ModelError(
                f"unknown classifier task {task!r}",
                hint=f"Use one of: {', '.join(TASKS)}.",
            )
        self.name = str(source)
        self.task = task
        self.batch_size = max(1, batch_size)
        self.max_length = max_length
        self.hypothesis = hypothesis
        self.multi_label = multi_label
        path = check_source(source, setting)
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            quiet_transformers()
            if threads > 0:
                torch.set_num_threads(threads)
            self.tokenizer: Any = AutoTokenizer.from_pretrained(path)
            self.model: Any = AutoModelForSequenceClassification.from_pretrained(path)
        except Exception as exc:
            raise ModelError(
                f"cannot load {task} model {self.name!r} ({type(exc).__name__}: {exc})",
                hint=f"Set {setting} to a transformers sequence-classification model name "
                "or a local model directory (model hubs are unreachable offline).",
            ) from exc
        self.model.eval()
        config = self.model.config
        self.labels: tuple[str, ...] = tuple(
            str(config.id2label[i]) for i in range(int(config.num_labels))
        )
        self.sigmoid = config.problem_type == "multi_label_classification"
        self.entailment = self.contradiction = -1
        if task == "zero-shot-classification":
            names = [label.lower() for label in self.labels]
            self.entailment = next((i for i, n in enumerate(names) if n.startswith("entail")), -1)
            self.contradiction = next(
                (i for i, n in enumerate(names) if n.startswith("contradict")), -1
            )
            if self.entailment < 0:
                raise ModelError(
                    f"model {self.name!r} is not an NLI model: its labels are "
                    f"{list(self.labels)}, none is 'entailment'",
                    hint=f"Set {setting} to an NLI model for zero-shot classification, "
                    "or use task text-classification.",
                )

    def logits(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> np.ndarray:
        """Raw logits, one row per text (or per (text, pair) when ``pairs`` is given)."""
        import torch

        rows: list[np.ndarray] = []
        with torch.inference_mode():
            for b in range(0, len(texts), self.batch_size):
                first = list(texts[b : b + self.batch_size])
                second = None if pairs is None else list(pairs[b : b + self.batch_size])
                batch = self.tokenizer(
                    first,
                    second,
                    padding=True,
                    truncation="only_first" if second is not None else True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                rows.append(self.model(**batch).logits.float().numpy())
        if not rows:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.concatenate(rows)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The model's own labels' probabilities, one row per text."""
        z = self.logits([str(t) for t in texts])
        if self.sigmoid:
            return np.asarray(1.0 / (1.0 + np.exp(-z)))
        return softmax(z)

    def classify(
        self, texts: Sequence[str], labels: Sequence[str] | None = None
    ) -> list[dict[str, float]]:
        if self.task == "text-classification":
            p = self.probabilities(texts)
            return [{label: float(row[i]) for i, label in enumerate(self.labels)} for row in p]
        if not labels:
            raise ModelError(
                f"zero-shot model {self.name!r} needs candidate labels",
                hint="Give the criterion its labels.",
            )
        labels = [str(label) for label in labels]
        hypotheses = [self.hypothesis.format(label) for label in labels]
        firsts = [str(t) for t in texts for _ in labels]
        seconds = [h for _ in texts for h in hypotheses]
        z = self.logits(firsts, seconds).reshape(len(texts), len(labels), -1)
        if self.multi_label and self.contradiction >= 0:  # each label on its own
            p = softmax(z[:, :, [self.contradiction, self.entailment]])[:, :, 1]
        elif self.multi_label:
            p = softmax(z)[:, :, self.entailment]
        else:
            p = softmax(z[:, :, self.entailment])
        return [{label: float(row[i]) for i, label in enumerate(labels)} for row in p]

    def __repr__(self) -> str:
        return f"TransformersClassifier({self.name!r}, task={self.task!r})"


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def get_classifier(
    source: str, task: str = "text-classification", threads: int = 2
) -> TransformersClassifier:
    """The process's classifier for ``source`` and ``task``, loaded on first use."""
    with LOAD_LOCK:
        return _cached_classifier(str(source), str(task), int(threads))


@functools.lru_cache(maxsize=8)
def _cached_classifier(source: str, task: str, threads: int) -> TransformersClassifier:
    log.info("loading %s model %s", task, source)
    return TransformersClassifier(source, task=task, threads=threads)
