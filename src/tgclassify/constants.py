"""Every tunable number of tgclassify, in one place, with the reason it has its value."""

from __future__ import annotations

#: The ten domain labels of the taxonomy, in the column order of every model. Public interface:
#: renaming or reordering one breaks saved models and users' downstream code.
LABELS: tuple[str, ...] = (
    "tuyen_truyen",
    "bao_chi_xuat_ban",
    "thong_tin_doi_ngoai",
    "du_luan_xa_hoi",
    "ly_luan_chinh_tri",
    "khoa_giao",
    "van_hoa_van_nghe",
    "bcd_35",
    "hoc_tap_lam_theo_bac",
    "xay_dung_nganh",
)

#: Vietnamese names of the labels, for people (model cards, md/html output).
LABEL_NAMES: dict[str, str] = {
    "tuyen_truyen": "Tuyên truyền",
    "bao_chi_xuat_ban": "Báo chí, xuất bản",
    "thong_tin_doi_ngoai": "Thông tin đối ngoại",
    "du_luan_xa_hoi": "Dư luận xã hội",
    "ly_luan_chinh_tri": "Lý luận chính trị và lịch sử Đảng",
    "khoa_giao": "Khoa giáo",
    "van_hoa_van_nghe": "Văn hóa, văn nghệ",
    "bcd_35": "Bảo vệ nền tảng tư tưởng của Đảng (BCĐ 35)",
    "hoc_tap_lam_theo_bac": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "xay_dung_nganh": "Xây dựng ngành tuyên giáo",
}

# --- reading -------------------------------------------------------------------------------

#: Largest input file read whole (docx, pdf, html). A real report is under 5 MB; anything far
#: larger is almost surely not a report and would exhaust memory in the document libraries.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024

#: Plain-text files are streamed line by line, so they may be larger; this still caps a runaway
#: input (a log or dump passed by mistake) at something a laptop can tag in minutes.
MAX_TEXT_BYTES = 2 * 1024 * 1024 * 1024

#: Bytes sniffed at the start of a text file to tell encoding and binary content.
SNIFF_BYTES = 64 * 1024

#: Share of control characters (other than tab/newline/CR) above which a text file is binary.
#: Real text has none; a few stray ones come from copy-paste, so allow 1%.
BINARY_CONTROL_RATIO = 0.01

#: A pasted line longer than this is split at sentence ends: pyvi slows down and eats memory on
#: calls above ~100k characters, and no real paragraph is that long.
MAX_PARAGRAPH_CHARS = 20_000

#: A .docx table row whose cells hold one short paragraph each, this long in all, is read as one
#: line: a row label ("Tuyên truyền miệng") then means nothing without its figures.
MAX_TABLE_ROW_CHARS = 600

# --- segmentation --------------------------------------------------------------------------

#: Headings in real reports are short; a longer line is a body paragraph even in capitals.
MAX_HEADING_CHARS = 200

#: An unnumbered, unpunctuated title line longer than this is a sentence, not a heading
#: (news headlines on party portals run to about 20 words).
MAX_TITLE_WORDS = 24

#: A body paragraph shorter than this many words that matches no content pattern is chrome
#: (menu items, widget labels); real one-line body paragraphs are longer.
MIN_BODY_WORDS = 4

#: Lines longer than this many words are never chrome (the longest line of our chrome set has
#: 27 words).
MAX_NOISE_WORDS = 40

#: Lines handed to the learned noise filter at once (amortises its per-call overhead).
SEGMENT_BLOCK = 256

#: The learned noise filter scores only lines of at most this many words: chrome is short
#: (99% of our chrome set is 20 words or fewer) and long lines are content.
NOISE_MODEL_MAX_WORDS = 25

#: Share of (short) content lines the noise filter may drop in cross-validation; its threshold
#: is set from this. Losing a real paragraph costs more than keeping a menu item.
NOISE_MAX_CONTENT_LOSS = 0.005

# --- tokenization --------------------------------------------------------------------------

#: Texts are fed to pyvi in chunks of at most this many characters (it degrades above ~100k).
TOKENIZE_CHUNK_CHARS = 50_000

#: Distinct raw tokens whose normalized form is remembered (short strings: a few MB).
TOKEN_CACHE_SIZE = 50_000

#: Section contexts whose tokens are remembered: a report has a few dozen headings, so this
#: covers the sections of many reports in flight while staying small.
CONTEXT_CACHE_SIZE = 4096

# --- model ---------------------------------------------------------------------------------

#: Folds of the grouped cross-validation used for threshold tuning and evaluation: 5 keeps
#: ~20% of reports out per fold, enough for rare labels to appear in every fold.
CV_FOLDS = 5

#: Seed of every random choice in training, so that the same data gives the same model.
RANDOM_SEED = 20261121

#: Thresholds are searched on this grid of out-of-fold probabilities.
THRESHOLD_GRID = tuple(round(0.05 + 0.01 * i, 2) for i in range(86))  # 0.05 .. 0.90

#: Threshold used when a label has too few examples to tune one.
DEFAULT_THRESHOLD = 0.5

# --- tagging -------------------------------------------------------------------------------

#: Paragraphs predicted together: large enough to amortise numpy/sparse overhead, small enough
#: to keep memory flat on huge inputs.
PREDICT_BATCH = 512

#: Paragraphs a person should check per report: the ones whose best score is closest to its
#: threshold.
UNSURE_PER_REPORT = 5

#: Alternatives shown beside the predicted labels.
TOP_ALTERNATIVES = 3

# --- genres ------------------------------------------------------------------------------------

#: The genres of documents the corpus and the evaluation set hold, and the kinds of document
#: (``doc_type`` in reports.jsonl) each covers; figures are reported per genre because real text
#: is mostly not internal reports, and the model is weaker on some genres than others.
DOC_TYPE_GENRE = {
    "so_ket": "report", "tong_ket": "report", "chuyen_de": "report", "bao_cao": "report",
    "ke_hoach": "plan", "cong_van": "dispatch", "phat_bieu": "speech", "tin_bai": "news",
    "tieu_de": "headlines", "binh_luan": "commentary",
}
GENRES = ("news", "headlines", "commentary", "speech", "plan", "dispatch", "report")

# === outputs, messages and the local web page (issue 16) ====================================

#: A body paragraph is listed under "check these" only when its least certain decision lies
#: within this share of the threshold distance (``TaggedParagraph.margin``). On 1,500 corpus
#: paragraphs tagged by the shipped model, those under 0.25 (12% of them) were wrong 57% of the
#: time and the rest 10%: the list names paragraphs worth a look, not merely the five lowest.
UNSURE_MARGIN = 0.25

#: Characters of a paragraph quoted in the "check these" lists (cut on a word boundary): about
#: two lines of a report, enough to recognise the paragraph.
QUOTE_CHARS = 220

#: Paragraphs listed in one HTML page across all reports. Beyond it the reports keep their
#: summary and the rest of the paragraph text is left to csv/jsonl: about 5 MB of HTML, which
#: a browser opens in well under a second (a 300-report folder fits in a few MB).
HTML_MAX_PARAGRAPHS = 12_000

#: Reports shown expanded in an HTML page; with more, every report starts collapsed so the
#: summary stays on the first screen.
HTML_OPEN_REPORTS = 3

#: A bar segment narrower than this share of the bar has no printed percentage (it would not
#: fit); its value is in the tooltip and the table.
BAR_LABEL_MIN_SHARE = 0.06

#: ``tgclassify serve``: the port it listens on by default (unassigned by IANA, not a common
#: development server's port).
SERVE_PORT = 8765

#: ``tgclassify serve``: largest upload in one request. A real report is under 5 MB; 50 MB
#: takes a folder's worth of reports while keeping a mistaken upload from filling memory.
SERVE_MAX_UPLOAD_BYTES = 50_000_000

#: ``tgclassify serve``: files in one upload (each becomes a report section of the page).
SERVE_MAX_FILES = 100
