"""Word tokenization of Vietnamese text: normalize, then pyvi word segmentation.

pyvi joins the syllables of a compound word with "_" ("tuyên_truyền"); on top of it we lowercase,
drop punctuation, keep short numbers (they name documents: "Nghị quyết 35", "Chỉ thị 05",
"lực lượng 47", "Quy định 238") and fold other numbers into placeholders (years, counts and
percentages carry no domain and would only add rare features).

pyvi is the slowest step of the pipeline, and tokenization learns nothing, so training and
evaluation tokenize each paragraph once, before any fold is cut (see
:class:`tgclassify.estimator.ThresholdedOneVsRest`'s ``preprocessor``); nothing here remembers
paragraphs, so tagging's memory does not grow with the input. The only memo tables are bounded:
the normalized form of raw tokens (below) and the section contexts of one :class:`Tokenizer`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import constants as C
from .normalize import normalize_text

__all__ = ["Tokenizer", "join_tokens", "split_tokens", "tokenize", "tokenize_syllables",
           "tokenize_words_and_syllables"]

_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_WORD = re.compile(r"\w", re.UNICODE)
_SENTENCE_CUT = re.compile(r"(?<=[.;!?])\s+")
_SYLLABLE = re.compile(r"\w+")


@lru_cache(maxsize=C.TOKEN_CACHE_SIZE)
def _norm_token(token: str) -> str | None:
    if not _WORD.search(token):
        return None  # punctuation
    if _NUMBER.match(token):
        if _YEAR.match(token):
            return "<year>"
        return token if len(token) <= 3 and token.isdigit() else "<num>"
    return token.lower().strip("_") or None


def _chunks(text: str) -> list[str]:
    """Cut text at sentence ends into pieces pyvi handles at full speed."""
    if len(text) <= C.TOKENIZE_CHUNK_CHARS:
        return [text]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_CUT.split(text):
        if current and len(current) + len(sentence) > C.TOKENIZE_CHUNK_CHARS:
            out.append(current)
            current = ""
        while len(sentence) > C.TOKENIZE_CHUNK_CHARS:  # a sentence with no end in sight
            cut = sentence.rfind(" ", 0, C.TOKENIZE_CHUNK_CHARS)
            cut = cut if cut > 0 else C.TOKENIZE_CHUNK_CHARS
            out.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        current = f"{current} {sentence}" if current else sentence
    if current:
        out.append(current)
    return out


def _words(normalized: str) -> tuple[str, ...]:
    from .wordseg import segment  # noqa: PLC0415 - keeps `import tgclassify` light

    tokens: list[str] = []
    for chunk in _chunks(normalized):
        for raw in segment(chunk).split():
            token = _norm_token(raw)
            if token:
                tokens.append(token)
    return tuple(tokens)


def tokenize(text: str) -> list[str]:
    """Split Vietnamese text into lowercase words, compounds joined by "_".

    >>> tokenize("Công tác tuyên truyền Nghị quyết 35 năm 2023: 126 hội nghị.")
    ['công_tác', 'tuyên_truyền', 'nghị_quyết', '35', 'năm', '<year>', '126', 'hội_nghị']
    """
    return list(_words(normalize_text(text)))


def tokenize_syllables(text: str) -> list[str]:
    """Split into lowercase syllables without pyvi (numbers handled as in :func:`tokenize`).

    >>> tokenize_syllables("Thành uỷ năm 2024")
    ['thành', 'ủy', 'năm', '<year>']
    """
    return _syllables(normalize_text(text))


def _syllables(normalized: str) -> list[str]:
    return [token for raw in _SYLLABLE.findall(normalized) if (token := _norm_token(raw))]


def tokenize_words_and_syllables(text: str) -> tuple[list[str], list[str]]:
    """:func:`tokenize` and :func:`tokenize_syllables` of one text, normalizing it once."""
    normalized = normalize_text(text)
    return list(_words(normalized)), _syllables(normalized)


def join_tokens(tokens: list[str]) -> str:
    """Tokens as one space-separated string (what the feature step stores)."""
    return " ".join(tokens)


def split_tokens(text: str) -> list[str]:
    """The analyzer of the TF-IDF steps: module-level so fitted models pickle and reload."""
    return text.split()


class Tokenizer:
    """Tokenizes paragraphs and their section contexts for the model.

    Every paragraph of a section repeats the same headings, so this object remembers the tokens
    of the contexts it has seen, up to ``context_cache_size`` of them (then it starts afresh):
    the memo belongs to the tokenizer that uses it, and is dropped when the tokenizer is.
    """

    def __init__(self, *, words: bool = True, context_cache_size: int = C.CONTEXT_CACHE_SIZE
                 ) -> None:
        self.words = words
        self.context_cache_size = context_cache_size
        self._contexts: dict[str, str] = {}

    def paragraph(self, text: str, *, syllables: bool) -> tuple[str, str]:
        """(joined word tokens, joined syllables) of a paragraph; syllables empty unless asked."""
        words, sylls = self.paragraph_tokens(text, syllables=syllables)
        return join_tokens(words), join_tokens(sylls)

    def paragraph_tokens(self, text: str, *, syllables: bool) -> tuple[list[str], list[str]]:
        """:meth:`paragraph` as lists of tokens (what the portable model reads, unjoined)."""
        if syllables:
            return tokenize_words_and_syllables(text)
        split = tokenize if self.words else tokenize_syllables
        return split(text), []

    def context(self, context: str) -> str:
        """Joined tokens of a section context (the heading path above a paragraph)."""
        if not context:
            return ""
        cached = self._contexts.get(context)
        if cached is None:
            if len(self._contexts) >= self.context_cache_size:
                self._contexts.clear()
            split = tokenize if self.words else tokenize_syllables
            cached = self._contexts[context] = join_tokens(split(context))
        return cached
