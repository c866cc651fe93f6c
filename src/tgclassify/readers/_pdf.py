"""PDF text layers through PDFium (``pypdfium2``), rejoined into paragraphs.

PDFium returns clean text where pypdf splits syllables ("T ổ ng k ế t") on PDFs printed from
browsers, and is about 15× faster. On top of its lines: page numbers and running headers or
footers (a line at the top or bottom of most pages) are dropped, hard-wrapped lines are
rejoined into paragraphs, words hyphenated at a line end are mended, and the result goes
through the split-syllable check (:mod:`._quality`).

Before PDFium sees a file, its compressed streams are inflated once through a counter, so a
PDF whose streams inflate past the limit is refused without being rendered.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportReadError
from ._base import Line, ReadLimits, fix_legacy_lines, too_big
from ._quality import repair_split_syllables
from ._tables import table_lines

_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.:;!?…)\]\"”»]$")
_LINE_START_BLOCK = re.compile(r"^(?:[-–•+*]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVXLC]{1,6}\.\s)")
_STREAM = re.compile(rb"stream\r?\n")
_STREAM_DICT_WINDOW = 1024


def check_inflated_size(path: Path, data: bytes, limit: int) -> None:
    """Inflate every Flate stream once, counting; refuse past ``limit`` bytes in all.

    Nothing inflated is kept: each stream is consumed in 1 MB pieces, so memory stays flat
    whatever a stream would inflate to.
    """
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        head = data[max(0, match.start() - _STREAM_DICT_WINDOW) : match.start()]
        if b"FlateDecode" not in head[head.rfind(b"obj") + 1 :] and b"/Fl" not in head[-200:]:
            continue
        inflater = zlib.decompressobj()
        pos = start
        try:
            while pos < len(data) and not inflater.eof:
                chunk = data[pos : pos + (1 << 16)]
                pos += len(chunk)
                out = inflater.decompress(chunk, 1 << 20)
                total += len(out)
                while inflater.unconsumed_tail and total <= limit:
                    out = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
                    total += len(out)
                if total > limit:
                    raise too_big(path, "inflated stream size", total, limit, "bytes or more")
        except zlib.error:
            continue  # not Flate after all, or damaged: PDFium decides


def read_pdf(path: Path, data: bytes, limits: ReadLimits) -> tuple[list[Line], list[str]]:
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise ReportReadError(path, "not a PDF file (no %PDF header)")
    check_inflated_size(path, data, limits.pdf_max_inflated_bytes)
    import pypdfium2 as pdfium  # noqa: PLC0415 - only PDFs need it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ReportReadError(path, "encrypted PDF (needs a password)") from exc
        raise ReportReadError(path, f"corrupt PDF ({_plain(exc)})") from exc
    pages: list[_Page] = []
    unmapped = 0
    try:
        count = len(pdf)
        if count > limits.pdf_max_pages:
            raise too_big(path, "page count", count, limits.pdf_max_pages, "pages")
        for index in range(count):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    layout = _page_layout(textpage, page.get_size())
                    unmapped += layout.unmapped
                    pages.append(layout)
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        raise ReportReadError(path, f"corrupt PDF ({_plain(exc)})") from exc
    finally:
        pdf.close()
    if not any(page.segments for page in pages):
        raise ReportReadError(path, "PDF has no text layer (a scan? run OCR first)")
    lines = _paragraphs(pages)
    texts, notes = repair_split_syllables([str(line) for line in lines], "the PDF's text layer")
    lines = [line.with_text(text) for line, text in zip(lines, texts, strict=True)]
    if unmapped:
        notes.append(f"the PDF's text layer has {unmapped:,} characters its fonts do not map to "
                     "Unicode; some words may read wrong")
    fixed, legacy_notes = fix_legacy_lines(lines)
    return fixed, notes + legacy_notes


def _plain(exc: BaseException) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(exc))[:160]


# --- layout: characters into lines, lines into paragraphs and tables ----------------------------

# Distances are in font sizes (em) of the text at hand, so they hold at any size.
_SAME_BASELINE = 0.35  # chars on one line sit within this of its baseline
_COLUMN_GAP = 1.2  # a horizontal gap wider than this starts another block (a table cell, a column)
_WORD_GAP = 0.13  # a gap wider than this between loose glyph boxes is a space
_EDGE = 0.075  # share of the page height at top and bottom where running headers live
_SYMBOL_BULLETS = frozenset("\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf06c\uf0a8\uf0de\uf0e0\uf09f")  # Word's bullets


@dataclass
class _Seg:
    """A run of characters on one baseline within one block: a line of a paragraph or cell."""

    chars: list[tuple[float, float, str]]
    y: float
    size: float
    order: int
    top: float = 0.0
    bottom: float = 0.0

    @property
    def x0(self) -> float:
        return self.chars[0][0]

    @property
    def x1(self) -> float:
        return self.chars[-1][1]

    def text(self) -> str:
        out: list[str] = []
        last = None
        for x0, x1, ch in sorted(self.chars):
            if last is not None and x0 - last > _WORD_GAP * self.size and out and out[-1] != " ":
                out.append(" ")
            out.append(ch)
            last = x1 if last is None else max(last, x1)
        return "".join(out).strip()


@dataclass
class _Page:
    height: float
    segments: list[_Seg] = field(default_factory=list)
    unmapped: int = 0


def _page_layout(textpage: object, size: tuple[float, float]) -> _Page:
    import ctypes  # noqa: PLC0415

    import pypdfium2.raw as raw  # noqa: PLC0415

    tp = textpage.raw  # type: ignore[attr-defined]
    count = raw.FPDFText_CountChars(tp)
    page = _Page(height=size[1])
    if count <= 0:
        return page
    text = textpage.get_text_range()  # type: ignore[attr-defined]
    if len(text) != count:
        text = "".join(chr(raw.FPDFText_GetUnicode(tp, i)) for i in range(count))
    box = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    segs: list[_Seg] = []
    cur: _Seg | None = None
    for i in range(count):
        ch = text[i]
        if ch.isspace() or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        if ch in "\x02\ufffe":
            ch = "-"  # a hyphen the producer marked as soft
        elif ch in _SYMBOL_BULLETS:
            ch = "•"  # Word's bullet glyphs in Symbol and Wingdings fonts
        if raw.FPDFText_HasUnicodeMapError(tp, i) == 1:
            page.unmapped += 1
        raw.FPDFText_GetLooseCharBox(tp, i, box)
        raw.FPDFText_GetCharOrigin(tp, i, ox, oy)
        fs = raw.FPDFText_GetFontSize(tp, i) or (box.top - box.bottom) or 10.0
        x0, x1, y = box.left, max(box.right, box.left), oy.value
        if (cur is None or abs(y - cur.y) > _SAME_BASELINE * cur.size
                or x0 < cur.chars[-1][0] - 0.5 * cur.size
                or x0 - cur.chars[-1][1] > _COLUMN_GAP * cur.size):
            cur = _Seg([], y, fs, i, box.top, box.bottom)
            segs.append(cur)
        cur.chars.append((x0, x1, ch))
        cur.top, cur.bottom = max(cur.top, box.top), min(cur.bottom, box.bottom)
    page.segments = _merge_overlaps(segs)
    return page


def _merge_overlaps(segs: list[_Seg]) -> list[_Seg]:
    """Glyphs a producer drew later on the same line (a fallback font's letters: "Đ NG ... Ả")
    go back into the line they overlap or touch, in left-to-right order; a glyph that fills
    the gap between two pieces of a line joins them."""
    out: list[_Seg] = []
    for seg in segs:
        tol = 0.3 * seg.size
        hosts = [o for o in out[-60:]
                 if abs(o.y - seg.y) <= _SAME_BASELINE * o.size
                 and seg.x0 <= o.x1 + tol and seg.x1 >= o.x0 - tol]
        if not hosts:
            out.append(seg)
            continue
        host = hosts[0]
        for other in [seg, *hosts[1:]]:
            host.chars = sorted(host.chars + other.chars)
            host.top, host.bottom = max(host.top, other.top), min(host.bottom, other.bottom)
            if other is not seg:
                out.remove(other)
    return out


@dataclass
class _Item:
    """A line of the page in reading order, or a finished table line."""

    text: str
    seg: _Seg | None = None
    table: bool = False
    page: int = 0


def _furniture(pages: list[_Page]) -> set[tuple[int, int]]:
    """(page, segment id) of running headers and footers and page numbers."""
    edges: Counter[str] = Counter()
    found: list[tuple[int, _Seg, str]] = []
    for number, page in enumerate(pages):
        seen: set[str] = set()
        first_last = {id(seg) for seg in page.segments[:2] + page.segments[-2:]}
        for seg in page.segments:
            # at the top or bottom of the page, or first or last in the page's text
            if (seg.top > page.height * (1 - _EDGE) or seg.bottom < page.height * _EDGE
                    or id(seg) in first_last):
                key = _digits_out(seg.text())
                found.append((number, seg, key))
                seen.add(key)
        edges.update(seen)
    need = 2 if len(pages) < 4 else (len(pages) + 1) // 2
    return {(number, id(seg)) for number, seg, key in found
            if (len(pages) >= 2 and edges[key] >= need) or _PAGE_NUMBER.match(seg.text())}


def _page_items(number: int, page: _Page, drop: set[tuple[int, int]]) -> list[_Item]:
    segs = [s for s in page.segments if (number, id(s)) not in drop and s.text()]
    items: list[_Item] = []
    i = 0
    while i < len(segs):
        end = _table_end(segs, i)
        if end > i:
            rows = _table_rows(segs[i:end])
            items += [_Item(t, table=True, page=number) for t in table_lines(rows)]
            i = end
            continue
        items.append(_Item(segs[i].text(), segs[i], page=number))
        i += 1
    return items


def _beside(seg: _Seg, segs: list[_Seg]) -> bool:
    """Another block shares this line, apart from it: a row of a table (or of a letterhead)."""
    return any(o is not seg and abs(o.y - seg.y) <= _SAME_BASELINE * seg.size
               and (o.x0 - seg.x1 > _COLUMN_GAP * seg.size or seg.x0 - o.x1 > _COLUMN_GAP * seg.size)
               for o in segs)


def _table_end(segs: list[_Seg], start: int) -> int:
    """End of a table starting at ``segs[start]`` (``start`` itself when none starts there):
    lines with blocks beside them, and the wrapped lines of their cells, for two rows or more."""
    window = segs[start : start + 400]
    if not _beside(window[0], window):
        return start
    rows = {round(window[0].y)}
    end = start + 1
    for j in range(start + 1, len(segs)):
        seg, prev = segs[j], segs[j - 1]
        near = prev.y - seg.y <= 2.2 * seg.size  # within the table's line pitch
        if abs(seg.size - window[0].size) > 0.12 * window[0].size:
            break  # a title or a footnote after the table, in another size
        if _beside(seg, window):
            rows.add(round(seg.y))
            end = j + 1
        elif near and seg.x1 - seg.x0 < 0.45 * _width(window):
            end = j + 1  # a wrapped line of a cell
        else:
            break
    return end if len(rows) >= 2 else start


def _width(segs: list[_Seg]) -> float:
    return max(s.x1 for s in segs) - min(s.x0 for s in segs) or 1.0


def _words(seg: _Seg) -> list[_Seg]:
    """A line cut at its spaces, each word with its own position."""
    words: list[_Seg] = []
    last = None
    for x0, x1, ch in sorted(seg.chars):
        if last is None or x0 - last > _WORD_GAP * seg.size:
            words.append(_Seg([], seg.y, seg.size, seg.order, seg.top, seg.bottom))
        words[-1].chars.append((x0, x1, ch))
        last = x1 if last is None else max(last, x1)
    return words


def _split_at_columns(segs: list[_Seg]) -> list[_Seg]:
    """Tight tables leave cells a space or two apart; the columns other rows show (blocks that
    start at the same place on several lines) cut such lines into cells."""
    starts: Counter[int] = Counter()
    for seg in segs:
        if _beside(seg, segs):
            starts[round(seg.x0)] += 1
    columns = {x for x, n in starts.items() if n >= 2}
    # a header row names the columns: between two of its names lies a column edge, at the word
    # start most rows share there ("Tháng 3/2025 Ban Tuyên giáo" under "Thời gian | Đơn vị")
    top = max(seg.y for seg in segs)
    header = sorted((s for s in segs if abs(s.y - top) <= _SAME_BASELINE * s.size), key=lambda s: s.x0)
    for left, right in itertools.pairwise(header):
        found: Counter[int] = Counter()
        for seg in segs:
            if seg.x0 < left.x1 and seg.x1 > right.x0:
                for word in _words(seg)[1:]:
                    if left.x1 < word.x0 <= right.x0 + 1:
                        found[round(word.x0)] += 1
        if found and not any(left.x1 < x <= right.x0 + 1 for x in columns):
            columns.add(found.most_common(1)[0][0])
    out: list[_Seg] = []
    for seg in segs:
        words = _words(seg)
        piece = _Seg([], seg.y, seg.size, seg.order, seg.top, seg.bottom)
        for word in words:
            cut = piece.chars and any(abs(word.x0 - x) <= 1.5 and x > piece.x0 + seg.size for x in columns)
            if cut:
                out.append(piece)
                piece = _Seg([], seg.y, seg.size, seg.order, seg.top, seg.bottom)
            piece.chars.extend(word.chars)
        out.append(piece)
    return out


def _table_rows(segs: list[_Seg]) -> list[list[tuple[int, int, list[str]]]]:
    segs = _split_at_columns(segs)
    # columns: the horizontal bands the blocks occupy, overlapping blocks merged
    bands: list[list[float]] = []
    for seg in sorted(segs, key=lambda s: s.x0):
        if bands and seg.x0 <= bands[-1][1] + 0.3 * seg.size:
            bands[-1][1] = max(bands[-1][1], seg.x1)
        else:
            bands.append([seg.x0, seg.x1])

    def column(seg: _Seg) -> int:
        return next((k for k, (a, b) in enumerate(bands) if seg.x0 <= b and seg.x1 >= a), 0)

    rows: list[dict[int, list[_Seg]]] = []
    last_col = -1
    for seg in segs:
        col = column(seg)
        row = rows[-1] if rows else None
        if row is not None and col in row and col >= last_col:
            pitch = row[col][-1].y - seg.y
            if 0 < pitch <= 1.3 * seg.size:
                row[col].append(seg)  # the next line of the same cell
                last_col = col
                continue
        if row is None or col <= last_col:
            rows.append({})
        rows[-1].setdefault(col, []).append(seg)
        last_col = col
    # a short row right under the previous one, missing columns it has, is the previous
    # row's wrapped lines (producers that write a table line by line)
    merged: list[dict[int, list[_Seg]]] = []
    for row in rows:
        prev = merged[-1] if merged else None
        if (prev is not None and len(row) < len(bands) and all(c in prev for c in row)
                and 0 < _row_y(prev) - max(s.y for c in row.values() for s in c)
                <= 1.3 * max(s.size for c in row.values() for s in c)):
            for col, cell in row.items():
                prev[col].extend(cell)
            continue
        merged.append(row)
    return [[(col, 1, _cell_paragraphs(row[col])) for col in sorted(row)] for row in merged]


def _cell_paragraphs(lines: list[_Seg]) -> list[str]:
    """A cell's lines rejoined: a wrapped line continues, a list item or a line after a full
    stop starts a paragraph of its own."""
    out: list[str] = []
    for seg in sorted(lines, key=lambda s: -s.y):
        text = seg.text()
        if out and not _LINE_START_BLOCK.match(text) and not re.search(r"[.;:]$", out[-1]):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


def _row_y(row: dict[int, list[_Seg]]) -> float:
    return min(s.y for cell in row.values() for s in cell)


def _paragraphs(pages: list[_Page]) -> list[Line]:
    """Rejoin wrapped lines into paragraphs; tables stay rows; furniture is dropped."""
    drop = _furniture(pages)
    items = [item for number, page in enumerate(pages) for item in _page_items(number, page, drop)]
    body = [it.seg for it in items if it.seg is not None]
    right = sorted(s.x1 for s in body)[int(len(body) * 0.9)] if body else 0.0
    out: list[Line] = []
    current: _Item | None = None
    text = ""
    for item in items:
        if item.table:
            if text:
                out.append(Line(text))
            out.append(Line(item.text, "body"))
            current, text = None, ""
            continue
        if current is None or not text:
            current, text = item, item.text
            continue
        if _new_paragraph(current, item, text, right):
            out.append(Line(text))
            text = item.text
        elif text.endswith("-") and len(text) > 1 and text[-2].isalpha() and item.text[:1].islower():
            text = text[:-1] + item.text
        else:
            text = f"{text} {item.text}"
        current = item
    if text:
        out.append(Line(text))
    return out


def _new_paragraph(prev: _Item, item: _Item, text: str, right: float) -> bool:
    a, b = prev.seg, item.seg
    assert a is not None and b is not None
    if abs(a.size - b.size) > 0.12 * max(a.size, b.size):
        return True  # a heading and its text differ in size
    if prev.page == item.page and a.y - b.y > 1.75 * a.size:
        return True  # space between paragraphs
    if prev.page == item.page and b.y > a.y + _SAME_BASELINE * a.size:
        return True  # back up the page: another column or block
    line = item.text
    if _LINE_START_BLOCK.match(line):
        return True
    if text.isupper() and line.isupper():
        return a.x1 < right - 8 * a.size and a.y - b.y > 1.6 * a.size  # a title wraps in capitals
    if text.isupper() and not line.isupper():
        return True
    ends_short = a.x1 < right - 2 * a.size
    if _SENTENCE_END.search(text) and (line[:1].isupper() or not line[:1].isalpha()):
        return True
    if b.x0 > a.x0 + 1.5 * a.size and _SENTENCE_END.search(text):
        return True  # an indented first line
    return ends_short and line[:1].isupper()


def _digits_out(line: str) -> str:
    return re.sub(r"\d+", "#", line)
