"""Feature steps of the pipeline, as scikit-learn transformers.

The model's input is a sequence of paragraphs, each either a plain string or a
``(text, context)`` pair where ``context`` is the section heading path above the paragraph
("II. CÔNG TÁC KHOA GIÁO / 1. Giáo dục - đào tạo"). Plain strings mean "no context".

:class:`Tokenize` turns both parts into space-joined pyvi tokens once; :class:`Column` picks one
part for a TF-IDF block. Keeping tokenization a separate step lets the TF-IDF blocks share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from .tokens import join_tokens, tokenize, tokenize_syllables

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
    """Paragraphs -> (text tokens, context tokens), each a space-joined string.

    ``words=True`` uses pyvi word segmentation; ``False`` uses plain syllables (faster, and the
    baseline the word features are measured against).
    """

    def __init__(self, words: bool = True) -> None:
        self.words = words

    def fit(self, X: Sequence[Any], y: Any = None) -> Tokenize:
        return self

    def transform(self, X: Sequence[Any]) -> list[Pair]:
        split = tokenize if self.words else tokenize_syllables
        return [
            (join_tokens(split(text)), join_tokens(split(context)) if context else "")
            for text, context in as_pairs(X)
        ]


class Column(TransformerMixin, BaseEstimator):
    """Pick one element of each pair: 0 = the paragraph, 1 = its section context."""

    def __init__(self, index: int = 0) -> None:
        self.index = index

    def fit(self, X: Sequence[Pair], y: Any = None) -> Column:
        return self

    def transform(self, X: Sequence[Pair]) -> list[str]:
        return [pair[self.index] for pair in X]
