"""Read report files (.txt, .md, .docx, .doc, .html, .pdf) into lines, one paragraph per line.

Every reader ends in the same place: NFC text, legacy 8-bit font encodings (TCVN3, VNI)
converted, invisible characters removed (one cleaner, :func:`clean_line`, shared with
normalization), one paragraph per line. Each line is a :class:`Line`: a ``str`` that also
carries what the file's structure says about it (a heading style and its level, a table row,
a page header), for :func:`~tgclassify.segment.iter_paragraphs` to use. Failures raise
:class:`~tgclassify.errors.ReportReadError` naming the file and the reason, so a batch can
record the failure and go on with the other files.

Plain-text files are streamed line by line (:func:`open_report`), so a 50 MB text file does not
have to fit in memory; documents are parsed whole (the body of a .docx as a stream), within
the limits of :class:`ReadLimits`.

One private module per format: ``_text`` (.txt, .md, standard input), ``_docx``, ``_doc``
(through LibreOffice), ``_html``, ``_pdf`` (through PDFium); ``_tables`` turns table rows into
lines for .docx and HTML alike; ``_quality`` checks extracted text for split syllables.
"""

from __future__ import annotations

import stat
import warnings
from pathlib import Path

from ..errors import ReportReadError
from ..legacy import LegacyEncodingWarning
from ..normalize import clean_line
from ._base import Line, ReadLimits, ReportSource, library_warnings, too_big
from ._text import open_stdin, open_text

__all__ = ["SUPPORTED_SUFFIXES", "Line", "ReadLimits", "ReportSource", "clean_line", "open_report",
           "open_stdin", "read_report"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".doc", ".html", ".htm", ".pdf")
_TEXT_SUFFIXES = (".txt", ".md")


def read_report(path: str | Path, *, limits: ReadLimits | None = None) -> str:
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
        return "\n".join(open_report(path, limits=limits).lines())


def open_report(path: str | Path, *, limits: ReadLimits | None = None) -> ReportSource:
    """Open a report for reading; raises :class:`ReportReadError` for anything unreadable.

    The checks that need no parsing (existence, extension, size, emptiness) happen here, so a
    bad file fails at once; text files are then read lazily by :meth:`ReportSource.lines`.
    ``limits`` overrides the default :class:`ReadLimits`.
    """
    limits = limits or ReadLimits.default()
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists():
        if p.is_symlink():
            raise ReportReadError(p, "broken symbolic link, or a loop of links")
        raise ReportReadError(p, "no such file")
    if p.is_dir():
        raise ReportReadError(p, "is a folder (pass -r to tag a folder's files)")
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        raise ReportReadError(p, f"cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        # reading a named pipe or a device could block forever or never end
        what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        raise ReportReadError(p, f"not a regular file: {what}")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReportReadError(
            p, f"unsupported file type {suffix or '(none)'!r}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReportReadError(p, f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise ReportReadError(p, "file is empty")
    if suffix in _TEXT_SUFFIXES:
        if size > limits.max_text_bytes:
            raise too_big(p, "text file size", size, limits.max_text_bytes, "bytes")
        return open_text(p, limits)
    if size > limits.max_document_bytes:
        raise too_big(p, "file size", size, limits.max_document_bytes, "bytes")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReportReadError(p, f"cannot read: {exc.strerror or exc}") from exc
    notes: list[str] = []
    with library_warnings(notes):
        lines, own = _reader(suffix)(p, data, limits)
    if not any(clean_line(line) for line in lines):
        raise ReportReadError(p, "contains no text")
    return ReportSource(str(p), suffix.lstrip("."), lines, own + notes, limits)


def _reader(suffix: str):  # type: ignore[no-untyped-def]
    # imported on first use: python's start-up stays light, and a PDF-only user never loads lxml
    if suffix == ".docx":
        from ._docx import read_docx  # noqa: PLC0415

        return read_docx
    if suffix == ".doc":
        from ._doc import read_doc  # noqa: PLC0415

        return read_doc
    if suffix == ".pdf":
        from ._pdf import read_pdf  # noqa: PLC0415

        return read_pdf
    from ._html import read_html  # noqa: PLC0415

    return read_html
