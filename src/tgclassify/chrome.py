"""The learned chrome filter: a model of web-page chrome and page furniture.

Segmentation (``segment``) marks a line as *noise* (dropped, not tagged) by its rules; this
filter is the learned second opinion it asks. The rules catch the common forms (dates,
counters, share widgets, document furniture); real portals invent new ones faster than rules
can follow ("Nghe đọc bài", "Đà Lạt 17°C - 24°C", "Xem nhiều | Mới nhất"). The filter learns
from ``data/labeled/noise.jsonl`` (chrome) against the corpus paragraphs and headings
(content), on character n-grams, words and the shape of the line. Its threshold is set on
out-of-fold scores so that almost no content line is dropped: losing a paragraph of a report
is worse than keeping a menu item.

Only short lines are scored: chrome is short, and long lines are content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, issparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline

from . import constants as C
from .portable import SHAPE_FEATURES, line_shape

__all__ = ["ChromeFilter", "LineShape", "build_chrome_pipeline", "train_chrome_filter"]

def _lines(X: Any) -> list[str]:
    """Lines from a sequence of strings or a one-column 2-D array."""
    if issparse(X):
        raise TypeError("LineShape takes lines of text, not a sparse matrix")
    if isinstance(X, np.ndarray) and X.ndim == 2:
        if X.shape[1] != 1:
            raise ValueError(f"LineShape takes one column of lines; got shape {X.shape}")
        return [str(v) for v in X[:, 0]]
    return [str(v) for v in X]


class LineShape(TransformerMixin, BaseEstimator):
    """Shape features of a line: length, capitals, digits, punctuation at the end, separators.
    Stateless (nothing is learned)."""

    def fit(self, X: Any, y: Any = None) -> LineShape:
        if issparse(X):
            raise TypeError("LineShape takes lines of text, not a sparse matrix")
        return self

    def transform(self, X: Any) -> csr_matrix:
        return csr_matrix(line_shape(_lines(X)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(SHAPE_FEATURES, dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.no_validation = True  # lines of text: there is no numeric array to check
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags


def build_chrome_pipeline(seed: int = C.RANDOM_SEED) -> Pipeline:
    """An unfitted chrome model: line -> probability of being chrome."""
    return Pipeline([
        ("features", FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), min_df=2,
                                      sublinear_tf=True, lowercase=True, dtype=np.float32)),
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                      lowercase=True, dtype=np.float32)),
            ("shape", LineShape()),
        ])),
        ("clf", LogisticRegression(C=10.0, max_iter=2000, solver="liblinear",
                                   class_weight="balanced", random_state=seed)),
    ])


class ChromeFilter:
    """A fitted chrome model and its threshold; callable on a batch of lines (the
    ``noise_filter`` that :func:`tgclassify.segment.iter_paragraphs` asks)."""

    def __init__(self, pipeline: Pipeline, threshold: float) -> None:
        self.pipeline = pipeline
        self.threshold = threshold

    def proba(self, lines: Sequence[str]) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(list(lines))[:, 1])

    def __call__(self, lines: Sequence[str]) -> list[bool]:
        """True for each line judged chrome; lines longer than the scoring limit are content."""
        out = [False] * len(lines)
        idx = [i for i, line in enumerate(lines) if len(line.split()) <= C.NOISE_MODEL_MAX_WORDS]
        if idx:
            p = self.proba([lines[i] for i in idx])
            for i, pi in zip(idx, p, strict=True):
                out[i] = bool(pi >= self.threshold)
        return out


def train_chrome_filter(chrome: Sequence[str], content: Sequence[str],
                        content_groups: Sequence[str], *, seed: int = C.RANDOM_SEED
                        ) -> tuple[ChromeFilter, dict[str, Any]]:
    """Fit the filter; pick the threshold on out-of-fold scores so that at most
    ``NOISE_MAX_CONTENT_LOSS`` of content lines would be dropped; report OOF figures."""
    chrome = [t for t in chrome if len(t.split()) <= C.NOISE_MODEL_MAX_WORDS]
    short_content = [(t, g) for t, g in zip(content, content_groups, strict=True)
                     if len(t.split()) <= C.NOISE_MODEL_MAX_WORDS]
    X = list(chrome) + [t for t, _ in short_content]
    y = np.array([1] * len(chrome) + [0] * len(short_content))
    # each chrome line is its own group; content lines go with their report
    groups = [f"chrome{i}" for i in range(len(chrome))] + [g for _, g in short_content]
    P = cross_val_predict(build_chrome_pipeline(seed), X, y, groups=groups,
                          cv=GroupKFold(n_splits=C.CV_FOLDS), method="predict_proba")[:, 1]
    content_scores = np.sort(P[y == 0])
    allowed = int(np.floor(C.NOISE_MAX_CONTENT_LOSS * len(content_scores)))
    # the threshold sits just above the (allowed+1)-th highest content score
    cut = content_scores[-(allowed + 1)] if len(content_scores) > allowed else 0.5
    threshold = float(min(max(cut + 1e-6, 0.5), 0.99))
    recall = float((P[y == 1] >= threshold).mean()) if len(chrome) else 0.0
    lost = float((P[y == 0] >= threshold).mean()) if len(short_content) else 0.0
    pipeline = build_chrome_pipeline(seed).fit(X, y)
    metrics = {"threshold": round(threshold, 4), "oof_chrome_recall": round(recall, 4),
               "oof_content_dropped": round(lost, 4), "chrome_lines": len(chrome),
               "short_content_lines": len(short_content),
               "scored_up_to_words": C.NOISE_MODEL_MAX_WORDS}
    return ChromeFilter(pipeline, threshold), metrics
