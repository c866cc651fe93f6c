"""Word segmentation speed: tgclassify.wordseg against pyvi.ViTokenizer.tokenize, and what it
does to Classifier.predict.

Usage (from the repository root, with the development virtualenv):

    .venv/bin/python benchmarks/wordseg.py                  # -> benchmarks/results/wordseg.json
    .venv/bin/python benchmarks/wordseg.py --repeats 3 --no-predict --out /tmp/ws.json

On the corpus paragraphs (``data/labeled/paragraphs.jsonl``, one call per paragraph), each
repeat times, one after the other so that a change of machine load hits all of them alike:

- ``pyvi``: ``ViTokenizer.tokenize``;
- ``wordseg_cold``: a new ``WordSegmenter`` (weights already loaded, caches empty) over the
  corpus once: every syllable, chunk and syllable pair is computed on first sight, the figure
  for text never seen before;
- ``wordseg_warm``: the same segmenter again over the same texts: caches hold every syllable
  and pair (the steady state of a long run over similar reports).

Figures are the median over the repeats of characters per second, by wall time and by the
process's CPU time (the machine is shared: CPU time is less disturbed by other processes), and
the median of the per-repeat ratios to pyvi. The outputs are compared with pyvi's once.

``--predict`` (the default) also times ``Classifier.predict`` (default model, batches of
``PREDICT_BATCH``, token caches emptied before each pass) with segmentation by wordseg and by
pyvi (the code before wordseg), each against ``ViTokenizer.tokenize`` alone on the same texts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from pyvi.ViTokenizer import ViTokenizer
from run import clear_caches  # the same cold start as the benchmark suite

from tgclassify import Classifier, wordseg
from tgclassify import constants as C
from tgclassify.wordseg import SegmenterModel, WordSegmenter, pyvi_dir

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "labeled" / "paragraphs.jsonl"
OUT = ROOT / "benchmarks" / "results" / "wordseg.json"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def summary(runs: list[tuple[float, float]], chars: int) -> dict[str, Any]:
    walls = [w for w, _ in runs]
    cpus = [c for _, c in runs]
    return {"wall_s": [round(w, 4) for w in walls], "cpu_s": [round(c, 4) for c in cpus],
            "chars_per_s_wall": round(chars / statistics.median(walls)),
            "chars_per_s_cpu": round(chars / statistics.median(cpus))}


def ratios(runs: list[tuple[float, float]], base: list[tuple[float, float]]) -> dict[str, float]:
    """Median over repeats of (base time / time): the speed-up over ``base``."""
    return {"wall": round(statistics.median(b[0] / r[0] for r, b in zip(runs, base, strict=True)), 3),
            "cpu": round(statistics.median(b[1] / r[1] for r, b in zip(runs, base, strict=True)), 3)}


def machine() -> dict[str, Any]:
    cpu = None
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in ("pyvi", "python-crfsuite", "scikit-learn", "numpy", "tgclassify"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {"nproc": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "versions": versions}


def segmentation(texts: Sequence[str], repeats: int) -> dict[str, Any]:
    chars = sum(map(len, texts))
    t0 = time.perf_counter()
    model = SegmenterModel.load()
    words = (pyvi_dir() / "models" / "words.txt").read_text(encoding="utf-8")
    load_s = time.perf_counter() - t0
    tokenize = ViTokenizer.tokenize
    check = WordSegmenter(model, words)
    same = sum(check.segment(t) == tokenize(t) for t in texts)
    syllables = sum(len(ViTokenizer.sylabelize(t)[1]) for t in texts)
    runs: dict[str, list[tuple[float, float]]] = {"pyvi": [], "wordseg_cold": [], "wordseg_warm": []}
    for i in range(repeats):
        runs["pyvi"].append(timed(lambda: [tokenize(t) for t in texts]))
        seg = WordSegmenter(model, words)
        runs["wordseg_cold"].append(timed(lambda seg=seg: [seg.segment(t) for t in texts]))
        runs["wordseg_warm"].append(timed(lambda seg=seg: [seg.segment(t) for t in texts]))
        log(f"  repeat {i + 1}/{repeats}: " + ", ".join(
            f"{k} {chars / v[-1][0] / 1e6:.2f} M chars/s" for k, v in runs.items()))
    return {
        "texts": len(texts), "characters": chars, "syllables": syllables,
        "identical_outputs": same, "model_load_s": round(load_s, 4),
        "cache_sizes_after_warm": seg.cache_sizes(),
        **{k: summary(v, chars) for k, v in runs.items()},
        "ratio_to_pyvi": {k: ratios(runs[k], runs["pyvi"]) for k in ("wordseg_cold", "wordseg_warm")},
    }


def prediction(texts: Sequence[str], repeats: int) -> dict[str, Any]:
    clf = Classifier.load()
    chars = sum(map(len, texts))
    batches = [list(texts[i: i + C.PREDICT_BATCH]) for i in range(0, len(texts), C.PREDICT_BATCH)]
    shared = wordseg.segment

    def predict(segment: Callable[[str], str], fresh: bool) -> tuple[float, float]:
        clear_caches()
        if fresh:
            wordseg.get_segmenter().clear_caches()
        wordseg.segment = segment  # tokens._words looks the function up at each call
        try:
            return timed(lambda: [clf.predict(b) for b in batches])
        finally:
            wordseg.segment = shared
            clear_caches()

    runs: dict[str, list[tuple[float, float]]] = {"pyvi_only": [], "predict_with_pyvi": [],
                                                   "predict_with_wordseg_cold": [],
                                                   "predict_with_wordseg_warm": []}
    predict(shared, True)  # load the model's pieces and the segmenter once
    for i in range(repeats):
        runs["pyvi_only"].append(timed(lambda: [ViTokenizer.tokenize(t) for t in texts]))
        runs["predict_with_pyvi"].append(predict(ViTokenizer.tokenize, False))
        runs["predict_with_wordseg_cold"].append(predict(shared, True))
        runs["predict_with_wordseg_warm"].append(predict(shared, False))
        log(f"  repeat {i + 1}/{repeats}: " + ", ".join(
            f"{k} {len(texts) / v[-1][0]:.0f} p/s" for k, v in runs.items()))
    out: dict[str, Any] = {"paragraphs": len(texts), "characters": chars,
                           "batch": C.PREDICT_BATCH}
    for k, v in runs.items():
        out[k] = {**summary(v, chars),
                  "paragraphs_per_s_wall": round(len(texts) / statistics.median(w for w, _ in v))}
    out["ratio_to_pyvi_only"] = {k: ratios(runs[k], runs["pyvi_only"]) for k in runs
                                 if k != "pyvi_only"}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="timed passes per variant (median)")
    ap.add_argument("--predict-repeats", type=int, default=3)
    ap.add_argument("--no-predict", action="store_true", help="skip the Classifier.predict part")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    texts = [json.loads(line)["text"] for line in CORPUS.open(encoding="utf-8") if line.strip()]
    result: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(), "load_average_start": os.getloadavg(),
        "corpus": str(CORPUS.relative_to(ROOT)),
    }
    log(f"segmentation, {len(texts)} paragraphs, {args.repeats} repeats")
    result["segmentation"] = segmentation(texts, args.repeats)
    if not args.no_predict:
        log(f"Classifier.predict, {args.predict_repeats} repeats")
        result["predict"] = prediction(texts, args.predict_repeats)
    result["load_average_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    seg = result["segmentation"]
    log(f"identical outputs: {seg['identical_outputs']}/{seg['texts']}")
    log(f"wordseg / pyvi (wall, cpu): cold {seg['ratio_to_pyvi']['wordseg_cold']}, "
        f"warm {seg['ratio_to_pyvi']['wordseg_warm']}")
    if "predict" in result:
        log(f"predict / pyvi-only: {result['predict']['ratio_to_pyvi_only']}")
    log(f"written {args.out}")
    return 0 if seg["identical_outputs"] == seg["texts"] else 1


if __name__ == "__main__":
    sys.exit(main())
