"""An office adopting tgclassify: label N of its own paragraphs, chosen by `suggest` or at
random, retrain on the shipped corpus plus them, and score its other reports.

Usage: python benchmarks/adoption.py [--sizes 25 50 100 200] [--seeds 5] [--weight 5]
       [--jobs 2] [--out benchmarks/results/adoption.json] [--plot benchmarks/adoption.png]

The office is the frozen evaluation set (data/eval/: genres and writers the shipped corpus
never saw). Per seed its documents are split in two halves, stratified by genre: the *pool*
(the office's reports to label from) and the *test* half (its other reports, scored). From the
pool, N paragraphs are chosen by `tgclassify.suggest.choose` on the packaged default model's
probabilities (what `tgclassify suggest` does), or uniformly at random with the seed; the
model is retrained as `tgclassify train --add` does (shipped corpus + the N paragraphs at
`--weight`, thresholds tuned by grouped 5-fold CV, then a fit on everything) and scored on the
test half. The zero point is the same training on the shipped corpus alone.

With ``--office-genres speech,commentary`` the office is instead the shipped corpus's documents
of those genres, and the "default" model the one trained on the rest of the corpus: an office
whose genre the default model never saw (the evaluation set is close to the corpus's own
distribution, so there the default model has little to learn). ``suggest`` then ranks the
pool by that held-out model's probabilities, as an office would run it on the model it has.

Separately, the shipped corpus's own nested grouped CV is run with the 200 suggested
paragraphs of seed 0 always on the training side, beside the same CV without them: adding an
office's paragraphs must not cost the shipped corpus more than 0.01 macro-F1.

With ``--ceiling`` each seed's whole pool is also labeled and added: what any choice of N
paragraphs could gain at most from this office (the room the target has).

Runtime is bounded by tokenizing the shipped corpus and the evaluation set once (pyvi would
otherwise be repeated in every fit) and sharing the tokens with forked workers; each fit (five
threshold-tuning folds and the final fit on ~10.5k paragraphs) then takes 1.5 min on a free
core, 4 min on a loaded one. The full run is 41 fits and 2 nested CVs (10 fits each), about an
hour with 2 workers; results are written after every run, the 100-paragraph runs (the target)
go first, and `--resume` finishes an interrupted run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.base import clone

from tgclassify import Classifier
from tgclassify import constants as C
from tgclassify.corpus import load_corpus
from tgclassify.evaluate import cross_validate_model, tokenize
from tgclassify.metrics import score
from tgclassify.model import ModelConfig, build_estimator
from tgclassify.suggest import choose

STATE: dict = {}


def _split(docs_by_genre: dict[str, list[str]], seed: int) -> set[str]:
    """The pool half of the documents, stratified by genre."""
    rng = np.random.default_rng(seed)
    pool = set()
    for genre in sorted(docs_by_genre):
        docs = list(docs_by_genre[genre])
        rng.shuffle(docs)
        start = int(rng.integers(2))  # odd counts: the extra document goes either way
        pool |= set(docs[start::2])
    return pool


def _fit(rows_eval: np.ndarray, weight: int):
    S = STATE
    n_ship = len(S["Xs"])
    Xt = np.concatenate([S["Xs"], np.repeat(S["Xe"][rows_eval], weight, axis=0)])
    Y = np.concatenate([S["Ys"], np.repeat(S["Ye"][rows_eval], weight, axis=0)])
    groups = S["gs"] + [S["ge"][i] for i in np.repeat(rows_eval, weight)]
    assert len(groups) == len(Xt) >= n_ship
    return clone(S["inner"]).fit(Xt, Y, groups=groups)


def _run(task: dict) -> dict:
    start = time.perf_counter()
    S = STATE
    if task["kind"] == "fit":
        model = _fit(np.asarray(task["rows"], dtype=int), task["weight"])
        test = np.asarray(task["test"], dtype=int)
        pred = model.decide(model.predict_proba(S["Xe"][test]))
        s = score(S["Ye"][test], pred)
        out = {"macro_f1": s["macro_f1"], "micro_f1": s["micro_f1"]}
    else:  # nested CV of the shipped corpus, the added paragraphs always on the training side
        rows = np.asarray(task["rows"], dtype=int)
        Xt = np.concatenate([S["Xs"], S["Xe"][rows]])
        Y = np.concatenate([S["Ys"], S["Ye"][rows]])
        groups = S["gs"] + [S["ge"][i] for i in rows]
        n_ship = len(S["Xs"])
        ev = cross_validate_model(S["estimator"], [("", "")] * len(Xt), Y, groups,
                                  texts=S["texts_s"] + [""] * len(rows),
                                  weights=[1] * n_ship + [task["weight"]] * len(rows),
                                  train_only=[False] * n_ship + [True] * len(rows), tokens=Xt)
        out = {"macro_f1": ev.model["macro_f1"], "micro_f1": ev.model["micro_f1"]}
    return {**{k: v for k, v in task.items() if k not in ("rows", "test", "tests")},
            **out, "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/labeled")
    ap.add_argument("--eval", default="data/eval")
    ap.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100, 200])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--weight", type=int, default=C.ADD_WEIGHT)
    ap.add_argument("--other-weights", type=int, nargs="*", default=[1, 10],
                    help="also run 100 paragraphs at these weights, seed 0 (weight choice)")
    ap.add_argument("--office-genres", default="",
                    help="comma-separated genres of the corpus held out as the office (default: "
                         "the office is the evaluation set)")
    ap.add_argument("--no-shipped-cv", action="store_true")
    ap.add_argument("--ceiling", action="store_true",
                    help="also label the whole pool of each seed (what any choice of N can gain "
                         "at most, short of more data)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="benchmarks/results/adoption.json")
    ap.add_argument("--plot", default="benchmarks/adoption.png")
    ap.add_argument("--resume", action="store_true",
                    help="keep the runs already in --out and run only the missing ones")
    ap.add_argument("--plot-only", action="store_true", help="re-plot --out, run nothing")
    args = ap.parse_args()
    if args.plot_only:
        plot(json.loads(Path(args.out).read_text(encoding="utf-8")), args.plot)
        return
    t0 = time.perf_counter()

    shipped, office = load_corpus(args.data), load_corpus(args.eval)
    held_genres = {g for g in args.office_genres.split(",") if g}
    if held_genres:
        held = [g in held_genres for g in shipped.genres]
        office = replace(shipped, records=[r for r, h in zip(shipped.records, held, strict=True) if h])
        shipped = replace(shipped, records=[r for r, h in zip(shipped.records, held, strict=True)
                                            if not h])
        print(f"office: {len(office.records)} paragraphs of {sorted(held_genres)}; shipped side "
              f"{len(shipped.records)}", file=sys.stderr)
    # paragraphs scored alone, as this benchmark measured them: `suggest` proposes body
    # paragraphs, and the heading blend (headings.py) came after these results
    estimator = build_estimator(ModelConfig(heading_weight=0.0))
    STATE.update(
        estimator=estimator,
        inner=clone(estimator).set_params(preprocessor=None),
        Xs=tokenize(estimator, shipped.pairs()), Ys=shipped.label_matrix(),
        gs=[f"shipped/{g}" for g in shipped.groups], texts_s=shipped.texts,
        Xe=tokenize(estimator, office.pairs()), Ye=office.label_matrix(),
        ge=[f"office/{g}" for g in office.groups])
    print(f"tokenized in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if held_genres:  # the office's model: trained without its genres
        base = _fit(np.zeros(0, dtype=int), 1)
        P, thresholds = base.predict_proba(STATE["Xe"]), base.thresholds_
    else:
        default = Classifier.load()
        P, thresholds = default.predict_proba(office.pairs()), default.thresholds
    genres = office.genres
    by_genre: dict[str, list[str]] = {}
    for g, genre in zip(office.groups, genres, strict=True):
        by_genre.setdefault(genre, [])
        if g not in by_genre[genre]:
            by_genre[genre].append(g)

    tasks = []
    splits: dict[int, dict] = {}
    tests: dict[int, list[int]] = {}
    for seed in range(args.seeds):
        pool_docs = _split(by_genre, seed)
        pool = np.array([i for i, g in enumerate(office.groups) if g in pool_docs])
        test = np.array([i for i, g in enumerate(office.groups) if g not in pool_docs])
        splits[seed] = {"pool_paragraphs": len(pool), "test_paragraphs": len(test),
                        "pool_reports": len(pool_docs)}
        texts = [office.texts[i] for i in pool]
        reports = [office.groups[i] for i in pool]
        rng = np.random.default_rng(1000 + seed)
        order = rng.permutation(len(pool))
        tests[seed] = test.tolist()
        for n in args.sizes:
            picked = pool[choose(P[pool], thresholds, texts, reports, n)]
            tasks.append({"kind": "fit", "strategy": "suggest", "seed": seed, "n": n,
                          "weight": args.weight, "rows": picked.tolist(), "test": test.tolist()})
            tasks.append({"kind": "fit", "strategy": "random", "seed": seed, "n": n,
                          "weight": args.weight, "rows": pool[order[:n]].tolist(),
                          "test": test.tolist()})
            if seed == 0 and n == 100:
                for w in args.other_weights:
                    for strategy, rows in (("suggest", picked), ("random", pool[order[:n]])):
                        tasks.append({"kind": "fit", "strategy": strategy, "seed": 0, "n": n,
                                      "weight": w, "rows": rows.tolist(), "test": test.tolist(),
                                      "side": "weight"})
            if args.ceiling and n == max(args.sizes):
                tasks.append({"kind": "fit", "strategy": "all", "seed": seed, "n": len(pool),
                              "weight": args.weight, "rows": pool.tolist(),
                              "test": test.tolist(), "side": "ceiling"})
            if seed == 0 and n == max(args.sizes) and not args.no_shipped_cv:
                tasks.append({"kind": "shipped_cv", "strategy": "suggest", "seed": 0, "n": n,
                              "weight": args.weight, "rows": picked.tolist()})
                tasks.append({"kind": "shipped_cv", "strategy": "none", "seed": 0, "n": 0,
                              "weight": 0, "rows": []})
    # the zero point does not depend on the split's training side: one fit, scored per seed
    # (with --office-genres it is the office's model, fitted above)
    zero_task = {"kind": "zero", "strategy": "none", "seed": -1, "n": 0, "weight": 0,
                 "tests": tests}
    zero_runs = _zero_scores(base, zero_task) if held_genres else []
    if not held_genres:
        tasks.append(zero_task)
    # the target's runs first (100 paragraphs), then the rest of the curve, the weight choice and
    # the shipped-corpus check, so that a run stopped early still answers the main question
    sizes_first = sorted(args.sizes, key=lambda n: (n != 100, -n))
    tasks.sort(key=lambda t: (t["kind"] != "zero", t["kind"] == "shipped_cv", "side" in t,
                              sizes_first.index(t["n"]) if t["n"] in sizes_first else 0, t["seed"]))
    results: list[dict] = list(zero_runs)
    if args.resume and Path(args.out).is_file():
        results = [r for r in json.loads(Path(args.out).read_text(encoding="utf-8"))["runs"]
                   if r["strategy"] != "none" or not zero_runs] + zero_runs
        done = {_key(r) for r in results}
        tasks = [t for t in tasks if _key(t) not in done
                 and not (t["kind"] == "zero" and any(r["strategy"] == "none" for r in results))]

    def save(partial: bool) -> None:
        out = summarize(results, args, splits, partial, time.perf_counter() - t0)
        Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n",
                                  encoding="utf-8")

    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs) as pool_:
        for batch in pool_.imap_unordered(_run_many, tasks):
            for res in batch:
                results.append(res)
                print(f"{res['kind']} {res['strategy']} n={res['n']} w={res['weight']} "
                      f"seed={res['seed']}: macro-F1 {res['macro_f1']:.4f} ({res['seconds']} s)",
                      file=sys.stderr)
            save(partial=True)
    save(partial=False)
    plot(json.loads(Path(args.out).read_text(encoding="utf-8")), args.plot)


def _key(t: dict) -> tuple:
    return (t["kind"], t["strategy"], t["seed"], t["n"] if t["strategy"] != "all" else -1,
            t["weight"], "side" in t)


def _run_many(task: dict) -> list[dict]:
    """A task's results: one, or for the zero point one per seed (a single fit)."""
    if task["kind"] != "zero":
        return [_run(task)]
    return _zero_scores(_fit(np.zeros(0, dtype=int), 1), task)


def _zero_scores(model, task: dict) -> list[dict]:
    """The model trained without the office's paragraphs, scored on each seed's test half."""
    S = STATE
    start = time.perf_counter()
    P = model.predict_proba(S["Xe"])
    out = []
    for seed, test in sorted(task["tests"].items()):
        test_ = np.asarray(test, dtype=int)
        s = score(S["Ye"][test_], model.decide(P[test_]))
        out.append({"kind": "fit", "strategy": "none", "seed": seed, "n": 0, "weight": 0,
                    "macro_f1": s["macro_f1"], "micro_f1": s["micro_f1"],
                    "seconds": round(time.perf_counter() - start, 1)})
    return out


def summarize(results: list[dict], args: argparse.Namespace, splits: dict, partial: bool,
              seconds: float) -> dict:
    main_runs = [r for r in results if r["kind"] == "fit" and "side" not in r]
    zero = {r["seed"]: r["macro_f1"] for r in main_runs if r["strategy"] == "none"}
    curves: dict[str, dict[str, dict]] = {}
    for strategy in ("suggest", "random"):
        curves[strategy] = {}
        for n in args.sizes:
            runs = [r for r in main_runs if r["strategy"] == strategy and r["n"] == n]
            if not runs:
                continue
            vals = [r["macro_f1"] for r in runs]
            gains = [r["macro_f1"] - zero[r["seed"]] for r in runs if r["seed"] in zero]
            curves[strategy][str(n)] = {
                "macro_f1_mean": round(float(np.mean(vals)), 4),
                "macro_f1_std": round(float(np.std(vals)), 4),
                "gain_mean": round(float(np.mean(gains)), 4) if gains else None,
                "seeds": len(vals), "per_seed": {str(r["seed"]): r["macro_f1"] for r in runs}}
    target = None
    s100, r100 = curves["suggest"].get("100"), curves["random"].get("100")
    if s100 and r100 and s100["gain_mean"] is not None and r100["gain_mean"] is not None:
        diff = round(s100["gain_mean"] - r100["gain_mean"], 4)
        target = {"suggest_minus_random_gain_at_100": diff, "target": 0.03, "met": diff >= 0.03}
    shipped = {r["strategy"]: r["macro_f1"] for r in results if r["kind"] == "shipped_cv"}
    shipped_check = None
    if len(shipped) == 2:
        drop = round(shipped["none"] - shipped["suggest"], 4)
        shipped_check = {"shipped_alone": shipped["none"],
                         f"with_{max(args.sizes)}_suggested": shipped["suggest"],
                         "drop": drop, "limit": 0.01, "met": drop <= 0.01}
    side = [{k: r[k] for k in ("strategy", "weight", "macro_f1")}
            for r in results if r.get("side") == "weight"]
    whole = [r for r in results if r.get("side") == "ceiling"]
    ceiling = None
    if whole:
        gains = [r["macro_f1"] - zero[r["seed"]] for r in whole if r["seed"] in zero]
        ceiling = {"what": "the whole pool of each seed labeled (all its paragraphs)",
                   "paragraphs_mean": round(float(np.mean([r["n"] for r in whole]))),
                   "macro_f1_mean": round(float(np.mean([r["macro_f1"] for r in whole])), 4),
                   "gain_mean": round(float(np.mean(gains)), 4) if gains else None,
                   "seeds": len(whole),
                   "per_seed": {str(r["seed"]): r["macro_f1"] for r in whole}}
    side += [{"strategy": r["strategy"], "weight": r["weight"], "macro_f1": r["macro_f1"]}
             for r in main_runs if r["seed"] == 0 and r["n"] == 100]
    return {
        "date": date.today().isoformat(), "partial": partial, "seconds": round(seconds),
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
        "office": (f"corpus documents of genres {args.office_genres}, held out of the "
                   "default model" if args.office_genres else args.eval),
        "sizes": args.sizes, "seeds": args.seeds, "weight": args.weight,
        "splits": splits,
        "zero_point": {"per_seed": zero,
                       "mean": round(float(np.mean(list(zero.values()))), 4) if zero else None},
        "curves": curves, "ceiling": ceiling, "target_100": target, "shipped_cv": shipped_check,
        "weight_choice_100_seed0": sorted(side, key=lambda d: (d["strategy"], d["weight"])),
        "runs": sorted(results, key=lambda r: (r["kind"], r["strategy"], r["n"], r["seed"])),
    }


def plot(result: dict, path: str) -> None:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    zero = result["zero_point"]["mean"]
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    for strategy, colour in (("suggest", "tab:blue"), ("random", "tab:orange")):
        pts = result["curves"][strategy]
        xs = [0] + [int(n) for n in pts]
        ys = [zero] + [pts[n]["macro_f1_mean"] for n in pts]
        err = [0] + [pts[n]["macro_f1_std"] for n in pts]
        label = "chosen by tgclassify suggest" if strategy == "suggest" else "chosen at random"
        ax.errorbar(xs, ys, yerr=err, marker="o", capsize=3, color=colour, label=label)
    if result.get("ceiling"):
        c = result["ceiling"]
        ax.axhline(c["macro_f1_mean"], color="tab:gray", linestyle="--",
                   label=f"whole pool labeled (~{c['paragraphs_mean']} paragraphs)")
    ax.set_xlabel("office paragraphs labeled and added to the shipped corpus")
    ax.set_ylabel("macro-F1 on the office's other reports")
    ax.set_title(f"Adoption: mean of {result['seeds']} seeds, weight {result['weight']}")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    main()
