"""Legacy 8-bit Vietnamese font encodings: TCVN3 (ABC) and VNI.

Many government .doc/.docx files were typed with fonts that carry Vietnamese letters in the
upper half of an 8-bit code page instead of in Unicode:

- TCVN3 (TCVN 5712:1993 "VN3", the ABC fonts ``.VnTime``, ``.VnArial``...): one byte per
  precomposed lowercase letter. The base fonts have only seven capitals (Ă Â Ê Ô Ơ Ư Đ);
  capitals with a tone mark come from separate all-capitals fonts whose names end in "H"
  (``.VnTimeH``), which draw the lowercase codes as capitals.
- VNI (``VNI-Times``, ``VNI-Helve``...): an ASCII base letter followed by one modifier
  character (``a`` + ``ù`` = ``á``, ``a`` + ``â`` = ``â``, ``a`` + ``á`` = ``ấ``), plus a few
  single characters for đ, ơ, ư, the toned i's and ỵ.

Word stores those bytes as the cp1252/Latin-1 characters with the same codes, so the text
reaches us as "C«ng t¸c tuyªn truyÒn" (TCVN3) or "Coâng taùc tuyeân truyeàn" (VNI).
:func:`fix_legacy_text` is the entry point readers call; the conversion tables live in this
module so the conversion does not depend on anything installed.

Convert before :func:`tgclassify.normalize.normalize_text`: TCVN3 writes "ư" as 0xAD, which
in Unicode is the soft hyphen that normalisation deletes.
"""

from __future__ import annotations

import enum
import re
import unicodedata
import warnings
from dataclasses import dataclass

from .normalize import is_vietnamese_syllable

__all__ = [
    "LegacyCheck",
    "LegacyEncoding",
    "LegacyEncodingWarning",
    "check_legacy",
    "decode_legacy",
    "detect_legacy",
    "encode_legacy",
    "encoding_for_font",
    "fix_legacy_text",
    "is_uppercase_font",
    "looks_legacy",
]


class LegacyEncoding(str, enum.Enum):
    """The legacy encodings this module converts. Members compare equal to their values."""

    TCVN3 = "tcvn3"
    VNI = "vni"

    def __str__(self) -> str:
        # (str, Enum) members print as "LegacyEncoding.VNI" before Python 3.11's StrEnum;
        # callers log and compare the plain value.
        return self.value


class LegacyEncodingWarning(UserWarning):
    """Text looks like legacy-encoded Vietnamese, but it could not be converted safely."""


# --------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993, VN3). Legacy code (as the Latin-1 character Word shows) -> Unicode.
# Within each vowel the order of the codes is: huyền, hỏi, ngã, sắc, nặng.
# Codes 0xB0-0xB4, 0xBA, 0xBF, 0xC0-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0 and 0xFF are unused by
# the lowercase fonts and are left as they are.
_TCVN3_TABLE: dict[str, str] = {
    # Capitals present in the base fonts.
    "\xa1": "Ă", "\xa2": "Â", "\xa3": "Ê", "\xa4": "Ô", "\xa5": "Ơ", "\xa6": "Ư", "\xa7": "Đ",
    # ă â ê ô ơ ư đ
    "\xa8": "ă", "\xa9": "â", "\xaa": "ê", "\xab": "ô", "\xac": "ơ", "\xad": "ư", "\xae": "đ",
    # a: µ ¶ · ¸ ¹
    "\xb5": "à", "\xb6": "ả", "\xb7": "ã", "\xb8": "á", "\xb9": "ạ",
    # ă: » ¼ ½ ¾ Æ
    "\xbb": "ằ", "\xbc": "ẳ", "\xbd": "ẵ", "\xbe": "ắ", "\xc6": "ặ",
    # â: Ç È É Ê Ë
    "\xc7": "ầ", "\xc8": "ẩ", "\xc9": "ẫ", "\xca": "ấ", "\xcb": "ậ",
    # e: Ì Î Ï Ð Ñ
    "\xcc": "è", "\xce": "ẻ", "\xcf": "ẽ", "\xd0": "é", "\xd1": "ẹ",
    # ê: Ò Ó Ô Õ Ö
    "\xd2": "ề", "\xd3": "ể", "\xd4": "ễ", "\xd5": "ế", "\xd6": "ệ",
    # i: × Ø Ü Ý Þ
    "\xd7": "ì", "\xd8": "ỉ", "\xdc": "ĩ", "\xdd": "í", "\xde": "ị",
    # o: ß á â ã ä
    "\xdf": "ò", "\xe1": "ỏ", "\xe2": "õ", "\xe3": "ó", "\xe4": "ọ",
    # ô: å æ ç è é
    "\xe5": "ồ", "\xe6": "ổ", "\xe7": "ỗ", "\xe8": "ố", "\xe9": "ộ",
    # ơ: ê ë ì í î
    "\xea": "ờ", "\xeb": "ở", "\xec": "ỡ", "\xed": "ớ", "\xee": "ợ",
    # u: ï ñ ò ó ô
    "\xef": "ù", "\xf1": "ủ", "\xf2": "ũ", "\xf3": "ú", "\xf4": "ụ",
    # ư: õ ö ÷ ø ù
    "\xf5": "ừ", "\xf6": "ử", "\xf7": "ữ", "\xf8": "ứ", "\xf9": "ự",
    # y: ú û ü ý þ
    "\xfa": "ỳ", "\xfb": "ỷ", "\xfc": "ỹ", "\xfd": "ý", "\xfe": "ỵ",
}  # fmt: skip

# --------------------------------------------------------------------------------------------
# VNI (VNI for Windows). Lowercase sequences -> Unicode.
# Modifiers written after the base letter:
#   tone alone:        ù sắc, ø huyền, û hỏi, õ ngã, ï nặng
#   hat (â ê ô):       â;  with tone: á sắc, à huyền, å hỏi, ã ngã, ä nặng
#   breve (ă):         ê;  with tone: é sắc, è huyền, ú hỏi, ü ngã, ë nặng
# Single characters: ô = ơ, ö = ư, ñ = đ; the toned i's í ì æ ó ò and ỵ = î have their own
# glyphs because the tone replaces the dot of the i (or clashes with the tail of the y).
_VNI_LOWER: dict[str, str] = {
    "aù": "á", "aø": "à", "aû": "ả", "aõ": "ã", "aï": "ạ",
    "aê": "ă", "aé": "ắ", "aè": "ằ", "aú": "ẳ", "aü": "ẵ", "aë": "ặ",
    "aâ": "â", "aá": "ấ", "aà": "ầ", "aå": "ẩ", "aã": "ẫ", "aä": "ậ",
    "eù": "é", "eø": "è", "eû": "ẻ", "eõ": "ẽ", "eï": "ẹ",
    "eâ": "ê", "eá": "ế", "eà": "ề", "eå": "ể", "eã": "ễ", "eä": "ệ",
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
    "où": "ó", "oø": "ò", "oû": "ỏ", "oõ": "õ", "oï": "ọ",
    "oâ": "ô", "oá": "ố", "oà": "ồ", "oå": "ổ", "oã": "ỗ", "oä": "ộ",
    "ô": "ơ", "ôù": "ớ", "ôø": "ờ", "ôû": "ở", "ôõ": "ỡ", "ôï": "ợ",
    "uù": "ú", "uø": "ù", "uû": "ủ", "uõ": "ũ", "uï": "ụ",
    "ö": "ư", "öù": "ứ", "öø": "ừ", "öû": "ử", "öõ": "ữ", "öï": "ự",
    "yù": "ý", "yø": "ỳ", "yû": "ỷ", "yõ": "ỹ", "î": "ỵ",
    "ñ": "đ",
}  # fmt: skip

# Spellings some VNI keyboards and converters also produce; decoded, never produced.
_VNI_LOWER_VARIANTS: dict[str, str] = {
    "iù": "í", "iø": "ì", "iû": "ỉ", "iõ": "ĩ", "iï": "ị", "yï": "ỵ",
}  # fmt: skip


def _vni_decode_table() -> dict[str, str]:
    # The VNI capitals use the same scheme one case lower in the code page (Ù for ù, Â for â,
    # Ñ for Đ...). The letter's case follows the base letter; the modifier's case is taken
    # either way because typists mix them ("Aù", "AÙ").
    table: dict[str, str] = {}
    for sequence, letter in (_VNI_LOWER | _VNI_LOWER_VARIANTS).items():
        table[sequence] = letter
        table[sequence.upper()] = letter.upper()
        if len(sequence) == 2:
            table[sequence[0].upper() + sequence[1]] = letter.upper()
            table[sequence[0] + sequence[1].upper()] = letter
    return table


_VNI_DECODE = _vni_decode_table()
_VNI_ENCODE: dict[str, str] = {}
for _sequence, _letter in _VNI_LOWER.items():
    _VNI_ENCODE[_letter] = _sequence
    _VNI_ENCODE[_letter.upper()] = _sequence.upper()
del _sequence, _letter
# Longest sequences first, so that "ôù" wins over "ô".
_VNI_DECODE_RE = re.compile("|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True)))
_VNI_CODE_CHARS = frozenset(c for sequence in _VNI_DECODE for c in sequence if not c.isascii())

_TCVN3_DECODE = str.maketrans(_TCVN3_TABLE)
_TCVN3_ENCODE: dict[str, str] = {letter: code for code, letter in _TCVN3_TABLE.items()}
_TCVN3_CODE_CHARS = frozenset(_TCVN3_TABLE)

# Vietnamese letters that are outside Latin-1: they cannot appear in text read from a legacy
# 8-bit font, so their presence says the text is (at least partly) Unicode already.
_UNICODE_ONLY_RE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
# TCVN3 codes that are symbols, not letters, in Latin-1: inside a word they are a strong sign.
# Only between two letters, so that guillemets and ©/® next to a word do not count.
_TCVN3_SYMBOL_IN_WORD_RE = re.compile("[A-Za-z][\xa1-\xae\xb5-\xb9\xbb-\xbe\xd7\xf7]+[A-Za-z]")
# Word-like runs: no space, no ASCII punctuation or digit, no general punctuation (curly
# quotes, dashes). Latin-1 symbols stay inside, since TCVN3 letters are made of them.
_TOKEN_RE = re.compile("[^\\s!-@\\[-`{-~\u2010-\u206f]+")
# A letter, or a Latin-1 upper-half character (every legacy code is one).
_WORDISH_RE = re.compile("[^\\W\\d_]|[\xa1-\xff]")

# Fonts: ".VnTime", ".VnArialH"... (TCVN3) and "VNI-Times", "VNI Helve"... (VNI).
_TCVN3_FONT_RE = re.compile(r"\s*\.vn", re.IGNORECASE)
_VNI_FONT_RE = re.compile(r"\s*vni[-\s_]", re.IGNORECASE)


def _coerce_encoding(encoding: str) -> LegacyEncoding:
    try:
        return LegacyEncoding(str(encoding).strip().lower())
    except ValueError:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected 'tcvn3' or 'vni'") from None


def encoding_for_font(font_name: str | None) -> LegacyEncoding | None:
    """Return the legacy encoding a font name implies, or None for a Unicode font.

    ``.Vn*`` fonts (``.VnTime``, ``.VnArialH``) are TCVN3; ``VNI-*`` and ``VNI *`` fonts
    (``VNI-Times``) are VNI. Case is ignored. Use :func:`is_uppercase_font` to know whether a
    TCVN3 font is one of the all-capitals "H" fonts.
    """
    if not font_name:
        return None
    if _TCVN3_FONT_RE.match(font_name):
        return LegacyEncoding.TCVN3
    if _VNI_FONT_RE.match(font_name):
        return LegacyEncoding.VNI
    return None


def is_uppercase_font(font_name: str | None) -> bool:
    """Tell whether a font is a TCVN3 all-capitals font (``.VnTimeH``, ``.VnArialH``...).

    These fonts draw the lowercase TCVN3 codes as capitals, so their text must be decoded
    with ``uppercase=True``. A name written all in lowercase (``.vntimeh``) is accepted too.
    """
    if encoding_for_font(font_name) is not LegacyEncoding.TCVN3:
        return False
    name = (font_name or "").strip()
    return name.endswith("H") or (name.islower() and name.endswith("h"))


def decode_legacy(text: str, encoding: str, *, uppercase: bool = False) -> str:
    """Convert legacy-encoded text to Unicode NFC.

    ``encoding`` is ``"tcvn3"`` or ``"vni"`` (or a :class:`LegacyEncoding`). Characters that
    are not codes of the encoding (ASCII, digits, punctuation) are kept. ``uppercase=True``
    says the text comes from an all-capitals font (TCVN3 ``.VnTimeH``...): the result is
    upper-cased, since those fonts draw every code as a capital.
    """
    kind = _coerce_encoding(encoding)
    if kind is LegacyEncoding.TCVN3:
        result = text.translate(_TCVN3_DECODE)
    else:
        result = _VNI_DECODE_RE.sub(lambda match: _VNI_DECODE[match.group()], text)
    if uppercase:
        result = result.upper()
    return unicodedata.normalize("NFC", result)


def encode_legacy(text: str, encoding: str, *, uppercase: bool = False) -> str:
    """Convert Unicode text to a legacy encoding (the inverse of :func:`decode_legacy`).

    Used to build legacy test data. ``uppercase=True`` (TCVN3) produces text for an
    all-capitals "H" font: the text is lower-cased first, so only all-capitals input round
    trips. Raises ``ValueError`` for a character the encoding cannot represent: a TCVN3
    capital with a tone mark (outside ``uppercase=True``), or a non-Vietnamese character
    whose code the encoding uses for a Vietnamese letter (``©``, ``ñ``, ``ü``...), which
    would not decode back to itself.
    """
    kind = _coerce_encoding(encoding)
    text = unicodedata.normalize("NFC", text)
    if uppercase:
        text = text.lower()
    if kind is LegacyEncoding.TCVN3:
        table, taken = _TCVN3_ENCODE, _TCVN3_CODE_CHARS
    else:
        table, taken = _VNI_ENCODE, _VNI_CODE_CHARS
    out: list[str] = []
    for position, char in enumerate(text):
        code = table.get(char)
        if code is not None:
            out.append(code)
        elif char in taken or (kind is LegacyEncoding.TCVN3 and _is_toned_vietnamese(char)):
            raise ValueError(f"{char!r} at position {position} cannot be written in {kind.value}")
        else:
            out.append(char)
    return "".join(out)


def _is_toned_vietnamese(char: str) -> bool:
    # Vietnamese letters that need a code: Latin-1 ones like "Á" have none in TCVN3 and
    # would otherwise pass through and decode to something else.
    return char.lower() in _TCVN3_ENCODE and char not in _TCVN3_ENCODE


class _Stats:
    """Per-token evidence gathered once for detect_legacy and looks_legacy."""

    __slots__ = (
        "ambiguous",
        "both",
        "non_ascii",
        "suspicious",
        "tcvn3_only",
        "unicode_only",
        "vni_only",
    )

    def __init__(self, text: str) -> None:
        self.non_ascii = 0  # tokens with a non-ASCII character
        self.unicode_only = 0  # tokens with a Vietnamese letter outside Latin-1
        self.suspicious = 0  # tokens that look mangled
        self.tcvn3_only = 0  # mangled tokens that only TCVN3 turns into a syllable
        self.vni_only = 0  # mangled tokens that only VNI turns into a syllable
        self.both = 0  # mangled tokens that both turn into a syllable ("chuû", "nghóa")
        # Syllables either way: Unicode "sè" or TCVN3 "số", Unicode "tác" or TCVN3 "tỏc".
        # They say nothing about the encoding, so the ratios leave them out.
        self.ambiguous = 0
        for token in _TOKEN_RE.findall(text):
            # ASCII words are neutral; so are symbols (emoji, arrows) that are no words.
            if token.isascii() or not _WORDISH_RE.search(token):
                continue
            self.non_ascii += 1
            if _UNICODE_ONLY_RE.search(token):
                self.unicode_only += 1
                continue
            tcvn3 = decode_legacy(token, LegacyEncoding.TCVN3)
            vni = decode_legacy(token, LegacyEncoding.VNI)
            tcvn3_ok = tcvn3 != token and is_vietnamese_syllable(tcvn3)
            vni_ok = vni != token and is_vietnamese_syllable(vni)
            # A token that is already a Vietnamese syllable is no evidence of mangling, even
            # though its Latin-1 letters are also legacy codes.
            if is_vietnamese_syllable(unicodedata.normalize("NFC", token)):
                self.ambiguous += tcvn3_ok or vni_ok
                continue
            if tcvn3_ok and vni_ok:
                self.both += 1
            elif tcvn3_ok:
                self.tcvn3_only += 1
            elif vni_ok:
                self.vni_only += 1
            if tcvn3_ok or vni_ok or _TCVN3_SYMBOL_IN_WORD_RE.search(token):
                self.suspicious += 1

    def looks_legacy(self) -> bool:
        # Two mangled words at least, so one odd character never fires, and they must be
        # most of the non-ASCII words, so a French quotation in Vietnamese text does not.
        return self.suspicious >= 2 and 2 * self.suspicious >= self.non_ascii - self.ambiguous

    def encoding(self) -> LegacyEncoding | None:
        # Any letter outside Latin-1 means Unicode text is present: decoding the paragraph
        # would corrupt its Unicode words ("tác" reads as TCVN3 "tỏc").
        if self.unicode_only or not self.looks_legacy():
            return None
        for kind, own, other in (
            (LegacyEncoding.TCVN3, self.tcvn3_only, self.vni_only),
            (LegacyEncoding.VNI, self.vni_only, self.tcvn3_only),
        ):
            explained = own + self.both
            # Each encoding turns a few words of the other into syllables by chance (VNI
            # "chuû" is a possible TCVN3 "chuỷ"), so the words only one of them explains
            # decide, with a clear margin.
            if (
                explained >= 2
                and 2 * explained >= self.non_ascii - self.ambiguous
                and own >= max(1, 2 * other)
            ):
                return kind
        return None


@dataclass(frozen=True)
class LegacyCheck:
    """What the character statistics of a text say about legacy encodings.

    ``encoding`` is the encoding to convert from, or None; ``unclear`` is True when the text
    looks mangled but its encoding cannot be told (it is then left as it is). :attr:`note` is
    the one sentence readers put in a file's warnings.
    """

    encoding: LegacyEncoding | None
    unclear: bool = False

    @property
    def note(self) -> str | None:
        if self.encoding is not None:
            return f"legacy {self.encoding.value.upper()} encoding converted to Unicode"
        if self.unclear:
            return "text looks legacy-encoded (TCVN3/VNI) but the kind is unclear; left as it is"
        return None


def check_legacy(text: str) -> LegacyCheck:
    """The one legacy-encoding detector: character statistics of ``text``, gathered once.

    >>> check_legacy("C\xabng t\xb8c tuy\xaan truy\xd2n").encoding
    <LegacyEncoding.TCVN3: 'tcvn3'>
    >>> check_legacy("Công tác tuyên truyền")
    LegacyCheck(encoding=None, unclear=False)
    """
    stats = _Stats(text)
    encoding = stats.encoding()
    return LegacyCheck(encoding, encoding is None and stats.looks_legacy())


def detect_legacy(text: str) -> LegacyEncoding | None:
    """Tell from character statistics whether ``text`` is TCVN3 or VNI read as Latin-1.

    Returns the encoding when the text is clearly legacy-encoded: at least two words, and
    most of its non-ASCII words, turn into Vietnamese syllables under that encoding and not
    (comparably) under the other, and no word holds a Vietnamese letter outside Latin-1.
    Returns None for Unicode Vietnamese, English, other text, and text too short to tell.
    """
    return check_legacy(text).encoding


def looks_legacy(text: str) -> bool:
    """Tell whether ``text`` looks like mangled legacy Vietnamese, whatever the encoding.

    True when at least two words, and at least half of the non-ASCII words, look mangled:
    they are not Vietnamese syllables themselves but decode to one under TCVN3 or VNI, or
    they hold TCVN3 symbol codes (``¸ µ « ­ ®``...) between letters.
    """
    check = check_legacy(text)
    return check.encoding is not None or check.unclear


def _looks_all_capitals(text: str) -> bool:
    # TCVN3 capitals with tone marks exist only in the "H" fonts, which draw lowercase codes
    # as capitals; a typist using one writes the ASCII letters in capitals as well.
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def fix_legacy_text(text: str, *, font_name: str | None = None) -> tuple[str, LegacyEncoding | None]:
    """Convert legacy-encoded text to Unicode; the one entry point document readers call.

    The encoding comes from ``font_name`` when that names a legacy font (``.VnTime`` ->
    TCVN3, ``.VnTimeH`` -> TCVN3 capitals, ``VNI-Times`` -> VNI), otherwise from
    :func:`detect_legacy`. Returns ``(converted text, encoding used)``, or ``(text, None)``
    when nothing was converted.

    A legacy font name is not trusted for text that already holds Vietnamese letters outside
    Latin-1 (a run typed in Unicode under an old font name): it is returned unchanged.
    When the text looks mangled but its encoding cannot be told, it is returned unchanged
    and a :class:`LegacyEncodingWarning` is emitted.
    """
    encoding = encoding_for_font(font_name)
    if encoding is not None:
        if _UNICODE_ONLY_RE.search(text):
            return text, None
        return decode_legacy(text, encoding, uppercase=is_uppercase_font(font_name)), encoding
    check = check_legacy(text)
    if check.encoding is not None:
        uppercase = check.encoding is LegacyEncoding.TCVN3 and _looks_all_capitals(text)
        return decode_legacy(text, check.encoding, uppercase=uppercase), check.encoding
    if check.unclear:
        warnings.warn(
            "text looks like legacy-encoded Vietnamese (TCVN3 or VNI) but its encoding "
            f"cannot be told; left unconverted: {text[:60]!r}",
            LegacyEncodingWarning,
            stacklevel=2,
        )
    return text, None
