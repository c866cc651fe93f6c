from pathlib import Path

import pytest

from tgclassify import is_noise, segment_report
from tgclassify.segment import heading_level, iter_paragraphs, section_context

FIXTURE = Path(__file__).parent / "fixtures" / "portal_report.txt"


@pytest.fixture(scope="module")
def paragraphs():
    return segment_report(FIXTURE.read_text(encoding="utf-8"))


def kinds(paragraphs):
    return {p.text: p.kind for p in paragraphs}


@pytest.mark.parametrize("line", [
    "ĐẢNG BỘ HUYỆN TRIỂN KHAI NHIỆM VỤ CÔNG TÁC TUYÊN GIÁO", "I. KẾT QUẢ NĂM 2021",
    "1. Công tác tuyên truyền", "1.1. Tuyên truyền miệng", "a) Về công tác khoa giáo",
    "Về công tác văn hóa, văn nghệ", "Đổi mới công tác tuyên truyền",
    "Phần thứ hai: PHƯƠNG HƯỚNG NĂM 2022",
])
def test_every_heading_style_is_a_heading(paragraphs, line):
    assert kinds(paragraphs)[line] == "heading"


@pytest.mark.parametrize("line", [
    "Tiếng Việt | English", "Trang chủ > Tin tức > Tuyên giáo cơ sở", "Thứ Hai, 14/3/2022 08:15",
    "Cập nhật lúc 09:20 ngày 05/6/2023", "Quang cảnh hội nghị", "Ảnh: Minh Đức",
    "Đồng chí Bí thư Huyện ủy phát biểu tại hội nghị", "Nguyễn Văn Hùng", "Theo baodaklak.vn",
    "Chia sẻ", "Facebook | Zalo | Twitter", "In bài viết", "Các tin khác", "Lượt xem: 1.245",
    "Đang online: 37", "© Bản quyền thuộc Ban Tuyên giáo Huyện ủy Krông Năng",
    "Địa chỉ: 120 Hùng Vương, thị trấn Krông Năng", "Email: btgkrongnang@daklak.gov.vn",
    "Điện thoại: 0262.3870.123", "120 Hùng Vương, thị trấn Krông Năng, Đắk Lắk",
    "Nơi nhận:", "- Như trên;", "- Lưu VP.", "T/M BAN THƯỜNG VỤ",
    "(Đã ký)", "Trang 2/3", "- 2 -",
])
def test_chrome_is_noise(paragraphs, line):
    assert kinds(paragraphs)[line] == "noise"


def test_body_paragraphs_stay_body(paragraphs):
    body = [p.text for p in paragraphs if p.kind == "body"]
    assert len(body) == 7
    assert all(len(text.split()) > 8 for text in body)


def test_repeated_caption_appears_once(paragraphs):
    assert [p.text for p in paragraphs].count("Quang cảnh hội nghị") == 1
    assert [p.index for p in paragraphs] == list(range(len(paragraphs)))


def test_headings_nest_into_a_path(paragraphs):
    by_text = {p.text: p for p in paragraphs}
    p = by_text["Đội ngũ báo cáo viên huyện được bổ sung 6 đồng chí, duy trì nói chuyện thời sự "
                "hằng tháng."]
    assert p.section == "1.1. Tuyên truyền miệng"
    assert p.heading == "I. KẾT QUẢ NĂM 2021 > 1. Công tác tuyên truyền > 1.1. Tuyên truyền miệng"
    assert p.path == ("I. KẾT QUẢ NĂM 2021", "1. Công tác tuyên truyền", "1.1. Tuyên truyền miệng")
    last = by_text["Tiếp tục nâng cao chất lượng sinh hoạt chi bộ và công tác nắm bắt dư luận xã "
                   "hội."]
    assert last.path == ("Phần thứ hai: PHƯƠNG HƯỚNG NĂM 2022",)


@pytest.mark.parametrize("line", [
    "Năm 2023, toàn tỉnh tổ chức 45 hội nghị báo cáo viên.",
    "1. Tổ chức thành công 12 hội nghị quán triệt nghị quyết cho 3.400 đảng viên ở các chi bộ "
    "trực thuộc trong toàn huyện, bảo đảm đúng kế hoạch đề ra.",
    "Về công tác tuyên truyền, báo chí và dư luận xã hội, Ban đã ban hành 14 hướng dẫn để chỉ đạo.",
])
def test_sentences_are_not_headings(line):
    assert heading_level(line) is None


@pytest.mark.parametrize("line", [
    "Công tác khoa giáo đi vào nền nếp, các chương trình phối hợp được ký kết.",
    "Cổng thông tin điện tử của Đảng bộ tỉnh (www.example.gov.vn) đăng 1.500 tin bài về "
    "nhiệm vụ chính trị của địa phương trong năm.",
    "Số lượng báo cáo viên cấp huyện tăng 12 đồng chí so với năm trước.",
    "12 trường đạt chuẩn quốc gia, 3 trường được công nhận lại.",
    "35 Ban Chỉ đạo cấp xã được kiện toàn, hoạt động đều đặn.",
    "12 Ban Chỉ đạo cấp xã, 3 tổ công tác.",
])
def test_content_is_not_noise(line):
    assert not is_noise(line)


def test_section_context_matches_segmentation():
    rows = [("heading", "II. CÔNG TÁC KHOA GIÁO"), ("body", "Năm học mới khai giảng."),
            ("heading", "1. Y tế"), ("body", "Tiêm chủng đạt 96%."),
            ("heading", "III. NHIỆM VỤ"), ("body", "Tiếp tục.")]
    paths = section_context(rows)
    assert paths[1] == ("II. CÔNG TÁC KHOA GIÁO",)
    assert paths[2] == ("II. CÔNG TÁC KHOA GIÁO",)
    assert paths[3] == ("II. CÔNG TÁC KHOA GIÁO", "1. Y tế")
    assert paths[5] == ("III. NHIỆM VỤ",)


def test_iter_paragraphs_is_lazy():
    def lines():
        yield "I. TUYÊN TRUYỀN"
        yield "Đoạn văn đầu tiên của phần tuyên truyền có đủ số chữ."
        raise AssertionError("read too far")

    it = iter_paragraphs(lines())
    assert next(it).kind == "heading"
    assert next(it).kind == "body"


def test_structure_from_the_reader_beats_the_text_rules():
    from tgclassify.readers import Line

    lines = [
        Line("BÁO CÁO KẾT QUẢ CÔNG TÁC TUYÊN GIÁO NĂM 2024", "heading", 1),
        Line("III. Giáo dục lý luận chính trị", "heading", 2),
        Line("1. Các lớp bồi dưỡng", "heading", 3),
        "Kết quả mở lớp trong năm như sau:",
        Line("Bồi dưỡng nhận thức về Đảng: 3 lớp, 280 học viên", "body"),
        Line("TRUNG CẤP LÝ LUẬN CHÍNH TRỊ - HÀNH CHÍNH", "body"),
        "Các lớp đều bảo đảm chương trình, thời lượng theo quy định.",
        Line("Ban Tuyên giáo Tỉnh ủy - Báo cáo số 45", "noise"),
        Line("Kết quả nổi bật", "heading", 4),
    ]
    paragraphs = segment_report_lines(lines)
    kinds = [p.kind for p in paragraphs]
    assert kinds == ["heading", "heading", "heading", "body", "body", "body", "body", "noise", "heading"]
    section = "III. Giáo dục lý luận chính trị > 1. Các lớp bồi dưỡng"
    # table rows (even one in capitals) are body under the section the table sits in
    assert all(p.heading == section for p in paragraphs[3:8])
    assert paragraphs[8].heading == section  # a table never changed the section
    assert paragraphs[8].path[-1] == "1. Các lớp bồi dưỡng"


def segment_report_lines(lines):
    return list(iter_paragraphs(lines))


@pytest.mark.parametrize("line", [
    "Kết quả các lớp bồi dưỡng lý luận chính trị trong năm như sau:",
    "Cụ thể:", "Kết quả cụ thể:",
])
def test_a_line_opening_a_list_is_body(line):
    assert heading_level(line) is None


def test_a_numbered_line_ending_in_a_colon_is_still_a_heading():
    assert heading_level("2. Công tác tuyên truyền miệng:") == 2


def test_the_title_stays_the_root_of_the_context():
    rows = [("heading", "KẾ HOẠCH tổ chức Hội Báo Xuân năm 2026"),
            ("body", "Căn cứ Chương trình công tác năm 2025;"),
            ("heading", "I. MỤC ĐÍCH, YÊU CẦU"), ("body", "Giới thiệu các ấn phẩm báo Xuân."),
            ("heading", "II. NỘI DUNG"), ("body", "Trưng bày 300 ấn phẩm.")]
    title = rows[0][1]
    contexts = section_context(rows)
    assert contexts[1] == (title,)
    assert contexts[3] == (title, "I. MỤC ĐÍCH, YÊU CẦU")
    # a heading's own context holds what is above it, not the section it closes
    assert contexts[4] == (title,)
    assert contexts[5] == (title, "II. NỘI DUNG")
    # segmentation gives the model the same context, while the heading path shown stays the sections'
    paragraphs = segment_report("\n".join(text for _, text in rows))
    assert [p.context for p in paragraphs] == [" / ".join(c) for c in contexts]
    assert paragraphs[5].heading == "II. NỘI DUNG"


def test_a_numbered_first_heading_is_not_a_title():
    contexts = section_context([("heading", "II. CÔNG TÁC KHOA GIÁO"), ("body", "Năm học mới."),
                                ("heading", "III. NHIỆM VỤ"), ("body", "Tiếp tục.")])
    assert contexts[3] == ("III. NHIỆM VỤ",)
