import numpy as np

from tgclassify.baseline import KeywordBaseline
from tgclassify.evaluate import confused_pairs, group_folds, score, tune_thresholds


def test_group_folds_keep_reports_whole_and_cover_everything():
    groups = [f"d{i // 7}" for i in range(7 * 23)]
    folds = group_folds(groups, 5, seed=1)
    seen = np.concatenate(folds)
    assert sorted(seen) == list(range(len(groups)))
    for k, fold in enumerate(folds):
        inside = {groups[i] for i in fold}
        for other in folds[k + 1:]:
            assert not inside & {groups[i] for i in other}
    assert [list(f) for f in folds] == [list(f) for f in group_folds(groups, 5, seed=1)]


def test_tune_thresholds_finds_the_separating_cut():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(200, 1))
    p = np.where(y == 1, 0.3 + 0.1 * rng.random((200, 1)), 0.1 * rng.random((200, 1)))
    (t,) = tune_thresholds(p, y)
    assert 0.1 <= t <= 0.3
    assert score(y, p >= t, labels=["x"])["per_label"]["x"]["f1"] == 1.0


def test_score_counts():
    Y = np.array([[1, 0], [0, 1], [0, 0], [1, 1]])
    P = np.array([[1, 0], [1, 0], [0, 0], [1, 1]])
    s = score(Y, P, labels=["a", "b"])
    assert s["per_label"]["a"] == {"precision": 0.6667, "recall": 1.0,
                                   "f1": 0.8, "support": 2}
    assert s["per_label"]["b"]["recall"] == 0.5
    assert s["subset_accuracy"] == 0.75
    assert s["general_accuracy"] == 1.0
    assert confused_pairs(Y, P, labels=["a", "b"]) == [{"true": "b", "predicted": "a",
                                                         "count": 1}]


def test_empty_prediction_scores_zero():
    Y = np.array([[1, 0], [0, 1]])
    assert score(Y, np.zeros_like(Y), labels=["a", "b"])["macro_f1"] == 0.0


def test_keyword_baseline_matches_normalized_text():
    kb = KeywordBaseline()
    m = kb.predict_matrix(["Ban Chỉ đạo 35 tỉnh họp", ("Công tác văn hoá cơ sở", "")])
    labels = kb.labels
    assert m[0, labels.index("bcd_35")]
    assert m[1, labels.index("van_hoa_van_nghe")]
