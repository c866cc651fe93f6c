"""Annotation quality: blind relabeling samples and the agreement of a second labeling with
the corpus (``tgclassify data relabel-sample`` / ``data agreement``)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from .. import constants as C
from ..errors import DataFormatError
from ..metrics import f1
from .load import Corpus, read_jsonl

__all__ = ["label_agreement", "read_relabels", "relabel_sample"]

RELABEL_FILE = "relabel_sample.jsonl"


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
        n = len(ids)
        both = sum(x and y for x, y in zip(a, b, strict=True))
        po = sum(x == y for x, y in zip(a, b, strict=True)) / n
        pa, pb = sum(a) / n, sum(b) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
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
