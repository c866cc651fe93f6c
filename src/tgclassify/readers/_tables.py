"""Tables as text: rows of cells into readable body lines, the same for .docx and HTML.

A statistics table (a header row over rows of short cells) becomes one line per row, each
figure with its column's name: ``Bồi dưỡng nhận thức về Đảng: 3 lớp, 280 học viên``. A row
whose cells are whole paragraphs (a table used for layout) comes out cell by cell. The header
row itself is not a line: its words are in every row. Table lines are body text, never
headings; the caller marks them so.

>>> rows = [[(0, 1, ["Loại lớp"]), (1, 1, ["Số lớp"]), (2, 1, ["Học viên"])],
...         [(0, 1, ["Bồi dưỡng nhận thức về Đảng"]), (1, 1, ["3"]), (2, 1, ["280"])]]
>>> table_lines(rows)
['Bồi dưỡng nhận thức về Đảng: 3 lớp, 280 học viên']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import constants as C

#: (first grid column, columns spanned, paragraphs of the cell); merged continuations are empty
Cell = tuple[int, int, list[str]]

_NUMBER = re.compile(r"^[-+]?\d[\d.,]*\s*%?$|^[-–]$")
_ORDINAL_HEADER = re.compile(r"^(?:s?tt|số\s*tt|số\s+thứ\s+tự|thứ\s+tự)\.?$", re.I)
_ORDINAL_VALUE = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6}|[a-zđ])[.)]?$")
_HEADER_UNIT = re.compile(r"^(.*?)\s*\(([^()]{1,30})\)$")
_COUNT_HEADER = re.compile(r"^(?:số\s+lượng|số)\s+(.+)$", re.I)
# the letterhead and signature blocks of an official document are laid out in tables too
_LETTERHEAD = re.compile(
    r"ĐẢNG CỘNG SẢN|CỘNG HÒA|CỘNG HOÀ|ĐỘC LẬP|ĐẢNG BỘ|TỈNH ỦY|TỈNH UỶ|HUYỆN ỦY|HUYỆN UỶ|THÀNH ỦY|"
    r"THÀNH UỶ|ĐẢNG ỦY|ĐẢNG UỶ|BAN TUYÊN GIÁO|ỦY BAN|UỶ BAN|^Số\s*:?\s*\d|ngày\s+\d{1,2}\s+tháng|"
    r"^Nơi nhận|^T/?M\b|^K/?T\b")
_MAX_LABEL_CHARS = 100


def _short(texts: list[str]) -> bool:
    return len(texts) == 1 and len(texts[0]) <= C.TABLE_CELL_MAX_CHARS


def _text(cell: Cell) -> str:
    return " ".join(t.strip() for t in cell[2] if t.strip())


def _header_like(row: Sequence[Cell]) -> bool:
    filled = [c for c in row if _text(c)]
    return len(filled) >= 2 and all(
        _short(c[2]) and len(_text(c)) <= 60 and not _text(c)[0].isdigit()
        and not _text(c).endswith((".", ";")) and not _LETTERHEAD.search(_text(c))
        for c in filled)


def _has_numbers(row: Sequence[Cell]) -> bool:
    return any(_NUMBER.match(_text(c)) for c in row[1:] if _text(c))


def _covering(header: Sequence[Cell], col: int) -> str:
    for hcol, span, _texts in header:
        if hcol <= col < hcol + span:
            return _text((hcol, span, _texts))
    return ""


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].islower() and text[0].isupper():
        return text[0].lower() + text[1:]
    return text


def with_header(value: str, header: str) -> str:
    """A figure with its column's name: ``3`` under ``Số lớp`` is ``3 lớp``.

    >>> with_header("280", "Học viên"), with_header("96,5", "Tỷ lệ (%)"), with_header("12", "Năm 2024")
    ('280 học viên', 'tỷ lệ 96,5%', 'Năm 2024: 12')
    """
    header = header.strip().rstrip(":")
    if not header:
        return value
    if _NUMBER.match(value):
        unit = _HEADER_UNIT.match(header)
        if unit:
            name, measure = unit.groups()
            sep = "" if measure.strip() == "%" else " "
            return f"{_lower_first(name)} {value}{sep}{measure.strip()}".strip()
        count = _COUNT_HEADER.match(header)
        if count:
            return f"{value} {count.group(1)}"
        if any(ch.isdigit() for ch in header):
            return f"{header}: {value}"
        return f"{value} {_lower_first(header)}"
    return f"{_lower_first(header)}: {value}"


def table_lines(rows: list[list[Cell]]) -> list[str]:
    """Readable lines of a table given as rows of grid cells."""
    width = max((col + span for row in rows for col, span, _ in row), default=0)
    out: list[str] = []
    header: list[Cell] | None = None
    ordinal_cols: set[int] = set()
    start = 0
    # rows spanning the whole width before the header are the table's title
    while start < len(rows) and _single(rows[start], width):
        out.extend(t for c in rows[start] for t in c[2] if t.strip())
        start += 1
    rest = rows[start:]
    if len(rest) >= 2 and _header_like(rest[0]):
        numbered = any(_has_numbers(r) for r in rest[1:])
        longer = any(len(_text(c)) > len(_covering(rest[0], c[0])) + 20 for r in rest[1:] for c in r)
        if numbered or longer:
            header = list(rest[0])
            rest = rest[1:]
            # a second header row (sub-columns under a spanning header) refines the names
            while len(rest) >= 2 and _header_like(rest[0]) and not _has_numbers(rest[0]) and numbered:
                header = _merge_headers(header, rest[0])
                rest = rest[1:]
            ordinal_cols = {col for col, _span, texts in header
                            if _ORDINAL_HEADER.match(" ".join(texts).strip())}
    if header is None and rest:
        # an unnamed first column of 1, 2, 3... (or I, II, a, b) is a row number
        firsts = [_text(r[0]) for r in rest if r and r[0][0] == 0 and _text(r[0])]
        if len(firsts) >= 2 and all(_ORDINAL_VALUE.match(t) for t in firsts) and width > 2:
            ordinal_cols = {0}
    for row in rest:
        cells = [c for c in row if c[0] not in ordinal_cols and _text(c)]
        out.extend(_row_lines(cells, header))
    return out


def _single(row: Sequence[Cell], width: int) -> bool:
    filled = [c for c in row if _text(c)]
    return width > 1 and len(filled) == 1 and filled[0][1] >= width


def _merge_headers(top: list[Cell], below: Sequence[Cell]) -> list[Cell]:
    merged: list[Cell] = []
    for col, span, texts in below:
        name = " ".join(texts).strip()
        merged.append((col, span, [name] if name else [_covering(top, col)]))
    covered = {c for col, span, _ in merged for c in range(col, col + span)}
    merged += [c for c in top if c[0] not in covered]
    return sorted(merged)


def _row_lines(cells: list[Cell], header: list[Cell] | None) -> list[str]:
    if not cells:
        return []
    if len(cells) == 1:
        return [t for t in cells[0][2] if t.strip()]
    label, values = cells[0], cells[1:]
    label_text = _text(label)
    label_ok = (_short(label[2]) and len(label_text) <= _MAX_LABEL_CHARS
                and not _LETTERHEAD.search(label_text) and not label_text.endswith((".", ";")))
    if all(_short(c[2]) for c in cells) and label_ok:
        if header is not None:
            if len(values) == 1 and not _NUMBER.match(_text(values[0])):
                parts = [_text(values[0])]
            else:
                parts = [with_header(_text(c), _covering(header, c[0])) for c in values]
            if any(":" in part for part in parts):
                # named text values read as a list: "Hội thi ...; thời gian: Tháng 5/2025; ..."
                return ["; ".join([label_text.rstrip(":"), *parts])]
            return [_join(label_text, parts)]
        if any(any(ch.isdigit() for ch in _text(c)) for c in values) and not any(
                _LETTERHEAD.search(_text(c)) for c in values):
            return [_join(label_text, [_text(c) for c in values])]
    elif label_ok and all(len(c[2]) == 1 for c in values) and not any(
            _LETTERHEAD.search(_text(c)) for c in values):
        # a row label before a sentence-long cell: "Tuyên truyền miệng: Tổ chức 24 hội nghị..."
        return [_join(label_text, [_text(c) for c in values], sep="; ")]
    return [t for c in cells for t in c[2] if t.strip()]


def _join(label: str, parts: list[str], sep: str = ", ") -> str:
    parts = [p for p in parts if p]
    if not parts:
        return label
    head = label if label.endswith(":") else f"{label}:"
    return f"{head} {sep.join(parts)}"
