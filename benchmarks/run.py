"""The tgclassify benchmark suite: speed, memory, start-up, training and accuracy against peers.

Usage (from the repository root, with the development virtualenv):

    .venv/bin/python benchmarks/run.py                 # full run -> benchmarks/results/run.json
    .venv/bin/python benchmarks/run.py --quick         # smoke run -> benchmarks/results/quick.json
    .venv/bin/python benchmarks/run.py --only throughput coldstart --sizes 1000,10000

Sections (see benchmarks/README.md for what each one measures and why):

    throughput  Classifier.predict and the `tgclassify tag` CLI (1 and 2 processes) against
                pyvi tokenization alone, on replicated corpus paragraphs made unique
    coldstart   `tgclassify tag` on a one-paragraph file, `import tgclassify`, Classifier.load()
    training    train_classifier(evaluate=False) and evaluate_config, each in a fresh process
    memory      peak memory of the CLI tagging 10k and 100k paragraphs (flat or growing?)
    model       model folder size and load time
    peers       keyword baseline, syllable model, default model and fastText on the same folds

Every figure that has a target is listed in ``targets`` of the JSON with ``met`` true/false.
Results from a loaded machine are wrong: a full run refuses to start when the 1-minute load
average is above --max-load (0.5) unless --force is given, and the load is recorded.

fastText is an optional benchmark dependency (``pip install fasttext-wheel``); when it is not
installed the peer is recorded as skipped. It is never a dependency of tgclassify itself.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DATA = ROOT / "data" / "labeled"

# --- targets -------------------------------------------------------------------------------------

#: name -> (comparison, threshold, unit, what it means)
TARGETS: dict[str, tuple[str, float, str, str]] = {
    "predict_vs_pyvi_ratio": (">=", 2.0, "x", "Classifier.predict throughput / pyvi-only "
                              "throughput, 1 process, largest size"),
    "cli_vs_pyvi_ratio": (">=", 0.85, "x", "CLI --n-jobs 1 throughput (start-up subtracted) / "
                          "pyvi-only throughput, largest size"),
    "cli_speedup_2_jobs": (">=", 1.8, "x", "CLI wall-time throughput --n-jobs 2 / --n-jobs 1, "
                           "largest size"),
    "cold_start_wall_s": ("<", 1.5, "s", "`tgclassify tag` on a one-paragraph file, median wall"),
    "cold_start_vs_numpy": ("<=", 3.0, "x", "`tgclassify tag` on a one-paragraph file / "
                            "`python -c 'import numpy'`, median walls, runs alternated"),
    "import_s": ("<", 0.3, "s", "`import tgclassify` in a fresh process, median"),
    "model_load_s": ("<", 0.5, "s", "first Classifier.load() in a fresh process, median "
                     "(after `from tgclassify import Classifier`)"),
    "model_load_vs_numpy": ("<=", 2.0, "x", "`python -c 'from tgclassify import Classifier; "
                            "Classifier.load()'` / `python -c 'import numpy'`, median walls, "
                            "runs alternated"),
    "training_s": ("<", 60.0, "s", "train_classifier(corpus, evaluate=False), fresh process"),
    "cli_peak_memory_mb": ("<", 500.0, "MB", "peak RSS of the CLI tagging the largest size, "
                           "--n-jobs 1"),
    "cli_memory_growth": ("<=", 1.10, "x", "peak RSS at the largest size / at the second "
                          "largest (flat = does not grow with the input)"),
    "model_folder_mb": ("<=", 5.6, "MB", "size of the packaged default model folder (what "
                        "loading reads; 5.6 MB as a pickle, before the portable form)"),
}


def judge(name: str, value: float | None) -> dict[str, Any]:
    op, threshold, unit, meaning = TARGETS[name]
    met = None
    if value is not None:
        met = {">=": value >= threshold, "<": value < threshold, "<=": value <= threshold}[op]
    return {"name": name, "value": None if value is None else round(float(value), 4),
            "target": f"{op} {threshold:g}", "unit": unit, "met": met, "what": meaning}


# --- small helpers -------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def version_of(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def tgclassify_command() -> list[str]:
    """The console script beside this interpreter (what a user runs), else ``python -m``."""
    script = Path(sys.executable).parent / "tgclassify"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tgclassify"]


def load_corpus_subset(reports: int | None) -> Any:
    """The labeled corpus, or its first ``reports`` reports (quick runs); noise lines kept."""
    from tgclassify.corpus import Corpus, load_corpus  # noqa: PLC0415

    corpus = load_corpus(DATA)
    if not reports:
        return corpus
    keep: list[str] = []
    for r in corpus.records:
        if r["doc_id"] not in keep:
            keep.append(r["doc_id"])
    chosen = set(keep[:reports])
    records = [r for r in corpus.records if r["doc_id"] in chosen]
    return Corpus(records, {k: v for k, v in corpus.reports.items() if k in chosen},
                  corpus.sha256, corpus.source, corpus.noise[: 10 * len(records)])


def make_paragraphs(texts: Sequence[str], n: int) -> list[str]:
    """``n`` distinct paragraphs: the corpus texts in order, then copies made unique by a
    number word ("lần 7") inserted before the final punctuation, so that no copy hits the
    tokenization cache or the CLI's repeat check, and headings and sentences keep their shape."""
    out: list[str] = []
    for i in range(n):
        text = texts[i % len(texts)]
        copy = i // len(texts)
        if copy:
            letters = [c for c in text if c.isalpha()]
            upper = letters and sum(c.isupper() for c in letters) > 0.9 * len(letters)
            mark = f" {'LẦN' if upper else 'lần'} {copy}"
            text = text[:-1] + mark + text[-1] if text[-1] in ".;:!?…" else text + mark
        out.append(text)
    return out


def clear_caches() -> None:
    """Empty tgclassify's module-level memo tables (the LRU caches of raw tokens in
    ``tokens`` and ``normalize``; older versions also had a ``tokens._CACHE`` dict), so that every
    timed run starts cold. Context memos belong to each model's tokenizer and start empty."""
    for name in ("tgclassify.tokens", "tgclassify.normalize", "tgclassify.features"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and \
                    getattr(value, "__module__", None) == name:
                value.cache_clear()
        cache = getattr(module, "_CACHE", None)
        if isinstance(cache, dict):
            cache.clear()


def median(xs: Sequence[float]) -> float:
    return float(statistics.median(xs))


# --- running and measuring subprocesses ----------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


def _rss_pss_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeSampler:
    """Samples the summed RSS and PSS of a process and its descendants (worker processes
    share the model's pages after fork: PSS counts shared pages once, RSS once per process)."""

    def __init__(self, pid: int, interval: float = 0.1, *, skip_root: bool = False) -> None:
        self.pid = pid
        self.skip_root = skip_root
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.max_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids: list[int] = []
            todo = _children(self.pid) if self.skip_root else [self.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(_children(p))
            sizes = [_rss_pss_kb(p) for p in pids]
            self.peak_rss_kb = max(self.peak_rss_kb, sum(s[0] for s in sizes))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(s[1] for s in sizes))
            self.max_processes = max(self.max_processes, len(pids))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


#: Runs a command and reports its wall time and wait4 rusage. Measuring through this small
#: launcher matters: a child's ru_maxrss starts at the RSS of the process it was forked from
#: (Linux keeps the old image's high-water mark across exec), so a child forked straight from
#: this script, which holds 100k paragraphs in memory, would report this script's size.
_LAUNCHER = """
import json, os, subprocess, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
proc.returncode = os.waitstatus_to_exitcode(status)
with open(report, "w") as fh:
    json.dump({"wall_s": wall, "rc": proc.returncode, "maxrss_kb": usage.ru_maxrss}, fh)
"""


def run_measured(cmd: Sequence[str], *, capture: bool = False, sample: bool = False
                 ) -> dict[str, Any]:
    """Run ``cmd`` through the launcher: wall time, exit code, its peak RSS (wait4's
    ru_maxrss: the largest of the process and the workers it reaped; floor about 10 MB, the
    launcher's size) and, with ``sample``, the peak of the RSS and PSS summed over the process
    and its workers, sampled every 0.1 s."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage.json"
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(report), *cmd], cwd=ROOT,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=err)
        sampler = TreeSampler(proc.pid, skip_root=True) if sample else None
        out = proc.stdout.read() if capture and proc.stdout else b""
        proc.wait()
        if proc.stdout:
            proc.stdout.close()
        if sampler:
            sampler.stop()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        measured = (json.loads(report.read_text()) if report.exists()
                    else {"wall_s": float("nan"), "rc": proc.returncode, "maxrss_kb": 0})
    res: dict[str, Any] = {"wall_s": measured["wall_s"], "rc": measured["rc"],
                           "maxrss_mb": measured["maxrss_kb"] / 1024, "stdout": out.decode()}
    if sampler:
        res.update(tree_peak_rss_mb=sampler.peak_rss_kb / 1024,
                   tree_peak_pss_mb=sampler.peak_pss_kb / 1024,
                   processes=sampler.max_processes)
    if res["rc"] != 0:
        res["stderr"] = stderr[-2000:]
        log(f"  ! {' '.join(cmd[:4])}... exited {res['rc']}: {stderr[-500:]}")
    return res


def run_child(name: str, **kwargs: Any) -> dict[str, Any]:
    """Run one ``--child`` measurement of this script in a fresh interpreter; its JSON result
    with the process's wall time and peak RSS added."""
    res = run_measured([sys.executable, str(Path(__file__).resolve()), "--child", name,
                        json.dumps(kwargs)], capture=True)
    if res["rc"] != 0:
        return {"error": res.get("stderr", "")[-1000:], "rc": res["rc"]}
    out = json.loads(res["stdout"].strip().splitlines()[-1])
    out["process_wall_s"] = round(res["wall_s"], 3)
    out["process_maxrss_mb"] = round(res["maxrss_mb"], 1)
    return out


def run_tag(cmd_prefix: Sequence[str], path: Path, n_jobs: int, out_path: Path,
            sample: bool = True) -> dict[str, Any]:
    """`tgclassify tag PATH --format jsonl -o OUT --quiet --n-jobs N`, measured; counts the
    paragraph records written. (Not ``-o /dev/null``: the CLI writes its output to a temporary
    file and renames it over the target, which would replace /dev/null when run as root.)"""
    res = run_measured([*cmd_prefix, "tag", str(path), "--format", "jsonl", "-o", str(out_path),
                        "--quiet", "--n-jobs", str(n_jobs)], sample=sample)
    tagged = 0
    if out_path.exists():
        with open(out_path, encoding="utf-8") as fh:
            tagged = sum(1 for line in fh if line.startswith('{"type": "paragraph"'))
        out_path.unlink()
    res["tagged"] = tagged
    res.pop("stdout", None)
    return res


# --- 1. throughput -------------------------------------------------------------------------------


def time_pyvi(paragraphs: Sequence[str]) -> float:
    """pyvi word segmentation alone, one call per paragraph: the floor cost of the design."""
    from pyvi import ViTokenizer  # noqa: PLC0415

    start = time.perf_counter()
    for text in paragraphs:
        ViTokenizer.tokenize(text)
    return time.perf_counter() - start


def time_predict(clf: Any, paragraphs: Sequence[str], batch: int) -> float:
    """Classifier.predict in batches (the tagging batch size), cold tokenization caches."""
    clear_caches()
    start = time.perf_counter()
    for i in range(0, len(paragraphs), batch):
        clf.predict(paragraphs[i : i + batch])
    seconds = time.perf_counter() - start
    clear_caches()
    return seconds


def repeats_for(n: int, quick: bool) -> int:
    """Small sizes are noisy: median of 3 runs up to 1,000 paragraphs, else one run."""
    return 3 if n <= 1000 and not quick else (2 if n <= 1000 else 1)


def section_throughput(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from pyvi import ViTokenizer  # noqa: PLC0415

    from tgclassify import Classifier  # noqa: PLC0415
    from tgclassify import constants as C  # noqa: PLC0415

    texts = load_corpus_subset(None).texts
    clf = Classifier.load()
    ViTokenizer.tokenize("Khởi động mô hình.")  # pyvi loads its model on import; warm it
    clf.predict(["Khởi động mô hình."])
    cli = tgclassify_command()
    one = tmp / "one.txt"
    one.write_text(texts[1] + "\n", encoding="utf-8")
    startup = {}
    for jobs in args.jobs:  # fixed cost of a run, subtracted for the "net" throughput
        runs = [run_tag(cli, one, jobs, tmp / "out.jsonl", sample=False)["wall_s"]
                for _ in range(args.cold_runs)]
        startup[jobs] = median(runs)
    rows = []
    for n in args.sizes:
        paragraphs = make_paragraphs(texts, n)
        chars = sum(len(p) for p in paragraphs)
        reps = repeats_for(n, args.quick)
        log(f"throughput: {n} paragraphs ({chars} chars), {reps} run(s) each")
        row: dict[str, Any] = {"paragraphs": n, "chars": chars, "repeats": reps}
        pyvi_s = median([time_pyvi(paragraphs) for _ in range(reps)])
        row["pyvi"] = {"seconds": round(pyvi_s, 3), "paragraphs_per_s": round(n / pyvi_s, 1),
                       "chars_per_s": round(chars / pyvi_s)}
        pred_s = median([time_predict(clf, paragraphs, C.PREDICT_BATCH) for _ in range(reps)])
        row["predict"] = {"seconds": round(pred_s, 3), "paragraphs_per_s": round(n / pred_s, 1),
                          "chars_per_s": round(chars / pred_s), "batch": C.PREDICT_BATCH,
                          "ratio_to_pyvi": round(pyvi_s / pred_s, 3)}
        path = tmp / f"paragraphs-{n}.txt"
        path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
        row["cli"] = {}
        for jobs in args.jobs:
            runs = [run_tag(cli, path, jobs, tmp / "out.jsonl") for _ in range(reps)]
            wall = median([r["wall_s"] for r in runs])
            net = max(wall - startup[jobs], 1e-9)
            last = runs[-1]
            row["cli"][str(jobs)] = {
                "wall_s": round(wall, 3), "startup_s": round(startup[jobs], 3),
                "paragraphs_per_s": round(n / wall, 1), "chars_per_s": round(chars / wall),
                "net_paragraphs_per_s": round(n / net, 1),
                "ratio_to_pyvi": round(pyvi_s / wall, 3),
                "net_ratio_to_pyvi": round(pyvi_s / net, 3),
                "tagged": last["tagged"], "rc": last["rc"],
                "maxrss_mb": round(max(r["maxrss_mb"] for r in runs), 1),
                "tree_peak_rss_mb": round(max(r["tree_peak_rss_mb"] for r in runs), 1),
                "tree_peak_pss_mb": round(max(r["tree_peak_pss_mb"] for r in runs), 1),
                "processes": last["processes"],
            }
        if "1" in row["cli"] and "2" in row["cli"]:
            one_j, two_j = row["cli"]["1"], row["cli"]["2"]
            row["cli_speedup_2_jobs"] = round(one_j["wall_s"] / two_j["wall_s"], 3)
            row["cli_net_speedup_2_jobs"] = round(
                (one_j["wall_s"] - one_j["startup_s"]) / max(two_j["wall_s"] - two_j["startup_s"],
                                                            1e-9), 3)
        path.unlink()
        rows.append(row)
    return {"sizes": rows, "cli_startup_s": {str(k): round(v, 3) for k, v in startup.items()},
            "how": "paragraphs = corpus texts, copies made unique ('lần k'); pyvi = "
                   "ViTokenizer.tokenize per paragraph; predict = Classifier.predict on plain "
                   "strings in batches, token cache cleared; cli = `tgclassify tag file.txt "
                   "--format jsonl -o tmp --quiet --n-jobs N` (net = wall minus the median wall "
                   "of the same command on a one-paragraph file)"}


# --- 2. cold start -------------------------------------------------------------------------------

_IMPORT_SNIPPET = ("import time; t = time.perf_counter(); import tgclassify; "
                   "print(time.perf_counter() - t)")


_LOAD_SNIPPET = "from tgclassify import Classifier; Classifier.load()"


def section_coldstart(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    texts = load_corpus_subset(None).texts
    one = tmp / "one.txt"
    one.write_text(texts[1] + "\n", encoding="utf-8")
    cli = tgclassify_command()
    run_tag(cli, one, 1, tmp / "out.jsonl", sample=False)  # bytecode written, as installed
    # side by side: each round runs `import numpy`, the tag command and a bare model load, so
    # the machine's load at a moment weighs on all three alike
    runs, numpy_walls, load_walls = [], [], []
    for _ in range(args.cold_runs):
        numpy_walls.append(run_measured([sys.executable, "-c", "import numpy"])["wall_s"])
        runs.append(run_tag(cli, one, 1, tmp / "out.jsonl", sample=False))
        load_walls.append(run_measured([sys.executable, "-c", _LOAD_SNIPPET])["wall_s"])
    imports = []
    interpreter = []
    for _ in range(args.cold_runs):
        res = run_measured([sys.executable, "-c", _IMPORT_SNIPPET], capture=True)
        imports.append(float(res["stdout"].strip()))
        interpreter.append(res["wall_s"])
    bare = [run_measured([sys.executable, "-c", "pass"])["wall_s"] for _ in range(args.cold_runs)]
    loads = [run_child("load") for _ in range(args.cold_runs)]
    steps = [run_child("breakdown") for _ in range(args.cold_runs)]
    breakdown = {k: round(median([s[k] for s in steps]), 4) for k in steps[0]
                 if isinstance(steps[0][k], int | float)}
    tag_wall = median([r["wall_s"] for r in runs])
    return {
        "cli_one_paragraph": {"runs": args.cold_runs,
                              "median_wall_s": round(tag_wall, 3),
                              "walls_s": [round(r["wall_s"], 3) for r in runs],
                              "peak_rss_mb": round(max(r["maxrss_mb"] for r in runs), 1),
                              "tagged": runs[-1]["tagged"],
                              "imports_sklearn_or_scipy": steps[-1]["heavy_modules"] != ""},
        "import_numpy": {"median_wall_s": round(median(numpy_walls), 3),
                         "walls_s": [round(w, 3) for w in numpy_walls]},
        "load_process": {"median_wall_s": round(median(load_walls), 3),
                         "walls_s": [round(w, 3) for w in load_walls]},
        "ratios_to_numpy": {"cold_tag": round(tag_wall / median(numpy_walls), 2),
                            "model_load": round(median(load_walls) / median(numpy_walls), 2),
                            "cold_tag_per_round": [round(r["wall_s"] / n, 2) for r, n in
                                                   zip(runs, numpy_walls, strict=True)],
                            "model_load_per_round": [round(w / n, 2) for w, n in
                                                     zip(load_walls, numpy_walls, strict=True)]},
        "import_tgclassify": {"median_s": round(median(imports), 4),
                              "median_process_wall_s": round(median(interpreter), 3),
                              "median_bare_interpreter_s": round(median(bare), 3)},
        "model_load": {"median_first_load_s": round(median([x["first_s"] for x in loads]), 3),
                       "median_second_load_s": round(median([x["second_s"] for x in loads]), 3),
                       "note": "first = first Classifier.load() in a fresh process after "
                               "`from tgclassify import Classifier` (checks the sha256 of "
                               "every file, reads model.json and model.npz); second = the "
                               "same call again in that process"},
        "breakdown_s": breakdown,
        "bytecode": "written (PYTHONDONTWRITEBYTECODE unset for the measured commands, one "
                    "warm-up run first), as in an installed package",
    }


def child_load(_: dict[str, Any]) -> dict[str, Any]:
    from tgclassify import Classifier  # noqa: PLC0415

    t0 = time.perf_counter()
    Classifier.load()
    t1 = time.perf_counter()
    Classifier.load()
    t2 = time.perf_counter()
    return {"first_s": t1 - t0, "second_s": t2 - t1}


def child_breakdown(_: dict[str, Any]) -> dict[str, Any]:
    """Where a cold `tgclassify tag` spends its time, step by step in one fresh process."""
    out: dict[str, Any] = {}
    t = time.perf_counter()
    import numpy  # noqa: F401, PLC0415

    out["import_numpy"] = time.perf_counter() - t
    t = time.perf_counter()
    import tgclassify.cli  # noqa: F401, PLC0415
    from tgclassify import Classifier  # noqa: PLC0415
    from tgclassify.tagging import tag_reports  # noqa: F401, PLC0415

    out["import_tgclassify_modules"] = time.perf_counter() - t
    t = time.perf_counter()
    clf = Classifier.load()
    out["classifier_load"] = time.perf_counter() - t
    t = time.perf_counter()
    clf.predict(["Tổ chức 12 hội nghị báo cáo viên cấp huyện."])
    out["first_predict"] = time.perf_counter() - t  # reads the word segmenter's weights
    t = time.perf_counter()
    clf.predict(["Mở 3 lớp bồi dưỡng lý luận chính trị cho đảng viên mới."])
    out["second_predict"] = time.perf_counter() - t
    t = time.perf_counter()
    assert clf.chrome_filter is not None
    clf.chrome_filter(["Trang chủ", "Chia sẻ bài viết"])
    out["first_chrome_filter"] = time.perf_counter() - t
    res: dict[str, Any] = {k: round(v, 4) for k, v in out.items()}
    res["heavy_modules"] = ",".join(sorted({m.split(".")[0] for m in sys.modules}
                                           & {"sklearn", "scipy", "joblib", "pyvi"}))
    return res


# --- 3. training ---------------------------------------------------------------------------------


def child_train(opts: dict[str, Any]) -> dict[str, Any]:
    from tgclassify.train import train_classifier  # noqa: PLC0415

    corpus = load_corpus_subset(opts.get("reports"))
    t = time.perf_counter()
    res = train_classifier(corpus, evaluate=False)
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 2), "paragraphs": len(corpus.records),
            "reports": len(set(corpus.groups)), "noise_lines": len(corpus.noise),
            "chrome_filter": res.classifier.chrome_filter is not None}


def child_cv(opts: dict[str, Any]) -> dict[str, Any]:
    from tgclassify.evaluate import evaluate_config  # noqa: PLC0415
    from tgclassify.model import ModelConfig  # noqa: PLC0415

    corpus = load_corpus_subset(opts.get("reports"))
    t = time.perf_counter()
    ev = evaluate_config(corpus, ModelConfig())
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 2), "paragraphs": len(corpus.records),
            "reports": len(set(corpus.groups)), "folds": ev.folds,
            "fits": ev.folds * (ev.folds + 1), "macro_f1": ev.model["macro_f1"],
            "micro_f1": ev.model["micro_f1"]}


def section_training(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    log("training: train_classifier(evaluate=False) in a fresh process")
    train = run_child("train", reports=args.corpus_reports)
    log("training: evaluate_config(default) in a fresh process")
    cv = run_child("cv", reports=args.corpus_reports)
    return {"train_classifier": train, "evaluate_config": cv,
            "note": "train_classifier = tokenization once, 5 out-of-fold fits for the "
                    "thresholds + the final fit + the chrome filter; evaluate_config = "
                    "tokenization once, nested grouped CV, 5 x (5 + 1) fits"}


# --- 4. memory -----------------------------------------------------------------------------------


def section_memory(args: argparse.Namespace, tmp: Path,
                   throughput: dict[str, Any] | None) -> dict[str, Any]:
    """Peak memory of the CLI at the two largest sizes; reuses the throughput runs."""
    sizes = sorted(args.sizes)[-2:] if len(args.sizes) >= 2 else list(args.sizes)
    done = {row["paragraphs"]: row for row in (throughput or {}).get("sizes", [])}
    texts = None
    cli = tgclassify_command()
    rows = []
    for n in sizes:
        if n in done:
            per_jobs = done[n]["cli"]
        else:
            from tgclassify import load_corpus  # noqa: PLC0415

            texts = texts or load_corpus(DATA).texts
            path = tmp / f"memory-{n}.txt"
            path.write_text("\n".join(make_paragraphs(texts, n)) + "\n", encoding="utf-8")
            log(f"memory: CLI on {n} paragraphs")
            per_jobs = {str(j): run_tag(cli, path, j, tmp / "out.jsonl") for j in args.jobs}
            path.unlink()
        rows.append({"paragraphs": n, **{
            f"jobs_{j}": {"maxrss_mb": round(r["maxrss_mb"], 1),
                          "tree_peak_rss_mb": round(r["tree_peak_rss_mb"], 1),
                          "tree_peak_pss_mb": round(r["tree_peak_pss_mb"], 1)}
            for j, r in per_jobs.items()}})
    growth = None
    if len(rows) == 2 and "jobs_1" in rows[0]:
        growth = rows[1]["jobs_1"]["maxrss_mb"] / rows[0]["jobs_1"]["maxrss_mb"]
    return {"sizes": rows, "growth_jobs_1": None if growth is None else round(growth, 3),
            "note": "maxrss = the CLI process's own peak RSS (wait4); tree = summed over the "
                    "main process and its workers, sampled every 0.1 s (PSS counts pages "
                    "shared after fork once)"}


# --- 5. model folder -----------------------------------------------------------------------------


def section_model(args: argparse.Namespace, tmp: Path,
                  coldstart: dict[str, Any] | None) -> dict[str, Any]:
    from tgclassify.persist import packaged_model  # noqa: PLC0415

    folder = Path(str(packaged_model()))
    files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
    if coldstart:
        load = coldstart["model_load"]
    else:
        loads = [run_child("load") for _ in range(args.cold_runs)]
        load = {"median_first_load_s": round(median([x["first_s"] for x in loads]), 3),
                "median_second_load_s": round(median([x["second_s"] for x in loads]), 3)}
    card = json.loads((folder / "model_card.json").read_text(encoding="utf-8"))
    return {"path": str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder),
            "files": files, "total_mb": round(sum(files.values()) / 1e6, 3),
            "created": card.get("created"),
            "sha256": {k: v[:16] for k, v in card.get("files", {}).items()},
            **load}


# --- 6. peers ------------------------------------------------------------------------------------

#: The multi-label recipe of the fastText tutorial (-loss one-vs-all -lr 0.5 -epoch 25
#: -wordNgrams 2 -bucket 200000 -dim 50), on one thread so that runs repeat and compare with
#: the single-process scikit-learn fits. Not tuned on these folds.
FASTTEXT_PARAMS = {"loss": "ova", "epoch": 25, "lr": 0.5, "wordNgrams": 2, "dim": 50,
                   "minCount": 1, "bucket": 200_000, "thread": 1, "verbose": 0}


def _pooled(Y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    from tgclassify.evaluate import score  # noqa: PLC0415

    s = score(Y, pred)
    return {"macro_f1": s["macro_f1"], "micro_f1": s["micro_f1"],
            "subset_accuracy": s["subset_accuracy"],
            "per_label_f1": {k: v["f1"] for k, v in s["per_label"].items()}}


def peer_keywords(corpus: Any, folds: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    from tgclassify.baseline import KeywordBaseline  # noqa: PLC0415

    texts, Y = corpus.texts, corpus.label_matrix()
    pred = np.zeros(Y.shape, dtype=bool)
    predict_s = 0.0
    base = KeywordBaseline()
    for _, test in folds:
        t = time.perf_counter()
        pred[test] = base.predict_matrix([texts[i] for i in test])
        predict_s += time.perf_counter() - t
    return {**_pooled(Y, pred), "train_s_per_fold": 0.0,
            "predict_paragraphs_per_s": round(len(texts) / predict_s, 1),
            "input": "paragraph text (no context)", "thresholds": "none (rules)"}


def peer_tgclassify(corpus: Any, config: Any, folds: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """Speed on each outer fold (cold token cache: tokenization is part of the cost), then
    accuracy from evaluate_config's nested CV on the same folds."""
    from sklearn.base import clone  # noqa: PLC0415

    from tgclassify.evaluate import evaluate_config  # noqa: PLC0415
    from tgclassify.model import build_estimator  # noqa: PLC0415

    X = corpus.pairs()
    Y = corpus.label_matrix()
    # one plain fit per fold (no threshold tuning): what training costs, tokenization included
    plain = clone(build_estimator(config).estimator)
    prep = build_estimator(config).preprocessor
    fit_s, predict_s = [], 0.0
    for train, test in folds:
        clear_caches()
        t = time.perf_counter()
        model = clone(plain).fit(prep.transform([X[i] for i in train]), Y[train])
        fit_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.predict_proba(prep.transform([X[i] for i in test]))
        predict_s += time.perf_counter() - t
    clear_caches()
    t = time.perf_counter()
    ev = evaluate_config(corpus, config)
    cv_s = time.perf_counter() - t
    clear_caches()
    out = _pooled(Y, ev.oof_pred)
    assert out["macro_f1"] == ev.model["macro_f1"]
    return {**out, "train_s_per_fold": round(statistics.mean(fit_s), 3),
            "predict_paragraphs_per_s": round(len(X) / predict_s, 1),
            "nested_cv_s": round(cv_s, 2), "config": config.to_dict(),
            "input": "(paragraph, section context)" if config.context_weight > 0
            else "paragraph text",
            "thresholds": "per label, tuned by inner grouped CV on the training part"}


def _fasttext_line(text: str, context: str) -> str:
    from tgclassify.tokens import tokenize_syllables  # noqa: PLC0415

    tokens = tokenize_syllables(text)
    if context:
        tokens += [f"ctx_{t}" for t in tokenize_syllables(context)]
    return " ".join(tokens)


def _fasttext_fit(ft: Any, pairs: Sequence[tuple[str, str]], Y: np.ndarray, labels: Sequence[str],
                  tmp: Path, seed: int) -> Any:
    path = tmp / "fasttext-train.txt"
    with open(path, "w", encoding="utf-8") as fh:
        for (text, context), row in zip(pairs, Y, strict=True):
            tags = [f"__label__{lab}" for lab, on in zip(labels, row, strict=True) if on]
            # fastText skips lines without a label; a general paragraph is a negative for all
            fh.write(" ".join(tags or ["__label__general"]) + " " + _fasttext_line(text, context)
                     + "\n")
    model = ft.train_supervised(input=str(path), seed=seed, **FASTTEXT_PARAMS)
    path.unlink()
    return model


def _fasttext_proba(model: Any, pairs: Sequence[tuple[str, str]], labels: Sequence[str]
                    ) -> np.ndarray:
    # The binding's own entry points are broken in fasttext-wheel 0.9.2 under numpy 2:
    # predict(str) fails on np.array(copy=False) and predict(list) (multilinePredict) returns
    # the top probability for every label. The low-level per-line call is correct.
    col = {f"__label__{lab}": j for j, lab in enumerate(labels)}
    P = np.zeros((len(pairs), len(labels)))
    for i, (text, context) in enumerate(pairs):
        for p, lab in model.f.predict(_fasttext_line(text, context) + "\n", -1, 0.0, "strict"):
            if lab in col:
                P[i, col[lab]] = p
    return P


def peer_fasttext(corpus: Any, folds: list[tuple[np.ndarray, np.ndarray]], tmp: Path) -> dict[str, Any]:
    try:
        import fasttext  # noqa: PLC0415
    except ImportError as exc:
        return {"skipped": f"fasttext is not installed or does not import ({exc}); "
                           "pip install fasttext-wheel"}
    from sklearn.model_selection import GroupKFold  # noqa: PLC0415

    from tgclassify import constants as C  # noqa: PLC0415
    from tgclassify.estimator import tune_thresholds  # noqa: PLC0415

    pairs, Y, groups = corpus.pairs(), corpus.label_matrix(), corpus.groups
    labels = C.LABELS
    pred = np.zeros(Y.shape, dtype=bool)
    pred_half = np.zeros(Y.shape, dtype=bool)
    fit_s, predict_s = [], 0.0
    for train, test in folds:
        tr_pairs = [pairs[i] for i in train]
        tr_groups = [groups[i] for i in train]
        # thresholds from out-of-fold probabilities inside the training part only, with the
        # same inner folds as tgclassify's nested CV
        inner = np.zeros((len(train), len(labels)))
        for inner_train, inner_test in GroupKFold(n_splits=C.CV_FOLDS).split(
                tr_pairs, groups=tr_groups):
            m = _fasttext_fit(fasttext, [tr_pairs[i] for i in inner_train],
                              Y[train][inner_train], labels, tmp, C.RANDOM_SEED)
            inner[inner_test] = _fasttext_proba(m, [tr_pairs[i] for i in inner_test], labels)
        th = tune_thresholds(inner, Y[train])
        t = time.perf_counter()
        model = _fasttext_fit(fasttext, tr_pairs, Y[train], labels, tmp, C.RANDOM_SEED)
        fit_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        P = _fasttext_proba(model, [pairs[i] for i in test], labels)
        predict_s += time.perf_counter() - t
        pred[test] = th[None, :] <= P
        pred_half[test] = P >= 0.5
    return {**_pooled(Y, pred), "threshold_0_5": _pooled(Y, pred_half),
            "train_s_per_fold": round(statistics.mean(fit_s), 3),
            "predict_paragraphs_per_s": round(len(pairs) / predict_s, 1),
            "version": version_of("fasttext-wheel") or version_of("fasttext"),
            "params": FASTTEXT_PARAMS,
            "input": "syllables of the paragraph (tgclassify.tokens.tokenize_syllables) + "
                     "section-context syllables prefixed ctx_; a general paragraph gets "
                     "__label__general",
            "thresholds": "per label, tuned by inner grouped CV on the training part "
                          "(threshold_0_5: fixed 0.5)"}


def child_peers(opts: dict[str, Any]) -> dict[str, Any]:
    from sklearn.model_selection import GroupKFold  # noqa: PLC0415

    from tgclassify import constants as C  # noqa: PLC0415
    from tgclassify.model import ModelConfig  # noqa: PLC0415

    corpus = load_corpus_subset(opts.get("reports"))
    # the outer folds of tgclassify's nested CV (evaluate.cross_validate_model)
    folds = list(GroupKFold(n_splits=C.CV_FOLDS).split(corpus.texts, groups=corpus.groups))
    out: dict[str, Any] = {"paragraphs": len(corpus.records),
                           "reports": len(set(corpus.groups)), "folds": len(folds),
                           "fold_sizes": [len(test) for _, test in folds]}
    with tempfile.TemporaryDirectory(prefix="tgbench-ft-") as tmp:
        steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("keyword_baseline", lambda: peer_keywords(corpus, folds)),
            ("tgclassify_syllables", lambda: peer_tgclassify(corpus, ModelConfig(words=False),
                                                             folds)),
            ("tgclassify_default", lambda: peer_tgclassify(corpus, ModelConfig(), folds)),
            ("fasttext", lambda: peer_fasttext(corpus, folds, Path(tmp))),
        ]
        for name, step in steps:
            if opts.get("only") and name not in opts["only"]:
                continue
            print(f"peers: {name}", file=sys.stderr, flush=True)
            out[name] = step()
    return out


def section_peers(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    log("peers: keyword baseline, syllable model, default model, fastText (fresh process)")
    return run_child("peers", reports=args.corpus_reports, only=args.peers)


# --- report --------------------------------------------------------------------------------------


def cpu_snapshot() -> tuple[float, float, float]:
    """(wall clock, CPU-seconds the whole machine has been busy, CPU-seconds of this process
    and its reaped children)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    busy = sum(fields[:3]) + sum(fields[5:8])  # user nice system (idle iowait) irq softirq steal
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.monotonic(), busy / os.sysconf("SC_CLK_TCK"),
            own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime)


def foreign_cores(before: tuple[float, float, float], after: tuple[float, float, float]
                  ) -> float | None:
    """Mean number of cores other processes kept busy between two snapshots: the figures of a
    section are trustworthy only when this is near 0. None for spans too short to tell."""
    wall = after[0] - before[0]
    if wall < 2.0:
        return None
    return round(max((after[1] - before[1]) - (after[2] - before[2]), 0.0) / wall, 3)


def machine_facts() -> dict[str, Any]:
    cpu = None
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = None
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        mem = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": cpu, "memory_gib": mem, "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {d: version_of(d) for d in ("numpy", "scipy", "scikit-learn", "pyvi",
                                                 "python-crfsuite", "joblib", "tgclassify",
                                                 "fasttext-wheel")},
        "env": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OMP_NUM_THREADS",
                                          "OPENBLAS_NUM_THREADS") if k in os.environ},
    }


def collect_targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    tp = res.get("throughput")
    if tp and tp["sizes"]:
        big = max(tp["sizes"], key=lambda r: r["paragraphs"])
        out.append(judge("predict_vs_pyvi_ratio", big["predict"]["ratio_to_pyvi"]))
        if "1" in big["cli"]:
            out.append(judge("cli_vs_pyvi_ratio", big["cli"]["1"]["net_ratio_to_pyvi"]))
        out.append(judge("cli_speedup_2_jobs", big.get("cli_speedup_2_jobs")))
        for t in out[-3:]:
            t["at_paragraphs"] = big["paragraphs"]
    cs = res.get("coldstart")
    if cs:
        out.append(judge("cold_start_wall_s", cs["cli_one_paragraph"]["median_wall_s"]))
        if "ratios_to_numpy" in cs:
            out.append(judge("cold_start_vs_numpy", cs["ratios_to_numpy"]["cold_tag"]))
        out.append(judge("import_s", cs["import_tgclassify"]["median_s"]))
        out.append(judge("model_load_s", cs["model_load"]["median_first_load_s"]))
        if "ratios_to_numpy" in cs:
            out.append(judge("model_load_vs_numpy", cs["ratios_to_numpy"]["model_load"]))
    tr = res.get("training")
    if tr:
        out.append(judge("training_s", tr["train_classifier"].get("seconds")))
    mem = res.get("memory")
    if mem and mem["sizes"]:
        big = mem["sizes"][-1]
        if "jobs_1" in big:
            peak = judge("cli_peak_memory_mb", big["jobs_1"]["maxrss_mb"])
            peak["at_paragraphs"] = big["paragraphs"]
            out.append(peak)
        if mem.get("growth_jobs_1") is not None:
            out.append(judge("cli_memory_growth", mem["growth_jobs_1"]))
    mo = res.get("model")
    if mo:
        out.append(judge("model_folder_mb", mo["total_mb"]))
        if not cs:
            out.append(judge("model_load_s", mo["median_first_load_s"]))
    return out


def print_tables(res: dict[str, Any]) -> None:
    tp = res.get("throughput")
    if tp:
        print("\nTagging throughput, paragraphs/s (pyvi and predict: chars/s in brackets; "
              "CLI: net of start-up in brackets)")
        head = f"{'paragraphs':>10} {'pyvi only':>18} {'predict':>18} {'ratio':>6}"
        jobs = list(tp["sizes"][0]["cli"]) if tp["sizes"] else []
        for j in jobs:
            head += f" {'cli j' + j + ' (net)':>22} {'ratio':>6}"
        print(head + (f" {'speedup':>8}" if len(jobs) > 1 else ""))
        for r in tp["sizes"]:
            line = (f"{r['paragraphs']:>10} "
                    f"{r['pyvi']['paragraphs_per_s']:>7.0f} ({r['pyvi']['chars_per_s']:>8}) "
                    f"{r['predict']['paragraphs_per_s']:>7.0f} ({r['predict']['chars_per_s']:>8}) "
                    f"{r['predict']['ratio_to_pyvi']:>6.2f}")
            for j in jobs:
                c = r["cli"][j]
                line += (f" {c['paragraphs_per_s']:>9.0f} ({c['net_paragraphs_per_s']:>9.0f})"
                         f" {c['net_ratio_to_pyvi']:>6.2f}")
            if len(jobs) > 1:
                line += f" {r.get('cli_speedup_2_jobs', 0):>8.2f}"
            print(line)
    peers = res.get("peers")
    if peers and "error" not in peers:
        print(f"\nPeers on the same {peers['folds']} grouped folds ({peers['paragraphs']} "
              f"paragraphs, {peers['reports']} reports)")
        print(f"{'peer':<24}{'macro-F1':>9}{'micro-F1':>9}{'train s/fold':>14}{'predict p/s':>13}")
        for name in ("keyword_baseline", "tgclassify_syllables", "tgclassify_default",
                     "fasttext"):
            p = peers.get(name)
            if not p:
                continue
            if "skipped" in p:
                print(f"{name:<24}skipped: {p['skipped']}")
                continue
            print(f"{name:<24}{p['macro_f1']:>9.3f}{p['micro_f1']:>9.3f}"
                  f"{p['train_s_per_fold']:>14.2f}{p['predict_paragraphs_per_s']:>13.0f}")
    if res.get("targets"):
        print("\nTargets")
        for t in res["targets"]:
            flag = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
            at = f" (at {t['at_paragraphs']} paragraphs)" if "at_paragraphs" in t else ""
            print(f"  {t['name']:<24}{t['value']!s:>10} {t['unit']:<3} target {t['target']:<8}"
                  f" {flag}{at}")
    print(f"\nload average: start {res['load_average']['start']}, end "
          f"{res['load_average']['end']}; cores used by other processes per section: "
          f"{res['other_processes_cpu']}")


def markdown(res: dict[str, Any]) -> str:
    """The README table of a result file (``run.py --markdown results/run.json``)."""
    la = res["load_average"]["start"]
    lines = [f"Run of {res['date']} ({res['mode']}; {res['machine']['nproc']} cores, "
             f"{res['machine']['cpu']}; Python {res['machine']['python']}, scikit-learn "
             f"{res['machine']['versions']['scikit-learn']}; load average at start "
             f"{la[0]:.2f}; cores kept busy by other processes, per section: "
             + ", ".join(f"{k} {v:.2f}" for k, v in res.get("other_processes_cpu", {}).items()
                         if v is not None)
             + ").", ""]
    rerun = res.get("sections_rerun", {})
    for name, info in rerun.items():
        lines.append(f"- section `{name}` re-run {info['date']} (load average at start "
                     f"{info['load_average']['start'][0]:.2f})")
    if rerun:
        lines.append("")
    tp = res.get("throughput")
    if tp:
        jobs = list(tp["sizes"][0]["cli"]) if tp["sizes"] else []
        head = ["paragraphs", "pyvi only p/s", "predict p/s", "predict/pyvi"]
        for j in jobs:
            head += [f"CLI -j{j} p/s (net)", f"CLI -j{j}/pyvi (net)"]
        if len(jobs) > 1:
            head.append("speedup -j2/-j1")
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in tp["sizes"]:
            cells = [f"{r['paragraphs']:,}", f"{r['pyvi']['paragraphs_per_s']:.0f}",
                     f"{r['predict']['paragraphs_per_s']:.0f}",
                     f"{r['predict']['ratio_to_pyvi']:.2f}"]
            for j in jobs:
                c = r["cli"][j]
                cells += [f"{c['paragraphs_per_s']:.0f} ({c['net_paragraphs_per_s']:.0f})",
                          f"{c['ratio_to_pyvi']:.2f} ({c['net_ratio_to_pyvi']:.2f})"]
            if len(jobs) > 1:
                cells.append(f"{r.get('cli_speedup_2_jobs', 0):.2f}")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if res.get("targets"):
        lines += ["| figure | value | target | met |", "|---|---|---|---|"]
        for t in res["targets"]:
            at = f" ({t['at_paragraphs']:,} paragraphs)" if "at_paragraphs" in t else ""
            met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
            lines.append(f"| {t['what']}{at} | {t['value']} {t['unit']} | {t['target']} "
                         f"{t['unit']} | {met} |")
        lines.append("")
    other = []
    cs = res.get("coldstart")
    if cs:
        b = cs["breakdown_s"]
        if "import_sklearn" in b:  # a run before the portable model form
            other.append(f"cold `tgclassify tag`, step by step: import scikit-learn "
                         f"{b['import_sklearn']:.2f} s, Classifier.load after that "
                         f"{b['classifier_load_after_sklearn']:.2f} s, first predict "
                         f"{b['first_predict']:.3f} s")
        else:
            other.append(f"cold `tgclassify tag`, step by step: import numpy "
                         f"{b['import_numpy']:.3f} s, tgclassify's modules "
                         f"{b['import_tgclassify_modules']:.3f} s, Classifier.load "
                         f"{b['classifier_load']:.3f} s, first predict (reads the word "
                         f"segmenter) {b['first_predict']:.3f} s, first chrome filter call "
                         f"{b['first_chrome_filter']:.3f} s; `import numpy` alone "
                         f"{cs['import_numpy']['median_wall_s']:.3f} s, the tag command "
                         f"{cs['cli_one_paragraph']['median_wall_s']:.3f} s, a model load "
                         f"{cs['load_process']['median_wall_s']:.3f} s (fresh processes)")
        other.append(f"bare interpreter {cs['import_tgclassify']['median_bare_interpreter_s']:.3f}"
                     f" s; peak RSS {cs['cli_one_paragraph']['peak_rss_mb']:.0f} MB")
    tr = res.get("training")
    if tr and "seconds" in tr.get("evaluate_config", {}):
        cv = tr["evaluate_config"]
        other.append(f"evaluate_config (nested grouped CV, {cv['fits']} fits, fresh process): "
                     f"{cv['seconds']:.1f} s (macro-F1 {cv['macro_f1']:.3f})")
    mem = res.get("memory")
    if mem:
        for r in mem["sizes"]:
            parts = [f"-j{k.split('_')[1]}: {v['maxrss_mb']:.0f} MB own peak, "
                     f"{v['tree_peak_pss_mb']:.0f} MB PSS of all processes"
                     for k, v in r.items() if k.startswith("jobs_")]
            other.append(f"CLI memory at {r['paragraphs']:,} paragraphs: " + "; ".join(parts))
    if other:
        lines += [f"- {x}" for x in other] + [""]
    peers = res.get("peers")
    if peers and "error" not in peers:
        lines += [f"Peers, same {peers['folds']} grouped folds ({peers['paragraphs']:,} "
                  f"paragraphs, {peers['reports']} reports):", "",
                  "| peer | macro-F1 | micro-F1 | train s/fold | predict p/s |",
                  "|---|---|---|---|---|"]
        for name in ("keyword_baseline", "tgclassify_syllables", "tgclassify_default",
                     "fasttext"):
            p = peers.get(name)
            if not p:
                continue
            if "skipped" in p:
                lines.append(f"| {name} | skipped: {p['skipped']} | | | |")
                continue
            lines.append(f"| {name} | {p['macro_f1']:.3f} | {p['micro_f1']:.3f} | "
                         f"{p['train_s_per_fold']:.2f} | {p['predict_paragraphs_per_s']:.0f} |")
        lines.append("")
    return "\n".join(lines)


SECTIONS = ("throughput", "coldstart", "training", "memory", "model", "peers")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: small sizes, 3 cold runs, a 30-report corpus for training "
                         "and peers; writes results/quick.json")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, help="sections to run (default all)")
    ap.add_argument("--sizes", help="paragraph counts, comma-separated (default "
                    "1000,10000,100000; quick 200,1000)")
    ap.add_argument("--jobs", default="1,2", help="CLI --n-jobs values (default 1,2)")
    ap.add_argument("--cold-runs", type=int, help="runs of each cold-start measure (5; quick 3)")
    ap.add_argument("--corpus-reports", type=int,
                    help="train and compare peers on the first N reports only (quick: 30)")
    ap.add_argument("--peers", nargs="+", help="peers to run (keyword_baseline "
                    "tgclassify_syllables tgclassify_default fasttext)")
    ap.add_argument("--out", help="result file (default results/run.json; quick results/quick.json)")
    ap.add_argument("--max-load", type=float, default=0.5,
                    help="refuse a full run above this 1-minute load average (default 0.5)")
    ap.add_argument("--force", action="store_true", help="run even on a loaded machine")
    ap.add_argument("--update", metavar="RESULT_JSON",
                    help="run the --only sections and replace them (and the targets) in this "
                         "existing result file; the file records which sections were re-run, "
                         "when, and on what load")
    ap.add_argument("--markdown", metavar="RESULT_JSON",
                    help="print the README tables of a result file and exit (runs nothing)")
    ap.add_argument("--child", nargs=2, metavar=("NAME", "JSON"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child or args.markdown:
        return args
    args.sizes = [int(s) for s in (args.sizes or ("200,1000" if args.quick
                                                  else "1000,10000,100000")).split(",")]
    args.jobs = [int(j) for j in args.jobs.split(",")]
    args.cold_runs = args.cold_runs or (3 if args.quick else 5)
    if args.corpus_reports is None and args.quick:
        args.corpus_reports = 30
    args.out = Path(args.out) if args.out else RESULTS / ("quick.json" if args.quick
                                                          else "run.json")
    return args


RSS_METHOD = "wait4 through a launcher process (see _LAUNCHER)"


def merge_into(path: Path, res: dict[str, Any], sections: list[str]) -> dict[str, Any]:
    """``res``'s sections written over those of the result file ``path``."""
    base = json.loads(path.read_text(encoding="utf-8"))
    rerun = base.setdefault("sections_rerun", {})
    for name in sections:
        base[name] = res[name]
        base.setdefault("other_processes_cpu", {})[name] = res["other_processes_cpu"][name]
        rerun[name] = {"date": res["date"], "command": res["command"],
                       "load_average": res["load_average"],
                       "other_processes_cpu": res["other_processes_cpu"][name]}
    if base.get("rss_method") != RSS_METHOD and "throughput" in base and \
            "throughput" not in sections:
        # peak RSS of earlier files was taken from wait4 on a child forked from this script,
        # which reports at least this script's own RSS: drop those figures
        for row in base["throughput"]["sizes"]:
            for run in row["cli"].values():
                run.pop("maxrss_mb", None)
        base["throughput"]["note_rss"] = ("maxrss_mb of these CLI runs removed: measured with "
                                          "an earlier method that counted the parent's RSS; "
                                          "see the memory section")
    if "throughput" in sections or base.get("rss_method") == RSS_METHOD or \
            {"memory", "coldstart", "training"} <= set(sections):
        base["rss_method"] = RSS_METHOD
    return base


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "load": child_load, "breakdown": child_breakdown, "train": child_train, "cv": child_cv,
    "peers": child_peers,
}


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="tgbench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        name, opts = args.child
        print(json.dumps(CHILDREN[name](json.loads(opts))))
        return 0
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text(encoding="utf-8"))))
        return 0
    # An installed package has its bytecode compiled (pip does it at install); a checkout gets
    # it on first import unless this is set, and compiling at every cold start is not what a
    # user's start-up costs. The measured commands inherit this.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    load_start = os.getloadavg()
    full = (not args.quick and not args.only and args.corpus_reports is None
            and args.sizes == [1000, 10000, 100000] and args.jobs == [1, 2] and not args.peers)
    if (full or args.update) and load_start[0] > args.max_load and not args.force:
        log(f"load average {load_start[0]:.2f} > {args.max_load}: the figures would be wrong. "
            "Wait for an idle machine, or pass --force (the load is recorded).")
        return 2
    if load_start[0] > args.max_load:
        log(f"warning: load average {load_start[0]:.2f}; figures from a loaded machine are "
            "not comparable")
    sections = args.only or SECTIONS
    res: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": "quick" if args.quick else ("full" if full else "partial"),
        "command": " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])]),
        "machine": machine_facts(),
        "settings": {"sizes": args.sizes, "jobs": args.jobs, "cold_runs": args.cold_runs,
                     "corpus_reports": args.corpus_reports, "sections": list(sections)},
    }
    started = time.perf_counter()
    res["other_processes_cpu"] = others = {}  # cores used by other processes, per section
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "throughput": lambda: section_throughput(args, tmp),
        "coldstart": lambda: section_coldstart(args, tmp),
        "training": lambda: section_training(args, tmp),
        "memory": lambda: section_memory(args, tmp, res.get("throughput")),
        "model": lambda: section_model(args, tmp, res.get("coldstart")),
        "peers": lambda: section_peers(args, tmp),
    }
    with workdir() as tmp:
        for name in SECTIONS:
            if name in sections:
                log(f"== {name}")
                before = cpu_snapshot()
                res[name] = runners[name]()
                others[name] = foreign_cores(before, cpu_snapshot())
    res["seconds"] = round(time.perf_counter() - started, 1)
    res["load_average"] = {"start": [round(x, 2) for x in load_start],
                           "end": [round(x, 2) for x in os.getloadavg()]}
    res["rss_method"] = RSS_METHOD
    if args.update:
        res = merge_into(Path(args.update), res, list(sections))
        args.out = Path(args.update)
    res["targets"] = collect_targets(res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_tables(res)
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
          f" in {res['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
