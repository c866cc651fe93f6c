from pathlib import Path

import numpy as np
import pytest

from tgclassify import ReportSummary, TaggedParagraph
from tgclassify.tagging import expand_inputs, tag_reports

FIXTURES = Path(__file__).parent / "fixtures"


def collect(items):
    items = list(items)
    paragraphs = [i for i in items if isinstance(i, TaggedParagraph)]
    reports = [i for i in items if isinstance(i, ReportSummary)]
    return paragraphs, reports


def test_expand_inputs_orders_and_recurses(tmp_path):
    (tmp_path / "b.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("x", encoding="utf-8")
    flat = list(expand_inputs([str(tmp_path)]))
    assert [Path(p).name for p in flat] == ["a.txt", "b.txt"]
    deep = list(expand_inputs([str(tmp_path), "-"], recursive=True))
    assert [Path(p).name for p in deep] == ["a.txt", "b.txt", "c.md", "-"]


def test_bad_file_does_not_stop_the_batch(small_model, tmp_path):
    good = FIXTURES / "portal_report.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "img.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    paragraphs, reports = collect(tag_reports(small_model, [str(empty), str(good), str(binary),
                                                            str(good)]))
    assert [r.error is not None for r in reports] == [True, False, True, False]
    assert "empty" in reports[0].error and "binary" in reports[2].error
    assert reports[1].paragraphs == reports[3].paragraphs > 5
    assert reports[1].noise >= 20
    assert {p.source for p in paragraphs} == {str(good)}


def test_coverage_counts_body_paragraphs_only(small_model):
    paragraphs, (report,) = collect(tag_reports(small_model, [str(FIXTURES / "portal_report.txt")]))
    body = [p for p in paragraphs if p.kind == "body"]
    headings = [p for p in paragraphs if p.kind == "heading"]
    assert headings and any(h.labels for h in headings)  # headings are tagged ...
    assert report.paragraphs == len(body) and report.headings == len(headings)  # ... not counted
    assert report.chars == sum(len(p.text) for p in body)
    assert report.general == sum(not p.labels for p in body)
    for lab, cov in report.coverage.items():
        assert cov["paragraphs"] == sum(lab in p.labels for p in body)
        assert cov["share"] == round(sum(len(p.text) for p in body if lab in p.labels)
                                     / report.chars, 4)
    assert report.covered == [lab for lab, cov in report.coverage.items() if cov["paragraphs"]]
    assert set(report.covered).isdisjoint(report.absent)
    assert set(report.covered) | set(report.absent) == set(report.coverage)


def test_unsure_paragraphs_are_the_body_paragraphs_nearest_a_threshold(small_model):
    paragraphs, (report,) = collect(tag_reports(small_model, [str(FIXTURES / "portal_report.txt")]))
    from tgclassify import constants as C

    body = sorted((p for p in paragraphs if p.kind == "body"), key=lambda p: (p.margin, p.index))
    assert report.unsure == [p for p in body if p.margin < C.UNSURE_MARGIN][:5]
    assert len(report.unsure) < 5  # confident paragraphs are not padding the list


def test_margin_is_the_least_certain_decision_in_threshold_units():
    from tgclassify.segment import Paragraph
    from tgclassify.tagging import _tagged_rows

    class Stub:
        labels = ("a", "b", "c")
        thresholds = np.array([0.5, 0.2, 0.8])

    [tp] = _tagged_rows(Stub(), "s", [Paragraph(3, "text", "body")], np.array([[0.75, 0.1, 0.6]]))
    assert tp.labels == ["a"]
    # a: (0.75-0.5)/(1-0.5)=0.5; b: (0.2-0.1)/0.2=0.5; c: (0.8-0.6)/0.8=0.25
    assert tp.margin == 0.25
    assert tp.alternatives == [("c", 0.6), ("b", 0.1)]
    assert tp.scores == {"a": 0.75, "b": 0.1, "c": 0.6}


def four_reports(tmp_path):
    files = []
    for i in range(4):
        p = tmp_path / f"r{i}.txt"
        p.write_text((FIXTURES / "portal_report.txt").read_text(encoding="utf-8")
                     + f"\nĐoạn kết thúc riêng của báo cáo số {i} có đủ chữ để là nội dung.",
                     encoding="utf-8")
        files.append(str(p))
    files.insert(2, str(tmp_path / "missing.txt"))
    return files


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_parallel_output_equals_serial(small_model, tmp_path, monkeypatch, start_method):
    """Workers tag with the caller's classifier, here one that was never saved: with spawn it
    is sent to them pickled, with fork they inherit it."""
    from tgclassify import constants as C

    assert small_model.source is None
    monkeypatch.setattr(C, "PREDICT_BATCH", 40)  # several batches in flight across workers
    files = four_reports(tmp_path)
    serial = [i.to_dict() for i in tag_reports(small_model, files, n_jobs=1)]
    parallel = [i.to_dict() for i in tag_reports(small_model, files, n_jobs=2,
                                                 start_method=start_method)]
    assert serial == parallel
    assert [d["type"] for d in serial].count("error") == 1


def test_progress_moves_within_a_long_file(small_model, tmp_path, monkeypatch):
    from tgclassify import constants as C

    monkeypatch.setattr(C, "PREDICT_BATCH", 4)
    seen = []
    list(tag_reports(small_model, [str(FIXTURES / "portal_report.txt"), str(tmp_path / "x.txt")],
                     on_progress=lambda done, src, n: seen.append((done, Path(src).name, n))))
    within = [n for done, name, n in seen if name == "portal_report.txt" and n >= 0]
    assert len(within) >= 2 and within == sorted(within)
    assert (1, "portal_report.txt", -1) in seen and (2, "x.txt", -1) in seen


def test_composition_splits_multi_label_paragraphs_and_sums_to_one(small_model):
    items = list(tag_reports(small_model, [str(FIXTURES / "portal_report.txt")]))
    summary = items[-1]
    body = [i for i in items[:-1] if i.kind == "body"]
    assert sum(summary.composition.values()) + summary.general_share == pytest.approx(1, abs=1e-3)
    for lab in summary.composition:
        split = sum(len(p.text) / len(p.labels) for p in body if lab in p.labels)
        assert summary.composition[lab] == pytest.approx(split / summary.chars, abs=1e-4)


def test_headings_take_in_the_bodies_after_them_whatever_the_batches(small_model, monkeypatch):
    """Batches are cut where no heading still waits for its bodies, so small batches give the
    output of one batch, and a heading's scores are its blend with the bodies after it."""
    from tgclassify import constants as C
    from tgclassify.readers import open_report
    from tgclassify.segment import iter_paragraphs

    report = str(FIXTURES / "portal_report.txt")
    whole = [i.to_dict() for i in tag_reports(small_model, [report])]
    monkeypatch.setattr(C, "PREDICT_BATCH", 2)
    assert [i.to_dict() for i in tag_reports(small_model, [report])] == whole
    paras = [i for i in whole if i["type"] == "paragraph"]
    kinds = [p["kind"] for p in paras]
    assert kinds.count("heading") >= 2 and small_model.heading_blend[0] > 0
    segmented = [p for p in iter_paragraphs(open_report(report).lines(),
                                            noise_filter=small_model.chrome_filter)
                 if p.kind != "noise"]
    assert [p.text for p in segmented] == [p["text"] for p in paras]
    raw = small_model.predict_proba([(p.text, p.context) for p in segmented])
    blended = small_model.blend(raw, kinds)
    got = np.array([[p["scores"][lab] for lab in small_model.labels] for p in paras])
    np.testing.assert_allclose(got, blended, atol=6e-5)  # scores are rounded to 4 places
    heads = [i for i, k in enumerate(kinds) if k == "heading" and i + 1 < len(kinds)
             and kinds[i + 1] == "body"]
    assert heads and not np.allclose(got[heads], raw[heads], atol=1e-3)


def test_batches_wait_for_the_window_of_the_model_at_hand(small_model, tmp_path, monkeypatch):
    """A model whose blend reads further ahead than the default window still gets the output
    of one batch from small batches."""
    from copy import deepcopy

    from tgclassify import constants as C

    wide = deepcopy(small_model)
    wide.model.set_params(heading_window=C.HEADING_WINDOW + 6, heading_weight=0.5)
    assert wide.heading_blend == (0.5, C.HEADING_WINDOW + 6)
    topics = ["tuyên truyền kỷ niệm ngày thành lập Đảng", "phổ biến kiến thức phòng bệnh",
              "tổ chức hội diễn văn nghệ quần chúng", "học tập chuyên đề về tấm gương của Bác"]
    lines = []
    for n, heading in enumerate(["I. KẾT QUẢ THỰC HIỆN", "II. PHƯƠNG HƯỚNG NĂM TỚI"], 1):
        lines.append(heading)  # each followed by more bodies than the default window
        lines += [f"Xã số {n}{k} đã {topics[k % 4]} cho {30 + k} hộ gia đình trong tháng."
                  for k in range(C.HEADING_WINDOW + 5)]
    report = tmp_path / "long_sections.txt"
    report.write_text("\n".join(lines), encoding="utf-8")
    whole = [i.to_dict() for i in tag_reports(wide, [str(report)])]
    assert [p["kind"] for p in whole[:2]] == ["heading", "body"]
    monkeypatch.setattr(C, "PREDICT_BATCH", 2)
    assert [i.to_dict() for i in tag_reports(wide, [str(report)])] == whole
