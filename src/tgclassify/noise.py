"""A learned filter for web-page chrome and page furniture, beside the rules of ``segment``.

The rules catch the common forms (dates, counters, share widgets, document furniture); real
portals invent new ones faster than rules can follow ("Nghe đọc bài", "Đà Lạt 17°C - 24°C",
"Xem nhiều | Mới nhất"). This filter learns from ``data/labeled/noise.jsonl`` (chrome) against
the corpus paragraphs and headings (content), on character n-grams, words and the shape of the
line. Its threshold is set so that almost no content line is dropped: losing a paragraph of a
report is worse than keeping a menu item.

Only short lines are scored: chrome is short, and long lines are content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from . import constants as C

__all__ = ["LineShape", "NoiseFilter", "build_noise_pipeline"]


class LineShape(TransformerMixin, BaseEstimator):
    """Shape features of a line: length, capitals, digits, punctuation at the end, separators."""

    def fit(self, X: Sequence[str], y: Any = None) -> LineShape:
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: nothing to learn

    def transform(self, X: Sequence[str]) -> Any:
        from scipy.sparse import csr_matrix  # noqa: PLC0415

        rows = []
        for text in X:
            letters = [c for c in text if c.isalpha()]
            n = max(len(text), 1)
            words = text.split()
            rows.append([
                min(len(words), 40) / 40,
                float(len(words) <= 3),
                sum(c.isupper() for c in letters) / max(len(letters), 1),
                sum(c.isdigit() for c in text) / n,
                float(bool(re.search(r"[.;!?…]$", text))),
                float(bool(re.search(r"[|>»›•]", text))),
                float(bool(re.search(r"\d{1,2}[:/]\d{1,2}", text))),
                float(text[:1].isupper()),
            ])
        return csr_matrix(np.asarray(rows, dtype=np.float32))


def build_noise_pipeline(seed: int = C.RANDOM_SEED) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: PLC0415

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


class NoiseFilter:
    """A fitted noise model and its threshold; callable on a batch of lines."""

    def __init__(self, pipeline: Any, threshold: float) -> None:
        self.pipeline = pipeline
        self.threshold = threshold

    def proba(self, lines: Sequence[str]) -> np.ndarray:
        return self.pipeline.predict_proba(list(lines))[:, 1]

    def __call__(self, lines: Sequence[str]) -> list[bool]:
        """True for each line judged chrome; lines longer than the scoring limit are content."""
        out = [False] * len(lines)
        idx = [i for i, line in enumerate(lines) if len(line.split()) <= C.NOISE_MODEL_MAX_WORDS]
        if idx:
            p = self.proba([lines[i] for i in idx])
            for i, pi in zip(idx, p, strict=True):
                out[i] = bool(pi >= self.threshold)
        return out


def train_noise_filter(noise: Sequence[str], content: Sequence[str], content_groups: Sequence[str],
                       *, seed: int = C.RANDOM_SEED) -> tuple[NoiseFilter, dict[str, Any]]:
    """Fit the filter; pick the threshold on out-of-fold scores so that at most
    ``NOISE_MAX_CONTENT_LOSS`` of content lines would be dropped; report OOF figures."""
    from .evaluate import group_folds  # noqa: PLC0415

    noise = [t for t in noise if len(t.split()) <= C.NOISE_MODEL_MAX_WORDS]
    short_content = [(t, g) for t, g in zip(content, content_groups, strict=True)
                     if len(t.split()) <= C.NOISE_MODEL_MAX_WORDS]
    X = list(noise) + [t for t, _ in short_content]
    y = np.array([1] * len(noise) + [0] * len(short_content))
    # each chrome line is its own group; content lines go with their report
    groups = [f"noise{i}" for i in range(len(noise))] + [g for _, g in short_content]
    P = np.zeros(len(X))
    for test in group_folds(groups, C.CV_FOLDS, seed=seed):
        train = np.setdiff1d(np.arange(len(X)), test)
        model = build_noise_pipeline(seed).fit([X[i] for i in train], y[train])
        P[test] = model.predict_proba([X[i] for i in test])[:, 1]
    content_scores = np.sort(P[y == 0])
    allowed = int(np.floor(C.NOISE_MAX_CONTENT_LOSS * len(content_scores)))
    # the threshold sits just above the (allowed+1)-th highest content score
    cut = content_scores[-(allowed + 1)] if len(content_scores) > allowed else 0.5
    threshold = float(min(max(cut + 1e-6, 0.5), 0.99))
    recall = float((P[y == 1] >= threshold).mean()) if len(noise) else 0.0
    lost = float((P[y == 0] >= threshold).mean()) if len(short_content) else 0.0
    pipeline = build_noise_pipeline(seed).fit(X, y)
    metrics = {"threshold": round(threshold, 4), "oof_noise_recall": round(recall, 4),
               "oof_content_dropped": round(lost, 4), "noise_lines": len(noise),
               "short_content_lines": len(short_content),
               "scored_up_to_words": C.NOISE_MODEL_MAX_WORDS}
    return NoiseFilter(pipeline, threshold), metrics
