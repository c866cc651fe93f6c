"""Compare feature sets and estimators by nested grouped cross-validation on the corpus.

Usage: python benchmarks/model_selection.py [--data DIR] [--out FILE] [--only NAME ...]

Every configuration is scored on the same grouped folds (scikit-learn's GroupKFold), with
thresholds tuned inside each training part (see tgclassify.evaluate). Each configuration pays
for its own tokenization. Prints a table and writes the JSON result.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import replace
from datetime import date

from tgclassify.corpus import load_corpus
from tgclassify.evaluate import evaluate_config
from tgclassify.model import ModelConfig

BASE = ModelConfig()  # the shipped default: pyvi words + syllables, context 0.5
WORDS = replace(BASE, syllables=False)  # pyvi words only: the reference for single changes
CANDIDATES = {
    "words 1-2, context 0.5, logreg C=10, balanced": WORDS,
    "syllables 1-2 (no pyvi)": replace(BASE, words=False, syllables=False),
    "default: pyvi words + syllables 1-2": BASE,
    "pyvi words + syllables, no context": replace(BASE, context_weight=0.0),
    "words 1-3": replace(WORDS, ngram_max=3),
    "words 1 only": replace(WORDS, ngram_max=1),
    "words 1-2 + char 2-5": replace(WORDS, char_ngrams=True),
    "raw tf (no sublinear)": replace(WORDS, sublinear_tf=False),
    "no section context": replace(WORDS, context_weight=0.0),
    "context weight 1.0": replace(WORDS, context_weight=1.0),
    "context weight 0.25": replace(WORDS, context_weight=0.25),
    "logreg C=1": replace(WORDS, C=1.0),
    "logreg C=30": replace(WORDS, C=30.0),
    "logreg unweighted classes": replace(WORDS, class_weight=None),
    "calibrated LinearSVC": replace(WORDS, estimator="svm"),
    "SGD (log loss)": replace(WORDS, estimator="sgd"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/labeled")
    ap.add_argument("--out", default="benchmarks/results/model_selection.json")
    ap.add_argument("--only", nargs="*", help="names (substrings) of candidates to run")
    args = ap.parse_args()
    corpus = load_corpus(args.data)
    rows = []
    print(f"{'configuration':<58}{'macro':>7}{'micro':>7}{'subset':>8}{'bare':>7}{'sec':>7}")
    for name, config in CANDIDATES.items():
        if args.only and not any(s in name for s in args.only):
            continue
        start = time.perf_counter()
        ev = evaluate_config(corpus, config)
        seconds = time.perf_counter() - start
        bare = ev.without_context["macro_f1"] if ev.without_context else ev.model["macro_f1"]
        rows.append({"name": name, "config": config.to_dict(), "seconds": round(seconds, 1),
                     "macro_f1": ev.model["macro_f1"], "micro_f1": ev.model["micro_f1"],
                     "subset_accuracy": ev.model["subset_accuracy"],
                     "macro_f1_without_context": bare,
                     "per_label_f1": {k: v["f1"] for k, v in ev.model["per_label"].items()},
                     "keyword_baseline_macro_f1": ev.keyword_baseline["macro_f1"]})
        print(f"{name:<58}{ev.model['macro_f1']:>7.3f}{ev.model['micro_f1']:>7.3f}"
              f"{ev.model['subset_accuracy']:>8.3f}{bare:>7.3f}{seconds:>7.1f}", flush=True)
    result = {"date": date.today().isoformat(), "machine": f"{platform.machine()}, "
              f"{platform.python_version()}", "data_sha256": corpus.sha256,
              "paragraphs": len(corpus.records), "reports": len(set(corpus.groups)),
              "protocol": "nested grouped 5-fold CV by report (GroupKFold); thresholds "
                          "tuned on inner out-of-fold probabilities", "results": rows}
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
