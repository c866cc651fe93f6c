import json
import shutil
from pathlib import Path

import pytest

import tgclassify
from conftest import ROOT
from tgclassify import Classifier, ModelLoadError
from tgclassify.persist import CARD_FILE, MODEL_FILE


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
    assert len(card["model_sha256"]) == 64
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


def test_tampered_model_is_refused_before_unpickling(model_copy):
    data = (model_copy / MODEL_FILE).read_bytes()
    (model_copy / MODEL_FILE).write_bytes(data[:-10] + b"0123456789")
    with pytest.raises(ModelLoadError, match="checksum mismatch") as info:
        Classifier.load(model_copy)
    assert "tgclassify train" in str(info.value)


def test_truncated_model_is_refused(model_copy):
    data = (model_copy / MODEL_FILE).read_bytes()
    (model_copy / MODEL_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError, match="checksum"):
        Classifier.load(model_copy)


def test_other_sklearn_version_is_refused(model_copy):
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["versions"]["scikit-learn"] = "0.24.2"
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="scikit-learn 0.24.2"):
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
    assert json.loads(first)["model_sha256"] == json.loads(
        (folder / CARD_FILE).read_text(encoding="utf-8"))["model_sha256"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(["README.md", CARD_FILE, MODEL_FILE])


def test_default_model_ships_in_the_package(default_model):
    """`Classifier.load()` and `load("default")` read the copy inside the installed package,
    never a folder of a source checkout."""
    from tgclassify.persist import packaged_model

    folder = Path(str(packaged_model()))
    assert folder.parent == Path(tgclassify.__file__).parent
    assert default_model.source == "default"
    assert Classifier.load("default").card["model_sha256"] == default_model.card["model_sha256"]
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 20 * 1024 * 1024
    assert default_model.card["training"]["paragraphs"] >= 2000


def test_packaged_model_is_the_trained_one():
    """The packaged copy is refreshed from models/default, where `tgclassify train` writes."""
    from tgclassify.persist import packaged_model

    trained = ROOT / "models" / "default"
    for name in (CARD_FILE, MODEL_FILE, "README.md"):
        assert (trained / name).read_bytes() == (packaged_model() / name).read_bytes(), name
