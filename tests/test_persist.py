import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import tgclassify
from conftest import ROOT
from tgclassify import Classifier, ModelLoadError
from tgclassify.persist import CARD_FILE, MODEL_FILE, PORTABLE_FILES


@pytest.fixture()
def model_copy(saved_model, tmp_path):
    target = tmp_path / "m"
    shutil.copytree(saved_model, target)
    return target


def test_card_describes_the_model(saved_model):
    card = json.loads((saved_model / CARD_FILE).read_text(encoding="utf-8"))
    assert [lab["code"] for lab in card["labels"]][:2] == ["tuyen_truyen", "bao_chi_xuat_ban"]
    assert all(0 < lab["threshold"] < 1 for lab in card["labels"])
    assert {"python", "scikit-learn", "pyvi", "tgclassify"} <= set(card["versions"])
    assert set(card["files"]) == {*PORTABLE_FILES, MODEL_FILE}
    assert all(len(sha) == 64 for sha in card["files"].values())
    assert card["training_artifacts"] == [MODEL_FILE]
    assert (saved_model / "README.md").read_text(encoding="utf-8").startswith("# tgclassify model")


def test_old_card_version_is_refused(model_copy):
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["card_version"] = 1
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="older tgclassify"):
        Classifier.load(model_copy)


def test_missing_folder_or_card(tmp_path, model_copy):
    with pytest.raises(ModelLoadError, match="not found"):
        Classifier.load(tmp_path / "nope")
    (model_copy / CARD_FILE).unlink()
    with pytest.raises(ModelLoadError, match="no model_card.json"):
        Classifier.load(model_copy)


@pytest.mark.parametrize("name", [*PORTABLE_FILES, MODEL_FILE])
def test_tampered_file_is_refused_before_it_is_read(model_copy, name):
    data = (model_copy / name).read_bytes()
    (model_copy / name).write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(ModelLoadError, match="checksum mismatch") as info:
        Classifier.load(model_copy)
    assert "tgclassify train" in str(info.value) and name in str(info.value)


@pytest.mark.parametrize("name", PORTABLE_FILES)
def test_truncated_or_missing_file_is_refused(model_copy, name):
    data = (model_copy / name).read_bytes()
    (model_copy / name).write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="checksum"):
        Classifier.load(model_copy)
    (model_copy / name).unlink()
    with pytest.raises(ModelLoadError, match=f"{name} is missing"):
        Classifier.load(model_copy)


def test_other_sklearn_version_still_tags(model_copy):
    """The portable form does not depend on the scikit-learn release; only the pickled
    training artifact does, and it is read only on request."""
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["versions"]["scikit-learn"] = "0.24.2"
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    clf = Classifier.load(model_copy)
    assert clf.predict(["Tổ chức 12 hội nghị báo cáo viên cấp huyện."]) == [["tuyen_truyen"]]
    with pytest.raises(ModelLoadError, match="scikit-learn 0.24.2"):
        clf.model  # noqa: B018


def test_other_format_version_is_refused(model_copy):
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["portable_format"] = 99
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="format 99"):
        Classifier.load(model_copy)


def test_card_naming_a_file_outside_the_folder_is_refused(model_copy):
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["files"]["../elsewhere.json"] = "0" * 64
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="outside the folder"):
        Classifier.load(model_copy)


def test_broken_card_is_refused(model_copy):
    (model_copy / CARD_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="unreadable model card"):
        Classifier.load(model_copy)


def test_saving_over_a_model_replaces_it_whole(small_model, tmp_path):
    from copy import deepcopy

    clf = deepcopy(small_model)  # the shared fixture stays an unsaved model
    folder = tmp_path / "again"
    clf.save(folder)
    first = (folder / CARD_FILE).read_text(encoding="utf-8")
    clf.save(folder)
    assert Classifier.load(folder).labels == small_model.labels and clf.source == str(folder)
    again = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    assert {k: v for k, v in json.loads(first)["files"].items() if k != MODEL_FILE} == {
        k: v for k, v in again["files"].items() if k != MODEL_FILE}
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["README.md", CARD_FILE, MODEL_FILE, *PORTABLE_FILES])
    clf.save(folder, estimator=False)  # the portable form only: the old pickle goes
    assert sorted(p.name for p in folder.iterdir()) == sorted(["README.md", CARD_FILE,
                                                               *PORTABLE_FILES])
    assert Classifier.load(folder).predict_proba(["Hội nghị báo cáo viên."]).shape == (1, 10)


def test_default_model_ships_in_the_package(default_model):
    """`Classifier.load()` and `load("default")` read the copy inside the installed package,
    never a folder of a source checkout."""
    from tgclassify.persist import packaged_model

    folder = Path(str(packaged_model()))
    assert folder.parent == Path(tgclassify.__file__).parent
    assert default_model.source == "default"
    assert Classifier.load("default").card["files"] == default_model.card["files"]
    size = sum(p.stat().st_size for p in folder.iterdir())
    # the README's size target; 8.3 MB for 12,102 corpus paragraphs (5.6 MB for the first 6,073)
    assert size < 20 * 1000 * 1000
    # the package carries what tagging reads, not the training artifact
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(
        [CARD_FILE, "README.md", *PORTABLE_FILES])
    assert default_model.card["training"]["paragraphs"] >= 2000


def test_packaged_model_is_the_trained_one():
    """The packaged copy is refreshed from models/default, where `tgclassify train` writes."""
    from tgclassify.persist import packaged_model

    trained = ROOT / "models" / "default"
    packaged = [p.name for p in packaged_model().iterdir() if p.is_file()]
    assert {CARD_FILE, "README.md", *PORTABLE_FILES} <= set(packaged)
    for name in packaged:
        assert (trained / name).read_bytes() == (packaged_model() / name).read_bytes(), name
    card = json.loads((trained / CARD_FILE).read_text(encoding="utf-8"))
    for name in card["files"]:  # every file of the card is in models/default, and right
        from tgclassify.persist import sha256_file

        assert sha256_file(trained / name) == card["files"][name], name


def test_the_heading_blend_is_saved_and_a_format_1_model_reads_without_it(model_copy,
                                                                        small_model):
    from tgclassify.persist import sha256_file
    from tgclassify.portable import JSON_FILE

    loaded = Classifier.load(model_copy)
    assert loaded.heading_blend == small_model.heading_blend
    assert loaded.heading_blend[0] > 0
    # a model written before the blend existed: format 1, no "headings"
    spec = json.loads((model_copy / JSON_FILE).read_text(encoding="utf-8"))
    del spec["headings"]
    spec["format_version"] = 1
    (model_copy / JSON_FILE).write_text(json.dumps(spec), encoding="utf-8")
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["portable_format"] = 1
    card["files"][JSON_FILE] = sha256_file(model_copy / JSON_FILE)
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    old = Classifier.load(model_copy)
    assert old.heading_blend == (0.0, 0)
    P = np.array([[0.2, 0.9], [0.8, 0.1]])
    np.testing.assert_array_equal(old.blend(P, ["heading", "body"]), P)


@pytest.mark.parametrize("field, value", [("weight", 3.0), ("window", -1), ("window", 10**9)])
def test_a_heading_blend_out_of_range_is_refused(model_copy, field, value):
    from tgclassify.persist import sha256_file
    from tgclassify.portable import JSON_FILE

    spec = json.loads((model_copy / JSON_FILE).read_text(encoding="utf-8"))
    spec["headings"][field] = value
    (model_copy / JSON_FILE).write_text(json.dumps(spec), encoding="utf-8")
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["files"][JSON_FILE] = sha256_file(model_copy / JSON_FILE)
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="heading blend"):
        Classifier.load(model_copy)
