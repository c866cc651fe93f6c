from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "labeled"


@pytest.fixture(scope="session")
def corpus():
    from tgclassify.corpus import load_corpus

    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def small_corpus(corpus):
    """About a third of the shipped reports: enough for every label, quick to train."""
    from tgclassify.corpus import Corpus

    docs = sorted(set(corpus.groups))[::3]
    keep = set(docs)
    records = [r for r in corpus.records if r["doc_id"] in keep]
    return Corpus(records, {}, "test-subset", "test", corpus.noise[::2])


@pytest.fixture(scope="session")
def tiny_corpus(corpus):
    """About a tenth of the shipped reports: for the nested cross-validation."""
    from tgclassify.corpus import Corpus

    keep = set(sorted(set(corpus.groups))[1::10])
    return Corpus([r for r in corpus.records if r["doc_id"] in keep], {}, "tiny", "tiny", [])


@pytest.fixture(scope="session")
def small_model(small_corpus):
    from tgclassify.train import train_classifier

    return train_classifier(small_corpus, evaluate=False).classifier


@pytest.fixture(scope="session")
def saved_model(small_model, tmp_path_factory):
    from copy import deepcopy

    folder = tmp_path_factory.mktemp("models") / "small"
    deepcopy(small_model).save(folder, training={"paragraphs": 0}, metrics=None)
    return folder


@pytest.fixture(scope="session")
def default_model():
    from tgclassify import Classifier

    return Classifier.load()
