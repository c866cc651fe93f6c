"""Annotation quality: blind relabeling samples, the agreement of a second labeling with
the corpus (``tgclassify data relabel-sample`` / ``data agreement``), and the label audit
(``audit.jsonl``: paragraphs relabeled blind by two annotators, decided by majority)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .. import constants as C
from ..errors import DataFormatError
from ..metrics import f1
from .load import Corpus, read_jsonl

__all__ = ["audit_summary", "label_agreement", "majority_labels", "read_relabels",
           "relabel_sample"]

RELABEL_FILE = "relabel_sample.jsonl"
AUDIT_FILE = "audit.jsonl"


def read_relabels(path: str | Path) -> dict[str, list[str]]:
    """A relabeling file (``{"id", "labels"}`` per line) as id -> labels."""
    out = {}
    for row in read_jsonl(Path(path)):
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
        both = sum(x and y for x, y in zip(a, b, strict=True))
        kappa = _kappa(a, b)
        per_label[lab] = {"first": sum(a), "second": sum(b), "both": both,
                          "differ": sum(x != y for x, y in zip(a, b, strict=True)),
                          "kappa": round(kappa, 4)}
    tp = int(sum(v["both"] for v in per_label.values()))
    fp = int(sum(v["second"] - v["both"] for v in per_label.values()))
    fn = int(sum(v["first"] - v["both"] for v in per_label.values()))
    exact = sum(set(by_id[i]["labels"]) == set(second[i]) for i in ids) / len(ids)
    return {"n": len(ids), "share": share, "seed": seed, "per_label": per_label,
            "exact_match": round(exact, 4),
            "micro_f1": round(f1(tp, fp, fn), 4)}


def majority_labels(*labelings: Iterable[str]) -> list[str]:
    """The labels carried by more than half of ``labelings``, in the table's order.

    With the first labeling and two blind annotators this is the audit's decision rule. Each
    label is decided on its own: the annotators settle a label they agree on, and a label they
    disagree on keeps the first labeling's decision.
    """
    sets = [set(x) for x in labelings]
    return [lab for lab in C.LABELS if 2 * sum(lab in s for s in sets) > len(sets)]


def _kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def audit_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Figures of a label audit: per way the paragraphs were found (``found_by``), how often
    the two blind annotators (``a``, ``b``) agree with each other and with the ``first``
    labels, how many ``final`` label sets differ from the first, and which labels moved.

    Each row's ``final`` must be the majority of ``first``, ``a`` and ``b``
    (:func:`majority_labels`); a row that breaks the rule is a data error.
    """
    if not rows:
        raise DataFormatError("the audit has no rows")
    for r in rows:
        missing = [k for k in ("id", "found_by", "first", "a", "b", "final") if k not in r]
        if missing:
            raise DataFormatError(f"audit line {r.get('_line', '?')}: missing "
                                  + ", ".join(repr(k) for k in missing))
        if list(r["final"]) != majority_labels(r["first"], r["a"], r["b"]):
            raise DataFormatError(f"audit row {r['id']}: 'final' is not the majority of "
                                  "'first', 'a' and 'b'")
    by_source: dict[str, dict[str, Any]] = {}
    for source in dict.fromkeys(str(r["found_by"]) for r in rows):
        part = [r for r in rows if r["found_by"] == source]
        n = len(part)
        by_source[source] = {
            "paragraphs": n,
            "a_equals_b": round(sum(set(r["a"]) == set(r["b"]) for r in part) / n, 4),
            "a_equals_first": round(sum(set(r["a"]) == set(r["first"]) for r in part) / n, 4),
            "b_equals_first": round(sum(set(r["b"]) == set(r["first"]) for r in part) / n, 4),
            "changed": sum(set(r["final"]) != set(r["first"]) for r in part),
        }
    moves: Counter[str] = Counter()
    for r in rows:
        moves.update(f"+{lab}" for lab in set(r["final"]) - set(r["first"]))
        moves.update(f"-{lab}" for lab in set(r["first"]) - set(r["final"]))
    kappa = {lab: round(_kappa([lab in r["a"] for r in rows], [lab in r["b"] for r in rows]), 4)
             for lab in C.LABELS}
    return {"paragraphs": len(rows), "changed": sum(v["changed"] for v in by_source.values()),
            "by_source": by_source, "kappa_a_b": kappa, "moves": dict(moves.most_common())}
