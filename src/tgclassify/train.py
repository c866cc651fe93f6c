"""Training: fit the estimator on a corpus (thresholds tuned out of fold inside its ``fit``),
train the chrome filter, and, on request, the nested cross-validation figures of the card."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import constants as C
from .chrome import train_chrome_filter
from .corpus import Corpus, load_corpus
from .evaluate import EvalResult, evaluate_config
from .model import Classifier, ModelConfig, build_estimator

__all__ = ["TrainResult", "train_classifier", "training_summary"]


@dataclass
class TrainResult:
    """A trained classifier, its nested-CV evaluation (None unless asked) and the time taken."""

    classifier: Classifier
    evaluation: EvalResult | None
    seconds: float


def train_classifier(data: str | Path | Corpus, *, config: ModelConfig | None = None,
                     seed: int = C.RANDOM_SEED, evaluate: bool = True,
                     name: str | None = None) -> TrainResult:
    """Train on a corpus (folder, file or :class:`~tgclassify.corpus.Corpus`): thresholds from
    grouped out-of-fold probabilities, then a fit on everything; with ``evaluate``, nested
    grouped CV figures for the model card. Deterministic for the same data, config and seed."""
    start = time.perf_counter()
    corpus = data if isinstance(data, Corpus) else load_corpus(data)
    config = config or ModelConfig()
    model = build_estimator(config, seed=seed).fit(corpus.pairs(), corpus.label_matrix(),
                                                   groups=corpus.groups)
    evaluation = evaluate_config(corpus, config, seed=seed) if evaluate else None
    card: dict[str, Any] = {"name": name, "config": config.to_dict(), "seed": seed}
    chrome_filter = None
    if corpus.noise:
        chrome_filter, card["chrome_filter"] = train_chrome_filter(
            corpus.noise, corpus.texts, corpus.groups, seed=seed)
    clf = Classifier(model, labels=C.LABELS, chrome_filter=chrome_filter, card=card)
    return TrainResult(clf, evaluation, time.perf_counter() - start)


def training_summary(corpus: Corpus) -> dict[str, Any]:
    """What the model card says about the data a model was trained on."""
    Y = corpus.label_matrix()
    return {
        "source": corpus.source,
        "sha256": corpus.sha256,
        "paragraphs": len(corpus.records),
        "reports": len(set(corpus.groups)),
        "per_label": {lab: int(n) for lab, n in zip(C.LABELS, Y.sum(0), strict=True)},
        "general": int((Y.sum(1) == 0).sum()),
    }
