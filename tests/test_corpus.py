import json
import subprocess
import sys

import pytest

from conftest import CORPUS
from tgclassify import DataFormatError, check_corpus, load_corpus
from tgclassify.corpus import near_duplicates, render_data_readme


def write(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def row(i, doc="d1", pos=None, text=None, labels=(), kind="body"):
    return {"id": f"{doc}-{i}", "doc_id": doc, "pos": i if pos is None else pos, "kind": kind,
            "text": text or f"Đoạn văn số {i} nói về một việc hoàn toàn khác {i * 7919}.",
            "labels": list(labels)}


def test_shipped_corpus_passes_the_check():
    res = check_corpus(CORPUS, strict=True)
    assert res.errors == []
    s = res.stats
    assert s["paragraphs"] >= 2000 and s["reports"] >= 120
    assert min(s["per_label"].values()) >= 150
    assert s["general"] >= 200 and s["multi_share"] >= 0.15
    assert s["noise_lines"] >= 500


def test_check_finds_schema_label_id_position_and_duplicate_errors(tmp_path):
    rows = [row(0, labels=["khoa_giao"]), row(1, labels=["bao_chi"]), row(1), row(4),
            row(5, text="   "), row(6, text="Đoạn văn số 0 nói về một việc hoàn toàn khác 0.")]
    rows[2]["id"] = "d1-x"
    del rows[3]["kind"]
    res = check_corpus(write(tmp_path / "p.jsonl", rows), strict=True)
    text = "\n".join(res.errors)
    assert "unknown label(s) ['bao_chi']" in text
    assert "positions are not" in text
    assert "'kind' missing" in text
    assert "empty text" in text
    assert "exact duplicate" in text
    assert not res.ok


def test_check_reports_near_duplicates_and_minimums(tmp_path):
    base = ("Ban Tuyên giáo Huyện ủy tổ chức hội nghị báo cáo viên quý III, cung cấp thông tin "
            "thời sự cho 150 đại biểu là cán bộ chủ chốt của huyện và các xã")
    rows = [row(i) for i in range(8)]
    rows[2]["text"] = base + "."
    rows[5]["text"] = base + " nhé."
    res = check_corpus(write(tmp_path / "p.jsonl", rows), strict=True)
    assert any("near duplicate" in w for w in res.warnings)
    assert any("fewer than 2000" in e for e in res.errors)
    lenient = check_corpus(tmp_path / "p.jsonl")  # schema only: a small file is fine
    assert lenient.ok and any("near duplicate" in w for w in lenient.warnings)


def test_near_duplicates_threshold():
    a = "một hai ba bốn năm sáu bảy tám chín mười"
    assert near_duplicates([a, a + " mười một"], 0.8)
    assert not near_duplicates([a, "hoàn toàn khác nhau về mọi mặt nội dung"], 0.5)


def test_load_corpus_needs_text_and_labels_only(tmp_path):
    p = write(tmp_path / "mine.jsonl", [{"text": "Công tác khoa giáo", "labels": ["khoa_giao"]},
                                        {"text": "Chung", "labels": []}])
    c = load_corpus(p)
    assert c.groups == ["line1", "line2"]
    assert c.label_matrix().sum() == 1
    bad = write(tmp_path / "bad.jsonl", [{"text": "x", "labels": ["nope"]}])
    with pytest.raises(DataFormatError, match="unknown label"):
        load_corpus(bad)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "x", "labels": []}\n{oops\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="broken.jsonl:2"):
        load_corpus(broken)


def test_pairs_carry_section_context(tmp_path):
    rows = [row(0, text="I. CÔNG TÁC KHOA GIÁO", kind="heading"), row(1),
            row(2, text="1. Giáo dục", kind="heading"), row(3),
            row(4, text="II. CÔNG TÁC VĂN HOÁ", kind="heading"), row(5)]
    rows.insert(0, rows.pop(3))  # file order does not matter: positions do
    pairs = dict(load_corpus(write(tmp_path / "p.jsonl", rows)).pairs())
    assert pairs[rows[0]["text"]] == "I. CÔNG TÁC KHOA GIÁO / 1. Giáo dục"
    assert pairs[rows[2]["text"]] == "I. CÔNG TÁC KHOA GIÁO"
    assert pairs[rows[-1]["text"]] == "II. CÔNG TÁC VĂN HOÁ"
    assert pairs["I. CÔNG TÁC KHOA GIÁO"] == ""


def test_load_and_check_share_the_record_rules(tmp_path):
    from tgclassify.corpus.load import record_problems

    bad = {"text": "x", "labels": ["khoa_giao", "khoa_giao", "nope"]}
    assert record_problems(bad, full=False) == ["unknown label(s) ['nope']", "a label is repeated"]
    assert "'doc_id' missing or not str" in record_problems(bad, full=True)
    with pytest.raises(DataFormatError, match="a label is repeated"):
        load_corpus(write(tmp_path / "p.jsonl", [{"text": "x", "labels": ["bcd_35", "bcd_35"]}]))
    lenient = load_corpus(write(tmp_path / "q.jsonl", [bad]), strict=False)
    assert lenient.records[0]["labels"] == ["khoa_giao"]


def test_generated_readme_is_current():
    """data/labeled/README.md must be what `tgclassify data stats --write` produces."""
    assert (CORPUS / "README.md").read_text(encoding="utf-8") == render_data_readme(CORPUS)


def test_cli_data_check_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "tgclassify", "data", "check", str(CORPUS),
                         "--strict"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip().endswith("OK")
    bad = write(tmp_path / "p.jsonl", [row(0, labels=["nope"])])
    res = subprocess.run([sys.executable, "-m", "tgclassify", "data", "check", str(bad),
                          "--no-minimums"], capture_output=True, text=True)
    assert res.returncode == 1 and "unknown label" in res.stdout


def test_label_agreement_counts_and_kappa(tmp_path):
    from tgclassify.corpus import label_agreement

    rows = [row(i, labels=["khoa_giao"] if i < 4 else []) for i in range(8)]
    corpus = load_corpus(write(tmp_path / "p.jsonl", rows))
    same = {r["id"]: r["labels"] for r in rows}
    assert label_agreement(corpus, same, share=1, seed=0)["per_label"]["khoa_giao"]["kappa"] == 1
    flipped = dict(same, **{"d1-0": [], "d1-7": ["khoa_giao"]})
    agr = label_agreement(corpus, flipped, share=1, seed=0)
    k = agr["per_label"]["khoa_giao"]
    assert (k["first"], k["second"], k["both"], k["differ"]) == (4, 4, 3, 2)
    assert k["kappa"] == 0.5 and agr["exact_match"] == 0.75
    with pytest.raises(DataFormatError, match="none of the relabeled ids"):
        label_agreement(corpus, {"zzz": []}, share=1, seed=0)


def test_majority_labels_decides_each_label_on_its_own():
    from tgclassify.corpus import majority_labels

    first, a, b = ["khoa_giao"], ["tuyen_truyen", "khoa_giao"], ["tuyen_truyen"]
    assert majority_labels(first, a, b) == ["tuyen_truyen", "khoa_giao"]
    assert majority_labels(["bcd_35"], [], ["xay_dung_nganh"]) == []
    assert majority_labels(["khoa_giao", "tuyen_truyen"]) == ["tuyen_truyen", "khoa_giao"]


def test_audit_summary_counts_and_refuses_a_final_that_is_not_the_majority():
    from tgclassify.corpus import audit_summary

    rows = [{"id": "x1", "found_by": "data issues", "first": [], "a": ["bcd_35"],
             "b": ["bcd_35"], "final": ["bcd_35"]},
            {"id": "x2", "found_by": "data issues", "first": ["khoa_giao"], "a": ["khoa_giao"],
             "b": [], "final": ["khoa_giao"]},
            {"id": "x3", "found_by": "ruling 9.1", "first": [], "a": ["khoa_giao"],
             "b": ["khoa_giao"], "final": ["khoa_giao"]}]
    s = audit_summary(rows)
    assert s["changed"] == 2 and s["moves"] == {"+bcd_35": 1, "+khoa_giao": 1}
    issues = s["by_source"]["data issues"]
    assert (issues["paragraphs"], issues["a_equals_b"], issues["a_equals_first"]) == (2, 0.5, 0.5)
    with pytest.raises(DataFormatError, match="x2"):
        audit_summary([dict(rows[1], final=[])])
    with pytest.raises(DataFormatError, match="missing 'b'"):
        audit_summary([{k: v for k, v in rows[0].items() if k != "b"}])


def test_the_corpus_carries_every_audit_decision():
    """data/labeled/audit.jsonl decided these label sets; paragraphs.jsonl must hold them."""
    from tgclassify.corpus.load import read_jsonl

    labels = {r["id"]: r["labels"] for r in load_corpus(CORPUS).records}
    audit = read_jsonl(CORPUS / "audit.jsonl")
    assert audit
    assert [r["id"] for r in audit if labels[r["id"]] != r["final"]] == []
