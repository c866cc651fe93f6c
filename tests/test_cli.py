"""End to end through the command line, as a user runs it."""

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import make_docx, make_pdf

FIXTURES = Path(__file__).parent / "fixtures"


def _sigint_as_in_a_terminal() -> None:
    """A shell starts background jobs with SIGINT ignored, and a child inherits that (Python then
    installs no KeyboardInterrupt handler): the interrupt tests must not depend on how the test
    run itself was started."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(*args, stdin=None, model=None):
    cmd = [sys.executable, "-m", "tgclassify", *args]
    if model is not None:
        cmd += ["--model", str(model)]
    return subprocess.run(cmd, input=stdin, capture_output=True)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    make_docx(folder / "a_report.docx")
    (folder / "b_page.html").write_text(
        "<html><body><nav>Trang chủ | Tin tức</nav><h1>Hội nghị báo cáo viên quý II</h1>"
        "<p>Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị báo cáo viên, thông tin về tình hình biển "
        "Đông và kết quả phân giới cắm mốc biên giới.</p><footer>© Cổng thông tin</footer>"
        "</body></html>", encoding="utf-8")
    make_pdf(folder / "c_scan.pdf", [["I. CONG TAC KHOA GIAO",
                                      "Nganh giao duc to chuc thi tot nghiep an toan."]])
    (folder / "d_empty.txt").write_bytes(b"")
    (folder / "e_corrupt.docx").write_bytes(b"PK\x03\x04broken")
    (folder / "f_notes.odt").write_bytes(b"whatever")
    sub = folder / "sub"
    sub.mkdir()
    (sub / "g_nested.md").write_text((FIXTURES / "portal_report.txt").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    return folder


def test_jsonl_mixed_folder_recursive(mixed_folder, saved_model):
    res = run("tag", str(mixed_folder), "-r", "--format", "jsonl", model=saved_model)
    assert res.returncode == 1  # some files failed
    records = [json.loads(line) for line in res.stdout.decode().splitlines()]
    errors = {Path(r["source"]).name for r in records if r["type"] == "error"}
    reports = {Path(r["source"]).name for r in records if r["type"] == "report"}
    assert errors == {"d_empty.txt", "e_corrupt.docx", "f_notes.odt"}
    assert reports == {"a_report.docx", "b_page.html", "c_scan.pdf", "g_nested.md"}
    stderr = res.stderr.decode()
    assert "d_empty.txt" in stderr and "e_corrupt.docx" in stderr
    docx_texts = [r["text"] for r in records
                  if r["type"] == "paragraph" and r["source"].endswith("a_report.docx")]
    assert any("hội nghị báo cáo viên" in t for t in docx_texts)  # from the table
    html_texts = [r["text"] for r in records
                  if r["type"] == "paragraph" and r["source"].endswith("b_page.html")]
    assert not any("Trang chủ" in t or "©" in t for t in html_texts)
    order = [Path(r["source"]).name for r in records if r["type"] != "paragraph"]
    assert order == sorted(order)


def test_all_ok_exits_zero_and_csv_parses(saved_model):
    res = run("tag", str(FIXTURES / "portal_report.txt"), "-f", "csv", model=saved_model)
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout.decode())))
    kinds = {r["kind"] for r in rows}
    assert kinds == {"heading", "body"}  # summaries go to their own file
    body = [r for r in rows if r["kind"] == "body"]
    assert all(0 <= float(r["khoa_giao"]) <= 1 for r in body)


def test_stdin(saved_model):
    text = ("1. Công tác tuyên truyền\nTổ chức 12 hội nghị báo cáo viên cấp huyện trong năm.\n"
            "Chia sẻ\n")
    res = run("tag", "-", stdin=text.encode("utf-8"), model=saved_model)
    assert res.returncode == 0, res.stderr
    records = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert records[-1]["type"] == "report" and records[-1]["source"] == "-"
    assert records[-1]["noise_dropped"] == 1


def test_markdown_and_html_outputs_are_whole_files(mixed_folder, saved_model, tmp_path):
    md = tmp_path / "out" / "report.md"
    res = run("tag", str(mixed_folder), "-r", "-f", "md", "-o", str(md), "-q", model=saved_model)
    assert res.returncode == 1
    text = md.read_text(encoding="utf-8")
    assert "## Coverage across reports" in text and "**Error:**" in text
    assert "**Absent domains:**" in text
    page = tmp_path / "report.html"
    res = run("tag", str(mixed_folder), "-r", "-f", "html", "-o", str(page), model=saved_model)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert 'class="bar"' in html and 'class="err"' in html
    assert not list(tmp_path.glob(".*.part"))


def test_misuse_exits_two(tmp_path, saved_model):
    assert run("tag").returncode == 2
    assert run("tag", str(tmp_path / "empty_dir_that_does_not_exist") + "/",
               model=saved_model).returncode == 1
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert run("tag", str(empty), model=saved_model).returncode == 2
    res = run("tag", str(FIXTURES / "portal_report.txt"), model=tmp_path / "no_model")
    assert res.returncode == 2 and b"model folder not found" in res.stderr
    res = run("tag", str(FIXTURES / "portal_report.txt"), "-o", str(empty), model=saved_model)
    assert res.returncode == 2 and b"is a folder" in res.stderr


def test_failed_run_keeps_previous_output(tmp_path, saved_model):
    out = tmp_path / "keep.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    res = run("tag", str(FIXTURES / "portal_report.txt"), "-o", str(out),
              model=tmp_path / "no_model")
    assert res.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous results\n"


def test_train_and_eval_commands(tmp_path, small_corpus):
    data = tmp_path / "data.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in small_corpus.records),
                    encoding="utf-8")
    out = tmp_path / "m"
    res = run("train", "--data", str(data), "--out", str(out), "--no-eval")
    assert res.returncode == 0, res.stderr
    assert b"thresholds:" in res.stdout and (out / "model_card.json").is_file()
    res = run("eval", "--data", str(data), "--json", model=out)
    assert res.returncode == 0, res.stderr
    result = json.loads(res.stdout)
    assert result["scores"]["macro_f1"] > result["keyword_baseline"]["macro_f1"]
    assert result["empty_baseline"]["macro_f1"] == 0.0


def test_explain_command(saved_model):
    res = run("explain", "Ban Chỉ đạo 35 phản bác quan điểm sai trái, thù địch trên mạng xã hội",
              model=saved_model)
    assert res.returncode == 0, res.stderr
    assert b"bcd_35" in res.stdout


def test_interrupted_run_leaves_no_output(tmp_path, saved_model, corpus):
    import signal
    import time

    big = tmp_path / "big.txt"
    big.write_text("\n".join(f"{r['text']} ({i})" for i, r in enumerate(corpus.records * 3)),
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "tgclassify", "tag", str(big), "-o", str(out),
                             "-q", "--model", str(saved_model)], stderr=subprocess.PIPE,
                            preexec_fn=_sigint_as_in_a_terminal)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".out.jsonl.*.part")) and time.time() < deadline:
        time.sleep(0.05)  # wait until it is writing
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGINT, err
    assert b"interrupted" in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out.jsonl.*"))


def test_output_to_a_fifo_writes_in_place(tmp_path, saved_model):
    """Renaming over a device or pipe (e.g. -o /dev/null as root) would replace it."""
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    res = run("tag", str(FIXTURES / "portal_report.txt"), "-o", str(fifo), "-q", model=saved_model)
    reader.join(timeout=60)
    assert res.returncode == 0, res.stderr
    assert fifo.is_fifo()
    assert b'"type": "report"' in received[0]


def one_line(res):
    lines = res.stderr.decode().strip().splitlines()
    assert len(lines) == 1, res.stderr.decode()
    assert "Traceback" not in lines[0]
    return lines[0]


def test_each_misuse_is_one_line_with_advice(tmp_path, saved_model):
    report = str(FIXTURES / "portal_report.txt")
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    res = run("tag", report, "-o", str(afile / "x.html"), "-f", "html", model=saved_model)
    assert res.returncode == 2 and "is a file, not a folder" in one_line(res)
    res = run("tag", report, "-o", "/proc/out.html", model=saved_model)
    assert res.returncode == 2 and "choose a folder you can write to" in one_line(res)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.docx").write_bytes(b"")
    res = run("tag", report, model=reports)
    line = one_line(res)
    assert res.returncode == 2 and "holds reports, not a model" in line and "train" not in line
    nested = tmp_path / "nested"
    (nested / "2024").mkdir(parents=True)
    (nested / "2024" / "a.txt").write_text("Tổ chức hội nghị báo cáo viên.", encoding="utf-8")
    res = run("tag", str(nested), model=saved_model)
    assert res.returncode == 2 and "add -r" in one_line(res)
    res = run("tag", report, "--n-jobs", "-3", model=saved_model)
    assert res.returncode == 2 and "--n-jobs" in one_line(res)
    res = run("tag", report, "--format", "xml")
    assert res.returncode == 2 and "--format" in one_line(res)


@pytest.mark.parametrize("whole_group", [False, True])
def test_interrupting_parallel_tagging_prints_one_line(tmp_path, saved_model, corpus, whole_group):
    """SIGINT to the parent alone (kill -INT) or to its group (Ctrl-C in a terminal)."""
    import os
    import signal
    import time

    big = tmp_path / "big.txt"
    big.write_text("\n".join(f"{r['text']} ({i})" for i, r in enumerate(corpus.records * 3)),
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "tgclassify", "tag", str(big), "-o", str(out),
                             "-q", "-j", "2", "--model", str(saved_model)],
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_sigint_as_in_a_terminal)
    deadline = time.time() + 60
    while not list(tmp_path.glob(".out.jsonl.*.part")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # workers busy
    if whole_group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGINT, err
    assert err.decode().strip().splitlines() == ["tgclassify: interrupted; no partial output "
                                                 "was kept"]
    assert not out.exists()


def test_csv_for_spreadsheets(tmp_path, saved_model, mixed_folder):
    out = tmp_path / "tags.csv"
    res = run("tag", str(mixed_folder), "-r", "-f", "csv", "-o", str(out), "-q", model=saved_model)
    assert res.returncode == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["kind"] for r in rows} == {"heading", "body"}
    summary = tmp_path / "tags.summary.csv"  # the naming rule
    srows = list(csv.DictReader(io.StringIO(summary.read_bytes().decode("utf-8-sig"))))
    assert sorted(r["status"] for r in srows) == ["error"] * 3 + ["ok"] * 4
    assert all(r["error"] for r in srows if r["status"] == "error")
    named = tmp_path / "reports.csv"
    res = run("tag", str(FIXTURES / "portal_report.txt"), "-f", "jsonl", "--summary", str(named),
              "--no-bom", model=saved_model)
    assert res.returncode == 0
    assert named.read_bytes().startswith(b"source,status,")
    assert json.loads(res.stdout.decode().splitlines()[-1])["type"] == "report"
    res = run("tag", str(FIXTURES / "portal_report.txt"), "-f", "csv", model=saved_model)
    assert res.stdout.startswith(b"source,index,")  # no mark in a pipe unless --bom


def readme_commands():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return text, [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()
                  if line.strip() and not line.strip().startswith("#")]


def test_readme_quick_start_activates_the_environment():
    text, commands = readme_commands()
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert ". .venv/bin/activate" in quick or "source .venv/bin/activate" in quick
    first_bare = next(i for i, c in enumerate(commands) if c.startswith("tgclassify "))
    activate = next(i for i, c in enumerate(commands) if ".venv/bin/activate" in c)
    assert activate < first_bare


def test_readme_tag_commands_run_as_written(tmp_path, saved_model):
    """Every `tgclassify tag` line of the README, from a copy of the repository's examples."""
    import os
    import shutil

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "examples", tmp_path / "examples")
    _, commands = readme_commands()
    # commands naming a machine of the user's (a Dask scheduler at HOST) cannot run here
    tags = [c for c in commands if c.startswith("tgclassify tag ") and "--model" not in c
            and "|" not in c and "--scheduler" not in c]
    assert len(tags) >= 3
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for command in tags:
        res = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True)
        assert res.returncode == 0, (command, res.stderr.decode())
