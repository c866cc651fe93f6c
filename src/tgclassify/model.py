"""The classifier: TF-IDF over pyvi words (paragraph and section context) -> one-vs-rest
logistic regression -> a probability per label -> a tuned threshold per label.

:func:`build_estimator` makes the scikit-learn estimator of a :class:`ModelConfig` (a
:class:`~tgclassify.estimator.ThresholdedOneVsRest`). :class:`Classifier` is what users import:
the fitted estimator with its label codes, the learned chrome filter and the model card, offering
prediction, explanation and report tagging, and loading and saving model folders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import constants as C
from . import persist
from .constants import HEADING_WEIGHT
from .headings import blend_headings
from .portable import PortableChrome, PortableModel

if TYPE_CHECKING:
    from .chrome import ChromeFilter
    from .estimator import ThresholdedOneVsRest
    from .results import ReportSummary, TaggedParagraph

__all__ = ["Classifier", "ModelConfig", "build_estimator"]


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
    lexicon_weight: float = 0.0  # weight of the domain-lexicon block; 0 leaves it out
    # a heading's probabilities blended with its section's first body paragraphs (headings.py)
    heading_weight: float = HEADING_WEIGHT  # (C is the regularization field in this class)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_estimator(config: ModelConfig | None = None, *, seed: int = C.RANDOM_SEED
                    ) -> ThresholdedOneVsRest:
    """The unfitted estimator of ``config``: tokenization (once, before the folds), TF-IDF
    blocks, one-vs-rest classifiers, and per-label thresholds tuned in grouped folds."""
    # scikit-learn is imported here, for training: loading and tagging never need it
    from sklearn.calibration import CalibratedClassifierCV  # noqa: PLC0415
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: PLC0415
    from sklearn.multiclass import OneVsRestClassifier  # noqa: PLC0415
    from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: PLC0415
    from sklearn.svm import LinearSVC  # noqa: PLC0415

    from .estimator import ThresholdedOneVsRest  # noqa: PLC0415
    from .features import Column, Tokenize  # noqa: PLC0415
    from .lexicon import LexiconCounts, default_lexicon  # noqa: PLC0415
    from .tokens import split_tokens  # noqa: PLC0415

    config = config or ModelConfig()

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
    if config.lexicon_weight > 0:
        blocks.append(("lexicon", Pipeline([("col", Column(2)),
                                            ("counts", LexiconCounts(default_lexicon()))])))
        weights["lexicon"] = config.lexicon_weight

    base: Any
    if config.estimator == "logreg":
        base = LogisticRegression(C=config.C, class_weight=config.class_weight,
                                  max_iter=2000, solver="liblinear", dual=True,
                                  random_state=seed)  # dual: faster when features > samples
    elif config.estimator == "svm":
        base = CalibratedClassifierCV(
            LinearSVC(C=config.C / 10, class_weight=config.class_weight, random_state=seed),
            cv=3, method="sigmoid")
    elif config.estimator == "sgd":
        base = SGDClassifier(loss="log_loss", alpha=1e-5, class_weight=config.class_weight,
                             max_iter=50, tol=None, random_state=seed)
    else:
        raise ValueError(f"unknown estimator {config.estimator!r}: use logreg, svm or sgd")
    return ThresholdedOneVsRest(
        Pipeline([
            ("features", FeatureUnion(blocks, transformer_weights=weights)),
            ("clf", OneVsRestClassifier(base)),
        ]),
        preprocessor=Tokenize(words=config.words, syllables=config.syllables and config.words,
                              context=config.context_weight > 0),
        cv=C.CV_FOLDS,
        heading_weight=config.heading_weight,
        heading_window=C.HEADING_WINDOW,
    )


class Classifier:
    """A trained tuyên giáo paragraph classifier.

    >>> from tgclassify import Classifier
    >>> clf = Classifier.load()
    >>> clf.labels[:3]
    ('tuyen_truyen', 'bao_chi_xuat_ban', 'thong_tin_doi_ngoai')
    >>> clf.predict(["Tổ chức 12 hội nghị báo cáo viên cấp tỉnh, cung cấp thông tin thời sự."])
    [['tuyen_truyen']]

    A classifier holds its model in one or both of two forms: the fitted scikit-learn
    :class:`~tgclassify.estimator.ThresholdedOneVsRest` (``model``; what training makes) and
    its portable form (``portable``, a :class:`~tgclassify.portable.PortableModel`: plain
    arrays, what :meth:`load` reads and tagging uses, without scikit-learn). Both give the same
    probabilities. ``chrome_filter`` is the learned filter segmentation asks about page chrome
    (None: rules only), ``card`` the model card, ``source`` where it was loaded from (None for a
    model trained in this process and not saved).
    """

    def __init__(self, model: ThresholdedOneVsRest | PortableModel, *,
                 labels: Sequence[str] = C.LABELS,
                 chrome_filter: ChromeFilter | PortableChrome | None = None,
                 card: dict[str, Any] | None = None, source: str | None = None) -> None:
        self.portable: PortableModel | None = model if isinstance(model, PortableModel) else None
        self._estimator: ThresholdedOneVsRest | None = (
            None if isinstance(model, PortableModel) else model)
        self.labels: tuple[str, ...] = tuple(labels)
        self.chrome_filter = chrome_filter
        self.card: dict[str, Any] = card or {}
        self.source = source

    @property
    def model(self) -> ThresholdedOneVsRest:
        """The fitted scikit-learn estimator. A loaded model reads it on first use from the
        folder's ``model.joblib``, the training artifact (checked against the card; needs the
        scikit-learn release it was trained with); tagging never needs it."""
        if self._estimator is None:
            if self.source is None:
                raise AttributeError("this classifier holds only the portable form of its model")
            self._estimator = persist.load_estimator(self.source, self.card)
        return self._estimator

    @property
    def thresholds(self) -> np.ndarray:
        """The decision threshold of each label, in ``labels`` order."""
        if self.portable is not None:
            return self.portable.thresholds
        return np.asarray(self.model.thresholds_)

    # --- loading and saving -------------------------------------------------------------------

    @classmethod
    def load(cls, model: str | Path | None = None) -> Classifier:
        """Load a model: ``None`` or ``"default"`` is the default model shipped inside the
        package; anything else is a model folder written by :meth:`save` or ``tgclassify
        train``. The card, its format version and the sha256 of every file are checked; the
        portable form is read (JSON and ``.npz``: no code runs, scikit-learn is not needed).
        Raises :class:`~tgclassify.errors.ModelLoadError`."""
        stored = persist.load_model(model)
        return cls(stored.model, labels=stored.labels, chrome_filter=stored.chrome_filter,
                   card=stored.card, source=stored.source)

    def save(self, path: str | Path, *, training: dict[str, Any] | None = None,
             metrics: dict[str, Any] | None = None, estimator: bool = True) -> Path:
        """Write this model as a folder: the portable form (model.json, model.npz), the card
        and a README, plus, with ``estimator`` and when this classifier holds it, the fitted
        scikit-learn estimator (model.joblib, a training artifact: tagging never reads it).
        Raises :class:`~tgclassify.export.ExportError`, before writing anything, for a model
        the portable form cannot represent (e.g. a calibrated SVM)."""
        portable, chrome = self.portable, self.chrome_filter
        if portable is None or not isinstance(chrome, PortableChrome | None):
            from .export import export_chrome, export_model  # noqa: PLC0415 - needs scikit-learn

            if portable is None:
                portable = export_model(self.model, self.labels)
            chrome = export_chrome(chrome)
        stored = persist.StoredModel(portable, self.labels, chrome, self.card)
        fitted = self._estimator if estimator else None
        self.card = persist.save_model(stored, path, training=training, metrics=metrics,
                                       estimator=fitted, chrome_estimator=self.chrome_filter
                                       if fitted is not None else None)
        self.portable = portable
        self.source = str(path)
        return Path(path)

    # --- prediction ---------------------------------------------------------------------------

    def predict_proba(self, paragraphs: Sequence[Any]) -> np.ndarray:
        """Probability of each label, shape ``(n, len(labels))``, columns in ``labels`` order.

        A paragraph is a string, or a ``(text, context)`` pair with its section headings.
        """
        if isinstance(paragraphs, str):
            raise TypeError("pass a list of paragraphs, not a single string")
        if len(paragraphs) == 0:
            return np.zeros((0, len(self.labels)))
        if self.portable is not None:
            return self.portable.predict_proba(list(paragraphs))
        return self.model.predict_proba(list(paragraphs))

    def predict_scores(self, paragraphs: Sequence[Any]) -> list[dict[str, float]]:
        """:meth:`predict_proba` keyed by label: one ``{label: probability}`` per paragraph.
        A label is predicted when its score reaches ``label_thresholds[label]``."""
        return [{lab: float(p) for lab, p in zip(self.labels, row, strict=True)}
                for row in self.predict_proba(paragraphs)]

    @property
    def label_thresholds(self) -> dict[str, float]:
        """The decision threshold of each label, keyed by label (tuned per label on grouped
        out-of-fold probabilities for that label's best F1; not 0.5)."""
        return {lab: float(t) for lab, t in zip(self.labels, self.thresholds, strict=True)}

    @property
    def heading_blend(self) -> tuple[float, int]:
        """(weight, window) of :func:`~tgclassify.headings.blend_headings`: how much a
        heading's probabilities take in the body paragraphs after it, over how many of them
        (weight 0: not at all). Tagging a report applies it; :meth:`predict_proba` and
        :meth:`predict` score each paragraph alone."""
        if self.portable is not None:
            return self.portable.heading_weight, self.portable.heading_window
        # an estimator pickled before the blend existed has no such parameters
        return (float(getattr(self.model, "heading_weight", 0.0)),
                int(getattr(self.model, "heading_window", 0)))

    def blend(self, proba: np.ndarray, kinds: Sequence[str],
              groups: Sequence[object] | None = None) -> np.ndarray:
        """Probabilities of a report's paragraphs, in order, with each heading's blended with
        the body paragraphs after it (``kinds``: ``"heading"`` or ``"body"`` per row;
        ``groups``: the report of each row, when the rows are of several)."""
        weight, window = self.heading_blend
        return blend_headings(proba, kinds, groups, weight=weight, window=window)

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Boolean label matrix from probabilities and the per-label thresholds."""
        return np.asarray(proba) >= self.thresholds[None, :]

    def predict(self, paragraphs: Sequence[Any]) -> list[list[str]]:
        """The labels of each paragraph (an empty list = a general paragraph)."""
        decided = self.decide(self.predict_proba(paragraphs))
        return [[lab for lab, on in zip(self.labels, row, strict=True) if on] for row in decided]

    # --- explanation --------------------------------------------------------------------------

    def explain(self, text: str, *, context: str = "", top: int = 8
                ) -> dict[str, list[tuple[str, float]]]:
        """The terms that pushed each predicted label up, with their weight (TF-IDF value
        times coefficient). Terms of the syllable and context blocks are prefixed
        ``syllables:`` and ``context:``; the paragraph's words are bare.

        Labels that are not predicted are left out; a general paragraph gives ``{}``.
        """
        labels = self.predict([(text, context)])[0]
        if self.portable is not None:
            return self.portable.explain(text, context, labels, top)
        fitted = self.model.estimator_
        features = fitted.named_steps["features"]
        ovr = fitted.named_steps["clf"]
        tokens = self.model.preprocessor_.transform([(text, context)])
        row = features.transform(tokens).tocsr()
        names = [_display_name(name) for name in features.get_feature_names_out()]
        out: dict[str, list[tuple[str, float]]] = {}
        for label in labels:
            coef = _coefficients(ovr.estimators_[self.labels.index(label)])
            if coef is None:
                out[label] = []
                continue
            contrib = row.data * coef[row.indices]
            order = np.argsort(-contrib)[:top]
            out[label] = [(names[row.indices[i]], round(float(contrib[i]), 4))
                          for i in order if contrib[i] > 0]
        return out

    # --- reports ------------------------------------------------------------------------------

    def tag_report(self, path: str | Path) -> tuple[list[TaggedParagraph], ReportSummary]:
        """Read, segment and tag one report file, as ``tgclassify tag`` does: its tagged
        paragraphs (headings and body; chrome dropped) and its summary. Raises
        :class:`~tgclassify.errors.ReportReadError` when the file cannot be read."""
        from .results import TaggedParagraph  # noqa: PLC0415 - loading a model needs neither
        from .tagging import tag_reports  # noqa: PLC0415

        paragraphs: list[TaggedParagraph] = []
        for item in tag_reports(self, [str(path)]):
            if isinstance(item, TaggedParagraph):
                paragraphs.append(item)
            else:
                item.raise_for_error()
                return paragraphs, item
        raise AssertionError("tag_reports ends every report with its summary")

    def __repr__(self) -> str:
        name = self.card.get("name", "unsaved")
        return f"Classifier(name={name!r}, labels={len(self.labels)}, source={self.source!r})"


def _display_name(feature: str) -> str:
    """``text__x`` -> ``x``; ``context__x`` -> ``context:x`` (FeatureUnion's block prefix)."""
    block, _, term = feature.partition("__")
    return term if block == "text" else f"{block}:{term}"


def _coefficients(estimator: Any) -> np.ndarray | None:
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_).ravel()
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:  # average the folds' linear models of a calibrated SVM
        coefs = [np.asarray(c.estimator.coef_).ravel() for c in calibrated]
        return np.asarray(np.mean(coefs, axis=0))
    return None
