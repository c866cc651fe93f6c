"""Grouped cross-validation, threshold tuning and the evaluation report.

Folds are grouped by report (``doc_id``): no report has paragraphs on both sides, since
paragraphs of one report share names, years and phrasing that would flatter the model.

Thresholds are tuned on out-of-fold probabilities of the *training* part only. The figures
this module reports come from nested cross-validation: for each outer fold, thresholds are
tuned by an inner grouped CV on the other folds, then applied to the held-out fold.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import constants as C

__all__ = ["EvalResult", "cross_validate", "group_folds", "out_of_fold_proba", "score",
           "tune_thresholds"]


def group_folds(groups: Sequence[str], n_folds: int = C.CV_FOLDS, *,
                seed: int = C.RANDOM_SEED) -> list[np.ndarray]:
    """Indices of each fold; every group is in exactly one fold. Deterministic for a seed and
    independent of the scikit-learn version."""
    uniq = sorted(set(groups))
    if len(uniq) < n_folds:
        raise ValueError(f"{len(uniq)} reports cannot make {n_folds} grouped folds")
    rng = random.Random(seed)
    rng.shuffle(uniq)
    # greedy balance by size: the largest group goes to the currently smallest fold
    sizes = Counter(groups)
    fold_of: dict[str, int] = {}
    load = [0] * n_folds
    for g in sorted(uniq, key=lambda g: -sizes[g]):
        k = min(range(n_folds), key=lambda k: (load[k], k))
        fold_of[g] = k
        load[k] += sizes[g]
    arr = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(arr == k) for k in range(n_folds)]


def out_of_fold_proba(make_model: Any, X: Sequence[Any], Y: np.ndarray, groups: Sequence[str],
                      *, n_folds: int = C.CV_FOLDS, seed: int = C.RANDOM_SEED) -> np.ndarray:
    """Out-of-fold probabilities of a fresh ``make_model()`` pipeline per fold."""
    P = np.zeros(Y.shape, dtype=float)
    for test in group_folds(groups, n_folds, seed=seed):
        train = np.setdiff1d(np.arange(len(X)), test)
        model = make_model()
        model.fit([X[i] for i in train], Y[train])
        P[test] = model.predict_proba([X[i] for i in test])
    return P


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tune_thresholds(P: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per label, the grid threshold with the best F1 on (out-of-fold) probabilities ``P``.

    Ties go to the threshold nearest 0.5, which moves least from the model's own calibration.
    """
    grid = np.array(C.THRESHOLD_GRID)
    out = np.full(Y.shape[1], C.DEFAULT_THRESHOLD)
    for j in range(Y.shape[1]):
        y = Y[:, j].astype(bool)
        if y.sum() < 3:
            continue
        pred = P[:, j][:, None] >= grid[None, :]
        tp = (pred & y[:, None]).sum(0)
        fp = (pred & ~y[:, None]).sum(0)
        fn = (~pred & y[:, None]).sum(0)
        f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
        best = f1.max()
        candidates = np.flatnonzero(np.isclose(f1, best))
        out[j] = grid[candidates[np.argmin(np.abs(grid[candidates] - 0.5))]]
    return out


def score(Y: np.ndarray, pred: np.ndarray, labels: Sequence[str] = C.LABELS) -> dict[str, Any]:
    """Per-label precision/recall/F1/support, micro and macro F1, subset accuracy."""
    Y = Y.astype(bool)
    pred = pred.astype(bool)
    per_label = {}
    for j, lab in enumerate(labels):
        tp = int((Y[:, j] & pred[:, j]).sum())
        fp = int((~Y[:, j] & pred[:, j]).sum())
        fn = int((Y[:, j] & ~pred[:, j]).sum())
        per_label[lab] = {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
            "f1": round(_f1(tp, fp, fn), 4),
            "support": int(Y[:, j].sum()),
        }
    tp = int((Y & pred).sum())
    fp = int((~Y & pred).sum())
    fn = int((Y & ~pred).sum())
    general = ~Y.any(1)
    return {
        "per_label": per_label,
        "micro_f1": round(_f1(tp, fp, fn), 4),
        "macro_f1": round(float(np.mean([v["f1"] for v in per_label.values()])), 4),
        "subset_accuracy": round(float((pred == Y).all(1).mean()), 4) if len(Y) else 0.0,
        "general_accuracy": round(float((~pred[general].any(1)).mean()), 4)
        if general.any() else None,
        "n": len(Y),
    }


def confused_pairs(Y: np.ndarray, pred: np.ndarray, labels: Sequence[str] = C.LABELS,
                   top: int = 10) -> list[dict[str, Any]]:
    """Label pairs most often confused: the true label missed while the other was predicted
    wrongly in the same paragraph."""
    Y = Y.astype(bool)
    pred = pred.astype(bool)
    missed = Y & ~pred
    extra = ~Y & pred
    counts: Counter[tuple[str, str]] = Counter()
    for i in range(len(Y)):
        for a in np.flatnonzero(missed[i]):
            for b in np.flatnonzero(extra[i]):
                counts[(labels[a], labels[b])] += 1
    return [{"true": a, "predicted": b, "count": n} for (a, b), n in counts.most_common(top)]


def worst_errors(texts: Sequence[str], Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray,
                 labels: Sequence[str] = C.LABELS, top: int = 15,
                 ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The wrong paragraphs the model was most confident about."""
    pred = thresholds[None, :] <= P
    wrong = np.flatnonzero((pred != Y.astype(bool)).any(1))
    # confidence of the worst wrong decision in the paragraph
    conf = np.abs(P - thresholds[None, :]) * (pred != Y.astype(bool))
    order = wrong[np.argsort(-conf[wrong].max(1))][:top]
    return [{
        "id": ids[i] if ids is not None else int(i),
        "text": texts[i][:300],
        "true": [labels[j] for j in np.flatnonzero(Y[i])],
        "predicted": [labels[j] for j in np.flatnonzero(pred[i])],
        "scores": {labels[j]: round(float(P[i, j]), 3) for j in np.argsort(-P[i])[:3]},
    } for i in order]


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
    without_context: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        out = {
            "folds": self.folds, "grouped_by": "report",
            "model": self.model, "keyword_baseline": self.keyword_baseline,
            "empty_baseline": self.empty_baseline, "confused_pairs": self.confused,
            "worst_errors": self.worst,
        }
        if self.without_context is not None:
            out["model_without_context"] = self.without_context
        return out


def cross_validate(make_model: Any, X: Sequence[Any], Y: np.ndarray, groups: Sequence[str], *,
                   texts: Sequence[str] | None = None, ids: Sequence[str] | None = None,
                   n_folds: int = C.CV_FOLDS, seed: int = C.RANDOM_SEED,
                   without_context: bool = False) -> EvalResult:
    """Nested grouped CV: outer folds score, inner folds tune the thresholds.

    With ``without_context`` the same fitted models are also scored on the paragraphs alone
    (context blanked), which is what tagging an isolated paragraph sees.
    """
    from .baseline import KeywordBaseline  # noqa: PLC0415

    X = list(X)
    texts = list(texts) if texts is not None else [x if isinstance(x, str) else x[0] for x in X]
    P = np.zeros(Y.shape, dtype=float)
    pred = np.zeros(Y.shape, dtype=bool)
    pred_bare = np.zeros(Y.shape, dtype=bool)
    thresholds_used = np.zeros(Y.shape, dtype=float)
    for k, test in enumerate(group_folds(groups, n_folds, seed=seed)):
        train = np.setdiff1d(np.arange(len(X)), test)
        X_train = [X[i] for i in train]
        g_train = [groups[i] for i in train]
        inner = out_of_fold_proba(make_model, X_train, Y[train], g_train,
                                  n_folds=n_folds - 1, seed=seed + k + 1)
        th = tune_thresholds(inner, Y[train])
        model = make_model()
        model.fit(X_train, Y[train])
        P[test] = model.predict_proba([X[i] for i in test])
        pred[test] = P[test] >= th[None, :]
        thresholds_used[test] = th
        if without_context:
            bare = model.predict_proba([texts[i] for i in test])
            pred_bare[test] = bare >= th[None, :]
    keyword = KeywordBaseline().predict_matrix(texts)
    empty = np.zeros(Y.shape, dtype=bool)
    mean_th = thresholds_used.mean(0)
    return EvalResult(
        model=score(Y, pred),
        keyword_baseline=score(Y, keyword),
        empty_baseline=score(Y, empty),
        confused=confused_pairs(Y, pred),
        worst=worst_errors(texts, Y, P, mean_th, ids=ids),
        folds=n_folds,
        oof_proba=P,
        oof_pred=pred,
        without_context=score(Y, pred_bare) if without_context else None,
    )
