"""The domain lexicon block: how often a paragraph names a body, document, programme or term of
each domain.

The corpus teaches the words its writers happened to use; real text names things it never
mentions ("Hội Khuyến học", "Búa liềm vàng", "45-NQ/TW"). The lexicon
(``tgclassify/resources/lexicon.txt``, written by the team from the domain map) carries that
knowledge: each label gets one feature,
the damped count of its terms in the paragraph, so a weight learned from the terms the corpus
does use transfers to the terms it does not.

Terms and paragraphs are compared as syllable runs from :func:`tokenize_syllables`, so tone
placement, case, punctuation and document-number formatting are folded the same way on both
sides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from . import constants as C
from .errors import DataFormatError
from .portable import lexicon_counts, lexicon_index

__all__ = ["LexiconCounts", "default_lexicon", "read_lexicon"]


def default_lexicon() -> dict[str, list[str]]:
    """The lexicon that ships with the package."""
    text = resources.files("tgclassify").joinpath("resources/lexicon.txt").read_text(encoding="utf-8")
    return parse_lexicon(text, source="tgclassify/resources/lexicon.txt")


def read_lexicon(path: str | Path, *, labels: Sequence[str] = C.LABELS) -> dict[str, list[str]]:
    """Terms per label from a lexicon file (``[label]`` lines open a section; ``#`` comments)."""
    return parse_lexicon(Path(path).read_text(encoding="utf-8"), source=str(path), labels=labels)


def parse_lexicon(text: str, *, source: str = "<lexicon>", labels: Sequence[str] = C.LABELS
                  ) -> dict[str, list[str]]:
    """Terms per label from the text of a lexicon file."""
    path = source
    terms: dict[str, list[str]] = {lab: [] for lab in labels}
    current: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if current not in terms:
                raise DataFormatError(f"{path}:{n}: unknown label {current!r}")
            continue
        if current is None:
            raise DataFormatError(f"{path}:{n}: a term before any [label] line")
        terms[current].append(line)
    return terms


class LexiconCounts(TransformerMixin, BaseEstimator):
    """Space-joined syllables -> one column per label: log(1 + matches of that label's terms).

    ``terms`` maps a label to its terms as written; ``fit`` turns them into syllable runs.
    A label counts at most one match per start position (its longest term there).
    """

    def __init__(self, terms: Mapping[str, Sequence[str]] | None = None,
                 labels: Sequence[str] = C.LABELS) -> None:
        self.terms = terms
        self.labels = labels

    def fit(self, X: Sequence[str], y: Any = None) -> LexiconCounts:
        self.index_ = lexicon_index(self.terms or {}, self.labels)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Sequence[str]) -> Any:
        from scipy.sparse import csr_matrix  # noqa: PLC0415

        rows, cols, vals = [], [], []
        for i, text in enumerate(X):
            counts = lexicon_counts(text, self.index_)
            for j, c in counts.items():
                rows.append(i)
                cols.append(j)
                vals.append(math.log1p(c))
        return csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)),
                          shape=(len(X), len(self.labels)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"lexicon:{lab}" for lab in self.labels], dtype=object)
