"""What tagging produces: a :class:`TaggedParagraph` per paragraph and a :class:`ReportSummary`
per report. The Python API, every output format (jsonl, csv, md, html) and the tests use these
two types; ``to_dict`` gives their JSON form (the jsonl records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import constants as C
from .errors import ReportReadError

__all__ = ["ReportSummary", "TaggedParagraph"]


@dataclass
class TaggedParagraph:
    """One tagged paragraph of a report.

    ``kind`` is ``"heading"`` or ``"body"``; ``heading`` the nearest heading above it;
    ``labels`` the labels over their threshold (empty: a general paragraph); ``scores`` every
    label's probability; ``alternatives`` the best labels under their threshold;
    ``margin`` the distance of its least certain decision to the threshold, in units of the
    threshold (small: worth a second look).
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


@dataclass
class ReportSummary:
    """Coverage of one report, or why it could not be read (``error``).

    Coverage counts **body** paragraphs only: headings are tagged (they carry their section's
    label, and give the paragraphs below their context) but are not paragraphs of a domain.
    ``paragraphs`` and ``chars`` are the body paragraphs and their characters; per label,
    ``coverage[label]`` holds ``paragraphs`` and ``share`` (of the body text); ``general`` is
    the body paragraphs with no label; ``unsure`` the body paragraphs closest to a threshold.
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
                "absent": self.absent,
                "unsure": [{"index": u.index, "text": u.text[:240], "labels": u.labels,
                            "alternatives": [lab for lab, _ in u.alternatives[:2]],
                            "margin": u.margin} for u in self.unsure],
                "warnings": self.warnings}
