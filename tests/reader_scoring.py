"""Score a reader's paragraphs against a golden file (used by the tests and the benchmark).

For one file: read it (:func:`tgclassify.readers.open_report`), segment it
(:func:`tgclassify.segment.iter_paragraphs`, rules only unless a noise filter is given), keep
the paragraphs that are not chrome, and compare them with the golden paragraphs:

* **text match**: golden paragraphs found with exactly the same text (spaces collapsed, a
  leading bullet mark "- " / "• " ignored: Word's automatic bullets have no character),
  divided by the larger of the two counts, so both missed and extra paragraphs cost;
* **kind accuracy** and **heading-path accuracy**: share of golden paragraphs found with the
  right kind (heading/body) and the right full heading path; a paragraph not found counts
  as wrong;
* **table rows as headings**: golden table lines that came out as headings (must be 0).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "reports"

#: suffix of a fixture file -> the format it stands for in the scores
FORMATS = {
    ".docx": "docx (heading styles)",
    ".plain.docx": "docx (no styles)",
    ".doc": "doc (via LibreOffice)",
    ".lo.pdf": "pdf (LibreOffice)",
    ".chromium.pdf": "pdf (Chromium print)",
    ".html": "html",
    ".txt": "txt",
}

_BULLET = re.compile(r"^[-–•·+*]\s+")


def norm(text: str) -> str:
    return _BULLET.sub("", re.sub(r"\s+", " ", text).strip())


@dataclass
class Score:
    golden: int = 0
    found: int = 0
    extra: int = 0
    kind_ok: int = 0
    path_ok: int = 0
    table_headings: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("golden", "found", "extra", "kind_ok", "path_ok", "table_headings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong += other.wrong

    @property
    def text_match(self) -> float:
        return self.found / max(self.golden, self.found + self.extra, 1)

    @property
    def kind_accuracy(self) -> float:
        return self.kind_ok / max(self.golden, 1)

    @property
    def path_accuracy(self) -> float:
        return self.path_ok / max(self.golden, 1)

    def figures(self) -> dict:
        return {"paragraphs": self.golden, "text_match": round(self.text_match, 4),
                "kind_accuracy": round(self.kind_accuracy, 4),
                "heading_path_accuracy": round(self.path_accuracy, 4),
                "table_rows_as_headings": self.table_headings}


def load_golden(name: str) -> list[dict]:
    with (FIXTURES / f"{name}.golden.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def table_lines_of(name: str) -> set[str]:
    import sys

    sys.path.insert(0, str(FIXTURES))
    from reports import REPORTS

    report = next(r for r in REPORTS if r["name"] == name)
    return {norm(line) for block in report["blocks"] if block[0] == "table" for line in block[3]}


def score_paragraphs(name: str, paragraphs: list) -> Score:
    """Compare segmented paragraphs (with .text/.kind/.heading) with the golden of ``name``."""
    gold = load_golden(name)
    tables = table_lines_of(name)
    kept = [p for p in paragraphs if p.kind != "noise"]
    pool: dict[str, list] = defaultdict(list)
    for p in kept:
        pool[norm(p.text)].append(p)
    score = Score(golden=len(gold))
    for g in gold:
        candidates = pool.get(norm(g["text"]))
        if not candidates:
            score.misses.append(g["text"])
            continue
        p = candidates.pop(0)
        score.found += 1
        score.kind_ok += p.kind == g["kind"]
        score.path_ok += p.heading == g["heading"]
        if p.kind != g["kind"] or p.heading != g["heading"]:
            score.wrong.append(f"{g['text'][:60]!r}: {p.kind}/{p.heading!r}, expected "
                               f"{g['kind']}/{g['heading']!r}")
    for leftover in pool.values():
        score.extra += len(leftover)
        score.extras += [p.text for p in leftover]
    score.table_headings = sum(1 for p in paragraphs if p.kind == "heading" and norm(p.text) in tables)
    return score


def score_file(path: Path, name: str, noise_filter=None) -> Score:
    from tgclassify.readers import open_report
    from tgclassify.segment import iter_paragraphs

    source = open_report(path)
    paragraphs = list(iter_paragraphs(source.lines(), noise_filter=noise_filter))
    return score_paragraphs(name, paragraphs)


def fixture_files() -> list[tuple[Path, str, str]]:
    """(file, report name, format) of every fixture that has a golden."""
    out = []
    for golden_path in sorted(FIXTURES.glob("*.golden.jsonl")):
        name = golden_path.name[: -len(".golden.jsonl")]
        for suffix, fmt in FORMATS.items():
            path = FIXTURES / f"{name}{suffix}"
            if path.exists():
                out.append((path, name, fmt))
    return out


def score_all(noise_filter=None, skip: set[str] | None = None) -> dict[str, Score]:
    by_format: dict[str, Score] = {}
    for path, name, fmt in fixture_files():
        if skip and fmt in skip:
            continue
        by_format.setdefault(fmt, Score()).add(score_file(path, name, noise_filter))
    return by_format


if __name__ == "__main__":  # a quick look: python tests/reader_scoring.py
    for fmt, s in score_all().items():
        print(fmt, json.dumps(s.figures()))
        for m in s.misses[:8]:
            print("   miss:", m[:100])
        for x in s.extras[:8]:
            print("   extra:", x[:100])
        for w in s.wrong[:8]:
            print("   wrong:", w[:200])


# --- chrome on web pages ---------------------------------------------------------------------------

WEB = Path(__file__).parent / "fixtures" / "web"


@dataclass
class ChromeScore:
    chrome: int = 0
    dropped: int = 0
    content: int = 0
    kept: int = 0
    missed_chrome: list[str] = field(default_factory=list)
    lost_content: list[str] = field(default_factory=list)

    def add(self, other: ChromeScore) -> None:
        for name in ("chrome", "dropped", "content", "kept"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missed_chrome += other.missed_chrome
        self.lost_content += other.lost_content

    def figures(self) -> dict:
        return {"chrome_lines": self.chrome, "chrome_dropped": round(self.dropped / max(self.chrome, 1), 4),
                "content_paragraphs": self.content,
                "content_kept": round(self.kept / max(self.content, 1), 4)}


def score_page(path: Path, noise_filter=None) -> tuple[str, ChromeScore]:
    """Chrome dropped: a chrome piece that is no kept paragraph and is inside none; content
    kept: a content piece that is a kept paragraph, exactly."""
    from tgclassify.readers import open_report
    from tgclassify.segment import iter_paragraphs

    labels_path = path.with_suffix("").with_suffix(".labels.jsonl")
    with labels_path.open(encoding="utf-8") as fh:
        split = json.loads(fh.readline())["split"]
        labels = [json.loads(line) for line in fh]
    kept = [norm(p.text) for p in iter_paragraphs(open_report(path).lines(), noise_filter=noise_filter)
            if p.kind != "noise"]
    kept_set = set(kept)
    score = ChromeScore()
    for item in labels:
        text = norm(item["text"])
        if item["label"] == "chrome":
            score.chrome += 1
            if text in kept_set or any(text in k for k in kept):
                score.missed_chrome.append(item["text"])
            else:
                score.dropped += 1
        else:
            score.content += 1
            if text in kept_set:
                score.kept += 1
            else:
                score.lost_content.append(item["text"])
    return split, score


def score_pages(noise_filter=None) -> dict[str, ChromeScore]:
    out: dict[str, ChromeScore] = {}
    for path in sorted(WEB.glob("*.html")):
        split, score = score_page(path, noise_filter)
        out.setdefault(split, ChromeScore()).add(score)
        out.setdefault("all", ChromeScore()).add(score)
    return out
