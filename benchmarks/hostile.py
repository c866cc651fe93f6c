"""The "done when" check of hostile input: a folder of bombs and traps beside five good reports.

Usage (from the repository root, with the development virtualenv):

    python benchmarks/hostile.py [--out benchmarks/results/hostile.json] [--keep DIR]

Builds, in a temporary folder (nothing here is committed as data):

- ``bomb.docx``: a 3.6 MB .docx whose document.xml inflates to 1.5 GB (the directory says so);
- ``bomb-liar.docx``: the same, its zip directory claiming 2 kB;
- ``bomb.pdf``: a PDF whose content stream inflates to 800 MB;
- ``deep.html``: 100,000 nested ``<div>``;
- ``one-line.txt``: 50 MB of text with no line break;
- ``loop-a.txt`` / ``loop-b.txt``: two symbolic links pointing at each other;
- ``pipe.txt``: a named pipe (FIFO) nobody writes to;
- ``locked.txt``: a good report its reader may not read (mode 000);
- five good reports (.docx, .pdf, .html, .txt, .md) from ``tests/fixtures/reports/``.

Then runs ``tgclassify tag -r`` on it and on a folder of the five good reports alone, and
records the exit status, the error records, the peak memory of the whole process tree (the sum
of the proportional set sizes, PSS, of tgclassify and its children, sampled every 20 ms; PSS
counts pages a forked child shares with its parent once) and the wall time.

Mode 000 does not stop root (CAP_DAC_OVERRIDE): run as root, both runs are made as the
unprivileged user ``nobody`` through ``setpriv`` (the folders, a cache folder and the output
are made readable/writable for it), so the unreadable file is really unreadable. Without
``setpriv`` as root, the file is reported as read and the result says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import docx_bomb  # noqa: E402

REPORTS = ROOT / "tests" / "fixtures" / "reports"
GOOD = ["bc-tinh-2024.docx", "bc-xa-2022.lo.pdf", "ke-hoach-tuyen-truyen-2025.html",
        "so-ket-huyen-2023.txt", "bc-xa-2022.txt"]
NOBODY = 65534


def build_good(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in GOOD:
        target = name if name != "bc-xa-2022.txt" else "bc-xa-2022.md"  # one .md among them
        shutil.copyfile(REPORTS / name, folder / target)


def pdf_bomb(path: Path, inflated: int) -> Path:
    comp = zlib.compressobj(9)
    piece = b"0 0 m 1 1 l S\n" * (1 << 16)
    parts = [comp.compress(piece) for _ in range(inflated // len(piece))]
    stream = b"".join(parts) + comp.flush()
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
            b"4 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
            + stream + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    path.write_bytes(body)
    return path


def build_hostile(folder: Path) -> dict[str, str]:
    """The bad files, and what each one is."""
    build_good(folder)
    docx_bomb(folder / "bomb.docx", 1_500_000_000)
    docx_bomb(folder / "bomb-liar.docx", 1_500_000_000, declared=2_000)
    pdf_bomb(folder / "bomb.pdf", 800_000_000)
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "Báo cáo"
                                      + "</div>" * 100_000 + "</body></html>", encoding="utf-8")
    sentence = "Tổ chức hội nghị báo cáo viên cấp huyện, tuyên truyền nghị quyết của Đảng. "
    with (folder / "one-line.txt").open("w", encoding="utf-8") as fh:
        written = 0
        block = sentence * 1000
        while written < 50_000_000:
            fh.write(block)
            written += len(block.encode("utf-8"))
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    os.mkfifo(folder / "pipe.txt")
    locked = folder / "locked.txt"
    shutil.copyfile(REPORTS / "bc-tinh-2024.txt", locked)
    locked.chmod(0)
    return {"bomb.docx": "zip bomb, 1.5 GB declared", "bomb-liar.docx": "zip bomb, size hidden",
            "bomb.pdf": "PDF stream inflating to 800 MB", "deep.html": "100,000 nested div",
            "one-line.txt": "50 MB, no line break", "loop-a.txt": "symlink loop",
            "loop-b.txt": "symlink loop", "pipe.txt": "FIFO", "locked.txt": "mode 000"}


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def run(folder: Path, out: Path, as_nobody: bool, cache: Path) -> dict:
    cmd = [sys.executable, "-m", "tgclassify", "tag", "-r", str(folder), "-o", str(out), "-q"]
    if as_nobody:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    env = {**os.environ, "TGCLASSIFY_CACHE_DIR": str(cache), "HOME": str(cache)}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(_pss_kb(p) for p in _tree(proc.pid)))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate(timeout=1800)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] \
        if out.exists() else []
    reports = [r for r in records if "coverage" in r or "error" in r]
    return {"exit": proc.returncode, "seconds": round(seconds, 2), "peak_pss_mb": round(peak / 1024),
            "errors": {Path(r["source"]).name: r["error"] for r in reports if r.get("error")},
            "tagged": {Path(r["source"]).name: r.get("paragraphs") for r in reports if not r.get("error")},
            "stderr_lines": len(err.decode(errors="replace").splitlines())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "hostile.json")
    ap.add_argument("--keep", type=Path, help="build the folders here and keep them")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each folder (median kept)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="tgclassify-hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    as_nobody = os.geteuid() == 0 and shutil.which("setpriv") is not None
    good, bad, cache = base / "good", base / "hostile", base / "cache"
    build_good(good)
    what = build_hostile(bad)
    cache.mkdir(exist_ok=True)
    if as_nobody:
        os.chown(cache, NOBODY, NOBODY)
        os.chown(base, NOBODY, NOBODY)
    for folder in (good, bad):
        for f in folder.iterdir():
            if stat.S_ISREG(f.lstat().st_mode) and f.name != "locked.txt":
                f.chmod(0o644)
    try:
        runs = {"good": [], "hostile": []}
        for i in range(args.repeats):
            for name, folder in (("good", good), ("hostile", bad)):
                runs[name].append(run(folder, base / f"{name}-{i}.jsonl", as_nobody, cache))
                print(name, json.dumps(runs[name][-1], ensure_ascii=False)[:400], flush=True)

        def median(name: str) -> dict:
            ordered = sorted(runs[name], key=lambda r: r["seconds"])
            return ordered[len(ordered) // 2]

        g, h = median("good"), median("hostile")
        result_maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        bad_names = sorted(what)
        result = {
            "date": date.today().isoformat(),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "load_1min_at_end": round(os.getloadavg()[0], 2)},
            "as_user": "nobody (setpriv)" if as_nobody else f"uid {os.geteuid()}",
            # a cross-check of the sampled PSS: the largest resident set any one process of
            # any run reached (getrusage of the waited-for children; no sampling gaps)
            "largest_process_maxrss_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            "bad_files": what,
            "good": g, "hostile": h, "runs": runs,
            "checks": {
                "exit_1": h["exit"] == 1,
                "an_error_record_per_bad_file": sorted(h["errors"]) == bad_names,
                "every_good_file_tagged": sorted(h["tagged"]) == sorted(g["tagged"]),
                "peak_under_500_mb": max(r["peak_pss_mb"] for r in runs["hostile"]) < 500
                and result_maxrss < 500,
                "time_within_2x_good": h["seconds"] <= 2 * g["seconds"],
            },
        }
    finally:
        (bad / "locked.txt").chmod(0o600)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("good", "hostile", "checks")}, indent=2, ensure_ascii=False))
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
