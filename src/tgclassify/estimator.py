"""The estimator: a one-vs-rest classifier whose per-label thresholds are tuned out of fold.

:class:`ThresholdedOneVsRest` is a scikit-learn meta-estimator, in the manner of
:class:`sklearn.model_selection.TunedThresholdClassifierCV` but for multi-label targets: it
wraps a probabilistic one-vs-rest model (tgclassify's: TF-IDF blocks and logistic regressions),
and its ``fit(X, Y, groups=...)``

1. runs the stateless ``preprocessor`` (tokenization) once on all of ``X``;
2. gets out-of-fold probabilities of a clone of ``estimator`` with
   :func:`sklearn.model_selection.cross_val_predict`, folds grouped by report when ``groups``
   is given (:class:`~sklearn.model_selection.GroupKFold`);
3. picks, per label, the threshold of ``threshold_grid`` with the best out-of-fold F1;
4. fits ``estimator`` on everything.

Its fitted state is plain: ``preprocessor_`` (stateless), ``estimator_`` (the fitted model),
``thresholds_`` (one per label), ``classes_``. ``clone``, ``GridSearchCV`` and
``cross_val_predict`` drive it like any classifier.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, check_cv, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import get_tags
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from . import constants as C
from .headings import blend_headings
from .metrics import f1

__all__ = ["ThresholdedOneVsRest", "tune_thresholds"]


def tune_thresholds(P: np.ndarray, Y: np.ndarray, grid: Sequence[float] = C.THRESHOLD_GRID, *,
                    default: float = C.DEFAULT_THRESHOLD, min_positives: int = 3) -> np.ndarray:
    """Per label, the grid threshold with the best F1 on (out-of-fold) probabilities ``P``.

    Ties go to the threshold nearest 0.5, which moves least from the model's own calibration;
    a label with fewer than ``min_positives`` positives keeps ``default``.
    """
    grid_arr = np.asarray(grid, dtype=float)
    out = np.full(Y.shape[1], default, dtype=float)
    for j in range(Y.shape[1]):
        y = Y[:, j].astype(bool)
        if y.sum() < min_positives:
            continue
        pred = P[:, j][:, None] >= grid_arr[None, :]
        tp = (pred & y[:, None]).sum(0)
        fp = (pred & ~y[:, None]).sum(0)
        fn = (~pred & y[:, None]).sum(0)
        scores = f1(tp, fp, fn)
        candidates = np.flatnonzero(np.isclose(scores, scores.max()))
        out[j] = grid_arr[candidates[np.argmin(np.abs(grid_arr[candidates] - 0.5))]]
    return out


class ThresholdedOneVsRest(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Multi-label classifier with a decision threshold per label, tuned out of fold.

    Parameters
    ----------
    estimator : estimator, default=None
        A probabilistic classifier whose ``predict_proba`` on a label-indicator target gives
        one column per label (a one-vs-rest model, alone or at the end of a pipeline). None
        means ``OneVsRestClassifier(LogisticRegression())``.
    preprocessor : transformer, default=None
        A *stateless* transformer (one that learns nothing in ``fit``) applied once to all the
        data before the folds are cut, and before prediction: tokenization, which is too slow
        to repeat per fold. A transformer that needs fitting is refused, since fitting it on
        all the data would leak the held-out folds into the thresholds.
    cv : int or cross-validation splitter, default=5
        Folds of the out-of-fold probabilities. An int means ``GroupKFold(cv)`` when ``fit``
        gets ``groups``, else scikit-learn's default for the target.
    threshold_grid : sequence of float, default=None
        Candidate thresholds; None means ``constants.THRESHOLD_GRID`` (0.05 to 0.90).
    default_threshold : float, default=0.5
        Threshold of a label with fewer than ``min_positives`` positive examples.
    min_positives : int, default=3
        Fewest positives a label needs for its threshold to be tuned.
    heading_weight : float, default=0.0
        Weight of the following body paragraphs in a heading's probabilities
        (:func:`~tgclassify.headings.blend_headings`); the thresholds are tuned on blended
        out-of-fold probabilities when ``fit`` gets ``kinds``. 0 scores every paragraph alone.
    heading_window : int, default=constants.HEADING_WINDOW
        Most body paragraphs a heading is blended with.

    A 1-D binary target is accepted too (one label; ``predict`` then returns class values).
    """

    def __init__(self, estimator: Any = None, *, preprocessor: Any = None, cv: Any = C.CV_FOLDS,
                 threshold_grid: Sequence[float] | None = None,
                 default_threshold: float = C.DEFAULT_THRESHOLD, min_positives: int = 3,
                 heading_weight: float = 0.0, heading_window: int = C.HEADING_WINDOW) -> None:
        self.estimator = estimator
        self.preprocessor = preprocessor
        self.cv = cv
        self.threshold_grid = threshold_grid
        self.default_threshold = default_threshold
        self.min_positives = min_positives
        self.heading_weight = heading_weight
        self.heading_window = heading_window

    # --- fitting -------------------------------------------------------------------------------

    def fit(self, X: Any, y: Any, *, groups: Any = None,
            kinds: Sequence[str] | None = None) -> ThresholdedOneVsRest:
        """Fit on ``X`` and the label-indicator matrix ``y`` (or a binary vector), tuning the
        thresholds on out-of-fold probabilities; ``groups`` keeps each group in one fold.
        ``kinds`` (``"heading"``/``"body"`` per row, rows in report order) blends headings'
        out-of-fold probabilities as :meth:`blend` does before the thresholds are tuned."""
        indicator, y_fit = self._check_target(y)
        preprocessor = self._fit_preprocessor(X)
        Xt = preprocessor.transform(X) if preprocessor is not None else X
        estimator = self._make_estimator()
        splitter = self._splitter(y_fit, groups)
        if get_config().get("enable_metadata_routing", False):
            # with metadata routing on, groups reach the splitter through params
            oof = cross_val_predict(clone(estimator), Xt, y_fit, cv=splitter,
                                    params={} if groups is None else {"groups": groups},
                                    method="predict_proba")
        else:
            oof = cross_val_predict(clone(estimator), Xt, y_fit, groups=groups, cv=splitter,
                                    method="predict_proba")
        grid = C.THRESHOLD_GRID if self.threshold_grid is None else self.threshold_grid
        oof = self._label_proba(oof)
        if kinds is not None:
            oof = self.blend(oof, kinds, groups)
        self.thresholds_ = tune_thresholds(oof, indicator, grid,
                                           default=self.default_threshold,
                                           min_positives=self.min_positives)
        self.preprocessor_ = preprocessor
        self.estimator_ = clone(estimator).fit(Xt, y_fit)
        return self

    def _check_target(self, y: Any) -> tuple[np.ndarray, Any]:
        """(indicator matrix, target for the wrapped estimator); sets ``classes_``."""
        kind = type_of_target(y, input_name="y", raise_unknown=True)
        if kind == "multilabel-indicator":
            indicator = np.asarray(y.toarray() if hasattr(y, "toarray") else y)
            self.classes_ = np.arange(indicator.shape[1])
            self._binary = False
            self._y_dtype = indicator.dtype
            return indicator, indicator
        if kind == "binary":
            y_arr = np.asarray(y)
            if y_arr.ndim == 2:
                y_arr = y_arr.ravel()
            self.classes_ = np.unique(y_arr)
            if len(self.classes_) < 2:
                raise ValueError("ThresholdedOneVsRest needs at least two classes in y; "
                                 "it got one class")
            self._binary = True
            return (y_arr == self.classes_[1]).astype(int)[:, None], y_arr
        raise ValueError(f"Only binary classification is supported. The type of the target "
                         f"is {kind}. For several labels, pass a label-indicator matrix "
                         f"(multi-label).")

    def _fit_preprocessor(self, X: Any) -> Any:
        if self.preprocessor is None:
            return None
        if get_tags(self.preprocessor).requires_fit:
            raise ValueError(
                f"preprocessor {type(self.preprocessor).__name__} needs fitting: it would be "
                f"fitted on the held-out folds too. Put it in `estimator` instead")
        return clone(self.preprocessor).fit(X)

    def _make_estimator(self) -> Any:
        if self.estimator is None:
            return OneVsRestClassifier(LogisticRegression())
        return clone(self.estimator)

    def _splitter(self, y: Any, groups: Any) -> Any:
        if isinstance(self.cv, numbers.Integral) and groups is not None:
            return GroupKFold(n_splits=int(self.cv))
        return check_cv(self.cv, y, classifier=True)

    def _label_proba(self, proba: np.ndarray) -> np.ndarray:
        """One probability column per label (the positive class of a binary target)."""
        proba = np.asarray(proba, dtype=float)
        return proba[:, 1:] if self._binary else proba

    # --- prediction ----------------------------------------------------------------------------

    def _transform(self, X: Any) -> Any:
        return self.preprocessor_.transform(X) if self.preprocessor_ is not None else X

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each label, shape ``(n, labels)`` (``(n, 2)`` for a binary target)."""
        check_is_fitted(self, "thresholds_")
        return np.asarray(self.estimator_.predict_proba(self._transform(X)), dtype=float)

    def predict(self, X: Any) -> np.ndarray:
        """Label-indicator matrix: 1 where a label's probability reaches its threshold."""
        decided = self.decide(self.predict_proba(X))
        if self._binary:
            return np.asarray(self.classes_[decided[:, 0].astype(int)])
        return decided.astype(self._y_dtype)

    def blend(self, proba: np.ndarray, kinds: Sequence[str], groups: Any = None) -> np.ndarray:
        """Per-label probabilities of a report's paragraphs in order (``groups``: the report
        of each, when several) with each heading's blended with the body paragraphs after
        it (:func:`~tgclassify.headings.blend_headings`)."""
        return blend_headings(proba, kinds, None if groups is None else list(groups),
                              weight=self.heading_weight, window=self.heading_window)

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Boolean label matrix from probabilities, by the tuned thresholds."""
        check_is_fitted(self, "thresholds_")
        return self._label_proba(proba) >= self.thresholds_[None, :]

    # --- scikit-learn plumbing -----------------------------------------------------------------

    @property
    def n_features_in_(self) -> int:
        check_is_fitted(self, "thresholds_")
        first = self.preprocessor_ if self.preprocessor_ is not None else self.estimator_
        return int(first.n_features_in_)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        inner = get_tags(self.preprocessor if self.preprocessor is not None
                         else self._make_estimator())
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.string = inner.input_tags.string
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags.multi_output = True
        assert tags.classifier_tags is not None
        tags.classifier_tags.multi_label = True
        tags.classifier_tags.multi_class = False
        return tags
