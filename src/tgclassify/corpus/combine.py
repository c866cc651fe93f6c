"""Several labeled sources as one training corpus: ``tgclassify train --data A --data B:3``.

Each source is a corpus folder or a JSON Lines file (the full or the minimal format) with an
optional weight, the number of times each of its paragraphs counts in training. Document ids
are kept apart per source (``doc1`` of one file is not ``doc1`` of another), so grouped folds
never split a report and never join two. The shipped corpus is named ``shipped``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import constants as C
from ..errors import DataFormatError
from .load import PARAGRAPHS_FILE, Corpus, load_corpus

__all__ = ["SHIPPED", "Source", "combine_corpora", "load_sources", "parse_source",
           "shipped_corpus_path"]

#: The name of the shipped corpus among ``--data`` sources.
SHIPPED = "shipped"


@dataclass(frozen=True)
class Source:
    """One ``--data`` source: where it is and how many times each paragraph counts."""

    path: str
    weight: int = 1


def shipped_corpus_path() -> Path:
    """The shipped corpus (``data/labeled``): under the current folder, else in the checkout
    the package runs from (an editable install). Raises :class:`DataFormatError` if absent."""
    candidates = [Path("data/labeled"), Path(__file__).resolve().parents[3] / "data" / "labeled"]
    for folder in candidates:
        if (folder / PARAGRAPHS_FILE).is_file():
            return folder
    raise DataFormatError("the shipped corpus (data/labeled) is not found here; run from the "
                          "tgclassify checkout or name its folder: --data path/to/data/labeled")


def parse_source(spec: str) -> Source:
    """``PATH`` or ``PATH:WEIGHT`` (a whole number from 1 to ``MAX_SOURCE_WEIGHT``); the name
    ``shipped`` stands for the shipped corpus. A path that exists is never split at a colon.

    >>> parse_source("mine.jsonl:3")
    Source(path='mine.jsonl', weight=3)
    """
    path, weight = spec, 1
    head, sep, tail = spec.rpartition(":")
    if sep and head and not Path(spec).exists():
        try:
            weight = int(tail)
        except ValueError:
            raise DataFormatError(f"--data {spec}: the weight after ':' must be a whole number "
                                  f"from 1 to {C.MAX_SOURCE_WEIGHT}") from None
        path = head
    if not 1 <= weight <= C.MAX_SOURCE_WEIGHT:
        raise DataFormatError(f"--data {spec}: weight {weight} is outside 1..{C.MAX_SOURCE_WEIGHT}")
    if path == SHIPPED:
        path = str(shipped_corpus_path())
    return Source(path, weight)


def combine_corpora(parts: list[tuple[Corpus, int]], *, names: list[str] | None = None) -> Corpus:
    """One corpus from several (corpus, weight) parts; with more than one part, ``doc_id`` and
    ``id`` of part k are prefixed with its name (default ``s{k}``) so they stay apart. Report
    metadata and noise lines are merged."""
    if not parts:
        raise DataFormatError("no training data given")
    if len(parts) == 1 and parts[0][1] == 1:
        return parts[0][0]
    names = names or [f"s{k}" for k in range(len(parts))]
    records, weights, reports, noise, sources, digests = [], [], {}, [], [], []
    for (corpus, weight), name in zip(parts, names, strict=True):
        prefix = f"{name}/" if len(parts) > 1 else ""
        for r in corpus.records:
            records.append({**r, "doc_id": prefix + str(r["doc_id"]),
                            "id": prefix + str(r.get("id"))})
            weights.append(weight)
        reports.update({prefix + k: v for k, v in corpus.reports.items()})
        noise += corpus.noise
        sources.append(f"{corpus.source}:{weight}" if weight != 1 else corpus.source)
        digests.append(f"{corpus.sha256}:{weight}")
    sha = hashlib.sha256("\n".join(digests).encode()).hexdigest()
    return Corpus(records, reports, sha, " + ".join(sources), noise, weights=weights)


def load_sources(specs: list[str]) -> tuple[Corpus, list[Source]]:
    """Load and combine ``--data`` specs (see :func:`parse_source`); each source's ids are
    prefixed with its file or folder name (``labeled/``, ``mine/``)."""
    sources = [parse_source(s) for s in specs]
    parts = [(load_corpus(s.path), s.weight) for s in sources]
    stems = [Path(s.path).stem or f"s{k}" for k, s in enumerate(sources)]
    names = [stem if stems.count(stem) == 1 else f"{stem}{k}" for k, stem in enumerate(stems)]
    return combine_corpora(parts, names=names), sources
