"""The classifier: TF-IDF over pyvi words (paragraph and section context) -> one-vs-rest
logistic regression -> a probability per label -> a tuned threshold per label.

:class:`Classifier` is what users import. It wraps a fitted scikit-learn pipeline with the label
order and thresholds, and offers prediction, explanation and report tagging.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import constants as C

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from .noise import NoiseFilter
    from .segment import Paragraph

__all__ = ["Classifier", "ModelConfig", "ParagraphTags", "build_pipeline"]


@dataclass(frozen=True)
class ModelConfig:
    """Hyperparameters of the pipeline. Defaults are the ones chosen by the comparison in
    ``benchmarks/results/model_selection.json``."""

    words: bool = True  # pyvi words (True) or plain syllables (False)
    syllables: bool = True  # with words: add a syllable n-gram block beside the word block
    ngram_max: int = 2  # word n-grams 1..ngram_max
    min_df: int = 2  # a term seen once is a typo or a name, not evidence
    sublinear_tf: bool = True
    char_ngrams: bool = False  # character n-gram block on the paragraph
    context_weight: float = 0.5  # weight of the section-context block; 0 disables it
    estimator: str = "logreg"  # logreg | svm (calibrated LinearSVC) | sgd
    C: float = 10.0
    class_weight: str | None = "balanced"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_pipeline(config: ModelConfig, *, seed: int = C.RANDOM_SEED) -> Pipeline:
    """An unfitted pipeline for ``config``."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: PLC0415
    from sklearn.multiclass import OneVsRestClassifier  # noqa: PLC0415
    from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: PLC0415

    from .features import Column, Tokenize  # noqa: PLC0415
    from .tokens import split_tokens  # noqa: PLC0415

    def words() -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=split_tokens if config.ngram_max == 1 else "word",
            tokenizer=None if config.ngram_max == 1 else split_tokens,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, config.ngram_max) if config.ngram_max > 1 else (1, 1),
            min_df=config.min_df,
            sublinear_tf=config.sublinear_tf,
            dtype=np.float32,
        )

    blocks: list[tuple[str, Any]] = [("text", Pipeline([("col", Column(0)), ("tfidf", words())]))]
    weights = {"text": 1.0}
    if config.syllables and config.words:
        blocks.append(("syllables", Pipeline([("col", Column(2)), ("tfidf", words())])))
        weights["syllables"] = 1.0
    if config.char_ngrams:
        blocks.append(("chars", Pipeline([
            ("col", Column(0)),
            ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3,
                                      sublinear_tf=True, max_features=200_000,
                                      dtype=np.float32)),
        ])))
        weights["chars"] = 1.0
    if config.context_weight > 0:
        blocks.append(("context", Pipeline([("col", Column(1)), ("tfidf", words())])))
        weights["context"] = config.context_weight

    if config.estimator == "logreg":
        base: Any = LogisticRegression(C=config.C, class_weight=config.class_weight,
                                       max_iter=2000, solver="liblinear", dual=True,
                                       random_state=seed)  # dual: faster when features > samples
    elif config.estimator == "svm":
        from sklearn.calibration import CalibratedClassifierCV  # noqa: PLC0415
        from sklearn.svm import LinearSVC  # noqa: PLC0415

        base = CalibratedClassifierCV(
            LinearSVC(C=config.C / 10, class_weight=config.class_weight, random_state=seed),
            cv=3, method="sigmoid")
    elif config.estimator == "sgd":
        base = SGDClassifier(loss="log_loss", alpha=1e-5, class_weight=config.class_weight,
                             max_iter=50, tol=None, random_state=seed)
    else:
        raise ValueError(f"unknown estimator {config.estimator!r}: use logreg, svm or sgd")
    return Pipeline([
        ("tokens", Tokenize(words=config.words, syllables=config.syllables and config.words)),
        ("features", FeatureUnion(blocks, transformer_weights=weights)),
        ("clf", OneVsRestClassifier(base)),
    ])


@dataclass
class ParagraphTags:
    """The tags of one paragraph: the labels over their threshold, every label's score, and
    the runners-up a reviewer may want to see."""

    labels: list[str]
    scores: dict[str, float]
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    margin: float = 0.0  # distance of the least certain decision to its threshold


class Classifier:
    """A trained tuyên giáo paragraph classifier.

    >>> from tgclassify import Classifier
    >>> clf = Classifier.load()
    >>> clf.labels[:3]
    ('tuyen_truyen', 'bao_chi_xuat_ban', 'thong_tin_doi_ngoai')
    >>> clf.predict(["Tổ chức 12 hội nghị báo cáo viên cấp tỉnh, cung cấp thông tin thời sự."])
    [['tuyen_truyen']]
    """

    def __init__(self, pipeline: Pipeline, *, labels: Sequence[str] = C.LABELS,
                 thresholds: Sequence[float] | None = None,
                 card: dict[str, Any] | None = None, path: str | None = None,
                 noise_filter: NoiseFilter | None = None) -> None:
        self.pipeline = pipeline
        self.noise_filter = noise_filter
        self.labels: tuple[str, ...] = tuple(labels)
        self.thresholds = np.asarray(
            thresholds if thresholds is not None else [C.DEFAULT_THRESHOLD] * len(self.labels),
            dtype=float)
        self.card: dict[str, Any] = card or {}
        self.path = path

    # --- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> Classifier:
        """Load a model folder (the shipped default when ``path`` is None), checking its card
        and checksum first. Raises :class:`~tgclassify.errors.ModelLoadError`."""
        from .persist import load_model  # noqa: PLC0415

        return load_model(path)

    def save(self, path: str | Path, *, training: dict[str, Any] | None = None,
             metrics: dict[str, Any] | None = None) -> Path:
        """Write this model as a folder (model.joblib, model_card.json, README.md)."""
        from .persist import save_model  # noqa: PLC0415

        return save_model(self, path, training=training, metrics=metrics)

    # --- prediction --------------------------------------------------------------------------

    def predict_proba(self, paragraphs: Sequence[Any]) -> np.ndarray:
        """Probability of each label, shape ``(n, len(labels))``, columns in ``labels`` order.

        A paragraph is a string, or a ``(text, context)`` pair with its section headings.
        """
        if isinstance(paragraphs, str):
            raise TypeError("pass a list of paragraphs, not a single string")
        if len(paragraphs) == 0:
            return np.zeros((0, len(self.labels)))
        return np.asarray(self.pipeline.predict_proba(list(paragraphs)), dtype=float)

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Boolean label matrix from probabilities and the per-label thresholds."""
        return proba >= self.thresholds[None, :]

    def predict(self, paragraphs: Sequence[Any]) -> list[list[str]]:
        """The labels of each paragraph (an empty list = a general paragraph)."""
        decided = self.decide(self.predict_proba(paragraphs))
        return [[lab for lab, on in zip(self.labels, row, strict=True) if on] for row in decided]

    def tags(self, paragraphs: Sequence[Any]) -> list[ParagraphTags]:
        """Labels, scores, alternatives and decision margin of each paragraph."""
        proba = self.predict_proba(paragraphs)
        return [self._tags_of(row) for row in proba]

    def _tags_of(self, row: np.ndarray) -> ParagraphTags:
        on = row >= self.thresholds
        labels = [lab for lab, o in zip(self.labels, on, strict=True) if o]
        scores = {lab: round(float(p), 4) for lab, p in zip(self.labels, row, strict=True)}
        order = np.argsort(-row)
        alternatives = [(self.labels[i], round(float(row[i]), 4)) for i in order
                        if not on[i]][: C.TOP_ALTERNATIVES]
        # margin in units of the threshold, so labels with low and high thresholds compare
        rel = np.abs(row - self.thresholds) / np.where(on, 1 - self.thresholds, self.thresholds)
        return ParagraphTags(labels, scores, alternatives, round(float(rel.min()), 4))

    # --- explanation -------------------------------------------------------------------------

    def explain(self, text: str, *, context: str = "", top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """The terms that pushed each predicted label up, with their weight (TF-IDF value
        times coefficient; the context block's terms are prefixed ``context:``).

        Labels that are not predicted are left out; a general paragraph gives ``{}``.
        """
        tokens = self.pipeline.named_steps["tokens"]
        features = self.pipeline.named_steps["features"]
        clf = self.pipeline.named_steps["clf"]
        pair = tokens.transform([(text, context)])
        row = features.transform(pair).tocsr()
        names = _feature_names(features)
        predicted = self.predict([(text, context)])[0]
        out: dict[str, list[tuple[str, float]]] = {}
        for label in predicted:
            est = clf.estimators_[self.labels.index(label)]
            coef = _coefficients(est)
            if coef is None:
                out[label] = []
                continue
            contrib = row.data * coef[row.indices]
            order = np.argsort(-contrib)[:top]
            out[label] = [(names[row.indices[i]], round(float(contrib[i]), 4))
                          for i in order if contrib[i] > 0]
        return out

    # --- reports -----------------------------------------------------------------------------

    def tag_paragraphs(self, paragraphs: Sequence[Paragraph]) -> list[ParagraphTags | None]:
        """Tags for segmented paragraphs (None for noise), using each one's section context."""
        idx = [i for i, p in enumerate(paragraphs) if p.kind != "noise"]
        out: list[ParagraphTags | None] = [None] * len(paragraphs)
        for start in range(0, len(idx), C.PREDICT_BATCH):
            chunk = idx[start : start + C.PREDICT_BATCH]
            pairs = [(paragraphs[i].text, self._context_of(paragraphs[i])) for i in chunk]
            for i, tags in zip(chunk, self.tags(pairs), strict=True):
                out[i] = tags
        return out

    def _context_of(self, paragraph: Paragraph) -> str:
        return paragraph.context if self.card.get("config", {}).get("context_weight", 1) else ""

    def tag_report(self, path: str | Path) -> list[dict[str, Any]]:
        """Read, segment and tag one report file.

        Returns one dict per non-noise paragraph: ``index``, ``kind``, ``heading``, ``text``,
        ``labels``, ``scores``, ``alternatives``. Raises
        :class:`~tgclassify.errors.ReportReadError` when the file cannot be read.
        """
        from .readers import open_report  # noqa: PLC0415
        from .segment import iter_paragraphs  # noqa: PLC0415

        paragraphs = list(iter_paragraphs(open_report(path).lines(),
                                          noise_filter=self.noise_filter))
        tags = self.tag_paragraphs(paragraphs)
        return [
            {"index": p.index, "kind": p.kind, "heading": p.heading, "text": p.text,
             "labels": t.labels, "scores": t.scores, "alternatives": t.alternatives}
            for p, t in zip(paragraphs, tags, strict=True) if t is not None
        ]

    def __repr__(self) -> str:
        name = self.card.get("name", "unsaved")
        return f"Classifier(name={name!r}, labels={len(self.labels)}, path={self.path!r})"


def _feature_names(features: Any) -> list[str]:
    names: list[str] = []
    for name, pipe in features.transformer_list:
        vocab = pipe.named_steps["tfidf"].get_feature_names_out()
        prefix = "" if name == "text" else f"{name}:"
        names.extend(f"{prefix}{term}" for term in vocab)
    return names


def _coefficients(estimator: Any) -> np.ndarray | None:
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_).ravel()
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:  # average the folds' linear models of a calibrated SVM
        coefs = [np.asarray(c.estimator.coef_).ravel() for c in calibrated]
        return np.mean(coefs, axis=0)
    return None
