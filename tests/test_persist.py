import json
import shutil

import pytest

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
    folder = tmp_path / "again"
    small_model.save(folder)
    first = (folder / CARD_FILE).read_text(encoding="utf-8")
    small_model.save(folder)
    assert Classifier.load(folder).labels == small_model.labels
    assert json.loads(first)["model_sha256"] == json.loads(
        (folder / CARD_FILE).read_text(encoding="utf-8"))["model_sha256"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(["README.md", CARD_FILE, MODEL_FILE])


def test_default_model_loads_and_is_small(default_model):
    assert default_model.path is not None
    from pathlib import Path

    size = sum(p.stat().st_size for p in Path(default_model.path).iterdir())
    assert size < 20 * 1024 * 1024
    assert default_model.card["training"]["paragraphs"] >= 2000
