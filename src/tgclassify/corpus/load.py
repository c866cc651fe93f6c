"""Loading a labeled corpus, and the record schema that loading and checking share.

Format (``data/labeled/``):

* ``paragraphs.jsonl``: ``{"id", "doc_id", "pos", "kind", "text", "labels"}`` per line;
* ``reports.jsonl``: one line per report with its title, kind, sender level, province,
  region and year (optional for user corpora);
* ``noise.jsonl``: ``{"id", "text"}``, web chrome and page furniture, for the chrome filter.

The **minimal format**, accepted everywhere a corpus is (``train``, ``eval``, ``data check``,
``data issues``): ``{"text", "labels"}`` per line, optionally ``doc_id`` (the report, so that
folds keep it whole; without it each line is its own report) and ``heading`` (the section
heading path above the paragraph, e.g. ``"II. CÔNG TÁC KHOA GIÁO / 1. Giáo dục"``, its
context for the model). ``pos``/``kind`` give the context from the report's own headings
instead, as in the shipped corpus. Other fields (``source``, ``id``...) are kept and ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import constants as C
from ..errors import DataFormatError
from ..segment import section_context

__all__ = ["NOISE_FILE", "PARAGRAPHS_FILE", "REPORTS_FILE", "Corpus", "load_corpus",
           "read_jsonl", "record_problems"]

PARAGRAPHS_FILE = "paragraphs.jsonl"
REPORTS_FILE = "reports.jsonl"
NOISE_FILE = "noise.jsonl"

#: Fields of a paragraph record in the full format, with their types.
FULL_FIELDS: dict[str, type] = {"id": str, "doc_id": str, "pos": int, "kind": str, "text": str,
                                "labels": list}


@dataclass
class Corpus:
    """Labeled paragraphs in reading order, with their report metadata when known."""

    records: list[dict[str, Any]]
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    sha256: str = ""
    source: str = ""
    noise: list[str] = field(default_factory=list)
    #: How many times each paragraph counts in training (per-source weight); empty: once each.
    weights: list[int] = field(default_factory=list)
    #: Paragraphs that are always on the training side of evaluation folds (never scored);
    #: empty: none.
    train_only: list[bool] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.records]

    @property
    def groups(self) -> list[str]:
        return [str(r["doc_id"]) for r in self.records]

    @property
    def genres(self) -> list[str]:
        """The genre of each paragraph's document (``reports.jsonl``'s ``genre``, else the one
        its ``doc_type`` implies), "" where the corpus does not say."""
        out = []
        for r in self.records:
            rep = self.reports.get(str(r["doc_id"]), {})
            out.append(str(rep.get("genre") or C.DOC_TYPE_GENRE.get(str(rep.get("doc_type")), "")))
        return out

    @property
    def kinds(self) -> list[str]:
        """``"heading"`` or ``"body"`` per paragraph (``body`` where the file does not say)."""
        return [str(r.get("kind") or "body") for r in self.records]

    def pairs(self) -> list[tuple[str, str]]:
        """(text, section context) of each paragraph, context from the report's headings."""
        by_doc: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(self.records):
            by_doc[str(r["doc_id"])].append(i)
        contexts = [str(r.get("heading") or "") for r in self.records]
        for idx in by_doc.values():
            if any("kind" not in self.records[i] or "heading" in self.records[i] for i in idx):
                continue
            idx = sorted(idx, key=lambda i: self.records[i].get("pos", 0))
            paths = section_context((self.records[i]["kind"], self.records[i]["text"]) for i in idx)
            for i, path in zip(idx, paths, strict=True):
                contexts[i] = " / ".join(path)
        return [(r["text"], c) for r, c in zip(self.records, contexts, strict=True)]

    def label_matrix(self, labels: tuple[str, ...] = C.LABELS) -> np.ndarray:
        Y = np.zeros((len(self.records), len(labels)), dtype=np.int8)
        col = {lab: j for j, lab in enumerate(labels)}
        for i, r in enumerate(self.records):
            for lab in r["labels"]:
                Y[i, col[lab]] = 1
        return Y


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{path}: cannot read as UTF-8 JSON Lines ({exc})") from exc
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFormatError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise DataFormatError(f"{path}:{n}: each line must be a JSON object")
        obj["_line"] = n
        out.append(obj)
    return out


#: Optional fields of the minimal format, checked when present.
OPTIONAL_FIELDS: dict[str, tuple[type, ...]] = {"doc_id": (str, int), "heading": (str,),
                                                "pos": (int,), "kind": (str,)}


def record_problems(row: dict[str, Any], *, full: bool) -> list[str]:
    """What is wrong with one paragraph record: ``text`` and ``labels`` (label codes known,
    none repeated) always, and the types of the optional fields present; with ``full``, every
    field of the corpus format and ``kind``."""
    problems = []
    if not full:
        for key, types in OPTIONAL_FIELDS.items():
            value = row.get(key)
            if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
                problems.append(f"'{key}' must be {' or '.join(t.__name__ for t in types)}")
        if row.get("kind") not in (None, "heading", "body"):
            problems.append("kind must be 'heading' or 'body'")
    fields = FULL_FIELDS if full else {"text": str, "labels": list}
    for key, typ in fields.items():
        value = row.get(key)
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            problems.append(f"'{key}' missing or not {typ.__name__}")
    labels = row.get("labels")
    if isinstance(labels, list):
        if not all(isinstance(x, str) for x in labels):
            problems.append("'labels' must be a list of label codes")
        else:
            unknown = [x for x in labels if x not in C.LABELS]
            if unknown:
                problems.append(f"unknown label(s) {unknown}")
            if len(set(labels)) != len(labels):
                problems.append("a label is repeated")
    if full and row.get("kind") not in ("heading", "body"):
        problems.append("kind must be 'heading' or 'body'")
    if isinstance(row.get("text"), str) and full and not row["text"].strip():
        problems.append("empty text")
    return problems


def load_corpus(path: str | Path, *, strict: bool = True) -> Corpus:
    """Load a corpus folder (its ``paragraphs.jsonl``) or one JSON Lines file.

    Lines need ``text`` and ``labels``; without ``doc_id`` each line is its own group.
    With ``strict``, unknown labels raise :class:`DataFormatError`.
    """
    p = Path(path)
    para_path = p / PARAGRAPHS_FILE if p.is_dir() else p
    if not para_path.is_file():
        raise DataFormatError(f"no labeled data at {para_path}")
    raw = para_path.read_bytes()
    rows = read_jsonl(para_path)
    if not rows:
        raise DataFormatError(f"{para_path}: no labeled paragraphs (the file is empty)")
    for i, r in enumerate(rows):
        problems = record_problems(r, full=False)
        if not strict:
            problems = [p for p in problems if not p.startswith(("unknown label", "a label"))]
        if problems:
            known = f"; known: {', '.join(C.LABELS)}" if "unknown label" in problems[0] else ""
            raise DataFormatError(f"{para_path}:{r['_line']}: {problems[0]}{known}")
        r["labels"] = [x for x in C.LABELS if x in r["labels"]]
        r["doc_id"] = f"line{r['_line']}" if r.get("doc_id") is None else str(r["doc_id"])
        r.setdefault("id", f"{r['doc_id']}-{i}")
    reports: dict[str, dict[str, Any]] = {}
    rep_path = para_path.parent / REPORTS_FILE
    if p.is_dir() and rep_path.is_file():
        reports = {str(r["doc_id"]): r for r in read_jsonl(rep_path)}
    noise_path = para_path.parent / NOISE_FILE
    noise = ([str(r.get("text", "")) for r in read_jsonl(noise_path)]
             if p.is_dir() and noise_path.is_file() else [])
    return Corpus(rows, reports, hashlib.sha256(raw).hexdigest(), str(para_path), noise)


