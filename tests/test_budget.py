"""The per-file time budget of tagging: a slow or stuck file gets an error record, the batch
goes on, serial or parallel, and nothing it started is left running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tgclassify._budget import BudgetExceeded, WorkerDied, can_isolate, within_budget
from tgclassify.tagging import tag_reports

needs_fork = pytest.mark.skipif(not can_isolate(), reason="files are read in a forked child on Linux only")

GOOD = ("BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN GIÁO\n"
        "I. CÔNG TÁC TUYÊN TRUYỀN\n"
        "Tổ chức 24 hội nghị báo cáo viên cấp huyện, 310 buổi nói chuyện chuyên đề.\n")


def _files(kinds):
    """A produce(start) over fake files: each file one item then its end; a file's kind says
    how it behaves (ok, sleep, die, raise)."""
    def produce(start):
        for n in range(start, len(kinds)):
            if kinds[n] == "sleep":
                time.sleep(60)
            elif kinds[n] == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            elif kinds[n] == "raise":
                raise ValueError("bad input")
            elif kinds[n] == "hog":
                bytearray(3 << 30)  # past the reader's memory cap
            yield (n, "item")
            yield (n, "end")
    return produce


def _run(kinds, seconds=30.0, isolate=True, between=0.0):
    out = []
    for item in within_budget(_files(kinds), len(kinds), seconds, file_of=lambda i: i[0],
                              ends_file=lambda i: i[1] == "end",
                              failed=lambda n, exc: (n, type(exc).__name__), isolate=isolate):
        out.append(item)
        time.sleep(between)
    return out


@needs_fork
def test_a_stuck_file_is_stopped_at_its_budget_and_the_next_files_go_on():
    start = time.monotonic()
    out = _run(["ok", "sleep", "ok"], seconds=1.0)
    assert out == [(0, "item"), (0, "end"), (1, "BudgetExceeded"), (2, "item"), (2, "end")]
    assert time.monotonic() - start < 6


@needs_fork
def test_a_dying_file_fails_alone_and_an_exception_comes_back_to_the_caller():
    assert _run(["die", "ok"]) == [(0, "WorkerDied"), (1, "item"), (1, "end")]
    with pytest.raises(ValueError, match="bad input"):
        _run(["ok", "raise"])
    with pytest.raises(MemoryError):  # the child's address space is capped
        _run(["hog"])


def test_in_process_the_budget_counts_the_callers_time_between_items():
    out = _run(["ok", "ok"], seconds=0.2, isolate=False, between=0.25)
    assert out == [(0, "item"), (0, "BudgetExceeded"), (1, "item"), (1, "BudgetExceeded")]
    assert str(BudgetExceeded(2.0)).startswith("took longer than the time budget of 2 s")
    assert issubclass(WorkerDied, Exception)


def _slow_doc(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A .doc whose converter hangs: a fake ``soffice`` on the PATH that never returns, the way
    LibreOffice stalls on some damaged files. Returns the file, the converter's pid file and
    the environment to run with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "soffice.pid"
    fake = bin_dir / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n")
    fake.chmod(0o755)
    doc = tmp_path / "b-stuck.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return doc, pid_file, env


def _gone(pid_file: Path) -> bool:
    if not pid_file.exists():
        return True  # stopped before the converter started: nothing left behind
    pid = int(pid_file.read_text())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@needs_fork
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_file_over_budget_gets_an_error_and_the_batch_goes_on(small_model, tmp_path,
                                                                monkeypatch, n_jobs):
    doc, pid_file, env = _slow_doc(tmp_path)
    monkeypatch.setenv("PATH", env["PATH"])
    # a file slow to tag: 40,000 paragraphs (about 3 MB, built here) take far more than 1 s
    big = tmp_path / "c-big.txt"
    big.write_text("\n".join(f"Tổ chức hội nghị báo cáo viên số {i} tại xã {i % 97}, có {i} "
                             "người dự, tuyên truyền nghị quyết của Đảng." for i in range(40_000)),
                   encoding="utf-8")
    first, last = tmp_path / "a.txt", tmp_path / "d.txt"
    first.write_text(GOOD, encoding="utf-8")
    last.write_text(GOOD, encoding="utf-8")
    start = time.monotonic()
    items = list(tag_reports(small_model, [str(first), str(doc), str(big), str(last)],
                             n_jobs=n_jobs, timeout=1.5))
    elapsed = time.monotonic() - start
    summaries = {Path(s.source).name: s for s in items if hasattr(s, "coverage")}
    assert summaries["a.txt"].error is None and summaries["a.txt"].paragraphs >= 1
    assert summaries["d.txt"].error is None and summaries["d.txt"].paragraphs >= 1
    for name in ("b-stuck.doc", "c-big.txt"):
        assert "time budget of 1.5 s" in summaries[name].error
    assert elapsed < 30, elapsed
    # the stuck converter was ended with the reader that started it
    assert _gone(pid_file)


@needs_fork
def test_the_cli_timeout_option(saved_model, tmp_path):
    doc, pid_file, env = _slow_doc(tmp_path)
    good = tmp_path / "a.txt"
    good.write_text(GOOD, encoding="utf-8")
    cmd = [sys.executable, "-m", "tgclassify", "tag", str(good), str(doc), "--model",
           str(saved_model), "--timeout", "2", "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    errors = [r for r in records if r.get("error")]
    assert len(errors) == 1 and "time budget of 2 s" in errors[0]["error"]
    assert any(r.get("text") and r["source"] == str(good) for r in records)
    assert _gone(pid_file)
    bad = subprocess.run([*cmd[:-3], "--timeout", "-1"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "--timeout" in bad.stderr


def test_no_budget_reads_in_process(small_model, tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(GOOD, encoding="utf-8")
    items = list(tag_reports(small_model, [str(good)], timeout=None))
    assert items[-1].error is None and items[-1].paragraphs >= 1
