"""Output formats of ``tgclassify tag``: jsonl and csv stream for machines; md and html are
readable reports for people (coverage table per report, a table across reports, and in html a
coverage bar chart as inline SVG and paragraphs coloured by domain)."""

from __future__ import annotations

import csv
import html
import json
from typing import IO

from . import constants as C
from .results import ReportSummary, TaggedParagraph

__all__ = ["FORMATS", "make_renderer"]

FORMATS = ("jsonl", "csv", "md", "html")

# One colour per domain, distinguishable and readable as a light background.
COLOURS = {
    "tuyen_truyen": "#e6194b", "bao_chi_xuat_ban": "#f58231", "thong_tin_doi_ngoai": "#4363d8",
    "du_luan_xa_hoi": "#911eb4", "ly_luan_chinh_tri": "#800000", "khoa_giao": "#3cb44b",
    "van_hoa_van_nghe": "#f032e6", "bcd_35": "#000075", "hoc_tap_lam_theo_bac": "#9a6324",
    "xay_dung_nganh": "#469990",
}


class Renderer:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def paragraph(self, tp: TaggedParagraph) -> None:
        raise NotImplementedError

    def report(self, summary: ReportSummary) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Write whatever must come at the end."""


class JsonlRenderer(Renderer):
    def paragraph(self, tp: TaggedParagraph) -> None:
        self.out.write(json.dumps(tp.to_dict(), ensure_ascii=False) + "\n")

    def report(self, summary: ReportSummary) -> None:
        self.out.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")


class CsvRenderer(Renderer):
    """One row per paragraph (``kind`` heading/body), per report summary (``kind`` report,
    label columns = share of the text) and per failed file (``kind`` error)."""

    COLUMNS = ("source", "index", "kind", "heading", "text", "labels", *C.LABELS,
               "alternatives", "error")

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.writer = csv.writer(out)
        self.writer.writerow(self.COLUMNS)

    def paragraph(self, tp: TaggedParagraph) -> None:
        self.writer.writerow([tp.source, tp.index, tp.kind, tp.heading or "", tp.text,
                              ";".join(tp.labels), *(tp.scores[lab] for lab in C.LABELS),
                              ";".join(f"{lab}:{s}" for lab, s in tp.alternatives), ""])

    def report(self, summary: ReportSummary) -> None:
        if summary.error is not None:
            self.writer.writerow([summary.source, "", "error", "", "", "",
                                  *([""] * len(C.LABELS)), "", summary.error])
            return
        self.writer.writerow([summary.source, "", "report", "", f"{summary.paragraphs} body paragraphs",
                              ";".join(summary.covered),
                              *(summary.coverage[lab]["share"] for lab in C.LABELS), "",
                              "; ".join(summary.warnings)])


class _DocumentRenderer(Renderer):
    """Collects everything, writes on close (people read a whole document, not a stream)."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.current: list[TaggedParagraph] = []
        self.reports: list[tuple[ReportSummary, list[TaggedParagraph]]] = []

    def paragraph(self, tp: TaggedParagraph) -> None:
        self.current.append(tp)

    def report(self, summary: ReportSummary) -> None:
        self.reports.append((summary, self.current))
        self.current = []

    def counts(self) -> tuple[int, int]:
        failed = sum(s.error is not None for s, _ in self.reports)
        return len(self.reports) - failed, failed


def _short(label: str) -> str:
    return C.LABEL_NAMES[label].split(" (")[0]


class MarkdownRenderer(_DocumentRenderer):
    def close(self) -> None:
        w = self.out.write
        ok, failed = self.counts()
        w("# Phân loại đoạn văn báo cáo tuyên giáo\n\n")
        w(f"{ok} report(s) tagged, {failed} failed.\n\n")
        good = [(s, p) for s, p in self.reports if s.error is None]
        if good:
            w("## Coverage across reports (share of each report's text)\n\n")
            w("| report | " + " | ".join(f"`{lab}`" for lab in C.LABELS) + " |\n")
            w("|---|" + "---:|" * len(C.LABELS) + "\n")
            for s, _ in good:
                cells = [f"{s.coverage[lab]['share']:.0%}" if s.coverage[lab]["paragraphs"]
                         else "–" for lab in C.LABELS]
                w(f"| {_md(s.source)} | " + " | ".join(cells) + " |\n")
            w("\n")
        for s, paragraphs in self.reports:
            w(f"## {_md(s.source)}\n\n")
            if s.error is not None:
                w(f"**Error:** {_md(s.error)}\n\n")
                continue
            for note in s.warnings:
                w(f"> Warning: {_md(note)}\n\n")
            w(f"{s.paragraphs} body paragraphs and {s.headings} headings tagged, {s.noise} lines "
              f"of page chrome dropped, "
              f"{s.general} general paragraphs.\n\n")
            w("| domain | paragraphs | share of text |\n|---|---:|---:|\n")
            for lab in C.LABELS:
                d = s.coverage[lab]
                w(f"| {_short(lab)} (`{lab}`) | {d['paragraphs']} | {d['share']:.0%} |\n")
            w(f"\n**Absent domains:** {', '.join(_short(lab) for lab in s.absent) or 'none'}\n\n")
            if s.unsure:
                w("**Least certain paragraphs (check these):**\n\n")
                for u in s.unsure:
                    w(f"- #{u.index} [{', '.join(u.labels) or 'general'}; maybe "
                      f"{', '.join(lab for lab, _ in u.alternatives[:2])}] "
                      f"{_md(u.text[:160])}\n")
                w("\n")
            w("### Paragraphs\n\n")
            for tp in paragraphs:
                tags = ", ".join(f"`{lab}` {tp.scores[lab]:.2f}" for lab in tp.labels) or "_general_"
                if tp.kind == "heading":
                    w(f"**{_md(tp.text)}** — {tags}\n\n")
                else:
                    w(f"{_md(tp.text)}\n\n→ {tags}\n\n")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class HtmlRenderer(_DocumentRenderer):
    def close(self) -> None:
        w = self.out.write
        e = html.escape
        ok, failed = self.counts()
        w("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
          "<title>tgclassify — phân loại đoạn văn</title><style>"
          "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
          "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
          "padding:3px 8px;font-size:14px}th{background:#f4f4f4}.p{border-left:6px solid #ddd;"
          "padding:4px 10px;margin:6px 0}.h{font-weight:bold}.tag{display:inline-block;"
          "color:#fff;border-radius:3px;padding:0 5px;margin-right:4px;font-size:12px}"
          ".err{background:#fee;border:1px solid #c00;padding:8px}.warn{background:#ffd;"
          "padding:6px}.muted{color:#777;font-size:13px}</style></head><body>\n")
        w("<h1>Phân loại đoạn văn báo cáo tuyên giáo</h1>\n")
        w(f"<p>{ok} report(s) tagged, {failed} failed.</p>\n")
        w("<p>" + " ".join(f'<span class="tag" style="background:{COLOURS[lab]}">{e(_short(lab))}'
                           f"</span>" for lab in C.LABELS) + "</p>\n")
        good = [s for s, _ in self.reports if s.error is None]
        if good:
            w("<h2>Coverage per report</h2>\n")
            w(_svg_chart(good))
            w("<table><tr><th>report</th>" + "".join(f"<th>{e(_short(lab))}</th>"
                                                     for lab in C.LABELS) + "</tr>\n")
            for s in good:
                w(f"<tr><td>{e(s.source)}</td>" + "".join(
                    f"<td>{s.coverage[lab]['share']:.0%}</td>" if s.coverage[lab]["paragraphs"]
                    else "<td>–</td>" for lab in C.LABELS) + "</tr>\n")
            w("</table>\n")
        for n, (s, paragraphs) in enumerate(self.reports):
            w(f"<h2 id=\"r{n}\">{e(s.source)}</h2>\n")
            if s.error is not None:
                w(f"<div class=\"err\"><b>Error:</b> {e(s.error)}</div>\n")
                continue
            for note in s.warnings:
                w(f"<div class=\"warn\">Warning: {e(note)}</div>\n")
            w(f"<p>{s.paragraphs} body paragraphs and {s.headings} headings tagged, {s.noise} "
              f"lines of page chrome dropped, "
              f"{s.general} general paragraphs. <b>Absent:</b> "
              f"{e(', '.join(_short(lab) for lab in s.absent) or 'none')}</p>\n")
            w("<table><tr><th>domain</th><th>paragraphs</th><th>share of text</th></tr>\n")
            for lab in C.LABELS:
                d = s.coverage[lab]
                w(f"<tr><td>{e(_short(lab))}</td><td>{d['paragraphs']}</td>"
                  f"<td>{d['share']:.0%}</td></tr>\n")
            w("</table>\n")
            if s.unsure:
                w("<p><b>Least certain paragraphs (check these):</b></p><ul>\n")
                for u in s.unsure:
                    w(f"<li>#{u.index} [{e(', '.join(u.labels) or 'general')}] "
                      f"{e(u.text[:160])}</li>\n")
                w("</ul>\n")
            w("<details open><summary>Paragraphs</summary>\n")
            for tp in paragraphs:
                colour = COLOURS[tp.labels[0]] if tp.labels else "#ddd"
                tags = "".join(f'<span class="tag" style="background:{COLOURS[lab]}" '
                               f'title="{tp.scores[lab]:.2f}">{e(_short(lab))}</span>'
                               for lab in tp.labels) or '<span class="muted">chung</span>'
                cls = "p h" if tp.kind == "heading" else "p"
                w(f'<div class="{cls}" style="border-left-color:{colour}">{tags} '
                  f"{e(tp.text)}</div>\n")
            w("</details>\n")
        w("</body></html>\n")


def _svg_chart(reports: list[ReportSummary]) -> str:
    """A stacked horizontal bar per report: each domain's share of the tagged text."""
    row, label_w, bar_w = 22, 260, 600
    height = row * len(reports) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 20}" '
             f'height="{height}" role="img" aria-label="coverage per report">']
    for i, s in enumerate(reports):
        y = 5 + i * row
        name = s.source if len(s.source) <= 40 else "…" + s.source[-39:]
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" '
                     f'font-size="12">{html.escape(name)}</text>')
        total = sum(s.coverage[lab]["share"] for lab in C.LABELS) or 1.0
        x = float(label_w)
        for lab in C.LABELS:
            share = s.coverage[lab]["share"]
            if share <= 0:
                continue
            width = bar_w * share / max(total, 1.0)
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row - 6}" '
                         f'fill="{COLOURS[lab]}"><title>{html.escape(_short(lab))}: '
                         f'{share:.0%}</title></rect>')
            x += width
    parts.append("</svg>\n")
    return "".join(parts)


def make_renderer(fmt: str, out: IO[str]) -> Renderer:
    classes: dict[str, type[Renderer]] = {"jsonl": JsonlRenderer, "csv": CsvRenderer,
                               "md": MarkdownRenderer, "html": HtmlRenderer}
    if fmt not in classes:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return classes[fmt](out)
