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

# --- adapting the model to one's own reports (combined training, suggest, label issues) ----------

#: Fewest labeled paragraphs `train` accepts: below this no label can have the handful of
#: examples a logistic regression and a tuned threshold need, and CV folds would be single lines.
MIN_TRAIN_PARAGRAPHS = 20

#: Fewest reports (groups) for grouped folds; with fewer, folds are cut by paragraph (with a note),
#: since 2 groups make only 2 folds, each trained on one report.
MIN_GROUPED_FOLDS = 3

#: Largest per-source weight of `train --data PATH:WEIGHT` (each paragraph counts WEIGHT times).
#: Past ~20 a few hundred paragraphs outweigh the whole shipped corpus and the model forgets it.
MAX_SOURCE_WEIGHT = 20

#: Weight given to the user's own file by the `--add` shorthand (shipped corpus + mine). One
#: office's 100 paragraphs are 1% of the ~10k shipped ones; at 5 they weigh about as much as one
#: label's share of the corpus. Chosen before measuring; the adoption benchmark
#: (benchmarks/results/adoption.json) ran at this weight and found no gain from it either way
#: at 100 paragraphs, so it is a starting point, not a tuned value.
ADD_WEIGHT = 5

#: `suggest`: a paragraph shorter than this many characters is not worth a labeler's time (page
#: furniture that escaped the filter, one-word headings).
SUGGEST_MIN_CHARS = 25

#: `suggest`: word-trigram Jaccard at or above which two candidates are near duplicates and only
#: the first is kept (lower than the corpus check's 0.9: reports repeat stock sentences with a
#: changed number or place, and labeling both teaches the model nothing new).
SUGGEST_NEAR_DUPLICATE = 0.7

#: `suggest`: at most this share of the suggestions come from one report (at least one), so the
#: labeling covers the office's reports rather than the oddest one.
SUGGEST_MAX_REPORT_SHARE = 0.1

#: `data issues`: label issues shown by default (ranked), a morning's review for one person.
ISSUES_TOP = 50
