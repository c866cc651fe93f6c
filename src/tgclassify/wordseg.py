"""Exact, fast Vietnamese word segmentation: pyvi's tokenizer re-implemented.

:meth:`WordSegmenter.segment` returns what ``pyvi.ViTokenizer.tokenize`` returns, for any
string, several times faster. pyvi cuts the text into syllables with one regular expression,
describes each syllable by a dict of features (the syllable lowercased, its neighbours,
title/upper/digit flags, whether the syllable bigram and trigram are in pyvi's word list), tags
every syllable B_W / I_W with a two-label linear-chain CRF (python-crfsuite) and joins an I_W
syllable to the one before with "_" unless punctuation, a digit or a capital stops it. Here:

- The CRF's weights come from the installed pyvi itself: its model file ``models/pyvi3.pkl`` is
  a pickled ``sklearn_crfsuite.CRF`` that carries the crfsuite model file as bytes. They are
  read without importing pyvi (1-2 s, through scikit-learn) and without unpickling
  anything (the bytes are found by walking the pickle's opcodes), parsed from crfsuite's binary
  format, and kept in a small JSON file in a per-user cache (``$TGCLASSIFY_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/tgclassify``, else ``~/.cache/tgclassify``), keyed by pyvi's version and the
  SHA-256 of the model file, and checked at each load (source, checksum, types); an invalid
  file is rebuilt, an unwritable folder leaves the weights in memory only. pyvi's word list
  ``models/words.txt`` is read as it is. Nothing of pyvi's model is stored in this repository.
- What a syllable's features contribute is computed once per distinct syllable, and what a
  pair of neighbouring syllables contributes once per distinct pair, in bounded caches.
- The two-label Viterbi runs on plain Python floats.

Exactness holds by construction, not by luck: crfsuite adds the weights of a syllable's
attributes to its two label scores one at a time, in the order of pyvi's feature dict (absent
attributes add nothing, false flags add a zero), then runs Viterbi with a strict ``<`` so that ties
keep the lower label. :class:`WordSegmenter` adds the same doubles in the same order and
compares the same way, so every score is bit-for-bit crfsuite's and every decision the same.
The quirks are kept: crfsuite reads attribute names as C strings (cut at the first NUL), a
text without syllables comes back unchanged (not NFC-normalized), "\\n" is a syllable, and a
text that cannot be encoded as UTF-8 (lone surrogates) is refused (pyvi fails on it too, with
an error from inside python-crfsuite; here it is the ``UnicodeEncodeError``).

>>> seg = get_segmenter()
>>> seg.segment("Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị báo cáo viên")
'Ban Tuyên_giáo Tỉnh_ủy tổ_chức hội_nghị báo_cáo_viên'
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import string
import struct
import threading
import unicodedata
from dataclasses import dataclass, field
from importlib import util
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, cast

from . import constants as C
from .errors import TgclassifyError

__all__ = ["SegmenterModel", "WordSegmenter", "WordSegmenterError", "crfsuite_tables", "get_segmenter",
           "segment"]


class WordSegmenterError(TgclassifyError):
    """pyvi's model could not be found or read."""


# --- pyvi's syllabification, exactly -------------------------------------------------------

# The alternatives of pyvi's ``ViTokenizer.sylabelize``, in its order (the first that matches at
# a position wins), with its inner groups made non-capturing so that ``findall`` returns whole
# matches: the same matches, as pyvi keeps only group 1, the whole match.
_ABBREVIATIONS = [r"[A-ZĐ]+\.", r"Tp\.", r"Mr\.", r"Mrs\.", r"Ms\.", r"Dr\.", r"ThS\."]
_SPECIALS = [r"==>", r"->", r"\.\.\.", r">>", "\n"]
_WEB = r"\w+://[^\s]+"
_EMAIL = r"(?:[a-zA-Z0-9_.+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)"
_DIGIT = r"\d+(?:[\.,_]\d+)+"
_NON_WORD = r"[^\w\s]"
_WORD = r"\w+"
_SYLLABLE = re.compile("|".join([*_ABBREVIATIONS, *_SPECIALS, _WEB, _EMAIL, _DIGIT, _NON_WORD,
                                 _WORD]))
# Why the fast path in :meth:`WordSegmenter._ids` may skip that expression:
# - no match contains whitespace other than the "\n" special, nor looks behind or at the ends of
#   the string, so the syllables of a text are those of its whitespace-separated chunks in turn
#   (``str.split()`` and ``\s`` both use ``Py_UNICODE_ISSPACE``);
# - a chunk of ``\w`` characters other than "_" (``str.isalnum()`` tests the same
#   ``Py_UNICODE_ISALNUM`` as ``\w``) holds no ".", ":", "@", ",", "_", "=", "-" or ">", so no
#   alternative before ``\w+`` can match in it, and ``\w+`` takes it whole.

# pyvi's post-processing tests ``token in string.punctuation``: a substring test, kept as is.
_PUNCTUATION = string.punctuation

# pyvi's model labels
_BEGIN, _INSIDE = "B_W", "I_W"

# Attribute names of pyvi's feature dict (``ViTokenizer.word2features``); python-crfsuite turns a
# string value into the attribute "name:value" and a bool into the attribute "name" of weight
# 1.0 or 0.0.
_A_BIAS = "bias"
_A_LOWER, _A_UPPER, _A_TITLE, _A_DIGIT = ("word.lower():", "word.isupper()", "word.istitle()",
                                          "word.isdigit()")
_A_PREV_LOWER, _A_PREV_TITLE, _A_PREV_UPPER = ("-1:word.lower():", "-1:word.istitle()",
                                               "-1:word.isupper()")
_A_PREV_BIGRAM, _A_PREV_TRIGRAM = "-1:word.bi_gram()", "-2:word.tri_gram()"
_A_NEXT_LOWER, _A_NEXT_TITLE, _A_NEXT_UPPER = ("+1:word.lower():", "+1:word.istitle()",
                                               "+1:word.isupper()")
_A_NEXT_BIGRAM, _A_NEXT_TRIGRAM = "+1:word.bi_gram()", "+2:word.tri_gram()"


# --- pyvi's model: where it is, reading it, caching it --------------------------------------

_PYVI_MODEL = ("models", "pyvi3.pkl")  # what pyvi's ViTokenizer loads on Python 3
_PYVI_WORDS = ("models", "words.txt")
_CACHE_FORMAT = 2
_CACHE_ENV = "TGCLASSIFY_CACHE_DIR"


def pyvi_dir() -> Path:
    """The folder of the installed pyvi package, found without importing it."""
    spec = util.find_spec("pyvi")
    if spec is None or not spec.submodule_search_locations:
        raise WordSegmenterError("pyvi is not installed: word segmentation reads its model "
                                 "(pip install 'pyvi>=0.1.1,<0.2')")
    return Path(next(iter(spec.submodule_search_locations)))


def _pyvi_version() -> str:
    # the installed distribution's own metadata file, read directly: importing
    # importlib.metadata and scanning sys.path costs 10-70 ms of every cold start
    with contextlib.suppress(OSError, StopIteration, ValueError):
        found = list(pyvi_dir().parent.glob("pyvi-*.dist-info/METADATA"))
        if len(found) == 1:
            with open(found[0], encoding="utf-8") as fh:
                lines = iter(fh.readline, "")
                return next(line for line in lines if line.startswith("Version:")).split(
                    ":", 1)[1].strip()
    from importlib import metadata  # noqa: PLC0415 - 10-70 ms to import, needed once

    try:
        return metadata.version("pyvi")
    except metadata.PackageNotFoundError:  # a source checkout on the path: no metadata
        return "unknown"


def default_cache_dir() -> Path:
    """``$TGCLASSIFY_CACHE_DIR``, else ``$XDG_CACHE_HOME/tgclassify``, else ``~/.cache/tgclassify``."""
    explicit = os.environ.get(_CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tgclassify"


def crfsuite_bytes_from_pickle(data: bytes) -> bytes:
    """The crfsuite model file inside a pickled ``sklearn_crfsuite.CRF``, without unpickling.

    sklearn-crfsuite pickles the model file's contents under the key
    ``__FILE_RESOURCE_DATA__``; the next string or bytes opcode is that content (protocol 2
    writes bytes as a latin-1 str re-encoded on load).
    """
    import pickletools  # noqa: PLC0415 - only for the one-time conversion

    seen_key = False
    try:
        for _op, arg, _pos in pickletools.genops(data):
            if seen_key and isinstance(arg, (str, bytes)):
                blob = arg.encode("latin-1") if isinstance(arg, str) else arg
                if not blob.startswith(b"lCRF"):
                    break
                return blob
            if arg == "__FILE_RESOURCE_DATA__":
                seen_key = True
    except (ValueError, UnicodeEncodeError) as exc:
        raise WordSegmenterError(f"pyvi's model file is not a readable pickle: {exc}") from exc
    raise WordSegmenterError("no crfsuite model found inside pyvi's model file")


def crfsuite_tables(b: bytes) -> tuple[list[str], list[str], list[tuple[int, int, int, float, int]]]:
    """Labels, attributes and features of a crfsuite CRF1d model file (python-crfsuite's format).

    A feature is ``(type, source, destination, weight, offset of the weight in the file)``: type
    0 is a state feature (attribute -> label), 1 a transition (label -> label). Raises
    ``struct.error`` or :class:`WordSegmenterError` on a damaged file.
    """
    # header: magic, size, type, version, #features, #labels, #attributes, then the offsets of
    # the features, the label and attribute string databases and the two reference lists
    (magic, _size, kind, _version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs,
     _off_label_refs, off_attr_refs) = struct.unpack_from("<4sI4sIIIIIIIII", b, 0)
    if magic != b"lCRF" or kind != b"FOMC":
        raise WordSegmenterError("pyvi's model is not a crfsuite CRF1d model")

    def strings(off: int, expected: int) -> list[str]:
        # a CQDB database: header, 256 hash tables, then a backward array id -> record offset
        chunk, _sz, _flag, _order, count, bwd = struct.unpack_from("<4sIIIII", b, off)
        if chunk != b"CQDB" or count != expected:
            raise WordSegmenterError("pyvi's crfsuite model has a bad string table")
        out = []
        for i in range(count):
            (rec,) = struct.unpack_from("<I", b, off + bwd + 4 * i)
            rid, size = struct.unpack_from("<iI", b, off + rec)
            raw = b[off + rec + 8: off + rec + 8 + size]
            if rid != i or not raw.endswith(b"\0") or len(raw) != size:
                raise WordSegmenterError("pyvi's crfsuite model has a bad string record")
            out.append(raw[:-1].decode("utf-8"))
        return out

    labels = strings(off_labels, n_labels)
    attrs = strings(off_attrs, n_attrs)
    chunk, _sz, n_feat = struct.unpack_from("<4sII", b, off_feat)
    if chunk != b"FEAT":
        raise WordSegmenterError("pyvi's crfsuite model has no feature table")
    # a chunk header is 12 bytes (tag, size, count); a feature 20 (type, source, destination as
    # uint32, then the weight as a double)
    feats = []
    for i in range(n_feat):
        at = off_feat + 12 + 20 * i
        ftype, src, dst, w = struct.unpack_from("<IIId", b, at)
        if dst >= n_labels or src >= (n_attrs if ftype == 0 else n_labels):
            raise WordSegmenterError("pyvi's crfsuite model has a feature out of range")
        feats.append((ftype, src, dst, w, at + 12))
    # every state feature must be reachable from its attribute's reference list, as crfsuite
    # sums only those: check it rather than assume it
    chunk, _sz, n_refs = struct.unpack_from("<4sII", b, off_attr_refs)
    if chunk != b"AFRF" or n_refs != n_attrs:
        raise WordSegmenterError("pyvi's crfsuite model has a bad attribute reference list")
    referenced = 0
    for a in range(n_refs):
        (off,) = struct.unpack_from("<I", b, off_attr_refs + 12 + 4 * a)
        (k,) = struct.unpack_from("<I", b, off)
        for fid in struct.unpack_from(f"<{k}I", b, off + 4):
            if feats[fid][0] != 0 or feats[fid][1] != a:
                raise WordSegmenterError("pyvi's crfsuite model has a bad feature reference")
            referenced += 1
    if referenced != sum(1 for f in feats if f[0] == 0):
        raise WordSegmenterError("pyvi's crfsuite model has unreferenced state features")
    return labels, attrs, feats


@dataclass(frozen=True)
class SegmenterModel:
    """The weights of pyvi's CRF: labels, transitions and attribute -> per-label weights.

    ``attributes`` maps an attribute name to its weight for each label, in the order of
    ``labels`` (0.0 where the model has no such feature: adding it changes no sum).
    """

    labels: tuple[str, ...]
    transitions: tuple[tuple[float, ...], ...]
    attributes: dict[str, tuple[float, ...]] = field(repr=False)
    source: dict[str, str] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "transitions": [list(r) for r in self.transitions],
                "attributes": {k: list(v) for k, v in self.attributes.items()}}

    @staticmethod
    def encode_payload(payload: dict[str, Any]) -> bytes:
        """The cache's second line: the payload as compact ASCII JSON (floats round-trip)."""
        return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_payload(cls, payload: Any, source: dict[str, str]) -> SegmenterModel:
        """Checked conversion of a cache payload: raises ValueError on anything unexpected."""
        if not isinstance(payload, dict):
            raise ValueError("payload is not an object")
        labels, trans, attrs = payload.get("labels"), payload.get("transitions"), \
            payload.get("attributes")
        if not (isinstance(labels, list) and sorted(labels) == [_BEGIN, _INSIDE]):
            raise ValueError(f"unexpected labels {labels!r}")
        n = len(labels)

        isfinite = math.isfinite

        def row(value: Any) -> tuple[float, ...]:
            if type(value) is not list or len(value) != n:
                raise ValueError(f"bad weight row {value!r}")
            for w in value:
                if type(w) is not float or not isfinite(w):
                    raise ValueError(f"bad weight {w!r}")
            return tuple(value)

        if not (isinstance(trans, list) and len(trans) == n):
            raise ValueError("bad transitions")
        if not (isinstance(attrs, dict) and attrs):
            raise ValueError("bad attributes")
        weights = {}
        for k, v in attrs.items():
            if type(k) is not str:
                raise ValueError(f"bad attribute name {k!r}")
            weights[k] = row(v)
        return cls(tuple(labels), tuple(row(r) for r in trans), weights, dict(source))

    @classmethod
    def from_crfsuite(cls, blob: bytes, source: dict[str, str] | None = None) -> SegmenterModel:
        """Parse a crfsuite CRF1d model file (the format python-crfsuite writes)."""
        try:
            return cls._parse_crfsuite(blob, source or {})
        except (struct.error, UnicodeDecodeError, IndexError, KeyError) as exc:
            raise WordSegmenterError(f"pyvi's crfsuite model is damaged: {exc!r}") from exc

    @classmethod
    def _parse_crfsuite(cls, b: bytes, source: dict[str, str]) -> SegmenterModel:
        labels, attrs, feats = crfsuite_tables(b)
        n_labels = len(labels)
        weights = {a: [0.0] * n_labels for a in attrs}
        trans = [[0.0] * n_labels for _ in range(n_labels)]
        for ftype, src, dst, w, _offset in feats:
            if ftype == 0:
                weights[attrs[src]][dst] = w
            elif ftype == 1:
                trans[src][dst] = w
            else:
                raise WordSegmenterError(f"unknown crfsuite feature type {ftype}")
        model = cls(tuple(labels), tuple(tuple(r) for r in trans),
                    {a: tuple(w) for a, w in weights.items()}, dict(source))
        return cls.from_payload(model.payload(), source)  # the same checks as a cache file

    @classmethod
    def load(cls, cache_dir: str | Path | None = None, *, use_cache: bool = True,
             package_dir: str | Path | None = None) -> SegmenterModel:
        """pyvi's CRF weights, from the cache when it holds a valid copy, else converted once.

        The cache file is keyed by pyvi's version and the SHA-256 of its model file, and is used
        only when its recorded source and checksum match and every value has the right type;
        otherwise it is rebuilt. An unwritable cache folder is not an error: the converted
        weights then live in memory only.
        """
        folder = Path(package_dir) if package_dir is not None else pyvi_dir()
        model_path = folder.joinpath(*_PYVI_MODEL)
        try:
            data = model_path.read_bytes()
        except OSError as exc:
            raise WordSegmenterError(f"cannot read pyvi's model {model_path}: {exc}") from exc
        source = {"pyvi_version": _pyvi_version(), "model_file": _PYVI_MODEL[-1],
                  "model_sha256": hashlib.sha256(data).hexdigest()}
        path = None
        if use_cache:
            cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
            path = cache / (f"wordseg-pyvi-{source['pyvi_version']}-"
                            f"{source['model_sha256'][:16]}-v{_CACHE_FORMAT}.json")
            cached = cls._read_cache(path, source)
            if cached is not None:
                return cached
        model = cls.from_crfsuite(crfsuite_bytes_from_pickle(data), source)
        if path is not None:
            model._write_cache(path)
        return model

    @classmethod
    def _read_cache(cls, path: Path, source: dict[str, str]) -> SegmenterModel | None:
        """The cached model, or None. The file is two lines: a header (format, source, SHA-256
        of the second line) and the payload, so the checksum is taken over the bytes read."""
        try:
            head, _, body = path.read_bytes().partition(b"\n")
            header = json.loads(head)
            if not (isinstance(header, dict) and header.get("format") == _CACHE_FORMAT
                    and header.get("source") == source
                    and header.get("payload_sha256") == hashlib.sha256(body).hexdigest()):
                return None
            return cls.from_payload(json.loads(body), source)
        except (OSError, ValueError, TypeError):  # missing, unreadable, truncated or malformed
            return None

    def _write_cache(self, path: Path) -> bool:
        import tempfile  # noqa: PLC0415 - only for the one-time conversion

        body = self.encode_payload(self.payload())
        header = {"format": _CACHE_FORMAT, "source": self.source,
                  "payload_sha256": hashlib.sha256(body).hexdigest(),
                  "what": "pyvi's tokenizer weights for tgclassify.wordseg, rebuilt when invalid"}
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as out:
                out.write(json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n" + body)
            os.replace(tmp, path)
            return True
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            return False


def read_word_list(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """pyvi's bigrams and trigrams from the text of its ``words.txt``, split exactly as pyvi does."""
    lines = text.split("\n")
    # pyvi keeps the lines that split(" ") cuts into 2 or 3 parts: one or two spaces
    return (frozenset(t for t in lines if t.count(" ") == 1),
            frozenset(t for t in lines if t.count(" ") == 2))


# --- the segmenter ----------------------------------------------------------------------------

_ZERO = (0.0, 0.0)

# fields of a syllable record
_TOKEN, _LOWER, _BASE0, _BASE1, _PREV_TERMS, _NEXT_TERMS, _JOINABLE, _TITLE = range(8)
# fields of a pair entry (syllables a, b side by side)
_LEFT0, _LEFT1, _RIGHT_TERMS, _THIRDS, _MAY_JOIN, _B_LOWER = range(6)
# the entry after the last syllable: adds nothing
_END = (0.0, 0.0, (), None, False, None)
# (the hot loops index records and entries by number, as named here: a global name costs more)


class _Tables:
    """The caches of one :class:`WordSegmenter`, replaced whole when the syllables overflow.

    - ``ids``: syllable -> id, ``records``: id -> record ``(token, lowered, base0, base1,
      prev_terms, next_terms, joinable, title)``: the scores its own attributes give (summed in
      pyvi's order), the weights it adds to the next syllable's scores ("-1:" attributes) and to
      the previous one's ("+1:" attributes), and the flags of pyvi's post-processing;
    - ``chunks``: whitespace-separated chunk -> ids of its syllables;
    - ``pairs``: (id a, id b) -> entry ``(left0, left1, right_terms, thirds, may_join,
      b_lowered)``: b's scores after the weights a adds ("-1:" attributes and the bigram),
      what b adds to a's scores ("+1:" attributes and the bigram), the third syllables that
      make "a b _" a trigram of pyvi's list, whether pyvi may join b to a.

    A call works on the tables it started with, so a reset by another thread changes nothing
    for it.
    """

    __slots__ = ("chunks", "ids", "pairs", "records", "tokens")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.records: list[tuple[Any, ...]] = []
        self.tokens: list[str] = []  # id -> syllable, for a fast map() over ids
        self.chunks: dict[str, tuple[int, ...]] = {}
        self.pairs: dict[tuple[int, int], tuple[Any, ...]] = {}


class WordSegmenter:
    """pyvi's word segmentation with the same output, faster. Thread-safe and picklable.

    ``WordSegmenter()`` reads pyvi's model through :meth:`SegmenterModel.load` (the per-user
    cache) and pyvi's word list; :func:`get_segmenter` shares one per process. Pickles carry
    the weights and word list, not the caches.
    """

    def __init__(self, model: SegmenterModel | None = None, words_text: str | None = None) -> None:
        if model is None:
            model = SegmenterModel.load()
        if words_text is None:
            words_path = pyvi_dir().joinpath(*_PYVI_WORDS)
            try:
                words_text = words_path.read_text(encoding="utf-8")
            except OSError as exc:
                raise WordSegmenterError(f"cannot read pyvi's word list {words_path}: {exc}") from exc
        self._setup(model, words_text)

    def _setup(self, model: SegmenterModel, words_text: str) -> None:
        if len(model.labels) != 2 or set(model.labels) != {_BEGIN, _INSIDE}:
            raise WordSegmenterError(f"unexpected labels in pyvi's model: {model.labels}")
        self.model = model
        self._words_text = words_text
        self._bigrams, trigrams = read_word_list(words_text)
        # a trigram "a b c" is looked up only where "a b" starts one
        thirds: dict[str, set[str]] = {}
        for tri in trigrams:
            a, b, c = tri.split(" ")
            thirds.setdefault(f"{a} {b}", set()).add(c)
        self._thirds = {k: frozenset(v) for k, v in thirds.items()}
        self._inside = model.labels.index(_INSIDE)
        self._w = model.attributes
        # what a bigram of pyvi's list adds to its second syllable ("-1:") and first ("+1:")
        self._prev_bigram = model.attributes.get(_A_PREV_BIGRAM)
        self._next_bigram = model.attributes.get(_A_NEXT_BIGRAM)
        self._lock = threading.Lock()
        self._tables = _Tables()

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model.payload(), "source": self.model.source,
                "words_text": self._words_text}

    def __setstate__(self, state: dict[str, Any]) -> None:
        model = SegmenterModel.from_payload(state["model"], state["source"])
        self._setup(model, state["words_text"])

    def clear_caches(self) -> None:
        """Forget the remembered syllables, chunks and pairs (results do not change)."""
        self._tables = _Tables()

    def cache_sizes(self) -> dict[str, int]:
        tables = self._tables
        return {"syllables": len(tables.records), "chunks": len(tables.chunks),
                "pairs": len(tables.pairs)}

    # -- per distinct syllable, chunk and pair ------------------------------------------------

    def _syllable(self, tables: _Tables, token: str) -> int:
        sid = tables.ids.get(token)
        if sid is not None:
            return sid
        lowered = token.lower()
        lowered.encode("utf-8")  # python-crfsuite encodes every attribute: fails the same way
        key = lowered.split("\0", 1)[0]  # crfsuite reads attribute names as C strings
        w = self._w
        upper, title, digit = token.isupper(), token.istitle(), token.isdigit()
        s0 = s1 = 0.0
        for name, on in ((_A_BIAS, True), (_A_LOWER + key, True), (_A_UPPER, upper),
                         (_A_TITLE, title), (_A_DIGIT, digit)):
            if on and name in w:
                v0, v1 = w[name]
                s0 += v0
                s1 += v1
        prev_terms = tuple(w[name] for name, on in ((_A_PREV_LOWER + key, True),
                                                    (_A_PREV_TITLE, title),
                                                    (_A_PREV_UPPER, upper)) if on and name in w)
        next_terms = tuple(w[name] for name, on in ((_A_NEXT_LOWER + key, True),
                                                    (_A_NEXT_TITLE, title),
                                                    (_A_NEXT_UPPER, upper)) if on and name in w)
        joinable = token not in _PUNCTUATION and not token[0].isdigit()
        record = (token, lowered, s0, s1, prev_terms, next_terms, joinable, token[0].istitle())
        with self._lock:
            sid = tables.ids.get(token)
            if sid is None:
                sid = len(tables.records)
                tables.records.append(record)
                tables.tokens.append(token)
                tables.ids[token] = sid
        return sid

    def _chunk(self, tables: _Tables, chunk: str) -> tuple[int, ...]:
        if chunk.isalnum():
            ids: tuple[int, ...] = (self._syllable(tables, chunk),)
        else:
            ids = tuple(self._syllable(tables, t) for t in _SYLLABLE.findall(chunk))
        if len(tables.chunks) >= C.WORDSEG_CHUNK_CACHE:
            tables.chunks = {}
        tables.chunks[chunk] = ids
        return ids

    def _fill_pairs(self, tables: _Tables, ids: list[int], entries: list[tuple[Any, ...] | None]) -> None:
        """Compute the missing entries (None) of ``entries`` (one per pair of ``ids``)."""
        records = tables.records
        pairs = tables.pairs
        if len(pairs) >= C.WORDSEG_PAIR_CACHE:  # checked once a text: may pass it by one text
            pairs = tables.pairs = {}
        bigrams, thirds = self._bigrams, self._thirds
        prev_bigram, next_bigram = self._prev_bigram, self._next_bigram
        for i, entry in enumerate(entries):
            if entry is not None:
                continue
            a, b = records[ids[i]], records[ids[i + 1]]
            s0, s1 = b[_BASE0], b[_BASE1]
            for v0, v1 in a[_PREV_TERMS]:
                s0 += v0
                s1 += v1
            # pyvi looks up " ".join([a, b]).lower(); it equals a.lower() + " " + b.lower() as
            # no syllable holds a space and the only context-dependent lowercasing (final
            # sigma) does not look across one
            joined = f"{a[_LOWER]} {b[_LOWER]}"
            right = b[_NEXT_TERMS]
            if joined in bigrams:
                if prev_bigram is not None:
                    s0 += prev_bigram[0]
                    s1 += prev_bigram[1]
                if next_bigram is not None:
                    right = (*right, next_bigram)
            entry = (s0, s1, right, thirds.get(joined),
                     a[_JOINABLE] and b[_JOINABLE] and (a[_TITLE] or not b[_TITLE]), b[_LOWER])
            pairs[(ids[i], ids[i + 1])] = entry
            entries[i] = entry

    def _ids(self, tables: _Tables, text: str) -> list[int]:
        """The syllable ids of an NFC text, cut as pyvi's expression cuts it."""
        if "\n" in text:  # "\n" is a syllable of its own
            newline = self._syllable(tables, "\n")
            out: list[int] = []
            for i, line in enumerate(text.split("\n")):
                if i:
                    out.append(newline)
                out += self._ids(tables, line)
            return out
        chunks = text.split()
        found = list(map(tables.chunks.get, chunks))
        if None in found:
            found = [ids if ids is not None else self._chunk(tables, chunk)
                     for ids, chunk in zip(found, chunks, strict=True)]
        return list(chain.from_iterable(cast("list[tuple[int, ...]]", found)))

    # -- tagging ------------------------------------------------------------------------------

    def segment(self, text: str) -> str:
        """``pyvi.ViTokenizer.tokenize(text)``: syllables of a word joined by "_", others by " "."""
        tables = self._tables
        if len(tables.records) >= C.WORDSEG_SYLLABLE_CACHE:
            tables = self._tables = _Tables()
        if not unicodedata.is_normalized("NFC", text):
            text_nfc = unicodedata.normalize("NFC", text)
            ids = self._ids(tables, text_nfc)
        else:
            ids = self._ids(tables, text)
        n = len(ids)
        records = tables.records
        if n < 2:
            return records[ids[0]][_TOKEN] if n else text  # no syllable: pyvi returns the input
        entries = list(map(tables.pairs.get, pairwise(ids)))
        if None in entries:
            self._fill_pairs(tables, ids, entries)
        filled = cast("list[tuple[Any, ...]]", entries)
        back, last = self._viterbi(records[ids[0]], filled)
        return self._join(list(map(tables.tokens.__getitem__, ids)), filled, back, last)

    __call__ = segment

    def _viterbi(self, first: tuple[Any, ...], entries: list[tuple[Any, ...]]) -> tuple[list[int], int]:
        """Backward links (bit j: best previous label of label j) and the best last label.

        The scores of syllable t are summed in crfsuite's order: its own attributes, those of
        t-1 ("-1:" and the bigram), the trigram (t-2, t-1, t), those of t+1 ("+1:" and the
        bigram), the trigram (t, t+1, t+2). Then crfsuite's Viterbi: for each label j the best
        of ``prev[i] + trans[i][j]`` by strict ``<`` (ties keep label 0), plus the scores.
        """
        (t00, t01), (t10, t11) = self.model.transitions
        tp0, tp1 = self._w.get(_A_PREV_TRIGRAM, _ZERO)
        tn0, tn1 = self._w.get(_A_NEXT_TRIGRAM, _ZERO)
        padded = [*entries, _END, _END]
        # syllable 0: no left neighbour
        e = padded[0]
        p0, p1 = first[_BASE0], first[_BASE1]
        for v0, v1 in e[_RIGHT_TERMS]:
            p0 += v0
            p1 += v1
        thirds = e[_THIRDS]
        tri1 = thirds is not None and padded[1][_B_LOWER] in thirds  # trigram (0, 1, 2)
        if tri1:
            p0 += tn0
            p1 += tn1
        tri2 = False
        back: list[int] = []
        push = back.append
        # syllable t = 1 .. n-1: e = entry (t-1, t), c = (t, t+1), x = (t+1, t+2);
        # tri2 / tri1: trigrams starting at t-2 / t-1
        for e, c, x in zip(padded, padded[1:], padded[2:], strict=False):
            s0 = e[0]
            s1 = e[1]
            if tri2:
                s0 += tp0
                s1 += tp1
            for v0, v1 in c[2]:
                s0 += v0
                s1 += v1
            thirds = c[3]
            tri2 = tri1
            tri1 = thirds is not None and x[5] in thirds
            if tri1:
                s0 += tn0
                s1 += tn1
            a = p0 + t00
            b = p1 + t10
            if a < b:
                c0 = b + s0
                k = 1
            else:
                c0 = a + s0
                k = 0
            a = p0 + t01
            b = p1 + t11
            if a < b:
                p1 = b + s1
                k |= 2
            else:
                p1 = a + s1
            p0 = c0
            push(k)
        return back, (1 if p0 < p1 else 0)

    def _join(self, tokens: list[str], entries: list[tuple[Any, ...]], back: list[int], label: int) -> str:
        """pyvi's output: "_" before syllable t when it is I_W and pyvi's rules allow a join."""
        inside = self._inside
        seps: list[str] = []
        push = seps.append
        for k, e in zip(reversed(back), reversed(entries), strict=True):
            push("_" if label == inside and e[4] else " ")
            label = (k >> label) & 1
        seps.reverse()
        out = [""] * (2 * len(tokens) - 1)
        out[0::2] = tokens
        out[1::2] = seps
        return "".join(out)


_SHARED: WordSegmenter | None = None
_SHARED_LOCK = threading.Lock()


def get_segmenter() -> WordSegmenter:
    """The process-wide segmenter, loaded on first use (from the cache when it is valid)."""
    global _SHARED
    if _SHARED is None:
        with _SHARED_LOCK:
            if _SHARED is None:
                _SHARED = WordSegmenter()
    return _SHARED


def segment(text: str) -> str:
    """``pyvi.ViTokenizer.tokenize(text)`` through the shared :class:`WordSegmenter`."""
    return get_segmenter().segment(text)
