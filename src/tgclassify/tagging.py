"""Tagging report files: the one path behind ``tgclassify tag`` and
:meth:`Classifier.tag_report <tgclassify.Classifier.tag_report>`.

:func:`tag_reports` streams: it reads and segments one file at a time, predicts in batches of
paragraphs, and yields each :class:`~tgclassify.results.TaggedParagraph`, then the report's
:class:`~tgclassify.results.ReportSummary`, in input order. Memory stays flat however many
files or however large a text file. With ``n_jobs > 1`` the batches (the pyvi tokenization and
prediction, nearly all of the cost) run in worker processes that hold a copy of the caller's
classifier (inherited with ``fork``, sent pickled with ``spawn``), while the main process reads
ahead a bounded number of batches; output order does not change.

A file that cannot be read yields a summary with ``error`` set, and the batch goes on.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import constants as C
from ._budget import within_budget
from .errors import ReportReadError, TgclassifyError
from .readers import ReadLimits, ReportSource, open_report, open_stdin
from .results import ReportSummary, TaggedParagraph
from .segment import Paragraph, iter_paragraphs

__all__ = ["STDIN", "Tagger", "default_start_method", "expand_inputs", "tag_reports"]

STDIN = "-"


class Tagger(Protocol):
    """What tagging needs of a classifier (:class:`tgclassify.Classifier` is one); defined here
    so that tagging does not depend on the model module, which depends on it."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    @property
    def thresholds(self) -> np.ndarray: ...

    @property
    def chrome_filter(self) -> Callable[[list[str]], list[bool]] | None: ...

    def predict_proba(self, paragraphs: Sequence[Any]) -> np.ndarray: ...

    @property
    def heading_blend(self) -> tuple[float, int]: ...

    def blend(self, proba: np.ndarray, kinds: Sequence[str]) -> np.ndarray: ...


class _Coverage:
    """Accumulates a report's summary while its paragraphs stream past (body paragraphs
    count; headings are only counted as headings)."""

    def __init__(self, source: str) -> None:
        self.summary = ReportSummary(source)
        self.counts = dict.fromkeys(C.LABELS, 0)
        self.label_chars = dict.fromkeys(C.LABELS, 0)
        self.split_chars = dict.fromkeys(C.LABELS, 0.0)
        self.general_chars = 0
        self.heap: list[tuple[float, int, TaggedParagraph]] = []

    def add(self, tp: TaggedParagraph) -> None:
        s = self.summary
        if tp.kind == "heading":
            s.headings += 1
            return
        s.paragraphs += 1
        s.chars += len(tp.text)
        if not tp.labels:
            s.general += 1
            self.general_chars += len(tp.text)
        for lab in tp.labels:
            self.counts[lab] += 1
            self.label_chars[lab] += len(tp.text)
            self.split_chars[lab] += len(tp.text) / len(tp.labels)
        if tp.margin >= C.UNSURE_MARGIN:
            return
        # keep the k smallest margins: a max-heap of negated margins
        entry = (-tp.margin, tp.index, tp)
        if len(self.heap) < C.UNSURE_PER_REPORT:
            heapq.heappush(self.heap, entry)
        elif entry[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, entry)

    def finish(self, warnings: list[str]) -> ReportSummary:
        s = self.summary
        s.coverage = {lab: {"paragraphs": self.counts[lab],
                            "share": round(self.label_chars[lab] / s.chars, 4) if s.chars else 0.0}
                      for lab in C.LABELS}
        s.composition = {lab: round(self.split_chars[lab] / s.chars, 4) if s.chars else 0.0
                         for lab in C.LABELS}
        s.general_share = round(self.general_chars / s.chars, 4) if s.chars else 0.0
        s.unsure = [tp for _, _, tp in sorted(self.heap, key=lambda e: (-e[0], e[1]))]
        s.warnings = list(warnings)
        return s


def expand_inputs(paths: Iterable[str], *, recursive: bool = False) -> Iterator[str]:
    """Files to tag, in the order given; a folder contributes its files sorted by name
    (hidden files skipped), its subfolders only with ``recursive`` (links to folders are not
    followed, so a link loop cannot recurse)."""
    for raw in paths:
        if raw == STDIN:
            yield STDIN
            continue
        p = Path(raw)
        if p.is_dir():
            pattern = p.rglob("*") if recursive else p.glob("*")
            for f in sorted(pattern):
                rel = f.relative_to(p).parts
                # not only regular files: a FIFO, a socket or a broken link or link loop
                # gets an error record rather than vanishing from the run
                if not f.is_dir() and not any(part.startswith(".") for part in rel):
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


def _open(source: str, stdin_reader: Callable[[], ReportSource] | None,
          limits: ReadLimits | None = None) -> ReportSource:
    if source == STDIN:
        return (stdin_reader or open_stdin)()
    return open_report(source, limits=limits)


def _units(sources: Iterable[str], stdin_reader: Callable[[], ReportSource] | None = None,
           noise_filter: Callable[[list[str]], list[bool]] | None = None,
           timeout: float | None = None, limits: ReadLimits | None = None,
           lookahead: int = 0) -> Iterator[_Batch | _End]:
    if not timeout:
        for file_no, source in enumerate(sources):
            yield from _file_units(file_no, source, stdin_reader, noise_filter, limits, lookahead)
        return
    # read and segmented in a child process that is stopped when a file's time is up; the
    # time the caller spends tagging a file's batches counts too
    files = list(sources)
    if STDIN in files:  # a child process has no standard input: read it here, first
        stdin_reader = _preread_stdin(stdin_reader)
    produce = partial(_files_from, files, stdin_reader, noise_filter, limits, lookahead)
    yield from within_budget(produce, len(files), timeout, file_of=lambda u: u.file_no,
                             ends_file=lambda u: isinstance(u, _End),
                             failed=lambda n, exc: _End(n, files[n], [], str(exc)))


def _files_from(files: list[str], stdin_reader: Callable[[], ReportSource] | None,
                noise_filter: Callable[[list[str]], list[bool]] | None,
                limits: ReadLimits | None, lookahead: int, start: int
                ) -> Iterator[_Batch | _End]:
    for file_no in range(start, len(files)):
        yield from _file_units(file_no, files[file_no], stdin_reader, noise_filter, limits,
                               lookahead)


def _preread_stdin(stdin_reader: Callable[[], ReportSource] | None
                   ) -> Callable[[], ReportSource]:
    try:
        opened = _open(STDIN, stdin_reader)
    except TgclassifyError as exc:
        error = exc

        def fail() -> ReportSource:
            raise error

        return fail
    return lambda: opened


def _file_units(file_no: int, source: str, stdin_reader: Callable[[], ReportSource] | None,
                noise_filter: Callable[[list[str]], list[bool]] | None,
                limits: ReadLimits | None, lookahead: int = 0) -> Iterator[_Batch | _End]:
    try:
        opened = _open(source, stdin_reader, limits)
        batch: list[Paragraph] = []
        # a full batch is cut where no heading in it still needs body paragraphs of the next
        # one for its blend (headings.py): before a heading, or once the last heading has the
        # model's window of bodies (``lookahead``); so a batch holds at most PREDICT_BATCH +
        # lookahead paragraphs
        non_noise, bodies_after_heading = 0, lookahead
        for para in iter_paragraphs(opened.lines(), noise_filter=noise_filter):
            if non_noise >= C.PREDICT_BATCH and (para.kind == "heading"
                                                 or bodies_after_heading >= lookahead):
                yield _Batch(file_no, source, batch)
                batch, non_noise = [], 0
            batch.append(para)
            non_noise += para.kind != "noise"
            if para.kind == "heading":
                bodies_after_heading = 0
            elif para.kind == "body":
                bodies_after_heading += 1
        if batch:
            yield _Batch(file_no, source, batch)
        yield _End(file_no, source, opened.warnings)
    except ReportReadError as exc:
        yield _End(file_no, source, [], exc.reason)
    except TgclassifyError as exc:
        yield _End(file_no, source, [], str(exc))
    except MemoryError:
        yield _End(file_no, source, [], "out of memory while reading this file")
    except OSError as exc:
        yield _End(file_no, source, [], f"{type(exc).__name__}: {exc}")


# --- prediction ---------------------------------------------------------------------------------

def _pairs(batch: _Batch) -> list[tuple[str, str]]:
    """What prediction needs of a batch's paragraphs: text and section context (noise left out).
    Only these cross to a worker process, and only probabilities come back: pickling whole
    paragraphs both ways cost the parallel path 6% more CPU (20k paragraphs, 8.3 against 7.8
    CPU-seconds)."""
    return [(p.text, p.context) for p in batch.paragraphs if p.kind != "noise"]


def _tag_batch(clf: Tagger, batch: _Batch, proba: np.ndarray | None = None
               ) -> list[TaggedParagraph | None]:
    """Tagged paragraphs of a batch (None for noise), each with its section context;
    ``proba`` when a worker has already computed the probabilities."""
    if proba is None:
        proba = clf.predict_proba(_pairs(batch))
    kept = [p for p in batch.paragraphs if p.kind != "noise"]
    proba = clf.blend(proba, [p.kind for p in kept])
    tagged = iter(_tagged_rows(clf, batch.source, kept, proba))
    return [None if p.kind == "noise" else next(tagged) for p in batch.paragraphs]


def _tagged_rows(clf: Tagger, source: str, paragraphs: Sequence[Paragraph], proba: np.ndarray
                 ) -> list[TaggedParagraph]:
    """The tagged paragraphs of a batch's probabilities, the decisions computed for the whole
    batch at once: with ``--n-jobs`` they are made in the main process, which also reads and
    writes, so numpy calls per paragraph there slow the whole run."""
    labels, thresholds = clf.labels, clf.thresholds
    if not len(paragraphs):
        return []
    on = proba >= thresholds
    # margin in units of the threshold, so labels with low and high thresholds compare
    rel = np.abs(proba - thresholds) / np.where(on, 1 - thresholds, thresholds)
    margins = rel.min(axis=1).tolist()
    order = np.argsort(-proba, axis=1, kind="stable").tolist()
    rows, ons = proba.tolist(), on.tolist()
    out = []
    for p, row, row_on, row_order, margin in zip(paragraphs, rows, ons, order, margins,
                                                 strict=True):
        out.append(TaggedParagraph(
            source, p.index, p.kind, p.heading, p.text,
            [lab for lab, o in zip(labels, row_on, strict=True) if o],
            {lab: round(x, 4) for lab, x in zip(labels, row, strict=True)},
            [(labels[i], round(row[i], 4)) for i in row_order if not row_on[i]][
                : C.TOP_ALTERNATIVES],
            round(margin, 4)))
    return out


# A worker process's classifier: the caller's, inherited (fork) or unpickled (spawn).
_WORKER_CLF: Tagger | None = None


def _worker_init(clf: Tagger | None) -> None:
    global _WORKER_CLF
    # Ctrl-C reaches the whole process group; the parent stops the pool and says so once,
    # so a worker must not die printing its own traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if clf is not None:
        _WORKER_CLF = clf


def _worker_proba(pairs: list[tuple[str, str]]) -> np.ndarray:
    if _WORKER_CLF is None:
        raise RuntimeError("worker started without a classifier")
    return _WORKER_CLF.predict_proba(pairs)


def default_start_method() -> str:
    """``fork`` on Linux (workers share the parent's model pages), ``spawn`` elsewhere."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def tag_reports(clf: Tagger, sources: Iterable[str | os.PathLike[str]], *, n_jobs: int = 1,
                recursive: bool = False, start_method: str | None = None,
                stdin_reader: Callable[[], ReportSource] | None = None,
                on_progress: Callable[[int, str, int], None] | None = None,
                client: Any = None, send_files: bool = False,
                timeout: float | None = None, limits: ReadLimits | None = None
                ) -> Iterator[TaggedParagraph | ReportSummary]:
    """Tag every source (file path, folder or ``"-"``); yield paragraphs then each report's
    summary. A folder stands for its files sorted by name (see :func:`expand_inputs`; its
    subfolders too with ``recursive``).

    ``n_jobs > 1`` tags in that many worker processes, started by ``start_method`` ("fork",
    "spawn", "forkserver"; default :func:`default_start_method`); each worker gets this
    classifier, whether or not it was ever saved. ``on_progress(file_no, source,
    paragraphs_done)`` is called after every batch of a file and when its summary is emitted
    (progress bars; a long single file moves the bar too).

    ``client``, a ``dask.distributed.Client``, tags the files on its cluster instead (``n_jobs``
    and ``start_method`` are then unused): same records, same order; files are opened on the
    workers by absolute path (a shared filesystem), or sent as bytes with ``send_files``. See
    :mod:`tgclassify._distributed`; needs the ``dask`` extra, imported only here.

    ``timeout`` (seconds; None or 0 for none) is each file's time budget, reading and tagging:
    a file over it gets a summary with ``error`` set and the batch goes on (on Linux the file
    is read in a child process that is killed then; see :mod:`tgclassify._budget`). The CLI's
    default is ``constants.TAG_TIMEOUT_S``. ``limits`` overrides the readers' default
    :class:`~tgclassify.readers.ReadLimits`. The time budget and ``limits`` apply to local
    tagging; on a cluster the workers read with the default limits.
    """
    paths = expand_inputs((os.fspath(src) for src in sources), recursive=recursive)
    if client is not None:
        from ._distributed import tag_on_cluster  # noqa: PLC0415  (optional dependency)

        yield from tag_on_cluster(clf, paths, client, send_files=send_files,
                                  stdin_reader=stdin_reader, on_progress=on_progress)
        return
    weight, window = clf.heading_blend
    units = _units(paths, stdin_reader, clf.chrome_filter, timeout, limits,
                   window if weight > 0 else 0)
    if n_jobs <= 1:
        results: Iterator[tuple[_Batch | _End, list[TaggedParagraph | None] | None]] = (
            (u, _tag_batch(clf, u) if isinstance(u, _Batch) else None) for u in units)
    else:
        results = _parallel(units, clf, n_jobs, start_method or default_start_method())
    coverage: _Coverage | None = None
    coverage_of = -1
    for unit, tagged in results:
        if coverage is None or coverage_of != unit.file_no:
            coverage, coverage_of = _Coverage(unit.source), unit.file_no
        if isinstance(unit, _Batch):
            assert tagged is not None
            for tp in tagged:
                if tp is None:
                    coverage.summary.noise += 1
                    continue
                coverage.add(tp)
                yield tp
            if on_progress:
                on_progress(unit.file_no, unit.source,
                            coverage.summary.paragraphs + coverage.summary.headings)
        else:
            if unit.error is not None:
                yield ReportSummary(unit.source, error=unit.error)
            else:
                yield coverage.finish(unit.warnings)
            coverage = None
            if on_progress:
                on_progress(unit.file_no + 1, unit.source, -1)


def _parallel(units: Iterator[_Batch | _End], clf: Tagger, n_jobs: int, start_method: str
              ) -> Iterator[tuple[_Batch | _End, list[TaggedParagraph | None] | None]]:
    """Ordered results with a bounded window of batches in flight (flat memory)."""
    global _WORKER_CLF
    ctx = multiprocessing.get_context(start_method)
    inherit = start_method == "fork"
    previous, _WORKER_CLF = _WORKER_CLF, clf if inherit else _WORKER_CLF
    window: deque[tuple[_Batch | _End, Future[np.ndarray] | None]] = deque()

    def done(unit: _Batch | _End, fut: Future[np.ndarray] | None
             ) -> tuple[_Batch | _End, list[TaggedParagraph | None] | None]:
        if fut is None:
            return unit, None
        assert isinstance(unit, _Batch)
        return unit, _tag_batch(clf, unit, fut.result())

    try:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx, initializer=_worker_init,
                                 initargs=(None if inherit else clf,)) as pool:
            for unit in units:
                fut = (pool.submit(_worker_proba, _pairs(unit)) if isinstance(unit, _Batch)
                       else None)
                window.append((unit, fut))
                while len(window) > 2 * n_jobs:
                    yield done(*window.popleft())
            while window:
                yield done(*window.popleft())
    finally:
        _WORKER_CLF = previous
