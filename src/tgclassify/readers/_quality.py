"""A character-statistics check of extracted text: syllables split apart, letters broken.

PDF text layers are rebuilt from glyph positions. When a producer places every glyph (or
every diacritic) on its own, extractors can return "Đ Ả NG B Ộ HUY Ệ N" for "ĐẢNG BỘ HUYỆN";
when a font's Unicode map is missing, letters come out as private-use or replacement
characters. Both make the classifier guess, so the reader repairs what it can and says so.

Vietnamese is written one syllable per word, and whether a word is a syllable can be checked
by its shape (:func:`~tgclassify.normalize.is_vietnamese_syllable`): a fragment ("ng", "T",
"Ả") joined to its neighbours makes a syllable again.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .. import constants as C
from ..normalize import is_vietnamese_syllable

_EDGE_PUNCT = "\"'“”‘’()[]«».,;:!?…"
# letters a syllable fragment can start with when cut from its neighbours
_BROKEN_CHAR = re.compile("[\ue000-\uf8ff\ufffd\u02c6\u02dc\u00b4\u0060\u00a8\u02d9]")
_LETTERS = re.compile(r"[^\W\d_]")
_MAX_PIECES = 5
_SAMPLE_WORDS = 20_000  # the statistics of this many words decide for the whole file


def _core(word: str) -> str:
    return word.strip(_EDGE_PUNCT)


def _is_word(word: str) -> bool:
    core = _core(word)
    return bool(core) and (is_vietnamese_syllable(core) or not _LETTERS.search(core)
                           or (core.isascii() and len(core) > 1))


@functools.lru_cache(maxsize=8192)
def _is_fragment(word: str) -> bool:
    """A piece that cannot stand alone: not a syllable, nor a number, acronym or foreign word."""
    core = _core(word)
    if not core or not _LETTERS.search(core):
        return False
    if is_vietnamese_syllable(core):
        return False
    # ASCII words of two letters or more are acronyms and foreign words (HĐND has Đ: fragment-
    # like but long; keep words of four letters or more, capitals or not)
    return len(core) <= 3 or not core.isascii()


_STOP_CODA = re.compile(r"(?:c|ch|p|t)$", re.I)
# spelling of onsets, on the decomposed lowercase word (tone and hat marks follow their vowel)
_BAD_ONSET = re.compile(r"^(?:ng[ie]|g[e]|k[aou]|c[iey]|q(?!u))")
_VOWELS_ONLY = re.compile(
    r"^[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]+$", re.I)
_SHARP_OR_HEAVY = {"\u0301", "\u0323"}


def _syllable(word: str) -> bool:
    """A Vietnamese syllable, with the tone rule of stop finals (a syllable ending in c, ch, p or
    t takes the sắc or nặng tone only: "tổch", "đãt" are no syllables) and the spelling rules
    of onsets ("ngh", "gh", "k" before i, e, ê; "c" before the others: "ngi" is no syllable)."""
    if not is_vietnamese_syllable(word):
        return False
    bare = unicodedata.normalize("NFD", word.lower())
    if _BAD_ONSET.match(bare):
        return False
    if _STOP_CODA.search(word):
        marks = set(unicodedata.normalize("NFD", word))
        return bool(marks & _SHARP_OR_HEAVY)
    return True


_CONSONANTS = re.compile(r"^[bcdđghklmnpqrstvx]+$", re.I)


def _group_score(pieces: list[str]) -> float:
    """How good a group of neighbouring pieces is as one word: each piece a syllable covers
    counts, joining earns a little (the text is known to be split), an invalid group costs."""
    core = _core("".join(pieces))
    size = len(pieces)
    if size == 1 and not _syllable(core):
        fragment = not core or bool(_CONSONANTS.match(core) and len(core) <= 3) or not _is_word(pieces[0])
        return -1.0 if fragment else 1.0
    if size == 1 and _VOWELS_ONLY.match(core):
        return 0.3  # a lone vowel ("ệ") in split text is mostly a piece of its neighbours
    if not _syllable(core):
        return -float(size)
    score = size + 0.2 * (size - 1)
    # a lone consonant piece is more often the next syllable's onset than this one's final
    # ("b ộ ch ủ" is "bộ chủ", not "bộch ủ")
    if size > 1 and _CONSONANTS.match(_core(pieces[-1])):
        score -= 0.5
    return score


def rejoin_line(line: str) -> tuple[str, int]:
    """Rejoin a line's split syllables; returns the line and how many pieces were joined.

    For text already known to be split: the line is cut into groups of neighbouring pieces
    (after the first, each of three letters at most) so that as many groups as possible are
    syllables, a lone consonant going to the syllable after it.

    >>> rejoin_line("Đ Ả NG B Ộ HUY Ệ N tổ chức T ổ ng k ế t N Ă M 2024")
    ('ĐẢNG BỘ HUYỆN tổ chức Tổng kết NĂM 2024', 17)
    >>> rejoin_line("c á n b ộ ch ủ ch ố t, đ ả ng vi ê n v à nh â n d â n")[0]
    'cán bộ chủ chốt, đảng viên và nhân dân'
    """
    words = line.split(" ")
    n = len(words)
    best = [0.0] * (n + 1)
    step = [1] * (n + 1)
    for i in range(n - 1, -1, -1):
        best[i] = float("-inf")
        for j in range(i, min(n, i + _MAX_PIECES)):
            pieces = words[i : j + 1]
            if j > i and (any(_core(p) != p for p in pieces[:-1])
                          or any(len(_core(p)) > 3 or not _core(p) for p in pieces[1:])):
                break  # punctuation inside, or a long word: no longer group from here
            score = _group_score(pieces) + best[j + 1]
            if score > best[i]:
                best[i], step[i] = score, j - i + 1
    out: list[str] = []
    joined = 0
    i = 0
    while i < n:
        size = step[i]
        out.append("".join(words[i : i + size]))
        joined += size if size > 1 else 0
        i += size
    return " ".join(out), joined


@dataclass
class TextCheck:
    words: int = 0
    fragments: int = 0
    broken: int = 0

    @property
    def split_share(self) -> float:
        return self.fragments / self.words if self.words else 0.0

    @property
    def broken_share(self) -> float:
        return self.broken / self.words if self.words else 0.0

    def bad(self) -> bool:
        return self.words >= C.SPLIT_SYLLABLE_MIN_WORDS and (
            self.split_share > C.SPLIT_SYLLABLE_MAX_SHARE or self.broken_share > C.SPLIT_SYLLABLE_MAX_SHARE)


def check_text(lines: list[str]) -> TextCheck:
    """Share of words that are syllable fragments or hold broken letters."""
    check = TextCheck()
    for line in lines:
        if check.words >= _SAMPLE_WORDS:
            break
        for word in line.split():
            if not _LETTERS.search(word) and not _BROKEN_CHAR.search(word):
                continue
            check.words += 1
            if _BROKEN_CHAR.search(word):
                check.broken += 1
            elif _is_fragment(word):
                check.fragments += 1
    return check


def repair_split_syllables(lines: list[str], what: str) -> tuple[list[str], list[str]]:
    """Check extracted lines; rejoin split syllables when that is what is wrong; warn about
    what is left. Returns the lines and the warnings for the file."""
    before = check_text(lines)
    if not before.bad():
        return lines, []
    notes: list[str] = []
    if before.split_share > C.SPLIT_SYLLABLE_MAX_SHARE:
        fixed, total = [], 0
        for line in lines:
            new, joined = rejoin_line(line)
            fixed.append(new)
            total += joined
        lines = fixed
        after = check_text(lines)
        notes.append(f"{what} had syllables split apart ({before.split_share:.0%} of words were "
                     f"pieces, e.g. 'T ổ ng'); {total:,} pieces were rejoined")
        if after.split_share > C.SPLIT_SYLLABLE_MAX_SHARE:
            notes.append(f"{what}: {after.split_share:.0%} of words are still broken after the "
                         "repair; tags of this file may be wrong (try another export of the file)")
    if before.broken_share > C.SPLIT_SYLLABLE_MAX_SHARE:
        notes.append(f"{what} has broken Vietnamese letters ({before.broken_share:.0%} of words "
                     "hold unmapped glyphs); tags of this file may be wrong (the font has no "
                     "Unicode map: try another export of the file)")
    return lines, notes
