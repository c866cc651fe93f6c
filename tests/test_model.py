import numpy as np
import pytest

from tgclassify import LABELS, Classifier, ModelConfig
from tgclassify.model import build_pipeline

BCD = ("Ban Chỉ đạo 35 huyện chỉ đạo lực lượng 47 đăng tải 320 bài viết phản bác các quan điểm "
       "sai trái, thù địch, xuyên tạc trên mạng xã hội.")
KHOA_GIAO = ("Ngành giáo dục tổ chức kỳ thi tốt nghiệp trung học phổ thông an toàn; tỷ lệ học sinh "
             "đỗ tốt nghiệp đạt 98,7%, 14 trường được công nhận đạt chuẩn quốc gia.")


def test_labels_are_the_taxonomy_codes(default_model):
    assert default_model.labels == LABELS
    assert len(default_model.thresholds) == 10


def test_predict_and_proba_shapes(default_model):
    proba = default_model.predict_proba([BCD, KHOA_GIAO, "Xin trân trọng cảm ơn."])
    assert proba.shape == (3, 10)
    assert ((proba >= 0) & (proba <= 1)).all()
    labels = default_model.predict([BCD, KHOA_GIAO])
    assert "bcd_35" in labels[0]
    assert "khoa_giao" in labels[1]
    assert default_model.predict_proba([]).shape == (0, 10)


def test_single_string_is_refused(default_model):
    with pytest.raises(TypeError, match="list of paragraphs"):
        default_model.predict_proba(BCD)


def test_context_pairs_are_accepted(default_model):
    text = "Tổ chức 3 lớp với 210 học viên, đạt 100% kế hoạch năm."
    with_heading = default_model.predict_proba([(text, "II. CÔNG TÁC GIÁO DỤC LÝ LUẬN CHÍNH TRỊ")])
    bare = default_model.predict_proba([text])
    j = LABELS.index("ly_luan_chinh_tri")
    assert with_heading[0, j] > bare[0, j]


def test_explain_names_terms_for_predicted_labels(default_model):
    explanation = default_model.explain(BCD, top=5)
    assert "bcd_35" in explanation
    terms = [t for t, _ in explanation["bcd_35"]]
    assert 0 < len(terms) <= 5
    assert all(w > 0 for _, w in explanation["bcd_35"])
    assert any(t in ("sai_trái", "thù_địch", "phản_bác", "35", "lực_lượng 47", "47", "ban chỉ_đạo")
               or "35" in t or "47" in t for t in terms)


def test_tags_give_alternatives_and_margin(default_model):
    (tags,) = default_model.tags([KHOA_GIAO])
    assert set(tags.scores) == set(LABELS)
    assert all(lab not in tags.labels for lab, _ in tags.alternatives)
    assert tags.margin >= 0


def test_training_is_deterministic(small_corpus):
    from tgclassify.train import train_classifier

    a = train_classifier(small_corpus, evaluate=False).classifier
    b = train_classifier(small_corpus, evaluate=False).classifier
    probe = [BCD, KHOA_GIAO, "Công tác văn hóa văn nghệ có nhiều khởi sắc."]
    np.testing.assert_array_equal(a.predict_proba(probe), b.predict_proba(probe))
    np.testing.assert_array_equal(a.thresholds, b.thresholds)


def test_unknown_estimator_is_an_error():
    with pytest.raises(ValueError, match="unknown estimator"):
        build_pipeline(ModelConfig(estimator="forest"))


def test_classifier_repr_and_load_roundtrip(saved_model, small_model):
    clf = Classifier.load(saved_model)
    assert "small" in repr(clf)
    probe = [BCD, KHOA_GIAO]
    np.testing.assert_allclose(clf.predict_proba(probe), small_model.predict_proba(probe))
    assert clf.noise_filter is not None
