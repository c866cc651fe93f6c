"""The keyword baseline: one regular expression per domain, as a clerk would write them.

It is what the model must beat to be worth its dependencies, and it is evaluated on the same
folds. It matches on the normalized, lowercased paragraph only (no section context).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import constants as C
from .normalize import normalize_text

__all__ = ["KEYWORD_RULES", "KeywordBaseline"]

KEYWORD_RULES: dict[str, str] = {
    "tuyen_truyen": r"tuyên truyền|báo cáo viên|tuyên truyền viên|quán triệt|khánh tiết|"
                    r"pa-?nô|áp phích|cổ động|sinh hoạt chính trị|kỷ niệm|học tập nghị quyết",
    "bao_chi_xuat_ban": r"báo chí|giao ban báo|nhà báo|phóng viên|xuất bản|bản tin|"
                        r"phát thanh|truyền hình|truyền thanh|cổng thông tin|trang thông tin|"
                        r"cơ quan báo|tạp chí",
    "thong_tin_doi_ngoai": r"đối ngoại|biển,? đảo|biên giới|cắm mốc|kiều bào|"
                           r"người việt nam ở nước ngoài|nhân quyền|quảng bá hình ảnh",
    "du_luan_xa_hoi": r"dư luận|tình hình tư tưởng|xã hội học|khảo sát|cộng tác viên dư luận",
    "ly_luan_chinh_tri": r"lý luận chính trị|trung tâm chính trị|trường chính trị|giảng viên|"
                         r"kết nạp đảng|đảng viên mới|lịch sử đảng|địa chỉ đỏ|truyền thống cách mạng",
    "khoa_giao": r"khoa giáo|giáo dục|đào tạo|khoa học|công nghệ|y tế|dân số|môi trường|"
                 r"việc làm|bảo hiểm|năm học|học sinh|trẻ em",
    "van_hoa_van_nghe": r"văn hóa|văn nghệ|nghệ thuật|di tích|di sản|lễ hội|du lịch|"
                        r"sáng tác|văn học",
    "bcd_35": r"ban chỉ đạo 35|bcđ 35|nghị quyết 35|35-nq|quan điểm sai trái|thù địch|"
              r"xấu độc|lực lượng 47|tự diễn biến|tự chuyển hóa|nền tảng tư tưởng",
    "hoc_tap_lam_theo_bac": r"làm theo (?:tư tưởng|bác|gương)|chỉ thị 05|05-ct|kết luận 01|"
                            r"01-kl|chuyên đề (?:năm|toàn khóa)|phong cách hồ chí minh",
    "xay_dung_nganh": r"cán bộ tuyên giáo|ngành tuyên giáo|kiện toàn|tập huấn nghiệp vụ|"
                      r"thi đua|khen thưởng|238|giao ban công tác tuyên giáo|chuyển đổi số|"
                      r"bộ máy",
}


class KeywordBaseline:
    """Predicts a label whenever its regular expression matches the paragraph."""

    def __init__(self, rules: dict[str, str] | None = None,
                 labels: Sequence[str] = C.LABELS) -> None:
        self.labels = tuple(labels)
        rules = rules or KEYWORD_RULES
        self._patterns = [re.compile(rules[lab], re.IGNORECASE) for lab in self.labels]

    def predict_matrix(self, paragraphs: Sequence[Any]) -> np.ndarray:
        """Boolean (n, labels) matrix; a paragraph is a string or a (text, context) pair."""
        out = np.zeros((len(paragraphs), len(self.labels)), dtype=bool)
        for i, item in enumerate(paragraphs):
            text = normalize_text(item if isinstance(item, str) else item[0]).lower()
            for j, pattern in enumerate(self._patterns):
                out[i, j] = bool(pattern.search(text))
        return out
