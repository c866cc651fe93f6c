""".docx: the WordprocessingML package read part by part, with the limits checked first.

Order of the lines: page headers (once each, as chrome), then the body in document order
(paragraphs; tables as rows; content controls opened; text boxes after the paragraph that
anchors them; footnotes after the paragraph that cites them), endnotes, then page footers
(once each, as chrome). Structure is passed on as :class:`~tgclassify.readers.Line` kinds:
heading styles and outline levels give ``heading`` with a level, table rows, list bullets,
text boxes and notes are ``body``, headers and footers ``noise``.

The body is parsed as a stream (``lxml.etree.iterparse``), each top-level block dropped once
read, so memory follows the largest block, not the document. The zip's central directory is
checked before anything is inflated (member count, declared sizes, ratio), and every part is
read through a counter that stops at the limit whatever the directory declared.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReportReadError
from ..legacy import encoding_for_font, fix_legacy_text
from ._base import Line, ReadLimits, too_big
from ._tables import table_lines

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_W_NS}}}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

# Elements whose runs are not the paragraph's own text: drawings and VML shapes hold text
# boxes (read apart), deleted and moved-away revisions are not shown.
_NOT_TEXT = frozenset(f"{_W}{t}" for t in ("drawing", "pict", "del", "moveFrom", "pPr", "rPr",
                                            "txbxContent", "object"))
_NOT_TEXT |= {f"{_MC}AlternateContent"}
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.I)


class _Counted(io.RawIOBase):
    """A zip member read through a byte counter: stops at ``limit`` bytes actually inflated,
    whatever size the central directory declared."""

    def __init__(self, raw: Any, limit: int, path: Path, name: str) -> None:
        self.raw, self.limit, self.path, self.name, self.count = raw, limit, path, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(min(len(buffer), 1 << 16))
        self.count += len(data)
        if self.count > self.limit:
            raise too_big(self.path, "XML part size", self.count, self.limit, "bytes or more")
        buffer[: len(data)] = data
        return len(data)


@dataclass
class _Package:
    path: Path
    zf: zipfile.ZipFile
    limits: ReadLimits
    names: set[str] = field(default_factory=set)

    def open(self, name: str) -> io.BufferedReader:
        raw = self.zf.open(name)
        return io.BufferedReader(_Counted(raw, self.limits.docx_max_part_bytes, self.path, name))

    def parse(self, name: str) -> Any:
        """A whole (small) part as an element tree, depth and size checked."""
        from lxml import etree  # noqa: PLC0415

        root = None
        depth = 0
        with self.open(name) as fh:
            for event, elem in etree.iterparse(fh, events=("start", "end"), **_PARSER_OPTIONS):
                if event == "start":
                    depth += 1
                    if depth > self.limits.max_xml_depth:
                        raise too_big(self.path, "XML nesting depth", depth,
                                      self.limits.max_xml_depth, "levels or more")
                    if root is None:
                        root = elem
                else:
                    depth -= 1
        return root

    def rels(self, name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of a part."""
        folder, base = posixpath.split(name)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for rel in self.parse(rels_name).iter(f"{_REL}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target.lstrip("/"))
        return out


_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False,
                   "remove_comments": True, "remove_pis": True, "load_dtd": False}


def check_zip(path: Path, zf: zipfile.ZipFile, data_size: int, limits: ReadLimits) -> None:
    """Refuse a zip whose central directory promises too much, before inflating anything."""
    infos = zf.infolist()
    if len(infos) > limits.docx_max_members:
        raise too_big(path, "zip members", len(infos), limits.docx_max_members, "members")
    inflated = sum(i.file_size for i in infos)
    if inflated > limits.docx_max_inflated_bytes:
        raise too_big(path, "inflated size", inflated, limits.docx_max_inflated_bytes, "bytes")
    compressed = max(1, sum(i.compress_size for i in infos), data_size // 2)
    ratio = inflated / compressed
    if inflated > limits.docx_ratio_min_bytes and ratio > limits.docx_max_inflate_ratio:
        raise too_big(path, "inflate ratio", round(ratio, 1),
                      float(limits.docx_max_inflate_ratio), "to 1")


def read_docx(path: Path, data: bytes, limits: ReadLimits) -> tuple[list[Line], list[str]]:
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ReportReadError(path, "old binary Word (.doc) file named .docx; rename it .doc")
        raise ReportReadError(path, "not a .docx file (no zip container)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        # NotImplementedError: a directory naming a zip version or feature zipfile lacks
        raise ReportReadError(path, f"corrupt .docx (damaged zip: {_short(exc)})") from exc
    with zf:
        check_zip(path, zf, len(data), limits)
        package = _Package(path, zf, limits, set(zf.namelist()))
        try:
            return _DocxReader(package).read()
        except ReportReadError:
            raise
        except (zipfile.BadZipFile, KeyError, EOFError, ValueError, OSError,
                NotImplementedError, zlib.error) as exc:
            raise ReportReadError(path, f"corrupt .docx ({type(exc).__name__}: {_short(exc)})") from exc
        except RuntimeError as exc:
            if "encrypted" in str(exc):  # zipfile's word for a password-protected member
                raise ReportReadError(path, "encrypted .docx (password protected)") from exc
            raise
        except Exception as exc:  # lxml parse errors and the like: a damaged file
            if "Excessive depth" in str(exc):  # libxml2's own guard can fire before ours
                raise too_big(path, "XML nesting depth", 257, limits.max_xml_depth,
                              "levels or more") from exc
            if type(exc).__module__.startswith("lxml"):
                raise ReportReadError(path, f"corrupt .docx (bad XML: {_short(exc)})") from exc
            raise


def _short(exc: BaseException) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(exc))
    return text[:160]


# --- styles and numbering ----------------------------------------------------------------------

@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    font: str | None = None
    num: tuple[str, int] | None = None


def _val(elem: Any, child: str) -> str | None:
    found = elem.find(f"{_W}{child}") if elem is not None else None
    return found.get(f"{_W}val") if found is not None else None


def _read_styles(root: Any) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for st in root.iter(f"{_W}style"):
        ppr = st.find(f"{_W}pPr")
        rpr = st.find(f"{_W}rPr")
        outline = _val(ppr, "outlineLvl")
        num = None
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is not None and _val(numpr, "numId"):
            num = (_val(numpr, "numId") or "0", int(_val(numpr, "ilvl") or 0))
        styles[st.get(f"{_W}styleId", "")] = _Style(
            name=_val(st, "name") or "", based_on=_val(st, "basedOn"),
            outline=int(outline) if outline and outline.isdigit() else None,
            font=_fonts_of(rpr), num=num)
    return styles


def _fonts_of(rpr: Any) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(f"{_W}rFonts")
    if fonts is None:
        return None
    for attr in ("ascii", "hAnsi", "cs"):
        name = fonts.get(f"{_W}{attr}")
        if name:
            return name
    return None


def _chain(styles: dict[str, _Style], style_id: str | None) -> Iterator[_Style]:
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        yield styles[style_id]
        style_id = styles[style_id].based_on


_FORMATS = {
    "upperRoman": lambda n: _roman(n), "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": lambda n: _letter(n).upper(), "lowerLetter": lambda n: _letter(n),
    "decimalZero": lambda n: f"{n:02d}", "none": lambda n: "",
}


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letter(n: int) -> str:
    # Vietnamese lists use a, b, c... (Word's lowerLetter); past z it doubles: aa, bb
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


class _Numbering:
    """Word's automatic list numbers, rendered as the reader sees them ("I.", "1.2.", "a)")."""

    def __init__(self, root: Any) -> None:
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        for ab in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in ab.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                start = _val(lvl, "start")
                levels[ilvl] = (_val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "",
                                int(start) if start and start.lstrip("-").isdigit() else 1)
            self.abstract[ab.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            overrides = {}
            for ov in num.iter(f"{_W}lvlOverride"):
                start = _val(ov, "startOverride")
                if start and start.isdigit():
                    overrides[int(ov.get(f"{_W}ilvl", "0"))] = int(start)
            self.nums[num.get(f"{_W}numId", "")] = (_val(num, "abstractNumId") or "", overrides)

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool] | None:
        """The rendered number of the next item at (numId, level), and whether it is a bullet."""
        if num_id in ("", "0") or num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return None
        fmt, text, _start = levels[ilvl]
        if fmt == "bullet":
            return "", True
        key = num_id if overrides else abstract_id
        counters = self.counters.setdefault(
            key, [overrides.get(i, levels.get(i, ("", "", 1))[2]) - 1 for i in range(10)])
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = overrides.get(deeper, levels.get(deeper, ("", "", 1))[2]) - 1
        def render(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            level_fmt = levels.get(level, ("decimal", "", 1))[0]
            value = max(counters[level], 0) if 0 <= level < 10 else 0
            return _FORMATS.get(level_fmt, str)(value) if level_fmt != "bullet" else ""
        return re.sub(r"%(\d)", render, text), False


# --- reading -----------------------------------------------------------------------------------

class _DocxReader:
    def __init__(self, package: _Package) -> None:
        self.pkg = package
        self.found: Counter[str] = Counter()
        self.main = self._main_part()
        self.rels = package.rels(self.main)
        by_type: dict[str, list[str]] = {}
        for kind, target in self.rels.values():
            if target in package.names:
                by_type.setdefault(kind, []).append(target)
        self.by_type = {k: sorted(v, key=_natural) for k, v in by_type.items()}
        self.styles = _read_styles(self._parse_first("styles"))
        self.numbering = _Numbering(self._parse_first("numbering"))
        self.notes = {kind: self._notes(kind) for kind in ("footnotes", "endnotes")}

    def _main_part(self) -> str:
        for kind, target in self.pkg.rels("").values():
            if kind == "officeDocument" and target in self.pkg.names:
                return target
        if "word/document.xml" in self.pkg.names:
            return "word/document.xml"
        raise ReportReadError(self.pkg.path, "corrupt .docx (no main document part)")

    def _parse_first(self, kind: str) -> Any:
        parts = self.by_type.get(kind)
        return self.pkg.parse(parts[0]) if parts else None

    def _notes(self, kind: str) -> dict[str, list[Line]]:
        root = self._parse_first(kind)
        out: dict[str, list[Line]] = {}
        if root is None:
            return out
        for note in root:
            if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            lines = [Line(line, "body") for line in self._blocks(note, force_body=True)]
            out[note.get(f"{_W}id", "")] = lines
        return out

    def read(self) -> tuple[list[Line], list[str]]:
        lines: list[Line] = []
        seen: set[str] = set()
        for part in self.by_type.get("header", []):
            lines.extend(self._furniture(part, seen))
        cited: set[str] = set()
        for block in self._stream_body():
            lines.extend(self._top_block(block, cited))
        for note_id, note_lines in self.notes["footnotes"].items():
            if note_id not in cited:  # a note no paragraph cites still belongs to the report
                lines.extend(note_lines)
        for note_lines in self.notes["endnotes"].values():
            lines.extend(note_lines)
        seen = set()
        for part in self.by_type.get("footer", []):
            lines.extend(self._furniture(part, seen))
        notes = [f"legacy {enc.upper()} font text converted to Unicode" for enc in sorted(self.found)]
        return lines, notes

    def _furniture(self, part: str, seen: set[str]) -> Iterator[Line]:
        """A page header or footer: repeated on every page, shown once, as chrome."""
        root = self.pkg.parse(part)
        if root is None:
            return
        for text in self._blocks(root, force_body=True):
            key = text.strip()
            if key and key not in seen:
                seen.add(key)
                yield Line(text, "noise")

    def _stream_body(self) -> Iterator[Any]:
        """Top-level blocks of the body, one at a time, each dropped once used."""
        from lxml import etree  # noqa: PLC0415

        limit = self.pkg.limits.max_xml_depth
        depth = 0
        body_depth = None
        with self.pkg.open(self.main) as fh:
            for event, elem in etree.iterparse(fh, events=("start", "end"), **_PARSER_OPTIONS):
                if event == "start":
                    depth += 1
                    if depth > limit:
                        raise too_big(self.pkg.path, "XML nesting depth", depth, limit, "levels or more")
                    if elem.tag == f"{_W}body" and body_depth is None:
                        body_depth = depth
                    continue
                depth -= 1
                if body_depth is not None and depth == body_depth:
                    yield elem
                    # drop what was read: memory follows one block, not the document
                    elem.clear()
                    parent = elem.getparent()
                    while parent is not None and elem.getprevious() is not None:
                        del parent[0]

    def _top_block(self, block: Any, cited: set[str]) -> Iterator[Line]:
        tag = block.tag
        if tag == f"{_W}p":
            yield from self._paragraph(block, cited)
        elif tag == f"{_W}tbl":
            yield from self._table(block)
        elif tag == f"{_W}sdt":
            content = block.find(f"{_W}sdtContent")
            if content is not None and not _placeholder(block):
                for child in content:
                    yield from self._top_block(child, cited)
        elif tag in (f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"):
            for child in block:
                yield from self._top_block(child, cited)

    def _blocks(self, container: Any, *, force_body: bool = False) -> Iterator[Line]:
        """Lines of a container (cell, note, header, text box), without notes after them."""
        for child in container:
            for line in self._top_block(child, set()):
                if force_body and line.kind in (None, "heading"):
                    line = Line(line, "body")
                yield line

    def _paragraph(self, p: Any, cited: set[str]) -> Iterator[Line]:
        ppr = p.find(f"{_W}pPr")
        style_id = _val(ppr, "pStyle")
        chain = list(_chain(self.styles, style_id))
        para_font = next((s.font for s in chain if s.font), None)
        refs: list[str] = []
        text = self._runs_text(p, para_font, refs)
        kind, level = self._structure(ppr, chain)
        num = self._number(ppr, chain)
        if num is not None:
            label, bullet = num
            if bullet and kind is None:
                kind = "body"  # a bulleted item is never a heading
            elif label and text.strip():
                text = f"{label} {text.lstrip()}"
        yield Line(text, kind, level)
        for box in self._text_boxes(p):
            yield from self._blocks(box, force_body=True)
        for ref in refs:
            if ref in self.notes["footnotes"]:
                cited.add(ref)
                yield from self.notes["footnotes"][ref]

    def _structure(self, ppr: Any, chain: list[_Style]) -> tuple[str | None, int | None]:
        outline = _val(ppr, "outlineLvl")
        if outline is not None and outline.isdigit():
            level = int(outline)
            return ("heading", level + 1) if level < 9 else ("body", None)
        for style in chain:
            if style.outline is not None:
                return ("heading", style.outline + 1) if style.outline < 9 else (None, None)
            match = _HEADING_NAME.match(style.name)
            if match:
                return "heading", int(match.group(1))
            if style.name.lower() == "title":
                return "heading", 1
        return None, None

    def _number(self, ppr: Any, chain: list[_Style]) -> tuple[str, bool] | None:
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr, "numId") or ""
            return self.numbering.label(num_id, int(_val(numpr, "ilvl") or 0))
        for style in chain:
            if style.num is not None:
                return self.numbering.label(*style.num)
        return None

    def _runs_text(self, p: Any, para_font: str | None, refs: list[str]) -> str:
        parts: list[str] = []
        for run in _runs(p):
            font = _fonts_of(run.find(f"{_W}rPr")) or para_font
            legacy_font = encoding_for_font(font) is not None
            pieces = []
            for node in run:
                tag = node.tag
                if tag == f"{_W}t":
                    pieces.append(node.text or "")
                elif tag == f"{_W}tab":
                    pieces.append("\t")
                elif tag in (f"{_W}br", f"{_W}cr"):
                    pieces.append(" ")
                elif tag == f"{_W}noBreakHyphen":
                    pieces.append("-")
                elif tag == f"{_W}softHyphen" and legacy_font:
                    # TCVN3 puts "ư" on byte 0xAD, which Word may store as a soft-hyphen element
                    pieces.append("\xad")
                elif tag == f"{_W}footnoteReference":
                    refs.append(node.get(f"{_W}id", ""))
            text = "".join(pieces)
            if not text:
                continue
            if legacy_font:
                fixed, legacy = fix_legacy_text(text, font_name=font)
                if legacy:
                    text = fixed
                    self.found[str(legacy)] += 1
            parts.append(text)
        return "".join(parts)

    def _text_boxes(self, p: Any) -> Iterator[Any]:
        """Text boxes anchored in a paragraph; of the two copies Word writes (DrawingML and
        its VML fallback) only the first."""
        for box in p.iter(f"{_W}txbxContent"):
            if any(a.tag == f"{_MC}Fallback" for a in box.iterancestors()):
                continue
            if any(a.tag == f"{_W}txbxContent" for a in box.iterancestors()):
                continue  # a box inside a box is read with its outer box
            yield box

    def _table(self, tbl: Any) -> Iterator[Line]:
        rows: list[list[tuple[int, int, list[str]]]] = []
        for tr in tbl.iter(f"{_W}tr"):
            if next((a for a in tr.iterancestors(f"{_W}tbl")), None) is not tbl:
                continue  # a row of a nested table is read with its cell
            col = 0
            row = []
            for tc in tr.iter(f"{_W}tc"):
                if next((a for a in tc.iterancestors(f"{_W}tr")), None) is not tr:
                    continue
                tcpr = tc.find(f"{_W}tcPr")
                span = int(_val(tcpr, "gridSpan") or 1) if tcpr is not None else 1
                vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
                if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                    texts: list[str] = []  # a merged cell's text belongs to the row above
                else:
                    texts = [line for line in self._blocks(tc, force_body=True) if line.strip()]
                row.append((col, span, texts))
                col += span
            rows.append(row)
        for text in table_lines(rows):
            yield Line(text, "body")


def _runs(p: Any) -> Iterator[Any]:
    """The runs of a paragraph that are its text, through hyperlinks, fields, insertions and
    run-level content controls; not into drawings, text boxes or deleted revisions."""
    stack = list(reversed(list(p)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == f"{_W}r":
            yield node
        elif tag in _NOT_TEXT or not isinstance(tag, str):
            continue
        elif tag == f"{_W}sdt":
            if not _placeholder(node):
                content = node.find(f"{_W}sdtContent")
                if content is not None:
                    stack.extend(reversed(list(content)))
        else:
            stack.extend(reversed(list(node)))


def _placeholder(sdt: Any) -> bool:
    """A content control still showing its prompt ("Click here to enter text")."""
    pr = sdt.find(f"{_W}sdtPr")
    return pr is not None and pr.find(f"{_W}showingPlcHdr") is not None


def _natural(name: str) -> tuple[int, str]:
    digits = re.findall(r"\d+", name)
    return (int(digits[-1]) if digits else 0, name)
