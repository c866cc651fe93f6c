"""Likely label errors in a corpus (``tgclassify data issues``), found by cleanlab's multi-label
label-issue finder on grouped out-of-fold probabilities.

Each paragraph's probabilities come from a model that never saw its report (grouped folds,
the model's own pipeline without threshold tuning), cleanlab's confident learning
(:func:`cleanlab.multilabel_classification.filter.find_label_issues`) flags the paragraphs
whose given labels disagree with what the rest of the corpus implies, ranked by cleanlab's
label quality score (lowest first). Each candidate says which labels look added or missing,
judged by per-label thresholds tuned on the same out-of-fold probabilities.

cleanlab is an optional dependency (``pip install 'tgclassify[issues]'``): it brings pandas.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from .. import constants as C
from ..errors import TgclassifyError
from .load import Corpus

__all__ = ["label_issues"]


def _cleanlab() -> tuple[Any, Any]:
    try:
        flt = importlib.import_module("cleanlab.multilabel_classification.filter")
        rank = importlib.import_module("cleanlab.multilabel_classification.rank")
    except ImportError:
        raise TgclassifyError("data issues needs cleanlab: pip install 'tgclassify[issues]' "
                              "(or pip install cleanlab)") from None
    return flt.find_label_issues, rank.get_label_quality_scores


def label_issues(corpus: Corpus, config: Any = None, *, seed: int = C.RANDOM_SEED,
                 progress: Any = None) -> list[dict[str, Any]]:
    """The paragraphs cleanlab flags, most likely wrong first: ``id``, ``doc_id``, ``text``,
    ``labels`` (given), ``model`` (the out-of-fold labels), ``added`` (given labels the model
    doubts) and ``missing`` (labels the model expects), each with its probability, and
    ``quality`` (cleanlab's label quality score, 0-1, low = suspect)."""
    from ..estimator import tune_thresholds  # noqa: PLC0415
    from ..evaluate import adapt_config, plan_folds, tokenize  # noqa: PLC0415
    from ..model import ModelConfig, build_estimator  # noqa: PLC0415

    find_label_issues, get_label_quality_scores = _cleanlab()
    say = progress or (lambda message: None)
    plan = plan_folds(corpus.groups)
    config, _ = adapt_config(corpus, config or ModelConfig())
    estimator = build_estimator(config, seed=seed)
    Xt = tokenize(estimator, corpus.pairs(), say)
    Y = corpus.label_matrix()
    P = np.zeros(Y.shape, dtype=float)
    splits = GroupKFold(n_splits=plan.n_folds).split(Xt, groups=plan.groups)
    for k, (train, test) in enumerate(splits, 1):
        say(f"out-of-fold probabilities, fold {k}/{plan.n_folds}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a label absent from a small fold
            model = clone(estimator.estimator).fit(Xt[train], Y[train])
        P[test] = model.predict_proba(Xt[test])
    say("cleanlab: finding label issues")
    given = [[int(j) for j in np.flatnonzero(row)] for row in Y]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ranked = find_label_issues(labels=given, pred_probs=P,
                                   return_indices_ranked_by="self_confidence")
        quality = get_label_quality_scores(given, P)
    thresholds = tune_thresholds(P, Y)
    out = []
    for i in ranked:
        row, probs = Y[i].astype(bool), P[i]
        predicted = probs >= thresholds
        rec = corpus.records[int(i)]
        out.append({
            "id": str(rec["id"]), "doc_id": str(rec["doc_id"]), "kind": rec.get("kind", "body"),
            "text": rec["text"],
            "labels": list(rec["labels"]),
            "model": [lab for lab, on in zip(C.LABELS, predicted, strict=True) if on],
            "added": {C.LABELS[j]: round(float(probs[j]), 3)
                      for j in np.flatnonzero(row & ~predicted)},
            "missing": {C.LABELS[j]: round(float(probs[j]), 3)
                        for j in np.flatnonzero(~row & predicted)},
            "quality": round(float(quality[i]), 4),
        })
    out.sort(key=lambda r: r["quality"])
    return out
