"""The .docx reader: parts, structure and order."""

from helpers import _p, write_docx_parts
from tgclassify.readers import open_report
from tgclassify.segment import iter_paragraphs


def read(path):
    source = open_report(path)
    return list(source.lines()), source


def test_headers_footers_footnotes_text_boxes_and_content_controls_in_order(tmp_path):
    ref = '<w:r><w:footnoteReference w:id="1"/></w:r>'
    box = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
           '<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
           + _p("Khung: 96% chi bộ tổ chức học tập chuyên đề") +
           '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
           '</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
           + _p("Khung: 96% chi bộ tổ chức học tập chuyên đề") +
           '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    control = ('<w:sdt><w:sdtPr><w:alias w:val="Kết quả"/></w:sdtPr><w:sdtContent>'
               + _p("Đoạn trong ô nhập liệu của mẫu báo cáo.") + "</w:sdtContent></w:sdt>")
    placeholder = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
                   + _p("Bấm vào đây để nhập văn bản.") + "</w:sdtContent></w:sdt>")
    inline = ('<w:p><w:r><w:t xml:space="preserve">Phụ trách: </w:t></w:r><w:sdt><w:sdtContent>'
              '<w:r><w:t>Ban Tuyên giáo</w:t></w:r></w:sdtContent></w:sdt></w:p>')
    body = (_p("I. KẾT QUẢ", "Heading1")
            + _p("Tổ chức 12 hội nghị báo cáo viên.", extra=ref)
            + _p("Đoạn có khung bên cạnh.", extra=box)
            + control + placeholder + inline
            + _p("II. NHIỆM VỤ", "Heading1"))
    path = write_docx_parts(
        tmp_path / "parts.docx", body, header="Ban Tuyên giáo Tỉnh ủy - Báo cáo năm 2024",
        footer="Trang 1", footnotes={"1": "Số liệu đến ngày 30/11/2024."},
        styles='<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
               '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>')
    lines, _ = read(path)
    assert [str(x) for x in lines] == [
        "Ban Tuyên giáo Tỉnh ủy - Báo cáo năm 2024",
        "I. KẾT QUẢ",
        "Tổ chức 12 hội nghị báo cáo viên.",
        "Số liệu đến ngày 30/11/2024.",           # the footnote, after the paragraph citing it
        "Đoạn có khung bên cạnh.",
        "Khung: 96% chi bộ tổ chức học tập chuyên đề",  # the text box once, after its anchor
        "Đoạn trong ô nhập liệu của mẫu báo cáo.",
        "Phụ trách: Ban Tuyên giáo",
        "II. NHIỆM VỤ",
        "Trang 1",
    ]
    kinds = [(x.kind, x.level) for x in lines]
    assert kinds[0] == ("noise", None) and kinds[-1] == ("noise", None)  # header and footer
    assert kinds[1] == ("heading", 1) and kinds[3] == ("body", None) and kinds[5] == ("body", None)
    paragraphs = list(iter_paragraphs(lines))
    assert [p.kind for p in paragraphs].count("noise") == 2
    assert paragraphs[3].heading == "I. KẾT QUẢ"


def test_automatic_numbering_is_rendered_and_bullets_are_body(tmp_path):
    numbering = (
        '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '</w:abstractNum><w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>')

    def item(text, num, level=0):
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
                f'</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>')

    body = (item("KẾT QUẢ", 1) + item("Công tác tuyên truyền", 1, 1) + item("Báo cáo viên", 2)
            + item("Công tác khoa giáo", 1, 1) + item("NHIỆM VỤ", 1))
    path = write_docx_parts(tmp_path / "num.docx", body, extra_parts={})
    # add the numbering part and its relationship
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/numbering.xml"] = numbering.encode()
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    lines, _ = read(path)
    assert [str(x) for x in lines] == ["I. KẾT QUẢ", "1. Công tác tuyên truyền", "Báo cáo viên",
                                       "2. Công tác khoa giáo", "II. NHIỆM VỤ"]
    assert lines[2].kind == "body"
    paragraphs = list(iter_paragraphs(lines))
    assert [p.kind for p in paragraphs] == ["heading", "heading", "body", "heading", "heading"]
    assert paragraphs[2].heading == "I. KẾT QUẢ > 1. Công tác tuyên truyền"


def test_statistics_table_rows_are_joined_with_their_header(tmp_path):
    def row(*cells):
        return "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in cells) + "</w:tr>"

    table = ("<w:tbl>" + row("TT", "Loại lớp", "Số lớp", "Học viên")
             + row("1", "Bồi dưỡng nhận thức về Đảng", "3", "280")
             + row("2", "Trung cấp lý luận chính trị - hành chính", "2", "115") + "</w:tbl>")
    path = write_docx_parts(tmp_path / "t.docx", _p("Kết quả như sau:") + table + _p("III. Giáo dục"))
    lines, _ = read(path)
    assert [str(x) for x in lines] == [
        "Kết quả như sau:", "Bồi dưỡng nhận thức về Đảng: 3 lớp, 280 học viên",
        "Trung cấp lý luận chính trị - hành chính: 2 lớp, 115 học viên", "III. Giáo dục"]
    assert [x.kind for x in lines[1:3]] == ["body", "body"]
