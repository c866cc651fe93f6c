"""Tests for tgclassify.normalize."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgclassify.normalize import fold_tone_style, is_vietnamese_syllable, normalize_text

# (old-style spelling, canonical spelling), checked by hand syllable by syllable.
OLD_TO_NEW = [
    # oa, open syllable
    ("hoà", "hòa"),
    ("hoá", "hóa"),
    ("hoả", "hỏa"),
    ("hoạ", "họa"),
    ("toà", "tòa"),
    ("toả", "tỏa"),
    ("toạ", "tọa"),
    ("loà", "lòa"),
    ("loá", "lóa"),
    ("loã", "lõa"),
    ("khoá", "khóa"),
    ("khoả", "khỏa"),
    ("xoá", "xóa"),
    ("xoà", "xòa"),
    ("xoã", "xõa"),
    ("đoá", "đóa"),
    ("goá", "góa"),
    ("thoả", "thỏa"),
    # oe, open syllable
    ("khoẻ", "khỏe"),
    ("loè", "lòe"),
    ("loé", "lóe"),
    ("toé", "tóe"),
    ("xoè", "xòe"),
    ("hoè", "hòe"),
    ("choé", "chóe"),
    ("nhoè", "nhòe"),
    # uy, open syllable
    ("thuỷ", "thủy"),
    ("uỷ", "ủy"),
    ("luỹ", "lũy"),
    ("tuỳ", "tùy"),
    ("huỷ", "hủy"),
    ("suý", "súy"),
    ("truỵ", "trụy"),
    ("thuý", "thúy"),
    ("nhuỵ", "nhụy"),
    ("tuý", "túy"),
    ("luỵ", "lụy"),
    ("huý", "húy"),
    ("xuý", "xúy"),
    ("tuỷ", "tủy"),
    ("thuỵ", "thụy"),
    # case is kept letter by letter
    ("HOÀ", "HÒA"),
    ("Hoà", "Hòa"),
    ("THUỶ", "THỦY"),
    ("Uỷ", "Ủy"),
    ("UỶ", "ỦY"),
    ("KHOẺ", "KHỎE"),
    ("Thuỵ", "Thụy"),
    ("hOà", "hÒa"),
    # misplaced marks that are in neither style are repaired by the same rules
    ("qúy", "quý"),
    ("qùa", "quà"),
    ("hòang", "hoàng"),
    ("tòan", "toàn"),
    ("gìa", "già"),
    ("hóan", "hoán"),
]

# Spelled the same in both styles: must come out unchanged.
SAME_IN_BOTH = (
    "quý", "quốc", "hoàng", "thuyền", "khuyến", "nguyễn", "giữa", "người", "được", "chuyển",
    "hoạch", "tuyển", "quả", "quyền", "gì", "giá", "của", "mùa", "múa", "lửa", "ngoài", "khoảng",
    "toán", "hoạt", "thoát", "tuổi", "muối", "rượu", "hươu", "khuỷu", "ngoáy", "ngoẹo", "huỳnh",
    "quỳnh", "huých", "tuýt", "nhoẻn", "xoắn", "hoặc", "thuận", "tuần", "quấn", "khuấy", "thuế",
    "huệ", "thuở", "yêu", "yếu", "kiểu", "tiếng", "việt", "biển", "giường", "giếng", "gìn", "giúp",
    "giỏi", "giày", "giấy", "giáo", "kìa", "mía", "chịu", "cứu", "gửi", "lừa", "mưa", "tỏi", "túi",
    "bài", "cáo", "màu", "máy", "kéo", "đều", "bầu", "đẩy", "tới", "nội", "sóng", "soóc", "quỷ",
    "quẻ", "quạ", "quà", "quyết", "nghiêng", "nghĩa", "trường", "ý", "ở", "ạ", "à", "ủng", "ước",
    "ướt", "oải", "oái", "uể", "ối", "ổi", "ẩm", "Quý", "QUỐC", "Nguyễn", "NGƯỜI", "Hoàng",
)  # fmt: skip


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW)
def test_old_style_syllable_moves_to_canonical(old: str, new: str) -> None:
    assert fold_tone_style(old) == new
    assert normalize_text(old) == new


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW)
def test_canonical_syllable_is_left_alone(old: str, new: str) -> None:
    assert fold_tone_style(new) == new


@pytest.mark.parametrize("word", SAME_IN_BOTH)
def test_syllables_spelled_alike_in_both_styles_are_unchanged(word: str) -> None:
    assert fold_tone_style(word) == word
    assert normalize_text(word) == word
    assert is_vietnamese_syllable(word)


def test_sentence_in_old_style_meets_new_style() -> None:
    old = "Thành uỷ Thanh Hoá tổ chức hội nghị về văn hoá, sức khoẻ và hoà bình; Toà án, Thuỷ lợi"
    new = "Thành ủy Thanh Hóa tổ chức hội nghị về văn hóa, sức khỏe và hòa bình; Tòa án, Thủy lợi"
    assert normalize_text(old) == new
    assert normalize_text(new) == new


def test_thanh_uy_spellings_meet() -> None:
    assert normalize_text("Thành uỷ") == normalize_text("Thành ủy") == "Thành ủy"
    assert normalize_text("BAN THƯỜNG VỤ TỈNH UỶ") == "BAN THƯỜNG VỤ TỈNH ỦY"


@pytest.mark.parametrize(
    "token",
    [
        "café",
        "résumé",
        "naïve",
        "Noël",
        "où",
        "São",
        "José",
        "Raúl",
        "país",
        "hoàbình",  # two syllables glued together
        "hòà",  # two tone marks
        "UBND",
        "KT-XH",
        "COVID-19",
        "H2Oà",
        "hoà1",
        "1hoà",
        "abc_hoà",
        "2023",
        "e-mail",
    ],
)
def test_tokens_that_are_not_vietnamese_syllables_are_untouched(token: str) -> None:
    assert normalize_text(token) == token


def test_fold_tone_style_leaves_non_syllables_alone() -> None:
    for word in ["", "a", "hoà-", "xyzà", "nghiêngg", "hoà hoà", "İà"]:
        assert fold_tone_style(word) == word


def test_nfd_input_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Công tác tuyên truyền, giáo dục chính trị tư tưởng")
    assert nfd != unicodedata.normalize("NFC", nfd)
    result = normalize_text(nfd)
    assert result == "Công tác tuyên truyền, giáo dục chính trị tư tưởng"
    assert unicodedata.is_normalized("NFC", result)


def test_decomposed_tone_marks_in_any_order() -> None:
    # ệ typed as e + dot below + circumflex, or e + circumflex + dot below
    assert normalize_text("vie\u0323\u0302t") == "việt"
    assert normalize_text("vie\u0302\u0323t") == "việt"
    # an old-style spelling typed with a combining tone mark
    assert normalize_text("hoa\u0300 bi\u0300nh") == "hòa bình"
    assert normalize_text("Thành uy\u0309") == "Thành ủy"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_are_removed(char: str) -> None:
    assert normalize_text(f"Tuyên{char} giáo") == "Tuyên giáo"
    assert normalize_text(f"tuy{char}ên") == "tuyên"
    assert normalize_text(f"{char}Thành uỷ{char}") == "Thành ủy"


def test_format_character_between_letter_and_mark_does_not_block_composition() -> None:
    assert normalize_text("ho\u200ba\u0300") == "hòa"
    assert normalize_text("a\u200b\u0301") == "á"


@pytest.mark.parametrize(
    "space",
    ["\u00a0", "\u2000", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000", "\t"],
)
def test_odd_spaces_become_one_plain_space(space: str) -> None:
    assert normalize_text(f"Ban{space}Tuyên giáo") == "Ban Tuyên giáo"
    assert normalize_text(f"Ban {space} {space}Tuyên") == "Ban Tuyên"


def test_runs_of_spaces_collapse() -> None:
    assert normalize_text("Ban    Tuyên   giáo") == "Ban Tuyên giáo"


def test_lines_are_kept_and_trailing_spaces_stripped() -> None:
    text = "Dòng một  \t\nDòng hai\u00a0\n\nDòng bốn \u3000"
    assert normalize_text(text) == "Dòng một\nDòng hai\n\nDòng bốn"


def test_paragraph_breaks_become_newlines() -> None:
    assert normalize_text("a\r\nb\rc\u2029d") == "a\nb\nc\nd"
    # Word's Shift+Enter (\v) and page break (\f) are inside a paragraph.
    assert normalize_text("a\vb\fc\u2028d") == "a b c d"


def test_letters_digits_punctuation_are_kept() -> None:
    text = "Kế hoạch số 150-KH/TU ngày 12/3/2022 (8.450 lượt; 95,5%) “quyết liệt” – tốt!"
    assert normalize_text(text) == text


def test_empty_and_ascii() -> None:
    assert normalize_text("") == ""
    assert normalize_text("UBND tinh  Nghe An \n") == "UBND tinh Nghe An\n"


def test_lone_surrogates_do_not_raise() -> None:
    # dropped like other invisible characters: they are no text, and cannot be encoded
    assert normalize_text("ho\ud800à") == normalize_text("hoà") == "hòa"


def test_is_vietnamese_syllable() -> None:
    for word in ["nghiêng", "Đảng", "gìn", "quý", "khuỷu", "hoà", "hòa", "u", "ý"]:
        assert is_vietnamese_syllable(word), word
    for word in ["", "UBND", "hello", "café", "hòà", "qu", "ngh", "xoong1", "tuô", "aiu"]:
        assert not is_vietnamese_syllable(word), word


# ---- properties ----------------------------------------------------------------------------

_VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ"
    "bcdghklmnpqrstvx"
)
_COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
_ODD = " \u00a0\u2003\t\n\r\u200b\u200d\ufeff\u00ad\u2028\u2029\v.,-1"

vietnamese_text = st.text(alphabet=st.sampled_from(_VIETNAMESE_LETTERS + _COMBINING + _ODD), max_size=80)
syllable_like = st.text(alphabet=st.sampled_from(_VIETNAMESE_LETTERS), min_size=1, max_size=7)


def _check_output(result: str) -> None:
    assert unicodedata.is_normalized("NFC", result)
    assert not any(unicodedata.category(c) == "Cf" for c in result)
    assert "  " not in result
    assert " \n" not in result
    assert not result.endswith(" ")
    assert "\r" not in result


@settings(max_examples=300)
@given(st.text())
def test_any_text_is_idempotent_and_never_raises(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    _check_output(once)


@settings(max_examples=500)
@given(vietnamese_text)
def test_vietnamese_text_with_combining_marks_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    _check_output(once)


@settings(max_examples=500)
@given(syllable_like)
def test_fold_keeps_letters_and_tone(word: str) -> None:
    folded = fold_tone_style(word)
    assert fold_tone_style(folded) == folded
    assert len(folded) == len(word)

    def strip(w: str) -> tuple[str, list[str]]:
        decomposed = unicodedata.normalize("NFD", w)
        tones = [c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323"]
        bare = "".join(c for c in decomposed if c not in "\u0300\u0301\u0303\u0309\u0323")
        return unicodedata.normalize("NFC", bare), tones

    assert strip(folded) == strip(word)
    assert [c.isupper() for c in folded] == [c.isupper() for c in word]


def test_every_format_character_of_unicode_is_removed():
    """The format-character class is built from a few blocks for a fast import; every Cf
    character of the running Unicode database must fall in them."""
    from tgclassify.normalize import _FORMAT_CHARS_RE

    every = "".join(chr(c) for c in range(0x110000)
                    if unicodedata.category(chr(c)) == "Cf")
    assert len(every) > 150
    assert _FORMAT_CHARS_RE.fullmatch(every)
