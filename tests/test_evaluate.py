import numpy as np
import pytest

from tgclassify.baseline import KeywordBaseline
from tgclassify.estimator import tune_thresholds
from tgclassify.metrics import confused_pairs, f1, score, worst_errors


def test_tune_thresholds_finds_the_separating_cut():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(200, 1))
    p = np.where(y == 1, 0.3 + 0.1 * rng.random((200, 1)), 0.1 * rng.random((200, 1)))
    (t,) = tune_thresholds(p, y)
    assert 0.1 <= t <= 0.3
    assert score(y, p >= t, labels=["x"])["per_label"]["x"]["f1"] == 1.0


def test_tune_thresholds_keeps_the_default_for_rare_labels_and_breaks_ties_near_half():
    y = np.array([[1], [1], [0], [0]])
    assert tune_thresholds(np.array([[0.95], [0.9], [0.6], [0.7]]), y, min_positives=3) == [0.5]
    # every cut between 0.2 and 0.8 separates: the one nearest 0.5 wins
    assert tune_thresholds(np.array([[0.9], [0.8], [0.1], [0.2]]), y, min_positives=1) == [0.5]
    assert tune_thresholds(np.array([[0.95], [0.9], [0.6], [0.7]]), y, min_positives=1) == [0.71]


def test_f1_on_counts_and_arrays():
    assert f1(0, 3, 4) == 0.0
    assert f1(2, 1, 1) == pytest.approx(2 / 3)
    np.testing.assert_allclose(f1(np.array([0, 2]), np.array([1, 1]), np.array([1, 1])),
                               [0.0, 2 / 3])


def test_score_counts():
    Y = np.array([[1, 0], [0, 1], [0, 0], [1, 1]])
    P = np.array([[1, 0], [1, 0], [0, 0], [1, 1]])
    s = score(Y, P, labels=["a", "b"])
    assert s["per_label"]["a"] == {"precision": 0.6667, "recall": 1.0,
                                   "f1": 0.8, "support": 2}
    assert s["per_label"]["b"]["recall"] == 0.5
    assert s["subset_accuracy"] == 0.75
    assert s["general_accuracy"] == 1.0
    assert s["micro_f1"] == pytest.approx(round(f1(3, 1, 1), 4))
    assert confused_pairs(Y, P, labels=["a", "b"]) == [{"true": "b", "predicted": "a",
                                                         "count": 1}]


def test_empty_prediction_scores_zero():
    Y = np.array([[1, 0], [0, 1]])
    assert score(Y, np.zeros_like(Y), labels=["a", "b"])["macro_f1"] == 0.0


def test_worst_errors_use_the_thresholds_of_each_prediction():
    """Two folds with different thresholds: the errors are judged by the threshold that
    made each prediction, not by an average of the folds' thresholds."""
    Y = np.array([[0], [1], [0]])
    P = np.array([[0.5], [0.5], [0.1]])
    per_row = np.array([[0.3], [0.7], [0.3]])  # row 0: fold with 0.3, row 1: fold with 0.7
    worst = worst_errors(["a", "b", "c"], Y, P, per_row, labels=["x"])
    assert [w["id"] for w in worst] == [0, 1]  # both wrong by 0.2; the mean (0.43) hides row 1
    assert worst[0]["predicted"] == ["x"] and worst[1]["predicted"] == []
    mean = worst_errors(["a", "b", "c"], Y, P, per_row.mean(0), labels=["x"])
    assert [w["id"] for w in mean] == [0]


def test_keyword_baseline_matches_normalized_text():
    kb = KeywordBaseline()
    m = kb.predict_matrix(["Ban Chỉ đạo 35 tỉnh họp", ("Công tác văn hoá cơ sở", "")])
    labels = kb.labels
    assert m[0, labels.index("bcd_35")]
    assert m[1, labels.index("van_hoa_van_nghe")]


def test_nested_cross_validation_on_a_small_corpus(tiny_corpus):
    """The protocol behind the model card's figures, end to end on ~28 reports."""
    from sklearn.model_selection import GroupKFold

    from tgclassify.evaluate import evaluate_config
    from tgclassify.model import ModelConfig

    ev = evaluate_config(tiny_corpus, ModelConfig(), n_folds=3)
    n = len(tiny_corpus.records)
    assert ev.oof_proba.shape == ev.oof_pred.shape == ev.oof_thresholds.shape == (n, 10)
    # each outer fold is predicted by its own model with its own thresholds, tuned inside
    folds = list(GroupKFold(n_splits=3).split(np.zeros(n), groups=tiny_corpus.groups))
    per_fold = [np.unique(ev.oof_thresholds[test], axis=0) for _, test in folds]
    assert all(len(t) == 1 for t in per_fold)
    np.testing.assert_array_equal(ev.oof_pred, ev.oof_proba >= ev.oof_thresholds)
    assert ev.model == score(tiny_corpus.label_matrix(), ev.oof_pred)
    assert ev.model["macro_f1"] > ev.keyword_baseline["macro_f1"] + 0.05
    assert ev.empty_baseline["macro_f1"] == 0.0
    assert ev.without_context is not None and ev.without_context["n"] == n
    for w in ev.worst:
        i = [str(r["id"]) for r in tiny_corpus.records].index(w["id"])
        truth = [lab for lab, on in zip(ev.model["per_label"], tiny_corpus.label_matrix()[i],
                                        strict=True) if on]
        assert w["true"] == truth and w["predicted"] != truth
    summary = ev.summary()
    assert {"model", "keyword_baseline", "model_without_context", "worst_errors"} <= set(summary)
