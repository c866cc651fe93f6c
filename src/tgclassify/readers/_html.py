"""HTML pages: the article's text, with the page's structure and without its chrome.

The page is parsed into a small tree first (so a table can be told to be data or layout, and
a block's share of link text measured), then walked:

* dropped whole: scripts, styles, forms, hidden elements, ``nav``/``aside``/``footer``, a
  site ``header`` (not an article's), and elements whose class or id names chrome (menus,
  breadcrumbs, share bars, comments, related news, tags, banners, adverts, pagination);
* kept as chrome (``noise`` lines, counted but not tagged): photo captions, bylines, dates,
  and blocks that are nearly all link text (lists of other articles);
* ``h1``-``h6`` are headings with their level; data tables become rows (see ``_tables``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .. import constants as C
from ..errors import ReportReadError
from ._base import Line, ReadLimits, fix_legacy_lines, too_big
from ._tables import table_lines

_SKIP_TAGS = frozenset({"script", "style", "nav", "footer", "aside", "noscript", "form", "iframe",
                        "svg", "template", "button", "select", "head", "menu", "object", "embed",
                        "canvas", "video", "audio", "map", "dialog", "textarea"})
_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                         "td", "th", "table", "section", "article", "blockquote", "pre",
                         "figcaption", "figure", "dd", "dt", "dl", "main", "hr", "title",
                         "caption", "header", "address", "center", "tbody", "thead", "tfoot"})
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col",
                        "source", "track", "param", "embed", "keygen"})
# a start tag of these closes an open <p> (HTML's implied end tags)
_CLOSES_P = _BLOCK_TAGS - {"td", "th", "tr", "tbody", "thead", "tfoot", "caption"}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}

# Class/id words of page chrome. Matched inside the name ("box-tinlienquan", "social-share").
_CHROME_NAME = re.compile(
    r"breadcrumb|sidebar|side-bar|footer|social|share|sharing|comment|binhluan|related|relate|"
    r"tinlienquan|tin-lien-quan|tinkhac|tin-khac|othernews|other-news|morenews|more-news|"
    r"mostview|most-view|mostread|docnhieu|xemnhieu|quangcao|advert|banner|pagination|paging|"
    r"navbar|navigation|menu|widget|toolbar|copyright|hashtag|keyword|tags?-|-tags?\b|"
    r"\btags?\b|\bnav\b|\bads?\b|\bpoll\b|\bsearch\b|\blogin\b|\btopbar\b|\bprint\b|\brss\b|"
    r"\bweather\b|\bthoitiet\b|\bdownload\b|\bvideo-list\b|\bbox-video\b|newsletter|subscribe|"
    r"\bcat\b|categor|chuyenmuc|chuyen-muc|\bcate\b|post-cat", re.I)
# ... and of blocks kept but marked chrome: captions, bylines, dates, sources
_CAPTION_NAME = re.compile(r"caption|chuthich|chu-thich|image-desc|img-desc|photo-desc|\bdesc\b|"
                           r"\bimage\b|\bphoto\b|\bpic\b", re.I)
_META_NAME = re.compile(r"\bauthor\b|byline|\bdate\b|datetime|publish|\btime\b|\bsource\b|"
                        r"\bnguon\b|\btacgia\b|post-meta|article-meta|\bmeta\b|\binfo\b", re.I)
# content containers: a site-header word inside one of these is the article's header
_CONTENT_NAME = re.compile(r"article|detail|content|post|entry|story|news-body|\bmain\b|title",
                           re.I)
_LINK_SHARE = 0.8  # a short block this much link text is a list of other pages
_CAPTION_WORDS = 30  # a block this short right under a picture is its caption


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)
    parent: _Node | None = None


class _TreeBuilder(HTMLParser):
    def __init__(self, path: Path, max_depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]
        self.path, self.max_depth = path, max_depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P:
            self._close_implied("p", stop={"td", "th", "li", "div", "table"})
        if tag == "li":
            self._close_implied("li", stop={"ul", "ol", "table"})
        elif tag in ("td", "th"):
            self._close_implied(("td", "th"), stop={"tr", "table"})
        elif tag == "tr":
            self._close_implied("tr", stop={"table", "tbody", "thead", "tfoot"})
        node = _Node(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag in _VOID_TAGS:
            return
        self.stack.append(node)
        if len(self.stack) > self.max_depth:
            raise too_big(self.path, "HTML nesting depth", len(self.stack), self.max_depth,
                          "levels or more")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS and self.stack[-1].tag == tag:
            self.stack.pop()

    def _close_implied(self, tags: str | tuple[str, ...], stop: set[str]) -> None:
        names = (tags,) if isinstance(tags, str) else tags
        for i in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[i].tag
            if tag in names:
                del self.stack[i:]
                return
            if tag in stop:
                return

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]  # close up to the matching tag: real pages leave tags open
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _names(node: _Node) -> str:
    return f"{node.attrs.get('class', '')} {node.attrs.get('id', '')} {node.attrs.get('role', '')}"


def _hidden(node: _Node) -> bool:
    a = node.attrs
    style = a.get("style", "").replace(" ", "").lower()
    return ("hidden" in a or a.get("aria-hidden") == "true" or "display:none" in style
            or "visibility:hidden" in style)


def _skip(node: _Node) -> bool:
    if node.tag in _SKIP_TAGS or _hidden(node):
        return True
    names = _names(node)
    if node.tag == "header" or re.search(r"\bheader\b|\btop\b|masthead", names, re.I):
        # the site's header, not an article's own (which holds its title)
        inside_content = any(a.tag in ("article", "main") or _CONTENT_NAME.search(_names(a))
                             for a in _ancestors(node))
        if not inside_content and not _CONTENT_NAME.search(names):
            return True
    if not names.strip():
        return False
    return bool(_CHROME_NAME.search(names)) and not re.search(r"\barticle\b|\bdetail\b", names, re.I)


def _ancestors(node: _Node) -> list[_Node]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def _text_of(node: _Node) -> str:
    parts: list[str] = []
    stack: list[_Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif item is node or not _skip(item):
            if item.tag == "br":
                parts.append(" ")
            stack.extend(reversed(item.children))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _is_data_table(table: _Node) -> bool:
    """A table of figures or short entries, not a page laid out in a table."""
    stack: list[_Node | str] = list(table.children)
    cells = 0
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            continue
        if item.tag in ("table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "img", "form"):
            return False
        if item.tag in ("td", "th"):
            cells += 1
            if len(_text_of(item)) > 3 * C.TABLE_CELL_MAX_CHARS:
                return False
        stack.extend(item.children)
    return cells >= 2


def _image_only(node: _Node) -> bool:
    """A block holding a picture and no text."""
    has_image = False
    stack: list[_Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.strip():
                return False
            continue
        has_image = has_image or item.tag in ("img", "picture")
        stack.extend(item.children)
    return has_image


class _Walker:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.link_chars = 0
        self.after_image = False  # the last block was a picture: a short text next is its caption

    def flush(self, kind: str | None, level: int | None = None) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        link_chars, self.buf, self.link_chars = self.link_chars, [], 0
        if not text:
            return
        letters = len(text.replace(" ", ""))
        if kind is None and letters and link_chars >= _LINK_SHARE * letters and len(text.split()) <= 40:
            kind = "noise"  # a link to another page, not this page's text
        if self.after_image and kind != "heading" and len(text.split()) <= _CAPTION_WORDS:
            kind = "noise"  # the caption under a photo
        self.after_image = False
        self.lines.append(Line(text, kind, level if kind == "heading" else None))

    def walk(self, node: _Node, kind: str | None, level: int | None, in_link: bool) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.buf.append(child.replace("\n", " "))
                if in_link:
                    self.link_chars += len(child.replace(" ", "").replace("\n", ""))
                continue
            if _skip(child):
                continue
            tag = child.tag
            if tag == "br":
                self.flush(kind, level)
                continue
            if tag not in _BLOCK_TAGS:
                self.walk(child, kind, level, in_link or tag == "a")
                continue
            self.flush(kind, level)
            if _image_only(child):
                self.after_image = True
                continue
            child_kind, child_level = kind, level
            names = _names(child)
            if tag in _HEADINGS:
                child_kind, child_level = "heading", _HEADINGS[tag]
            elif tag == "table" and _is_data_table(child):
                self.lines.extend(Line(t, "body") for t in table_lines(_rows(child)))
                continue
            elif tag in ("figcaption", "caption", "address") or (
                    names.strip() and (_CAPTION_NAME.search(names) or _META_NAME.search(names))):
                child_kind = "noise"  # a photo caption, a byline or a date
            elif tag in ("li", "dd", "dt") and child_kind != "noise":
                child_kind = "body" if child_kind is None else child_kind
            self.walk(child, child_kind, child_level, in_link)
            self.flush(child_kind, child_level)


def _rows(table: _Node) -> list[list[tuple[int, int, list[str]]]]:
    rows = []
    stack: list[_Node | str] = list(reversed(table.children))
    while stack:
        item = stack.pop()
        if isinstance(item, str) or _skip(item):
            continue
        if item.tag == "tr":
            col, row = 0, []
            for cell in item.children:
                if isinstance(cell, str) or cell.tag not in ("td", "th"):
                    continue
                span = int(cell.attrs.get("colspan", "1")) if cell.attrs.get("colspan", "1").isdigit() else 1
                walker = _Walker()
                walker.walk(cell, "body", None, False)
                walker.flush("body")
                row.append((col, max(1, min(span, 100)), [str(t) for t in walker.lines]))
                col += max(1, min(span, 100))
            rows.append(row)
        else:
            stack.extend(reversed(item.children))
    return rows


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def decode_html(path: Path, data: bytes) -> str:
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


def read_html(path: Path, data: bytes, limits: ReadLimits) -> tuple[list[Line], list[str]]:
    if len(data) > limits.html_max_bytes:
        raise too_big(path, "HTML size", len(data), limits.html_max_bytes, "bytes")
    text = decode_html(path, data)
    builder = _TreeBuilder(path, limits.html_max_depth)
    try:
        builder.feed(text)
        builder.close()
    except ReportReadError:
        raise
    except Exception as exc:  # html.parser is lenient; anything it raises means garbage input
        raise ReportReadError(path, f"unparseable HTML ({type(exc).__name__})") from exc
    walker = _Walker()
    walker.walk(builder.root, None, None, False)
    walker.flush(None)
    return fix_legacy_lines(walker.lines)
