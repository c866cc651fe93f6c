"""Text normalisation for Vietnamese report paragraphs.

Real reports mix Unicode forms (NFC, NFD from some editors), invisible format characters
pasted from the web, odd spaces, and two spelling conventions for where the tone mark goes.
A classifier that sees "Thành uỷ" and "Thành ủy" as two different words is broken, so every
paragraph goes through :func:`normalize_text` before anything else looks at it.

Canonical tone style
--------------------
The canonical style is the one this project calls "new" style: in an open syllable whose
vowel nucleus is ``oa``, ``oe`` or ``uy`` the tone goes on the FIRST vowel -- ``hòa``,
``hóa``, ``khỏe``, ``thủy``, ``ủy`` -- not on the second (``hoà``, ``hoá``, ``khoẻ``,
``thuỷ``, ``uỷ``). It was chosen because it is what current administrative documents,
Party documents and most of the press use, so it is the majority spelling in the texts we
classify and the one readers expect to see. (Vietnamese linguists often call this placement
the *traditional* one and ``hoà`` the *modern* one; the names differ, the mapping does not:
``hoà`` -> ``hòa``.)

Tone placement is computed by rule, syllable by syllable (see :func:`fold_tone_style`), so
every syllable is covered, not only the words someone thought of listing. Syllables that are
spelled the same in both styles (``quý``, ``hoàng``, ``thuyền``, ``của``, ``người``...)
come out unchanged.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["clean_line", "clean_text", "fold_tone_style", "is_vietnamese_syllable", "normalize_text"]

# The five Vietnamese tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng.
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"
# Vowels whose own diacritic (hat, breve, horn) makes them the main vowel of a nucleus.
_MARKED_VOWELS = frozenset("ăâêôơư")


def _build_tone_tables() -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], str]]:
    # Derived from unicodedata rather than typed in, so that no precomposed letter can be
    # missing or mistyped.
    split: dict[str, tuple[str, str]] = {}
    join: dict[tuple[str, str], str] = {}
    for base in _VOWELS + _VOWELS.upper():
        for mark in _TONE_MARKS:
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1:
                split[composed] = (base, mark)
                join[(base, mark)] = composed
    return split, join


_SPLIT_TONE, _JOIN_TONE = _build_tone_tables()

# Toneless vowel groups (medial + nucleus + glide) that occur in Vietnamese syllables.
# Groups that end in a glide (i/y/o/u) or are ia/ua/ưa never take a final consonant.
_OPEN_ONLY_GROUPS = frozenset(
    ("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
     "ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi",
     "ươu")
)  # fmt: skip
# Groups that need a final consonant (tuôn, tiên, xoong, thuyền...), never end a syllable.
_CLOSED_ONLY_GROUPS = frozenset(("ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"))
_FREE_GROUPS = frozenset(("a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uơ", "uy"))
_VALID_GROUPS = _OPEN_ONLY_GROUPS | _CLOSED_ONLY_GROUPS | _FREE_GROUPS

# "gi" and "qu" are listed as onsets: in "giá" and "quý" the i/u belong to the consonant,
# and regex backtracking falls back to g + i for "gì", "gìn" where no other vowel follows.
_SYLLABLE_RE = re.compile(
    r"(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ch|nh|ng|[cmnpt])?"
)

# A word of more letters than this cannot be one syllable ("nghiêng" has seven).
_MAX_SYLLABLE_LEN = 7


def _parse_syllable(bare: str) -> tuple[int, str, bool] | None:
    """Split a lowercase toneless syllable into (onset length, vowel group, has final)."""
    match = _SYLLABLE_RE.fullmatch(bare)
    if match is None:
        return None
    onset, vowels, coda = match.groups()
    if vowels not in _VALID_GROUPS:
        return None
    if coda and vowels in _OPEN_ONLY_GROUPS:
        return None
    if not coda and vowels in _CLOSED_ONLY_GROUPS:
        return None
    return len(onset or ""), vowels, bool(coda)


def _tone_index(vowels: str, has_coda: bool) -> int:
    """Index, within the vowel group, of the vowel that carries the tone (canonical style)."""
    # A hat/breve/horn vowel is the nucleus (tuyên, người, thuở); for ươ that is the ơ,
    # i.e. the last marked vowel.
    for index in range(len(vowels) - 1, -1, -1):
        if vowels[index] in _MARKED_VOWELS:
            return index
    if len(vowels) == 1:
        return 0
    # With a final consonant the last vowel is the nucleus: hoàng, toán, huỳnh, hoạch.
    if has_coda:
        return len(vowels) - 1
    # Open triphthongs carry the tone in the middle: ngoài, ngoáy, khuỷu, ngoẹo.
    if len(vowels) == 3:
        return 1
    # Open two-vowel groups: first vowel. For ai/ao/ia/ua/ui... both styles agree (bài,
    # mùa, kìa); for oa/oe/uy this is exactly the choice of canonical style (hòa, khỏe, thủy).
    return 0


def _strip_tone(word: str) -> tuple[str, str | None, int] | None:
    """Return (toneless word, tone mark, position) or None if the word has two tones."""
    tone: str | None = None
    position = -1
    bases: list[str] = []
    for index, char in enumerate(word):
        split = _SPLIT_TONE.get(char)
        if split is None:
            bases.append(char)
            continue
        if tone is not None:
            return None
        bases.append(split[0])
        tone, position = split[1], index
    return "".join(bases), tone, position


def is_vietnamese_syllable(word: str) -> bool:
    """Tell whether ``word`` (NFC, any case) is shaped like one Vietnamese syllable.

    The check is structural -- onset, vowel group, final consonant, at most one tone -- so
    it accepts syllables no dictionary lists and rejects English words, abbreviations and
    legacy-encoding garbage. Tone placement is not checked: "hoà" and "hòa" both pass.
    """
    if not 0 < len(word) <= _MAX_SYLLABLE_LEN:
        return False
    stripped = _strip_tone(word)
    if stripped is None:
        return False
    bare = stripped[0].lower()
    # Some letters change length when lowercased (İ); such a word is not Vietnamese.
    return len(bare) == len(word) and _parse_syllable(bare) is not None


@functools.lru_cache(maxsize=65536)
def fold_tone_style(word: str) -> str:
    """Move the tone mark of one syllable to its canonical place.

    ``word`` is one NFC token. Old-style spellings are moved to the canonical style
    (``hoà`` -> ``hòa``, ``Thuỷ`` -> ``Thủy``, ``UỶ`` -> ``ỦY``) and misplaced marks are
    repaired (``qúy`` -> ``quý``, ``hòang`` -> ``hoàng``); the case of every letter is kept.
    Anything that is not shaped like a Vietnamese syllable with exactly one tone mark is
    returned unchanged.
    """
    if not 1 < len(word) <= _MAX_SYLLABLE_LEN:
        return word
    stripped = _strip_tone(word)
    if stripped is None:
        return word
    bare, tone, position = stripped
    if tone is None:
        return word
    lowered = bare.lower()
    # Some letters change length when lowercased (İ); such a word is not Vietnamese.
    if len(lowered) != len(bare):
        return word
    parsed = _parse_syllable(lowered)
    if parsed is None:
        return word
    onset_len, vowels, has_coda = parsed
    target = onset_len + _tone_index(vowels, has_coda)
    if target == position:
        return word
    letters = list(bare)
    letters[target] = _JOIN_TONE[(letters[target], tone)]
    return "".join(letters)


#: Blocks that hold format characters: Latin-1, Arabic, Syriac, Arabic Extended-B, Mongolian,
#: General Punctuation, Arabic Presentation Forms-B (BOM), Specials, Kaithi, Egyptian
#: Hieroglyph Format Controls, Shorthand Format Controls, Musical Symbols, Tags.
_FORMAT_BLOCKS = ((0x00A0, 0x00FF), (0x0600, 0x06FF), (0x0700, 0x074F), (0x0870, 0x08FF),
                  (0x1800, 0x18AF), (0x2000, 0x206F), (0xFE70, 0xFEFF), (0xFFF0, 0xFFFF),
                  (0x11080, 0x110CF), (0x13430, 0x1345F), (0x1BCA0, 0x1BCAF),
                  (0x1D100, 0x1D1FF), (0xE0000, 0xE007F))


def _format_char_class() -> str:
    # Unicode category Cf (zero-width spaces and joiners, BOM, bidi controls, soft hyphen...)
    # is computed from the running unicodedata instead of being typed in, so characters
    # that newer Unicode versions add to these blocks are covered too. Cf occurs only in the
    # blocks of _FORMAT_BLOCKS (Unicode 14); scanning them costs ~0.3 ms at import, where the
    # planes they lie in cost 15 ms, a twentieth of a cold `tgclassify tag`. A test scans all
    # of Unicode and fails if a Cf character falls outside them.
    codes = [c for lo, hi in _FORMAT_BLOCKS for c in range(lo, hi + 1)
             if unicodedata.category(chr(c)) == "Cf"]
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = [
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges
    ]
    # lone surrogates (category Cs) are no text either: a PDF's broken UTF-16 text layer
    # gives them, and they cannot even be encoded as UTF-8 (found by benchmarks/fuzz.py)
    parts.append("\ud800-\udfff")
    return "[" + "".join(parts) + "]"


_FORMAT_CHARS_RE = re.compile(_format_char_class() + "+")
# Paragraph breaks become "\n" (one paragraph per line). \v, \f and U+2028 are line or page
# breaks *inside* a paragraph (Word writes \v for Shift+Enter), so they become a space.
_PARAGRAPH_BREAK_RE = re.compile("\r\n?|[\x85\u2029]")
# Every Unicode space separator (Zs) and the in-paragraph breaks, collapsed in one pass.
_SPACES_RE = re.compile("[ \t\x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u202f\u205f\u3000]+")
_TRAILING_SPACE_RE = re.compile(" +(?=\n|\\Z)")
# Within one line: every space separator and every break, each to one plain space.
_LINE_BREAKS_AND_SPACES_RE = re.compile(
    "[\t\n\r\x0b\x0c\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_MULTI_SPACE_RE = re.compile(" {2,}")
_TONED_CHARS = "".join(_SPLIT_TONE)
#: Distinct space-separated tokens whose folding is remembered (a few MB at most).
TOKEN_CACHE_SIZE = 50_000
# A token is a maximal run of letters (no digits, no underscore) holding a toned vowel;
# the lookarounds keep mixed tokens such as "H2Oà" or "abc_hoà" out.
_TONED_WORD_RE = re.compile(rf"(?<!\w)[^\W\d_]*[{_TONED_CHARS}][^\W\d_]*(?!\w)")


def _fold_match(match: re.Match[str]) -> str:
    word = match.group()
    end = match.end()
    text = match.string
    # A combining mark that NFC could not attach means the token is not plain letters;
    # moving a tone next to it could also make the output non-NFC.
    if end < len(text) and unicodedata.category(text[end])[0] == "M":
        return word
    return fold_tone_style(word)


def clean_text(text: str) -> str:
    """The light cleaning every text gets, readers and normalization alike.

    Invisible format characters out (Unicode category Cf: zero-width spaces and joiners, BOM,
    bidi controls, soft hyphens) and lone surrogates (broken UTF-16), NFC, every odd space and
    tab turned into one plain space, paragraph breaks (``\\r\\n``, ``\\r``, U+2029) turned into
    ``\\n``, trailing spaces of each line stripped. Spelling is left as written.

    >>> clean_text("Tuyên\\u200b  truyền\\u00a0miệng \\r\\nnăm")
    'Tuyên truyền miệng\\nnăm'
    """
    if text.isascii():
        # No format characters, no decomposed or toned letters: only spacing can change.
        text = _PARAGRAPH_BREAK_RE.sub("\n", text)
        text = _SPACES_RE.sub(" ", text)
        return _TRAILING_SPACE_RE.sub("", text)
    # Format characters go first: one sitting between a letter and a combining mark would
    # otherwise stop NFC from composing them.
    text = _FORMAT_CHARS_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _PARAGRAPH_BREAK_RE.sub("\n", text)
    text = _SPACES_RE.sub(" ", text)
    return _TRAILING_SPACE_RE.sub("", text)


def clean_line(line: str) -> str:
    """:func:`clean_text` for one paragraph: any line break inside becomes a space, and both
    ends are stripped. This is what a reader shows of a report's text.

    >>> clean_line("  a\\u2003\\u2003b\\tc\\u00ad\\n ")
    'a b c'
    """
    # the same characters as clean_text, in two cheap passes: readers call this on every line
    if not line.isascii():
        line = unicodedata.normalize("NFC", _FORMAT_CHARS_RE.sub("", line))
    line = _LINE_BREAKS_AND_SPACES_RE.sub(" ", line)
    if "  " in line:
        line = _MULTI_SPACE_RE.sub(" ", line)
    return line.strip()


def normalize_text(text: str) -> str:
    """Normalise a paragraph (or several, one per line) for classification.

    - :func:`clean_text`: removes invisible format characters (Unicode category Cf: U+200B,
      U+200C, U+200D, U+2060, U+FEFF, bidi controls...) and soft hyphens; returns NFC, whatever
      the input form; turns no-break and other odd spaces and tabs into a plain space and
      collapses runs of spaces; keeps line breaks (``\\r\\n``, ``\\r``, U+2029 become ``\\n``)
      and strips the trailing spaces of every line;
    - puts the tone mark of every Vietnamese syllable in its canonical place
      (see :func:`fold_tone_style`); other tokens are left as they are.

    The function is idempotent and accepts any ``str``.
    """
    text = clean_text(text)
    if text.isascii():
        return text
    # Space-separated tokens repeat heavily (Zipf), so folding them through a cache is several
    # times faster than one regex callback per word; token edges are spaces or line ends, which
    # the pattern's lookarounds treat exactly as the string's ends.
    return "\n".join(" ".join([_fold_token(tok) for tok in line.split(" ")])
                     for line in text.split("\n"))


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _fold_token(token: str) -> str:
    return _TONED_WORD_RE.sub(_fold_match, token)
