"""What every reader shares: the line type, the limits, the opened source, legacy handling."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .. import constants as C
from ..errors import ReportReadError
from ..legacy import LegacyEncoding, check_legacy, decode_legacy
from ..normalize import clean_line

#: Structural kinds a reader may give a line (None: the text rules of segmentation decide).
KINDS = ("heading", "body", "noise")


class Line(str):
    """One paragraph as a reader found it: the text, plus what the file's structure says.

    ``kind`` is ``"heading"`` (a heading style, an outline level, an HTML ``h1``-``h6``),
    ``"body"`` (structure says it is no heading: a table row, a list item, a footnote),
    ``"noise"`` (page headers and footers, menus, captions) or None when the format says
    nothing and the text rules decide. ``level`` is a heading's depth from the structure
    (1 = outermost), when known. A ``Line`` is a ``str``, so code that only wants the text
    can ignore the rest.

    >>> line = Line("I. KẾT QUẢ", "heading", 1)
    >>> line, line.kind, line.level, Line("Đoạn văn").kind
    ('I. KẾT QUẢ', 'heading', 1, None)
    """

    kind: str | None = None
    level: int | None = None

    def __new__(cls, text: str, kind: str | None = None, level: int | None = None) -> Line:
        self = super().__new__(cls, text)
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"unknown line kind {kind!r}; expected one of {KINDS}")
            self.kind = kind
        if level is not None:
            self.level = level
        return self

    def __reduce__(self) -> tuple[object, ...]:  # a str subclass with attributes must say how to pickle
        return (Line, (str(self), self.kind, self.level))

    def with_text(self, text: str) -> Line:
        """The same structure on another text (after cleaning, a split)."""
        return Line(text, self.kind, self.level)


@dataclass(frozen=True)
class ReadLimits:
    """Limits checked before and during reading; each refusal names the limit and the excess.

    The defaults come from :mod:`tgclassify.constants`, where each has its reason. Pass your
    own to :func:`~tgclassify.readers.open_report` to loosen or tighten one:
    ``open_report(p, limits=ReadLimits.default().replace(pdf_max_pages=50))``.
    """

    max_document_bytes: int = C.MAX_DOCUMENT_BYTES
    max_text_bytes: int = C.MAX_TEXT_BYTES
    docx_max_inflated_bytes: int = C.DOCX_MAX_INFLATED_BYTES
    docx_max_inflate_ratio: float = C.DOCX_MAX_INFLATE_RATIO
    docx_ratio_min_bytes: int = C.DOCX_RATIO_MIN_BYTES
    docx_max_members: int = C.DOCX_MAX_MEMBERS
    docx_max_part_bytes: int = C.DOCX_MAX_PART_BYTES
    max_xml_depth: int = C.MAX_XML_DEPTH
    pdf_max_pages: int = C.PDF_MAX_PAGES
    pdf_max_inflated_bytes: int = C.PDF_MAX_INFLATED_BYTES
    html_max_bytes: int = C.HTML_MAX_BYTES
    html_max_depth: int = C.MAX_XML_DEPTH
    max_paragraph_chars: int = C.MAX_PARAGRAPH_CHARS
    max_line_chars: int = C.MAX_LINE_CHARS
    max_paragraphs: int = C.MAX_PARAGRAPHS
    libreoffice_timeout_s: float = C.LIBREOFFICE_TIMEOUT_S

    @classmethod
    def default(cls) -> ReadLimits:
        """The limits of :mod:`tgclassify.constants` as they are now (tests may patch them)."""
        return cls(**{f.name: getattr(C, _CONSTANT_OF.get(f.name, f.name.upper()))
                      for f in fields(cls)})

    def replace(self, **changes: object) -> ReadLimits:
        return replace(self, **changes)  # type: ignore[arg-type]


_CONSTANT_OF = {"html_max_depth": "MAX_XML_DEPTH"}


def too_big(path: Path | str, what: str, value: float, limit: float, unit: str = "") -> ReportReadError:
    """A refusal in plain words: which limit, the value found and by how much it is over."""
    # "bytes or more": the reader stopped counting at the limit; "or more" is said of the
    # value found only
    more = unit.endswith(" or more")
    unit = unit.removesuffix(" or more")
    unit_s = f" {unit}" if unit else ""
    if isinstance(limit, float) and not limit.is_integer():
        found, cap = f"{value:,.1f}", f"{limit:,.1f}"
    else:
        found, cap = f"{int(value):,}", f"{int(limit):,}"
    times = value / limit if limit else float("inf")
    over = (f"{times:.1f}× the limit" if times >= 2
            else f"{value - limit:,.0f}{unit_s}{' or more' if more else ''} over")
    return ReportReadError(path, f"refused: {what} is {found}{unit_s}{' or more' if more else ''}, "
                                 f"limit {cap}{unit_s} "
                                 f"({over}); raise ReadLimits.{_limit_name(what)} to read it")


def _limit_name(what: str) -> str:
    return {
        "file size": "max_document_bytes", "text file size": "max_text_bytes",
        "inflated size": "docx_max_inflated_bytes", "inflate ratio": "docx_max_inflate_ratio",
        "zip members": "docx_max_members", "XML part size": "docx_max_part_bytes",
        "XML nesting depth": "max_xml_depth", "page count": "pdf_max_pages",
        "inflated stream size": "pdf_max_inflated_bytes", "HTML size": "html_max_bytes",
        "HTML nesting depth": "html_max_depth", "paragraph count": "max_paragraphs",
        "line length": "max_line_chars",
    }.get(what, "…")


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
    limits: ReadLimits = field(default_factory=ReadLimits.default)

    def lines(self) -> Iterator[Line]:
        """The report's non-empty paragraphs, one per item, cleaned, as :class:`Line` objects
        (a ``str`` with the structural ``kind`` and ``level`` the format gave, if any)."""
        count = 0
        cap = self.limits.max_paragraphs
        for raw in self._lines:
            cleaned = clean_line(raw)
            if not cleaned:
                continue
            if len(cleaned) > self.limits.max_line_chars:
                raise too_big(self.path, "line length", len(cleaned), self.limits.max_line_chars,
                              "characters")
            line = raw.with_text(cleaned) if isinstance(raw, Line) else Line(cleaned)
            for piece in split_overlong(line, self.limits.max_paragraph_chars):
                count += 1
                if count > cap:
                    raise too_big(self.path, "paragraph count", count, cap, "paragraphs or more")
                yield piece


def split_overlong(line: Line, limit: int) -> Iterator[Line]:
    """Split a runaway line (a whole document pasted without breaks) at sentence ends."""
    if len(line) <= limit:
        yield line
        return
    start = 0
    while len(line) - start > limit:
        window = line[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind(" "))
        cut = cut + 1 if cut > limit // 2 else limit
        yield line.with_text(line[start : start + cut].strip())
        start += cut
    rest = line[start:].strip()
    if rest:
        yield line.with_text(rest)


# --- legacy encodings: the one place readers ask ------------------------------------------------

def legacy_of(sample: str) -> tuple[LegacyEncoding | None, list[str]]:
    """The legacy encoding of a text's sample, and the warning to show for it (if any)."""
    check = check_legacy(sample)
    return check.encoding, [check.note] if check.note else []


def fix_legacy_lines(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Convert a whole document's lines when their statistics say TCVN3 or VNI."""
    encoding, notes = legacy_of("\n".join(lines[:2000]))
    if encoding is None:
        return lines, notes
    return [line.with_text(decode_legacy(line, encoding)) for line in lines], notes


# --- third-party chatter -------------------------------------------------------------------------

_LIBRARY_LOGGERS = ("pypdfium2", "pypdf", "docx", "lxml", "PIL")


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"{record.name}: {_plain(record.getMessage())}")


def _plain(message: str) -> str:
    """A library's message, short and printable: no raw bytes from the file reach the user."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(message))
    return text[:200]


@contextmanager
def library_warnings(sink: list[str]) -> Iterator[None]:
    """Collect the Python warnings and log records of document libraries into ``sink`` (the
    file's warnings) instead of letting them print."""
    handler = _Collect(sink)
    loggers = [logging.getLogger(name) for name in _LIBRARY_LOGGERS]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            if w.category.__name__ == "LegacyEncodingWarning":
                continue  # already said, once, by the reader's own note
            sink.append(f"{w.category.__name__}: {_plain(str(w.message))}")
    finally:
        for lg, (propagate, _level) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.propagate = propagate
