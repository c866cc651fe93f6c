"""Tests for tgclassify.legacy."""

from __future__ import annotations

import unicodedata
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgclassify import legacy
from tgclassify.legacy import (
    LegacyEncoding,
    LegacyEncodingWarning,
    decode_legacy,
    detect_legacy,
    encode_legacy,
    encoding_for_font,
    fix_legacy_text,
    is_uppercase_font,
    looks_legacy,
)
from tgclassify.normalize import normalize_text

LOWER_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
UPPER_LETTERS = LOWER_LETTERS.upper()
TCVN3_BASE_CAPITALS = "ĂÂÊÔƠƯĐ"

# Real report sentences. Those in LOWER_SENTENCES have no capital with a tone mark, so they
# can be written in a TCVN3 base font.
LOWER_SENTENCES = [
    "Công tác tuyên truyền, giáo dục chính trị tư tưởng năm 2023",
    "Ban Thường vụ Tỉnh ủy chỉ đạo tổ chức học tập, quán triệt Nghị quyết Đại hội XIII",
    "Tổ chức 126 hội nghị với 8.450 lượt đảng viên tham dự; đạt 98,5% kế hoạch.",
    "Kết quả thực hiện Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, "
    "đạo đức, phong cách Hồ Chí Minh",
    "Đấu tranh phản bác các quan điểm sai trái, thù địch trên không gian mạng",
    "Cộng hoà xã hội chủ nghĩa Việt Nam - Độc lập - Tự do - Hạnh phúc",
    "Nâng cao chất lượng đội ngũ báo cáo viên, tuyên truyền viên ở cơ sở",
    "Huyện ủy Quỳnh Lưu khuyến khích người dân giữ gìn bản sắc văn hóa truyền thống",
]
OTHER_SENTENCES = [
    "Ủy ban nhân dân tỉnh Nghệ An; Ấp Ông Đồn; Ở đâu cũng vậy",
    "BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN GIÁO 6 THÁNG ĐẦU NĂM 2024",
    "Ý kiến, kiến nghị của Ỷ Lan và Ứng Hòa",
]
SENTENCES = LOWER_SENTENCES + OTHER_SENTENCES


# ---- tables --------------------------------------------------------------------------------


def test_tcvn3_known_strings() -> None:
    assert decode_legacy("C«ng t¸c tuyªn truyÒn", "tcvn3") == "Công tác tuyên truyền"
    assert (
        decode_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    )
    assert decode_legacy("§éc lËp - Tù do - H¹nh phóc", "tcvn3") == "Độc lập - Tự do - Hạnh phúc"
    assert decode_legacy("Tr\xadêng ChÝnh trÞ", "tcvn3") == "Trường Chính trị"
    assert decode_legacy("kh¼ng ®Þnh, s½n sµng, ®Æc biÖt, n¾m v÷ng", "tcvn3") == (
        "khẳng định, sẵn sàng, đặc biệt, nắm vững"
    )
    assert decode_legacy("¡ ¢ £ ¤ ¥ ¦ §", "tcvn3") == "Ă Â Ê Ô Ơ Ư Đ"


def test_vni_known_strings() -> None:
    assert decode_legacy("Coâng taùc tuyeân truyeàn", "vni") == "Công tác tuyên truyền"
    assert (
        decode_legacy("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni")
        == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert decode_legacy("Ñoäc laäp - Töï do - Haïnh phuùc", "vni") == "Độc lập - Tự do - Hạnh phúc"
    assert decode_legacy("Chæ thò, Quyeát ñònh, Tröôøng, naêm, ñaëc bieät", "vni") == (
        "Chỉ thị, Quyết định, Trường, năm, đặc biệt"
    )
    assert decode_legacy("UÛY BAN NHAÂN DAÂN TÆNH", "vni") == "ỦY BAN NHÂN DÂN TỈNH"
    assert decode_legacy("TRÖÔØNG ÑAÏI HOÏC", "vni") == "TRƯỜNG ĐẠI HỌC"
    assert decode_legacy("Mî, kyû, Lyù", "vni") == "Mỵ, kỷ, Lý"


def test_vni_capital_base_with_lowercase_modifier() -> None:
    # Typists mix the case of base letter and modifier; the base decides the case.
    assert decode_legacy("Aùnh, Eâ, Oá", "vni") == "Ánh, Ê, Ố"


def test_vni_variant_spellings_of_i_and_y() -> None:
    assert decode_legacy("tieàn, chiù, Myï", "vni") == "tiền, chí, Mỵ"


def test_tcvn3_uppercase_font() -> None:
    assert decode_legacy("b¸o c¸o kÕt qu¶", "tcvn3", uppercase=True) == "BÁO CÁO KẾT QUẢ"
    assert decode_legacy("B¸O C¸O", "tcvn3", uppercase=True) == "BÁO CÁO"


def test_every_vietnamese_letter_has_a_code() -> None:
    for letter in LOWER_LETTERS + TCVN3_BASE_CAPITALS:
        code = encode_legacy(letter, "tcvn3")
        assert len(code) == 1
        assert decode_legacy(code, "tcvn3") == letter
    for letter in LOWER_LETTERS + UPPER_LETTERS:
        code = encode_legacy(letter, "vni")
        assert 1 <= len(code) <= 2
        assert decode_legacy(code, "vni") == letter


def test_tcvn3_codes_are_distinct_and_in_the_upper_half() -> None:
    codes = [encode_legacy(c, "tcvn3") for c in LOWER_LETTERS + TCVN3_BASE_CAPITALS]
    non_ascii = [c for c in codes if not c.isascii()]
    assert len(set(non_ascii)) == len(non_ascii) == 67 + 7
    assert all(0xA1 <= ord(c) <= 0xFE for c in non_ascii)


def test_vni_decode_table_has_no_conflicting_sequences() -> None:
    seen: dict[str, str] = {}
    for sequence, letter in (legacy._VNI_LOWER | legacy._VNI_LOWER_VARIANTS).items():
        spellings = {sequence: letter, sequence.upper(): letter.upper()}
        if len(sequence) == 2:
            spellings[sequence[0].upper() + sequence[1]] = letter.upper()
            spellings[sequence[0] + sequence[1].upper()] = letter
        for key, value in spellings.items():
            assert seen.setdefault(key, value) == value, key
    assert seen == legacy._VNI_DECODE


def test_decode_then_normalize() -> None:
    # TCVN3-era documents use old-style tone placement; normalisation comes after decoding
    # because it deletes U+00AD, which is the TCVN3 code of "ư".
    decoded = decode_legacy("Thµnh uû Thanh Ho¸ t\xad t\xadëng", "tcvn3")
    assert decoded == "Thành uỷ Thanh Hoá tư tưởng"
    assert normalize_text(decoded) == "Thành ủy Thanh Hóa tư tưởng"


def test_decode_output_is_nfc() -> None:
    assert unicodedata.is_normalized("NFC", decode_legacy("Coäng hoøa", "vni"))
    assert unicodedata.is_normalized("NFC", decode_legacy("Céng hoµ", "tcvn3"))


def test_ascii_is_unchanged_by_decoding() -> None:
    text = "UBND 2023 - KT-XH (abc) [x] {y}: 95,5%"
    assert decode_legacy(text, "tcvn3") == text
    assert decode_legacy(text, "vni") == text


def test_unknown_encoding_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        decode_legacy("abc", "viscii")
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        encode_legacy("abc", "utf-8")


def test_encoding_names_are_flexible() -> None:
    assert decode_legacy("t¸c", LegacyEncoding.TCVN3) == "tác"
    assert decode_legacy("taùc", " VNI ") == "tác"


def test_legacy_encoding_is_a_string() -> None:
    assert LegacyEncoding.TCVN3 == "tcvn3"
    assert LegacyEncoding("vni") is LegacyEncoding.VNI
    assert str(LegacyEncoding.VNI) == "vni"
    assert f"{LegacyEncoding.TCVN3}" == "tcvn3"


# ---- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_vni_round_trip(sentence: str) -> None:
    encoded = encode_legacy(sentence, "vni")
    assert encoded != sentence
    assert all(ord(c) < 0x100 for c in encoded)
    assert decode_legacy(encoded, "vni") == sentence


@pytest.mark.parametrize("sentence", LOWER_SENTENCES)
def test_tcvn3_round_trip(sentence: str) -> None:
    encoded = encode_legacy(sentence, "tcvn3")
    assert encoded != sentence
    assert all(ord(c) < 0x100 for c in encoded)
    assert decode_legacy(encoded, "tcvn3") == sentence


def test_round_trip_from_the_legacy_side() -> None:
    for mangled, kind in [
        ("C«ng t¸c tuyªn truyÒn, gi¸o dôc chÝnh trÞ t\xad t\xadëng", "tcvn3"),
        ("Coâng taùc tuyeân truyeàn, giaùo duïc chính trò tö töôûng", "vni"),
    ]:
        assert encode_legacy(decode_legacy(mangled, kind), kind) == mangled


def test_tcvn3_capitals_with_tone_need_the_uppercase_font() -> None:
    with pytest.raises(ValueError, match="cannot be written in tcvn3"):
        encode_legacy("Ủy ban", "tcvn3")
    heading = "BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN GIÁO 6 THÁNG ĐẦU NĂM 2024"
    encoded = encode_legacy(heading, "tcvn3", uppercase=True)
    assert decode_legacy(encoded, "tcvn3", uppercase=True) == heading


def test_characters_that_collide_with_codes_cannot_be_encoded() -> None:
    for char in "©®«µ¸Ðß":
        with pytest.raises(ValueError):
            encode_legacy(f"a{char}b", "tcvn3")
    for char in "ñÑäöüïîæå":
        with pytest.raises(ValueError):
            encode_legacy(f"a{char}b", "vni")


def test_other_characters_pass_through_encoding() -> None:
    assert encode_legacy("“A” – 5€ 😀", "tcvn3") == "“A” – 5€ 😀"
    assert encode_legacy("“A” – 5€ 😀", "vni") == "“A” – 5€ 😀"


# ---- fonts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "encoding", "uppercase"),
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArial", "tcvn3", False),
        (".VnArialH", "tcvn3", True),
        (".VnArial NarrowH", "tcvn3", True),
        (".vntime", "tcvn3", False),
        (".vntimeh", "tcvn3", True),
        (" .VnCentury Schoolbook", "tcvn3", False),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("vni-times", "vni", False),
        ("VNI Times", "vni", False),
        ("Times New Roman", None, False),
        ("Arial", None, False),
        ("VnTime", None, False),
        ("VNITimes", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_fonts(font: str | None, encoding: str | None, uppercase: bool) -> None:
    assert encoding_for_font(font) == encoding
    assert is_uppercase_font(font) is uppercase


# ---- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", LOWER_SENTENCES)
def test_detects_tcvn3(sentence: str) -> None:
    encoded = encode_legacy(sentence, "tcvn3")
    assert detect_legacy(encoded) == "tcvn3"
    assert looks_legacy(encoded)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_detects_vni(sentence: str) -> None:
    encoded = encode_legacy(sentence, "vni")
    assert detect_legacy(encoded) == "vni"
    assert looks_legacy(encoded)


def test_detects_tcvn3_capitals() -> None:
    assert detect_legacy("B¸O C¸O KÕT QU¶") == "tcvn3"


def test_detects_short_legacy_headings() -> None:
    assert detect_legacy("C«ng t¸c tuyªn truyÒn") == "tcvn3"
    assert detect_legacy("Coâng taùc tuyeân truyeàn") == "vni"
    assert detect_legacy("(KÌm theo KÕ ho¹ch sè 87-KH/HU ngµy 14/02/2022)") == "tcvn3"


NOT_LEGACY = [
    "",
    "   ",
    "2023",
    "12/3/2022 - 8.450 - 95,5%",
    "The Propaganda Department held 126 meetings in 2023.",
    "UBND tinh Nghe An",
    "Công tác",
    "Công tác tuyên truyền, giáo dục chính trị tư tưởng năm 2023",
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Thành uỷ Thanh Hoá tổ chức hội nghị về văn hoá, sức khoẻ",
    "BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN GIÁO",
    "café",
    "Giá 5€",
    "© 2023 Ban Tuyên giáo Tỉnh ủy",
    "a¸b",
    "Il est où, le café? Une idée naïve, à Noël.",
    "Über die Straße gehen schöne Mädchen.",
    "El niño pequeño comió en el año pasado.",
    "«Bonjour» dit-il, «à demain».",
    "☰ MENU ▲ 🔊",
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_does_not_fire(text: str) -> None:
    assert detect_legacy(text) is None
    assert not looks_legacy(text)


def test_single_odd_word_is_not_enough() -> None:
    assert detect_legacy("Trang chñ") is None
    assert detect_legacy("Baùo in") is None


def test_mixed_unicode_and_legacy_is_not_converted() -> None:
    text = "Điều 1. C«ng t¸c tuyªn truyÒn n¨m 2023"
    assert detect_legacy(text) is None
    assert looks_legacy(text)


# ---- fix_legacy_text -----------------------------------------------------------------------


def test_fix_by_font_name() -> None:
    assert fix_legacy_text("C«ng t¸c", font_name=".VnTime") == ("Công tác", "tcvn3")
    assert fix_legacy_text("c«ng t¸c", font_name=".VnTimeH") == ("CÔNG TÁC", "tcvn3")
    assert fix_legacy_text("Coâng taùc", font_name="VNI-Times") == ("Công tác", "vni")
    # A font name decides even for one word, which detection alone would not trust.
    assert fix_legacy_text("chñ", font_name=".VnArial") == ("chủ", "tcvn3")


def test_fix_by_detection() -> None:
    text, encoding = fix_legacy_text("C«ng t¸c tuyªn truyÒn n¨m 2023")
    assert (text, encoding) == ("Công tác tuyên truyền năm 2023", "tcvn3")
    assert isinstance(encoding, LegacyEncoding)
    assert fix_legacy_text("Coâng taùc tuyeân truyeàn") == ("Công tác tuyên truyền", "vni")
    assert fix_legacy_text("Trang chñ", font_name="Times New Roman") == ("Trang chñ", None)


def test_fix_by_detection_of_capitals() -> None:
    assert fix_legacy_text("B¸O C¸O KÕT QU¶ C«NG T¸C") == ("BÁO CÁO KẾT QUẢ CÔNG TÁC", "tcvn3")


def test_fix_leaves_unicode_alone() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for text in NOT_LEGACY:
            assert fix_legacy_text(text) == (text, None)


def test_fix_does_not_trust_a_legacy_font_on_unicode_text() -> None:
    text = "Công tác tuyên truyền"
    assert fix_legacy_text(text, font_name=".VnTime") == (text, None)


def test_fix_warns_when_the_kind_cannot_be_told() -> None:
    # Half TCVN3, half VNI: mangled, but neither table explains it.
    text = "t¸c gi¸o taùc giaùo"
    assert looks_legacy(text)
    assert detect_legacy(text) is None
    with pytest.warns(LegacyEncodingWarning, match="legacy-encoded"):
        assert fix_legacy_text(text) == (text, None)


def test_fix_warns_on_partly_converted_text() -> None:
    text = "Điều 1. C«ng t¸c tuyªn truyÒn n¨m 2023"
    with pytest.warns(LegacyEncodingWarning):
        assert fix_legacy_text(text) == (text, None)


def test_warning_category() -> None:
    assert issubclass(LegacyEncodingWarning, UserWarning)


# ---- properties ----------------------------------------------------------------------------

_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-()/%\n"

vni_text = st.text(alphabet=st.sampled_from(LOWER_LETTERS + UPPER_LETTERS + _ASCII), max_size=60)
tcvn3_text = st.text(alphabet=st.sampled_from(LOWER_LETTERS + TCVN3_BASE_CAPITALS + _ASCII), max_size=60)
tcvn3_capitals = st.text(alphabet=st.sampled_from(UPPER_LETTERS + _ASCII.upper()), max_size=60)


@settings(max_examples=300)
@given(vni_text)
def test_vni_round_trip_property(text: str) -> None:
    assert decode_legacy(encode_legacy(text, "vni"), "vni") == text


@settings(max_examples=300)
@given(tcvn3_text)
def test_tcvn3_round_trip_property(text: str) -> None:
    assert decode_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == text


@settings(max_examples=200)
@given(tcvn3_capitals)
def test_tcvn3_uppercase_round_trip_property(text: str) -> None:
    encoded = encode_legacy(text, "tcvn3", uppercase=True)
    assert decode_legacy(encoded, "tcvn3", uppercase=True) == text


@settings(max_examples=300)
@given(st.text())
def test_detection_and_decoding_never_raise(text: str) -> None:
    detect_legacy(text)
    looks_legacy(text)
    for kind in ("tcvn3", "vni"):
        assert unicodedata.is_normalized("NFC", decode_legacy(text, kind))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyEncodingWarning)
        fixed, kind = fix_legacy_text(text)
    assert isinstance(fixed, str)
    assert kind in (None, "tcvn3", "vni")
