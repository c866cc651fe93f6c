"""The labeled corpus, in four parts: :mod:`~.load` (the format, :class:`Corpus`,
:func:`load_corpus`), :mod:`~.check` (validation, ``tgclassify data check``), :mod:`~.stats`
(counts and the generated README) and :mod:`~.agreement` (blind relabeling and the label
audit)."""

from __future__ import annotations

from .agreement import audit_summary, label_agreement, majority_labels, read_relabels, relabel_sample
from .check import CheckResult, check_corpus, near_duplicates
from .combine import Source, combine_corpora, load_sources, parse_source, shipped_corpus_path
from .load import Corpus, load_corpus
from .stats import corpus_stats, render_data_readme

__all__ = ["CheckResult", "Corpus", "Source", "audit_summary", "check_corpus", "combine_corpora",
           "corpus_stats", "label_agreement", "load_corpus", "load_sources", "majority_labels",
           "near_duplicates", "parse_source",
           "read_relabels", "relabel_sample", "render_data_readme", "shipped_corpus_path"]
