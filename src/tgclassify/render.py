"""Output formats of ``tgclassify tag``: jsonl and csv stream for machines (csv: paragraphs;
the report summaries go to a second csv); md and html are readable reports for people
(coverage table per report, a table across reports, and in html a 100% bar per report and
paragraphs coloured by domain, in one self-contained file)."""

from __future__ import annotations

import csv
import html
import json
from typing import IO

from . import constants as C
from .results import (
    PARAGRAPH_COLUMNS,
    SUMMARY_COLUMNS,
    ReportSummary,
    TaggedParagraph,
    label_name,
)

__all__ = ["FORMATS", "SummaryCsvWriter", "clip", "make_renderer"]

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
    """One row per paragraph (``kind`` heading/body), columns
    :data:`~tgclassify.results.PARAGRAPH_COLUMNS`. Report summaries and failed files are not
    paragraphs: they go to the summary CSV (:class:`SummaryCsvWriter`, ``--summary``)."""

    COLUMNS = PARAGRAPH_COLUMNS

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.writer = csv.DictWriter(out, fieldnames=list(self.COLUMNS))
        self.writer.writeheader()

    def paragraph(self, tp: TaggedParagraph) -> None:
        self.writer.writerow(tp.to_row())

    def report(self, summary: ReportSummary) -> None:
        """Summaries are not rows of the paragraph file."""


class SummaryCsvWriter:
    """One row per report (``status`` ok) or failed file (``status`` error), columns
    :data:`~tgclassify.results.SUMMARY_COLUMNS`."""

    def __init__(self, out: IO[str]) -> None:
        self.writer = csv.DictWriter(out, fieldnames=list(SUMMARY_COLUMNS))
        self.writer.writeheader()

    def report(self, summary: ReportSummary) -> None:
        self.writer.writerow(summary.to_row())


class _DocumentRenderer(Renderer):
    """Collects everything, writes on close (people read a whole document, not a stream).
    At most ``C.HTML_MAX_PARAGRAPHS`` paragraphs are kept across reports, so a page of
    hundreds of reports stays small; the rest are counted in ``omitted``."""

    def __init__(self, out: IO[str]) -> None:
        super().__init__(out)
        self.current: list[TaggedParagraph] = []
        self.reports: list[tuple[ReportSummary, list[TaggedParagraph]]] = []
        self.omitted: dict[int, int] = {}
        self.kept = 0

    def paragraph(self, tp: TaggedParagraph) -> None:
        if self.kept < C.HTML_MAX_PARAGRAPHS:
            self.current.append(tp)
            self.kept += 1
        else:
            n = len(self.reports)
            self.omitted[n] = self.omitted.get(n, 0) + 1

    def report(self, summary: ReportSummary) -> None:
        self.reports.append((summary, self.current))
        self.current = []

    def counts(self) -> tuple[int, int]:
        failed = sum(s.error is not None for s, _ in self.reports)
        return len(self.reports) - failed, failed


def _short(label: str) -> str:
    return label_name(label)


def clip(text: str, limit: int = C.QUOTE_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters on a word boundary, with "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


def _unsure_note() -> str:
    return (f"body paragraphs whose least certain decision lies within {C.UNSURE_MARGIN:.0%} of "
            f"a threshold (at most {C.UNSURE_PER_REPORT})")


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
            w("\nA paragraph counts in full for each of its domains, so a row can add up to "
              "more than 100%.\n\n")
        for n, (s, paragraphs) in enumerate(self.reports):
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
            w("\n**Absent domains:**" + ("\n\n" + "".join(f"- {_short(lab)}\n" for lab in s.absent)
                                          if s.absent else " none\n") + "\n")
            if s.unsure:
                w(f"**Check these** ({_unsure_note()}):\n\n")
                for u in s.unsure:
                    maybe = ", ".join(_short(lab) for lab, _ in u.alternatives[:2])
                    w(f"- #{u.index} [{', '.join(_short(lab) for lab in u.labels) or 'chung'}; "
                      f"maybe {maybe}] {_md(clip(u.text))}\n")
                w("\n")
            w("### Paragraphs\n\n")
            for tp in paragraphs:
                tags = ", ".join(f"`{lab}` {tp.scores[lab]:.2f}" for lab in tp.labels) or "_general_"
                if tp.kind == "heading":
                    w(f"**{_md(tp.text)}** — {tags}\n\n")
                else:
                    w(f"{_md(tp.text)}\n\n→ {tags}\n\n")
            if self.omitted.get(n):
                w(f"_{self.omitted[n]} more paragraphs not listed (the document lists at most "
                  f"{C.HTML_MAX_PARAGRAPHS:,}); use --format csv or jsonl for all._\n\n")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


GENERAL_COLOUR = "#c8c8c8"

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45;overflow-wrap:anywhere}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.2em 0 .5em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:3px 7px;
font-size:13px;text-align:right}td:first-child,th:first-child{text-align:left}
th{background:#f4f4f4;font-weight:600;vertical-align:bottom;max-width:8.5em;overflow-wrap:normal}
.scroll{overflow-x:auto;max-width:100%}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:.4em 0;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:5px;font-size:13px}
.sw{display:inline-block;width:14px;height:14px;border-radius:2px;flex:none}
.note{font-size:13px;color:#555;margin:.3em 0 .8em}
.chart{margin:.5em 0 1em}
.crow{display:grid;grid-template-columns:minmax(7em,15em) minmax(0,1fr);gap:10px;
align-items:center;margin:3px 0}
.cname{font-size:13px;text-align:right;color:#222;text-decoration:none}
.cname:hover{text-decoration:underline}
.axis{position:relative;height:16px;font-size:11px;color:#666}
.axis span{position:absolute;top:0;transform:translateX(-50%);white-space:nowrap}
.axis span:first-child{transform:none}.axis span:last-child{transform:translateX(-100%)}
.bar{display:flex;width:100%;height:22px;border-radius:3px;overflow:hidden;
background:repeating-linear-gradient(90deg,transparent 0 calc(25% - 1px),#fff 0 25%)}
.seg{height:100%;font-size:11px;line-height:22px;color:#fff;text-align:center;
white-space:nowrap;overflow:hidden;text-shadow:0 0 2px rgba(0,0,0,.7)}
.seg.g{color:#333;text-shadow:none}
.mini{height:12px;margin-top:4px}.mini .seg{line-height:12px;font-size:0}
details.report{border:1px solid #ddd;border-radius:4px;margin:8px 0;padding:0 10px}
details.report>summary{cursor:pointer;padding:8px 0;list-style-position:outside}
.rname{font-weight:600}.muted{color:#666;font-size:13px}
.p{border-left:6px solid #ddd;padding:3px 10px;margin:5px 0}.h{font-weight:600}
.tag{display:inline-block;color:#fff;border-radius:3px;padding:0 5px;margin-right:4px;
font-size:12px;text-shadow:0 0 2px rgba(0,0,0,.6)}
.err{background:#fee;border:1px solid #c00;padding:8px;margin:6px 0}
.warn{background:#ffd;padding:6px;margin:6px 0}
.cols{display:flex;flex-wrap:wrap;gap:0 28px}.cols>div{min-width:0;flex:1 1 20em}
ul.absent{margin:.2em 0;padding-left:1.3em}ol.check li{margin:4px 0}
.tools button{font:inherit;font-size:13px;margin-right:6px}
@media (max-width:640px){.crow{grid-template-columns:minmax(0,1fr);gap:2px}
.cname{text-align:left}}
"""

_SCRIPT = """
function openTarget(){var t=document.getElementById(location.hash.slice(1));
if(t&&t.tagName==='DETAILS'){t.open=true;}}
window.addEventListener('hashchange',openTarget);openTarget();
function setAll(open){document.querySelectorAll('details.report').forEach(function(d){d.open=open;});}
"""


class HtmlRenderer(_DocumentRenderer):
    """A page that opens offline (no external asset): the coverage bars of every report
    first (each 100% of a report's body text), the table of shares, the failed files, then
    each report collapsible with its figures, absent domains, the paragraphs to check and its
    paragraphs coloured by domain."""

    def close(self) -> None:
        w = self.out.write
        e = html.escape
        ok, failed = self.counts()
        w("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<link rel=\"icon\" href=\"data:,\">"
          f"<title>tgclassify — phân loại đoạn văn</title><style>{_CSS}</style></head><body>\n")
        w("<h1>Phân loại đoạn văn báo cáo tuyên giáo</h1>\n")
        w(f"<p>{ok} report(s) tagged, {failed} failed.</p>\n")
        good = [(n, s) for n, (s, _) in enumerate(self.reports) if s.error is None]
        bad = [(n, s) for n, (s, _) in enumerate(self.reports) if s.error is not None]
        w('<section id="summary">\n')
        if good:
            w("<h2>Coverage per report</h2>\n")
            w(_legend())
            w('<p class="note">Each bar is 100% of a report\'s body text (headings and page '
              "chrome left out), split by domain: a paragraph with two domains counts half "
              "to each, general paragraphs (no domain) are grey. Hover a part for its name.</p>\n")
            w('<div class="chart"><div class="crow"><span></span><div class="axis">'
              + "".join(f'<span style="left:{t}%">{t}%</span>' for t in (0, 25, 50, 75, 100))
              + "</div></div>\n")
            for n, s in good:
                w(f'<div class="crow"><a class="cname" href="#r{n}">{e(s.source)}</a>'
                  f"{_bar(s)}</div>\n")
            w("</div>\n")
            w("<h2>Share of text per domain</h2>\n")
            w('<p class="note">Here a paragraph counts in full for each of its domains, so a row '
              "can add up to more than 100%; – marks an absent domain.</p>\n")
            w('<div class="scroll"><table><tr><th>report</th><th>body paragraphs</th>'
              + "".join(f"<th>{e(_short(lab))}</th>" for lab in C.LABELS) + "</tr>\n")
            for n, s in good:
                w(f'<tr><td><a href="#r{n}">{e(s.source)}</a></td><td>{s.paragraphs}</td>'
                  + "".join(f"<td>{s.coverage[lab]['share']:.0%}</td>"
                            if s.coverage[lab]["paragraphs"] else "<td>–</td>"
                            for lab in C.LABELS) + "</tr>\n")
            w("</table></div>\n")
        if bad:
            w(f"<h2>Files that could not be read ({len(bad)})</h2>\n<ul>\n")
            for n, s in bad:
                w(f'<li><a href="#r{n}">{e(s.source)}</a>: {e(s.error or "")}</li>\n')
            w("</ul>\n")
        w("</section>\n")
        w('<section id="reports"><h2>Reports</h2>\n')
        if len(self.reports) > 1:
            w('<p class="tools"><button type="button" onclick="setAll(true)">Expand all</button>'
              '<button type="button" onclick="setAll(false)">Collapse all</button></p>\n')
        many = len(self.reports) > C.HTML_OPEN_REPORTS
        for n, (s, paragraphs) in enumerate(self.reports):
            self._report(n, s, paragraphs, open_=not many)
        w("</section>\n")
        if self.omitted:
            w(f'<p class="note">{sum(self.omitted.values()):,} paragraphs are not listed: this '
              f"page lists at most {C.HTML_MAX_PARAGRAPHS:,}. Every figure above counts them; "
              "--format csv or jsonl lists them all.</p>\n")
        w(f"<script>{_SCRIPT}</script>\n</body></html>\n")

    def _report(self, n: int, s: ReportSummary, paragraphs: list[TaggedParagraph], *,
                open_: bool) -> None:
        w = self.out.write
        e = html.escape
        attr = " open" if open_ else ""
        if s.error is not None:
            w(f'<details class="report" id="r{n}"{attr}><summary><span class="rname">'
              f'{e(s.source)}</span> <span class="muted">could not be read</span></summary>\n'
              f'<div class="err"><b>Error:</b> {e(s.error)}</div></details>\n')
            return
        w(f'<details class="report" id="r{n}"{attr}><summary><span class="rname">{e(s.source)}'
          f'</span> <span class="muted">{s.paragraphs} body paragraphs · {len(s.covered)} of '
          f"{len(C.LABELS)} domains</span>{_bar(s, mini=True)}</summary>\n")
        for note in s.warnings:
            w(f'<div class="warn">Warning: {e(note)}</div>\n')
        w(f"<p>{s.paragraphs} body paragraphs and {s.headings} headings tagged, {s.noise} "
          f"lines of page chrome dropped, {s.general} general paragraphs.</p>\n")
        w('<div class="cols"><div>')
        w("<table><tr><th>domain</th><th>paragraphs</th><th>share of text</th></tr>\n")
        for lab in C.LABELS:
            d = s.coverage[lab]
            w(f'<tr><td><span class="sw" style="background:{COLOURS[lab]}"></span> '
              f"{e(_short(lab))}</td><td>{d['paragraphs']}</td><td>{d['share']:.0%}</td></tr>\n")
        w("</table></div><div>")
        w("<p><b>Absent domains</b>" + (":</p><ul class=\"absent\">" + "".join(
            f"<li>{e(_short(lab))}</li>" for lab in s.absent) + "</ul>" if s.absent
            else ": none</p>"))
        w("</div></div>\n")
        if s.unsure:
            w(f"<p><b>Check these</b> <span class=\"muted\">({e(_unsure_note())})</span>:</p>"
              '<ol class="check">\n')
            for u in s.unsure:
                given = ", ".join(_short(lab) for lab in u.labels) or "chung (no domain)"
                maybe = ", ".join(_short(lab) for lab, _ in u.alternatives[:2])
                w(f"<li>#{u.index} <b>{e(given)}</b>; maybe {e(maybe)}: "
                  f"{e(clip(u.text))}</li>\n")
            w("</ol>\n")
        else:
            w(f"<p class=\"muted\">No paragraph to check: every decision lies at least "
              f"{C.UNSURE_MARGIN:.0%} away from its threshold.</p>\n")
        omitted = self.omitted.get(n, 0)
        if paragraphs:
            w(f"<details{attr}><summary>Paragraphs ({len(paragraphs)})</summary>\n")
            for tp in paragraphs:
                colour = COLOURS[tp.labels[0]] if tp.labels else "#ddd"
                tags = "".join(f'<span class="tag" style="background:{COLOURS[lab]}" '
                               f'title="{e(_short(lab))}: score {tp.scores[lab]:.2f}">'
                               f"{e(_short(lab))}</span>"
                               for lab in tp.labels) or '<span class="muted">chung</span>'
                cls = "p h" if tp.kind == "heading" else "p"
                w(f'<div class="{cls}" style="border-left-color:{colour}">{tags} '
                  f"{e(tp.text)}</div>\n")
            w("</details>\n")
        if omitted:
            w(f'<p class="note">{omitted} paragraphs of this report are not listed (the page '
              f"lists at most {C.HTML_MAX_PARAGRAPHS:,}).</p>\n")
        w("</details>\n")


def _legend() -> str:
    items = [f'<li><span class="sw" style="background:{COLOURS[lab]}"></span>'
             f"{html.escape(C.LABEL_NAMES[lab])}</li>" for lab in C.LABELS]
    items.append(f'<li><span class="sw" style="background:{GENERAL_COLOUR}"></span>'
                 "Chung (không thuộc lĩnh vực nào)</li>")
    return '<ul class="legend">' + "".join(items) + "</ul>\n"


def _bar(s: ReportSummary, *, mini: bool = False) -> str:
    """The report's body text as one 100%-wide bar: each domain's part (``composition``),
    then the general paragraphs; the percentage printed on parts wide enough for it."""
    parts = [(lab, _short(lab), COLOURS[lab], s.composition.get(lab, 0.0)) for lab in C.LABELS]
    parts.append(("general", "Chung", GENERAL_COLOUR, s.general_share))
    total = sum(share for *_, share in parts) or 1.0
    segs = []
    for key, name, colour, share in parts:
        if share <= 0:
            continue
        width = 100 * share / total  # rounding of the stored shares aside, total is 1
        text = f"{share:.0%}" if share >= C.BAR_LABEL_MIN_SHARE and not mini else ""
        cls = "seg g" if key == "general" else "seg"
        segs.append(f'<div class="{cls}" data-label="{key}" style="width:{width:.2f}%;'
                    f'background:{colour}" title="{html.escape(name)}: {share:.1%}">{text}</div>')
    label = html.escape(f"{s.source}: " + ", ".join(f"{name} {share:.0%}"
                                                    for _, name, _, share in parts if share > 0))
    cls = "bar mini" if mini else "bar"
    return f'<div class="{cls}" role="img" aria-label="{label}">' + "".join(segs) + "</div>"


def make_renderer(fmt: str, out: IO[str]) -> Renderer:
    classes: dict[str, type[Renderer]] = {"jsonl": JsonlRenderer, "csv": CsvRenderer,
                               "md": MarkdownRenderer, "html": HtmlRenderer}
    if fmt not in classes:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return classes[fmt](out)
