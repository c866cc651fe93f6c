"""Every output format renders the same two result types (in process; test_cli runs them
through the command)."""

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest

from tgclassify import LABELS, ReportSummary, TaggedParagraph
from tgclassify import constants as C
from tgclassify.render import FORMATS, SummaryCsvWriter, clip, make_renderer
from tgclassify.results import PARAGRAPH_COLUMNS, label_name
from tgclassify.tagging import tag_reports

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def items(small_model):
    return list(tag_reports(small_model, [str(FIXTURES / "portal_report.txt"), "missing.txt"]))


def render(fmt, items):
    out = io.StringIO()
    renderer = make_renderer(fmt, out)
    for item in items:
        if isinstance(item, ReportSummary):
            renderer.report(item)
        else:
            renderer.paragraph(item)
    renderer.close()
    return out.getvalue()


def test_jsonl_is_the_to_dict_of_each_result(items):
    lines = [json.loads(line) for line in render("jsonl", items).splitlines()]
    assert lines == [item.to_dict() for item in items]
    report = lines[-2]
    assert report["type"] == "report" and report["headings"] > 0
    assert {u["index"] for u in report["unsure"]} <= {p["index"] for p in lines
                                                       if p.get("kind") == "body"}
    assert lines[-1] == {"type": "error", "source": "missing.txt", "error": items[-1].error}


def test_csv_holds_paragraph_rows_only(items):
    rows = list(csv.DictReader(io.StringIO(render("csv", items))))
    paragraphs = [i for i in items if isinstance(i, TaggedParagraph)]
    assert [r["kind"] for r in rows] == [p.kind for p in paragraphs]
    assert list(rows[0]) == list(PARAGRAPH_COLUMNS)
    assert [float(rows[0][lab]) for lab in LABELS] == [paragraphs[0].scores[lab] for lab in LABELS]


def test_summary_csv_has_one_row_per_report(items):
    out = io.StringIO()
    writer = SummaryCsvWriter(out)
    for item in items:
        if isinstance(item, ReportSummary):
            writer.report(item)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["status"] for r in rows] == ["ok", "error"]
    summary = items[-2]
    assert int(rows[0]["paragraphs"]) == summary.paragraphs
    assert [float(rows[0][f"{lab}_share"]) for lab in LABELS] == [
        summary.coverage[lab]["share"] for lab in LABELS]
    assert rows[0]["absent"] == ";".join(summary.absent)
    assert rows[1]["error"] == items[-1].error and rows[1]["paragraphs"] == ""


def test_markdown_and_html_reports(items):
    summary = items[-2]
    md = render("md", items)
    assert f"{summary.paragraphs} body paragraphs and {summary.headings} headings tagged" in md
    assert "**Absent domains:**" in md and "**Error:**" in md
    assert all(f"- #{u.index} " in md for u in summary.unsure)
    page = render("html", items)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert 'class="bar"' in page and 'class="err"' in page


def _bar_widths(page, n=0):
    bars = re.findall(r'<div class="bar"[^>]*>(.*?)</div></div>', page)
    return [(lab, float(w)) for lab, w in
            re.findall(r'data-label="(\w+)" style="width:([\d.]+)%', bars[n])]


def test_html_bar_is_the_whole_text_with_percentages_and_a_legend(items):
    summary = items[-2]
    page = render("html", items)
    widths = _bar_widths(page)
    assert sum(w for _, w in widths) == pytest.approx(100, abs=0.2)
    assert sum(summary.composition.values()) + summary.general_share == pytest.approx(1, abs=0.01)
    # the table counts a paragraph in full for each of its labels, the bar splits it
    assert sum(summary.coverage[lab]["share"] for lab in LABELS) >= sum(summary.composition.values())
    shown = [lab for lab, w in widths if w >= 100 * C.BAR_LABEL_MIN_SHARE]
    assert shown and all(re.search(rf'data-label="{lab}"[^>]*>\d+%<', page) for lab in shown)
    assert 'class="legend"' in page and "Bảo vệ nền tảng tư tưởng của Đảng (BCĐ 35)" in page
    assert "counts half" in page
    assert 'class="axis"' in page and ">100%<" in page


def test_html_absent_domains_are_a_list_and_reports_collapse(items):
    page = render("html", items)
    absent = re.search(r'<ul class="absent">(.*?)</ul>', page).group(1)
    assert re.findall(r"<li>(.*?)</li>", absent) == [html.escape(label_name(lab))
                                                      for lab in items[-2].absent]
    assert page.count('<details class="report"') == 2
    assert "http://" not in page.replace('http://www.w3.org', '') and "https://" not in page


def test_check_these_lists_only_uncertain_body_paragraphs_by_name(small_model, tmp_path):
    items = list(tag_reports(small_model, [str(FIXTURES / "portal_report.txt")]))
    summary = items[-1]
    body = [i for i in items[:-1] if i.kind == "body"]
    assert all(u.kind == "body" and u.margin < C.UNSURE_MARGIN for u in summary.unsure)
    expected = sorted((p for p in body if p.margin < C.UNSURE_MARGIN),
                      key=lambda p: (p.margin, p.index))[:C.UNSURE_PER_REPORT]
    assert [u.index for u in summary.unsure] == [p.index for p in expected]
    page = render("html", items)
    check = re.search(r'<ol class="check">(.*?)</ol>', page, re.S)
    if summary.unsure:
        text = check.group(1)
        assert not any(f">{lab}<" in text or f"<b>{lab}" in text for lab in LABELS)
    else:
        assert check is None and "No paragraph to check" in page


def test_clip_cuts_on_a_word_boundary():
    text = "Bản tin nội bộ phát hành 12 số, mỗi số 2.000 bản, gửi đến chi bộ " * 6
    cut = clip(text, 60)
    assert cut.endswith("…") and len(cut) <= 61
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    assert clip("ngắn gọn", 60) == "ngắn gọn"


def test_html_page_size_is_bounded(items, monkeypatch):
    monkeypatch.setattr(C, "HTML_MAX_PARAGRAPHS", 3)
    page = render("html", items)
    assert page.count('<div class="p') == 3
    assert "paragraphs are not listed" in page


def test_unknown_format_is_refused():
    assert set(FORMATS) == {"jsonl", "csv", "md", "html"}
    with pytest.raises(ValueError, match="unknown format"):
        make_renderer("xml", io.StringIO())
