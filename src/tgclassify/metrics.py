"""Scores of multi-label predictions: one F1, per-label and pooled figures, confusions, errors.

Every F1 of the project (evaluation, threshold tuning, annotator agreement) is :func:`f1`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

from . import constants as C

__all__ = ["confused_pairs", "f1", "score", "worst_errors"]

Count = TypeVar("Count", int, np.ndarray)


def f1(tp: Count, fp: Count, fn: Count) -> Any:
    """F1 from counts, 0 where there is no true positive; counts may be numpy arrays.

    >>> f1(3, 1, 2)
    0.6666666666666666
    >>> f1(0, 4, 0)
    0.0
    """
    if isinstance(tp, np.ndarray):
        return np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(Y: np.ndarray, pred: np.ndarray, labels: Sequence[str] = C.LABELS) -> dict[str, Any]:
    """Per-label precision/recall/F1/support, micro and macro F1, subset accuracy, and the
    share of general paragraphs (no true label) predicted general."""
    Y = np.asarray(Y).astype(bool)
    pred = np.asarray(pred).astype(bool)
    per_label = {}
    for j, lab in enumerate(labels):
        tp = int((Y[:, j] & pred[:, j]).sum())
        fp = int((~Y[:, j] & pred[:, j]).sum())
        fn = int((Y[:, j] & ~pred[:, j]).sum())
        per_label[lab] = {
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
            "f1": round(f1(tp, fp, fn), 4),
            "support": int(Y[:, j].sum()),
        }
    tp = int((Y & pred).sum())
    fp = int((~Y & pred).sum())
    fn = int((Y & ~pred).sum())
    general = ~Y.any(1)
    return {
        "per_label": per_label,
        "micro_f1": round(f1(tp, fp, fn), 4),
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
    Y = np.asarray(Y).astype(bool)
    pred = np.asarray(pred).astype(bool)
    missed = Y & ~pred
    extra = ~Y & pred
    counts: Counter[tuple[str, str]] = Counter()
    for i in range(len(Y)):
        for a in np.flatnonzero(missed[i]):
            for b in np.flatnonzero(extra[i]):
                counts[(labels[int(a)], labels[int(b)])] += 1
    return [{"true": a, "predicted": b, "count": n} for (a, b), n in counts.most_common(top)]


def worst_errors(texts: Sequence[str], Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray,
                 labels: Sequence[str] = C.LABELS, top: int = 15,
                 ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The wrong paragraphs the model was most confident about.

    ``thresholds`` are the ones that made the predictions: one per label, or one row per
    paragraph (in cross-validation each fold has its own).
    """
    Y = np.asarray(Y).astype(bool)
    th = np.broadcast_to(np.asarray(thresholds, dtype=float), P.shape)
    pred = th <= P
    wrong_cells = pred != Y
    wrong = np.flatnonzero(wrong_cells.any(1))
    # confidence of the worst wrong decision in the paragraph
    conf = np.abs(P - th) * wrong_cells
    order = wrong[np.argsort(-conf[wrong].max(1), kind="stable")][:top]
    return [{
        "id": ids[i] if ids is not None else int(i),
        "text": texts[i][:300],
        "true": [labels[int(j)] for j in np.flatnonzero(Y[i])],
        "predicted": [labels[int(j)] for j in np.flatnonzero(pred[i])],
        "scores": {labels[int(j)]: round(float(P[i, j]), 3) for j in np.argsort(-P[i])[:3]},
    } for i in order]
