import numpy as np
import pytest

from tgclassify import LABELS, Classifier, ModelConfig
from tgclassify.model import build_estimator

BCD = ("Ban Chỉ đạo 35 huyện chỉ đạo lực lượng 47 đăng tải 320 bài viết phản bác các quan điểm "
       "sai trái, thù địch, xuyên tạc trên mạng xã hội.")
KHOA_GIAO = ("Ngành giáo dục tổ chức kỳ thi tốt nghiệp trung học phổ thông an toàn; tỷ lệ học sinh "
             "đỗ tốt nghiệp đạt 98,7%, 14 trường được công nhận đạt chuẩn quốc gia.")


def test_labels_are_the_taxonomy_codes(default_model):
    assert default_model.labels == LABELS
    assert default_model.thresholds.shape == (10,)
    assert [lab["threshold"] for lab in default_model.card["labels"]] == [
        round(float(t), 4) for t in default_model.thresholds]


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
    assert list(explanation) == default_model.predict([BCD])[0]
    terms = [t for t, _ in explanation["bcd_35"]]
    assert 0 < len(terms) <= 5
    weights = [w for _, w in explanation["bcd_35"]]
    assert all(w > 0 for w in weights) and weights == sorted(weights, reverse=True)
    assert any(t in ("sai_trái", "thù_địch", "phản_bác", "35", "lực_lượng 47", "47", "ban chỉ_đạo")
               or "35" in t or "47" in t for t in terms)


def test_explain_names_come_from_the_feature_union(saved_model, default_model):
    """Terms are the features' own names (get_feature_names_out), block prefix made readable;
    the portable form, which explain reads, keeps them in column order."""
    trained = Classifier.load(saved_model)  # the folder keeps the estimator too
    features = trained.model.estimator_.named_steps["features"]
    names = list(features.get_feature_names_out())
    shown = trained.portable.feature_names()
    assert len(shown) == len(names)
    for term, name in zip(shown, names, strict=True):
        block, _, rest = term.partition(":")
        assert (f"{block}__{rest}" if rest else f"text__{term}") == name
    context = "II. CÔNG TÁC BẢO VỆ NỀN TẢNG TƯ TƯỞNG CỦA ĐẢNG"
    all_names = set(default_model.portable.feature_names())
    for terms in default_model.explain(BCD, context=context, top=40).values():
        assert {t for t, _ in terms} <= all_names
    assert any(t.startswith("context:") for terms in
               default_model.explain(BCD, context=context, top=200).values() for t, _ in terms)


def test_general_paragraph_has_no_explanation(default_model):
    assert default_model.explain("Xin trân trọng cảm ơn.") == {}


def test_training_is_deterministic(small_corpus, small_model):
    from tgclassify.train import train_classifier

    again = train_classifier(small_corpus, evaluate=False).classifier
    probe = [BCD, KHOA_GIAO, "Công tác văn hóa văn nghệ có nhiều khởi sắc."]
    np.testing.assert_array_equal(again.predict_proba(probe), small_model.predict_proba(probe))
    np.testing.assert_array_equal(again.thresholds, small_model.thresholds)


def test_unknown_estimator_is_an_error():
    with pytest.raises(ValueError, match="unknown estimator"):
        build_estimator(ModelConfig(estimator="forest"))


def test_classifier_repr_and_load_roundtrip(saved_model, small_model):
    clf = Classifier.load(saved_model)
    assert "small" in repr(clf) and clf.source == str(saved_model)
    probe = [BCD, KHOA_GIAO]
    np.testing.assert_allclose(clf.predict_proba(probe), small_model.predict_proba(probe))
    assert clf.chrome_filter is not None
    assert small_model.source is None  # never saved


def test_tag_report_is_the_tag_command(default_model, tmp_path):
    """Classifier.tag_report gives exactly what `tag` streams for the same file."""
    from tgclassify import ReportReadError, ReportSummary, TaggedParagraph
    from tgclassify.tagging import tag_reports

    report = tmp_path / "r.txt"
    report.write_text("I. CÔNG TÁC KHOA GIÁO\nChia sẻ\n" + KHOA_GIAO + "\n" + BCD + "\n",
                      encoding="utf-8")
    paragraphs, summary = default_model.tag_report(report)
    streamed = list(tag_reports(default_model, [str(report)]))
    assert [*paragraphs, summary] == streamed
    assert all(isinstance(p, TaggedParagraph) for p in paragraphs)
    assert isinstance(summary, ReportSummary)
    assert [p.kind for p in paragraphs] == ["heading", "body", "body"]
    assert summary.noise == 1 and "khoa_giao" in paragraphs[1].labels
    with pytest.raises(ReportReadError, match="missing.txt"):
        default_model.tag_report(tmp_path / "missing.txt")
