"""Feature steps of the model, as scikit-learn transformers.

The model's input is a sequence of paragraphs, each either a plain string or a
``(text, context)`` pair where ``context`` is the section heading path above the paragraph
("II. CÔNG TÁC KHOA GIÁO / 1. Giáo dục - đào tạo"); a 2-D array with one or two columns
(text, context) is accepted too. Plain strings mean "no context".

:class:`Tokenize` turns each paragraph into four text columns once (pyvi words, context words,
syllables, the text as written); :class:`Column` picks one of them for a TF-IDF block. Both are
stateless: they learn nothing in ``fit``, which is what lets training tokenize the corpus once
before cutting folds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, TransformerMixin

from .portable import as_pairs, token_columns
from .tokens import Tokenizer

__all__ = ["TOKEN_COLUMNS", "Column", "Tokenize", "as_pairs"]

#: The columns :class:`Tokenize` produces, in order (also its ``get_feature_names_out``).
TOKEN_COLUMNS: tuple[str, ...] = ("words", "context", "syllables", "text")


class _Stateless(TransformerMixin, BaseEstimator):
    """Shared tags of the stateless text steps: nothing is learned, so nothing to fit."""

    def fit(self, X: Any, y: Any = None) -> _Stateless:
        if issparse(X):
            raise TypeError(f"{type(self).__name__} takes text columns, not a sparse matrix")
        return self

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.no_validation = True  # text in, text out: there is no numeric array to check
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags


class Tokenize(_Stateless):
    """Paragraphs -> an object array of shape ``(n, 4)``: the columns of ``TOKEN_COLUMNS``.

    ``words=True`` uses pyvi word segmentation for the text and context; ``False`` uses plain
    syllables (no pyvi). ``syllables=True`` also fills the ``syllables`` column with the text's
    syllables, for a syllable n-gram block beside the word block (empty otherwise).
    ``context=False`` leaves the context column empty (a model without a context block).
    """

    def __init__(self, words: bool = True, syllables: bool = False, context: bool = True) -> None:
        self.words = words
        self.syllables = syllables
        self.context = context

    def transform(self, X: Any) -> np.ndarray:
        rows = token_columns(self._get_tokenizer(), as_pairs(X),
                             syllables=self.syllables and self.words, context=self.context)
        out = np.empty((len(rows), len(TOKEN_COLUMNS)), dtype=object)
        for i, row in enumerate(rows):
            out[i] = row
        return out

    def _get_tokenizer(self) -> Tokenizer:
        # transient: built on first use, rebuilt after set_params or unpickling
        tokenizer: Tokenizer | None = self.__dict__.get("_tokenizer")
        if tokenizer is None or tokenizer.words != self.words:
            tokenizer = self.__dict__["_tokenizer"] = Tokenizer(words=self.words)
        return tokenizer

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_tokenizer", None)  # a memo of contexts, not part of the model
        return state

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(TOKEN_COLUMNS, dtype=object)


class Column(_Stateless):
    """Pick one column of a 2-D input: of :class:`Tokenize`'s output, 0 = the paragraph's
    words, 1 = its section context, 2 = its syllables, 3 = the paragraph as written. The result
    is a 1-D array, the input of a TF-IDF vectorizer."""

    def __init__(self, index: int = 0) -> None:
        self.index = index

    def transform(self, X: Any) -> np.ndarray:
        if issparse(X):
            raise TypeError("Column takes text columns, not a sparse matrix")
        if isinstance(X, np.ndarray):
            return X[:, self.index]  # the column as it is (object for Tokenize's output)
        out = np.empty(len(X), dtype=object)
        out[:] = [row[self.index] for row in X]
        return out

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        if input_features is None:
            names = TOKEN_COLUMNS[self.index] if self.index < len(TOKEN_COLUMNS) else f"x{self.index}"
            return np.asarray([names], dtype=object)
        return np.asarray([list(input_features)[self.index]], dtype=object)
