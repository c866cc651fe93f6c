from pathlib import Path

from tgclassify.tagging import ReportSummary, TaggedParagraph, expand_inputs, tag_reports

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


def test_summary_coverage_is_consistent(small_model):
    paragraphs, (report,) = collect(tag_reports(small_model, [str(FIXTURES / "portal_report.txt")]))
    assert report.paragraphs == len(paragraphs)
    for lab, cov in report.per_label.items():
        assert cov["paragraphs"] == sum(lab in p.labels for p in paragraphs)
        assert 0 <= cov["share"] <= 1
    assert set(report.covered) | set(report.absent) == set(report.per_label)
    assert 0 < len(report.unsure) <= 5
    margins = [u["margin"] for u in report.unsure]
    assert margins == sorted(margins)


def test_parallel_output_equals_serial(small_model, tmp_path, monkeypatch):
    from tgclassify import constants as C

    monkeypatch.setattr(C, "PREDICT_BATCH", 3)  # many batches in flight across workers
    files = []
    for i in range(4):
        p = tmp_path / f"r{i}.txt"
        p.write_text((FIXTURES / "portal_report.txt").read_text(encoding="utf-8")
                     + f"\nĐoạn kết thúc riêng của báo cáo số {i} có đủ chữ để là nội dung.",
                     encoding="utf-8")
        files.append(str(p))
    files.insert(2, str(tmp_path / "missing.txt"))
    serial = [i.to_dict() for i in tag_reports(small_model, files, n_jobs=1)]
    parallel = [i.to_dict() for i in tag_reports(small_model, files, n_jobs=2)]
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
