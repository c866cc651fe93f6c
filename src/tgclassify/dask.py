"""Paragraphs already in a dataframe: label columns from :meth:`Classifier.predict_proba
<tgclassify.Classifier.predict_proba>`, partition by partition.

:func:`label_frame` works on one ``pandas.DataFrame``; :func:`tag_dataframe` maps it over the
partitions of a ``dask.dataframe.DataFrame`` (``map_partitions``), with the classifier as one
node of the graph, so a cluster ships it to each worker once. Both add one boolean column per
label (named by the label code, in :attr:`Classifier.labels` order) and, with ``scores=True``,
one ``score_<label>`` column of probabilities; a row with no label is a general paragraph.

>>> import pandas as pd                                          # doctest: +SKIP
>>> import dask.dataframe as dd                                  # doctest: +SKIP
>>> from tgclassify import Classifier                            # doctest: +SKIP
>>> from tgclassify.dask import tag_dataframe                    # doctest: +SKIP
>>> df = dd.read_parquet("paragraphs/")   # columns "text" and "heading"   # doctest: +SKIP
>>> tagged = tag_dataframe(df, Classifier.load(), text="text", context="heading")  # doctest: +SKIP
>>> tagged[tagged.bcd_35].text.head()                            # doctest: +SKIP

Needs the ``dask`` extra (``pip install 'tgclassify[dask]'``); importing this module imports
pandas, and :func:`tag_dataframe` imports dask.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import numpy as np

from . import constants as C
from .errors import TgclassifyError

__all__ = ["label_frame", "tag_dataframe"]

SCORE_PREFIX = "score_"


def _import(name: str) -> Any:
    try:
        return import_module(name)
    except ImportError as exc:
        raise TgclassifyError(f"tgclassify.dask needs {name}; install the dask extra: "
                              "pip install 'tgclassify[dask]'") from exc


def label_frame(frame: Any, clf: Any, *, text: str = "text", context: str | None = None,
                scores: bool = False, keep: bool = True) -> Any:
    """``frame`` (a ``pandas.DataFrame``) with a boolean column per label (and ``score_<label>``
    columns with ``scores``); only the new columns, on the same index, with ``keep=False``.

    ``text`` names the paragraph column; ``context``, if given, the column of the section
    headings above each paragraph (the model's context). Missing values are empty strings.
    Rows are scored alone, as :meth:`~tgclassify.Classifier.predict_proba` does: a row holds no
    report order, so a heading's scores do not take in the paragraphs after it, as they do when
    a report is tagged.
    """
    pd = _import("pandas")
    labels = tuple(clf.labels)
    texts = frame[text].fillna("").astype(str).tolist()
    if context is not None:
        contexts = frame[context].fillna("").astype(str).tolist()
        batch: list[Any] = list(zip(texts, contexts, strict=True))
    else:
        batch = texts
    proba = np.zeros((0, len(labels)))
    if batch:
        proba = np.vstack([clf.predict_proba(batch[i:i + C.PREDICT_BATCH])
                           for i in range(0, len(batch), C.PREDICT_BATCH)])
    on = proba >= np.asarray(clf.thresholds)[None, :]
    columns: dict[str, Any] = {lab: on[:, j] for j, lab in enumerate(labels)}
    if scores:
        columns.update({SCORE_PREFIX + lab: proba[:, j].astype("float64")
                        for j, lab in enumerate(labels)})
    new = pd.DataFrame(columns, index=frame.index)
    if not keep:
        return new
    clash = [c for c in new.columns if c in frame.columns]
    if clash:
        raise TgclassifyError(f"the dataframe already has columns named {clash}")
    return pd.concat([frame, new], axis=1)


def tag_dataframe(df: Any, clf: Any, *, text: str = "text", context: str | None = None,
                  scores: bool = False, keep: bool = True) -> Any:
    """A lazy ``dask.dataframe.DataFrame``: :func:`label_frame` on every partition of ``df``.

    The classifier becomes one delayed object of the graph: computed on a cluster, it travels
    to each worker once, not with every partition.
    """
    dask = _import("dask")
    meta = label_frame(df._meta, _Empty(clf), text=text, context=context, scores=scores,
                       keep=keep)
    model = dask.delayed(clf, pure=False)
    return df.map_partitions(_label_partition, model, text=text, context=context,
                             scores=scores, keep=keep, meta=meta)


def _label_partition(frame: Any, clf: Any, **options: Any) -> Any:
    return label_frame(frame, clf, **options)


class _Empty:
    """The labels and thresholds of a classifier, for the empty frame dask takes as ``meta``."""

    def __init__(self, clf: Any) -> None:
        self.labels = tuple(clf.labels)
        self.thresholds = np.asarray(clf.thresholds)

    def predict_proba(self, paragraphs: Any) -> np.ndarray:
        raise AssertionError("meta frames have no rows")
