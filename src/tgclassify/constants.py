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

#: A heading's probabilities are blended with those of the body paragraphs after it (see
#: ``headings.py``): at this weight, over at most this many of them. Chosen on out-of-fold
#: probabilities of the corpus before its label audit (grouped CV, 15,755 paragraphs): weight
#: 0.4 over 8 bodies gave macro-F1 +0.005 and heading micro-F1 0.881 -> 0.911; 0.5 and more,
#: or the whole report's mean, did less; 3 or 8 or all the section's bodies scored alike, and 8
#: bounds the look-ahead of streaming tagging. Re-checked after the audit: +0.005.
HEADING_WEIGHT = 0.4
HEADING_WINDOW = 8

#: Paragraphs predicted together: large enough to amortise numpy/sparse overhead, small enough
#: to keep memory flat on huge inputs.
PREDICT_BATCH = 512
#: Largest window a saved model may ask for: tagging holds a batch until its last heading has
#: its window of bodies, so a window above one batch would let a model file unbound the
#: memory of tagging a long report.
HEADING_MAX_WINDOW = PREDICT_BATCH

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

# === reading: structure, limits against hostile files, text checks ========================



# (used by tgclassify/readers/ and segment.py; every limit can be overridden per call through
# tgclassify.readers.ReadLimits)

#: Sum of the sizes a .docx's zip central directory declares for its members. A real report with
#: photos is under 50 MB inflated; a zip bomb declares (or inflates to) gigabytes.
DOCX_MAX_INFLATED_BYTES = 512 * 1024 * 1024

#: Inflated / compressed size of a whole .docx (checked once it inflates past
#: DOCX_RATIO_MIN_BYTES). Word's XML compresses 5-30×, photos ~1×; a bomb is 1000× and more.
DOCX_MAX_INFLATE_RATIO = 100

#: Below this declared inflated size a high ratio is harmless (a short, repetitive document).
DOCX_RATIO_MIN_BYTES = 16 * 1024 * 1024

#: Members of a .docx zip. Word writes 10-40 parts plus one per image; tens of thousands of tiny
#: members is a way to burn time and memory in the central directory alone.
DOCX_MAX_MEMBERS = 5_000

#: Bytes read from any one XML part (document, styles, headers, footnotes...). The body of a
#: 300-page report is about 10 MB of XML.
DOCX_MAX_PART_BYTES = 128 * 1024 * 1024

#: Element nesting in XML and HTML. Word nests tables in tables a few levels (depth < 40);
#: real web pages reach 30-60. Deeper nesting is built to exhaust a parser.
MAX_XML_DEPTH = 200

#: Pages of a PDF. The longest real report is a few hundred pages.
PDF_MAX_PAGES = 3_000

#: Bytes the compressed streams of a PDF inflate to in all (content, fonts, object streams).
#: A 300-page report with embedded fonts inflates to under 100 MB. PDFium holds a page's content
#: stream inflated, so this is also about the most memory a PDF can take: 256 MB keeps a batch
#: under 500 MB with the model loaded (it was 1 GB, which let an 800 MB content stream through).
PDF_MAX_INFLATED_BYTES = 256 * 1024 * 1024

#: Size of an HTML page. A saved article page, even with inline images, is under 10 MB.
HTML_MAX_BYTES = 64 * 1024 * 1024

#: Paragraphs in one file. A report has hundreds; the throughput benchmark tags 100k paragraphs
#: from one text file, so the cap leaves ten times that.
MAX_PARAGRAPHS = 1_000_000

#: Seconds LibreOffice may take to convert one .doc to .docx (a cold start takes 2-5 s; a long
#: report 10 s more). A converter that hangs on a damaged file must not stop a batch.
LIBREOFFICE_TIMEOUT_S = 120

#: A table whose every cell row is at most this many characters long reads as statistics: rows
#: are joined with the header ("Bồi dưỡng đảng viên mới: 3 lớp, 280 học viên"). Longer cells
#: are paragraphs laid out in a table and come out one by one.
TABLE_CELL_MAX_CHARS = 120

#: Character check of extracted text (PDF text layers above all): share of Vietnamese-looking
#: words that are fragments of a syllable ("T ổ ng k ế t"). Clean prose has under 2%; text
#: whose glyphs were placed one by one has 20-60%.
SPLIT_SYLLABLE_MAX_SHARE = 0.08

#: ... and the words that must be seen before the share means anything.
SPLIT_SYLLABLE_MIN_WORDS = 40
# --- word segmentation (wordseg.py) --------------------------------------------------------
# The caches of :class:`tgclassify.wordseg.WordSegmenter`, each emptied whole when full (a
# refill costs recomputation, never a different result). Measured on the 1.4 M-character
# corpus: 5.4k syllables, 11.5k chunks and 72k pairs take 20 MB in all (tracemalloc).

#: Distinct syllables remembered with their feature weights. Vietnamese uses ~7,000 syllables;
#: the rest are names, numbers and codes. At ~600 bytes a record: 30 MB at most.
WORDSEG_SYLLABLE_CACHE = 50_000

#: Distinct whitespace-separated chunks remembered as syllable ids (most chunks are one
#: syllable; others carry punctuation: "tỉnh,", "(2023)."). ~150 bytes each: 15 MB at most.
WORDSEG_CHUNK_CACHE = 100_000

#: Distinct pairs of neighbouring syllables remembered with their scores and word-list lookups
#: (the corpus has 72k). ~210 bytes each: 45 MB at most, so tagging memory stays flat.
WORDSEG_PAIR_CACHE = 200_000
# --- end of word segmentation ----------------------------------------------------------------
# --- tagging on a Dask cluster (tgclassify tag --scheduler; the dask extra) -------------------

#: Seconds to wait for the scheduler named by ``--scheduler``: long enough for a scheduler on
#: another machine of a busy cluster, short enough that a wrong address fails while the user
#: still watches.
SCHEDULER_CONNECT_TIMEOUT_S = 30

#: Files finished on the workers and waiting there to be collected in input order, per worker
#: thread: reports differ in size by 100x, so the workers go on while the client waits for a
#: long one; the client holds only futures, so its memory stays flat.
CLUSTER_FILES_PER_THREAD = 4

#: A cluster task tags a group of consecutive files up to this many bytes in all (a file over
#: it goes alone): a scheduler round trip costs several milliseconds, a short report's tagging
#: tens, so short reports travel together; 2 MB of text is a few seconds of work, small enough
#: that the workers stay evenly loaded to the end of a run.
CLUSTER_GROUP_BYTES = 2_000_000

#: ... and at most this many files, so that a group of tiny files keeps its retry cheap: a
#: group whose worker died is split and each file tried alone.
CLUSTER_GROUP_FILES = 32

#: Worker threads assumed while fewer have joined (a cluster that is still scaling up).
CLUSTER_MIN_THREADS = 2

#: Seconds between two looks at how many worker threads the cluster has (adaptive clusters and
#: job queues add workers during a run; one look costs a round trip to the scheduler).
CLUSTER_RESCAN_S = 5.0

#: Times a file whose task failed with ``KilledWorker`` is submitted again as a new task before
#: it becomes an error record: a worker's death counts against every file queued on it, not
#: only the one that killed it, and one new try clears the bystanders at the cost of another
#: ``allowed-failures`` deaths for a file that really kills workers.
CLUSTER_KILLED_RESUBMITS = 1

#: Largest file sent as bytes with ``--send-files``: the reader's limit for documents (a report
#: is under 5 MB). A larger text file, which the readers would stream, is tagged on the client
#: rather than sent whole through the scheduler's network.
SEND_FILE_MAX_BYTES = MAX_DOCUMENT_BYTES
# === outputs, messages and the local web page (issue 16) ======================



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
# --- portable model form (portable.py, export.py, persist.py) ------------------------------

#: Largest difference of a probability between the scikit-learn pipeline and its portable form
#: that an export accepts on its probe paragraphs. Both run the same float32 feature arithmetic
#: in the same order; what may differ is the last bits of the float64 dot products and of exp
#: (a few 1e-16), so 1e-9 leaves a wide margin and still catches any real change of the method.
EXPORT_TOLERANCE = 1e-9
# --- end of portable model form -------------------------------------------------------------
# === hostile input: time per file, line length (tagging.py, _budget.py, readers/) ===============

#: Seconds one file may take, reading and tagging, in ``tgclassify tag`` (``--timeout``). A
#: real report takes under 5 s (a 300-page PDF about 5 s); the 100k-paragraph throughput file
#: about 120 s at one process. A file over this is stuck (a pathological PDF or web page) or
#: not a report, and must not stall a folder of thousands. 0 on the command line: no budget.
TAG_TIMEOUT_S = 300.0

#: Seconds a file's reader process has, once its budget is spent, to stop cleanly on SIGTERM
#: (kill the LibreOffice it started, remove its temporary files) before it gets SIGKILL.
BUDGET_KILL_GRACE_S = 2.0

#: Address space the process reading a file may add to what it inherits from the tagging process
#: (Linux, with a time budget): a backstop for a bomb no reader limit catches (a PDF stream in a
#: filter chain the inflate check cannot follow). A real report needs tens of MB; past this the
#: reader dies alone and its file gets an "out of memory" error record.
READER_MAX_EXTRA_MEMORY = 1024 * 1024 * 1024

#: Characters without a line break in a text file (a whole line, before it is cut into
#: paragraphs of MAX_PARAGRAPH_CHARS). A whole 300-page report pasted as one line is about
#: 600k characters; a 50 MB line is a dump or a binary, and tagging it would take minutes.
MAX_LINE_CHARS = 2_000_000
# === end of hostile input ========================================================================
