"""The analyst's API: a folder in, typed results, label-named scores, progress, DataFrames."""

import sys
from pathlib import Path

import pytest

import tgclassify
from tgclassify import (
    LABELS,
    Progress,
    ReportSummary,
    TaggedParagraph,
    TaggedReports,
    tag_folder,
    tag_reports,
)
from tgclassify.results import PARAGRAPH_COLUMNS, SUMMARY_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    text = (FIXTURES / "portal_report.txt").read_text(encoding="utf-8")
    (root / "a.txt").write_text(text, encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "b.md").write_text(text, encoding="utf-8")
    (root / "c.txt").write_bytes(b"")
    return root


def test_public_names():
    for name in ("tag_reports", "tag_folder", "TaggedReports", "Progress", "TaggedParagraph",
                 "ReportSummary"):
        assert name in tgclassify.__all__ and getattr(tgclassify, name) is not None


def test_tag_reports_takes_folders_and_paths(small_model, folder):
    items = list(tag_reports(small_model, [folder], recursive=True))
    reports = [i for i in items if isinstance(i, ReportSummary)]
    assert [Path(r.source).name for r in reports] == ["a.txt", "c.txt", "b.md"]
    assert all(isinstance(i, (TaggedParagraph, ReportSummary)) for i in items)
    flat = [i for i in tag_reports(small_model, [folder]) if isinstance(i, ReportSummary)]
    assert [Path(r.source).name for r in flat] == ["a.txt", "c.txt"]


def test_tag_folder_collects_typed_results_with_progress(small_model, folder):
    seen = []
    res = tag_folder(folder, model=small_model, on_progress=seen.append)
    assert isinstance(res, TaggedReports)
    assert [Path(r.source).name for r in res.reports] == ["a.txt", "c.txt", "b.md"]
    assert [Path(r.source).name for r in res.failed] == ["c.txt"]
    a = res.reports[0]
    assert a.absent and a.coverage and len(res.paragraphs_of(a.source)) == a.paragraphs + a.headings
    assert all(isinstance(p, TaggedParagraph) and set(p.scores) == set(LABELS)
               for p in res.paragraphs)
    assert all(isinstance(s, Progress) and s.files_total == 3 for s in seen)
    assert seen[-1].files_done == 3
    finished = [s for s in seen if s.files_done == 1]
    assert finished[0].paragraphs == a.paragraphs + a.headings


def test_tag_folder_loads_a_model_folder(saved_model, folder):
    res = tag_folder([folder / "a.txt"], model=saved_model)
    assert len(res.reports) == 1 and res.reports[0].error is None


def test_to_pandas(small_model, folder):
    pd = pytest.importorskip("pandas")
    paragraphs, reports = tag_folder(folder, model=small_model).to_pandas()
    assert isinstance(paragraphs, pd.DataFrame)
    assert list(paragraphs.columns) == list(PARAGRAPH_COLUMNS)
    assert list(reports.columns) == list(SUMMARY_COLUMNS)
    assert paragraphs[list(LABELS)].dtypes.map(lambda d: d.kind == "f").all()
    assert isinstance(paragraphs["labels"].iloc[0], list)
    assert reports["status"].tolist() == ["ok", "error", "ok"]
    ok = reports[reports.status == "ok"]
    assert ok["tuyen_truyen_share"].between(0, 1).all()
    assert isinstance(ok["absent"].iloc[0], list)


def test_to_pandas_without_pandas_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"tgclassify\[pandas\]"):
        TaggedReports().to_pandas()


def test_scores_and_thresholds_are_named_by_label(default_model):
    scores = default_model.predict_scores(["Tổ chức 12 hội nghị báo cáo viên cấp huyện."])
    assert list(scores[0]) == list(LABELS)
    thresholds = default_model.label_thresholds
    assert list(thresholds) == list(LABELS)
    predicted = [lab for lab, s in scores[0].items() if s >= thresholds[lab]]
    assert predicted == default_model.predict(["Tổ chức 12 hội nghị báo cáo viên cấp huyện."])[0]
