"""Checking a corpus like data (``tgclassify data check``): the schema checks that apply to
any labeled file (the minimal format: text, known labels, the types of the optional fields,
ids, positions when given, duplicates), and with ``strict`` the shipped corpus's own rules
(the full format, report lengths, the size minimums, the noise file)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import constants as C
from ..errors import DataFormatError
from .load import NOISE_FILE, PARAGRAPHS_FILE, read_jsonl, record_problems
from .stats import corpus_stats

__all__ = ["CheckResult", "check_corpus", "near_duplicates"]

#: Minimums the shipped corpus must meet (see data/labeled/GUIDELINES.md).
MIN_PARAGRAPHS = 2000
MIN_REPORTS = 120
MIN_PER_LABEL = 150
MIN_GENERAL = 200
MIN_MULTI_SHARE = 0.15
MIN_NOISE = 500
#: Paragraphs per document: a news item or a dispatch can be 3 paragraphs, a report up to 40.
REPORT_LENGTH = (3, 40)
#: Word-trigram Jaccard at or above which two paragraphs are near duplicates.
NEAR_DUPLICATE_JACCARD = 0.9


@dataclass
class CheckResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < 3:
        return {tuple(words)}
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def near_duplicates(texts: list[str], threshold: float = NEAR_DUPLICATE_JACCARD
                    ) -> list[tuple[int, int, float]]:
    """Pairs of texts whose word-trigram Jaccard similarity is at least ``threshold``.

    Candidates come from an inverted index of trigrams, so only pairs that share some trigram
    are compared (near-linear on real corpora instead of quadratic).
    """
    shingles = [_trigrams(t) for t in texts]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        for g in sh:
            index[g].append(i)
    out = []
    for i, sh in enumerate(shingles):
        shared: Counter[int] = Counter()
        for g in sh:
            for j in index[g]:
                if j > i:
                    shared[j] += 1
        for j, n in shared.items():
            union = len(sh) + len(shingles[j]) - n
            if union and n / union >= threshold:
                out.append((i, j, round(n / union, 3)))
    return out


def check_corpus(path: str | Path, *, strict: bool = False,
                 minimums: bool | None = None) -> CheckResult:
    """Check a corpus folder or file; see the module docstring for the format.

    Errors: schema, unknown labels, duplicate ids, non-contiguous positions, empty text,
    exact duplicates; with ``strict`` (the shipped corpus) also every field of the full
    format, report lengths, the corpus minimums and the noise file. Warnings: near duplicates.
    ``minimums`` is the former name of ``strict``.
    """
    strict = minimums if minimums is not None else strict
    res = CheckResult()
    p = Path(path)
    para_path = p / PARAGRAPHS_FILE if p.is_dir() else p
    try:
        rows = read_jsonl(para_path)
    except DataFormatError as exc:
        res.errors.append(str(exc))
        return res
    except FileNotFoundError:
        res.errors.append(f"no labeled data at {para_path}")
        return res
    if not rows:
        res.errors.append(f"{para_path.name}: no labeled paragraphs (the file is empty)")
        return res
    ids: Counter[str] = Counter()
    positions: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        where = f"{para_path.name}:{r['_line']}"
        res.errors += [f"{where}: {problem}" for problem in record_problems(r, full=strict)]
        if not strict and isinstance(r.get("text"), str) and not r["text"].strip():
            res.errors.append(f"{where}: empty text")
        if r.get("id") is not None:
            ids[str(r.get("id"))] += 1
        if isinstance(r.get("pos"), int):
            positions[str(r.get("doc_id"))].append(r["pos"])
    res.errors += [f"id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    lo, hi = REPORT_LENGTH
    for doc, pos in positions.items():
        if sorted(pos) != list(range(len(pos))):
            res.errors.append(f"report {doc}: positions are not 0..{len(pos) - 1} without gaps")
        if strict and not lo <= len(pos) <= hi:
            res.errors.append(f"report {doc}: {len(pos)} paragraphs (expected {lo} to {hi})")
    texts: list[str] = [r["text"] if isinstance(r.get("text"), str) else "" for r in rows]
    seen: dict[str, int] = {}
    for i, t in enumerate(texts):
        key = " ".join(t.split())
        if key not in seen:
            seen[key] = i
            continue
        first = rows[seen[key]]
        where = f"lines {first['_line']} and {rows[i]['_line']}: {t[:60]!r}"
        # stock headings ("I. KẾT QUẢ ĐẠT ĐƯỢC") recur across reports; body text must not
        if (rows[i].get("kind") == "heading" and first.get("kind") == "heading"
                and rows[i].get("doc_id") != first.get("doc_id")):
            if sorted(first.get("labels") or []) != sorted(rows[i].get("labels") or []):
                res.warnings.append(f"same heading, different labels: {where}")
        else:
            res.errors.append(f"exact duplicate: {where}")
    for i, j, sim in near_duplicates(texts):
        if " ".join(texts[i].split()) != " ".join(texts[j].split()):
            res.warnings.append(f"near duplicate (Jaccard {sim}): lines {rows[i]['_line']} and "
                                f"{rows[j]['_line']}: {texts[i][:60]!r}")
    stats = corpus_stats(rows)
    res.stats = stats
    if strict:
        _check_minimums(res, stats)
    noise_path = para_path.parent / NOISE_FILE
    if p.is_dir() and noise_path.is_file():
        _check_noise(res, noise_path, strict)
    elif p.is_dir() and strict:
        res.errors.append(f"no {NOISE_FILE} beside {PARAGRAPHS_FILE}")
    return res


def _check_minimums(res: CheckResult, stats: dict[str, Any]) -> None:
    if stats["paragraphs"] < MIN_PARAGRAPHS:
        res.errors.append(f"{stats['paragraphs']} paragraphs, fewer than {MIN_PARAGRAPHS}")
    if stats["reports"] < MIN_REPORTS:
        res.errors.append(f"{stats['reports']} reports, fewer than {MIN_REPORTS}")
    for lab in C.LABELS:
        n = stats["per_label"].get(lab, 0)
        if n < MIN_PER_LABEL:
            res.errors.append(f"label {lab} on {n} paragraphs, fewer than {MIN_PER_LABEL}")
    if stats["general"] < MIN_GENERAL:
        res.errors.append(f"{stats['general']} general paragraphs, fewer than {MIN_GENERAL}")
    if stats["multi_share"] < MIN_MULTI_SHARE:
        res.errors.append(f"multi-label share {stats['multi_share']:.1%}, below "
                          f"{MIN_MULTI_SHARE:.0%}")


def _check_noise(res: CheckResult, path: Path, minimums: bool) -> None:
    try:
        rows = read_jsonl(path)
    except DataFormatError as exc:
        res.errors.append(str(exc))
        return
    ids = Counter(str(r.get("id")) for r in rows)
    res.errors += [f"{path.name}: id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    for r in rows:
        if not isinstance(r.get("text"), str) or not r["text"].strip():
            res.errors.append(f"{path.name}:{r['_line']}: empty or missing text")
    res.stats["noise_lines"] = len(rows)
    if minimums and len(rows) < MIN_NOISE:
        res.errors.append(f"{path.name}: {len(rows)} lines, fewer than {MIN_NOISE}")
