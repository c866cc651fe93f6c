"""The HTML report and the `serve` page in a real browser: headless Chromium from the system
(Debian package `chromium`), driven by Playwright; Playwright never downloads a browser here.
Skipped, saying why, where either is missing."""

import io
import shutil
import threading
import time
from pathlib import Path

import pytest

from helpers import make_docx, make_pdf
from tgclassify import ReportSummary
from tgclassify.render import make_renderer
from tgclassify.tagging import tag_reports

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install '.[browser]')")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("no Chromium (Debian: apt-get install chromium)", allow_module_level=True)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as exc:  # a Chromium that cannot start here (no display libs, ...)
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield b
        b.close()


class Watched:
    """A page that records console errors, page errors and requests leaving the machine."""

    def __init__(self, browser, width=1280, height=900):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors, self.remote = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: r.url.split(":")[0] not in ("file", "data")
                     and "127.0.0.1" not in r.url and self.remote.append(r.url))

    def overflow(self):
        return self.page.evaluate("document.documentElement.scrollWidth - "
                                  "document.documentElement.clientWidth")


def render_html(items, path):
    out = io.StringIO()
    renderer = make_renderer("html", out)
    for item in items:
        (renderer.report if isinstance(item, ReportSummary) else renderer.paragraph)(item)
    renderer.close()
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def check_bars(page):
    """Every full-size bar is filled by its parts, and printed percentages fit their part."""
    bars = page.evaluate("""() => [...document.querySelectorAll('.bar:not(.mini)')].map(b => {
        const w = b.getBoundingClientRect().width;
        const segs = [...b.children].map(s => s.getBoundingClientRect().width);
        const cut = [...b.children].filter(s => s.textContent && s.scrollWidth > s.clientWidth + 1);
        return [w, segs.reduce((a, x) => a + x, 0), cut.length];
    })""")
    assert bars
    for width, filled, cut in bars:
        assert abs(width - filled) <= 2 and cut == 0


@pytest.fixture(scope="module")
def small_page(small_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    make_docx(folder / "a_report.docx")
    (folder / "b_portal.txt").write_text((FIXTURES / "portal_report.txt").read_text("utf-8"),
                                         encoding="utf-8")
    make_pdf(folder / "c_scan.pdf", [["I. CONG TAC KHOA GIAO",
                                      "Nganh giao duc to chuc thi tot nghiep an toan."]])
    (folder / "d_empty.txt").write_bytes(b"")
    (folder / ("e_" + "ten-bao-cao-rat-dai-" * 8 + ".txt")).write_text(
        (FIXTURES / "portal_report.txt").read_text("utf-8"), encoding="utf-8")
    items = list(tag_reports(small_model, [folder]))
    return render_html(items, folder / "report.html")


@pytest.mark.parametrize("width", [1280, 390])
def test_small_report_reads_in_a_browser(browser, small_page, width):
    w = Watched(browser, width=width)
    w.page.goto(small_page.as_uri())
    assert w.overflow() <= 0
    check_bars(w.page)
    assert w.page.locator(".legend li").count() == 11
    assert w.page.locator("details.report[open]").count() == 0  # 5 files: all collapsed
    w.page.locator("a.cname").first.click()
    assert w.page.locator("details.report[open]").count() == 1
    assert w.overflow() <= 0
    assert w.errors == [] and w.remote == []
    w.page.close()


@pytest.fixture(scope="module")
def big_page(small_model, corpus, tmp_path_factory):
    """300 reports of the corpus, one text file each."""
    folder = tmp_path_factory.mktemp("big")
    docs = {}
    for r in corpus.records:
        docs.setdefault(r["doc_id"], []).append(r["text"])
    for doc_id in sorted(docs)[:300]:
        (folder / f"{doc_id}.txt").write_text("\n".join(docs[doc_id]), encoding="utf-8")
    items = list(tag_reports(small_model, [folder]))
    return render_html(items, folder.parent / "big-report.html")


def test_three_hundred_reports_make_a_usable_page(browser, big_page):
    size = big_page.stat().st_size
    assert size < 8_000_000
    w = Watched(browser)
    start = time.perf_counter()
    w.page.goto(big_page.as_uri())
    seconds = time.perf_counter() - start
    assert w.page.locator("details.report").count() == 300
    assert w.page.locator("details.report[open]").count() == 0
    assert w.page.locator(".chart .crow").count() == 301  # the axis and one bar per report
    assert w.page.locator(".chart").bounding_box()["y"] < 900  # the summary comes first
    assert w.overflow() <= 0
    check_bars(w.page)
    assert w.errors == [] and w.remote == []
    print(f"300 reports: {size / 1e6:.1f} MB of HTML, loaded in {seconds:.2f} s")
    w.page.close()


@pytest.fixture()
def server(small_model):
    from tgclassify.serve import make_server

    srv = make_server(small_model, port=0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_serve_page_uploads_a_docx_and_a_pdf(browser, server, tmp_path):
    docx = make_docx(tmp_path / "bao-cao.docx")
    pdf = make_pdf(tmp_path / "ban-scan.pdf", [["I. CONG TAC KHOA GIAO",
                                               "Nganh giao duc to chuc thi tot nghiep an toan, "
                                               "12 truong dat chuan quoc gia."]])
    w = Watched(browser)
    w.page.goto(server.url)
    w.page.set_input_files("#files", [str(docx), str(pdf)])
    assert w.page.locator("#chosen li").count() == 2
    w.page.click("#go")
    w.page.wait_for_selector(".bar .seg", timeout=60_000)
    assert w.page.locator(".chart .cname").all_inner_texts() == ["bao-cao.docx", "ban-scan.pdf"]
    assert w.page.locator(".bar:not(.mini) .seg").count() >= 2
    check_bars(w.page)
    assert w.overflow() <= 0
    assert w.errors == [] and w.remote == []
    w.page.close()
