"""The portable form of a model: the scikit-learn pipeline's probabilities without scikit-learn,
scipy or a pickle, for every configuration the export accepts."""

import json
import subprocess
import sys
from copy import deepcopy

import numpy as np
import pytest

from conftest import ROOT
from tgclassify import Classifier, ModelConfig, ModelLoadError
from tgclassify.persist import CARD_FILE, MODEL_FILE, PORTABLE_FILES

EVAL = ROOT / "data" / "eval"
TOLERANCE = 1e-9


def _needs_the_training_release():
    """The shipped estimator is a pickle: only the scikit-learn series that made it reads it."""
    import sklearn

    card = json.loads((ROOT / "models" / "default" / CARD_FILE).read_text(encoding="utf-8"))
    made_with = card["versions"]["scikit-learn"]
    if made_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        pytest.skip(f"models/default/{MODEL_FILE} was pickled by scikit-learn {made_with}, "
                    f"this is {sklearn.__version__}")


@pytest.fixture(scope="module")
def shipped():
    """The shipped model as users load it (portable), and its scikit-learn estimator, kept
    in models/default as the training artifact."""
    _needs_the_training_release()
    trained = Classifier.load(ROOT / "models" / "default")
    return Classifier.load(), trained.model


def _eval_pairs():
    from tgclassify.corpus import load_corpus

    return load_corpus(EVAL).pairs()


def test_shipped_model_equals_the_pipeline_on_the_whole_corpus(shipped, corpus):
    portable, estimator = shipped
    for pairs in (corpus.pairs(), _eval_pairs(), corpus.texts[:2000]):
        expected = estimator.predict_proba(pairs)
        got = portable.predict_proba(pairs)
        assert got.shape == expected.shape
        assert np.abs(got - expected).max() <= TOLERANCE
        assert (portable.decide(got) == estimator.decide(expected)).all()


def test_shipped_chrome_filter_equals_the_pipeline(corpus):
    import joblib

    _needs_the_training_release()
    payload = joblib.load(ROOT / "models" / "default" / MODEL_FILE)
    fitted = payload["chrome_filter"]
    portable = Classifier.load().chrome_filter
    lines = [t for t in corpus.noise + corpus.texts if len(t.split()) <= 25]
    expected = fitted.proba(lines)
    assert np.abs(portable.proba(lines) - expected).max() <= TOLERANCE
    assert portable(lines) == fitted(lines)


CONFIGS = {
    "syllables only": ModelConfig(words=False),
    "unigrams, no context": ModelConfig(ngram_max=1, context_weight=0.0),
    "trigrams, raw tf, min_df 1": ModelConfig(ngram_max=3, sublinear_tf=False, min_df=1),
    "character n-grams": ModelConfig(char_ngrams=True, syllables=False),
    "domain lexicon, context 0.3": ModelConfig(lexicon_weight=0.7, context_weight=0.3),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_exportable_config_round_trips(name, tiny_corpus, tmp_path):
    from tgclassify.model import build_estimator

    model = build_estimator(CONFIGS[name]).set_params(cv=2)
    model.fit(tiny_corpus.pairs(), tiny_corpus.label_matrix(), groups=tiny_corpus.groups)
    clf = Classifier(model, card={"config": CONFIGS[name].to_dict()})
    clf.save(tmp_path / "m", estimator=False)
    loaded = Classifier.load(tmp_path / "m")
    pairs = tiny_corpus.pairs() + _eval_pairs()[:300]
    assert np.abs(loaded.predict_proba(pairs) - model.predict_proba(pairs)).max() <= TOLERANCE
    text, context = tiny_corpus.pairs()[3]
    assert loaded.explain(text, context=context, top=20) == clf.explain(text, context=context,
                                                                        top=20)


@pytest.mark.parametrize(("estimator", "message"), [
    ("svm", "CalibratedClassifierCV, not a logistic regression"),
    ("sgd", "SGDClassifier, not a logistic regression"),
])
def test_unexportable_config_is_refused_at_save_time(estimator, message, tiny_corpus, tmp_path):
    from tgclassify.export import ExportError
    from tgclassify.model import build_estimator

    model = build_estimator(ModelConfig(estimator=estimator)).set_params(cv=2)
    model.fit(tiny_corpus.pairs(), tiny_corpus.label_matrix(), groups=tiny_corpus.groups)
    clf = Classifier(model)
    assert clf.predict_proba(["Hội nghị báo cáo viên."]).shape == (1, 10)  # it still predicts
    with pytest.raises(ExportError, match=message) as info:
        clf.save(tmp_path / estimator)
    assert "estimator='logreg'" in str(info.value)
    assert not (tmp_path / estimator).exists()  # refused before anything is written


def test_explain_from_the_portable_form_equals_the_pipeline(small_model, saved_model):
    loaded = Classifier.load(saved_model)
    assert loaded.portable is not None and small_model.portable is None
    texts = ["Ban Chỉ đạo 35 huyện phản bác 40 luận điệu sai trái trên mạng xã hội.",
             "Mở 3 lớp bồi dưỡng lý luận chính trị cho 210 đảng viên mới."]
    for text in texts:
        for context in ("", "II. CÔNG TÁC GIÁO DỤC LÝ LUẬN CHÍNH TRỊ"):
            assert loaded.explain(text, context=context, top=30) == small_model.explain(
                text, context=context, top=30)


def test_a_folder_without_the_pickle_tags_and_says_where_the_estimator_is(saved_model, tmp_path):
    import shutil

    folder = tmp_path / "m"
    shutil.copytree(saved_model, folder)
    (folder / MODEL_FILE).unlink()
    clf = Classifier.load(folder)
    assert clf.predict(["Tổ chức 12 hội nghị báo cáo viên cấp huyện."]) == [["tuyen_truyen"]]
    with pytest.raises(ModelLoadError, match="training artifact"):
        clf.model  # noqa: B018
    # saved again from the portable form alone: the same files, no pickle
    clf.save(tmp_path / "again")
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(
        ["README.md", CARD_FILE, *PORTABLE_FILES])


def test_model_files_are_plain_data(saved_model):
    spec = json.loads((saved_model / "model.json").read_text(encoding="utf-8"))
    assert spec["labels"][0] == "tuyen_truyen" and len(spec["thresholds"]) == 10
    assert [b["name"] for b in spec["blocks"]] == ["text", "syllables", "context"]
    assert spec["blocks"][2]["weight"] == 0.5 and spec["chrome"]["threshold"] > 0.5
    with np.load(saved_model / "model.npz", allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)
        assert npz["model.coef"].shape[0] == 10


def test_worker_processes_get_the_portable_model(saved_model, tmp_path):
    """A loaded classifier pickles for spawned workers and tags the same there."""
    from tgclassify.tagging import tag_reports

    clf = Classifier.load(saved_model)
    report = tmp_path / "r.txt"
    report.write_text("I. CÔNG TÁC KHOA GIÁO\n" + "\n".join(
        f"Ngành giáo dục mở {i} lớp tập huấn cho giáo viên." for i in range(40)) + "\n",
        encoding="utf-8")
    serial = list(tag_reports(clf, [str(report)]))
    parallel = list(tag_reports(deepcopy(clf), [str(report)], n_jobs=2, start_method="spawn"))
    assert serial == parallel


TAG_IMPORTS = """
import sys
from tgclassify.cli import main
code = main(["tag", sys.argv[1], "--format", "jsonl", "-o", sys.argv[2], "--quiet"])
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "scipy", "joblib", "pyvi"})
print(code, ",".join(heavy))
"""


def test_tag_imports_neither_sklearn_nor_scipy(tmp_path):
    report = tmp_path / "r.md"
    report.write_text("# Báo cáo\n\nTrang chủ\n\nBan Chỉ đạo 35 huyện phản bác 40 luận điệu sai "
                      "trái trên mạng xã hội.\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-c", TAG_IMPORTS, str(report), str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=tmp_path, check=True)
    assert res.stdout.split() == ["0"], res.stdout + res.stderr  # no heavy module listed
    assert "bcd_35" in (tmp_path / "o").read_text(encoding="utf-8")


def test_import_tgclassify_stays_light():
    code = ("import sys, tgclassify; print(sorted(m for m in ('numpy', 'sklearn', 'scipy') "
            "if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"

