"""Save and load model folders: ``model.joblib`` + ``model_card.json`` + ``README.md``.

A joblib file is a pickle: loading it runs code. Only load models from a source you trust.
Loading therefore checks the card first and the file's sha256 against it, so a truncated or
altered file is refused before it is unpickled, and it refuses a model pickled by another
scikit-learn release (the pickle would load with silently different behaviour, or not at all).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from . import constants as C
from .errors import ModelLoadError
from .fileio import atomic_path

if TYPE_CHECKING:
    from .model import Classifier

__all__ = ["CARD_FILE", "MODEL_FILE", "default_model_path", "load_model", "save_model",
           "sha256_file"]

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"
CARD_VERSION = 1
PAYLOAD_FORMAT = 1
RETRAIN_HINT = "retrain it with: tgclassify train --data data/labeled --out {path}"


def default_model_path() -> Path:
    """The model used when none is named: $TGCLASSIFY_MODEL, else ``models/default`` of the
    source checkout the package is installed from."""
    env = os.environ.get("TGCLASSIFY_MODEL")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models" / "default"


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    import joblib  # noqa: PLC0415
    import numpy  # noqa: PLC0415
    import sklearn  # noqa: PLC0415

    try:
        from importlib.metadata import version  # noqa: PLC0415

        pyvi_version = version("pyvi")
    except Exception:  # metadata missing in odd installs; the card still records the rest
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


def save_model(clf: Classifier, path: str | Path, *, training: dict[str, Any] | None = None,
               metrics: dict[str, Any] | None = None) -> Path:
    """Write ``clf`` to the folder ``path`` (created if needed). Files are written to
    temporary names and renamed, so an interrupted save leaves the old model intact."""
    import joblib  # noqa: PLC0415

    folder = Path(path)
    with atomic_path(folder / MODEL_FILE) as tmp_model:
        payload = {"format": PAYLOAD_FORMAT, "labels": clf.pipeline, "noise": clf.noise_filter}
        joblib.dump(payload, tmp_model, compress=3)
        model_sha = sha256_file(tmp_model)
        card = dict(clf.card)
        card.update({
            "card_version": CARD_VERSION,
            "name": card.get("name") or folder.name,
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "labels": [{"code": lab, "name": C.LABEL_NAMES.get(lab, lab),
                        "threshold": round(float(t), 4)}
                       for lab, t in zip(clf.labels, clf.thresholds, strict=True)],
            "model_file": MODEL_FILE,
            "model_sha256": model_sha,
            "versions": _versions(),
        })
        if training is not None:
            card["training"] = training
        if metrics is not None:
            card["metrics"] = metrics
        _write_text(folder / CARD_FILE, json.dumps(card, ensure_ascii=False, indent=2) + "\n")
        _write_text(folder / "README.md", _model_readme(card))
    clf.card = card
    clf.path = str(folder)
    return folder


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


def load_model(path: str | Path | None = None) -> Classifier:
    """Load and check a model folder; see the module docstring for what is checked."""
    folder = Path(path) if path is not None else default_model_path()
    hint = RETRAIN_HINT.format(path=folder)
    if folder.is_file() and folder.name == MODEL_FILE:
        folder = folder.parent
    if not folder.is_dir():
        raise ModelLoadError(f"model folder not found: {folder}; {hint}")
    card_path = folder / CARD_FILE
    if not card_path.is_file():
        raise ModelLoadError(f"{folder}: no {CARD_FILE}, so the model cannot be checked; {hint}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
        labels = [entry["code"] for entry in card["labels"]]
        thresholds = [float(entry["threshold"]) for entry in card["labels"]]
        expected_sha = card["model_sha256"]
        trained_with = card["versions"]["scikit-learn"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"{card_path}: unreadable model card ({exc}); {hint}") from exc
    model_path = folder / card.get("model_file", MODEL_FILE)
    if not model_path.is_file():
        raise ModelLoadError(f"{folder}: {model_path.name} is missing; {hint}")
    actual_sha = sha256_file(model_path)
    if actual_sha != expected_sha:
        raise ModelLoadError(
            f"{model_path}: checksum mismatch (the file is damaged or was replaced; card says "
            f"{expected_sha[:12]}…, file is {actual_sha[:12]}…). Refusing to unpickle it; {hint}")
    import sklearn  # noqa: PLC0415

    if _minor(sklearn.__version__) != _minor(trained_with):
        raise ModelLoadError(
            f"{folder}: trained with scikit-learn {trained_with}, this is {sklearn.__version__}; "
            f"install scikit-learn=={trained_with} or {hint}")
    import joblib  # noqa: PLC0415

    from .model import Classifier  # noqa: PLC0415

    try:
        payload = joblib.load(model_path)
    except Exception as exc:  # unpickling errors come in every type
        raise ModelLoadError(f"{model_path}: cannot be loaded ({type(exc).__name__}: {exc}); "
                             f"{hint}") from exc
    if not isinstance(payload, dict) or payload.get("format") != PAYLOAD_FORMAT:
        raise ModelLoadError(f"{model_path}: not a tgclassify model of this version; {hint}")
    return Classifier(payload["labels"], labels=labels, thresholds=thresholds, card=card,
                      path=str(folder), noise_filter=payload.get("noise"))
