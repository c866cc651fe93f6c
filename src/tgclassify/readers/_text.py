"""Plain text (.txt, .md) and standard input: encoding sniffed, lines streamed."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .. import constants as C
from ..errors import ReportReadError
from ..legacy import LegacyEncoding, decode_legacy
from ._base import Line, ReadLimits, ReportSource, fix_legacy_lines, legacy_of, too_big
from ._tables import table_lines

CP1258_NOTE = "not UTF-8: decoded as Windows-1258 (Vietnamese)"


def sniff_encoding(path: Path | str, head: bytes) -> str:
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


def open_text(path: Path, limits: ReadLimits) -> ReportSource:
    try:
        with path.open("rb") as fh:
            head = fh.read(C.SNIFF_BYTES)
    except OSError as exc:
        raise ReportReadError(path, f"cannot read: {exc.strerror or exc}") from exc
    encoding = sniff_encoding(path, head)
    sample = head.decode(encoding, errors="ignore")
    if not sample.strip():
        raise ReportReadError(path, "contains no text")
    notes = [CP1258_NOTE] if encoding == "cp1258" else []
    legacy, legacy_notes = legacy_of(sample)
    notes += legacy_notes
    lines = text_tables(_stream_text(path, encoding, legacy, limits))
    return ReportSource(str(path), path.suffix.lstrip(".").lower(), lines, notes, limits)


class LineTooLong(ValueError):
    """A line of a text stream ran past ``max_line`` characters without a break."""

    def __init__(self, chars: int) -> None:
        super().__init__(f"{chars:,} characters without a line break")
        self.chars = chars


def bounded_lines(fh: IO[str], limit: int, max_line: int = 0) -> Iterator[str]:
    """Lines of a text stream, never holding more than about ``limit`` characters: a line
    longer than that (a file with no line breaks) comes out in pieces cut at sentence ends or
    spaces, so a 1 GB single-line file streams like any other. With ``max_line``, a line
    longer than that raises :class:`LineTooLong` once that many characters are read."""
    carry = ""
    run = 0
    while True:
        chunk = fh.readline(limit)
        if not chunk:
            break
        run += len(chunk)
        if max_line and run > max_line:
            raise LineTooLong(run)
        if chunk.endswith(("\n", "\r")) or len(chunk) < limit:
            yield carry + chunk
            carry = ""
            run = 0
            continue
        text = carry + chunk
        window = text[:limit]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind(" "))
        cut = cut + 1 if cut > limit // 2 else limit
        yield text[:cut]
        carry = text[cut:]
    if carry:
        yield carry


def _stream_text(path: Path, encoding: str, legacy: LegacyEncoding | None,
                 limits: ReadLimits) -> Iterator[str]:
    try:
        with path.open("r", encoding=encoding, newline=None) as fh:
            lines = bounded_lines(fh, limits.max_paragraph_chars, limits.max_line_chars)
            for number, line in enumerate(lines, 1):
                if legacy:
                    line = decode_legacy(line, legacy)
                if "\x00" in line:
                    raise ReportReadError(path, f"binary content at line {number}")
                yield line
    except LineTooLong as exc:
        raise too_big(path, "line length", exc.chars, limits.max_line_chars,
                      "characters or more") from exc
    except UnicodeDecodeError as exc:
        raise ReportReadError(
            path, f"not valid {encoding} text (undecodable bytes near offset {exc.start})"
        ) from exc
    except OSError as exc:
        raise ReportReadError(path, f"cannot read: {exc.strerror or exc}") from exc


def open_stdin(stream: object = None, *, name: str = "<stdin>",
               limits: ReadLimits | None = None) -> ReportSource:
    """Read a report from standard input (bytes), decoded like a text file."""
    import sys  # noqa: PLC0415

    limits = limits or ReadLimits.default()
    buffer = stream if stream is not None else sys.stdin.buffer
    data = buffer.read(limits.max_document_bytes + 1)  # type: ignore[attr-defined]
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise ReportReadError(name, "no text on standard input")
    if len(data) > limits.max_document_bytes:
        raise too_big(name, "file size", len(data), limits.max_document_bytes, "bytes or more")
    encoding = sniff_encoding(Path(name), data[: C.SNIFF_BYTES])
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "cp1258", data.decode("cp1258", errors="replace")
    lines, notes = fix_legacy_lines(list(text_tables(text.splitlines())))
    if encoding == "cp1258":
        notes.insert(0, CP1258_NOTE)
    return ReportSource(name, "txt", lines, notes, limits)


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_CHUNK = 500  # rows held at once; a longer table goes out in pieces under the same header


def _cells(line: str) -> list[str] | None:
    """The cells of a pasted table row (tab-separated, or a Markdown ``| a | b |`` row)."""
    if _PIPE_ROW.match(line):
        return [c.strip() for c in line.strip().strip("|").split("|")]
    if "\t" in line.strip("\r\n\t "):
        return [c.strip() for c in line.rstrip("\r\n").split("\t")]
    return None


def text_tables(lines: Iterable[str]) -> Iterator[Line]:
    """Lines of a text file, with its tables (runs of two or more tab-separated or Markdown
    rows, as Word and spreadsheets paste them) turned into readable body lines."""
    run: list[tuple[str, list[str]]] = []
    header: list[str] | None = None

    def flush(final: bool) -> Iterator[Line]:
        nonlocal run, header
        if len(run) >= 2 or (header is not None and run):
            rows = [cells for _, cells in run]
            if header is not None:
                rows = [header, *rows]
            grid = [[(i, 1, [c] if c else []) for i, c in enumerate(row)] for row in rows]
            yield from (Line(t, "body") for t in table_lines(grid))
            header = None if final else (header or rows[0])
        else:
            yield from (Line(raw) for raw, _ in run)
            header = None
        run = []

    for raw in lines:
        if _PIPE_RULE.match(raw) and run:
            continue  # the |---|---| line under a Markdown header
        cells = _cells(raw)
        if cells is not None and sum(1 for c in cells if c) >= 2:
            run.append((raw, cells))
            if len(run) >= _TABLE_CHUNK:
                yield from flush(final=False)
            continue
        if not raw.strip() and run:
            continue  # blank lines between pasted rows
        if run:
            yield from flush(final=True)
        header = None
        yield Line(raw)
    if run:
        yield from flush(final=True)
