import pytest

from tgclassify.features import Column, Tokenize, as_pairs
from tgclassify.segment import segment_report


def test_as_pairs_accepts_strings_pairs_and_paragraphs():
    (para,) = [p for p in segment_report("I. KHOA GIÁO\nKhai giảng năm học mới ở 40 trường.")
               if p.kind == "body"]
    assert as_pairs(["a", ("b", "c"), ["d", None], para]) == [
        ("a", ""), ("b", "c"), ("d", ""), ("Khai giảng năm học mới ở 40 trường.", "I. KHOA GIÁO")]
    with pytest.raises(TypeError, match="str or a"):
        as_pairs([42])


def test_tokenize_and_column_blocks():
    rows = Tokenize(words=True, syllables=True).fit_transform([("Thành uỷ chỉ đạo", "II. VĂN HOÁ")])
    words, context, syllables, raw = rows[0]
    assert "thành_ủy" in words.split() and context and syllables.split() == [
        "thành", "ủy", "chỉ", "đạo"]
    assert raw == "Thành uỷ chỉ đạo"
    assert Column(2).fit_transform(rows) == [syllables]
