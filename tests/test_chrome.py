import pytest

from tgclassify import constants as C


@pytest.fixture(scope="module")
def noise_filter(default_model):
    assert default_model.chrome_filter is not None
    return default_model.chrome_filter


def test_filter_catches_chrome_the_rules_miss(noise_filter):
    from tgclassify import is_noise

    chrome = ["Nghe đọc bài", "Xem nhiều | Mới nhất", "Đăng ký nhận bản tin", "Click để phóng to ảnh"]
    assert not all(is_noise(line) for line in chrome)  # the rules alone miss some
    assert sum(noise_filter(chrome)) >= 3


def test_filter_keeps_headings_and_content(noise_filter):
    content = ["II. CÔNG TÁC KHOA GIÁO", "Đổi mới công tác tuyên truyền miệng",
               "Tổ chức 12 hội nghị báo cáo viên cấp huyện trong quý III."]
    assert noise_filter(content) == [False, False, False]


def test_long_lines_are_never_scored(noise_filter):
    long_line = " ".join(["Chia sẻ"] * (C.NOISE_MODEL_MAX_WORDS + 1))
    assert noise_filter([long_line]) == [False]


def test_model_card_records_the_filter(default_model):
    card = default_model.card["chrome_filter"]
    assert 0.5 <= card["threshold"] < 1
    assert card["oof_content_dropped"] <= C.NOISE_MAX_CONTENT_LOSS + 1e-9


def test_line_shape_features_are_named():
    from tgclassify.chrome import LineShape

    shape = LineShape()
    X = shape.fit_transform(["Xem nhiều | Mới nhất", "Tổ chức 12 hội nghị báo cáo viên."])
    names = list(shape.get_feature_names_out())
    assert X.shape == (2, len(names))
    row = dict(zip(names, X.toarray()[0], strict=True))
    assert row["separator"] == 1 and row["ends_with_stop"] == 0
    assert dict(zip(names, X.toarray()[1], strict=True))["ends_with_stop"] == 1
