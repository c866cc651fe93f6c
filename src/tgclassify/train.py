"""Training: fit the pipeline on a corpus, tune thresholds out of fold, evaluate, describe."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import constants as C
from .data import Corpus, load_corpus
from .evaluate import EvalResult, cross_validate, out_of_fold_proba, tune_thresholds
from .model import Classifier, ModelConfig, build_pipeline
from .tokens import token_cache

__all__ = ["TrainResult", "evaluate_config", "train_classifier"]


@dataclass
class TrainResult:
    classifier: Classifier
    evaluation: EvalResult | None
    seconds: float


def _inputs(corpus: Corpus, config: ModelConfig) -> list[Any]:
    return corpus.pairs() if config.context_weight > 0 else corpus.texts


def train_classifier(data: str | Path | Corpus, *, config: ModelConfig | None = None,
                     seed: int = C.RANDOM_SEED, evaluate: bool = True,
                     name: str | None = None) -> TrainResult:
    """Train on a corpus (folder, file or :class:`Corpus`): thresholds from grouped
    out-of-fold probabilities, then a fit on everything; with ``evaluate``, nested grouped CV
    figures for the model card. Deterministic for the same data, config and seed."""
    with token_cache():
        return _train(data, config=config, seed=seed, evaluate=evaluate, name=name)


def _train(data: str | Path | Corpus, *, config: ModelConfig | None, seed: int, evaluate: bool,
           name: str | None) -> TrainResult:
    start = time.perf_counter()
    corpus = data if isinstance(data, Corpus) else load_corpus(data)
    config = config or ModelConfig()
    X = _inputs(corpus, config)
    Y = corpus.label_matrix()
    groups = corpus.groups

    def make() -> Any:
        return build_pipeline(config, seed=seed)

    P = out_of_fold_proba(make, X, Y, groups, seed=seed)
    thresholds = tune_thresholds(P, Y)
    pipeline = make().fit(X, Y)
    evaluation = None
    if evaluate:
        evaluation = cross_validate(make, X, Y, groups, texts=corpus.texts,
                                    ids=[str(r["id"]) for r in corpus.records], seed=seed,
                                    without_context=config.context_weight > 0)
    card: dict[str, Any] = {"name": name, "config": config.to_dict(), "seed": seed}
    noise_filter = None
    if corpus.noise:
        from .noise import train_noise_filter  # noqa: PLC0415

        noise_filter, card["noise_filter"] = train_noise_filter(
            corpus.noise, corpus.texts, corpus.groups, seed=seed)
    clf = Classifier(pipeline, labels=C.LABELS, thresholds=thresholds, card=card,
                     noise_filter=noise_filter)
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


def evaluate_config(data: str | Path | Corpus, config: ModelConfig, *,
                    seed: int = C.RANDOM_SEED) -> EvalResult:
    """Nested grouped CV of one configuration (for model selection)."""
    corpus = data if isinstance(data, Corpus) else load_corpus(data)
    X = _inputs(corpus, config)
    with token_cache():
        return cross_validate(lambda: build_pipeline(config, seed=seed), X,
                              corpus.label_matrix(), corpus.groups, texts=corpus.texts,
                              ids=[str(r["id"]) for r in corpus.records], seed=seed,
                              without_context=config.context_weight > 0)

