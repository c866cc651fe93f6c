"""The labeled corpus: loading, checking like data, and describing it.

Format (``data/labeled/``):

* ``paragraphs.jsonl``: ``{"id", "doc_id", "pos", "kind", "text", "labels"}`` per line;
* ``reports.jsonl``: one line per report with its title, kind, sender level, province,
  region and year (optional for user corpora);
* ``noise.jsonl``: ``{"id", "text"}``, web chrome and page furniture, for the noise filter.

Any file with ``text`` and ``labels`` per line can be evaluated; ``doc_id``/``pos``/``kind``
add grouping and section context when present.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import constants as C
from .errors import DataFormatError

__all__ = ["CheckResult", "Corpus", "check_corpus", "corpus_stats", "load_corpus",
           "render_data_readme"]

PARAGRAPHS_FILE = "paragraphs.jsonl"
REPORTS_FILE = "reports.jsonl"
NOISE_FILE = "noise.jsonl"

#: Minimums the shipped corpus must meet (see data/labeled/GUIDELINES.md).
MIN_PARAGRAPHS = 2000
MIN_REPORTS = 120
MIN_PER_LABEL = 150
MIN_GENERAL = 200
MIN_MULTI_SHARE = 0.15
MIN_NOISE = 500
REPORT_LENGTH = (8, 40)
#: Word-trigram Jaccard at or above which two paragraphs are near duplicates.
NEAR_DUPLICATE_JACCARD = 0.9


@dataclass
class Corpus:
    """Labeled paragraphs in reading order, with their report metadata when known."""

    records: list[dict[str, Any]]
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    sha256: str = ""
    source: str = ""
    noise: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.records]

    @property
    def groups(self) -> list[str]:
        return [str(r["doc_id"]) for r in self.records]

    def pairs(self) -> list[tuple[str, str]]:
        """(text, section context) of each paragraph, context from the report's headings."""
        from .segment import section_context  # noqa: PLC0415

        by_doc: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(self.records):
            by_doc[str(r["doc_id"])].append(i)
        contexts = [""] * len(self.records)
        for idx in by_doc.values():
            if any("kind" not in self.records[i] for i in idx):
                continue
            idx = sorted(idx, key=lambda i: self.records[i].get("pos", 0))
            paths = section_context((self.records[i]["kind"], self.records[i]["text"]) for i in idx)
            for i, path in zip(idx, paths, strict=True):
                contexts[i] = " / ".join(path)
        return [(r["text"], c) for r, c in zip(self.records, contexts, strict=True)]

    def label_matrix(self, labels: tuple[str, ...] = C.LABELS) -> Any:
        import numpy as np  # noqa: PLC0415

        Y = np.zeros((len(self.records), len(labels)), dtype=np.int8)
        col = {lab: j for j, lab in enumerate(labels)}
        for i, r in enumerate(self.records):
            for lab in r["labels"]:
                Y[i, col[lab]] = 1
        return Y


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
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
    rows = _read_jsonl(para_path)
    known = set(C.LABELS)
    for i, r in enumerate(rows):
        where = f"{para_path}:{r['_line']}"
        if not isinstance(r.get("text"), str):
            raise DataFormatError(f"{where}: 'text' must be a string")
        labels = r.get("labels")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise DataFormatError(f"{where}: 'labels' must be a list of label codes")
        bad = [x for x in labels if x not in known]
        if bad and strict:
            raise DataFormatError(f"{where}: unknown label(s) {bad}; known: {', '.join(C.LABELS)}")
        r["labels"] = [x for x in C.LABELS if x in labels]
        r.setdefault("doc_id", f"line{r['_line']}")
        r.setdefault("id", f"{r['doc_id']}-{i}")
    reports: dict[str, dict[str, Any]] = {}
    rep_path = para_path.parent / REPORTS_FILE
    if p.is_dir() and rep_path.is_file():
        reports = {str(r["doc_id"]): r for r in _read_jsonl(rep_path)}
    noise_path = para_path.parent / NOISE_FILE
    noise = ([str(r.get("text", "")) for r in _read_jsonl(noise_path)]
             if p.is_dir() and noise_path.is_file() else [])
    return Corpus(rows, reports, hashlib.sha256(raw).hexdigest(), str(para_path), noise)


# --- checking --------------------------------------------------------------------------------


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


def check_corpus(path: str | Path, *, minimums: bool = True) -> CheckResult:
    """Check a corpus folder or file; see the module docstring for the format.

    Errors: schema, unknown labels, duplicate ids, non-contiguous positions, empty text,
    exact duplicates, report lengths and (with ``minimums``) the corpus minimums.
    Warnings: near duplicates.
    """
    res = CheckResult()
    p = Path(path)
    para_path = p / PARAGRAPHS_FILE if p.is_dir() else p
    try:
        rows = _read_jsonl(para_path)
    except DataFormatError as exc:
        res.errors.append(str(exc))
        return res
    except FileNotFoundError:
        res.errors.append(f"no labeled data at {para_path}")
        return res
    known = set(C.LABELS)
    ids: Counter[str] = Counter()
    positions: dict[str, list[int]] = defaultdict(list)
    required = {"id": str, "doc_id": str, "pos": int, "kind": str, "text": str, "labels": list}
    for r in rows:
        where = f"{para_path.name}:{r['_line']}"
        for key, typ in required.items():
            if not isinstance(r.get(key), typ) or (typ is int and isinstance(r.get(key), bool)):
                res.errors.append(f"{where}: '{key}' missing or not {typ.__name__}")
        if isinstance(r.get("labels"), list):
            bad = [x for x in r["labels"] if x not in known]
            if bad:
                res.errors.append(f"{where}: unknown label(s) {bad}")
            if len(set(r["labels"])) != len(r["labels"]):
                res.errors.append(f"{where}: a label is repeated")
        if r.get("kind") not in ("heading", "body"):
            res.errors.append(f"{where}: kind must be 'heading' or 'body'")
        if isinstance(r.get("text"), str) and not r["text"].strip():
            res.errors.append(f"{where}: empty text")
        ids[str(r.get("id"))] += 1
        if isinstance(r.get("pos"), int):
            positions[str(r.get("doc_id"))].append(r["pos"])
    res.errors += [f"id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    lo, hi = REPORT_LENGTH
    for doc, pos in positions.items():
        if sorted(pos) != list(range(len(pos))):
            res.errors.append(f"report {doc}: positions are not 0..{len(pos) - 1} without gaps")
        if minimums and not lo <= len(pos) <= hi:
            res.errors.append(f"report {doc}: {len(pos)} paragraphs (expected {lo} to {hi})")
    texts = [r.get("text") if isinstance(r.get("text"), str) else "" for r in rows]
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
    if minimums:
        _check_minimums(res, stats)
    noise_path = para_path.parent / NOISE_FILE
    if p.is_dir() and noise_path.is_file():
        _check_noise(res, noise_path, minimums)
    elif p.is_dir() and minimums:
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
        rows = _read_jsonl(path)
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


def corpus_stats(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts per label, general and multi-label shares, lengths, reports."""
    rows = list(rows)
    per_label: Counter[str] = Counter()
    lengths = []
    n_multi = n_general = n_heading = 0
    for r in rows:
        labels = r.get("labels") or []
        per_label.update(labels)
        n_multi += len(labels) >= 2
        n_general += not labels
        n_heading += r.get("kind") == "heading"
        lengths.append(len(r.get("text") or ""))
    lengths.sort()
    n = len(rows)

    def q(f: float) -> int:
        return lengths[min(n - 1, int(f * n))] if n else 0

    return {
        "paragraphs": n,
        "reports": len({str(r.get("doc_id")) for r in rows}),
        "headings": n_heading,
        "per_label": {lab: per_label.get(lab, 0) for lab in C.LABELS},
        "general": n_general,
        "multi": n_multi,
        "multi_share": n_multi / n if n else 0.0,
        "length": {"min": lengths[0] if n else 0, "p10": q(0.1), "median": q(0.5),
                   "p90": q(0.9), "max": lengths[-1] if n else 0},
    }


# --- the generated README --------------------------------------------------------------------

_LENGTH_BINS = ((0, 50), (50, 150), (150, 400), (400, 800), (800, 1500), (1500, 10**9))


def render_data_readme(path: str | Path) -> str:
    """The text of ``data/labeled/README.md``, computed from the files (never by hand)."""
    folder = Path(path)
    corpus = load_corpus(folder)
    stats = corpus_stats(corpus.records)
    out = [
        "# Labeled corpus",
        "",
        "<!-- generated by `tgclassify data stats data/labeled --write`; do not edit by hand -->",
        "",
        "Hand-written reports in the voice of Vietnamese tuyên giáo work reports, labeled",
        "paragraph by paragraph with the ten domain codes. Annotation rules: `GUIDELINES.md`.",
        "Files: `paragraphs.jsonl` (labeled paragraphs), `reports.jsonl` (one line per report),",
        "`noise.jsonl` (web chrome and page furniture for the noise filter).",
        "",
        f"- paragraphs: **{stats['paragraphs']}** in **{stats['reports']}** reports "
        f"({stats['headings']} headings)",
        f"- general paragraphs (no label): **{stats['general']}**",
        f"- paragraphs with two or more labels: **{stats['multi']}** "
        f"({stats['multi_share']:.1%})",
        f"- sha256 of paragraphs.jsonl: `{corpus.sha256}`",
    ]
    noise_path = folder / NOISE_FILE
    if noise_path.is_file():
        out.append(f"- noise lines: **{len(_read_jsonl(noise_path))}**")
    out += ["", "## Paragraphs per label", "", "| label | name | paragraphs |", "|---|---|---:|"]
    out += [f"| `{lab}` | {C.LABEL_NAMES[lab]} | {stats['per_label'][lab]} |" for lab in C.LABELS]
    if corpus.reports:
        for key, title in (("doc_type", "kind of report"), ("region", "region"),
                           ("sender_level", "sender"), ("year", "year")):
            reports_by: Counter[str] = Counter()
            paras_by: Counter[str] = Counter()
            for r in corpus.records:
                paras_by[str(corpus.reports.get(str(r["doc_id"]), {}).get(key, "?"))] += 1
            for rep in corpus.reports.values():
                reports_by[str(rep.get(key, "?"))] += 1
            out += ["", f"## Per {title}", "", f"| {title} | reports | paragraphs |",
                    "|---|---:|---:|"]
            out += [f"| {k} | {reports_by[k]} | {paras_by[k]} |" for k in sorted(reports_by)]
    out += ["", "## Length (characters)", "",
            "| range | paragraphs |", "|---|---:|"]
    lengths = [len(r["text"]) for r in corpus.records]
    for lo, hi in _LENGTH_BINS:
        label = f"{lo}+" if hi > 10**8 else f"{lo}-{hi - 1}"
        out.append(f"| {label} | {sum(lo <= n < hi for n in lengths)} |")
    L = stats["length"]
    out += ["", f"min {L['min']}, median {L['median']}, 90th percentile {L['p90']}, "
                f"max {L['max']}."]
    agreement = folder / "agreement.json"
    out += ["", "## Label agreement (blind relabeling)", ""]
    if agreement.is_file():
        out += _agreement_section(json.loads(agreement.read_text(encoding="utf-8")))
    else:
        out.append("Not measured yet.")
    return "\n".join(out) + "\n"


def _agreement_section(agr: dict[str, Any]) -> list[str]:
    out = [
        f"A random {agr['share']:.0%} sample ({agr['n']} paragraphs, seed {agr['seed']}) was "
        "relabeled from the text and the guidelines alone, without seeing the first labels. "
        "Agreement per label (Cohen's kappa, and the count of paragraphs where the two "
        "labelings differ on that label):",
        "",
        "| label | first | second | both | kappa | differ |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for lab in C.LABELS:
        a = agr["per_label"][lab]
        out.append(f"| `{lab}` | {a['first']} | {a['second']} | {a['both']} | "
                   f"{a['kappa']:.2f} | {a['differ']} |")
    out += ["", f"Exact match of the whole label set: {agr['exact_match']:.1%}; "
                f"micro-F1 of the second labeling against the first: {agr['micro_f1']:.3f}."]
    if agr.get("resolution"):
        out += ["", agr["resolution"]]
    return out


# --- blind relabeling agreement --------------------------------------------------------------

RELABEL_FILE = "relabel_sample.jsonl"


def read_relabels(path: str | Path) -> dict[str, list[str]]:
    """A relabeling file (``{"id", "labels"}`` per line) as id -> labels."""
    out = {}
    for row in _read_jsonl(Path(path)):
        if not isinstance(row.get("id"), str):
            raise DataFormatError(f"{path}:{row['_line']}: 'id' missing or not a string")
        out[row["id"]] = list(row.get("labels") or [])
    return out


def relabel_sample(corpus: Corpus, *, share: float = 0.1, seed: int = C.RANDOM_SEED,
                   exclude: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """A random sample of paragraphs to relabel blind: id, text and section context, no labels.

    The sample tops up ``exclude`` (paragraphs relabeled before, e.g. before the corpus grew)
    to ``share`` of the corpus, drawing only from the others.
    """
    import random  # noqa: PLC0415

    rng = random.Random(seed)
    pool = [i for i, r in enumerate(corpus.records) if r["id"] not in exclude]
    n = max(0, round(share * len(corpus.records)) - (len(corpus.records) - len(pool)))
    chosen = sorted(rng.sample(pool, min(n, len(pool))))
    pairs = corpus.pairs()
    return [{"id": corpus.records[i]["id"], "kind": corpus.records[i].get("kind"),
             "context": pairs[i][1], "text": corpus.records[i]["text"]} for i in chosen]


def label_agreement(corpus: Corpus, second: dict[str, list[str]], *, share: float,
                    seed: int) -> dict[str, Any]:
    """Per-label Cohen's kappa and counts between the corpus labels and a blind relabeling
    (``second`` maps paragraph id -> labels)."""
    by_id = {r["id"]: r for r in corpus.records}
    ids = [i for i in second if i in by_id]
    if not ids:
        raise DataFormatError("none of the relabeled ids is in the corpus")
    per_label = {}
    for lab in C.LABELS:
        a = [lab in by_id[i]["labels"] for i in ids]
        b = [lab in second[i] for i in ids]
        n = len(ids)
        both = sum(x and y for x, y in zip(a, b, strict=True))
        po = sum(x == y for x, y in zip(a, b, strict=True)) / n
        pa, pb = sum(a) / n, sum(b) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
        per_label[lab] = {"first": sum(a), "second": sum(b), "both": both,
                          "differ": sum(x != y for x, y in zip(a, b, strict=True)),
                          "kappa": round(kappa, 4)}
    tp = sum(v["both"] for v in per_label.values())
    fp = sum(v["second"] - v["both"] for v in per_label.values())
    fn = sum(v["first"] - v["both"] for v in per_label.values())
    exact = sum(set(by_id[i]["labels"]) == set(second[i]) for i in ids) / len(ids)
    return {"n": len(ids), "share": share, "seed": seed, "per_label": per_label,
            "exact_match": round(exact, 4),
            "micro_f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0}
