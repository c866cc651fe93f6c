"""Choosing the paragraphs worth labeling next (``tgclassify suggest``), and the round trip
through an annotation tool (Label Studio).

:func:`choose` ranks paragraphs by how close their least certain label is to its threshold
(the margin of :class:`~tgclassify.results.TaggedParagraph`), then takes them in turn from
each label's queue (a paragraph queues under the label it is least sure about), at most a
share of them from any one report, dropping near duplicates of those already taken and
paragraphs too short to be worth a labeler's time.

Label Studio: :func:`label_studio_tasks` writes its JSON import format (one task per
paragraph, ``data`` holding the text, heading and source, the model's labels as a
``predictions`` entry of a multiple-choice ``Choices`` tag); :data:`LABEL_STUDIO_CONFIG` is the
labeling interface to paste into the project; :func:`from_label_studio` reads Label Studio's
JSON export back into corpus records (the latest submitted annotation of each task).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import constants as C
from .errors import DataFormatError

__all__ = ["LABEL_STUDIO_CONFIG", "choose", "from_label_studio", "label_studio_tasks",
           "margins"]

#: The name of the choices tag and the text tag in the labeling interface.
FROM_NAME, TO_NAME = "labels", "text"

LABEL_STUDIO_CONFIG = "\n".join([
    "<View>",
    '  <Header value="$heading"/>',
    f'  <Text name="{TO_NAME}" value="$text"/>',
    f'  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="multiple" showInline="false">',
    *[f'    <Choice value="{lab}" hint="{C.LABEL_NAMES[lab]}"/>' for lab in C.LABELS],
    "  </Choices>",
    "</View>",
    "",
])


def margins(P: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paragraph, the distance of its least certain decision to the threshold, in units of
    the threshold (as tagging's ``margin``), and the label of that decision."""
    P = np.asarray(P, dtype=float)
    t = np.asarray(thresholds, dtype=float)[None, :]
    rel = np.abs(P - t) / np.where(t <= P, 1 - t, t)
    return rel.min(1), rel.argmin(1)


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < 3:
        return {tuple(words)}
    return {tuple(words[i: i + 3]) for i in range(len(words) - 2)}


def choose(P: np.ndarray, thresholds: np.ndarray, texts: Sequence[str], reports: Sequence[str],
           n: int, *, exclude: Iterable[str] = ()) -> list[int]:
    """Indices of up to ``n`` paragraphs to label, in the order taken (most useful first).

    ``P``: each paragraph's label probabilities; ``reports``: the report of each (for the
    spread); ``exclude``: texts labeled already (never suggested again).
    """
    if n <= 0 or len(texts) == 0:
        return []
    margin, focus = margins(P, thresholds)
    seen = {" ".join(t.split()) for t in exclude}
    queues: list[list[int]] = [[] for _ in range(np.shape(P)[1])]
    for i in np.argsort(margin, kind="stable"):
        key = " ".join(texts[i].split())
        if len(key) < C.SUGGEST_MIN_CHARS or key in seen:
            continue
        seen.add(key)
        queues[int(focus[i])].append(int(i))
    n_reports = len(set(reports))
    cap = max(1, math.ceil(C.SUGGEST_MAX_REPORT_SHARE * n), math.ceil(n / max(n_reports, 1)))
    per_report: Counter[str] = Counter()
    chosen: list[int] = []
    shingles: list[set[tuple[str, ...]]] = []
    heads = [0] * len(queues)
    # labels take turns, the one with the least certain paragraph first
    order = sorted(range(len(queues)), key=lambda j: margin[queues[j][0]] if queues[j] else 9e9)
    while len(chosen) < n and any(heads[j] < len(queues[j]) for j in order):
        for j in order:
            while heads[j] < len(queues[j]):
                i = queues[j][heads[j]]
                heads[j] += 1
                if per_report[reports[i]] >= cap:
                    continue
                sh = _trigrams(texts[i])
                if any(len(sh & other) / max(len(sh | other), 1) >= C.SUGGEST_NEAR_DUPLICATE
                       for other in shingles):
                    continue
                chosen.append(i)
                shingles.append(sh)
                per_report[reports[i]] += 1
                break
            if len(chosen) >= n:
                break
    return chosen


def label_studio_tasks(records: Sequence[dict[str, Any]], *, model_version: str = "tgclassify"
                       ) -> list[dict[str, Any]]:
    """Label Studio import tasks for suggested records (``id``, ``text``, ``heading``,
    ``source``, ``labels`` as predicted, ``margin``): the labels come pre-selected."""
    tasks = []
    for r in records:
        data = {"text": r["text"], "heading": r.get("heading") or "", "source": r.get("source", ""),
                "paragraph_id": r["id"], "doc_id": r.get("doc_id", "")}
        result = [{"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices",
                   "value": {"choices": list(r["labels"])}}] if r["labels"] else []
        tasks.append({"data": data, "predictions": [
            {"model_version": model_version, "score": float(r.get("margin", 0.0)),
             "result": result}]})
    return tasks


def from_label_studio(export: Any) -> tuple[list[dict[str, Any]], int]:
    """Corpus records (``id``, ``doc_id``, ``text``, ``heading``, ``source``, ``labels``) from a
    Label Studio JSON export of tasks made by :func:`label_studio_tasks`, and the number of
    tasks skipped for having no submitted annotation. Unknown choices raise
    :class:`DataFormatError`."""
    if not isinstance(export, list):
        raise DataFormatError("a Label Studio JSON export is a list of tasks")
    records, skipped = [], 0
    for k, task in enumerate(export):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise DataFormatError(f"task {k}: not a Label Studio task (no 'data')")
        data = task["data"]
        done = [a for a in task.get("annotations") or []
                if isinstance(a, dict) and not a.get("was_cancelled")]
        if not done:
            skipped += 1
            continue
        latest = max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""),
                                          done.index(a)))
        labels: list[str] = []
        for item in latest.get("result") or []:
            if item.get("from_name") == FROM_NAME and item.get("type") == "choices":
                labels += item.get("value", {}).get("choices", [])
        unknown = sorted(set(labels) - set(C.LABELS))
        if unknown:
            raise DataFormatError(f"task {task.get('id', k)}: unknown label(s) {unknown}")
        if not isinstance(data.get("text"), str):
            raise DataFormatError(f"task {task.get('id', k)}: 'text' missing in its data")
        rec = {"id": str(data.get("paragraph_id") or f"ls{task.get('id', k)}"),
               "doc_id": str(data.get("doc_id") or data.get("source") or f"ls{task.get('id', k)}"),
               "text": data["text"], "labels": [lab for lab in C.LABELS if lab in labels]}
        if data.get("heading"):
            rec["heading"] = str(data["heading"])
        if data.get("source"):
            rec["source"] = str(data["source"])
        records.append(rec)
    return records, skipped
