"""Reader benchmark: golden scores per format, chrome rates, PDF speed against the pypdf path.

    .venv/bin/python benchmarks/readers.py            # prints the figures, writes results/readers.json
    .venv/bin/python benchmarks/readers.py --quick    # fewer timing rounds

Figures:

* per format, over the reports of ``tests/fixtures/reports`` (3 used while writing the
  readers, 1 held out): paragraph text match, kind accuracy, heading-path accuracy, table rows
  read as headings (see ``tests/reader_scoring.py`` for the definitions), with the segmentation
  rules alone and with the shipped model's learned chrome filter as ``tag`` runs it;
* chrome dropped and content kept on the labelled pages of ``tests/fixtures/web`` (dev and
  held-out pages apart);
* time to read a folder of PDFs (the test reports' PDFs, each read ``ROUNDS`` times): this
  reader (PDFium) against the pypdf path it replaced (``pypdf`` ``extract_text`` per page and
  the same line rejoining as before), if pypdf is installed; and the share of split-syllable
  words in each path's text;
* time per file for each format.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import reader_scoring as rs  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "readers.json"


def golden_scores(noise_filter=None) -> dict:
    out: dict[str, dict] = {}
    by_split: dict[tuple[str, str], rs.Score] = {}
    for path, name, fmt in rs.fixture_files():
        split = "held-out" if name == "bc-xa-2022" else "dev"
        score = rs.score_file(path, name, noise_filter)
        by_split.setdefault((fmt, "all"), rs.Score()).add(score)
        by_split.setdefault((fmt, split), rs.Score()).add(score)
    for (fmt, split), score in sorted(by_split.items()):
        out.setdefault(fmt, {})[split] = score.figures()
    return out


def chrome_scores(noise_filter=None) -> dict:
    return {split: s.figures() for split, s in rs.score_pages(noise_filter).items()}


# --- the pypdf path, as the reader did it before PDFium ---------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.:;!?…)\]\"”»]$")
_LINE_START_BLOCK = re.compile(r"^(?:[-–•+*]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVXLC]{1,6}\.\s)")


def pypdf_read(path: Path) -> list[str]:
    """Text of a PDF by pypdf, joined into paragraphs by the rules the reader used with it."""
    from pypdf import PdfReader  # noqa: PLC0415

    from tgclassify.normalize import clean_line  # noqa: PLC0415

    pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
    page_lines = [[clean_line(line) for line in page.splitlines()] for page in pages]
    page_lines = [[line for line in lines if line] for lines in page_lines]
    furniture: set[str] = set()
    if len(page_lines) >= 3:
        edges: Counter[str] = Counter()
        for lines in page_lines:
            edges.update({re.sub(r"\d+", "#", line) for line in lines[:2] + lines[-2:]})
        furniture = {line for line, n in edges.items() if n >= max(3, len(page_lines) // 2)}
    widths = [len(line) for lines in page_lines for line in lines]
    full = sorted(widths)[int(len(widths) * 0.9)] if widths else 80
    out: list[str] = []
    current = last = ""
    for lines in page_lines:
        for line in lines:
            if _PAGE_NUMBER.match(line) or re.sub(r"\d+", "#", line) in furniture:
                continue
            previous, last = last, line
            if not current:
                current = line
                continue
            short = len(previous) < 0.6 * full
            if (_LINE_START_BLOCK.match(line) or (current.isupper() and not line.isupper())
                    or (_SENTENCE_END.search(current) and (line[:1].isupper() or not line[:1].isalpha()))
                    or (short and line[:1].isupper())):
                out.append(current)
                current = line
            else:
                current = f"{current} {line}"
    if current:
        out.append(current)
    return out


def pdf_speed(rounds: int) -> dict:
    from tgclassify.readers import open_report  # noqa: PLC0415
    from tgclassify.readers._quality import check_text  # noqa: PLC0415

    pdfs = sorted(rs.FIXTURES.glob("*.pdf"))
    result: dict = {"files": len(pdfs), "rounds": rounds,
                    "bytes": sum(p.stat().st_size for p in pdfs)}

    def timed(read) -> tuple[float, list[float]]:
        per_round = []
        for _ in range(rounds):
            start = time.perf_counter()
            for p in pdfs:
                read(p)
            per_round.append(time.perf_counter() - start)
        return statistics.median(per_round), per_round

    def ours(p: Path) -> list[str]:
        return list(open_report(p).lines())

    ours(pdfs[0])  # imports and PDFium's start-up, outside the timing
    median, runs = timed(ours)
    result["pdfium"] = {"folder_s_median": round(median, 4),
                        "ms_per_file": round(1000 * median / len(pdfs), 2),
                        "runs_s": [round(r, 4) for r in runs]}
    split_ours = {p.name: round(check_text(ours(p)).split_share, 4) for p in pdfs}
    try:
        import pypdf  # noqa: PLC0415
    except ImportError:
        result["pypdf"] = "not installed (pip install pypdf to compare)"
        return result
    pypdf_read(pdfs[0])
    median_p, runs_p = timed(pypdf_read)
    result["pypdf"] = {"version": pypdf.__version__, "folder_s_median": round(median_p, 4),
                       "ms_per_file": round(1000 * median_p / len(pdfs), 2),
                       "runs_s": [round(r, 4) for r in runs_p]}
    result["speedup"] = round(median_p / median, 2)
    result["split_syllable_share"] = {
        p.name: {"pdfium": split_ours[p.name], "pypdf": round(check_text(pypdf_read(p)).split_share, 4)}
        for p in pdfs}
    return result


def format_times(rounds: int) -> dict:
    from tgclassify.readers import open_report  # noqa: PLC0415

    out: dict[str, list[float]] = {}
    for path, _name, fmt in rs.fixture_files():
        list(open_report(path).lines())
        runs = []
        for _ in range(max(1, rounds // 2)):
            start = time.perf_counter()
            list(open_report(path).lines())
            runs.append(time.perf_counter() - start)
        out.setdefault(fmt, []).append(statistics.median(runs))
    return {fmt: round(1000 * statistics.median(v), 2) for fmt, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 timing rounds instead of 10")
    parser.add_argument("--no-model", action="store_true", help="skip the runs with the learned filter")
    args = parser.parse_args()
    rounds = 3 if args.quick else 10
    results: dict = {"date": time.strftime("%Y-%m-%d"), "python": platform.python_version(),
                     "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores"}
    results["golden_rules_only"] = golden_scores()
    results["chrome_rules_only"] = chrome_scores()
    if not args.no_model:
        from tgclassify import Classifier  # noqa: PLC0415

        clf = Classifier.load()
        results["golden_with_learned_filter"] = golden_scores(clf.noise_filter)
        results["chrome_with_learned_filter"] = chrome_scores(clf.noise_filter)
    results["pdf_folder_speed"] = pdf_speed(rounds)
    results["ms_per_file"] = format_times(rounds)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'format':24} {'split':9} {'text':>6} {'kind':>6} {'path':>6} {'tbl-hd':>6}")
    for fmt, splits in results["golden_rules_only"].items():
        for split, f in splits.items():
            print(f"{fmt:24} {split:9} {f['text_match']:6.3f} {f['kind_accuracy']:6.3f} "
                  f"{f['heading_path_accuracy']:6.3f} {f['table_rows_as_headings']:6d}")
    for key in ("chrome_rules_only", "chrome_with_learned_filter"):
        for split, f in results.get(key, {}).items():
            print(f"{key:28} {split:9} dropped {f['chrome_dropped']:.3f} of {f['chrome_lines']}, "
                  f"kept {f['content_kept']:.3f} of {f['content_paragraphs']}")
    if "golden_with_learned_filter" in results:
        worst = min((f["all"]["text_match"], fmt) for fmt, f in results["golden_with_learned_filter"].items())
        print(f"with the learned filter, lowest text match: {worst[0]:.3f} ({worst[1]})")
    speed = results["pdf_folder_speed"]
    print(f"PDF folder ({speed['files']} files, {speed['bytes']:,} bytes): PDFium "
          f"{speed['pdfium']['folder_s_median']:.3f} s", end="")
    if isinstance(speed.get("pypdf"), dict):
        print(f", pypdf path {speed['pypdf']['folder_s_median']:.3f} s ({speed['speedup']}× faster)")
    else:
        print(f"; pypdf: {speed.get('pypdf')}")
    print("ms per file:", results["ms_per_file"])
    print("wrote", RESULTS.relative_to(ROOT))


if __name__ == "__main__":
    main()
