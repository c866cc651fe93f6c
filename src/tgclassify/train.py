"""Training: fit the estimator on a corpus (thresholds tuned out of fold inside its ``fit``),
train the chrome filter, and, on request, the nested cross-validation figures of the card.

A corpus may combine sources with weights (:func:`tgclassify.corpus.load_sources`); small
data trains with the folds it allows (:func:`tgclassify.evaluate.plan_folds`), each change
reported in :attr:`TrainResult.notes`, and a model whose own CV is below the keyword baseline
gets a warning in :attr:`TrainResult.warnings`.
"""

from __future__ import annotations

import time
import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone

from . import constants as C
from .chrome import ChromeFilter, train_chrome_filter
from .corpus import Corpus, load_corpus
from .errors import DataFormatError, ModelLoadError
from .evaluate import EvalResult, Progress, adapt_config, evaluate_config, plan_folds, tokenize
from .model import Classifier, ModelConfig, build_estimator
from .portable import PortableChrome

__all__ = ["TrainResult", "train_classifier", "training_summary"]


@dataclass
class TrainResult:
    """A trained classifier, its nested-CV evaluation (None unless asked), the time taken, what
    the data changed (``notes``) and what the user must know (``warnings``)."""

    classifier: Classifier
    evaluation: EvalResult | None
    seconds: float
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _quiet(message: str) -> None:
    """The default progress callback: says nothing."""


def train_classifier(data: str | Path | Corpus, *, config: ModelConfig | None = None,
                     seed: int = C.RANDOM_SEED, evaluate: bool = True,
                     name: str | None = None, progress: Progress = _quiet) -> TrainResult:
    """Train on a corpus (folder, file or :class:`~tgclassify.corpus.Corpus`): thresholds from
    grouped out-of-fold probabilities, then a fit on everything (each paragraph repeated by its
    weight); with ``evaluate``, nested grouped CV figures for the model card. Deterministic for
    the same data, config and seed. ``progress`` is told each stage and fold.

    Raises :class:`~tgclassify.errors.DataFormatError` when the data is too small to train on.
    """
    start = time.perf_counter()
    corpus = data if isinstance(data, Corpus) else load_corpus(data)
    plan = plan_folds(corpus.groups)
    Y = corpus.label_matrix()
    if not Y.any():
        raise DataFormatError(f"{corpus.source}: no paragraph has a label; nothing to learn")
    config, notes = adapt_config(corpus, config or ModelConfig())
    if plan.note:
        notes.append(plan.note)
    unseen = [lab for lab, n in zip(C.LABELS, Y.sum(0), strict=True) if n == 0]
    if unseen:
        notes.append(f"no paragraph labeled {', '.join(unseen)}: the model will never predict "
                     f"{'it' if len(unseen) == 1 else 'them'}")
    estimator = build_estimator(config, seed=seed).set_params(cv=plan.n_folds)
    pairs = corpus.pairs()
    Xt = tokenize(estimator, pairs, progress)
    rows = np.repeat(np.arange(len(pairs)), corpus.weights or 1)
    groups = [plan.groups[i] for i in rows]
    kinds = corpus.kinds
    progress(f"thresholds by {plan.n_folds}-fold CV, then the fit on {len(rows):,} paragraphs")
    inner = clone(estimator).set_params(preprocessor=None)
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", UserWarning)  # labels absent from a small fold
            # a paragraph repeated by its weight is repeated in place: a heading's copies but
            # the last are followed by a heading, so only the last is blended in the tuning
            inner.fit(Xt[rows], Y[rows], groups=groups, kinds=[kinds[i] for i in rows])
    except ValueError as exc:
        if "empty vocabulary" in str(exc):
            raise DataFormatError(f"{corpus.source}: too few words repeat across paragraphs to "
                                  f"learn from; add more paragraphs") from None
        raise
    # the same fitted state as estimator.fit(pairs): the stateless tokenizer is put back
    model = inner.set_params(preprocessor=estimator.preprocessor)
    model.preprocessor_ = clone(estimator.preprocessor).fit(pairs[:1])
    evaluation = None
    if evaluate:
        evaluation = evaluate_config(corpus, config, seed=seed, tokens=Xt, progress=progress)
    card: dict[str, Any] = {"name": name, "config": config.to_dict(), "seed": seed}
    if notes:
        card["notes"] = notes
    chrome_filter: ChromeFilter | PortableChrome | None = None
    if corpus.noise:
        progress(f"chrome filter on {len(corpus.noise):,} noise lines")
        chrome_filter, card["chrome_filter"] = train_chrome_filter(
            corpus.noise, corpus.texts, corpus.groups, seed=seed)
    else:
        try:
            chrome_filter = Classifier.load().chrome_filter
            notes.append("no noise.jsonl in the data: the default model's chrome filter is kept")
            card["chrome_filter"] = {"from": "default model"}
        except ModelLoadError:
            notes.append("no noise.jsonl in the data: page chrome is dropped by rules only")
    warnings = []
    if evaluation is not None and (evaluation.model["macro_f1"]
                                   < evaluation.keyword_baseline["macro_f1"]):
        warnings.append(
            f"this model scores macro-F1 {evaluation.model['macro_f1']:.3f} in its own CV, "
            f"below the keyword baseline's {evaluation.keyword_baseline['macro_f1']:.3f}: it is "
            f"worse than a list of keywords; train on the shipped corpus plus your data "
            f"(--add FILE) or label more")
    clf = Classifier(model, labels=C.LABELS, chrome_filter=chrome_filter, card=card)
    return TrainResult(clf, evaluation, time.perf_counter() - start, notes, warnings)


def training_summary(corpus: Corpus) -> dict[str, Any]:
    """What the model card says about the data a model was trained on."""
    Y = corpus.label_matrix()
    out = {
        "source": corpus.source,
        "sha256": corpus.sha256,
        "paragraphs": len(corpus.records),
        "reports": len(set(corpus.groups)),
        "per_label": {lab: int(n) for lab, n in zip(C.LABELS, Y.sum(0), strict=True)},
        "general": int((Y.sum(1) == 0).sum()),
    }
    if corpus.weights:
        out["weighted_paragraphs"] = int(sum(corpus.weights))
    return out
