"""Hostile input: limits checked before and during reading, refusals in plain words."""

import json
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from helpers import _p, docx_bomb, make_pdf, write_docx_parts
from tgclassify import ReportReadError
from tgclassify.readers import ReadLimits, open_report, read_report

ROOT = Path(__file__).resolve().parents[1]

_MEASURE = """
import json, re, sys, time
from tgclassify.readers import read_report
from tgclassify import ReportReadError
start = time.perf_counter()
try:
    read_report(sys.argv[1])
    outcome = "read"
except ReportReadError as exc:
    outcome = exc.reason
# VmHWM, this process's own peak (ru_maxrss would carry the forking parent's over exec)
status = open("/proc/self/status").read()
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start,
                  "peak_mb": peak_kb / 1024}))
"""


def measure(path: Path) -> dict:
    """Read a file in a fresh process; its outcome, time and peak memory (RSS)."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def test_a_docx_bomb_is_refused_quickly_with_little_memory(tmp_path):
    bomb = docx_bomb(tmp_path / "bomb.docx", 1_500_000_000)
    assert bomb.stat().st_size < 4_000_000
    result = measure(bomb)
    assert "inflated size is 1,499,916,093 bytes, limit 536,870,912 bytes (2.8× the limit)" \
        in result["outcome"]
    assert "ReadLimits.docx_max_inflated_bytes" in result["outcome"]
    assert result["seconds"] < 2 and result["peak_mb"] < 150, result


def test_a_docx_bomb_whose_directory_lies_is_stopped_by_the_bytes_read(tmp_path):
    liar = docx_bomb(tmp_path / "liar.docx", 1_500_000_000, declared=2_000)
    result = measure(liar)
    assert result["outcome"] != "read"
    assert result["seconds"] < 2 and result["peak_mb"] < 150, result


def test_a_part_larger_than_its_limit_is_refused_while_read(tmp_path):
    bomb = docx_bomb(tmp_path / "big.docx", 60_000_000)
    limits = ReadLimits.default().replace(docx_max_inflate_ratio=1e9, docx_max_part_bytes=10_000_000)
    with pytest.raises(ReportReadError, match=r"XML part size is 10,\d{3},\d{3} bytes or more, "
                                              r"limit 10,000,000 bytes"):
        read_report(bomb, limits=limits)


def test_ratio_and_member_count(tmp_path):
    with pytest.raises(ReportReadError, match=r"inflate ratio is \d+ to 1, limit 100 to 1"):
        read_report(docx_bomb(tmp_path / "r.docx", 40_000_000))
    many = tmp_path / "many.docx"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(5_001):
            zf.writestr(f"word/media/x{i}.xml", b"")
    with pytest.raises(ReportReadError, match="zip members is 5,001 members, limit 5,000"):
        read_report(many)


def test_xml_nesting_depth_is_limited(tmp_path):
    deep = "<w:sdt><w:sdtContent>" * 300 + _p("Sâu") + "</w:sdtContent></w:sdt>" * 300
    path = write_docx_parts(tmp_path / "deep.docx", deep)
    with pytest.raises(ReportReadError, match=r"XML nesting depth is \d+ levels or more, limit 200"):
        read_report(path)
    shallow = write_docx_parts(tmp_path / "ok.docx", "<w:sdt><w:sdtContent>" * 20 + _p("Vừa")
                               + "</w:sdtContent></w:sdt>" * 20)
    assert read_report(shallow) == "Vừa"


def test_pdf_pages_and_inflated_streams(tmp_path):
    pdf = make_pdf(tmp_path / "p.pdf", [["Trang mot"], ["Trang hai"], ["Trang ba"]])
    with pytest.raises(ReportReadError, match="page count is 3 pages, limit 2 pages"):
        read_report(pdf, limits=ReadLimits.default().replace(pdf_max_pages=2))
    stream = zlib.compress(b"0" * 50_000_000, 9)
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(b"%PDF-1.4\n1 0 obj << /Length " + str(len(stream)).encode()
                     + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n%%EOF")
    with pytest.raises(ReportReadError, match=r"inflated stream size is 10,\d{3},\d{3} bytes or more"):
        read_report(bomb, limits=ReadLimits.default().replace(pdf_max_inflated_bytes=10_000_000))


def test_html_size_and_nesting(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<div>" * 5_000 + "chữ" + "</div>" * 5_000, encoding="utf-8")
    with pytest.raises(ReportReadError, match="HTML nesting depth is 201 levels or more"):
        read_report(page)
    with pytest.raises(ReportReadError, match="HTML size is"):
        read_report(page, limits=ReadLimits.default().replace(html_max_bytes=1_000))


def test_paragraphs_per_file(tmp_path):
    text = tmp_path / "many.txt"
    text.write_text("\n".join(f"Đoạn văn số {i}." for i in range(50)), encoding="utf-8")
    with pytest.raises(ReportReadError, match="paragraph count is 11 paragraphs or more, limit 10"):
        read_report(text, limits=ReadLimits.default().replace(max_paragraphs=10))
    assert len(read_report(text).splitlines()) == 50


def test_refusals_carry_no_raw_bytes(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04\x00\x01\xff\xfe garbage \x07\x1b[31m")
    with pytest.raises(ReportReadError) as info:
        read_report(bad)
    assert all(ch.isprintable() for ch in info.value.reason)


def test_library_warnings_go_to_the_file_warnings(capsys):
    import logging
    import warnings

    from tgclassify.readers._base import library_warnings

    sink: list[str] = []
    with library_warnings(sink):
        warnings.warn("glyph table damaged \x00\x1b", UserWarning, stacklevel=1)
        logging.getLogger("pypdf").warning("xref table broken, rebuilt")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert sorted(sink) == ["UserWarning: glyph table damaged ??", "pypdf: xref table broken, rebuilt"]


def test_limits_default_follow_the_constants(monkeypatch):
    from tgclassify import constants as C

    monkeypatch.setattr(C, "PDF_MAX_PAGES", 7)
    assert ReadLimits.default().pdf_max_pages == 7
    assert open_report.__kwdefaults__ == {"limits": None}


def test_a_line_without_breaks_past_its_limit_is_refused_early(tmp_path):
    one_line = tmp_path / "dump.txt"
    one_line.write_text("Tuyên truyền nghị quyết. " * 20_000, encoding="utf-8")  # 500k chars
    limits = ReadLimits.default().replace(max_line_chars=100_000)
    with pytest.raises(ReportReadError, match=r"line length is 1\d\d,\d{3} characters or more, "
                                              r"limit 100,000 characters.*max_line_chars"):
        read_report(one_line, limits=limits)
    # under the limit, the same line is cut into paragraphs as before
    assert len(read_report(one_line).splitlines()) == 25
    from tgclassify import constants as C

    assert ReadLimits.default().max_line_chars == C.MAX_LINE_CHARS


def test_pipes_links_and_loops_are_refused_not_read(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReportReadError, match="not a regular file: a named pipe"):
        open_report(fifo)  # would block forever if opened
    loop_a, loop_b = tmp_path / "a.txt", tmp_path / "b.txt"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    with pytest.raises(ReportReadError, match="broken symbolic link, or a loop of links"):
        open_report(loop_a)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a folder loop: not followed
    (tmp_path / "sub" / "ok.txt").write_text("Báo cáo công tác tuyên giáo.", encoding="utf-8")
    from tgclassify.tagging import expand_inputs

    found = [Path(p).relative_to(tmp_path).as_posix() for p in expand_inputs([str(tmp_path)],
                                                                            recursive=True)]
    assert found == ["a.txt", "b.txt", "pipe.txt", "sub/ok.txt"]


def test_lone_surrogates_are_dropped_by_the_line_cleaner():
    from tgclassify.normalize import clean_line, normalize_text
    from tgclassify.segment import segment_report

    assert clean_line("Tuyên\udf00 truyền\ud834") == "Tuyên truyền"
    assert normalize_text("Thành uỷ\udc80") == "Thành ủy"
    assert [p.text for p in segment_report("Câu\udf00 có ký tự hỏng ở giữa dòng văn bản này.")] \
        == ["Câu\udf00 có ký tự hỏng ở giữa dòng văn bản này."]
