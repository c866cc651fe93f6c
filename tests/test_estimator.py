"""The custom estimators against scikit-learn's own conventions, and the thresholded model
driven by scikit-learn's tools."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from tgclassify.chrome import LineShape
from tgclassify.estimator import ThresholdedOneVsRest, tune_thresholds
from tgclassify.features import Column, Tokenize

# scikit-learn's checks feed numeric matrices. The text steps read one or two text columns
# (text, context) or one column of lines, so the checks that feed wider numeric matrices, or
# compare string outputs as numbers, cannot apply; every other check runs.
_TEXT_INPUT = ("reads one or two text columns (text, context); the check feeds a numeric "
               "matrix with more columns")
_LINES_INPUT = "reads one column of lines; the check feeds a numeric matrix with more columns"
EXPECTED_FAILURES = {
    "Tokenize": {
        **dict.fromkeys([
            "check_fit_score_takes_y", "check_estimators_dtypes", "check_pipeline_consistency",
            "check_estimators_pickle", "check_f_contiguous_array_estimator",
            "check_transformer_general", "check_transformers_unfitted_stateless",
            "check_methods_sample_order_invariance", "check_methods_subset_invariance",
            "check_dict_unchanged"], _TEXT_INPUT),
        "check_fit_idempotent": "its output is token strings, which the check compares as numbers",
    },
    "ThresholdedOneVsRest": {
        "check_classifier_multioutput": (
            "predictions follow the tuned per-label thresholds, not probability 0.5"),
    },
}


def _expected_failures(estimator):
    failures = dict(EXPECTED_FAILURES.get(type(estimator).__name__, {}))
    if isinstance(estimator, LineShape):
        failures.update(dict.fromkeys([
            "check_fit_score_takes_y", "check_estimators_dtypes", "check_pipeline_consistency",
            "check_estimators_pickle", "check_f_contiguous_array_estimator",
            "check_transformer_general", "check_transformers_unfitted_stateless",
            "check_methods_sample_order_invariance", "check_methods_subset_invariance",
            "check_dict_unchanged", "check_fit_idempotent"],
            _LINES_INPUT))
    return failures


@parametrize_with_checks(
    [ThresholdedOneVsRest(cv=3), Tokenize(), Column(), LineShape()],
    expected_failed_checks=_expected_failures,
)
def test_scikit_learn_conventions(estimator, check):
    check(estimator)


def _data(n=240, labels=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    Y = (X[:, :labels] + 0.8 * rng.normal(size=(n, labels)) > 0.6).astype(int)
    groups = np.repeat(np.arange(n // 8), 8)
    return X, Y, groups


def test_fit_tunes_thresholds_on_grouped_out_of_fold_probabilities():
    X, Y, groups = _data()
    model = ThresholdedOneVsRest(OneVsRestClassifier(LogisticRegression()), cv=4)
    model.fit(X, Y, groups=groups)
    oof = cross_val_predict(OneVsRestClassifier(LogisticRegression()), X, Y, groups=groups,
                            cv=GroupKFold(n_splits=4), method="predict_proba")
    np.testing.assert_array_equal(model.thresholds_, tune_thresholds(oof, Y))
    assert not np.allclose(model.thresholds_, 0.5)
    P = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict(X), (model.thresholds_ <= P).astype(int))
    np.testing.assert_array_equal(model.classes_, np.arange(3))


def test_init_stores_parameters_and_clone_copies_them():
    model = ThresholdedOneVsRest(cv=3, threshold_grid=(0.3, 0.5), min_positives=2)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "thresholds_")
    X, Y, groups = _data()
    model.fit(X, Y, groups=groups)
    assert set(np.unique(model.thresholds_)) <= {0.3, 0.5}
    assert not hasattr(clone(model), "thresholds_")


def test_grid_search_and_cross_val_predict_drive_it():
    from sklearn import config_context

    X, Y, groups = _data()
    with config_context(enable_metadata_routing=True):  # groups go to the folds and to fit
        search = GridSearchCV(ThresholdedOneVsRest(cv=3).set_fit_request(groups=True),
                              {"estimator": [OneVsRestClassifier(LogisticRegression(C=c))
                                             for c in (0.01, 1.0)]},
                              cv=GroupKFold(n_splits=3), scoring="f1_macro")
        search.fit(X, Y, groups=groups)
    assert search.best_params_["estimator"].estimator.C == 1.0
    assert search.best_estimator_.thresholds_.shape == (3,)
    pred = cross_val_predict(ThresholdedOneVsRest(cv=3), X, Y, groups=groups,
                             cv=GroupKFold(n_splits=3), params={"groups": groups})
    assert pred.shape == Y.shape and set(np.unique(pred)) <= {0, 1}


def test_a_preprocessor_that_learns_is_refused():
    from sklearn.preprocessing import StandardScaler

    X, Y, _ = _data()
    with pytest.raises(ValueError, match="needs fitting"):
        ThresholdedOneVsRest(preprocessor=StandardScaler()).fit(X, Y)


def test_the_project_estimator_is_one_object_with_plain_fitted_state(small_model):
    """What a portable export would read: vocabularies, idf, coefficients, intercepts,
    thresholds and the context weight, all reachable from the fitted estimator."""
    model = small_model.model
    assert isinstance(model, ThresholdedOneVsRest)
    features = model.estimator_.named_steps["features"]
    blocks = dict(features.transformer_list)
    assert set(blocks) == {"text", "syllables", "context"}
    assert features.transformer_weights["context"] == 0.5
    tfidf = blocks["context"].named_steps["tfidf"]
    assert len(tfidf.vocabulary_) == len(tfidf.idf_) > 0
    ovr = model.estimator_.named_steps["clf"]
    assert len(ovr.estimators_) == 10 and ovr.estimators_[0].coef_.shape[1] == len(
        features.get_feature_names_out())
    assert model.thresholds_.shape == (10,)
    assert isinstance(model.preprocessor_, Tokenize) and model.preprocessor_.context


def test_fit_with_kinds_tunes_thresholds_on_blended_out_of_fold_probabilities():
    X, Y, groups = _data()
    kinds = ["heading" if i % 8 in (0, 4) else "body" for i in range(len(X))]
    model = ThresholdedOneVsRest(OneVsRestClassifier(LogisticRegression()), cv=4,
                                 heading_weight=0.5, heading_window=3)
    model.fit(X, Y, groups=groups, kinds=kinds)
    oof = cross_val_predict(OneVsRestClassifier(LogisticRegression()), X, Y, groups=groups,
                            cv=GroupKFold(n_splits=4), method="predict_proba")
    blended = model.blend(oof, kinds, groups)
    assert not np.allclose(blended, oof)
    np.testing.assert_array_equal(model.thresholds_, tune_thresholds(blended, Y))
    # without kinds nothing is blended: the thresholds of the plain out-of-fold probabilities
    plain = clone(model).fit(X, Y, groups=groups)
    np.testing.assert_array_equal(plain.thresholds_, tune_thresholds(oof, Y))
