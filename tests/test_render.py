"""Every output format renders the same two result types (in process; test_cli runs them
through the command)."""

import csv
import io
import json
from pathlib import Path

import pytest

from tgclassify import LABELS, ReportSummary, TaggedParagraph
from tgclassify.render import FORMATS, make_renderer
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


def test_csv_rows(items):
    rows = list(csv.DictReader(io.StringIO(render("csv", items))))
    paragraphs = [i for i in items if isinstance(i, TaggedParagraph)]
    assert [r["kind"] for r in rows] == [p.kind for p in paragraphs] + ["report", "error"]
    summary = items[-2]
    assert rows[-2]["text"] == f"{summary.paragraphs} body paragraphs"
    assert [float(rows[-2][lab]) for lab in LABELS] == [summary.coverage[lab]["share"]
                                                        for lab in LABELS]


def test_markdown_and_html_reports(items):
    summary = items[-2]
    md = render("md", items)
    assert f"{summary.paragraphs} body paragraphs and {summary.headings} headings tagged" in md
    assert "**Absent domains:**" in md and "**Error:**" in md
    assert all(f"- #{u.index} " in md for u in summary.unsure)
    page = render("html", items)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<svg" in page and 'class="err"' in page


def test_unknown_format_is_refused():
    assert set(FORMATS) == {"jsonl", "csv", "md", "html"}
    with pytest.raises(ValueError, match="unknown format"):
        make_renderer("xml", io.StringIO())
