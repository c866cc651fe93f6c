"""Tagging for analysts: a folder (or files) in, every result collected, DataFrames out.

>>> from tgclassify import tag_folder
>>> results = tag_folder("examples/")                        # doctest: +SKIP
>>> paragraphs, reports = results.to_pandas()                # doctest: +SKIP

:func:`tag_folder` is :func:`tgclassify.tag_reports` gathered into a
:class:`~tgclassify.results.TaggedReports`, with the model loaded for you and a progress
callback that knows the number of files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from .results import TaggedReports
from .tagging import Tagger, expand_inputs, tag_reports

__all__ = ["Progress", "tag_folder"]


class Progress(NamedTuple):
    """Where a :func:`tag_folder` run is: ``files_done`` of ``files_total`` files finished,
    ``source`` the file being tagged (or just finished), ``paragraphs`` tagged so far in it."""

    files_done: int
    files_total: int
    source: str
    paragraphs: int


def tag_folder(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
               model: Tagger | str | Path | None = None, recursive: bool = True,
               n_jobs: int = 1, on_progress: Callable[[Progress], None] | None = None
               ) -> TaggedReports:
    """Tag a folder, a file, or several of either, and return every paragraph and summary.

    ``model`` is a :class:`~tgclassify.Classifier`, a model folder, or None for the shipped
    model; folders are searched with their subfolders unless ``recursive=False``. Files that
    cannot be read are in ``reports`` with ``error`` set (see ``TaggedReports.failed``); they
    do not stop the run. ``on_progress`` receives a :class:`Progress` after every batch of
    paragraphs and every finished file.
    """
    from .model import Classifier  # noqa: PLC0415  (scikit-learn loads on first use)

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    sources = list(expand_inputs([os.fspath(p) for p in paths], recursive=recursive))
    clf = model if model is not None and not isinstance(model, (str, Path)) \
        else Classifier.load(model)
    total = len(sources)
    last = {"count": 0}

    def progress(files_done: int, source: str, paragraphs: int) -> None:
        # tag_reports passes -1 when a file is finished: report its last count instead
        if paragraphs >= 0:
            last["count"] = paragraphs
        if on_progress is not None:
            on_progress(Progress(files_done, total, source, last["count"]))
        if paragraphs < 0:
            last["count"] = 0

    return TaggedReports.collect(tag_reports(clf, sources, n_jobs=n_jobs,
                                             on_progress=progress))
