"""Where tagging time goes beyond pyvi: a sampling profile (py-spy) grouped by pipeline step.

Usage (from the repository root; needs ``pip install py-spy``, not a tgclassify dependency):

    .venv/bin/python benchmarks/profile_tagging.py                    # CLI, 5,000 paragraphs
    .venv/bin/python benchmarks/profile_tagging.py --target predict   # Classifier.predict only
    .venv/bin/python benchmarks/profile_tagging.py --n-jobs 2         # CLI with worker processes
    .venv/bin/python benchmarks/profile_tagging.py --out benchmarks/results/profile.json

The paragraphs are the corpus texts made unique as in ``run.py`` (cold tokenization cache). The
CLI target runs ``tgclassify tag FILE --format jsonl -o TMP --quiet`` under ``py-spy record``
(with ``--subprocesses`` for ``--n-jobs`` > 1); the predict target loads the model, then calls
``Classifier.predict`` in batches of 512 on plain strings. Each sample counts once, in one
step: see OUTER_STEPS and STEPS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DATA, ROOT, make_paragraphs

#: Steps that own every sample whose stack passes through them, wherever the leaf is.
OUTER_STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("start-up: imports, model load", ("_find_and_load", "persist.py", "Classifier.load",
                                       "_worker_init")),
    ("chrome filter (learned, char n-grams)", ("ChromeFilter.", "NoiseFilter.")),
]
#: The other steps: a sample goes to the step of the frame nearest its leaf that matches, so
#: pyvi called under scikit-learn's pipeline counts as pyvi, and TF-IDF run inside joblib's
#: Parallel (FeatureUnion) counts as TF-IDF.
STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("pyvi word segmentation", ("ViTokenizer", "sklearn_crfsuite/", "pycrfsuite")),
    ("normalize_text", ("tgclassify/normalize.py",)),
    ("token post-processing (tokens.py)", ("tgclassify/tokens.py",)),
    ("Tokenize step glue (features.py)", ("tgclassify/features.py",)),
    ("TF-IDF transform", ("feature_extraction/",)),
    ("classifier: OvR logistic regression", ("multiclass.py", "linear_model/")),
    ("joblib Parallel overhead in FeatureUnion", ("joblib/", "sklearn/utils/parallel.py")),
    ("scikit-learn pipeline/validation overhead", ("sklearn/",)),
    ("per-paragraph tags (_tags_of)", ("_tags_of",)),
    ("segmentation rules (segment.py)", ("tgclassify/segment.py",)),
    ("reading (readers/)", ("tgclassify/readers/",)),
    ("jsonl rendering (render.py)", ("tgclassify/render.py",)),
    ("process pool: pickling, queues, waiting", ("concurrent/futures", "multiprocessing/",
                                                "pickle", "_parallel (tgclassify")),
    ("tagging loop, coverage (tagging.py)", ("tgclassify/tagging.py",)),
    ("other tgclassify (model.py, cli.py)", ("tgclassify/",)),
]

NO_FRAME = "interpreter start/exit (no Python frame)"
STARTUP = (OUTER_STEPS[0][0], NO_FRAME)

PREDICT_DRIVER = """
import sys
from tgclassify import Classifier
paragraphs = open(sys.argv[1], encoding="utf-8").read().splitlines()
clf = Classifier.load()
for i in range(0, len(paragraphs), 512):
    clf.predict(paragraphs[i:i + 512])
"""


def step_of(frames: list[str]) -> str:
    stack = ";".join(frames)
    if not frames or not any("(" in f for f in frames):
        return NO_FRAME
    for step, patterns in OUTER_STEPS:
        if any(p in stack for p in patterns):
            return step
    for frame in reversed(frames):
        for step, patterns in STEPS:
            if any(p in frame for p in patterns):
                return step
    return "other"


def categorize(raw: Path) -> tuple[Counter[str], Counter[str], Counter[str], int]:
    """Samples per step, per leaf function and per process role (main or worker)."""
    steps: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f for f in stack.split(";") if f]
        if frames and frames[0].startswith("process "):
            frames = frames[1:]  # --subprocesses prefixes the process
        steps[step_of(frames)] += n
        roles["worker" if "_process_worker" in stack else "main"] += n
        if frames:
            leaves[frames[-1]] += n
    return steps, leaves, roles, total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", choices=("cli", "predict"), default="cli")
    ap.add_argument("--paragraphs", type=int, default=5000)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--rate", type=int, default=200, help="samples per second")
    ap.add_argument("--top", type=int, default=15, help="leaf functions to list")
    ap.add_argument("--out", help="also write the grouped profile as JSON here")
    args = ap.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    texts = [json.loads(line)["text"] for line in
             (DATA / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="tgprof-") as tmpdir:
        tmp = Path(tmpdir)
        src = tmp / "paragraphs.txt"
        src.write_text("\n".join(make_paragraphs(texts, args.paragraphs)) + "\n", encoding="utf-8")
        if args.target == "cli":
            cmd = [sys.executable, "-m", "tgclassify", "tag", str(src), "--format", "jsonl",
                   "-o", str(tmp / "out.jsonl"), "--quiet", "--n-jobs", str(args.n_jobs)]
        else:
            cmd = [sys.executable, "-c", PREDICT_DRIVER, str(src)]
        raw = tmp / "profile.raw"
        spy_cmd = [spy, "record", "--rate", str(args.rate), "--format", "raw", "--nolineno",
                   "-o", str(raw)]
        if args.n_jobs > 1:
            spy_cmd.append("--subprocesses")
        subprocess.run([*spy_cmd, "--", *cmd], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        steps, leaves, roles, total = categorize(raw)
    print(f"{args.target}, {args.paragraphs} paragraphs, --n-jobs {args.n_jobs}: {total} samples "
          f"at {args.rate}/s (about {total / args.rate:.1f} CPU-seconds)")
    pyvi = steps.get("pyvi word segmentation", 0)
    work = total - sum(steps.get(s, 0) for s in STARTUP)
    print(f"  {'step':<44}{'all':>7}  {'work':>7}  {'vs pyvi':>8}   (work = start-up excluded)")
    for step, n in steps.most_common():
        share = "" if step in STARTUP else f"{n / work:7.1%}"
        rel = f"{n / pyvi:7.2f}x" if pyvi else ""
        print(f"  {step:<44}{n / total:7.1%}  {share:>7}  {rel:>8}")
    if pyvi and work:
        print(f"  pyvi share of the tagging work: {pyvi / work:.1%} (the ceiling of tagging / "
              f"pyvi-only throughput on one process)")
    if roles.get("worker"):
        print(f"  samples in the main process {roles['main'] / total:.1%}, in the workers "
              f"{roles['worker'] / total:.1%}")
    print("\nhottest leaf functions:")
    for leaf, n in leaves.most_common(args.top):
        print(f"  {n / total:6.1%}  {leaf}")
    if args.out:
        Path(args.out).write_text(json.dumps({
            "target": args.target, "paragraphs": args.paragraphs, "n_jobs": args.n_jobs,
            "samples": total, "rate": args.rate,
            "steps": {k: round(v / total, 4) for k, v in steps.most_common()},
            "pyvi_share_of_work": round(pyvi / work, 4) if work else None,
            "process_roles": {k: round(v / total, 4) for k, v in roles.items()},
            "leaves": {k: round(v / total, 4) for k, v in leaves.most_common(args.top)},
        }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
