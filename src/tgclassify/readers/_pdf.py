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

import re
import zlib
from collections import Counter
from pathlib import Path

from ..errors import ReportReadError
from ..normalize import clean_line
from ._base import Line, ReadLimits, fix_legacy_lines, too_big
from ._quality import repair_split_syllables

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
    if not data.startswith(b"%PDF"):
        head = data[:1024].lstrip()
        if not head.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
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
    pages: list[str] = []
    try:
        count = len(pdf)
        if count > limits.pdf_max_pages:
            raise too_big(path, "page count", count, limits.pdf_max_pages, "pages")
        for index in range(count):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(textpage.get_text_range())
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        raise ReportReadError(path, f"corrupt PDF ({_plain(exc)})") from exc
    finally:
        pdf.close()
    if not any(page.strip() for page in pages):
        raise ReportReadError(path, "PDF has no text layer (a scan? run OCR first)")
    lines = join_pdf_lines(pages)
    lines, notes = repair_split_syllables(lines, "the PDF's text layer")
    fixed, legacy_notes = fix_legacy_lines([Line(line) for line in lines])
    return fixed, notes + legacy_notes


def _plain(exc: BaseException) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(exc))[:160]


def join_pdf_lines(pages: list[str]) -> list[str]:
    """Rejoin hard-wrapped lines into paragraphs; drop page numbers and running headers."""
    page_lines = [[clean_line(line.replace("\x02", "-")) for line in re.split(r"\r\n|\r|\n", page)]
                  for page in pages]
    page_lines = [[line for line in lines if line] for lines in page_lines]
    furniture: set[str] = set()
    if len(page_lines) >= 2:
        # a line at the top or bottom of most pages (all of them, for two) is a running
        # header or footer; page numbers inside it are folded so they match
        edges: Counter[str] = Counter()
        for lines in page_lines:
            edges.update({_digits_out(line) for line in lines[:2] + lines[-2:]})
        need = max(2, (len(page_lines) + 1) // 2) if len(page_lines) >= 3 else 2
        furniture = {line for line, n in edges.items() if n >= need}
    paragraphs: list[str] = []
    current = ""
    last_line = ""
    widths = [len(line) for lines in page_lines for line in lines]
    full_width = sorted(widths)[int(len(widths) * 0.9)] if widths else 80
    for lines in page_lines:
        for position, line in enumerate(lines):
            at_edge = position < 2 or position >= len(lines) - 2
            if (at_edge and _PAGE_NUMBER.match(line)) or (at_edge and _digits_out(line) in furniture):
                continue
            previous, last_line = last_line, line
            if not current:
                current = line
                continue
            ends_short = len(previous) < 0.6 * full_width
            if _starts_new_paragraph(current, line, ends_short):
                paragraphs.append(current)
                current = line
            elif current.endswith("-") and len(current) > 1 and current[-2].isalpha() and line[:1].islower():
                current = current[:-1] + line
            else:
                current = f"{current} {line}"
    if current:
        paragraphs.append(current)
    return paragraphs


def _digits_out(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _starts_new_paragraph(current: str, line: str, previous_short: bool) -> bool:
    if _LINE_START_BLOCK.match(line):
        return True
    if current.isupper() and not line.isupper():
        return True
    if _SENTENCE_END.search(current) and (line[:1].isupper() or not line[:1].isalpha()):
        return True
    return previous_short and line[:1].isupper()
