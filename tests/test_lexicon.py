"""The domain lexicon block: term matching on syllable runs, one column per label."""

from __future__ import annotations

import pytest

from tgclassify.constants import LABELS
from tgclassify.errors import DataFormatError
from tgclassify.lexicon import LexiconCounts, default_lexicon, parse_lexicon
from tgclassify.tokens import join_tokens, tokenize_syllables


def _counts(terms: dict[str, list[str]], texts: list[str]) -> list[dict[str, float]]:
    lc = LexiconCounts(terms).fit([])
    M = lc.transform([join_tokens(tokenize_syllables(t)) for t in texts]).toarray()
    return [{lab: round(float(v), 3) for lab, v in zip(LABELS, row, strict=True) if v} for row in M]


def test_terms_match_whole_syllable_runs_after_normalization() -> None:
    terms = {"khoa_giao": ["khuyến học", "45-NQ/TW"], "bcd_35": ["ban chỉ đạo 35"]}
    got = _counts(terms, ["Hội Khuyến học tỉnh thực hiện Nghị quyết số 45-NQ/TW",
                          "BAN CHỈ ĐẠO 35 huyện họp", "Ban chỉ đạo 350", "khuyến"])
    assert got[0] == {"khoa_giao": pytest.approx(1.099, abs=1e-3)}  # log(1 + 2)
    assert got[1] == {"bcd_35": pytest.approx(0.693, abs=1e-3)}
    assert got[2] == {} and got[3] == {}


def test_one_match_per_label_and_position() -> None:
    terms = {"bao_chi_xuat_ban": ["báo chí", "báo chí, xuất bản"]}
    assert _counts(terms, ["công tác báo chí, xuất bản"])[0] == {
        "bao_chi_xuat_ban": pytest.approx(0.693, abs=1e-3)}


def test_old_tone_placement_matches_new() -> None:
    assert _counts({"tuyen_truyen": ["hòa bình"]}, ["diễn biến hoà bình"])[0]


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(DataFormatError, match="line|:2"):
        parse_lexicon("[khoa_giao]\n[nhan_quyen]\n")
    with pytest.raises(DataFormatError, match=":1"):
        parse_lexicon("term before any label\n")


def test_shipped_lexicon_covers_every_label() -> None:
    lexicon = default_lexicon()
    assert set(lexicon) == set(LABELS)
    assert all(len(terms) >= 30 for terms in lexicon.values())


def test_feature_names() -> None:
    names = LexiconCounts({}).fit([]).get_feature_names_out()
    assert list(names) == [f"lexicon:{lab}" for lab in LABELS]
