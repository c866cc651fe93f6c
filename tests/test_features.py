import numpy as np
import pytest

from tgclassify.features import TOKEN_COLUMNS, Column, Tokenize, as_pairs
from tgclassify.segment import segment_report


def test_as_pairs_accepts_strings_pairs_paragraphs_and_arrays():
    (para,) = [p for p in segment_report("I. KHOA GIÁO\nKhai giảng năm học mới ở 40 trường.")
               if p.kind == "body"]
    assert as_pairs(["a", ("b", "c"), ["d", None], para]) == [
        ("a", ""), ("b", "c"), ("d", ""), ("Khai giảng năm học mới ở 40 trường.", "I. KHOA GIÁO")]
    assert as_pairs(np.array([["e", "f"]], dtype=object)) == [("e", "f")]
    with pytest.raises(TypeError, match="str or a"):
        as_pairs([42])
    with pytest.raises(ValueError, match="one or two columns"):
        as_pairs(np.zeros((2, 3)))


def test_tokenize_gives_the_four_columns():
    rows = Tokenize(words=True, syllables=True).fit_transform([("Thành uỷ chỉ đạo", "II. VĂN HOÁ")])
    assert rows.shape == (1, 4)
    words, context, syllables, raw = rows[0]
    assert "thành_ủy" in words.split() and "văn_hóa" in context.split()
    assert syllables.split() == ["thành", "ủy", "chỉ", "đạo"]
    assert raw == "Thành uỷ chỉ đạo"
    assert list(Tokenize().get_feature_names_out()) == list(TOKEN_COLUMNS)
    assert list(Column(2).fit_transform(rows)) == [syllables]
    assert list(Column(1).get_feature_names_out()) == ["context"]


def test_tokenize_options():
    text = ("Thành uỷ chỉ đạo", "II. VĂN HOÁ")
    no_context = Tokenize(context=False).transform([text])[0]
    assert no_context[1] == "" and no_context[2] == ""  # no context, no syllable block
    plain = Tokenize(words=False).transform([text])[0]
    assert plain[0].split() == ["thành", "ủy", "chỉ", "đạo"]


def test_context_memo_is_the_tokenizers_own_and_not_pickled():
    import pickle

    step = Tokenize()
    step.transform([("a", "I. TUYÊN TRUYỀN")] * 3)
    assert list(step._get_tokenizer()._contexts) == ["I. TUYÊN TRUYỀN"]
    copy = pickle.loads(pickle.dumps(step))
    assert "_tokenizer" not in copy.__dict__
    assert Tokenize().transform([("b", "")])[0][1] == ""
