"""Builders of test documents (PDF, DOCX) so fixtures stay small and readable."""

from __future__ import annotations

from pathlib import Path


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A minimal valid PDF: each page a list of lines in Helvetica (Latin-1 text only)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1: catalog, 2: pages, 3: font, then (page, content) pairs
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
        for line in lines:
            ops.append(f"({_pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n"
                       + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, *, legacy_paragraph: str | None = None) -> Path:
    """A report with a title, headings, body paragraphs and a table of results."""
    import docx

    d = docx.Document()
    d.add_heading("BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN GIÁO NĂM 2023", level=1)
    d.add_heading("1. Công tác khoa giáo", level=2)
    d.add_paragraph("Ngành giáo dục tổ chức khai giảng năm học mới an toàn; 12 trường đạt "
                    "chuẩn quốc gia, tỷ lệ tham gia bảo hiểm y tế đạt 93%.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Lĩnh vực"
    table.cell(0, 1).text = "Kết quả"
    table.cell(1, 0).text = "Tuyên truyền miệng"
    table.cell(1, 1).text = ("Tổ chức 24 hội nghị báo cáo viên cấp huyện, 310 buổi nói chuyện "
                             "thời sự ở chi bộ.")
    d.add_heading("2. Bảo vệ nền tảng tư tưởng của Đảng", level=2)
    d.add_paragraph("Ban Chỉ đạo 35 huyện đấu tranh, phản bác 40 luận điệu sai trái trên "
                    "mạng xã hội.")
    if legacy_paragraph is not None:
        p = d.add_paragraph()
        run = p.add_run(legacy_paragraph)
        run.font.name = ".VnTime"
    d.save(str(path))
    return path


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters, tone marks as combining marks."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        out.append(base + "".join(c for c in nfd if c in tones))
    return "".join(out).encode("cp1258")


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_MORE_NS = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:v="urn:schemas-microsoft-com:vml"')


def _p(text: str, style: str | None = None, extra: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>{extra}</w:p>"


def write_docx_parts(path: Path, body: str, *, header: str | None = None, footer: str | None = None,
                     footnotes: dict[str, str] | None = None, styles: str = "",
                     extra_parts: dict[str, bytes] | None = None) -> Path:
    """A .docx written part by part, so a test controls every piece of WordprocessingML."""
    import zipfile

    rels = ['<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/>']
    parts = {"word/styles.xml": f'<w:styles {_W_NS}>{styles}</w:styles>'}
    if header is not None:
        rels.append('<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/header" Target="header1.xml"/>')
        parts["word/header1.xml"] = f"<w:hdr {_W_NS}>{_p(header)}</w:hdr>"
    if footer is not None:
        rels.append('<Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/footer" Target="footer1.xml"/>')
        parts["word/footer1.xml"] = f"<w:ftr {_W_NS}>{_p(footer)}</w:ftr>"
    if footnotes is not None:
        rels.append('<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/footnotes" Target="footnotes.xml"/>')
        notes = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                 '</w:footnote>']
        notes += [f'<w:footnote w:id="{k}">{_p(v)}</w:footnote>' for k, v in footnotes.items()]
        parts["word/footnotes.xml"] = f"<w:footnotes {_W_NS}>{''.join(notes)}</w:footnotes>"
    parts["word/document.xml"] = (f"<w:document {_W_NS} {_R_NS} {_MORE_NS}><w:body>{body}"
                                  "<w:sectPr/></w:body></w:document>")
    parts["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>")
    parts["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
        for name, data in (extra_parts or {}).items():
            zf.writestr(name, data)
    return path


def deflate_repeated(chunk: bytes, times: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``chunk`` repeated ``times`` times, built without inflating it
    all: one fully flushed block repeated (blocks after a full flush refer to nothing before
    them). Returns the stream and the CRC-32 of the inflated data."""
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return block * times + tail, crc


def docx_bomb(path: Path, inflated: int, *, declared: int | None = None) -> Path:
    """A .docx whose document.xml inflates to ``inflated`` bytes (under 4 GiB) from a stream
    about a thousand times smaller; ``declared`` makes the zip directory lie about the size."""
    import struct
    import zipfile

    chunk = (b"<w:p><w:r><w:t>" + b"a" * 1000 + b"</w:t></w:r></w:p>") * 1000
    times = max(1, inflated // len(chunk))
    stream, crc = deflate_repeated(chunk, times)
    size = len(chunk) * times
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("_rels/.rels", b'<Relationships xmlns="http://schemas.openxmlformats.org/'
                    b'package/2006/relationships"/>')
        zf.writestr("word/document.xml", stream)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    usize = size if declared is None else declared
    # local header: method at +8, crc +14, sizes +18/+22; central entry: method +10, crc +16...
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<HHHIII", data, local + 8, 8, 0, 0, crc, len(stream), usize)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<HHHIII", data, central + 10, 8, 0, 0, crc, len(stream), usize)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path
