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
