"""Choose the model for real text: each configuration scored by nested grouped cross-validation
on the corpus AND on the frozen evaluation set (data/eval/, never trained on).

Usage: python benchmarks/robustness.py [--data DIR] [--eval DIR] [--out FILE] [--only NAME ...]
                                       [--fast-cv | --no-cv]

The corpus and the evaluation set are tokenized once (every candidate here shares the
tokenization), then each configuration is (1) cross-validated with GroupKFold by document, its
thresholds tuned inside each training part, and (2) fitted on the whole corpus, with thresholds
tuned out of fold as `tgclassify train` does, and scored on the evaluation set, overall and per
genre. The evaluation set reports; choices are argued in the README from both columns.

``--fast-cv`` replaces the nested CV by one grouped CV whose thresholds are tuned on the same
out-of-fold probabilities (6 fits instead of 36 per configuration): optimistic by the same
amount for every configuration, so it ranks them, but its figures are not the model card's.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import replace
from datetime import date

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, cross_val_predict

from tgclassify import constants as C
from tgclassify.corpus import load_corpus
from tgclassify.estimator import tune_thresholds
from tgclassify.features import Tokenize
from tgclassify.metrics import score
from tgclassify.model import ModelConfig, build_estimator

BASE = ModelConfig()
CANDIDATES = {
    "default: words + syllables, context 0.5, heading blend 0.4": BASE,
    "headings scored alone (no blend)": replace(BASE, heading_weight=0.0),
    "heading blend 0.25": replace(BASE, heading_weight=0.25),
    "heading blend 0.55": replace(BASE, heading_weight=0.55),
    "heading blend 0.4, C=30": replace(BASE, C=30.0),
    "heading blend 0.4, context 0.75": replace(BASE, context_weight=0.75),
    "+ lexicon 0.3": replace(BASE, lexicon_weight=0.3),
    "+ lexicon 1.0": replace(BASE, lexicon_weight=1.0),
    "context 0.25": replace(BASE, context_weight=0.25),
    "context 0.75": replace(BASE, context_weight=0.75),
    "context 1.0": replace(BASE, context_weight=1.0),
    "context 0.25 + lexicon 0.3": replace(BASE, context_weight=0.25, lexicon_weight=0.3),
    "unweighted classes": replace(BASE, class_weight=None),
    "C=3": replace(BASE, C=3.0),
    "C=30": replace(BASE, C=30.0),
}


def _fast_cv(est, Xt, Y, groups, kinds, n_folds):
    oof = cross_val_predict(clone(est.estimator), Xt, Y, groups=groups,
                            cv=GroupKFold(n_splits=n_folds), method="predict_proba")
    oof = est.blend(oof, kinds, groups)
    return (oof >= tune_thresholds(oof, Y)).astype(Y.dtype)


def _nested_cv(est, Xt, Y, groups, kinds, n_folds):
    pred = np.zeros_like(Y)
    for train, test in GroupKFold(n_splits=n_folds).split(Xt, Y, groups):
        fitted = clone(est).fit([Xt[i] for i in train], Y[train], groups=[groups[i] for i in train],
                                kinds=[kinds[i] for i in train])
        proba = fitted.predict_proba([Xt[i] for i in test])
        pred[test] = fitted.decide(fitted.blend(proba, [kinds[i] for i in test],
                                                [groups[i] for i in test]))
    return pred


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/labeled")
    ap.add_argument("--eval", default="data/eval")
    ap.add_argument("--out", default="benchmarks/results/robustness.json")
    ap.add_argument("--only", nargs="*", help="names (substrings) of candidates to run")
    ap.add_argument("--no-cv", action="store_true", help="score on the evaluation set only")
    ap.add_argument("--fast-cv", action="store_true",
                    help="grouped CV with thresholds tuned on the same folds (ranks, 6x cheaper)")
    args = ap.parse_args()
    corpus, held = load_corpus(args.data), load_corpus(args.eval)
    start = time.perf_counter()
    tok = Tokenize(words=True, syllables=True, context=True).fit(None)
    Xt, Xe = tok.transform(corpus.pairs()), tok.transform(held.pairs())
    print(f"tokenized {len(Xt)} + {len(Xe)} paragraphs in {time.perf_counter() - start:.0f} s")
    Y, Ye, groups, kinds = corpus.label_matrix(), held.label_matrix(), corpus.groups, corpus.kinds
    genres = np.asarray(held.genres)
    rows = []
    print(f"{'configuration':<44}{'cv macro':>9}{'eval macro':>11}{'eval micro':>11}{'min label':>10}")
    for name, config in CANDIDATES.items():
        if args.only and not any(s in name for s in args.only):
            continue
        t0 = time.perf_counter()
        est = build_estimator(config).set_params(preprocessor=None)
        cv_pred = (None if args.no_cv
                   else _fast_cv(est, Xt, Y, groups, kinds, C.CV_FOLDS) if args.fast_cv
                   else _nested_cv(est, Xt, Y, groups, kinds, C.CV_FOLDS))
        cv = None if cv_pred is None else score(Y, cv_pred)
        if cv is not None:
            cv["micro_f1_by_kind"] = {k: score(Y[np.asarray(kinds) == k],
                                               cv_pred[np.asarray(kinds) == k])["micro_f1"]
                                      for k in ("heading", "body")}
        fitted = clone(est).fit(Xt, Y, groups=groups, kinds=kinds)
        pe = fitted.decide(fitted.blend(fitted.predict_proba(Xe), held.kinds, held.groups))
        ev = score(Ye, pe)
        per_genre = {g: score(Ye[genres == g], pe[genres == g])["micro_f1"]
                     for g in C.GENRES if (genres == g).any()}
        worst = min(v["f1"] for v in ev["per_label"].values())
        row = {"name": name, "config": config.to_dict(), "seconds": round(time.perf_counter() - t0, 1),
               "cv": cv, "eval": ev, "eval_per_genre_micro_f1": per_genre}
        rows.append(row)
        print(f"{name:<44}{cv['macro_f1'] if cv else float('nan'):>9.3f}{ev['macro_f1']:>11.3f}"
              f"{ev['micro_f1']:>11.3f}{worst:>10.3f}", flush=True)
    out = {"date": date.today().isoformat(),
           "cv": "none" if args.no_cv else "grouped, thresholds on the same folds" if args.fast_cv
           else "nested grouped", "machine": platform.processor() or platform.machine(),
           "corpus": {"source": corpus.source, "sha256": corpus.sha256, "paragraphs": len(Y)},
           "eval": {"source": held.source, "sha256": held.sha256, "paragraphs": len(Ye)},
           "results": rows}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
