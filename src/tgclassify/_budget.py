"""A time budget per file: files read in a child process that is killed when one of them runs
out of time, then restarted after it.

:func:`within_budget` runs ``produce(start)``, a generator over the files from ``start`` on, in
a forked child, and yields its items in the caller, which may spend time on each (tagging):
a file's budget is the wall-clock time from when the caller is done with the file before it to
when it is done with this one, so its tagging counts too (the child reads ahead meanwhile, for
free). When a file's budget runs out, the child is stopped (a reader stuck inside a C library
cannot be interrupted any other way), the caller gets ``failed(file_no, error)`` for that file,
and a new child goes on from the next file. A child that dies (a crash in a C library, the
kernel's out-of-memory killer) fails its file the same way. One child serves many files, so
the normal path costs one fork per run, and the child's caches stay warm.

Where ``fork`` is not available (Windows; macOS' default is ``spawn``), the generator runs
in-process and budgets are checked between items only: a stall inside one item is not stopped.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from . import constants as C

T = TypeVar("T")


class BudgetExceeded(Exception):
    """A file used up its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than the time budget of {seconds:g} s per file; "
                         "raise it with --timeout (timeout= in the API), 0 for none")
        self.seconds = seconds


class WorkerDied(Exception):
    """The child reading a file ended without finishing it (a crash, or killed for memory)."""


def can_isolate() -> bool:
    """Whether files can be read in a forked child here (Linux: cheap, copy-on-write)."""
    return sys.platform.startswith("linux")


def within_budget(produce: Callable[[int], Iterator[T]], count: int, seconds: float, *,
                  file_of: Callable[[T], int], ends_file: Callable[[T], bool],
                  failed: Callable[[int, Exception], T], isolate: bool = True) -> Iterator[T]:
    """The items of ``produce(0)`` for ``count`` files, each file given ``seconds``.

    ``file_of(item)`` is the file an item belongs to and ``ends_file(item)`` says it is the
    file's last; ``produce(start)`` must yield the files from ``start`` on, in order, every
    file ending with such an item. A file over its budget, or whose child died, ends with
    ``failed(file_no, error)`` instead and the run goes on from the next file. ``isolate``
    (where :func:`can_isolate`) runs ``produce`` in a forked child and sends its items back
    through a pipe (they must pickle); other exceptions raised there are raised here.
    """
    start = 0
    while start < count:
        stream = _Child(produce, start) if isolate and can_isolate() else _InProcess(produce, start)
        current = start
        error: Exception | None = None
        try:
            deadline = time.monotonic() + seconds
            while True:
                try:
                    kind, item = stream.next(deadline - time.monotonic(), seconds)
                except (BudgetExceeded, WorkerDied) as exc:
                    error = exc
                    break
                if kind == "done":
                    start = count
                    break
                yield item  # type: ignore[misc]
                if ends_file(item):  # type: ignore[arg-type]
                    current = file_of(item) + 1  # type: ignore[arg-type]
                    deadline = time.monotonic() + seconds
        finally:
            stream.close()  # the stuck child is stopped before its file's error goes out
        if error is not None:
            yield failed(current, error)
            start = current + 1


class _InProcess(Generic[T]):
    def __init__(self, produce: Callable[[int], Iterator[T]], start: int) -> None:
        self.items = produce(start)

    def next(self, remaining: float, seconds: float) -> tuple[str, T | None]:
        if remaining <= 0:
            raise BudgetExceeded(seconds)
        try:
            return "item", next(self.items)
        except StopIteration:
            return "done", None

    def close(self) -> None:
        close = getattr(self.items, "close", None)
        if close is not None:
            close()


class _Child(Generic[T]):
    def __init__(self, produce: Callable[[int], Iterator[T]], start: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.receive, send = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_child_main, args=(produce, start, send, self.receive),
                                   daemon=True)
        self.started = False
        # Ctrl-C held back while forking: landing in an after-fork handler (logging's) it
        # would be printed and swallowed; unblocked, it is raised here as usual, and the child
        # just started is stopped then, since no caller holds it yet
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
            self.started = True
            _LIVE.add(self)
            _register_exit()
        finally:
            send.close()
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            except BaseException:
                self.close()
                raise

    def next(self, remaining: float, seconds: float) -> tuple[str, T | None]:
        if remaining <= 0 or not self.receive.poll(remaining):
            raise BudgetExceeded(seconds)
        try:
            kind, payload = self.receive.recv()
        except EOFError:
            self.process.join(1)
            code = self.process.exitcode
            why = (f"killed by signal {-code}" if code is not None and code < 0
                   else f"exit status {code}")
            raise WorkerDied(f"the process reading the file ended without a result ({why}; "
                             "a crash in a document library, or out of memory)") from None
        if kind == "raise":
            raise payload
        return kind, payload

    def close(self) -> None:
        _LIVE.discard(self)
        if not self.started:
            return
        if self.process.is_alive():
            # SIGTERM first: a child waiting in Python (on a converter it started) cleans up
            # in its ``finally`` blocks; one stuck inside a C library gets SIGKILL
            self.process.terminate()
            self.process.join(C.BUDGET_KILL_GRACE_S)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.receive.close()


# Children not closed yet, stopped at exit before multiprocessing's own exit handler, which
# would wait without end for a child that does not answer SIGTERM.
_LIVE: set[_Child[Any]] = set()
_EXIT_REGISTERED: list[bool] = []


def _register_exit() -> None:
    if not _EXIT_REGISTERED:
        _EXIT_REGISTERED.append(True)
        atexit.register(_close_all)  # runs before multiprocessing's (atexit is last in, first out)


def _close_all() -> None:
    for child in list(_LIVE):
        child.close()


def _child_main(produce: Callable[[int], Iterator[Any]], start: int, send: Any,
                receive: Any) -> None:
    # The read end is the parent's: kept open here, a child whose parent died abruptly would
    # block for ever writing to a pipe it reads itself, instead of getting BrokenPipeError.
    receive.close()
    # The child holds a copy of the parent's unflushed standard output: it must never be
    # flushed here (the parent's output would be written twice), so nothing is printed and
    # the child ends with os._exit, past multiprocessing's flush of the standard streams.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    with contextlib.suppress(ValueError):  # signals are set only from the main thread
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _limit_memory(C.READER_MAX_EXTRA_MEMORY)
    code = 0
    try:
        try:
            for item in produce(start):
                send.send(("item", item))
        except Exception as exc:
            try:
                send.send(("raise", exc))
            except Exception:  # the exception itself does not pickle
                send.send(("raise", RuntimeError(f"{type(exc).__name__}: {exc}")))
            return
        send.send(("done", None))
    except (BrokenPipeError, EOFError):
        code = 1  # the parent stopped listening (it gave up on this file)
    finally:
        send.close()
        os._exit(code)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(1)  # unwinds the reader: its converters are killed, temporary files go


def _limit_memory(extra: int) -> None:
    """Cap the child's address space at what it inherited plus ``extra`` bytes, so a runaway
    allocation in a document library ends this process (its file gets an error), not the
    machine's memory."""
    try:
        import resource  # noqa: PLC0415 (POSIX only)

        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        size = pages * os.sysconf("SC_PAGE_SIZE") + extra
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            size = min(size, hard)
        if soft == resource.RLIM_INFINITY or size < soft:
            resource.setrlimit(resource.RLIMIT_AS, (size, hard))
    except (OSError, ValueError):
        pass  # no /proc, or a limit we may not set: go on without the backstop
