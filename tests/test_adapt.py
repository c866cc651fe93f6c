"""Adapting the model to one's own reports: combined training, small data, `suggest` and the
Label Studio round trip, `data issues`, and the one-line errors of misuse."""

import json
import subprocess
import sys

import numpy as np
import pytest

from tgclassify import DataFormatError
from tgclassify.corpus import combine_corpora, load_corpus, load_sources, parse_source
from tgclassify.evaluate import plan_folds
from tgclassify.suggest import choose, from_label_studio, label_studio_tasks


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tgclassify", *args], capture_output=True,
                          text=True, cwd=cwd)


def one_line_error(res):
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    return res.returncode == 2 and len(lines) == 1 and lines[0].startswith("tgclassify: ")


@pytest.fixture(scope="module")
def minimal_rows(small_corpus):
    """An office's file in the minimal format: text, labels, doc_id, heading (40 paragraphs
    of 8 reports)."""
    docs = sorted(set(small_corpus.groups))[:8]
    pairs = small_corpus.pairs()
    rows = [{"text": r["text"], "labels": r["labels"], "doc_id": r["doc_id"], "heading": c}
            for r, (_, c) in zip(small_corpus.records, pairs, strict=True)
            if r["doc_id"] in docs and r["kind"] == "body"]
    return rows[:40]


# --- the format and combining sources --------------------------------------------------------


def test_parse_source_weights():
    assert parse_source("mine.jsonl").weight == 1
    assert parse_source("mine.jsonl:3") == parse_source("mine.jsonl:3")
    assert parse_source("mine.jsonl:3").path == "mine.jsonl"
    for bad in ("mine.jsonl:0", "mine.jsonl:x", "mine.jsonl:99"):
        with pytest.raises(DataFormatError, match="weight"):
            parse_source(bad)


def test_minimal_format_heading_is_the_context_and_types_are_checked(tmp_path):
    c = load_corpus(write(tmp_path / "m.jsonl", [
        {"text": "Mở 3 lớp bồi dưỡng lý luận chính trị.", "labels": ["ly_luan_chinh_tri"],
         "heading": "II. CÔNG TÁC LÝ LUẬN", "doc_id": 7},
        {"text": "Chung chung.", "labels": []}]))
    assert c.pairs()[0] == ("Mở 3 lớp bồi dưỡng lý luận chính trị.", "II. CÔNG TÁC LÝ LUẬN")
    assert c.groups == ["7", "line2"]
    with pytest.raises(DataFormatError, match="'heading' must be str"):
        load_corpus(write(tmp_path / "b.jsonl", [{"text": "x", "labels": [], "heading": 3}]))
    with pytest.raises(DataFormatError, match="no labeled paragraphs"):
        load_corpus(write(tmp_path / "e.jsonl", []))


def test_combined_sources_keep_document_ids_apart(tmp_path):
    a = write(tmp_path / "a.jsonl", [{"text": f"Đoạn {i} của a", "labels": [], "doc_id": "d1"}
                                     for i in range(3)])
    b = write(tmp_path / "b.jsonl", [{"text": f"Đoạn {i} của b", "labels": ["khoa_giao"],
                                      "doc_id": "d1"} for i in range(2)])
    corpus, sources = load_sources([str(a), f"{b}:4"])
    assert [s.weight for s in sources] == [1, 4]
    assert corpus.groups == ["a/d1"] * 3 + ["b/d1"] * 2
    assert corpus.weights == [1, 1, 1, 4, 4]
    assert len({r["id"] for r in corpus.records}) == 5
    single = load_corpus(a)
    assert combine_corpora([(single, 1)]) is single


def test_plan_folds_falls_back_with_a_note():
    assert plan_folds([f"d{i % 7}" for i in range(40)]).note is None
    three = plan_folds([f"d{i % 3}" for i in range(40)])
    assert three.n_folds == 3 and "3 grouped folds" in three.note
    one = plan_folds(["d"] * 40)
    assert len(set(one.groups)) == 40 and "by paragraph" in one.note
    with pytest.raises(DataFormatError, match="at least 20"):
        plan_folds(["d"] * 5)


# --- training on small and combined data -------------------------------------------------------


def test_training_a_small_minimal_file_notes_what_changed(tmp_path, minimal_rows):
    from tgclassify.train import train_classifier

    rows = [{"text": r["text"], "labels": r["labels"]} for r in minimal_rows[:30]]
    result = train_classifier(load_corpus(write(tmp_path / "m.jsonl", rows)), evaluate=True)
    notes = " ".join(result.notes)
    assert "section-context" in notes and "chrome filter" in notes
    assert result.evaluation is not None
    assert result.classifier.chrome_filter is not None  # the default model's
    if result.evaluation.model["macro_f1"] < result.evaluation.keyword_baseline["macro_f1"]:
        assert "below the keyword baseline" in result.warnings[0]
    assert len(result.classifier.predict(["Tổ chức hội nghị báo cáo viên."])) == 1


def test_weights_repeat_paragraphs_in_training_only(minimal_rows, tmp_path):
    from tgclassify.evaluate import evaluate_config

    corpus = load_corpus(write(tmp_path / "m.jsonl", minimal_rows))
    corpus.weights = [2] * len(corpus.records)
    corpus.train_only = [i < 10 for i in range(len(corpus.records))]
    ev = evaluate_config(corpus, n_folds=3)
    assert ev.model["n"] == len(corpus.records) - 10  # train-only paragraphs are never scored
    assert not ev.oof_proba[:10].any()


def test_cli_combined_training_and_misuse(tmp_path, minimal_rows, small_corpus):
    mine = write(tmp_path / "mine.jsonl", minimal_rows)
    base = write(tmp_path / "base.jsonl", small_corpus.records[:300])
    res = run("train", "--data", str(base), "--data", f"{mine}:3", "--out",
              str(tmp_path / "m"), "--no-eval", "-q")
    assert res.returncode == 0, res.stderr
    card = json.loads((tmp_path / "m" / "model_card.json").read_text(encoding="utf-8"))
    assert card["training"]["paragraphs"] == 300 + len(minimal_rows)
    assert card["training"]["weighted_paragraphs"] == 300 + 3 * len(minimal_rows)
    three = write(tmp_path / "three.jsonl", minimal_rows[:3])
    assert one_line_error(run("train", "--data", str(three), "--out", str(tmp_path / "x")))
    empty = write(tmp_path / "empty.jsonl", [])
    assert one_line_error(run("eval", "--data", str(empty)))
    assert one_line_error(run("train", "--data", f"{mine}:0", "--out", str(tmp_path / "x")))
    general = write(tmp_path / "general.jsonl", [{"text": f"Đoạn chung số {i}.", "labels": []}
                                                 for i in range(25)])
    assert one_line_error(run("train", "--data", str(general), "--out", str(tmp_path / "x")))


def test_cli_data_check_is_lenient_unless_strict(tmp_path, minimal_rows):
    mine = write(tmp_path / "mine.jsonl", minimal_rows)
    res = run("data", "check", str(mine))
    assert res.returncode == 0 and res.stdout.strip().endswith("OK"), res.stdout
    res = run("data", "check", str(mine), "--strict")
    assert res.returncode == 1 and "fewer than 2000" in res.stdout


# --- suggest and Label Studio ------------------------------------------------------------------


def test_choose_spreads_over_labels_and_reports_and_drops_duplicates():
    rng = np.random.default_rng(0)
    n = 60
    P = rng.random((n, 3)) * 0.2
    P[:20, 0] = 0.5  # label 0: twenty paragraphs right at its threshold, all from report A
    texts = [f"Đoạn văn thứ {i} nói về một việc khác hẳn, số {i * 7919}." for i in range(n)]
    texts[1] = texts[0] + " nhé"  # a near duplicate of the most uncertain one
    texts[2] = "Ngắn."
    reports = ["A"] * 20 + [f"R{i % 8}" for i in range(40)]
    picked = choose(P, np.array([0.5, 0.5, 0.5]), texts, reports, 10)
    assert len(picked) == 10 and len(set(picked)) == 10
    assert 1 not in picked and 2 not in picked
    assert sum(reports[i] == "A" for i in picked) <= 2  # at most 10% of the suggestions... or 1
    assert choose(P, np.array([0.5] * 3), texts, reports, 5, exclude=[texts[0]])[0] != 0


def test_suggest_cli_and_label_studio_round_trip(tmp_path, saved_model):
    from conftest import ROOT

    out, tasks_file = tmp_path / "suggest.jsonl", tmp_path / "tasks.json"
    res = run("suggest", str(ROOT / "examples"), "-n", "6", "-o", str(out), "--label-studio",
              str(tasks_file), "--model", str(saved_model), "-q")
    assert res.returncode == 0, res.stderr
    suggested = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(suggested) == 6
    assert all({"text", "labels", "heading", "source", "doc_id"} <= set(r) for r in suggested)
    assert load_corpus(out).records  # the corpus format as it is
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert len(tasks) == 6 and tasks[0]["data"]["text"] == suggested[0]["text"]
    # a labeler accepts the first five as predicted, changes the sixth, skips none
    export = []
    for k, task in enumerate(tasks):
        result = task["predictions"][0]["result"]
        if k == 5:
            result = [{"from_name": "labels", "to_name": "text", "type": "choices",
                       "value": {"choices": ["bcd_35", "khoa_giao"]}}]
        export.append({**task, "id": 100 + k, "annotations": [
            {"id": k, "result": result, "was_cancelled": False,
             "created_at": "2026-01-01T10:00:00Z"}]})
    export.append({"id": 999, "data": {"text": "chưa gán"}, "annotations": []})
    (tmp_path / "export.json").write_text(json.dumps(export, ensure_ascii=False),
                                          encoding="utf-8")
    back = tmp_path / "mine.jsonl"
    res = run("data", "import", str(tmp_path / "export.json"), "-o", str(back))
    assert res.returncode == 0 and "1 task(s) without" in res.stderr, res.stderr
    corpus = load_corpus(back)
    assert [r["text"] for r in corpus.records] == [r["text"] for r in suggested]
    assert [r["labels"] for r in corpus.records[:5]] == [r["labels"] for r in suggested[:5]]
    assert corpus.records[5]["labels"] == ["khoa_giao", "bcd_35"]
    assert corpus.pairs()[0][1] == suggested[0]["heading"]
    assert run("data", "check", str(back)).returncode == 0
    # a tag jsonl is an input too
    tagged = tmp_path / "tagged.jsonl"
    assert run("tag", str(ROOT / "examples"), "-o", str(tagged), "-q", "--model",
               str(saved_model)).returncode == 0
    res = run("suggest", str(tagged), "-n", "3", "--model", str(saved_model), "-q")
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 3
    assert one_line_error(run("suggest", str(tagged), "-n", "0"))
    assert one_line_error(run("suggest", str(tmp_path / "nope_dir") + "/"))


def test_label_studio_export_errors():
    with pytest.raises(DataFormatError, match="list of tasks"):
        from_label_studio({"data": {}})
    bad = [{"data": {"text": "x"}, "annotations": [{"result": [
        {"from_name": "labels", "type": "choices", "value": {"choices": ["nope"]}}]}]}]
    with pytest.raises(DataFormatError, match="unknown label"):
        from_label_studio(bad)
    tasks = label_studio_tasks([{"id": "a", "text": "x", "labels": []}])
    assert tasks[0]["predictions"][0]["result"] == []


# --- label issues ------------------------------------------------------------------------------


def test_label_issues_finds_a_flipped_label(tiny_corpus):
    pytest.importorskip("cleanlab")
    from copy import deepcopy

    from tgclassify.corpus.issues import label_issues

    corpus = deepcopy(tiny_corpus)
    Y = corpus.label_matrix()
    flipped = [i for i in range(len(Y)) if Y[i].sum() == 1 and Y[i, 7] == 1][:3]
    for i in flipped:  # bcd_35 paragraphs relabeled van_hoa_van_nghe
        corpus.records[i]["labels"] = ["van_hoa_van_nghe"]
    issues = label_issues(corpus)
    ids = [r["id"] for r in issues]
    assert issues and {"labels", "model", "added", "missing", "quality"} <= set(issues[0])
    found = [corpus.records[i]["id"] in ids for i in flipped]
    assert sum(found) >= 2, (found, len(issues))
    assert [r["quality"] for r in issues] == sorted(r["quality"] for r in issues)


def test_data_issues_cli(tmp_path, tiny_corpus):
    pytest.importorskip("cleanlab")
    data = write(tmp_path / "tiny.jsonl", tiny_corpus.records)
    res = run("data", "issues", str(data), "--top", "5", "--body-only", "--json", "-q")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert 0 < len(rows) <= 5 and all(r["kind"] == "body" for r in rows)
    res = run("data", "issues", str(data), "--top", "3", "-q")
    assert res.returncode == 0 and "flagged by cleanlab" in res.stdout
