"""What tagging produces: a :class:`TaggedParagraph` per paragraph and a :class:`ReportSummary`
per report. The Python API, every output format (jsonl, csv, md, html) and the tests use these
two types; ``to_dict`` gives their JSON form (the jsonl records), ``to_row`` their row of the
paragraph and summary CSV files (columns :data:`PARAGRAPH_COLUMNS` and
:data:`SUMMARY_COLUMNS`, the columns of the ``to_pandas`` frames too).

**Scores, thresholds and margins.** ``scores[label]`` is the model's probability that the
paragraph belongs to that domain (0 to 1, one per label, independent: they need not sum to 1).
A label is given when its score reaches the label's own threshold (``Classifier.thresholds``,
tuned on out-of-fold predictions to the best F1 of that label, so they differ from 0.5 and from
one another). ``margin`` is the distance of the paragraph's least certain decision from its
threshold, in units of the room on that side of the threshold: 0 means a score right at a
threshold, 1 means every score is at 0 or 1. Paragraphs with a margin under
``constants.UNSURE_MARGIN`` are the ones listed under "check these"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import constants as C
from .errors import ReportReadError

__all__ = ["PARAGRAPH_COLUMNS", "SUMMARY_COLUMNS", "ReportSummary", "TaggedParagraph",
           "TaggedReports", "label_name"]

#: Columns of the paragraph CSV and of ``TaggedReports.paragraphs_frame()``: one score column
#: per label, named by its code.
PARAGRAPH_COLUMNS: tuple[str, ...] = ("source", "index", "kind", "heading", "text", "labels",
                                      "margin", *C.LABELS, "alternatives")

#: Columns of the summary CSV and of ``TaggedReports.reports_frame()``: per label the body
#: paragraphs tagged with it and their share of the body text.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "source", "status", "paragraphs", "headings", "noise_dropped", "chars", "general",
    "covered", "absent", *(f"{lab}_paragraphs" for lab in C.LABELS),
    *(f"{lab}_share" for lab in C.LABELS), "warnings", "error")


def label_name(label: str) -> str:
    """The Vietnamese name of a label code, without its parenthesised abbreviation."""
    return C.LABEL_NAMES[label].split(" (")[0]


@dataclass
class TaggedParagraph:
    """One tagged paragraph of a report.

    ``index`` is its line position in the report (page chrome counted, so indices may skip);
    ``kind`` is ``"heading"`` or ``"body"``; ``heading`` the nearest heading above it (None
    before the first heading; a heading's own ``heading`` is the one above it), whose text
    with the headings further up is the paragraph's section context for the model;
    ``labels`` the labels whose score reaches their threshold (empty: a general paragraph);
    ``scores`` every label's probability, keyed by label code; ``alternatives`` the best
    labels under their threshold, with scores; ``margin`` the distance of its least certain
    decision to a threshold (see the module docstring; small: worth a second look).
    """

    source: str
    index: int
    kind: str
    heading: str | None
    text: str
    labels: list[str]
    scores: dict[str, float]
    alternatives: list[tuple[str, float]]
    margin: float

    def to_dict(self) -> dict[str, Any]:
        return {"type": "paragraph", "source": self.source, "index": self.index,
                "kind": self.kind, "heading": self.heading, "text": self.text,
                "labels": self.labels, "scores": self.scores,
                "alternatives": [{"label": lab, "score": s} for lab, s in self.alternatives]}

    def to_row(self) -> dict[str, Any]:
        """Its row of the paragraph CSV (lists joined by ``;``), keyed by
        :data:`PARAGRAPH_COLUMNS`."""
        return {"source": self.source, "index": self.index, "kind": self.kind,
                "heading": self.heading or "", "text": self.text,
                "labels": ";".join(self.labels), "margin": self.margin,
                **{lab: self.scores[lab] for lab in C.LABELS},
                "alternatives": ";".join(f"{lab}:{s}" for lab, s in self.alternatives)}


@dataclass
class ReportSummary:
    """Coverage of one report, or why it could not be read (``error``).

    Coverage counts **body** paragraphs only: headings are tagged (they carry their section's
    label, and give the paragraphs below their context) but are not paragraphs of a domain.
    ``paragraphs`` and ``chars`` are the body paragraphs and their characters; per label,
    ``coverage[label]`` holds ``paragraphs`` and ``share`` (of the body text); ``general`` is
    the body paragraphs with no label; ``unsure`` the body paragraphs nearest a threshold
    (margin under ``constants.UNSURE_MARGIN``, at most ``constants.UNSURE_PER_REPORT``).

    ``share`` counts a paragraph's whole text for each of its labels, so the shares of a
    report can add up to more than 1. ``composition`` splits a paragraph with several labels
    equally between them, and with ``general_share`` (general paragraphs) adds up to 1: the
    parts of the report's coverage bar.
    """

    source: str
    paragraphs: int = 0
    headings: int = 0
    noise: int = 0
    chars: int = 0
    coverage: dict[str, dict[str, float]] = field(default_factory=dict)
    general: int = 0
    unsure: list[TaggedParagraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    composition: dict[str, float] = field(default_factory=dict)
    general_share: float = 0.0

    @property
    def covered(self) -> list[str]:
        """Labels of at least one body paragraph, in label order."""
        return [lab for lab in C.LABELS if self.coverage.get(lab, {}).get("paragraphs", 0)]

    @property
    def absent(self) -> list[str]:
        """Labels of no body paragraph: the domains the report leaves out."""
        covered = set(self.covered)
        return [lab for lab in C.LABELS if lab not in covered]

    def raise_for_error(self) -> None:
        """Raise :class:`~tgclassify.errors.ReportReadError` if the report could not be read."""
        if self.error is not None:
            raise ReportReadError(self.source, self.error)

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"type": "error", "source": self.source, "error": self.error}
        return {"type": "report", "source": self.source, "paragraphs": self.paragraphs,
                "headings": self.headings, "noise_dropped": self.noise, "chars": self.chars,
                "general": self.general, "coverage": self.coverage, "covered": self.covered,
                "absent": self.absent, "composition": self.composition,
                "general_share": self.general_share,
                "unsure": [{"index": u.index, "text": u.text[:240], "labels": u.labels,
                            "alternatives": [lab for lab, _ in u.alternatives[:2]],
                            "margin": u.margin} for u in self.unsure],
                "warnings": self.warnings}

    def to_row(self) -> dict[str, Any]:
        """Its row of the summary CSV (lists joined by ``;``), keyed by :data:`SUMMARY_COLUMNS`;
        a file that could not be read has ``status`` "error" and the reason in ``error``."""
        row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS, "")
        row["source"] = self.source
        if self.error is not None:
            row.update(status="error", error=self.error)
            return row
        row.update(status="ok", paragraphs=self.paragraphs, headings=self.headings,
                   noise_dropped=self.noise, chars=self.chars, general=self.general,
                   covered=";".join(self.covered), absent=";".join(self.absent),
                   warnings="; ".join(self.warnings))
        for lab in C.LABELS:
            cov = self.coverage.get(lab, {})
            row[f"{lab}_paragraphs"] = int(cov.get("paragraphs", 0))
            row[f"{lab}_share"] = cov.get("share", 0.0)
        return row


@dataclass
class TaggedReports:
    """Everything tagging gave for a set of files: ``paragraphs`` (every report's, in input
    order) and ``reports`` (one summary per file, failed files included with ``error`` set).

    ``to_pandas()`` gives the two as DataFrames (pandas is an optional dependency:
    ``pip install 'tgclassify[pandas]'``).
    """

    paragraphs: list[TaggedParagraph] = field(default_factory=list)
    reports: list[ReportSummary] = field(default_factory=list)

    @classmethod
    def collect(cls, items: Iterable[TaggedParagraph | ReportSummary]) -> TaggedReports:
        """Gather the stream of :func:`tgclassify.tag_reports`."""
        out = cls()
        for item in items:
            if isinstance(item, ReportSummary):
                out.reports.append(item)
            else:
                out.paragraphs.append(item)
        return out

    @property
    def failed(self) -> list[ReportSummary]:
        """The summaries of the files that could not be read."""
        return [r for r in self.reports if r.error is not None]

    def paragraphs_of(self, source: str) -> list[TaggedParagraph]:
        """The tagged paragraphs of one report, by its source name."""
        return [p for p in self.paragraphs if p.source == source]

    def paragraphs_frame(self) -> Any:
        """A DataFrame of the paragraphs: :data:`PARAGRAPH_COLUMNS`, one score column per
        label, ``labels`` and ``alternatives`` as lists, ``heading`` None where absent."""
        pd = _pandas()
        rows = []
        for p in self.paragraphs:
            row = p.to_row()
            row.update(heading=p.heading, labels=list(p.labels),
                       alternatives=[lab for lab, _ in p.alternatives])
            rows.append(row)
        return pd.DataFrame(rows, columns=list(PARAGRAPH_COLUMNS))

    def reports_frame(self) -> Any:
        """A DataFrame of the summaries: :data:`SUMMARY_COLUMNS`, ``covered``/``absent`` as
        lists, counts as numbers (missing, i.e. NaN, for files that failed)."""
        pd = _pandas()
        rows = []
        for r in self.reports:
            row = r.to_row()
            if r.error is None:
                row.update(covered=r.covered, absent=r.absent, warnings=list(r.warnings),
                           error=None)
            else:
                row.update({k: None for k in SUMMARY_COLUMNS
                            if k not in ("source", "status", "error")})
            rows.append(row)
        return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

    def to_pandas(self) -> tuple[Any, Any]:
        """``(paragraphs_frame(), reports_frame())``."""
        return self.paragraphs_frame(), self.reports_frame()


def _pandas() -> Any:
    try:
        import pandas  # noqa: PLC0415
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install 'tgclassify[pandas]'") from None
    return pandas
