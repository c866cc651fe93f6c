"""Save and load model folders.

A model folder holds:

* ``model.json`` and ``model.npz``: the portable form of the model and of the chrome filter
  (:mod:`tgclassify.portable`), what loading reads. Plain JSON and arrays read with
  ``allow_pickle=False``: loading runs no code from the folder and needs no scikit-learn.
* ``model_card.json``: what the model is (labels, thresholds, configuration, training data,
  figures, versions), the format version and the sha256 of every other file.
* ``README.md``: the card for people.
* ``model.joblib`` (optional): the fitted scikit-learn estimator, a training artifact. It is a
  pickle (loading it runs code, and needs the scikit-learn release it was made with); it is
  read only when :attr:`Classifier.model <tgclassify.Classifier.model>` is asked for, never to
  tag, and a folder without it (the packaged default model) tags the same.

The default model ships inside the package (``tgclassify/default_model/``, package data found
through :mod:`importlib.resources`), so a plain ``pip install`` can tag. ``models/`` at the top
of the repository is where ``tgclassify train`` writes models; the packaged copy is refreshed
from ``models/default`` (see the README).

Loading checks the card first (its version and the portable format's), then the sha256 of
every file the card lists and the folder holds, so a truncated or altered file is refused
before it is read.

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
from importlib import resources
from pathlib import Path
from typing import Any

import numpy

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover
    from importlib.abc import Traversable

from . import __version__
from . import constants as C
from ._fileio import atomic_path
from .errors import ModelLoadError
from .portable import (
    FORMAT_VERSION,
    JSON_FILE,
    NPZ_FILE,
    READABLE_FORMATS,
    PortableChrome,
    PortableModel,
    read_portable,
    write_portable,
)

__all__ = ["CARD_FILE", "DEFAULT_MODEL", "MODEL_FILE", "PORTABLE_FILES", "StoredModel",
           "load_estimator", "load_model", "packaged_model", "save_model", "sha256_file"]

#: The scikit-learn estimator, pickled: a training artifact, not needed to tag.
MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"
README_FILE = "README.md"
#: The files loading reads, beside the card.
PORTABLE_FILES = (JSON_FILE, NPZ_FILE)
CARD_VERSION = 3
PAYLOAD_FORMAT = 2
#: The name that means the model shipped inside the package.
DEFAULT_MODEL = "default"
RETRAIN_HINT = "retrain it with: tgclassify train --data data/labeled --out {path}"


@dataclass
class StoredModel:
    """What a model folder holds for tagging: the portable model, its label codes, the
    portable chrome filter and the card; ``source`` is where it was read from."""

    model: PortableModel
    labels: tuple[str, ...]
    chrome_filter: PortableChrome | None
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
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - saving only

    try:
        pyvi_version = version("pyvi")
    except PackageNotFoundError:  # metadata missing in odd installs; the rest is recorded
        pyvi_version = "unknown"
    import joblib  # noqa: PLC0415 - saving only
    import sklearn  # noqa: PLC0415 - saving only: the release that trained the model

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
               metrics: dict[str, Any] | None = None, estimator: Any = None,
               chrome_estimator: Any = None) -> dict[str, Any]:
    """Write ``stored`` to the folder ``path`` (created if needed) and return the card written:
    the portable files, ``estimator`` (the fitted scikit-learn model, with
    ``chrome_estimator``) pickled into ``model.joblib`` when given, the card and the README.
    Each file is written to a temporary name and renamed, the card last, so an interrupted
    save leaves a folder the card does not match (refused on load), never a mix that loads. A
    ``model.joblib`` left from an earlier save without an estimator now is removed."""
    from datetime import datetime, timezone  # noqa: PLC0415 - saving only

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}

    def write(target: Path, data: bytes) -> None:
        with atomic_path(target) as tmp:
            Path(tmp).write_bytes(data)
            files[target.name] = sha256_file(tmp)

    write_portable(folder, stored.model, stored.chrome_filter, write)
    if estimator is not None:
        import joblib  # noqa: PLC0415 - the training artifact only

        with atomic_path(folder / MODEL_FILE) as tmp_model:
            payload = {"format": PAYLOAD_FORMAT, "model": estimator, "labels": stored.labels,
                       "chrome_filter": chrome_estimator}
            joblib.dump(payload, tmp_model, compress=3)
            files[MODEL_FILE] = sha256_file(tmp_model)
    else:
        (folder / MODEL_FILE).unlink(missing_ok=True)
    card = dict(stored.card)
    for old in ("model_file", "model_sha256"):  # card version 2
        card.pop(old, None)
    card.update({
        "card_version": CARD_VERSION,
        "portable_format": FORMAT_VERSION,
        "name": card.get("name") or folder.name,
        # when the model was trained: a model saved again (exported, copied) keeps its date
        "created": card.get("created") or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "labels": [{"code": lab, "name": C.LABEL_NAMES.get(lab, lab),
                    "threshold": round(float(t), 4)}
                   for lab, t in zip(stored.labels, stored.model.thresholds, strict=True)],
        "files": dict(sorted(files.items())),
        "training_artifacts": [MODEL_FILE] if MODEL_FILE in files else [],
        "versions": _versions(),
    })
    if training is not None:
        card["training"] = training
    if metrics is not None:
        card["metrics"] = metrics
    _write_text(folder / README_FILE, _model_readme(card))
    _write_text(folder / CARD_FILE, json.dumps(card, ensure_ascii=False, indent=2) + "\n")
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
        "Tagging reads `model.json` and `model.npz` (plain JSON and arrays: no code runs, no",
        "scikit-learn needed), after checking the sha256 of every file against `model_card.json`.",
        "`model.joblib`, when present, is the fitted scikit-learn estimator, a training artifact:",
        "it is a pickle and runs code when loaded, so use it only from a trusted source.", "",
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
    else a model folder (or a file in it). See the module docstring for the checks."""
    if model is None or (isinstance(model, str) and model == DEFAULT_MODEL):
        with _files_of(packaged_model()) as folder:
            stored = _load_folder(folder, "tgclassify's packaged default model",
                                  "reinstall tgclassify, or")
        stored.source = DEFAULT_MODEL
        return stored
    folder = Path(model)
    if folder.is_file() and folder.name in (MODEL_FILE, CARD_FILE, *PORTABLE_FILES):
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
                 for name in (CARD_FILE, *PORTABLE_FILES)]
        yield paths[0].parent


def _read_card(folder: Path, name: str, hint: str) -> dict[str, Any]:
    if not folder.is_dir():
        raise ModelLoadError(f"model folder not found: {name}; {hint}")
    card_path = folder / CARD_FILE
    if not card_path.is_file():
        raise ModelLoadError(f"{name}: no {CARD_FILE}, so the model cannot be checked; {hint}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        if not isinstance(card, dict):
            raise TypeError("not a JSON object")
        version_of_card = card.get("card_version")
        if version_of_card != CARD_VERSION:
            raise ModelLoadError(
                f"{name}: a model of an older tgclassify (card version {version_of_card}, this "
                f"one reads {CARD_VERSION}); {hint}")
        if card.get("portable_format") not in READABLE_FORMATS:
            raise ModelLoadError(
                f"{name}: model files of format {card.get('portable_format')}, this tgclassify "
                f"reads format {', '.join(map(str, READABLE_FORMATS))}; {hint}")
        files = card["files"]
        artifacts = set(card.get("training_artifacts", []))
        if not all(isinstance(entry["code"], str) for entry in card["labels"]):
            raise TypeError("a label code is not a string")
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise TypeError("files is not a mapping of names to sha256")
    except ModelLoadError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"{card_path}: unreadable model card ({exc}); {hint}") from exc
    missing = [f for f in PORTABLE_FILES if f not in files]
    if missing:
        raise ModelLoadError(f"{card_path}: the card lists no {', '.join(missing)}; {hint}")
    for file_name, expected in files.items():
        path = folder / file_name
        if Path(file_name).name != file_name:
            raise ModelLoadError(f"{card_path}: a file outside the folder ({file_name}); {hint}")
        if not path.is_file():
            if file_name in artifacts:
                continue  # a training artifact: not needed to tag
            raise ModelLoadError(f"{name}: {file_name} is missing; {hint}")
        actual = sha256_file(path)
        if actual != expected:
            raise ModelLoadError(
                f"{path}: checksum mismatch (the file is damaged or was replaced; card says "
                f"{expected[:12]}…, file is {actual[:12]}…). Refusing to load it; {hint}")
    return card


def _load_folder(folder: Path, name: str, fix: str) -> StoredModel:
    hint = f"{fix} {RETRAIN_HINT.format(path=folder)}".strip()
    card = _read_card(folder, name, hint)
    labels = tuple(entry["code"] for entry in card["labels"])
    try:
        model, chrome = read_portable(folder)
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise ModelLoadError(f"{name}: the model files cannot be read ({type(exc).__name__}: "
                             f"{exc}); {hint}") from exc
    if model.labels != labels:
        raise ModelLoadError(f"{name}: the card's labels differ from the model's; {hint}")
    return StoredModel(model, labels, chrome, card)


def load_estimator(model: str | Path, card: dict[str, Any] | None = None) -> Any:
    """The fitted scikit-learn estimator of a model folder (``model.joblib``, a training
    artifact): checked against the card, refused when pickled by another scikit-learn release.
    Imports scikit-learn. Raises :class:`~tgclassify.errors.ModelLoadError`."""
    if str(model) == DEFAULT_MODEL:
        with _files_of(packaged_model()) as folder:
            return load_estimator(folder, card)
    folder = Path(model)
    hint = RETRAIN_HINT.format(path=folder)
    card = _read_card(folder, str(folder), hint)
    model_path = folder / MODEL_FILE
    if MODEL_FILE not in card["files"] or not model_path.is_file():
        raise ModelLoadError(
            f"{folder}: holds no scikit-learn estimator ({MODEL_FILE}, a training artifact); "
            f"it tags, explains and evaluates without it. To get the estimator, {hint}")
    import joblib  # noqa: PLC0415 - the training artifact only
    import sklearn  # noqa: PLC0415

    trained_with = str(card.get("versions", {}).get("scikit-learn", "?"))
    if _minor(sklearn.__version__) != _minor(trained_with):
        raise ModelLoadError(
            f"{folder}: {MODEL_FILE} was pickled by scikit-learn {trained_with}, this is "
            f"{sklearn.__version__}; install scikit-learn=={trained_with} to read it (tagging "
            f"does not need it), or {hint}")
    try:
        payload = joblib.load(model_path)
    except Exception as exc:  # unpickling errors come in every type
        raise ModelLoadError(f"{model_path}: cannot be loaded ({type(exc).__name__}: {exc}); "
                             f"{hint}") from exc
    if not isinstance(payload, dict) or payload.get("format") != PAYLOAD_FORMAT:
        raise ModelLoadError(f"{model_path}: not a tgclassify model of this version; {hint}")
    return payload["model"]
