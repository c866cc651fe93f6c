"""From a fitted scikit-learn model to its portable form (:mod:`tgclassify.portable`).

The export reads the fitted pipeline itself, not its :class:`~tgclassify.model.ModelConfig`, so
every configuration built from the same pieces exports: word, syllable and context blocks,
character n-grams, the domain lexicon, any n-gram range, weights and ``min_df``; a logistic
regression per label. Anything else (a calibrated SVM, an SGD classifier, which computes in
float32, a vectorizer option the portable form does not reproduce, a step it does not know) is
refused with :class:`ExportError`, which names the part and the way out.

After the export, both forms score a few probe paragraphs and lines; a difference above
``constants.EXPORT_TOLERANCE`` refuses the export (a scikit-learn release that computes
differently would be caught here, at save time, and never reach tagging).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from . import constants as C
from .chrome import ChromeFilter, LineShape
from .errors import TgclassifyError
from .estimator import ThresholdedOneVsRest
from .features import Column, Tokenize
from .lexicon import LexiconCounts
from .portable import Block, Features, LinearScorer, PortableChrome, PortableModel
from .tokens import split_tokens

__all__ = ["ExportError", "export_chrome", "export_model", "upgrade_folder"]

FIX = "train a configuration the portable form supports (ModelConfig with estimator='logreg')"

#: Paragraphs both forms score after an export (plain, with context, empty, odd).
PROBE_PARAGRAPHS: list[Any] = [
    "Tổ chức 12 hội nghị báo cáo viên cấp tỉnh, cung cấp thông tin thời sự cho 2.300 lượt người.",
    ("Mở 3 lớp bồi dưỡng với 210 học viên.", "II. CÔNG TÁC GIÁO DỤC LÝ LUẬN CHÍNH TRỊ"),
    ("Ban Chỉ đạo 35 phản bác 40 luận điệu sai trái, thù địch trên mạng xã hội.",
     "Báo cáo / III. BẢO VỆ NỀN TẢNG TƯ TƯỞNG CỦA ĐẢNG"),
    "Ngành giáo dục tổ chức kỳ thi tốt nghiệp THPT an toàn; Hội Khuyến học trao 45 suất học bổng.",
    "",
    "??? 2024 — Nghị quyết 45-NQ/TW",
]
PROBE_LINES = ["Trang chủ", "Chia sẻ bài viết", "Đà Lạt 17°C - 24°C", "Xem nhiều | Mới nhất",
               "Ngày 12/3/2024, 09:15", "Tổ chức 12 hội nghị báo cáo viên cấp tỉnh.", ""]


class ExportError(TgclassifyError, ValueError):
    """A fitted model the portable form cannot represent."""


def _refuse(what: str) -> ExportError:
    return ExportError(f"cannot save this model in the portable form: {what}; {FIX}")


def _tfidf_block(name: str, column: int | None, vec: Any, weight: float | None) -> Block:
    if not hasattr(vec, "vocabulary_"):
        raise _refuse(f"block {name!r} is not fitted")
    params = vec.get_params()
    for option, default in (("input", "content"), ("strip_accents", None),
                            ("stop_words", None), ("preprocessor", None), ("binary", False),
                            ("encoding", "utf-8"), ("decode_error", "strict")):
        if params[option] != default:
            raise _refuse(f"block {name!r} sets {option}={params[option]!r}")
    analyzer = params["analyzer"]
    lo, hi = params["ngram_range"]
    lowercase = bool(params["lowercase"])
    pattern = None
    if analyzer is split_tokens:
        kind, lo, hi, lowercase = "split", 1, 1, False
    elif analyzer == "word" and params["tokenizer"] is split_tokens:
        kind = "split"
    elif analyzer == "word" and params["tokenizer"] is None:
        kind, pattern = "word", params["token_pattern"]
    elif analyzer == "char_wb" and params["tokenizer"] is None:
        kind = "char_wb"
    else:
        raise _refuse(f"block {name!r} has analyzer {analyzer!r} with tokenizer "
                      f"{params['tokenizer']!r}")
    if params["norm"] not in ("l2", "l1", None):
        raise _refuse(f"block {name!r} has norm {params['norm']!r}")
    vocabulary = [""] * len(vec.vocabulary_)
    for term, j in vec.vocabulary_.items():
        if "\n" in term:
            raise _refuse(f"block {name!r} has a term with a line break: {term!r}")
        vocabulary[j] = term
    idf = np.asarray(vec.idf_, dtype=vec.idf_.dtype) if params["use_idf"] else None
    if idf is not None and idf.dtype != np.float32:
        raise _refuse(f"block {name!r} computes in {idf.dtype}, the portable form in float32")
    if np.dtype(params["dtype"]) != np.float32:
        raise _refuse(f"block {name!r} has dtype {params['dtype']}, not float32")
    block = Block(name, "tfidf", column, len(vocabulary), weight, analyzer=kind,
                  ngram_range=(int(lo), int(hi)), lowercase=lowercase, token_pattern=pattern,
                  sublinear_tf=bool(params["sublinear_tf"]), norm=params["norm"],
                  vocabulary=vocabulary, idf=idf)
    block.index_ngrams()
    return block


def _block(name: str, step: Any, weight: float | None) -> Block:
    column: int | None = None
    if isinstance(step, Pipeline):
        if len(step.steps) != 2 or not isinstance(step.steps[0][1], Column):
            raise _refuse(f"block {name!r} is a pipeline other than (Column, transformer)")
        column = int(step.steps[0][1].index)
        step = step.steps[1][1]
    if isinstance(step, TfidfVectorizer):
        return _tfidf_block(name, column, step, weight)
    if isinstance(step, LexiconCounts):
        labels = tuple(step.labels)
        terms = {lab: list(ts) for lab, ts in (step.terms or {}).items()}
        return Block(name, "lexicon", column, len(labels), weight, labels=labels, terms=terms,
                     feature_names=[str(n) for n in step.get_feature_names_out()])
    if isinstance(step, LineShape):
        return Block(name, "shape", column, 8, weight)
    raise _refuse(f"block {name!r} is a {type(step).__name__}")


def _features(union: Any) -> Features:
    if not isinstance(union, FeatureUnion):
        raise _refuse(f"the features are a {type(union).__name__}, not a FeatureUnion")
    weights = union.transformer_weights or {}
    blocks = []
    for name, step in union.transformer_list:
        if step in ("drop", None):
            continue
        weight = weights.get(name)
        blocks.append(_block(name, step, None if weight is None else float(weight)))
    return Features(blocks)


def _linear(est: Any, what: str) -> tuple[np.ndarray, float]:
    if not isinstance(est, LogisticRegression):
        raise _refuse(f"{what} is a {type(est).__name__}, not a logistic regression")
    if len(est.classes_) != 2 or est.coef_.shape[0] != 1:
        raise _refuse(f"{what} is not a binary model")
    if est.coef_.dtype != np.float64:  # its dot products would be float32 ones
        raise _refuse(f"{what} has {est.coef_.dtype} coefficients, not float64")
    return np.asarray(est.coef_, dtype=np.float64).ravel(), float(est.intercept_[0])


def export_model(model: ThresholdedOneVsRest, labels: tuple[str, ...]) -> PortableModel:
    """The portable form of a fitted :class:`ThresholdedOneVsRest` whose estimator is
    ``Pipeline([("features", FeatureUnion), ("clf", OneVsRestClassifier)])``."""
    if not hasattr(model, "thresholds_"):
        raise _refuse("the model is not fitted")
    if getattr(model, "_binary", False):
        raise _refuse("the model was fitted on a single binary target, not label columns")
    pre = model.preprocessor_
    if not isinstance(pre, Tokenize):
        raise _refuse(f"the preprocessor is a {type(pre).__name__}, not Tokenize")
    pipe = model.estimator_
    if not isinstance(pipe, Pipeline) or len(pipe.steps) != 2:
        raise _refuse("the estimator is not a (features, classifier) pipeline")
    features = _features(pipe.steps[0][1])
    ovr = pipe.steps[1][1]
    if not isinstance(ovr, OneVsRestClassifier):
        raise _refuse(f"the classifier is a {type(ovr).__name__}, not OneVsRestClassifier")
    if len(ovr.estimators_) != len(labels):
        raise _refuse(f"{len(ovr.estimators_)} label models for {len(labels)} labels")
    coefs, intercepts = zip(*(_linear(e, f"the model of {lab}")
                              for e, lab in zip(ovr.estimators_, labels, strict=True)), strict=True)
    coef = np.vstack(coefs)
    if coef.shape[1] != features.n_features:
        raise _refuse(f"{coef.shape[1]} coefficients for {features.n_features} features")
    portable = PortableModel(labels, np.asarray(model.thresholds_, dtype=np.float64), features,
                             LinearScorer(coef, np.asarray(intercepts, dtype=np.float64)),
                             words=bool(pre.words), syllables=bool(pre.syllables and pre.words),
                             context=bool(pre.context),
                             heading_weight=float(getattr(model, "heading_weight", 0.0)),
                             heading_window=int(getattr(model, "heading_window", 0)))
    _check(model.predict_proba(PROBE_PARAGRAPHS), portable.predict_proba(PROBE_PARAGRAPHS),
           "the model")
    return portable


def export_chrome(chrome: ChromeFilter | PortableChrome | None) -> PortableChrome | None:
    """The portable form of a fitted chrome filter (a ``(features, LogisticRegression)``
    pipeline); a portable one is returned as it is."""
    if chrome is None or isinstance(chrome, PortableChrome):
        return chrome
    if not isinstance(chrome, ChromeFilter):
        raise _refuse(f"the chrome filter is a {type(chrome).__name__}")
    pipe = chrome.pipeline
    if not isinstance(pipe, Pipeline) or len(pipe.steps) != 2:
        raise _refuse("the chrome filter is not a (features, classifier) pipeline")
    features = _features(pipe.steps[0][1])
    coef, intercept = _linear(pipe.steps[1][1], "the chrome filter")
    if coef.shape[0] != features.n_features:
        raise _refuse(f"the chrome filter has {coef.shape[0]} coefficients for "
                      f"{features.n_features} features")
    portable = PortableChrome(features, LinearScorer(coef[None, :], np.asarray([intercept])),
                              chrome.threshold, C.NOISE_MODEL_MAX_WORDS)
    _check(chrome.proba(PROBE_LINES), portable.proba(PROBE_LINES), "the chrome filter")
    return portable


def _check(expected: np.ndarray, got: np.ndarray, what: str) -> None:
    diff = float(np.max(np.abs(np.asarray(expected, dtype=float) - got))) if got.size else 0.0
    if not diff <= C.EXPORT_TOLERANCE:
        raise _refuse(f"{what} scores differently in the portable form (by {diff:.2e}); this "
                      f"scikit-learn release computes in a way the export does not know")


def upgrade_folder(folder: str | Path) -> dict[str, Any]:
    """Rewrite a model folder of card version 2 (``model.joblib`` only) in the current format:
    its fitted estimator and chrome filter exported to the portable files, its card kept (name,
    configuration, training data, figures, creation date). The pickle is checked against the
    old card and must be of this scikit-learn release. Returns the new card."""
    import json  # noqa: PLC0415

    import joblib  # noqa: PLC0415
    import sklearn  # noqa: PLC0415

    from .model import Classifier  # noqa: PLC0415 - the model module sits above this one
    from .persist import CARD_FILE, MODEL_FILE, sha256_file  # noqa: PLC0415

    path = Path(folder)
    card = json.loads((path / CARD_FILE).read_text(encoding="utf-8"))
    if card.get("card_version") != 2:
        raise ExportError(f"{path}: card version {card.get('card_version')}, not 2")
    if sha256_file(path / MODEL_FILE) != card["model_sha256"]:
        raise ExportError(f"{path / MODEL_FILE}: checksum mismatch with the card")
    trained_with = card["versions"]["scikit-learn"]
    if trained_with.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ExportError(f"{path}: pickled by scikit-learn {trained_with}, this is "
                          f"{sklearn.__version__}")
    payload = joblib.load(path / MODEL_FILE)
    clf = Classifier(payload["model"], labels=tuple(payload["labels"]),
                     chrome_filter=payload.get("chrome_filter"), card=card)
    clf.save(path)
    return clf.card
