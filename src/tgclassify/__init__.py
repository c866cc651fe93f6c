"""tgclassify: tag the paragraphs of Vietnamese tuyên giáo work reports by work domain.

>>> from tgclassify import Classifier, read_report, segment_report
>>> clf = Classifier.load()          # the shipped default model
>>> clf.predict(["Tổ chức hội nghị báo cáo viên cấp tỉnh quý III."])
[['tuyen_truyen']]

Heavy dependencies (scikit-learn, pyvi, python-docx, pypdf) load on first use, so importing
the package is cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it; resolved on first attribute access (PEP 562)
_EXPORTS = {
    # the taxonomy
    "LABELS": "constants",
    "LABEL_NAMES": "constants",
    # the model
    "Classifier": "model",
    "ModelConfig": "model",
    "build_estimator": "model",
    "ThresholdedOneVsRest": "estimator",
    # tagging and its results
    "tag_reports": "tagging",
    "tag_folder": "analysis",
    "Progress": "analysis",
    "TaggedParagraph": "results",
    "ReportSummary": "results",
    "TaggedReports": "results",
    # text in
    "read_report": "readers",
    "open_report": "readers",
    "segment_report": "segment",
    "Paragraph": "segment",
    "is_noise": "segment",
    "normalize_text": "normalize",
    "fix_legacy_text": "legacy",
    "tokenize": "tokens",
    # training, evaluation, data
    "train_classifier": "train",
    "evaluate_config": "evaluate",
    "Corpus": "corpus",
    "load_corpus": "corpus",
    "check_corpus": "corpus",
    # errors
    "TgclassifyError": "errors",
    "ReportReadError": "errors",
    "ModelLoadError": "errors",
    "DataFormatError": "errors",
}

__all__ = [
    "LABELS",
    "LABEL_NAMES",
    "Classifier",
    "Corpus",
    "DataFormatError",
    "ModelConfig",
    "ModelLoadError",
    "Paragraph",
    "Progress",
    "ReportReadError",
    "ReportSummary",
    "TaggedParagraph",
    "TaggedReports",
    "TgclassifyError",
    "ThresholdedOneVsRest",
    "__version__",
    "build_estimator",
    "check_corpus",
    "evaluate_config",
    "fix_legacy_text",
    "is_noise",
    "load_corpus",
    "normalize_text",
    "open_report",
    "read_report",
    "segment_report",
    "tag_folder",
    "tag_reports",
    "tokenize",
    "train_classifier",
]

if TYPE_CHECKING:
    from .analysis import Progress, tag_folder
    from .constants import LABEL_NAMES, LABELS
    from .corpus import Corpus, check_corpus, load_corpus
    from .errors import DataFormatError, ModelLoadError, ReportReadError, TgclassifyError
    from .estimator import ThresholdedOneVsRest
    from .evaluate import evaluate_config
    from .legacy import fix_legacy_text
    from .model import Classifier, ModelConfig, build_estimator
    from .normalize import normalize_text
    from .readers import open_report, read_report
    from .results import ReportSummary, TaggedParagraph, TaggedReports
    from .segment import Paragraph, is_noise, segment_report
    from .tagging import tag_reports
    from .tokens import tokenize
    from .train import train_classifier


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tgclassify' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
