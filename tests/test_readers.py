import codecs
import warnings

import pytest

from helpers import make_docx, make_pdf, to_cp1258
from tgclassify import ReportReadError, read_report
from tgclassify import constants as C
from tgclassify.legacy import encode_legacy
from tgclassify.readers import clean_line, open_report, open_stdin

TEXT = "BÁO CÁO\nCông tác tuyên truyền năm 2024 đạt nhiều kết quả.\nThành uỷ chỉ đạo sát sao."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_text_encodings_with_and_without_bom(tmp_path, encoding):
    p = tmp_path / "bc.txt"
    p.write_bytes(TEXT.encode(encoding))
    assert read_report(p) == TEXT


def test_cp1258_fallback_gives_nfc(tmp_path):
    p = tmp_path / "bc.txt"
    p.write_bytes(to_cp1258(TEXT))
    assert read_report(p) == TEXT
    assert any("1258" in w for w in open_report(p).warnings)


def test_nfd_input_comes_out_nfc_and_clean(tmp_path):
    import unicodedata

    p = tmp_path / "bc.md"
    raw = unicodedata.normalize("NFD", "Tuyên\u200b truyền\u00a0\u00a0miệng\ufeff\n\n\n")
    p.write_text(raw, encoding="utf-8")
    assert read_report(p) == "Tuyên truyền miệng"


def test_clean_line_collapses_odd_spaces():
    assert clean_line("  a\u2003\u2003b\tc\u00ad ") == "a b c"


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"   \n\n  ", "no text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
])
def test_bad_text_files_raise_clear_errors(tmp_path, content, reason):
    p = tmp_path / "x.txt"
    p.write_bytes(content)
    with pytest.raises(ReportReadError) as info:
        read_report(p)
    assert reason in str(info.value) and "x.txt" in str(info.value)


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "a.doc").write_bytes(b"\xd0\xcf\x11\xe0junk")
    with pytest.raises(ReportReadError, match="not a Word .doc file"):
        read_report(tmp_path / "a.doc")
    (tmp_path / "a.xlsx").write_bytes(b"PK")
    with pytest.raises(ReportReadError, match="unsupported file type"):
        read_report(tmp_path / "a.xlsx")
    with pytest.raises(ReportReadError, match="no such file"):
        read_report(tmp_path / "missing.txt")


def test_huge_file_is_refused_before_parsing(tmp_path, monkeypatch):
    p = tmp_path / "big.html"
    p.write_text("<p>" + "chữ " * 1000 + "</p>", encoding="utf-8")
    monkeypatch.setattr(C, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(ReportReadError,
                       match=r"file size is 6,007 bytes, limit 100 bytes \(60.1× the limit\)"):
        read_report(p)


def test_overlong_line_is_split_at_sentence_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "MAX_PARAGRAPH_CHARS", 200)
    p = tmp_path / "long.txt"
    p.write_text(" ".join(["Câu văn thứ nhất của đoạn rất dài này."] * 30), encoding="utf-8")
    lines = read_report(p).splitlines()
    assert len(lines) > 3 and all(len(line) <= 200 for line in lines)


def test_docx_keeps_table_cells_in_document_order(tmp_path):
    text = read_report(make_docx(tmp_path / "bc.docx"))
    lines = text.splitlines()
    assert lines[0].startswith("BÁO CÁO KẾT QUẢ")
    khoa_giao = lines.index("1. Công tác khoa giáo")
    table = next(i for i, line in enumerate(lines) if "hội nghị báo cáo viên" in line)
    bcd = lines.index("2. Bảo vệ nền tảng tư tưởng của Đảng")
    assert khoa_giao < table < bcd


def test_docx_legacy_font_runs_are_converted(tmp_path):
    original = "Công tác tuyên truyền miệng được duy trì thường xuyên"
    path = make_docx(tmp_path / "old.docx", legacy_paragraph=encode_legacy(original, "tcvn3"))
    source = open_report(path)
    assert original in list(source.lines())
    assert any("TCVN3" in w for w in source.warnings)


def test_legacy_plain_text_is_detected_and_converted(tmp_path):
    original = ("Công tác tuyên truyền, giáo dục chính trị tư tưởng năm 2023 được triển khai "
                "đồng bộ, hiệu quả ở các huyện, thành phố trong tỉnh.")
    p = tmp_path / "old.txt"
    p.write_text(encode_legacy(original, "vni"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert read_report(p) == original


def test_corrupt_docx_and_pdf(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 this is not a zip archive at all")
    with pytest.raises(ReportReadError, match="corrupt .docx"):
        read_report(tmp_path / "bad.docx")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    with pytest.raises(ReportReadError, match="bad.pdf"):
        read_report(tmp_path / "bad.pdf")
    (tmp_path / "fake.pdf").write_bytes(b"hello")
    with pytest.raises(ReportReadError, match="not a PDF"):
        read_report(tmp_path / "fake.pdf")


def test_html_drops_scripts_menus_and_footers(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<nav><a>Trang chủ</a><a>Tin tức</a></nav><script>var x = 'Tuyên truyền';</script>"
        "<article><h1>Công tác tuyên giáo năm 2023</h1><p>Đoạn thứ nhất về khoa giáo.</p>"
        "<div>Đoạn thứ hai<br>dòng mới</div><p style='display: none'>ẩn</p></article>"
        "<footer>© Bản quyền thuộc Ban Tuyên giáo</footer></body></html>", encoding="utf-8")
    lines = read_report(page).splitlines()
    assert lines == ["Công tác tuyên giáo năm 2023", "Đoạn thứ nhất về khoa giáo.",
                     "Đoạn thứ hai", "dòng mới"]


def test_html_meta_charset_is_honoured(tmp_path):
    page = tmp_path / "old.htm"
    page.write_bytes(to_cp1258("<meta charset='windows-1258'><p>Thành ủy Huế</p>"))
    assert read_report(page) == "Thành ủy Huế"


def test_pdf_rejoins_wrapped_lines_and_drops_page_furniture(tmp_path):
    header = "Ban Tuyen giao Tinh uy - Bao cao so 12"
    pages = [
        [header, "I. KET QUA DAT DUOC",
         "Cong tac tuyen truyen mieng duoc duy tri deu dan o cac chi bo, voi nhieu hinh",
         "thuc phong phu va noi dung sat thuc te dia phuong.",
         "Bao chi dia phuong dang tai 1.200 tin bai ve nhiem vu chinh tri.", "- 1 -"],
        [header, "Hoi nghi bao cao vien duoc to chuc hang thang, cung cap thong tin thoi su",
         "cho can bo chu chot.", "- 2 -"],
        [header, "II. PHUONG HUONG", "Tiep tuc doi moi noi dung tuyen truyen.", "- 3 -"],
    ]
    lines = read_report(make_pdf(tmp_path / "bc.pdf", pages)).splitlines()
    assert header not in lines and "- 1 -" not in lines
    assert lines[0] == "I. KET QUA DAT DUOC"
    assert lines[1] == ("Cong tac tuyen truyen mieng duoc duy tri deu dan o cac chi bo, voi "
                        "nhieu hinh thuc phong phu va noi dung sat thuc te dia phuong.")
    assert "II. PHUONG HUONG" in lines


def test_stdin_reader_decodes_bytes():
    import io

    source = open_stdin(io.BytesIO(codecs.BOM_UTF8 + TEXT.encode("utf-8")))
    assert list(source.lines()) == TEXT.splitlines()
    with pytest.raises(ReportReadError, match="no text"):
        open_stdin(io.BytesIO(b"  \n"))


def test_docx_table_rows_keep_labels_with_figures_and_long_cells_apart(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Tuyên truyền miệng"
    t.cell(0, 1).text = "24 hội nghị báo cáo viên"
    long_a = "Đoạn dài thứ nhất trong ô bảng dùng để dàn trang. " * 8
    long_b = "Đoạn dài thứ hai trong ô bảng dùng để dàn trang. " * 8
    t.cell(1, 0).text = long_a.strip()
    t.cell(1, 1).text = long_b.strip()
    merged = d.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Ô gộp"
    merged.cell(0, 2).text = "ô cuối"
    d.save(str(tmp_path / "t.docx"))
    lines = read_report(tmp_path / "t.docx").splitlines()
    # no header row: a label with figures is one line, cells of text come out one by one
    assert lines == ["Tuyên truyền miệng: 24 hội nghị báo cáo viên", long_a.strip(), long_b.strip(),
                     "Ô gộp", "ô cuối"]


def test_doc_is_converted_by_libreoffice_or_refused_with_what_to_install(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    doc = Path(__file__).parent / "fixtures" / "reports" / "bc-tinh-2024.doc"
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; apt-get install libreoffice-writer-nogui")
    source = open_report(doc)
    lines = list(source.lines())
    assert "Bồi dưỡng đảng viên mới: 5 lớp, 412 học viên" in lines
    assert source.warnings[0] == "old Word (.doc) file converted by LibreOffice"
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    with pytest.raises(ReportReadError, match="apt-get install libreoffice-writer-nogui"):
        read_report(doc)


def test_doc_conversion_has_a_time_limit(tmp_path, monkeypatch):
    import os
    import time
    from pathlib import Path

    from tgclassify.readers import ReadLimits

    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    doc = Path(__file__).parent / "fixtures" / "reports" / "bc-tinh-2024.doc"
    start = time.perf_counter()
    with pytest.raises(ReportReadError, match="did not convert the .doc within 1 s"):
        read_report(doc, limits=ReadLimits.default().replace(libreoffice_timeout_s=1))
    assert time.perf_counter() - start < 5


def test_the_line_cleaner_is_the_normalization_cleaner_on_one_line():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tgclassify.normalize import clean_text

    alphabet = st.sampled_from(list("aăâêôơưđ ÀẢỆ\t\n\r\x0b\x0c\x85\xa0\u2003\u2028\u2029\u200b"
                                    "\ufeff\u00ad\u0301\u0323e"))

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, max_size=40))
    def check(text):
        expected = re.sub(" +", " ", clean_text(text).replace("\n", " ")).strip()
        assert clean_line(text) == expected

    check()
