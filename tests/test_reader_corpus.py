"""Every reader scored against the golden paragraphs of the test reports, and the chrome rates
of the labelled web pages (see tests/reader_scoring.py for the measures)."""

import shutil

import pytest

from reader_scoring import FIXTURES, fixture_files, score_file, score_pages, table_lines_of

FILES = fixture_files()


@pytest.mark.parametrize("path,name,fmt", FILES, ids=[p.name for p, _, _ in FILES])
def test_reader_matches_the_golden(path, name, fmt):
    if path.suffix == ".doc" and shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: .doc files cannot be read here")
    score = score_file(path, name)
    assert score.text_match >= 0.98, (score.misses, score.extras)
    assert score.path_accuracy >= 0.97, score.wrong
    assert score.kind_accuracy >= 0.97, score.wrong
    assert score.table_headings == 0


def test_every_format_of_every_report_is_there():
    formats = {fmt for _, _, fmt in FILES}
    assert len(formats) == 7 and len(FILES) == 7 * 4


def test_table_rows_are_body_under_the_section_of_the_table():
    from tgclassify.readers import open_report
    from tgclassify.segment import iter_paragraphs

    rows = table_lines_of("bc-tinh-2024")
    for suffix in (".docx", ".plain.docx", ".lo.pdf", ".chromium.pdf", ".html", ".txt"):
        paragraphs = list(iter_paragraphs(open_report(FIXTURES / f"bc-tinh-2024{suffix}").lines()))
        by_text = {p.text: p for p in paragraphs}
        for row in rows:
            assert by_text[row].kind == "body", suffix
            assert by_text[row].heading == "III. GIÁO DỤC LÝ LUẬN CHÍNH TRỊ", suffix
        lead = by_text["Kết quả mở lớp bồi dưỡng trong năm như sau:"]
        assert lead.kind == "body"
        # the paragraph after the table is under the section, not under the last row
        after = next(p for p in paragraphs if p.text.startswith("Công tác biên soạn lịch sử"))
        assert after.heading == "III. GIÁO DỤC LÝ LUẬN CHÍNH TRỊ", suffix


def test_chrome_of_web_pages_is_dropped_and_content_kept():
    scores = score_pages()
    for split in ("dev", "held-out"):
        figures = scores[split].figures()
        assert figures["chrome_dropped"] >= 0.90, (split, scores[split].missed_chrome)
        assert figures["content_kept"] >= 0.99, (split, scores[split].lost_content)


def test_split_syllables_in_a_pdf_are_rejoined_with_a_warning():
    from tgclassify.readers import open_report

    source = open_report(FIXTURES / "split-syllables.chromium.pdf")
    lines = list(source.lines())
    assert "ĐẢNG BỘ HUYỆN TỔNG KẾT CÔNG TÁC TUYÊN GIÁO NĂM 2024" in lines
    assert any(line.startswith("Ban Tuyên giáo Huyện ủy đã tổ chức 12 hội nghị báo cáo viên")
               for line in lines)
    assert any("split apart" in w and "rejoined" in w for w in source.warnings)


def test_clean_pdfs_get_no_text_warning():
    from tgclassify.readers import open_report

    for path in sorted(FIXTURES.glob("*.pdf")):
        if path.name.startswith("split-"):
            continue
        source = open_report(path)
        list(source.lines())
        assert not [w for w in source.warnings if "split" in w or "broken" in w], path.name
