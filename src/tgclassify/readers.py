"""Read report files (.txt, .md, .docx, .html, .pdf) into text, one paragraph per line.

Every reader ends in the same place: NFC text, legacy 8-bit font encodings (TCVN3, VNI)
converted, invisible characters removed, one paragraph per line. Failures raise
:class:`~tgclassify.errors.ReportReadError` naming the file and the reason, so a batch can record
the failure and go on with the other files.

Plain-text files are streamed line by line (:func:`open_report`), so a 50 MB text file does not
have to fit in memory; documents (.docx, .pdf, .html) are parsed whole, as their libraries need.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from . import constants as C
from .errors import ReportReadError
from .legacy import (
    LegacyEncodingWarning,
    decode_legacy,
    detect_legacy,
    encoding_for_font,
    fix_legacy_text,
    looks_legacy,
)

__all__ = ["SUPPORTED_SUFFIXES", "ReportSource", "clean_line", "open_report", "open_stdin",
           "read_report"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_MULTI_SPACE = re.compile(" {2,}")


def clean_line(line: str) -> str:
    """NFC, invisible characters out, odd spaces to one plain space, ends stripped.

    This is the light cleaning every reader applies; spelling is left as written (the
    classifier applies the full :func:`~tgclassify.normalize.normalize_text` itself), so what a
    user sees in the output is the text of the report.
    """
    line = unicodedata.normalize("NFC", line)
    line = _INVISIBLE.sub("", line)
    line = _ODD_SPACE.sub(" ", line)
    return _MULTI_SPACE.sub(" ", line).strip()


@dataclass
class ReportSource:
    """An opened report: its lines (lazy for text files) and what reading it noticed.

    ``warnings`` fills while :meth:`lines` is consumed (a legacy encoding is found in the first
    block of a text file), so read it after iterating.
    """

    path: str
    kind: str
    _lines: Iterable[str]
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        """The report's non-empty paragraphs, one per item, cleaned."""
        for line in self._lines:
            cleaned = clean_line(line)
            if not cleaned:
                continue
            yield from _split_overlong(cleaned)


def _split_overlong(line: str) -> Iterator[str]:
    """Split a runaway line (a whole document pasted without breaks) at sentence ends."""
    if len(line) <= C.MAX_PARAGRAPH_CHARS:
        yield line
        return
    start = 0
    while len(line) - start > C.MAX_PARAGRAPH_CHARS:
        window = line[start : start + C.MAX_PARAGRAPH_CHARS]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind(" "))
        cut = cut + 1 if cut > C.MAX_PARAGRAPH_CHARS // 2 else C.MAX_PARAGRAPH_CHARS
        yield line[start : start + cut].strip()
        start += cut
    rest = line[start:].strip()
    if rest:
        yield rest


def read_report(path: str | Path) -> str:
    """Read a report file and return its text, one paragraph per line.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bc.txt"
    >>> _ = p.write_text("BÁO CÁO\\n\\nCông tác tuyên truyền năm 2024.\\n", encoding="utf-8")
    >>> read_report(p)
    'BÁO CÁO\\nCông tác tuyên truyền năm 2024.'
    """
    with warnings.catch_warnings():
        # the warnings of a whole read are returned by open_report; here they are noise
        warnings.simplefilter("ignore", LegacyEncodingWarning)
        return "\n".join(open_report(path).lines())


def open_report(path: str | Path) -> ReportSource:
    """Open a report for reading; raises :class:`ReportReadError` for anything unreadable.

    The checks that need no parsing (existence, extension, size, emptiness) happen here, so a
    bad file fails at once; text files are then read lazily by :meth:`ReportSource.lines`.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise ReportReadError(p, "no such file")
    if p.is_dir():
        raise ReportReadError(p, "is a folder (pass -r to tag a folder's files)")
    if suffix not in SUPPORTED_SUFFIXES:
        hint = " (old binary .doc: save it as .docx first)" if suffix == ".doc" else ""
        raise ReportReadError(
            p, f"unsupported file type {suffix or '(none)'!r}{hint}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReportReadError(p, f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise ReportReadError(p, "file is empty")
    limit = C.MAX_TEXT_BYTES if suffix in (".txt", ".md") else C.MAX_DOCUMENT_BYTES
    if size > limit:
        raise ReportReadError(p, f"file is too large ({size:,} bytes; limit {limit:,})")
    if suffix in (".txt", ".md"):
        return _open_text(p)
    reader = {".docx": _read_docx, ".pdf": _read_pdf, ".html": _read_html, ".htm": _read_html}
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReportReadError(p, f"cannot read: {exc.strerror or exc}") from exc
    lines, notes = reader[suffix](p, data)
    if not any(clean_line(line) for line in lines):
        raise ReportReadError(p, "contains no text")
    return ReportSource(str(p), suffix.lstrip("."), lines, notes)


def open_stdin(stream: object = None, *, name: str = "<stdin>") -> ReportSource:
    """Read a report from standard input (bytes), decoded like a text file."""
    import sys  # noqa: PLC0415

    buffer = stream if stream is not None else sys.stdin.buffer
    data = buffer.read()  # type: ignore[attr-defined]
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise ReportReadError(name, "no text on standard input")
    if len(data) > C.MAX_DOCUMENT_BYTES:
        raise ReportReadError(name, "standard input is too large; save it to a file")
    encoding = _sniff_encoding(Path(name), data[: C.SNIFF_BYTES])
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "cp1258", data.decode("cp1258", errors="replace")
    lines, notes = _fix_legacy_lines(text.splitlines())
    if encoding == "cp1258":
        notes.insert(0, "not UTF-8: decoded as Windows-1258 (Vietnamese)")
    return ReportSource(name, "txt", lines, notes)


# --- plain text ------------------------------------------------------------------------------


def _sniff_encoding(path: Path, head: bytes) -> str:
    """The codec of a text file from its first bytes; raises for binary content."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise ReportReadError(path, "binary content (NUL bytes), not a text file")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if controls > C.BINARY_CONTROL_RATIO * len(head):
        raise ReportReadError(path, "binary content (control bytes), not a text file")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sniff window is still UTF-8
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    return "cp1258"


def _open_text(path: Path) -> ReportSource:
    try:
        with path.open("rb") as fh:
            head = fh.read(C.SNIFF_BYTES)
    except OSError as exc:
        raise ReportReadError(path, f"cannot read: {exc.strerror or exc}") from exc
    encoding = _sniff_encoding(path, head)
    sample = head.decode(encoding, errors="ignore")
    if not sample.strip():
        raise ReportReadError(path, "contains no text")
    source = ReportSource(str(path), path.suffix.lstrip(".").lower(), [], [])
    if encoding == "cp1258":
        source.warnings.append("not UTF-8: decoded as Windows-1258 (Vietnamese)")
    legacy = detect_legacy(sample)
    if legacy:
        source.warnings.append(f"legacy {legacy.upper()} encoding converted to Unicode")
    elif looks_legacy(sample):
        source.warnings.append("text looks legacy-encoded (TCVN3/VNI) but the kind is unclear")
    source._lines = _stream_text(path, encoding, legacy)
    return source


def _stream_text(path: Path, encoding: str, legacy: str | None) -> Iterator[str]:
    try:
        with path.open("r", encoding=encoding, newline=None) as fh:
            for number, line in enumerate(fh, 1):
                if legacy:
                    line = decode_legacy(line, legacy)
                if "\x00" in line:
                    raise ReportReadError(path, f"binary content at line {number}")
                yield line
    except UnicodeDecodeError as exc:
        raise ReportReadError(
            path, f"not valid {encoding} text (undecodable bytes near offset {exc.start})"
        ) from exc
    except OSError as exc:
        raise ReportReadError(path, f"cannot read: {exc.strerror or exc}") from exc


# --- docx ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(path: Path, data: bytes) -> tuple[list[str], list[str]]:
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ReportReadError(path, "old binary Word (.doc) file named .docx; save it as .docx")
        raise ReportReadError(path, "not a .docx file (no zip container)")
    try:
        import docx  # noqa: PLC0415 - only .docx files need python-docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zip, lxml and package errors of many kinds: a damaged file
        raise ReportReadError(path, f"corrupt .docx ({type(exc).__name__}: {exc})") from exc
    styles_font = _docx_style_fonts(document)
    found: Counter[str] = Counter()
    lines = list(_docx_blocks(document.element.body, styles_font, found))
    notes = [f"legacy {enc.upper()} font text converted to Unicode" for enc in sorted(found)]
    return lines, notes


def _docx_style_fonts(document: object) -> dict[str, str | None]:
    """Font name of each paragraph/character style, so style-level legacy fonts are seen."""
    fonts: dict[str, str | None] = {}
    try:
        for style in document.styles:  # type: ignore[attr-defined]
            font = getattr(style, "font", None)
            fonts[style.style_id] = font.name if font is not None else None
    except Exception:  # a style part we cannot read only costs us the style fonts
        return {}
    return fonts


def _run_font(run: object, para_font: str | None) -> str | None:
    rpr = run.find(f"{_W}rPr")  # type: ignore[attr-defined]
    if rpr is not None:
        fonts = rpr.find(f"{_W}rFonts")
        if fonts is not None:
            for attr in ("ascii", "hAnsi", "cs"):
                name = fonts.get(f"{_W}{attr}")
                if name:
                    return name
    return para_font


def _docx_paragraph_text(p: object, styles_font: dict[str, str | None], found: Counter[str]) -> str:
    para_font = None
    ppr = p.find(f"{_W}pPr")  # type: ignore[attr-defined]
    if ppr is not None:
        style = ppr.find(f"{_W}pStyle")
        if style is not None:
            para_font = styles_font.get(style.get(f"{_W}val"))
    parts: list[str] = []
    for run in p.iter(f"{_W}r"):  # type: ignore[attr-defined]
        font = _run_font(run, para_font)
        legacy_font = encoding_for_font(font) is not None
        text = "".join(_run_piece(node, legacy_font) for node in run)
        if not text:
            continue
        if legacy_font:
            fixed, legacy = fix_legacy_text(text, font_name=font)
            if legacy:
                text = fixed
                found[str(legacy)] += 1
        parts.append(text)
    return "".join(parts)


def _run_piece(node: object, legacy_font: bool) -> str:
    tag = node.tag  # type: ignore[attr-defined]
    if tag == f"{_W}t":
        return node.text or ""  # type: ignore[attr-defined]
    if tag == f"{_W}tab":
        return "\t"
    if tag in (f"{_W}br", f"{_W}cr"):
        return " "
    if tag == f"{_W}softHyphen" and legacy_font:
        # TCVN3 puts "ư" on byte 0xAD, which Word may store as a soft-hyphen element
        return "\xad"
    return ""


def _docx_blocks(
    body: object, styles_font: dict[str, str | None], found: Counter[str]
) -> Iterator[str]:
    """Paragraphs and table cells in document order; merged cells once."""
    for child in body:  # type: ignore[attr-defined]
        if child.tag == f"{_W}p":
            yield _docx_paragraph_text(child, styles_font, found)
        elif child.tag == f"{_W}tbl":
            for row in child.findall(f"{_W}tr"):
                yield from _docx_row(row, styles_font, found)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _docx_blocks(content, styles_font, found)


def _docx_row(row: object, styles_font: dict[str, str | None], found: Counter[str]
              ) -> Iterator[str]:
    """A table row: short cells read as one line ("Tuyên truyền miệng – 24 hội nghị ..."), so a
    row label stays with its figures; cells holding whole paragraphs come out one by one."""
    cells: list[list[str]] = []
    for cell in row.findall(f"{_W}tc"):  # type: ignore[attr-defined]
        # a vertically merged continuation cell repeats nothing; skip it
        tcpr = cell.find(f"{_W}tcPr")
        vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
        if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
            continue
        texts = [t.strip() for t in _docx_blocks(cell, styles_font, found) if t.strip()]
        if texts and texts not in cells:  # horizontally merged cells repeat their text
            cells.append(texts)
    if all(len(texts) == 1 for texts in cells) and \
            sum(len(texts[0]) for texts in cells) <= C.MAX_TABLE_ROW_CHARS:
        if cells:
            yield " – ".join(texts[0] for texts in cells)
        return
    for texts in cells:
        yield from texts


# --- html ------------------------------------------------------------------------------------

_SKIP_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe",
     "svg", "template", "button", "select", "head", "menu"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
     "table", "section", "article", "blockquote", "pre", "figcaption", "figure", "dd", "dt",
     "main", "hr", "title", "caption"}
)
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if tag in _BLOCK_TAGS:
                self.parts.append("\n")
            return
        hidden = any(
            k == "hidden" or (k == "style" and v and "display:none" in v.replace(" ", ""))
            or (k == "aria-hidden" and v == "true")
            for k, v in attrs
        )
        if self.skip_depth or tag in _SKIP_TAGS or hidden:
            self.skip_depth += 1
            self.stack.append(tag)
            return
        self.stack.append(tag)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS or tag not in self.stack:
            return
        # close up to the matching tag: real pages leave tags unclosed
        while self.stack:
            top = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            if top == tag:
                break
        if not self.skip_depth and tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data.replace("\n", " "))


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _decode_html(path: Path, data: bytes) -> str:
    if b"\x00" in data[: C.SNIFF_BYTES] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReportReadError(path, "binary content (NUL bytes), not an HTML page")
    match = _META_CHARSET.search(data[:4096])
    candidates = ["utf-8-sig"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif match:
        candidates.insert(0, match.group(1).decode("ascii").lower())
    for enc in [*candidates, "cp1258"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReportReadError(path, "undecodable HTML page")


def _read_html(path: Path, data: bytes) -> tuple[list[str], list[str]]:
    text = _decode_html(path, data)
    parser = _TextExtractor()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything it raises means garbage input
        raise ReportReadError(path, f"unparseable HTML ({exc})") from exc
    lines = "".join(parser.parts).split("\n")
    return _fix_legacy_lines(lines)


def _fix_legacy_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    sample = "\n".join(lines[:2000])
    legacy = detect_legacy(sample)
    if legacy:
        return [decode_legacy(line, legacy) for line in lines], [
            f"legacy {legacy.upper()} encoding converted to Unicode"
        ]
    if looks_legacy(sample):
        return lines, ["text looks legacy-encoded (TCVN3/VNI) but the kind is unclear"]
    return lines, []


# --- pdf -------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.:;!?…)\]\"”»]$")
_LINE_START_BLOCK = re.compile(r"^(?:[-–•+*]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[IVXLC]{1,6}\.\s)")


def _read_pdf(path: Path, data: bytes) -> tuple[list[str], list[str]]:
    if not data.startswith(b"%PDF"):
        raise ReportReadError(path, "not a PDF file (no %PDF header)")
    try:
        from pypdf import PdfReader  # noqa: PLC0415 - only PDFs need it
        from pypdf.errors import PdfReadError  # noqa: PLC0415

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise ReportReadError(path, "encrypted PDF (needs a password)") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReportReadError:
        raise
    except PdfReadError as exc:
        raise ReportReadError(path, f"corrupt PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        raise ReportReadError(path, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
    if not any(page.strip() for page in pages):
        raise ReportReadError(path, "PDF has no text layer (a scan? run OCR first)")
    lines = _join_pdf_lines(pages)
    return _fix_legacy_lines(lines)


def _join_pdf_lines(pages: list[str]) -> list[str]:
    """Rejoin hard-wrapped lines into paragraphs; drop page numbers and running headers."""
    page_lines = [[clean_line(line) for line in page.splitlines()] for page in pages]
    page_lines = [[line for line in lines if line] for lines in page_lines]
    furniture: set[str] = set()
    if len(page_lines) >= 3:
        # a line at the top or bottom of most pages is a running header or footer
        edges: Counter[str] = Counter()
        for lines in page_lines:
            edges.update({_digits_out(line) for line in lines[:2] + lines[-2:]})
        furniture = {line for line, n in edges.items() if n >= max(3, len(page_lines) // 2)}
    paragraphs: list[str] = []
    current = ""
    last_line = ""
    widths = [len(line) for lines in page_lines for line in lines]
    full_width = sorted(widths)[int(len(widths) * 0.9)] if widths else 80
    for lines in page_lines:
        for line in lines:
            if _PAGE_NUMBER.match(line) or _digits_out(line) in furniture:
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
