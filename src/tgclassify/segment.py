"""Split a report's text into ordered paragraphs: headings, body, and web/page chrome (noise).

Input is the text of a report with one paragraph per line, as the readers produce it. Each line
becomes a :class:`Paragraph` with its position, its kind and the section it sits under. The
rules follow what real reports and the portal pages they are pasted from look like:

* headings: Roman and Arabic numbering ("I.", "2.", "2.1.", "a)"), "Phần thứ ...",
  all-capital lines, short unpunctuated title lines, and short lead-ins ("Về công tác ...");
* noise: menus, dates and times, bylines and sources, photo credits, share/comment widgets,
  related-article lists, counters, advertisements, contact footers, and the furniture of an
  official document (national motto, document number, "Nơi nhận", signature block).

Exact repeats of a paragraph (captions repeated under photos) are kept once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from . import constants as C

__all__ = ["HEADING_SEPARATOR", "Paragraph", "classify_line", "heading_level", "is_noise",
           "iter_paragraphs", "numbering_level", "section_context", "segment_report"]

#: Joins the headings of a section path in :attr:`Paragraph.heading`.
HEADING_SEPARATOR = " > "


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report.

    ``index`` is the position among the report's lines (noise included, repeats excluded);
    ``kind`` is ``"heading"``, ``"body"`` or ``"noise"``; ``heading`` is the full section path
    above it, outermost first, joined by ``" > "`` (``"III. Giáo dục lý luận chính trị > 1.
    Lớp bồi dưỡng"``; None before the first heading); ``path`` holds the same headings as a
    tuple. A heading's own path holds only the headings above it.
    """

    index: int
    text: str
    kind: str
    heading: str | None = None
    path: tuple[str, ...] = field(default=(), compare=False)
    #: ``path`` with the document's title in front when a section has closed it in the path
    #: (see :func:`section_context`); what the model reads as context. None: same as ``path``.
    context_path: tuple[str, ...] | None = field(default=None, compare=False)

    @property
    def section(self) -> str | None:
        """The nearest heading above this paragraph (None before the first)."""
        return self.path[-1] if self.path else None

    @property
    def context(self) -> str:
        """The model's context: the document's title and the section headings above this
        paragraph, outermost first, as one string."""
        return " / ".join(self.path if self.context_path is None else self.context_path)


# --- noise -----------------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Lowercase without diacritics, for matching chrome written with or without accents."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# Whole-line chrome, compared after _fold and with punctuation stripped.
_CHROME_LINES = frozenset(_fold(s) for s in """
phản hồi|gửi phản hồi|thông tin người gửi phản hồi|các tin khác|tin khác|tin liên quan|
bài liên quan|tin cùng chuyên mục|tin mới|tin mới nhất|mới nhất|xem nhiều nhất|đọc nhiều nhất|
tin nổi bật|tin tiêu điểm|có thể bạn quan tâm|thư viện ảnh|thư viện video|liên kết website|
liên kết|chia sẻ|chia sẻ bài viết|in bài viết|in bài|gửi bài viết|gửi email|lưu bài viết|
bình luận|viết bình luận|viết bình luận mới|ý kiến bạn đọc|gửi ý kiến|trang chủ|giới thiệu|
liên hệ|sơ đồ trang|sơ đồ site|tìm kiếm|đăng nhập|đăng ký|quảng cáo|image advertisement|
advertisement|tiếng việt|english|tiếng việt english|thăm dò ý kiến|bình chọn|kết quả|
xem kết quả|thống kê truy cập|lượt truy cập|thông tin cần biết|thời tiết|về đầu trang|
lên đầu trang|quay lại|trở về|xem thêm|đọc thêm|xem tiếp|chi tiết|tải về|đính kèm|
tệp đính kèm|video|hình ảnh|ảnh|ảnh minh họa|ảnh minh hoạ|ảnh tư liệu|nguồn|họ tên|họ và tên|
email|điện thoại|mã xác nhận|nội dung|gửi|hủy|huỷ|facebook|twitter|zalo|youtube|like|share|
tweet|print|nơi nhận|như trên|đã ký|độc lập tự do hạnh phúc|cộng hòa xã hội chủ nghĩa việt nam|
cộng hoà xã hội chủ nghĩa việt nam|đảng cộng sản việt nam|quang cảnh hội nghị|quang cảnh buổi lễ|
toàn cảnh hội nghị|các đại biểu dự hội nghị|đại biểu dự hội nghị|rss|menu|văn bản|chuyên mục|
""".replace("\n", "").split("|") if s)

_CHROME_PATTERNS = [re.compile(p, re.I) for p in (
    # dates and times alone on a line, with weekday, GMT and "cập nhật" decorations
    r"^(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|chủ\s+nhật)[,\s]*)?"
    r"(?:(?:ngày|cập nhật|đăng(?: ngày| lúc)?|lúc|thời gian)[:\s]*)*"
    r"[\d/.\-:,\s'h()gmt+|]*$",
    r"^(?:cập nhật|đăng|ngày đăng|ngày cập nhật|posted|updated)\b.{0,40}\d",
    r"^(?:(?:thứ\s+\S+|chủ\s+nhật)\s*,?\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b.{0,25}$",
    # sources, bylines, credits
    r"^(?:theo|nguồn|tin|ảnh|tin,?\s*ảnh|tin\s+và\s+ảnh|bài,?\s*ảnh|bài\s+và\s+ảnh|video|clip|"
    r"tác giả|người viết|biên tập|pv|ctv|btv)\s*[:.\-–]\s*.{0,60}$",
    r"^\(?(?:ảnh|nguồn|theo)\s*:.{0,60}\)?$",
    r"^theo\s+\S+\.(?:vn|com|net|org|gov\.vn)\b",
    r"^(?:pv|ctv|btv|tpv|nhóm pv)\.?$",
    # counters, widgets, polls
    r"^(?:đang\s+(?:online|truy cập|trực tuyến)|hôm nay|hôm qua|trong tuần|trong tháng|tất cả|"
    r"tổng(?:\s+số)?\s+lượt\s+(?:truy cập|xem)|lượt\s+(?:xem|truy cập|thích|chia sẻ)|"
    r"số\s+lượt\s+(?:xem|truy cập)|online|lượt xem|đã xem|bình luận|visitors?)\s*[:\-]?\s*[\d.,\s]*$",
    r"^[•·\-]?\s*(?:facebook|twitter|zalo|linkedin|email|print|in)(?:\s*[|•·/,]\s*\w+){1,6}$",
    # contact footers
    r"^(?:địa chỉ|điện thoại|đt|tel|fax|hotline|email|e-mail|website)\s*[:.]",
    r"^(?:(?:điện thoại|đt|tel|fax|hotline)\s*[:.]?\s*)?[\d\s().+\-–]{9,}$",
    r"^(?:©|copyright|bản quyền|giấy phép|chịu trách nhiệm|cơ quan chủ quản|cơ quan quản lý|"
    r"trưởng ban biên tập|ban biên tập|ghi rõ nguồn|phát hành lại|thiết kế bởi|đơn vị thiết kế)",
    # official document furniture
    r"^số\s*:?\s*\d+\s*[-/]\s*[A-ZĐa-zđ]+(?:\s*/\s*[\wĐđ-]+)*\.?$",
    r"^.{2,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\.?$",
    r"^[-–+•]\s*(?:như trên|lưu|thường trực|ban thường vụ|các đồng chí|đ/c|các ban|các cơ quan|"
    r"các huyện|các sở|ubnd|văn phòng|vp|website|trang tin)\b.{0,80}[;.,]?$",
    r"^(?:t/m|k/t|tm\.|kt\.|tl\.|tuq\.|t/l)\s",
    r"^\(?(?:đã ký|đã kí|ký tên|kí tên|ký và ghi rõ họ tên|ký, ghi rõ họ tên|đóng dấu).{0,30}\)?$",
    r"^nơi nhận\s*:",
    r"^(?:phó\s+)?(?:trưởng ban|bí thư|phó bí thư|chủ tịch|giám đốc|phó giám đốc|chánh văn phòng)$",
    # page furniture
    r"^(?:trang|page)\s+\d+\s*(?:/|of|trên)?\s*\d*$",
    r"^[-–—\s]*\d{1,4}[-–—\s]*$",
    r"^[*\-_=~.·•]+$",
    r"^(?:\d+\s+)?(?:bình luận|lượt thích|lượt chia sẻ|comments?|likes?|shares?)$",
    r"^(?:tags?|từ khóa|từ khoá)\s*:",
    r"^(?:trang chủ|home)\s*[>»/|›].*$",
    r"^(?:[\w\sÀ-ỹđĐ]{1,25}\s*[|›»]\s*){2,}[\w\sÀ-ỹđĐ]{0,25}$",
)]

# A web or mail address in a short line is a contact footer or a source; in a long one it is
# content ("the portal at ... published 500 articles").
_WEB_ADDRESS = re.compile(r"(?:@[\w-]+\.[\w.]+|https?://|www\.|\.gov\.vn\b|\.vn/)", re.I)

# A postal address alone on a line: house number, street, then comma-separated places.
_STREET_ADDRESS = re.compile(
    r"^(?:[Ss]ố\s+)?\d{1,4}[A-Za-z]?(?:/\d{1,4})?\s+(?:[Đđ]ường\s+|[Pp]hố\s+)?[A-ZĐÀ-Ỹ]"
    r"[^,;:!?]{0,40}(?:,\s*(?:[A-ZĐÀ-Ỹ]|phường|xã|quận|huyện|thị|tỉnh|thành phố)[^,;:!?]{1,40}"
    r"){1,4}$")

# A short line of two to five capitalised words with no verb-like lowercase word is a name:
# a byline or a signature ("Hoàng Tùng", "Nguyễn Ngọc Tâm").
_NAME_LINE = re.compile(r"^(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]*\.?\s+){1,4}[A-ZÀ-ỸĐ][a-zà-ỹđ]+$")
_CAPTION_START = re.compile(
    r"^(?:quang cảnh|toàn cảnh|các đại biểu|đại biểu|đồng chí|lãnh đạo|ảnh|các em|các đồng chí|"
    r"ban tổ chức|buổi|tiết mục|đoàn công tác|hình ảnh|clip)\b", re.I)
_CAPTION_VERB = re.compile(
    r"\b(?:phát biểu|trao|tặng|chụp ảnh|dự|tham dự|tặng hoa|chúc mừng|kiểm tra|thăm|"
    r"biểu diễn|tại|trình bày|chủ trì|quang cảnh)\b", re.I)


# --- chrome that needs more than one pattern ------------------------------------------------------

# The issuing body at the top of an official document, alone or run together with its number or
# the national motto and date as a PDF extracts them ("ĐẢNG BỘ TỈNH QUẢNG NAM BAN TUYÊN GIÁO *
# Số 312-BC/BTGTU"). Capitals only, so a sentence about the body is never caught.
_ISSUER = re.compile(
    r"^(?:ĐẢNG BỘ (?:TỈNH|HUYỆN|THÀNH PHỐ|THỊ XÃ|QUẬN|XÃ|PHƯỜNG|THỊ TRẤN|KHỐI|CÔNG TY|TẬP ĐOÀN)"
    r"|(?:TỈNH|HUYỆN|THÀNH|THỊ|QUẬN|ĐẢNG) [UỦ]Y|BAN CHẤP HÀNH|BAN THƯỜNG VỤ|BAN TUYÊN GIÁO|"
    r"[UỦ]Y BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|MẶT TRẬN TỔ QUỐC)\b")
_MOTTO_START = re.compile(r"^(?:ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG H[OÒ]À XÃ HỘI CHỦ NGHĨA VIỆT NAM)\b")
_DOC_NUMBER = re.compile(r"\bSố\s*:?\s*\d+\s*[-/]\s*[A-ZĐ]{1,5}\s*/\s*[A-ZĐ]")
_DATE_LINE = re.compile(r"^.{2,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm(?:\s+\d{4})?\.?$", re.I)
# "- Ban Tuyên giáo Trung ương," in the list of recipients: short, ends with a comma or semicolon
_RECIPIENT = re.compile(r"^[-–+•]\s*(?:ban|sở|các|thường trực|văn phòng|đảng ủy|đảng uỷ|huyện ủy|"
                        r"huyện uỷ|tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ|ủy ban|uỷ ban|báo|đài|lưu)\b"
                        r"[^.;:]{0,60}[,;]$", re.I)

# A site's name as its banner shows it, a slogan banner, a publication's masthead.
_BANNER = re.compile(
    r"^(?:(?:cổng|trang) thông tin điện tử|báo điện tử|tạp chí điện tử|trang tin điện tử|"
    r"website|cổng thông tin|(?:nhiệt liệt )?chào mừng (?:kỷ niệm|đại hội|năm mới|thành công))\b", re.I)
_MASTHEAD = re.compile(r"^(?:TẠP CHÍ|BÁO(?! CÁO)|ĐÀI|BẢN TIN|TRANG TIN)\s+[A-ZĐÀ-Ỹ\s-]{2,60}$")

# Menus read as one line ("Trang chủ Giới thiệu Tin tức - Sự kiện Văn bản Liên hệ").
_MENU_ITEMS = tuple(_fold(s) for s in (
    "trang chủ", "trang nhất", "giới thiệu", "tin tức", "sự kiện", "văn bản", "liên hệ", "thời sự",
    "chính trị", "kinh tế", "văn hóa", "văn hoá", "xã hội", "thể thao", "pháp luật", "quốc phòng",
    "an ninh", "tin hoạt động", "hoạt động", "chỉ đạo", "tài liệu", "hỏi đáp", "sơ đồ", "đăng nhập",
    "tìm kiếm", "thư viện", "ảnh", "video", "multimedia", "media", "lịch công tác", "góp ý",
    "xây dựng đảng", "tuyên giáo", "english", "tiếng việt"))
_MENU_ANCHORS = frozenset(_fold(s) for s in ("trang chủ", "trang nhất", "giới thiệu", "liên hệ",
                                             "đăng nhập", "tìm kiếm"))

# Breadcrumbs without "Trang chủ": short pieces joined by > › » / with spaces around.
_BREADCRUMB = re.compile(r"^[^.;:!?]{1,40}(?:\s(?:>|>>|›|»|/|\|)\s[^.;:!?]{1,40}){1,5}$")

# A line made of date and time words only: weekday, date, time, time zone, "cập nhật".
_TIME_WORDS = frozenset(_fold(w) for w in (
    "thứ", "hai", "ba", "tư", "năm", "sáu", "bảy", "chủ", "nhật", "ngày", "tháng", "lúc", "giờ",
    "phút", "cập", "nhật", "đăng", "sáng", "chiều", "tối", "trưa", "gmt", "utc", "am", "pm", "sa",
    "ch", "h", "g", "lượt", "xem", "đọc", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "posted",
    "updated", "published"))
_TIME_TOKEN = re.compile(r"^(?:\d{1,4}(?:[/.\-:h']\d{1,4}){0,3}'?|\+\d{1,2}(?::?\d\d)?|[|,\-–—()':+]+)$")
_HAS_DATE_OR_TIME = re.compile(r"\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\d{1,2}[:h]\d{2}")

_HASHTAGS = re.compile(r"^(?:#[^\s#]+[\s,]*)+$")
_DOWNLOAD = re.compile(
    r"^(?:>>?\s*|»\s*)?(?:tải về|tải xuống|tải văn bản|tải file|tải tệp|tải tài liệu|download|"
    r"file đính kèm|tệp đính kèm|tập tin đính kèm|văn bản đính kèm|đính kèm)\b", re.I)
_FILE_NAME = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar)\b", re.I)
_READ_MORE = re.compile(r"^(?:>>?\s*|»\s*)?(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|"
                        r"tin, bài liên quan|tin bài liên quan)\s*[:>»]", re.I)
_WEATHER = re.compile(r"-?\d{1,2}\s*°\s*[CF]\b")
_READER_QUESTION = re.compile(r"^bạn\b.{0,80}\?$|^đăng ký nhận (?:bản tin|tin|thông tin)\b", re.I)
# a byline: a name (with a title) and the writer's unit, or a name with "(tổng hợp)"
_BYLINE = re.compile(
    r"^(?:(?:TS|ThS|PGS\.?\s*TS|GS|NCS|CN|KS|BS|Đại tá|Thượng tá|Trung tá)\.?\s+)?"
    r"(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*\s+){1,3}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s*"
    r"(?:[-–(,]\s*(?:Trung tâm|Học viện|Trường|Ban|Báo|Đài|Sở|Huyện|Tỉnh|Thành|Phòng|Văn phòng|"
    r"Tạp chí|Viện|CTV|PV|tổng hợp|theo)\b.{0,60}\)?)$")
# pen names in capitals ("TÚ ANH", "MINH ĐỨC"): two or three common name syllables
_NAME_SYLLABLES = frozenset(_fold(w) for w in ["an", "anh", "ánh", "bảo", "bích", "bình", "cường", "chi", "chung", "công", "cúc", "dung", "dũng", "duy", "dương", "đạt", "điệp", "định", "đông", "đức", "giang", "hà", "hải", "hạnh", "hằng", "hân", "hiền", "hiếu", "hòa", "hoà", "hoa", "hoài", "hoàng", "hồng", "huệ", "hùng", "hưng", "hương", "hường", "huy", "huyền", "khánh", "khang", "khoa", "kiên", "kim", "lam", "lan", "lâm", "linh", "loan", "long", "lộc", "lực", "mai", "minh", "my", "mỹ", "nam", "nga", "ngân", "nghĩa", "ngọc", "nguyên", "nhàn", "nhung", "oanh", "phong", "phú", "phúc", "phương", "phượng", "quang", "quân", "quế", "quốc", "quý", "quyên", "quỳnh", "sơn", "tâm", "tân", "thái", "thắm", "thắng", "thanh", "thành", "thảo", "thu", "thuận", "thùy", "thuỳ", "thủy", "thuỷ", "thúy", "thư", "thương", "tiến", "toàn", "trang", "trâm", "trí", "trung", "tú", "tuấn", "tùng", "tuyết", "uyên", "vân", "việt", "vinh", "vũ", "xuân", "yến", "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô", "dương", "lý", "văn", "thị", "hữu", "đình"])
# a heading over a list of links to other articles: what follows it, short, is chrome too
_RELATED_HEAD = frozenset(_fold(s) for s in (
    "tin liên quan", "bài liên quan", "tin, bài liên quan", "tin bài liên quan", "các tin khác",
    "tin khác", "tin cùng chuyên mục", "có thể bạn quan tâm", "đọc nhiều nhất", "xem nhiều nhất",
    "tin mới", "tin mới nhất", "tin nổi bật", "bài viết khác", "các bài viết khác", "tin đã đưa",
    "các tin đã đưa", "tin tức khác", "xem thêm", "đọc thêm", "liên kết website"))


def _is_menu_line(folded_words: list[str]) -> bool:
    text = " ".join(folded_words)
    if len(folded_words) < 4 or not any(a in text for a in _MENU_ANCHORS):
        return False
    covered = 0
    found = 0
    for item in sorted(_MENU_ITEMS, key=len, reverse=True):
        count = text.count(item)
        if count:
            found += count
            covered += count * len(item.split())
            text = text.replace(item, " ")
    return found >= 3 and covered >= 0.7 * len(folded_words)


def _is_timestamp(text: str, folded: str) -> bool:
    if not _HAS_DATE_OR_TIME.search(text):
        return False
    for token in re.split(r"[\s,|]+", folded.replace("(", " ").replace(")", " ")):
        token = token.strip(":.")
        if token and token not in _TIME_WORDS and not _TIME_TOKEN.match(token) and token != "gmt+7":
            return False
    return True


def _is_pen_name(text: str, words: list[str]) -> bool:
    return (2 <= len(words) <= 3 and text.isupper()
            and all(_fold(w) in _NAME_SYLLABLES for w in words))


def _furniture_or_chrome(text: str, words: list[str], folded: str) -> bool:
    """The multi-pattern checks of :func:`is_noise`."""
    n = len(words)
    if _ISSUER.match(text) and (
            (text.isupper() and len([w for w in words if w not in "-–"]) <= 7)
            or (n <= 14 and (_DOC_NUMBER.search(text) or "*" in text))):
        return True  # a heading about the body ("ĐẢNG BỘ HUYỆN TRIỂN KHAI ...") is longer
    if n <= 18 and _MOTTO_START.match(text):
        return True
    if _DATE_LINE.match(text) or (n <= 7 and _RECIPIENT.match(text)):
        return True
    if n <= 25 and not text.endswith(".") and _BANNER.match(text):
        return True
    if n <= 8 and _MASTHEAD.match(text):
        return True
    folded_words = re.sub(r"[^\w\s]", " ", folded).split()
    if n <= 20 and _is_menu_line(folded_words):
        return True
    if n <= 16 and _BREADCRUMB.match(text) and not re.search(r"\d", text):
        return True
    if n <= 16 and _is_timestamp(text, folded):
        return True
    if _HASHTAGS.match(text) or (n <= 20 and (_DOWNLOAD.match(text) or _READ_MORE.match(text))):
        return True
    if n <= 10 and (_FILE_NAME.search(text) or _WEATHER.search(text) or _READER_QUESTION.match(text)):
        return True
    return bool(n <= 14 and _BYLINE.match(text)) or _is_pen_name(text, words)


def is_noise(line: str) -> bool:
    """True when a line is web-page chrome or page furniture rather than report content.

    >>> is_noise("Thứ Năm, 30/12/2021 21:45'(GMT+7)"), is_noise("Các tin khác")
    (True, True)
    >>> is_noise("Công tác khoa giáo đi vào nền nếp.")
    False
    """
    text = line.strip()
    if not text:
        return True
    words = text.split()
    if len(words) > C.MAX_NOISE_WORDS:
        return False  # chrome is short; this keeps long paragraphs off the slow checks
    folded = _fold(text)
    bare = re.sub(r"[^\w\s]", " ", folded)
    bare = re.sub(r"\s+", " ", bare).strip()
    if not bare or bare in _CHROME_LINES:
        return True
    for pattern in _CHROME_PATTERNS:
        if pattern.search(text):
            return True
    if len(words) <= 12 and (_WEB_ADDRESS.search(text) or _STREET_ADDRESS.match(text)):
        return True
    if _furniture_or_chrome(text, words, folded):
        return True
    if len(words) <= 5 and _NAME_LINE.match(text) and not _looks_like_title(text):
        return True
    # a short caption under a photo: names who did what at the event, with no full stop
    return bool(
        len(words) <= 16 and not text.endswith((".", ";", ":"))
        and _CAPTION_START.match(text) and _CAPTION_VERB.search(text)
    )


# Phrases of section titles; a capitalised short line containing one is a heading, not a name.
_TITLE_PHRASES = re.compile(
    r"công tác|tuyên|giáo|báo chí|xuất bản|văn hóa|văn hoá|văn nghệ|lý luận|chính trị|kết quả|"
    r"nhiệm vụ|phương hướng|giải pháp|hạn chế|nguyên nhân|kinh nghiệm|đánh giá|tình hình|"
    r"kế hoạch|mục đích|yêu cầu|nội dung|tổ chức|đội ngũ|xây dựng|đối ngoại|dư luận|"
    r"phần|mục|chương|kết luận|tổng kết|sơ kết|báo cáo|đề xuất|kiến nghị", re.I)


def _looks_like_title(text: str) -> bool:
    return bool(_TITLE_PHRASES.search(text))


# --- headings --------------------------------------------------------------------------------

_ROMAN = re.compile(r"^(?:phần\s+)?[IVXLC]{1,6}\s*[.):\-–]\s*\S", re.I)
_PART = re.compile(r"^(?:phần|chương|mục)\s+(?:thứ\s+)?(?:\w+)\s*[.:\-–]?", re.I)
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.)]\s*\S")
_SUBNUMBERED = re.compile(r"^\d{1,2}\.\d{1,2}(?:\.\d{1,2})*\.?\s*\S")
_LETTERED = re.compile(r"^[a-zđ]\s*[).]\s+\S")
_LEAD_IN = re.compile(r"^(?:về|đối với|thứ\s+(?:nhất|hai|ba|tư|năm|sáu|bảy|tám))\b", re.I)
_DOC_TITLE = re.compile(r"^(?:BÁO CÁO|KẾ HOẠCH|HƯỚNG DẪN|CHƯƠNG TRÌNH|DIỄN VĂN|BÀI PHÁT BIỂU|"
                        r"THÔNG BÁO|TỜ TRÌNH|ĐỀ ÁN|PHƯƠNG HƯỚNG|NGHỊ QUYẾT|CHỈ THỊ)\b")
_END_PUNCT = re.compile(r"[.;,!?…]$")


def _upper_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)


def numbering_level(line: str) -> int | None:
    """The level a heading's numbering gives it: "I." 1, "1." 2, "1.1." 3, "a)" 4; else None.

    >>> numbering_level("II. CÔNG TÁC KHOA GIÁO"), numbering_level("2.1. Báo chí"), numbering_level("Báo chí")
    (1, 3, None)
    """
    text = line.strip()
    if _ROMAN.match(text) or (_PART.match(text) and _upper_ratio(text) > 0.5):
        return 1
    if _SUBNUMBERED.match(text):
        return 3
    if _NUMBERED.match(text) and not re.match(r"^\d{1,2}\.\d", text):
        return 2
    if _LETTERED.match(text):
        return 4
    return None


def heading_level(line: str) -> int | None:
    """The level of a heading line (1 = outermost), or None when the line is not a heading.

    These are the text rules, for formats that say nothing about structure (plain text, PDF,
    a .docx typed without heading styles). A line ending in ":" opens a list or a table and is
    body text unless it is numbered.

    >>> heading_level("I. KẾT QUẢ ĐẠT ĐƯỢC"), heading_level("2. Công tác khoa giáo")
    (1, 2)
    >>> heading_level("a) Về tuyên truyền miệng"), heading_level("Năm 2023, toàn tỉnh tổ chức 45 hội nghị.")
    (4, None)
    >>> heading_level("Kết quả các lớp bồi dưỡng lý luận chính trị như sau:") is None
    True
    """
    text = line.strip()
    if not text or len(text) > C.MAX_HEADING_CHARS:
        return None
    words = text.split()
    short = len(words) <= C.MAX_TITLE_WORDS + 6
    ends_sentence = bool(re.search(r"[.;!?…]$", text)) and not text.endswith(":")
    # a numbered line is a heading unless it is a full sentence of a list
    numbered = numbering_level(text)
    if numbered == 1:
        return 1 if short or not ends_sentence else None
    if numbered is not None:
        return numbered if short and not ends_sentence else None
    if text.endswith(":"):
        return None  # "... như sau:" leads into a list or a table
    if _upper_ratio(text) > 0.9 and len(words) >= 2:
        return 1
    if _DOC_TITLE.match(text) and not ends_sentence:
        return 1
    if _LEAD_IN.match(text) and len(words) <= C.MAX_TITLE_WORDS and not ends_sentence:
        return 3
    first = text[0]
    if (len(words) <= C.MAX_TITLE_WORDS and not _END_PUNCT.search(text) and first.isupper()
            and not re.search(r"\d{1,2}[/:]\d{1,2}", text)):
        return 3
    return None


def _numbered(text: str) -> bool:
    """A section heading by its numbering ("II.", "1.", "1.2.", "a)", "Phần thứ hai")."""
    return any(p.match(text) for p in (_ROMAN, _PART, _NUMBERED, _SUBNUMBERED, _LETTERED))


class _SectionStack:
    """The open headings of a report, by level: a new heading closes deeper ones.

    It also remembers the document's title: its first heading that is not a numbered section,
    or one in a title's form ("BÁO CÁO ...", "KẾ HOẠCH ..."), met before any body text. The first numbered section
    closes the title in the path, but the title names the document's domain, which generic
    section headings ("I. MỤC ĐÍCH, YÊU CẦU", "III. TỔ CHỨC THỰC HIỆN") do not, so the model's
    context keeps it as its root (:meth:`context`).
    """

    def __init__(self) -> None:
        self.levels: list[tuple[int, str]] = []
        self.title: str | None = None
        self.before_body = True

    def path(self, level: int | None = None) -> tuple[str, ...]:
        """The open headings; for a heading of ``level``, only those above it (the ones it
        does not close)."""
        return tuple(text for lv, text in self.levels if level is None or lv < level)

    def context(self, level: int | None = None) -> tuple[str, ...]:
        """The path with the document's title in front when the path no longer holds it."""
        path = self.path(level)
        if self.title is None or (path and path[0] == self.title):
            return path
        return (self.title, *path)

    def push(self, level: int, text: str) -> None:
        if self.before_body and (_DOC_TITLE.match(text) or (self.title is None and not _numbered(text))):
            self.title = text
        while self.levels and self.levels[-1][0] >= level:
            self.levels.pop()
        self.levels.append((level, text))

    def body(self) -> None:
        self.before_body = False


def section_context(kinds_and_texts: Iterable[tuple[str, str]]) -> list[tuple[str, ...]]:
    """For labeled data: the model's context of each (kind, text) of a report, in order: the
    heading path with the document's title as its root, as :attr:`Paragraph.context` gives it.

    A heading's own path holds only the headings above it, as in :func:`iter_paragraphs`.
    """
    stack = _SectionStack()
    out: list[tuple[str, ...]] = []
    for kind, text in kinds_and_texts:
        if kind == "heading":
            level = heading_level(text) or 3
            out.append(stack.context(level))
            stack.push(level, text)
        else:
            out.append(stack.context())
            stack.body()
    return out


_Item = tuple[str, str | None, int | None]


def _distinct_blocks(lines: Iterable[str], size: int) -> Iterator[list[_Item]]:
    """(text, structural kind, level) of stripped, non-empty lines in blocks of ``size``,
    exact repeats removed. Kind and level come from a reader's
    :class:`~tgclassify.readers.Line`; a plain ``str`` has neither."""
    seen: set[bytes] = set()
    block: list[_Item] = []
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        block.append((str(text), getattr(raw, "kind", None), getattr(raw, "level", None)))
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


_LIST_ITEM = re.compile(r"^[-–+•]\s+\S.*[.;:,]$")


def _overrule(block: list[_Item], learned: list[bool]) -> list[bool]:
    """Where the learned chrome filter may not decide: lines the format gives a structure
    (headings, table rows, list items), numbered headings and titles, list items of the
    text; and a short heading it flags is kept when a paragraph follows it (a section's
    heading opens text, a menu item opens more menu)."""
    out = list(learned)
    for i, ((text, hint, _), noisy) in enumerate(zip(block, learned, strict=True)):
        if not noisy:
            continue
        if (hint is not None or numbering_level(text) is not None or _LIST_ITEM.match(text)
                or text.endswith(";")):  # an item of a list whose marks were drawn, not typed
            out[i] = False
            continue
        level = heading_level(text)
        if level == 1:
            out[i] = False  # a title in capitals, a document's name
        elif level is not None and i + 1 < len(block):
            following = block[i + 1][0]
            if len(following.split()) >= 12 and following.rstrip().endswith((".", ";", ":")) \
                    and not is_noise(following):
                out[i] = False
    return out


def _related_heading(text: str) -> bool:
    bare = re.sub(r"\s+", " ", re.sub(r"[^\w\s,]", " ", _fold(text))).strip(" ,")
    return bare in _RELATED_HEAD


def _headline_like(text: str) -> bool:
    """A line in a list of other articles: a headline (short, no full stop), not a numbered
    heading of the report and not a paragraph."""
    return (len(text.split()) <= C.MAX_TITLE_WORDS and not text.rstrip().endswith((".", ":"))
            and numbering_level(text) is None)


def classify_line(text: str, hint: str | None = None, hint_level: int | None = None,
                  learned_noise: bool = False) -> tuple[str, int | None]:
    """Kind and heading level of one line, from the format's structure where it has any and
    the text rules otherwise.

    * chrome by the rules (or the format: page headers, captions) is noise, whatever else;
    * a line the format marks as body (a table row, a list item, a note) is never a heading;
    * a heading by the format (a style, an outline level, ``h1``-``h6``) takes the level its
      numbering gives ("I." 1, "1." 2, "1.1." 3, "a)" 4), else the format's level;
    * otherwise the text rules of :func:`heading_level` decide.

    The learned noise filter (``learned_noise``) is not asked about the format's headings.

    >>> classify_line("Trung cấp lý luận chính trị - hành chính: 2 lớp, 115 học viên", "body")
    ('body', None)
    >>> classify_line("III. Giáo dục lý luận chính trị", "heading", 2)
    ('heading', 1)
    """
    if hint == "noise" or is_noise(text) or (learned_noise and hint != "heading"):
        return "noise", None
    if hint == "body":
        return "body", None
    if hint == "heading":
        return "heading", numbering_level(text) or hint_level or heading_level(text) or 3
    level = heading_level(text)
    return ("heading", level) if level is not None else ("body", None)


def iter_paragraphs(lines: Iterable[str], *,
                    noise_filter: Callable[[list[str]], list[bool]] | None = None
                    ) -> Iterator[Paragraph]:
    """Segment a stream of lines lazily; memory does not grow with the report's length
    (beyond one 16-byte digest per distinct paragraph for the repeat check).

    ``lines`` are strings, or the :class:`~tgclassify.readers.Line` objects of a reader, whose
    structural kind and level are used (see :func:`classify_line`). Lines of a table are body
    text and never change the section a paragraph sits in.

    ``noise_filter`` (e.g. a trained :class:`~tgclassify.noise.NoiseFilter`) is asked about
    blocks of lines and marks more lines as noise than the rules alone.
    """
    stack = _SectionStack()
    index = 0
    size = 1 if noise_filter is None else C.SEGMENT_BLOCK
    related = False  # inside a list of other articles ("Tin liên quan" and what follows)
    for block in _distinct_blocks(lines, size):
        texts = [text for text, _, _ in block]
        learned = noise_filter(texts) if noise_filter is not None else [False] * len(block)
        learned = _overrule(block, learned)
        for (text, hint, hint_level), noisy in zip(block, learned, strict=True):
            kind, level = classify_line(text, hint, hint_level, bool(noisy))
            if kind == "noise":
                related = related or _related_heading(text)
            elif related and _headline_like(text):
                kind, level = "noise", None
            else:
                related = False
            path = stack.path()
            heading = HEADING_SEPARATOR.join(path) if path else None
            # the model's context of a heading holds what is above it, not the section it closes
            above = (level or 3) if kind == "heading" else None
            yield Paragraph(index, text, kind, heading, path, stack.context(above))
            if kind == "heading":
                stack.push(level or 3, text)
            elif kind == "body":
                stack.body()
            index += 1


def segment_report(text: str) -> list[Paragraph]:
    """Split a report's text (one paragraph per line) into an ordered list of paragraphs.

    >>> [(p.kind, p.heading) for p in segment_report("I. CÔNG TÁC KHOA GIÁO\\n1. Giáo dục\\n"
    ...     "Phản hồi\\nTỉnh tổ chức tốt kỳ thi tốt nghiệp trung học phổ thông năm 2023.")]
    [('heading', None), ('heading', 'I. CÔNG TÁC KHOA GIÁO'), ('noise', 'I. CÔNG TÁC KHOA GIÁO > 1. Giáo dục'), ('body', 'I. CÔNG TÁC KHOA GIÁO > 1. Giáo dục')]
    """
    return list(iter_paragraphs(text.splitlines()))
