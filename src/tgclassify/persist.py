"""Save and load model folders: ``model.joblib`` + ``model_card.json`` + ``README.md``.

The default model ships inside the package (``tgclassify/default_model/``, package data found
through :mod:`importlib.resources`), so a plain ``pip install`` can tag. ``models/`` at the top
of the repository is where ``tgclassify train`` writes models; the packaged copy is refreshed
from ``models/default`` (see the README).

A joblib file is a pickle: loading it runs code. Only load models from a source you trust.
Loading therefore checks the card first and the file's sha256 against it, so a truncated or
altered file is refused before it is unpickled, and it refuses a model pickled by another
scikit-learn release (the pickle would load with silently different behaviour, or not at all).

This module knows model folders, not classifiers: :class:`~tgclassify.model.Classifier` calls
it with a :class:`StoredModel` (so the dependency goes one way).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import platform
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import joblib
import numpy
import sklearn

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover
    from importlib.abc import Traversable

from . import __version__
from . import constants as C
from ._fileio import atomic_path
from .errors import ModelLoadError

__all__ = ["CARD_FILE", "DEFAULT_MODEL", "MODEL_FILE", "StoredModel", "load_model",
           "packaged_model", "save_model", "sha256_file"]

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"
README_FILE = "README.md"
CARD_VERSION = 2
PAYLOAD_FORMAT = 2
#: The name that means the model shipped inside the package.
DEFAULT_MODEL = "default"
RETRAIN_HINT = "retrain it with: tgclassify train --data data/labeled --out {path}"


@dataclass
class StoredModel:
    """What a model folder holds: the fitted estimator, its label codes, the chrome filter
    and the card; ``source`` is where it was read from."""

    model: Any
    labels: tuple[str, ...]
    chrome_filter: Any
    card: dict[str, Any]
    source: str | None = None


def packaged_model() -> Traversable:
    """The folder of the default model inside the installed package."""
    return resources.files("tgclassify") / "default_model"


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    try:
        pyvi_version = version("pyvi")
    except PackageNotFoundError:  # metadata missing in odd installs; the rest is recorded
        pyvi_version = "unknown"
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
        "pyvi": pyvi_version,
        "tgclassify": __version__,
    }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def save_model(stored: StoredModel, path: str | Path, *, training: dict[str, Any] | None = None,
               metrics: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write ``stored`` to the folder ``path`` (created if needed) and return the card written.
    Files are written to temporary names and renamed, so an interrupted save leaves the old
    model intact."""
    folder = Path(path)
    with atomic_path(folder / MODEL_FILE) as tmp_model:
        payload = {"format": PAYLOAD_FORMAT, "model": stored.model, "labels": stored.labels,
                   "chrome_filter": stored.chrome_filter}
        joblib.dump(payload, tmp_model, compress=3)
        model_sha = sha256_file(tmp_model)
        card = dict(stored.card)
        card.update({
            "card_version": CARD_VERSION,
            "name": card.get("name") or folder.name,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "labels": [{"code": lab, "name": C.LABEL_NAMES.get(lab, lab),
                        "threshold": round(float(t), 4)}
                       for lab, t in zip(stored.labels, stored.model.thresholds_, strict=True)],
            "model_file": MODEL_FILE,
            "model_sha256": model_sha,
            "versions": _versions(),
        })
        if training is not None:
            card["training"] = training
        if metrics is not None:
            card["metrics"] = metrics
        _write_text(folder / CARD_FILE, json.dumps(card, ensure_ascii=False, indent=2) + "\n")
        _write_text(folder / README_FILE, _model_readme(card))
    return card


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


def _model_readme(card: dict[str, Any]) -> str:
    metrics = card.get("metrics", {})
    model = metrics.get("model", {})
    lines = [
        f"# tgclassify model `{card['name']}`", "",
        "Tags paragraphs of Vietnamese tuyên giáo work reports with ten domain labels.",
        "Load it with `Classifier.load(\"<this folder>\")` or `tgclassify tag --model <folder>`.", "",
        "**Security:** `model.joblib` is a pickle and runs code when loaded. Use only model",
        "folders from a trusted source; tgclassify checks the file's sha256 against",
        "`model_card.json` before loading it.", "",
        f"- created: {card['created']}",
        f"- training data: {card.get('training', {}).get('paragraphs', '?')} paragraphs in "
        f"{card.get('training', {}).get('reports', '?')} reports, sha256 "
        f"`{str(card.get('training', {}).get('sha256', '?'))[:16]}…`",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in card["versions"].items()),
        "",
    ]
    if model:
        lines += [
            f"Grouped {metrics.get('folds', '?')}-fold cross-validation (by report): "
            f"macro-F1 {model.get('macro_f1', 0):.3f}, micro-F1 {model.get('micro_f1', 0):.3f}, "
            f"subset accuracy {model.get('subset_accuracy', 0):.3f}.", "",
        ]
    lines += ["| label | name | threshold | CV F1 |", "|---|---|---|---|"]
    per_label = model.get("per_label", {})
    for lab in card["labels"]:
        f1 = per_label.get(lab["code"], {}).get("f1")
        lines.append(f"| `{lab['code']}` | {lab['name']} | {lab['threshold']:.2f} | "
                     f"{'' if f1 is None else f'{f1:.3f}'} |")
    return "\n".join(lines) + "\n"


def load_model(model: str | Path | None = None) -> StoredModel:
    """Load and check a model: None or ``"default"`` is the packaged default model, anything
    else a model folder (or its ``model.joblib``). See the module docstring for the checks."""
    if model is None or (isinstance(model, str) and model == DEFAULT_MODEL):
        with _files_of(packaged_model()) as folder:
            stored = _load_folder(folder, "tgclassify's packaged default model",
                                  "reinstall tgclassify, or")
        stored.source = DEFAULT_MODEL
        return stored
    folder = Path(model)
    if folder.is_file() and folder.name == MODEL_FILE:
        folder = folder.parent
    stored = _load_folder(folder, str(folder), "")
    stored.source = str(folder)
    return stored


@contextlib.contextmanager
def _files_of(package_folder: Traversable) -> Iterator[Path]:
    """A real folder holding the packaged model's files (the package's own, unless it is
    installed in a zip)."""
    if isinstance(package_folder, Path):
        yield package_folder
        return
    with contextlib.ExitStack() as stack:  # pragma: no cover - zipped installs only
        paths = [stack.enter_context(resources.as_file(package_folder / name))
                 for name in (CARD_FILE, MODEL_FILE)]
        yield paths[0].parent


def _load_folder(folder: Path, name: str, fix: str) -> StoredModel:
    hint = f"{fix} {RETRAIN_HINT.format(path=folder)}".strip()
    if not folder.is_dir():
        raise ModelLoadError(f"model folder not found: {name}; {hint}")
    card_path = folder / CARD_FILE
    if not card_path.is_file():
        raise ModelLoadError(f"{name}: no {CARD_FILE}, so the model cannot be checked; {hint}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        labels = tuple(entry["code"] for entry in card["labels"])
        expected_sha = card["model_sha256"]
        trained_with = card["versions"]["scikit-learn"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"{card_path}: unreadable model card ({exc}); {hint}") from exc
    model_path = folder / card.get("model_file", MODEL_FILE)
    if not model_path.is_file():
        raise ModelLoadError(f"{name}: {model_path.name} is missing; {hint}")
    actual_sha = sha256_file(model_path)
    if actual_sha != expected_sha:
        raise ModelLoadError(
            f"{model_path}: checksum mismatch (the file is damaged or was replaced; card says "
            f"{expected_sha[:12]}…, file is {actual_sha[:12]}…). Refusing to unpickle it; {hint}")
    if _minor(sklearn.__version__) != _minor(trained_with):
        raise ModelLoadError(
            f"{name}: trained with scikit-learn {trained_with}, this is {sklearn.__version__}; "
            f"install scikit-learn=={trained_with} or {hint}")
    if card.get("card_version") != CARD_VERSION:
        raise ModelLoadError(f"{name}: a model of an older tgclassify (card version "
                             f"{card.get('card_version')}, this one reads {CARD_VERSION}); {hint}")
    try:
        payload = joblib.load(model_path)
    except Exception as exc:  # unpickling errors come in every type
        raise ModelLoadError(f"{model_path}: cannot be loaded ({type(exc).__name__}: {exc}); "
                             f"{hint}") from exc
    if not isinstance(payload, dict) or payload.get("format") != PAYLOAD_FORMAT:
        raise ModelLoadError(f"{model_path}: not a tgclassify model of this version; {hint}")
    if tuple(payload["labels"]) != labels:
        raise ModelLoadError(f"{name}: the card's labels differ from the model's; {hint}")
    return StoredModel(payload["model"], labels, payload.get("chrome_filter"), card)
