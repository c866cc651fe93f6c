"""Evaluation: nested grouped cross-validation of a configuration, and scoring a trained model
on a labeled file. The CLI's ``eval`` and ``train`` only call these and print the result.

Folds are grouped by report (``doc_id``, scikit-learn's :class:`~sklearn.model_selection.GroupKFold`):
no report has paragraphs on both sides, since paragraphs of one report share names, years and
phrasing that would flatter the model.

The figures come from nested cross-validation: each outer training part is given to the
estimator's own ``fit``, which tunes its thresholds by an inner grouped CV on that part only;
the fitted model and its thresholds then score the held-out fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, cross_validate

from . import constants as C
from .baseline import KeywordBaseline
from .corpus import Corpus, load_corpus
from .estimator import ThresholdedOneVsRest
from .metrics import confused_pairs, score, worst_errors
from .model import Classifier, ModelConfig, build_estimator

__all__ = ["EvalResult", "cross_validate_model", "evaluate_config", "score_model"]


@dataclass
class EvalResult:
    """Nested grouped cross-validation of the model and the two baselines on the same folds."""

    model: dict[str, Any]
    keyword_baseline: dict[str, Any]
    empty_baseline: dict[str, Any]
    confused: list[dict[str, Any]]
    worst: list[dict[str, Any]]
    folds: int
    oof_proba: np.ndarray
    oof_pred: np.ndarray
    oof_thresholds: np.ndarray
    without_context: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON form (the model card's ``metrics``)."""
        out = {
            "folds": self.folds, "grouped_by": "report",
            "model": self.model, "keyword_baseline": self.keyword_baseline,
            "empty_baseline": self.empty_baseline, "confused_pairs": self.confused,
            "worst_errors": self.worst,
        }
        if self.without_context is not None:
            out["model_without_context"] = self.without_context
        return out


def cross_validate_model(estimator: ThresholdedOneVsRest, X: Sequence[Any], Y: np.ndarray,
                         groups: Sequence[str], *, texts: Sequence[str] | None = None,
                         ids: Sequence[str] | None = None, n_folds: int = C.CV_FOLDS,
                         without_context: bool = False) -> EvalResult:
    """Nested grouped CV of an unfitted ``estimator``: outer folds score, the estimator's own
    ``fit`` tunes its thresholds on each outer training part.

    The stateless preprocessor (tokenization) runs once on all of ``X``. With
    ``without_context`` the same fitted models are also scored on the paragraphs alone
    (context blanked), which is what tagging an isolated paragraph sees.
    """
    X = list(X)
    texts = list(texts) if texts is not None else [x if isinstance(x, str) else x[0] for x in X]
    prep = estimator.preprocessor
    Xt = clone(prep).fit(X).transform(X) if prep is not None else np.asarray(X, dtype=object)
    inner = clone(estimator).set_params(preprocessor=None)
    folds = cross_validate(inner, Xt, Y, groups=groups, cv=GroupKFold(n_splits=n_folds),
                           params={"groups": list(groups)}, return_estimator=True,
                           return_indices=True)
    P = np.zeros(Y.shape, dtype=float)
    thresholds = np.zeros(Y.shape, dtype=float)
    pred_bare = np.zeros(Y.shape, dtype=bool)
    if without_context:
        bare = Xt.copy()
        bare[:, 1] = ""  # the context column of Tokenize's output
    for model, test in zip(folds["estimator"], folds["indices"]["test"], strict=True):
        P[test] = model.predict_proba(Xt[test])
        thresholds[test] = model.thresholds_
        if without_context:
            pred_bare[test] = model.decide(model.predict_proba(bare[test]))
    pred = thresholds <= P
    empty = np.zeros(Y.shape, dtype=bool)
    return EvalResult(
        model=score(Y, pred),
        keyword_baseline=score(Y, KeywordBaseline().predict_matrix(texts)),
        empty_baseline=score(Y, empty),
        confused=confused_pairs(Y, pred),
        worst=worst_errors(texts, Y, P, thresholds, ids=ids),
        folds=n_folds,
        oof_proba=P,
        oof_pred=pred,
        oof_thresholds=thresholds,
        without_context=score(Y, pred_bare) if without_context else None,
    )


def evaluate_config(data: str | Path | Corpus, config: ModelConfig | None = None, *,
                    seed: int = C.RANDOM_SEED, n_folds: int = C.CV_FOLDS) -> EvalResult:
    """Nested grouped CV of one configuration on a corpus (the model card's figures, and
    model selection)."""
    corpus = data if isinstance(data, Corpus) else load_corpus(data)
    config = config or ModelConfig()
    return cross_validate_model(build_estimator(config, seed=seed), corpus.pairs(),
                                corpus.label_matrix(), corpus.groups, texts=corpus.texts,
                                ids=[str(r["id"]) for r in corpus.records], n_folds=n_folds,
                                without_context=config.context_weight > 0)


def score_model(clf: Classifier, corpus: Corpus) -> dict[str, Any]:
    """A trained model's scores on a labeled corpus, beside the two baselines."""
    Y = corpus.label_matrix()
    pred = clf.decide(clf.predict_proba(corpus.pairs()))
    keyword = KeywordBaseline().predict_matrix(corpus.texts)
    genres = np.asarray(corpus.genres)
    per_genre = {}
    for genre in [g for g in C.GENRES if g in genres] + sorted(set(genres) - set(C.GENRES) - {""}):
        rows = genres == genre
        model, base = score(Y[rows], pred[rows]), score(Y[rows], keyword[rows])
        per_genre[genre] = {"paragraphs": int(rows.sum()), "macro_f1": model["macro_f1"],
                            "micro_f1": model["micro_f1"],
                            "keyword_baseline_micro_f1": base["micro_f1"]}
    return {"model": clf.card.get("name"), "data": corpus.source, "paragraphs": len(Y),
            "scores": score(Y, pred),
            "keyword_baseline": score(Y, keyword),
            "empty_baseline": score(Y, np.zeros_like(pred)),
            "per_genre": per_genre}
