"""A heading's scores take in the body paragraphs of its section.

A heading is a few words ("II. NHIỆM VỤ TRỌNG TÂM", "Kết quả thực hiện"), and by the labeling
guidelines it takes the domain of what it heads. Scored alone it is the weakest paragraph kind:
out of fold, headings scored 0.881 micro-F1 against 0.917 for body paragraphs (on the corpus
before its label audit; 0.933 against 0.921 with the blend after it). So a heading's
probabilities are blended with the mean probabilities of the body paragraphs that follow it,
up to the next heading, at most :data:`~tgclassify.constants.HEADING_WINDOW` of them, never
across reports::

    p(heading) <- (1 - weight) * p(heading) + weight * mean(p(body) for its first bodies)

A heading followed at once by another heading (a chapter above its first section) keeps its own
scores. The window is bounded so that streaming tagging only needs to look a few paragraphs
ahead. Training tunes the thresholds on blended out-of-fold probabilities, so the same
thresholds apply to headings and body paragraphs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["blend_headings"]


def blend_headings(proba: np.ndarray, kinds: Sequence[str], groups: Sequence[object] | None = None,
                   *, weight: float, window: int) -> np.ndarray:
    """``proba`` (rows in report order) with each ``"heading"`` row blended with the body rows
    after it; ``groups`` (the report of each row) keeps a window inside its report. Returns a
    new array; ``proba`` is not changed. ``weight`` 0 returns a copy."""
    P = np.array(proba, dtype=float, copy=True)
    n = len(P)
    if len(kinds) != n or (groups is not None and len(groups) != n):
        raise ValueError(f"{n} rows of probabilities but {len(kinds)} kinds"
                         + ("" if groups is None else f" and {len(groups)} groups"))
    if weight <= 0 or window <= 0 or n == 0:
        return P
    src = np.asarray(proba, dtype=float)
    for i in range(n):
        if kinds[i] != "heading":
            continue
        end = i + 1
        while (end < n and end - i <= window and kinds[end] == "body"
               and (groups is None or groups[end] == groups[i])):
            end += 1
        if end > i + 1:
            P[i] = (1.0 - weight) * src[i] + weight * src[i + 1:end].mean(axis=0)
    return P
