"""Tagging on a Dask cluster: the path :func:`tgclassify.tagging.tag_reports` takes when it is
given a ``client`` (``tgclassify tag --scheduler``).

A task tags a group of consecutive files with the local, serial tagging path on a worker and
returns each file's paragraphs and summary: a file alone when it is large, several small files
together (up to :data:`~tgclassify.constants.CLUSTER_GROUP_BYTES` and
:data:`~tgclassify.constants.CLUSTER_GROUP_FILES`), so that a folder of short reports does not
pay a scheduler round trip per file. The client keeps one task running per worker thread and a
bounded number finished on the workers, and collects them in input order, so the output is the
same as local tagging; it holds futures, and one group's records at a time, so its memory stays
flat.

- Files are opened on the workers by absolute path (a filesystem shared by every machine, at the
  same path), or, with ``send_files``, read on the client and sent as bytes.
- The model is pickled once on the client and becomes one task of the graph: it is unpickled on
  one worker and copied from there to each other worker once; if every worker holding it dies,
  the scheduler computes it again.
- A worker that dies costs a retry: the scheduler runs its files again elsewhere, and each file's
  result is collected exactly once, so no record is lost or written twice. A group whose task
  the workers kept dying on is split, each of its files tried again as a task of its own. A
  file that kills every worker it runs on (more than ``distributed.scheduler.allowed-failures`` times, 3 by
  default), and then again when it is tried once more as a new task, becomes an error record,
  as a file that cannot be read does locally. The new task is for the files that were only
  waiting in the queue of a dying worker, which counts against them too; so that few wait
  there, the client keeps no more files running than the workers have threads.
- Standard input, and with ``send_files`` any path that is not a regular file of at most
  :data:`~tgclassify.constants.SEND_FILE_MAX_BYTES`, are tagged on the client, in their place.

Nothing here is imported unless a client is given; ``dask[distributed]`` is the ``dask`` extra.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from . import constants as C
from .errors import TgclassifyError
from .readers import ReportSource
from .results import ReportSummary, TaggedParagraph
from .tagging import tag_reports

__all__ = ["INSTALL_HINT", "connect", "tag_on_cluster"]

INSTALL_HINT = "install the dask extra: pip install 'tgclassify[dask]'"

Item = TaggedParagraph | ReportSummary


def _distributed() -> Any:
    """The ``distributed`` module, or a :class:`TgclassifyError` saying how to install it."""
    try:
        return import_module("distributed")
    except ImportError as exc:
        raise TgclassifyError(f"tagging on a Dask cluster needs dask.distributed; {INSTALL_HINT}"
                              ) from exc


def connect(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://HOST:8786``), or a
    :class:`TgclassifyError` naming the address when none answers in
    :data:`~tgclassify.constants.SCHEDULER_CONNECT_TIMEOUT_S`."""
    distributed = _distributed()
    try:
        return distributed.Client(address, timeout=C.SCHEDULER_CONNECT_TIMEOUT_S,
                                  set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise TgclassifyError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def _threads(client: Any) -> int:
    return int(sum(client.nthreads().values()))


def _limits(threads: int) -> tuple[int, int]:
    """(files running or queued on the workers, files submitted but not yet collected).

    Files queued on a worker are blamed when it dies (``allowed-failures``), so no more files
    are running than there are worker threads; finished files wait on the workers for their
    turn to be collected, a few per thread, so a slow file at the head does not idle the rest.
    """
    threads = max(threads, C.CLUSTER_MIN_THREADS)
    return threads, C.CLUSTER_FILES_PER_THREAD * threads


# --- on the workers ------------------------------------------------------------------------------

# pyvi's tagger is one object per process: tasks of one worker process take turns (the work is
# CPU-bound Python, so threads of one process gain nothing anyway; run one thread per worker).
_WORKER_LOCK = threading.Lock()


def _load_model(blob: bytes) -> Any:
    """The model task: runs once per computation of the model, on one worker."""
    import pickle  # noqa: PLC0415  (cloudpickle output loads with plain pickle)

    return pickle.loads(blob)


def _rename(items: list[Item], opened: str, source: str) -> list[Item]:
    """Records of a file opened under another name, given the name the user passed."""
    if opened == source:
        return items
    for item in items:
        item.source = source
        if isinstance(item, ReportSummary):
            for tp in item.unsure:
                tp.source = source
            if item.error is not None:
                item.error = item.error.replace(opened, source)
    return items


def tag_file(clf: Any, source: str, path: str | None, data: bytes | None) -> list[Item]:
    """Tag one file on a worker, by ``path`` or from its ``data``, as the local path does; the
    records name it ``source``."""
    with _WORKER_LOCK:
        if data is None:
            assert path is not None
            return _rename(list(tag_reports(clf, [path])), path, source)
        with tempfile.TemporaryDirectory(prefix="tgclassify-") as tmp:
            local = os.path.join(tmp, Path(source).name or "report")
            with open(local, "wb") as fh:
                fh.write(data)
            return _rename(list(tag_reports(clf, [local])), local, source)


def tag_files(clf: Any, files: list[tuple[str, str | None, bytes | None]]) -> list[list[Item]]:
    """A task: the records of each of a group of files ``(source, path, data)``, in order."""
    return [tag_file(clf, *f) for f in files]


# --- on the client --------------------------------------------------------------------------------

@dataclass
class _Pending:
    """A group of consecutive files and the task tagging them: None while it waits for a free
    worker thread (``sent`` False), or when it is tagged on the client (``sent`` True)."""

    files: list[tuple[int, str]]
    future: Any = None
    attempt: int = 0
    sent: bool = False


def _on_client(source: str, send_files: bool) -> bool:
    """Whether ``source`` is tagged on the client: standard input, and with ``send_files`` a
    path that is no regular file or is too large to send (local tagging then reports it)."""
    if source == "-":
        return True
    if not send_files:
        return False
    p = Path(source)
    try:
        return not p.is_file() or p.stat().st_size > C.SEND_FILE_MAX_BYTES
    except OSError:
        return True


def _payload(source: str, send_files: bool) -> tuple[str, str | None, bytes | None] | None:
    """What a worker gets for a file not tagged on the client: (source, path, None) or
    (source, None, bytes); None when it cannot be read after all (it is then tagged on the
    client, which reports why)."""
    if not send_files:
        return source, os.path.abspath(source), None
    try:
        return source, None, Path(source).read_bytes()
    except OSError:
        return None


def _size(source: str) -> int:
    """Bytes a file weighs in a group: its size, or a full group's worth when unknown (standard
    input, a path that cannot be read) so that it goes alone."""
    try:
        return os.stat(source).st_size if source != "-" else C.CLUSTER_GROUP_BYTES
    except OSError:
        return C.CLUSTER_GROUP_BYTES


def _groups(sources: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    """Consecutive files, numbered, in groups of at most ``CLUSTER_GROUP_FILES`` files and
    about ``CLUSTER_GROUP_BYTES`` (a larger file is a group of its own)."""
    group: list[tuple[int, str]] = []
    weight = 0
    for file_no, source in enumerate(sources):
        size = _size(source)
        if group and (weight + size > C.CLUSTER_GROUP_BYTES
                      or len(group) >= C.CLUSTER_GROUP_FILES):
            yield group
            group, weight = [], 0
        group.append((file_no, source))
        weight += size
    if group:
        yield group


def tag_on_cluster(clf: Any, sources: Iterable[str], client: Any, *, send_files: bool = False,
                   stdin_reader: Callable[[], ReportSource] | None = None,
                   on_progress: Callable[[int, str, int], None] | None = None
                   ) -> Iterator[Item]:
    """Tag ``sources`` on the cluster of ``client``; the records of
    :func:`~tgclassify.tagging.tag_reports`, in input order."""
    distributed = _distributed()
    cloudpickle = import_module("cloudpickle")
    run = uuid.uuid4().hex[:12]
    try:
        blob = cloudpickle.dumps(clf)
    except Exception as exc:  # any pickling failure, whatever the object raised
        raise TgclassifyError(f"the classifier cannot be sent to the workers: {exc}") from exc
    with warnings.catch_warnings():
        # the model is a large argument on purpose: the scheduler keeps it to recompute it
        warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
        model = client.submit(_load_model, blob, key=f"tgclassify-model-{run}", pure=False)
    del blob
    window: deque[_Pending] = deque()
    todo = _groups(sources)
    exhausted = False
    threads, checked = _threads(client), time.monotonic()
    finished = threading.Event()  # set by any task that ends: a worker thread is free

    def submit(pending: _Pending) -> _Pending:
        """Send a group's task (its files are read again for a new attempt); a group holding a
        file tagged on the client, or one that cannot be read after all, stays on the client."""
        pending.sent = True
        if any(_on_client(source, send_files) for _, source in pending.files):
            return pending
        payloads = [_payload(source, send_files) for _, source in pending.files]
        ready = [p for p in payloads if p is not None]
        if len(ready) == len(payloads):
            first = pending.files[0][0]
            pending.future = client.submit(
                tag_files, model, ready, pure=False,
                key=f"tgclassify-tag-{run}-{first}-{pending.attempt}", priority=-first)
            pending.future.add_done_callback(lambda _: finished.set())
        return pending

    def pend(files: list[tuple[int, str]]) -> list[_Pending]:
        """Tasks for ``files``: one for the group, or one per file when any of them is tagged
        on the client (it goes in its place, alone)."""
        if any(_on_client(source, send_files) for _, source in files):
            return [submit(_Pending([f])) for f in files]
        return [submit(_Pending(files))]

    try:
        while True:
            finished.clear()
            if time.monotonic() - checked > C.CLUSTER_RESCAN_S:  # workers join and leave
                threads, checked = _threads(client), time.monotonic()
            running, uncollected = _limits(threads)
            unfinished = [p.future for p in window if p.future is not None and not p.future.done()]
            # files split out of a group the workers died on go first, as threads free up: sent
            # together, one would wait in the queue of the worker its neighbour kills
            for pending in window:
                if len(unfinished) >= running:
                    break
                if not pending.sent and submit(pending).future is not None:
                    unfinished.append(pending.future)
            while not exhausted and len(window) < uncollected and len(unfinished) < running:
                group = next(todo, None)
                if group is None:
                    exhausted = True
                    break
                for pending in pend(group):
                    window.append(pending)
                    if pending.future is not None:
                        unfinished.append(pending.future)
            if not window:
                return
            head = window[0]
            if not head.sent or (head.future is not None and not head.future.done()):
                finished.wait(C.CLUSTER_RESCAN_S)
                continue
            per_file: list[Iterable[Item]]
            if head.future is None:
                per_file = [tag_reports(clf, [source], stdin_reader=stdin_reader)
                            for _, source in head.files]
            else:
                try:
                    per_file = head.future.result()
                except distributed.KilledWorker as exc:
                    if head.attempt < C.CLUSTER_KILLED_RESUBMITS:
                        head.future.release()
                        window.popleft()
                        # each file alone, so that the one killing workers is found
                        window.extendleft(reversed([
                            _Pending([f], attempt=head.attempt + 1) for f in head.files]))
                        continue
                    error = f"the Dask workers died each time they tagged it: {exc}"
                    per_file = [[ReportSummary(source, error=error)] for _, source in head.files]
                head.future.release()
            window.popleft()
            for (file_no, source), items in zip(head.files, per_file, strict=True):
                count = 0
                for item in items:
                    if isinstance(item, TaggedParagraph):
                        count += 1
                    yield item
                if on_progress:
                    on_progress(file_no, source, count)
                    on_progress(file_no + 1, source, -1)
    finally:
        for pending in window:
            if pending.future is not None:
                pending.future.cancel()
        model.cancel()
