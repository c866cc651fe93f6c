"""Batch tagging of report files, with a coverage summary per report.

:func:`tag_reports` streams: it reads and segments one file at a time, predicts in batches of
paragraphs, and yields each tagged paragraph, then the report's summary, in input order.
Memory stays flat however many files or however large a text file. With ``n_jobs > 1`` the
batches (the pyvi tokenization and prediction, nearly all of the cost) run in worker processes
while the main process reads ahead a bounded number of batches; output order does not change.

A file that cannot be read yields a :class:`ReportSummary` with ``error`` set, and the batch
goes on.
"""

from __future__ import annotations

import heapq
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import constants as C
from .errors import ReportReadError, TgclassifyError
from .model import Classifier, ParagraphTags
from .segment import Paragraph, iter_paragraphs

__all__ = ["STDIN", "ReportSummary", "TaggedParagraph", "expand_inputs", "tag_reports"]

STDIN = "-"


@dataclass
class TaggedParagraph:
    source: str
    index: int
    kind: str
    heading: str | None
    text: str
    labels: list[str]
    scores: dict[str, float]
    alternatives: list[tuple[str, float]]
    margin: float

    def to_dict(self) -> dict[str, Any]:
        return {"type": "paragraph", "source": self.source, "index": self.index,
                "kind": self.kind, "heading": self.heading, "text": self.text,
                "labels": self.labels, "scores": self.scores,
                "alternatives": [{"label": lab, "score": s} for lab, s in self.alternatives]}


@dataclass
class ReportSummary:
    """Coverage of one report: per domain, paragraphs and share of the tagged text."""

    source: str
    paragraphs: int = 0
    noise: int = 0
    chars: int = 0
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)
    general: int = 0
    unsure: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def covered(self) -> list[str]:
        return [lab for lab in C.LABELS if self.per_label.get(lab, {}).get("paragraphs", 0)]

    @property
    def absent(self) -> list[str]:
        covered = set(self.covered)
        return [lab for lab in C.LABELS if lab not in covered]

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"type": "error", "source": self.source, "error": self.error}
        return {"type": "report", "source": self.source, "paragraphs": self.paragraphs,
                "noise_dropped": self.noise, "chars": self.chars, "general": self.general,
                "coverage": self.per_label, "covered": self.covered, "absent": self.absent,
                "unsure": self.unsure, "warnings": self.warnings}


class _Coverage:
    """Accumulates a report's summary while its paragraphs stream past."""

    def __init__(self, source: str) -> None:
        self.summary = ReportSummary(source)
        self.counts = dict.fromkeys(C.LABELS, 0)
        self.label_chars = dict.fromkeys(C.LABELS, 0)
        self.heap: list[tuple[float, int, dict[str, Any]]] = []

    def add(self, tp: TaggedParagraph) -> None:
        s = self.summary
        s.paragraphs += 1
        s.chars += len(tp.text)
        if not tp.labels:
            s.general += 1
        for lab in tp.labels:
            self.counts[lab] += 1
            self.label_chars[lab] += len(tp.text)
        item = {"index": tp.index, "text": tp.text[:240], "labels": tp.labels,
                "alternatives": [lab for lab, _ in tp.alternatives[:2]], "margin": tp.margin}
        # keep the k smallest margins: a max-heap of negated margins
        entry = (-tp.margin, tp.index, item)
        if len(self.heap) < C.UNSURE_PER_REPORT:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)

    def finish(self, warnings: list[str]) -> ReportSummary:
        s = self.summary
        s.per_label = {lab: {"paragraphs": self.counts[lab],
                             "share": round(self.label_chars[lab] / s.chars, 4) if s.chars else 0.0}
                       for lab in C.LABELS}
        s.unsure = [item for _, _, item in sorted(self.heap, key=lambda e: (-e[0], e[1]))]
        s.warnings = list(warnings)
        return s


def expand_inputs(paths: Iterable[str], *, recursive: bool = False) -> Iterator[str]:
    """Files to tag, in the order given; a folder contributes its files sorted by name
    (hidden files skipped), its subfolders only with ``recursive``."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        p = Path(raw)
        if p.is_dir():
            pattern = p.rglob("*") if recursive else p.glob("*")
            for f in sorted(pattern):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel):
                    yield str(f)
        else:
            yield str(p)


# --- work units --------------------------------------------------------------------------------

@dataclass
class _Batch:
    file_no: int
    source: str
    paragraphs: list[Paragraph]


@dataclass
class _End:
    file_no: int
    source: str
    warnings: list[str]
    error: str | None = None


def _open(source: str, stdin_reader: Callable[[], Any] | None) -> Any:
    from .readers import open_report, open_stdin  # noqa: PLC0415

    if source == STDIN:
        return (stdin_reader or open_stdin)()
    return open_report(source)


def _units(sources: Iterable[str], stdin_reader: Callable[[], Any] | None = None,
           noise_filter: Callable[[list[str]], list[bool]] | None = None
           ) -> Iterator[_Batch | _End]:
    for file_no, source in enumerate(sources):
        try:
            opened = _open(source, stdin_reader)
            batch: list[Paragraph] = []
            non_noise = 0
            for para in iter_paragraphs(opened.lines(), noise_filter=noise_filter):
                batch.append(para)
                non_noise += para.kind != "noise"
                if non_noise >= C.PREDICT_BATCH:
                    yield _Batch(file_no, source, batch)
                    batch, non_noise = [], 0
            if batch:
                yield _Batch(file_no, source, batch)
            yield _End(file_no, source, opened.warnings)
        except ReportReadError as exc:
            yield _End(file_no, source, [], exc.reason)
        except TgclassifyError as exc:
            yield _End(file_no, source, [], str(exc))
        except (OSError, MemoryError) as exc:
            yield _End(file_no, source, [], f"{type(exc).__name__}: {exc}")


# --- prediction, local or in workers -----------------------------------------------------------

_WORKER_CLF: Classifier | None = None


def _worker_init(model_path: str | None) -> None:
    global _WORKER_CLF
    _WORKER_CLF = Classifier.load(model_path)


def _worker_tags(paragraphs: list[Paragraph]) -> list[ParagraphTags | None]:
    assert _WORKER_CLF is not None
    return _WORKER_CLF.tag_paragraphs(paragraphs)


def tag_reports(clf: Classifier, sources: Iterable[str], *, n_jobs: int = 1,
                stdin_reader: Callable[[], Any] | None = None,
                on_progress: Callable[[int, str, int], None] | None = None
                ) -> Iterator[TaggedParagraph | ReportSummary]:
    """Tag every source (file path or ``"-"``); yield paragraphs then each report's summary.

    ``on_progress(file_no, source, paragraphs_done)`` is called after every batch of a file
    and when its summary is emitted (progress bars; a long single file moves the bar too).
    """
    units = _units(sources, stdin_reader, clf.noise_filter)
    if n_jobs <= 1:
        results: Iterator[tuple[_Batch | _End, list[ParagraphTags | None] | None]] = (
            (u, clf.tag_paragraphs(u.paragraphs) if isinstance(u, _Batch) else None)
            for u in units)
    else:
        results = _parallel(units, clf, n_jobs)
    coverage: _Coverage | None = None
    coverage_of = -1
    for unit, tags in results:
        if coverage is None or coverage_of != unit.file_no:
            coverage, coverage_of = _Coverage(unit.source), unit.file_no
        if isinstance(unit, _Batch):
            assert tags is not None
            for para, tag in zip(unit.paragraphs, tags, strict=True):
                if tag is None:
                    coverage.summary.noise += 1
                    continue
                tp = TaggedParagraph(unit.source, para.index, para.kind, para.heading,
                                     para.text, tag.labels, tag.scores, tag.alternatives,
                                     tag.margin)
                coverage.add(tp)
                yield tp
            if on_progress:
                on_progress(unit.file_no, unit.source, coverage.summary.paragraphs)
        else:
            if unit.error is not None:
                yield ReportSummary(unit.source, error=unit.error)
            else:
                yield coverage.finish(unit.warnings)
            coverage = None
            if on_progress:
                on_progress(unit.file_no + 1, unit.source, -1)


def _parallel(units: Iterator[_Batch | _End], clf: Classifier, n_jobs: int
              ) -> Iterator[tuple[_Batch | _End, list[ParagraphTags | None] | None]]:
    """Ordered results with a bounded window of batches in flight (flat memory)."""
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    # fork shares the loaded model pages with the workers; elsewhere each worker loads it
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    global _WORKER_CLF
    _WORKER_CLF = clf
    init_args: tuple[Any, ...] = (clf.path,) if method != "fork" else ()
    window: deque[tuple[_Batch | _End, Any]] = deque()
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx,
                             initializer=_worker_init if init_args else None,
                             initargs=init_args) as pool:
        for unit in units:
            fut = pool.submit(_worker_tags, unit.paragraphs) if isinstance(unit, _Batch) else None
            window.append((unit, fut))
            while len(window) > 2 * n_jobs:
                u, f = window.popleft()
                yield u, f.result() if f is not None else None
        while window:
            u, f = window.popleft()
            yield u, f.result() if f is not None else None
