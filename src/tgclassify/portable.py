"""The portable inference form of a model: plain arrays and JSON, read without scikit-learn.

A model folder holds, beside its card, ``model.json`` (label order, thresholds, tokenization
flags, the feature blocks with their settings and weights, the domain lexicon's terms, the chrome
filter's settings) and ``model.npz`` (vocabularies, idf, coefficients, intercepts). They are
written by :mod:`tgclassify.export` from the fitted scikit-learn pipeline and read here with
``json`` and ``numpy.load(allow_pickle=False)``: loading executes no code from the files, and
tagging imports neither scikit-learn nor scipy.

The arithmetic is scikit-learn's, step for step and in the same precision, so the probabilities
equal the pipeline's (to 1e-9; a test checks the whole corpus):

* counts of the block's terms (n-grams of the paragraph's tokens, or character n-grams inside
  word boundaries), in float32;
* sublinear tf ``log(count) + 1``, times idf, in float32;
* l2 row normalization as scikit-learn's ``normalize``: the squares summed in double in
  column order, each value divided in double and stored in float32;
* the block weight of the ``FeatureUnion`` (a float32 product);
* per label, the dot product with the coefficients in double, plus the intercept, through the
  logistic function.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import constants as C

if TYPE_CHECKING:
    from .tokens import Tokenizer

__all__ = [
    "FORMAT_VERSION",
    "JSON_FILE",
    "NPZ_FILE",
    "READABLE_FORMATS",
    "Block",
    "Features",
    "LinearScorer",
    "PortableChrome",
    "PortableModel",
    "as_pairs",
    "lexicon_counts",
    "lexicon_index",
    "line_shape",
    "read_portable",
    "write_portable",
]

#: Version of the layout of model.json / model.npz that this tgclassify writes. Version 2 added
#: the heading blend (``"headings"``); a version 1 model is read as one without it.
FORMAT_VERSION = 2
#: Versions a reader accepts; it refuses any other.
READABLE_FORMATS = (1, 2)
JSON_FILE = "model.json"
NPZ_FILE = "model.npz"
#: Separates the terms of a vocabulary stored as one UTF-8 array (no term holds it: terms are
#: whitespace-split tokens, their n-grams, or character n-grams of single-spaced text).
TERM_SEPARATOR = "\n"

Pair = tuple[str, str]

#: The token columns a block may read: 0 the paragraph's words, 1 its section context,
#: 2 its syllables, 3 the text as written (the order of :class:`tgclassify.features.Tokenize`).
COLUMNS = ("words", "context", "syllables", "text")


# --- input ----------------------------------------------------------------------------------

def _is_sparse(X: Any) -> bool:
    """A scipy sparse matrix or array, recognised without importing scipy."""
    return type(X).__module__.startswith("scipy.sparse")


def as_pairs(X: Any) -> list[Pair]:
    """Accept strings, (text, context) pairs, objects with ``text`` and ``context``, or the
    rows of a 2-D array with one (text) or two (text, context) columns."""
    if _is_sparse(X):
        raise TypeError("paragraphs are text: a sparse matrix is not accepted")
    if isinstance(X, np.ndarray) and (X.ndim != 2 or X.shape[1] not in (1, 2)):
        raise ValueError(f"a paragraph array needs one or two columns (text, context); "
                         f"this one has shape {X.shape}")
    pairs: list[Pair] = []
    for item in X:
        if isinstance(item, str):
            pairs.append((item, ""))
        elif isinstance(item, tuple | list | np.ndarray) and len(item) in (1, 2):
            context = item[1] if len(item) == 2 else ""
            pairs.append((str(item[0]), "" if context is None else str(context)))
        elif hasattr(item, "text"):
            pairs.append((str(item.text), str(getattr(item, "context", "") or "")))
        else:
            raise TypeError(
                f"a paragraph must be a str or a (text, context) pair, not {type(item).__name__}"
            )
    return pairs


def token_columns(tokenizer: Tokenizer, pairs: Sequence[Pair], *, syllables: bool,
                  context: bool) -> list[tuple[str, str, str, str]]:
    """The four token columns of each paragraph (see ``COLUMNS``)."""
    out = []
    for text, ctx in pairs:
        words, sylls = tokenizer.paragraph(text, syllables=syllables)
        out.append((words, tokenizer.context(ctx) if context else "", sylls, text))
    return out


# --- line shape (the chrome filter's third block) -------------------------------------------

SHAPE_FEATURES = ("words", "at_most_3_words", "capitals", "digits", "ends_with_stop",
                  "separator", "time_or_date", "starts_capital")
_STOP_AT_END = re.compile(r"[.;!?…]$")
_SEPARATOR = re.compile(r"[|>»›•]")
_TIME_OR_DATE = re.compile(r"\d{1,2}[:/]\d{1,2}")


def line_shape(lines: Iterable[str]) -> np.ndarray:
    """Shape features of each line, float32 of shape ``(n, 8)``: length, capitals, digits,
    punctuation at the end, separators (see ``SHAPE_FEATURES``)."""
    rows = []
    for text in lines:
        letters = [c for c in text if c.isalpha()]
        n = max(len(text), 1)
        words = text.split()
        rows.append([
            min(len(words), 40) / 40,
            float(len(words) <= 3),
            sum(c.isupper() for c in letters) / max(len(letters), 1),
            sum(c.isdigit() for c in text) / n,
            float(bool(_STOP_AT_END.search(text))),
            float(bool(_SEPARATOR.search(text))),
            float(bool(_TIME_OR_DATE.search(text))),
            float(text[:1].isupper()),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(SHAPE_FEATURES))


# --- the domain lexicon block ---------------------------------------------------------------

LexiconIndex = dict[str, list[tuple[tuple[str, ...], int]]]


def lexicon_index(terms: Mapping[str, Sequence[str]], labels: Sequence[str]) -> LexiconIndex:
    """Terms per label -> their syllable runs by first syllable, longest first."""
    from .tokens import tokenize_syllables  # noqa: PLC0415 - loading a model needs no tokenizer

    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    col = {lab: j for j, lab in enumerate(labels)}
    for label, label_terms in terms.items():
        for term in label_terms:
            run = tuple(tokenize_syllables(term))
            if run:
                index.setdefault(run[0], []).append((run, col[label]))
    return {k: sorted(set(v), key=lambda t: -len(t[0])) for k, v in index.items()}


def lexicon_counts(syllables: str | list[str], index: LexiconIndex) -> dict[int, int]:
    """Matches per label column in space-joined syllables, or their list (one per label and
    start position), in the order the labels are first matched."""
    syl = syllables.split() if isinstance(syllables, str) else syllables
    counts: dict[int, int] = {}
    for pos, s in enumerate(syl):
        hit: set[int] = set()
        for run, j in index.get(s, ()):
            if j not in hit and tuple(syl[pos:pos + len(run)]) == run:
                hit.add(j)
                counts[j] = counts.get(j, 0) + 1
    return counts


# --- feature blocks -------------------------------------------------------------------------

_WHITE_SPACES = re.compile(r"\s\s+")


def _word_ngrams(tokens: list[str], lo: int, hi: int) -> list[str]:
    """scikit-learn's ``_word_ngrams`` (the counts, not the order, matter)."""
    if hi == 1:
        return tokens
    out = list(tokens) if lo == 1 else []
    n_tokens = len(tokens)
    for n in range(max(lo, 2), min(hi + 1, n_tokens + 1)):
        if n == 2:
            out += [f"{a} {b}" for a, b in pairwise(tokens)]
        else:
            out += [" ".join(tokens[i:i + n]) for i in range(n_tokens - n + 1)]
    return out


def _char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``_char_wb_ngrams``: n-grams inside space-padded words."""
    out: list[str] = []
    for w in _WHITE_SPACES.sub(" ", text).split():
        w = f" {w} "
        w_len = len(w)
        for n in range(lo, hi + 1):
            if w_len <= n:  # a short word counts once, whole
                out.append(w)
                break
            out += [w[i:i + n] for i in range(w_len - n + 1)]
    return out


class _NgramIndex:
    """The word n-grams of a vocabulary as integer keys, so that a batch's n-grams are looked
    up without building their strings: each token of a term gets an id, an n-gram the number
    of its ids in base (number of tokens + 1), and the keys of each n sit in a sorted array.
    Exactly the terms scikit-learn's ``_word_ngrams`` would make and find."""

    def __init__(self, ngram_range: tuple[int, int], tokens: Sequence[str],
                 tables: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        self.lo, self.hi = ngram_range
        self.token_ids = dict(zip(tokens, range(len(tokens)), strict=True))
        self.base = len(tokens) + 1
        self.tables = tables

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        tokens = sorted(self.token_ids, key=self.token_ids.__getitem__)
        out = {f"{prefix}.tokens": _blob(tokens)}
        for n, (keys, features) in self.tables.items():
            out[f"{prefix}.keys{n}"] = keys
            out[f"{prefix}.features{n}"] = features
        return out

    @classmethod
    def from_arrays(cls, ngram_range: tuple[int, int], arrays: Mapping[str, np.ndarray],
                    prefix: str) -> _NgramIndex:
        tokens = _unblob(arrays[f"{prefix}.tokens"])
        tables = {n: (np.asarray(arrays[f"{prefix}.keys{n}"], dtype=np.int64),
                      np.asarray(arrays[f"{prefix}.features{n}"], dtype=np.intp))
                  for n in range(ngram_range[0], ngram_range[1] + 1)
                  if f"{prefix}.keys{n}" in arrays}
        return cls(ngram_range, tokens, tables)

    @classmethod
    def build(cls, vocabulary: Sequence[str], ngram_range: tuple[int, int]) -> _NgramIndex:
        lo, hi = ngram_range
        token_ids: dict[str, int] = {}
        parts = [term.split(" ") for term in vocabulary]
        for words in parts:
            if not lo <= len(words) <= hi:
                raise ValueError(f"a term of {len(words)} words outside {ngram_range}")
            for w in words:
                token_ids.setdefault(w, len(token_ids))
        base = len(token_ids) + 1
        if base ** max(hi, 1) >= 2 ** 62:
            raise ValueError(f"n-grams up to {hi} over {base} tokens do not fit the keys")
        by_n: dict[int, tuple[list[int], list[int]]] = {}
        for j, words in enumerate(parts):
            key = 0
            for w in words:
                key = key * base + token_ids[w]
            keys, features = by_n.setdefault(len(words), ([], []))
            keys.append(key)
            features.append(j)
        tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n, (keys, features) in by_n.items():
            k = np.asarray(keys, dtype=np.int64)
            order = np.argsort(k, kind="stable")
            tables[n] = (k[order], np.asarray(features, dtype=np.intp)[order])
        return cls(ngram_range, list(token_ids), tables)

    def lookup(self, tokens: list[str], lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(row, feature) of every n-gram of each row's tokens found in the vocabulary."""
        tids = np.fromiter(map(self.token_ids.get, tokens, repeat(-1)), dtype=np.int64,
                           count=len(tokens))
        rows = np.repeat(np.arange(len(lengths), dtype=np.intp), lengths)
        out_rows: list[np.ndarray] = []
        out_features: list[np.ndarray] = []
        keys = tids.copy()
        valid = tids >= 0
        for n in range(1, self.hi + 1):
            if n > 1:  # extend each (n-1)-gram starting at i by the token at i + n - 1
                m = len(tids) - n + 1
                if m <= 0:
                    break
                keys = keys[:m] * self.base + tids[n - 1:]
                valid = valid[:m] & (tids[n - 1:] >= 0) & (rows[:m] == rows[n - 1:])
            if n < self.lo or n not in self.tables:
                continue
            table_keys, table_features = self.tables[n]
            candidates = np.flatnonzero(valid)
            at = np.searchsorted(table_keys, keys[candidates])
            at[at == len(table_keys)] = 0
            found = table_keys[at] == keys[candidates]
            out_rows.append(rows[candidates[found]])
            out_features.append(table_features[at[found]])
        if not out_rows:
            return np.zeros(0, np.intp), np.zeros(0, np.intp)
        return np.concatenate(out_rows), np.concatenate(out_features)


@dataclass
class Block:
    """One block of the feature union: how it reads a column and turns it into features.

    ``kind`` is ``"tfidf"`` (a fitted TF-IDF vectorizer), ``"lexicon"`` (damped counts of the
    domain lexicon per label) or ``"shape"`` (the line shape of the chrome filter). ``column``
    is the token column it reads (``None``: the input line itself). ``weight`` is the
    ``FeatureUnion`` weight (``None``: none applied).
    """

    name: str
    kind: str
    column: int | None
    n_features: int
    weight: float | None = None
    # tfidf
    analyzer: str = "split"  # split (tokens are whitespace-separated) | word | char_wb
    ngram_range: tuple[int, int] = (1, 1)
    lowercase: bool = False
    token_pattern: str | None = None
    sublinear_tf: bool = False
    norm: str | None = "l2"
    vocabulary: list[str] | np.ndarray = field(default_factory=list)  # terms, or their blob
    idf: np.ndarray | None = None
    # lexicon
    labels: tuple[str, ...] = ()
    terms: dict[str, list[str]] = field(default_factory=dict)
    feature_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index: dict[str, int] | None = None  # term -> column, built on first use
        self._pattern = re.compile(self.token_pattern) if self.token_pattern else None
        self._lexicon = lexicon_index(self.terms, self.labels) if self.kind == "lexicon" else {}
        self._ngrams: _NgramIndex | None = None

    def index_ngrams(self, ngrams: _NgramIndex | None = None) -> None:
        """Look word n-grams up by integer keys (built from the vocabulary unless given);
        terms that are not n-grams of space-free tokens keep the lookup by string."""
        if self.kind != "tfidf" or self.analyzer == "char_wb":
            return
        try:
            self._ngrams = ngrams or _NgramIndex.build(self.vocabulary_terms(), self.ngram_range)
        except ValueError:
            self._ngrams = None

    def vocabulary_terms(self) -> list[str]:
        """The vocabulary in column order (decoded on first use: tagging does not need it)."""
        if isinstance(self.vocabulary, np.ndarray):
            self.vocabulary = _unblob(self.vocabulary)
        return self.vocabulary

    def names(self) -> list[str]:
        """Feature names, in column order (as ``get_feature_names_out`` of the fitted step)."""
        if self.kind == "tfidf":
            return self.vocabulary_terms()
        if self.kind == "shape":
            return list(SHAPE_FEATURES)
        return self.feature_names

    def tokens(self, doc: str | list[str]) -> list[str]:
        """The tokens a word analyzer makes n-grams of (a list of tokens: those, split)."""
        if not isinstance(doc, str):
            if self.analyzer == "split" and not self.lowercase:
                return doc
            doc = " ".join(doc)
        if self.lowercase:
            doc = doc.lower()
        return self._pattern.findall(doc) if self._pattern is not None else doc.split()

    def analyze(self, doc: str | list[str]) -> list[str]:
        if not isinstance(doc, str):
            doc = " ".join(doc)
        if self.lowercase:
            doc = doc.lower()
        lo, hi = self.ngram_range
        if self.analyzer == "char_wb":
            return _char_wb_ngrams(doc, lo, hi)
        tokens = self._pattern.findall(doc) if self._pattern is not None else doc.split()
        return _word_ngrams(tokens, lo, hi)

    def transform(self, docs: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR parts of this block for ``docs`` (strings, or lists of tokens): (row of each
        value, column, float32 value)."""
        if self.kind == "tfidf":
            rows, cols, data = self._tfidf(docs)
        elif self.kind == "lexicon":
            rows, cols, data = self._counts(docs)
        else:
            dense = line_shape(docs)
            rows, cols = np.nonzero(dense)
            data = dense[rows, cols]
        if self.weight is not None:
            data = data * self.weight  # float32, as FeatureUnion's `res * weight`
        return rows, cols, data

    def _term_ids(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, feature) of every term of the batch found in the vocabulary, repeats kept."""
        if self._ngrams is not None:
            tokens: list[str] = []
            lengths: list[int] = []
            for doc in docs:
                doc_tokens = self.tokens(doc)
                tokens += doc_tokens
                lengths.append(len(doc_tokens))
            return self._ngrams.lookup(tokens, lengths)
        if self._index is None:
            self._index = {t: i for i, t in enumerate(self.vocabulary_terms())}
        get = self._index.get
        terms: list[str] = []
        lengths = []
        for doc in docs:
            doc_terms = self.analyze(doc)
            terms += doc_terms
            lengths.append(len(doc_terms))
        ids = np.fromiter(map(get, terms, repeat(-1)), dtype=np.intp, count=len(terms))
        rows = np.repeat(np.arange(len(lengths), dtype=np.intp), lengths)
        known = ids >= 0
        return rows[known], ids[known]

    def _tfidf(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # every term of the batch looked up at once; the counts of (row, column) keys come
        # sorted from np.unique, each row's columns in order as CountVectorizer leaves them
        rows_of_terms, ids = self._term_ids(docs)
        n_features = max(self.n_features, 1)
        keys, counts = np.unique(rows_of_terms * n_features + ids, return_counts=True)
        r, c = np.divmod(keys, n_features)
        data = counts.astype(np.float32)
        if self.sublinear_tf:
            np.log(data, data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[c]
        if self.norm == "l2" and len(data):
            # sklearn.utils.sparsefuncs_fast._inplace_csr_row_normalize_l2: float32 squares
            # summed in double in column order, each value divided in double
            norms = np.sqrt(np.bincount(r, weights=data * data, minlength=len(docs)))
            scale = norms[r]
            nonzero = scale != 0.0
            data[nonzero] = (data[nonzero].astype(np.float64) / scale[nonzero]).astype(np.float32)
        elif self.norm == "l1" and len(data):
            sums = np.bincount(r, weights=np.abs(data).astype(np.float64), minlength=len(docs))
            scale = sums[r]
            nonzero = scale != 0.0
            data[nonzero] = (data[nonzero].astype(np.float64) / scale[nonzero]).astype(np.float32)
        return r, c, data

    def _counts(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, doc in enumerate(docs):
            for j, n in lexicon_counts(doc, self._lexicon).items():
                rows.append(i)
                cols.append(j)
                vals.append(math.log1p(n))
        return (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp),
                np.asarray(vals, dtype=np.float32))

    # --- storage ---
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "column": self.column,
                               "n_features": self.n_features, "weight": self.weight}
        if self.kind == "tfidf":
            out.update(analyzer=self.analyzer, ngram_range=list(self.ngram_range),
                       lowercase=self.lowercase, token_pattern=self.token_pattern,
                       sublinear_tf=self.sublinear_tf, norm=self.norm,
                       idf=self.idf is not None)
        elif self.kind == "lexicon":
            out.update(labels=list(self.labels), terms=self.terms,
                       feature_names=self.feature_names)
        return out

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        if self.kind != "tfidf":
            return {}
        out = {f"{prefix}{self.name}.vocabulary": _blob(self.vocabulary_terms())}
        if self.idf is not None:
            out[f"{prefix}{self.name}.idf"] = self.idf
        if self._ngrams is not None:
            out.update(self._ngrams.arrays(f"{prefix}{self.name}.ngrams"))
        return out

    @classmethod
    def from_json(cls, spec: dict[str, Any], arrays: Mapping[str, np.ndarray], prefix: str
                  ) -> Block:
        kind = spec["kind"]
        if kind not in ("tfidf", "lexicon", "shape"):
            raise ValueError(f"unknown block kind {kind!r}")
        kwargs: dict[str, Any] = {"name": spec["name"], "kind": kind, "column": spec["column"],
                                  "n_features": int(spec["n_features"]),
                                  "weight": spec.get("weight")}
        if kind == "tfidf":
            vocabulary = np.asarray(arrays[f"{prefix}{spec['name']}.vocabulary"], dtype=np.uint8)
            n_terms = int(np.count_nonzero(vocabulary == ord(TERM_SEPARATOR))) + 1 if len(
                vocabulary) else 0
            kwargs.update(analyzer=spec["analyzer"], ngram_range=tuple(spec["ngram_range"]),
                          lowercase=bool(spec["lowercase"]), token_pattern=spec["token_pattern"],
                          sublinear_tf=bool(spec["sublinear_tf"]), norm=spec["norm"],
                          vocabulary=vocabulary,
                          idf=(np.asarray(arrays[f"{prefix}{spec['name']}.idf"], dtype=np.float32)
                               if spec["idf"] else None))
            if n_terms != kwargs["n_features"]:
                raise ValueError(f"block {spec['name']}: {n_terms} terms, "
                                 f"{kwargs['n_features']} features")
        elif kind == "lexicon":
            kwargs.update(labels=tuple(spec["labels"]), terms=dict(spec["terms"]),
                          feature_names=list(spec["feature_names"]))
        block = cls(**kwargs)
        if f"{prefix}{block.name}.ngrams.tokens" in arrays:
            ngrams = _NgramIndex.from_arrays(block.ngram_range, arrays,
                                             f"{prefix}{block.name}.ngrams")
            if any(len(f) and not 0 <= f.min() <= f.max() < block.n_features
                   for _, f in ngrams.tables.values()):
                raise ValueError(f"block {block.name}: n-gram features out of range")
            block.index_ngrams(ngrams)
        return block


def _blob(terms: Sequence[str]) -> np.ndarray:
    """Terms as one UTF-8 byte array (a compact, pickle-free way to store strings)."""
    return np.frombuffer(TERM_SEPARATOR.join(terms).encode("utf-8"), dtype=np.uint8)


def _unblob(blob: np.ndarray) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split(TERM_SEPARATOR) if text else []


@dataclass
class Features:
    """The blocks of a feature union, side by side (columns offset block after block)."""

    blocks: list[Block]

    def __post_init__(self) -> None:
        self.offsets = np.cumsum([0] + [b.n_features for b in self.blocks])

    @property
    def n_features(self) -> int:
        return int(self.offsets[-1])

    def transform(self, columns: Sequence[Sequence[str]], n: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, float32 value) of every nonzero feature; rows in order, each row's
        values block after block as ``FeatureUnion`` stacks them. ``columns[c]`` is the token
        column ``c`` (or, for a block with ``column=None``, ``columns[0]`` the raw lines)."""
        parts = []
        for block, offset in zip(self.blocks, self.offsets[:-1], strict=True):
            docs = columns[block.column if block.column is not None else 0]
            r, c, v = block.transform(docs)
            parts.append((r, c + offset, v))
        rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.intp)
        cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.intp)
        data = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32)
        order = np.argsort(rows, kind="stable")
        return rows[order], cols[order], data[order]

    def names(self, display: Callable[[str, str], str]) -> list[str]:
        return [display(b.name, t) for b in self.blocks for t in b.names()]


@dataclass
class LinearScorer:
    """Binary logistic models side by side: ``coef`` (models × features, float64) and
    ``intercept``; probability = 1 / (1 + exp(-(x · coef + intercept)))."""

    coef: np.ndarray
    intercept: np.ndarray

    def decision(self, rows: np.ndarray, cols: np.ndarray, data: np.ndarray, n: int
                 ) -> np.ndarray:
        values = data.astype(np.float64)
        out = np.empty((n, self.coef.shape[0]), dtype=np.float64)
        for k in range(self.coef.shape[0]):
            out[:, k] = np.bincount(rows, weights=values * self.coef[k, cols], minlength=n)
        out += self.intercept[None, :]
        return out

    def proba(self, rows: np.ndarray, cols: np.ndarray, data: np.ndarray, n: int) -> np.ndarray:
        d = self.decision(rows, cols, data, n)
        return np.asarray(1.0 / (1.0 + np.exp(-d)))


def _display_name(block: str, term: str) -> str:
    """A feature as ``explain`` shows it: the paragraph's words bare, others prefixed."""
    return term if block == "text" else f"{block}:{term}"


class PortableModel:
    """The tagging model in portable form: tokenization flags, feature blocks, one logistic
    model per label, a threshold per label and the heading blend (``heading_weight`` 0: none).
    ``predict_proba`` takes what :meth:`tgclassify.Classifier.predict_proba` takes."""

    def __init__(self, labels: Sequence[str], thresholds: Sequence[float] | np.ndarray,
                 features: Features,
                 scorer: LinearScorer, *, words: bool, syllables: bool, context: bool,
                 heading_weight: float = 0.0, heading_window: int = 0) -> None:
        self.labels = tuple(labels)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.features = features
        self.scorer = scorer
        self.words = words
        self.syllables = syllables
        self.context = context
        self.heading_weight = float(heading_weight)
        self.heading_window = int(heading_window)
        self._tokenizer: Tokenizer | None = None

    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            from .tokens import Tokenizer  # noqa: PLC0415 - loading a model needs no tokenizer

            self._tokenizer = Tokenizer(words=self.words)
        return self._tokenizer

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tokenizer"] = None  # a memo of contexts, not part of the model
        return state

    def _rows(self, paragraphs: Any) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], int]:
        # the columns of token_columns (what the pipeline's Tokenize gives), with the words and
        # syllables left as lists: the blocks would only split the joined strings again
        pairs = as_pairs(paragraphs)
        tokenizer = self.tokenizer()
        syllables = self.syllables and self.words
        words: list[list[str]] = []
        sylls: list[list[str]] = []
        contexts: list[str] = []
        for text, ctx in pairs:
            w, s = tokenizer.paragraph_tokens(text, syllables=syllables)
            words.append(w)
            sylls.append(s)
            contexts.append(tokenizer.context(ctx) if self.context else "")
        columns: list[Sequence[Any]] = [words, contexts, sylls, [t for t, _ in pairs]]
        return self.features.transform(columns, len(pairs)), len(pairs)

    def predict_proba(self, paragraphs: Any) -> np.ndarray:
        (rows, cols, data), n = self._rows(paragraphs)
        return self.scorer.proba(rows, cols, data, n)

    def explain(self, text: str, context: str, labels: Sequence[str], top: int
                ) -> dict[str, list[tuple[str, float]]]:
        """For each of ``labels``: the features of the paragraph that push it up most, with
        their weight (feature value times coefficient)."""
        (_, cols, data), _ = self._rows([(text, context)])
        names = self.feature_names()
        out: dict[str, list[tuple[str, float]]] = {}
        for label in labels:
            contrib = data * self.scorer.coef[self.labels.index(label), cols]
            order = np.argsort(-contrib)[:top]
            out[label] = [(names[cols[i]], round(float(contrib[i]), 4))
                          for i in order if contrib[i] > 0]
        return out

    def feature_names(self) -> list[str]:
        names: list[str] | None = self.__dict__.get("_names")
        if names is None:
            names = self.__dict__["_names"] = self.features.names(_display_name)
        return names


class PortableChrome:
    """The learned chrome filter in portable form; called like
    :class:`tgclassify.chrome.ChromeFilter` on a batch of lines."""

    def __init__(self, features: Features, scorer: LinearScorer, threshold: float,
                 max_words: int = C.NOISE_MODEL_MAX_WORDS) -> None:
        self.features = features
        self.scorer = scorer
        self.threshold = float(threshold)
        self.max_words = int(max_words)

    def proba(self, lines: Sequence[str]) -> np.ndarray:
        lines = [str(line) for line in lines]
        rows, cols, data = self.features.transform([lines], len(lines))
        return np.asarray(self.scorer.proba(rows, cols, data, len(lines))[:, 0])

    def __call__(self, lines: Sequence[str]) -> list[bool]:
        """True for each line judged chrome; lines longer than ``max_words`` are content."""
        out = [False] * len(lines)
        idx = [i for i, line in enumerate(lines) if len(line.split()) <= self.max_words]
        if idx:
            p = self.proba([lines[i] for i in idx])
            for i, pi in zip(idx, p, strict=True):
                out[i] = bool(pi >= self.threshold)
        return out


# --- files ----------------------------------------------------------------------------------

def _features_json(features: Features) -> list[dict[str, Any]]:
    return [b.to_json() for b in features.blocks]


def _features_arrays(features: Features, prefix: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for b in features.blocks:
        out.update(b.arrays(prefix))
    return out


def _features_from(specs: list[dict[str, Any]], arrays: Mapping[str, np.ndarray], prefix: str
                   ) -> Features:
    return Features([Block.from_json(s, arrays, prefix) for s in specs])


def _scorer_from(arrays: Mapping[str, np.ndarray], prefix: str, n_models: int, n_features: int
                 ) -> LinearScorer:
    coef = np.asarray(arrays[f"{prefix}coef"], dtype=np.float64)
    intercept = np.asarray(arrays[f"{prefix}intercept"], dtype=np.float64)
    if coef.shape != (n_models, n_features) or intercept.shape != (n_models,):
        raise ValueError(f"{prefix or 'model '}coefficients have shape {coef.shape}, expected "
                         f"({n_models}, {n_features})")
    return LinearScorer(coef, intercept)


def write_portable(folder: Path, model: PortableModel, chrome: PortableChrome | None,
                   write: Callable[[Path, bytes], None]) -> None:
    """Write ``model.json`` and ``model.npz`` to ``folder`` through ``write(path, bytes)``."""
    spec: dict[str, Any] = {
        "format": "tgclassify-portable",
        "format_version": FORMAT_VERSION,
        "labels": list(model.labels),
        "thresholds": [float(t) for t in model.thresholds],
        "tokenize": {"words": model.words, "syllables": model.syllables,
                     "context": model.context},
        "blocks": _features_json(model.features),
        "classifier": "logistic",
        "headings": {"weight": model.heading_weight, "window": model.heading_window},
        "chrome": None,
    }
    arrays = _features_arrays(model.features, "model.")
    arrays["model.coef"] = model.scorer.coef
    arrays["model.intercept"] = model.scorer.intercept
    if chrome is not None:
        spec["chrome"] = {"threshold": chrome.threshold, "max_words": chrome.max_words,
                          "blocks": _features_json(chrome.features), "classifier": "logistic"}
        arrays.update(_features_arrays(chrome.features, "chrome."))
        arrays["chrome.coef"] = chrome.scorer.coef
        arrays["chrome.intercept"] = chrome.scorer.intercept
    write(folder / NPZ_FILE, _npz_bytes(arrays))
    write(folder / JSON_FILE,
          (json.dumps(spec, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` (what ``numpy.load`` reads) whose float64 arrays, the coefficients, are stored
    and the rest deflated: zlib saves under a tenth of float64 coefficients' size and its
    decompression was half of a model's load time; vocabularies, idf and n-gram keys shrink
    several times. Members carry a fixed date, so the same model gives the same bytes."""
    import io  # noqa: PLC0415 - only when saving
    import zipfile  # noqa: PLC0415

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", allowZip64=True) as zf:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = (zipfile.ZIP_STORED if array.dtype == np.float64
                                  else zipfile.ZIP_DEFLATED)
            zf.writestr(info, member.getvalue())
    return buffer.getvalue()


def read_portable(folder: Path) -> tuple[PortableModel, PortableChrome | None]:
    """Read ``model.json`` and ``model.npz`` (no pickles: ``allow_pickle=False``). Raises
    ValueError (or KeyError, OSError) on a file that is not of this format."""
    spec = json.loads((folder / JSON_FILE).read_text(encoding="utf-8"))
    if spec.get("format") != "tgclassify-portable":
        raise ValueError(f"{JSON_FILE} is not a tgclassify portable model")
    if spec.get("format_version") not in READABLE_FORMATS:
        raise ValueError(f"{JSON_FILE} is of format version {spec.get('format_version')}, "
                         f"this tgclassify reads {', '.join(map(str, READABLE_FORMATS))}")
    with np.load(folder / NPZ_FILE, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    labels = spec["labels"]
    features = _features_from(spec["blocks"], arrays, "model.")
    scorer = _scorer_from(arrays, "model.", len(labels), features.n_features)
    tok = spec["tokenize"]
    headings = spec.get("headings") or {"weight": 0.0, "window": 0}
    weight, window = float(headings["weight"]), int(headings["window"])
    if not (0.0 <= weight <= 1.0 and 0 <= window <= C.HEADING_MAX_WINDOW):
        raise ValueError(f"{JSON_FILE}: heading blend weight {weight} or window {window} out of "
                         f"range")
    model = PortableModel(labels, spec["thresholds"], features, scorer, words=bool(tok["words"]),
                          syllables=bool(tok["syllables"]), context=bool(tok["context"]),
                          heading_weight=weight, heading_window=window)
    chrome = None
    if spec.get("chrome"):
        cspec = spec["chrome"]
        cfeatures = _features_from(cspec["blocks"], arrays, "chrome.")
        chrome = PortableChrome(cfeatures, _scorer_from(arrays, "chrome.", 1, cfeatures.n_features),
                                cspec["threshold"], cspec["max_words"])
    return model, chrome
