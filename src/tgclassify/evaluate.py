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

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from . import constants as C
from .baseline import KeywordBaseline
from .corpus import Corpus, load_corpus
from .errors import DataFormatError
from .estimator import ThresholdedOneVsRest
from .metrics import confused_pairs, score, worst_errors
from .model import Classifier, ModelConfig, build_estimator

__all__ = ["EvalResult", "FoldPlan", "adapt_config", "cross_validate_model", "evaluate_config",
           "plan_folds", "score_model", "tokenize"]


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
    #: What the data changed in the protocol (fewer folds, no context block), one line each.
    notes: list[str] = field(default_factory=list)

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
        if self.notes:
            out["notes"] = self.notes
        return out


Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """The default progress callback: says nothing."""


@dataclass(frozen=True)
class FoldPlan:
    """How a corpus is cut into folds: their number, the group of each paragraph (its report,
    or the paragraph itself when there are too few reports) and a note when it is not the
    usual grouped ``CV_FOLDS``."""

    n_folds: int
    groups: list[str]
    note: str | None = None


def plan_folds(groups: Sequence[str], n_folds: int = C.CV_FOLDS) -> FoldPlan:
    """Grouped folds as the data allows: ``n_folds`` when there are that many reports, one per
    report from ``MIN_GROUPED_FOLDS`` reports, else folds cut by paragraph. Fewer than
    ``MIN_TRAIN_PARAGRAPHS`` paragraphs raise :class:`DataFormatError`."""
    groups = [str(g) for g in groups]
    n, n_groups = len(groups), len(set(groups))
    if n < C.MIN_TRAIN_PARAGRAPHS:
        raise DataFormatError(f"{n} labeled paragraph(s): training needs at least "
                              f"{C.MIN_TRAIN_PARAGRAPHS} (add --data shipped to train on the "
                              f"shipped corpus as well)")
    if n_groups >= n_folds:
        return FoldPlan(n_folds, groups)
    if n_groups >= C.MIN_GROUPED_FOLDS:
        return FoldPlan(n_groups, groups, f"only {n_groups} reports: {n_groups} grouped folds "
                                          f"instead of {n_folds}")
    return FoldPlan(n_folds, [f"paragraph{i}" for i in range(n)],
                    f"only {n_groups} report(s): folds cut by paragraph instead of by report, "
                    f"so the CV figures flatter the model")


def tokenize(estimator: ThresholdedOneVsRest, X: Sequence[Any], progress: Progress = _quiet
             ) -> np.ndarray:
    """``X`` through the estimator's stateless preprocessor (tokenization), once."""
    prep = estimator.preprocessor
    progress(f"tokenizing {len(X):,} paragraphs")
    if prep is None:
        return np.asarray(list(X), dtype=object)
    return np.asarray(clone(prep).fit(X[:1]).transform(list(X)))


def adapt_config(corpus: Corpus, config: ModelConfig) -> tuple[ModelConfig, list[str]]:
    """The configuration the data allows, and a note per change: no section-context block when
    no paragraph has a heading above it (a minimal-format file without ``heading``)."""
    notes = []
    if config.context_weight > 0 and not any(c for _, c in corpus.pairs()):
        config = replace(config, context_weight=0.0)
        notes.append("no paragraph has a heading (no 'heading', or 'kind'/'pos'): trained "
                     "without the section-context block")
    return config, notes


def cross_validate_model(estimator: ThresholdedOneVsRest, X: Sequence[Any], Y: np.ndarray,
                         groups: Sequence[str], *, texts: Sequence[str] | None = None,
                         ids: Sequence[str] | None = None, n_folds: int = C.CV_FOLDS,
                         without_context: bool = False,
                         weights: Sequence[int] | None = None,
                         train_only: Sequence[bool] | None = None,
                         tokens: np.ndarray | None = None,
                         kinds: Sequence[str] | None = None,
                         progress: Progress = _quiet) -> EvalResult:
    """Nested grouped CV of an unfitted ``estimator``: outer folds score, the estimator's own
    ``fit`` tunes its thresholds on each outer training part.

    The stateless preprocessor (tokenization) runs once on all of ``X``. With
    ``without_context`` the same fitted models are also scored on the paragraphs alone
    (context blanked), which is what tagging an isolated paragraph sees. ``weights`` repeats
    each paragraph that many times in the training parts (never in scoring); ``train_only``
    paragraphs are in every training part and never scored (e.g. one office's paragraphs added
    to the shipped corpus, scored on the shipped corpus alone). The figures are over the scored
    paragraphs; ``oof_*`` rows of train-only paragraphs stay zero. ``tokens``: ``X`` already
    through the estimator's preprocessor (it is not run again). ``kinds`` (``"heading"`` or
    ``"body"`` per paragraph, in report order) blends headings' probabilities as tagging does,
    in the inner threshold tuning and in scoring.
    """
    X = list(X)
    n = len(X)
    texts = list(texts) if texts is not None else [x if isinstance(x, str) else x[0] for x in X]
    w = np.ones(n, dtype=int) if not weights else np.asarray(weights, dtype=int)
    fixed = np.zeros(n, dtype=bool) if not train_only else np.asarray(train_only, dtype=bool)
    g = np.asarray([str(x) for x in groups], dtype=object)
    kind = np.asarray(list(kinds) if kinds is not None else ["body"] * n, dtype=object)
    Y = np.asarray(Y)
    Xt = tokens if tokens is not None else tokenize(estimator, X, progress)
    inner = clone(estimator).set_params(preprocessor=None)
    scored = np.flatnonzero(~fixed)
    P = np.zeros(Y.shape, dtype=float)
    thresholds = np.zeros(Y.shape, dtype=float)
    pred_bare = np.zeros(Y.shape, dtype=bool)
    if without_context:
        bare = Xt.copy()
        bare[:, 1] = ""  # the context column of Tokenize's output
    splits = GroupKFold(n_splits=n_folds).split(scored, groups=g[scored])
    for k, (tr, te) in enumerate(splits, 1):
        progress(f"cross-validation fold {k}/{n_folds}")
        test = scored[te]
        train = np.concatenate([scored[tr], np.flatnonzero(fixed)])
        rows = np.repeat(train, w[train])
        model = clone(inner)
        if isinstance(model.cv, int):
            model.set_params(cv=min(model.cv, len(set(g[train]))))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a label absent from a small fold
            model.fit(Xt[rows], Y[rows], groups=list(g[rows]), kinds=list(kind[rows]))
        P[test] = model.blend(model.predict_proba(Xt[test]), list(kind[test]), list(g[test]))
        thresholds[test] = model.thresholds_
        if without_context:
            pred_bare[test] = model.decide(model.blend(model.predict_proba(bare[test]),
                                                       list(kind[test]), list(g[test])))
    pred = thresholds <= P
    Ys, pred_s = Y[scored], pred[scored]
    texts_s = [texts[i] for i in scored]
    return EvalResult(
        model=score(Ys, pred_s),
        keyword_baseline=score(Ys, KeywordBaseline().predict_matrix(texts_s)),
        empty_baseline=score(Ys, np.zeros(Ys.shape, dtype=bool)),
        confused=confused_pairs(Ys, pred_s),
        worst=worst_errors(texts_s, Ys, P[scored], thresholds[scored],
                           ids=[ids[int(i)] for i in scored] if ids is not None else None),
        folds=n_folds,
        oof_proba=P,
        oof_pred=pred,
        oof_thresholds=thresholds,
        without_context=score(Ys, pred_bare[scored]) if without_context else None,
    )


def evaluate_config(data: str | Path | Corpus, config: ModelConfig | None = None, *,
                    seed: int = C.RANDOM_SEED, n_folds: int = C.CV_FOLDS,
                    tokens: np.ndarray | None = None,
                    progress: Progress = _quiet) -> EvalResult:
    """Nested grouped CV of one configuration on a corpus (the model card's figures, and
    model selection); folds as :func:`plan_folds` allows, per-paragraph ``weights`` and
    ``train_only`` of the corpus honoured. ``tokens``: the corpus's pairs already tokenized by
    this configuration's preprocessor."""
    corpus = data if isinstance(data, Corpus) else load_corpus(data)
    config, notes = adapt_config(corpus, config or ModelConfig())
    scored = [g for g, fixed in zip(corpus.groups, corpus.train_only or [False] * len(corpus.groups),
                                    strict=True) if not fixed]
    plan = plan_folds(scored, n_folds)
    groups = corpus.groups
    if plan.groups != scored:  # cut by paragraph: every scored paragraph its own group
        it = iter(plan.groups)
        groups = [next(it) if not fixed else g
                  for g, fixed in zip(corpus.groups, corpus.train_only or [False] * len(groups),
                                      strict=True)]
    result = cross_validate_model(build_estimator(config, seed=seed), corpus.pairs(),
                                  corpus.label_matrix(), groups, texts=corpus.texts,
                                  ids=[str(r["id"]) for r in corpus.records], n_folds=plan.n_folds,
                                  without_context=config.context_weight > 0,
                                  weights=corpus.weights or None,
                                  train_only=corpus.train_only or None, tokens=tokens,
                                  kinds=corpus.kinds, progress=progress)
    result.notes = notes + ([plan.note] if plan.note else [])
    return result


def score_model(clf: Classifier, corpus: Corpus) -> dict[str, Any]:
    """A trained model's scores on a labeled corpus, beside the two baselines."""
    Y = corpus.label_matrix()
    pred = clf.decide(clf.blend(clf.predict_proba(corpus.pairs()), corpus.kinds, corpus.groups))
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
