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


def rejoin_line(line: str) -> tuple[str, int]:
    """Rejoin a line's split syllables; returns the line and how many pieces were joined.

    >>> rejoin_line("Đ Ả NG B Ộ HUY Ệ N tổ chức T ổ ng k ế t")
    ('ĐẢNG BỘ HUYỆN tổ chức Tổng kết', 14)
    >>> rejoin_line("Ban Chỉ đạo 35 và HĐND xã A, B")
    ('Ban Chỉ đạo 35 và HĐND xã A, B', 0)
    """
    words = line.split(" ")
    out: list[str] = []
    joined = 0
    i = 0
    while i < len(words):
        best = 0
        for j in range(min(len(words), i + _MAX_PIECES) - 1, i, -1):
            pieces = words[i : j + 1]
            if any(_core(p) != p for p in pieces[:-1]) or _core(pieces[0]) == "":
                continue  # punctuation inside: separate words
            if not any(_is_fragment(p) for p in pieces):
                continue
            if is_vietnamese_syllable(_core("".join(pieces))):
                best = j
                break
        if best:
            out.append("".join(words[i : best + 1]))
            joined += best - i + 1
            i = best + 1
        else:
            out.append(words[i])
            i += 1
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
