"""Feature steps of the pipeline, as scikit-learn transformers.

The model's input is a sequence of paragraphs, each either a plain string or a
``(text, context)`` pair where ``context`` is the section heading path above the paragraph
("II. CÔNG TÁC KHOA GIÁO / 1. Giáo dục - đào tạo"). Plain strings mean "no context".

:class:`Tokenize` turns both parts into space-joined pyvi tokens once; :class:`Column` picks one
part for a TF-IDF block. Keeping tokenization a separate step lets the TF-IDF blocks share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from . import constants as C
from .tokens import join_tokens, tokenize, tokenize_syllables, tokenize_words_and_syllables

__all__ = ["Column", "Tokenize", "as_pairs"]

Pair = tuple[str, str]


def as_pairs(X: Sequence[Any]) -> list[Pair]:
    """Accept strings, (text, context) pairs, or objects with ``text`` and ``context``."""
    pairs: list[Pair] = []
    for item in X:
        if isinstance(item, str):
            pairs.append((item, ""))
        elif isinstance(item, tuple | list) and len(item) == 2:
            pairs.append((str(item[0]), str(item[1] or "")))
        elif hasattr(item, "text"):
            pairs.append((str(item.text), str(getattr(item, "context", "") or "")))
        else:
            raise TypeError(
                f"a paragraph must be a str or a (text, context) pair, not {type(item).__name__}"
            )
    return pairs


class Tokenize(TransformerMixin, BaseEstimator):
    """Paragraphs -> (text tokens, context tokens, text syllables, raw text).

    ``words=True`` uses pyvi word segmentation for the text and context; ``False`` uses plain
    syllables (no pyvi). ``syllables=True`` also fills the third element with the text's
    syllables, for a syllable n-gram block beside the word block (empty otherwise).
    """

    def __init__(self, words: bool = True, syllables: bool = False) -> None:
        self.words = words
        self.syllables = syllables

    def fit(self, X: Sequence[Any], y: Any = None) -> Tokenize:
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: nothing to learn

    def transform(self, X: Sequence[Any]) -> list[tuple[str, str, str, str]]:
        split = tokenize if self.words else tokenize_syllables
        out = []
        for text, context in as_pairs(X):
            if self.syllables:
                words, syllables = tokenize_words_and_syllables(text)
            else:
                words, syllables = split(text), []
            out.append((join_tokens(words), _context_tokens(context, self.words) if context else "",
                        join_tokens(syllables), text))
        return out


@lru_cache(maxsize=C.CONTEXT_CACHE_SIZE)
def _context_tokens(context: str, words: bool) -> str:
    # every paragraph of a section repeats the same headings: tokenize them once
    return join_tokens(tokenize(context) if words else tokenize_syllables(context))


class Column(TransformerMixin, BaseEstimator):
    """Pick one element of each tokenized paragraph: 0 = the paragraph's tokens, 1 = its
    section context, 2 = the paragraph's syllables, 3 = the paragraph as written."""

    def __init__(self, index: int = 0) -> None:
        self.index = index

    def fit(self, X: Sequence[tuple[str, ...]], y: Any = None) -> Column:
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: nothing to learn

    def transform(self, X: Sequence[tuple[str, ...]]) -> list[str]:
        return [pair[self.index] for pair in X]

