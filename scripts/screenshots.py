"""Screenshots of the HTML report and of the `serve` page for the README (docs/*.png).

Uses the shipped model, a sample folder made here (the example report, a .docx, a .pdf, an
empty file) and the system's Chromium through Playwright (no browser download):

    python scripts/screenshots.py            # writes docs/tag-report-html.png, docs/serve-page.png
"""

from __future__ import annotations

import io
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from helpers import make_docx, make_pdf  # noqa: E402
from tgclassify import Classifier, ReportSummary, tag_reports  # noqa: E402
from tgclassify.render import make_renderer  # noqa: E402
from tgclassify.serve import make_server  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def sample(folder: Path) -> list[Path]:
    report = folder / "bao-cao-so-ket-6-thang.txt"
    report.write_text((ROOT / "examples" / report.name).read_text("utf-8"), encoding="utf-8")
    portal = folder / "tin-hoat-dong-portal.md"
    portal.write_text((ROOT / "tests" / "fixtures" / "portal_report.txt").read_text("utf-8"),
                      encoding="utf-8")
    docx = make_docx(folder / "bao-cao-nam-2023.docx")
    pdf = make_pdf(folder / "ban-scan.pdf", [["I. CONG TAC KHOA GIAO",
                                              "Nganh giao duc to chuc thi tot nghiep an toan, "
                                              "12 truong dat chuan quoc gia."]])
    (folder / "trang-trong.txt").write_bytes(b"")
    return [report, portal, docx, pdf, folder / "trang-trong.txt"]


def main() -> None:
    clf = Classifier.load()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        files = sample(Path(tmp))
        out = io.StringIO()
        renderer = make_renderer("html", out)
        for item in tag_reports(clf, [str(f) for f in files]):
            item.source = Path(item.source).name
            (renderer.report if isinstance(item, ReportSummary) else renderer.paragraph)(item)
        renderer.close()
        page_file = Path(tmp) / "report.html"
        page_file.write_text(out.getvalue(), encoding="utf-8")
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1000})
        page.goto(page_file.as_uri())
        page.locator("details.report").first.evaluate("d => d.open = true")
        page.screenshot(path=str(ROOT / "docs" / "tag-report-html.png"), full_page=False)
        server = make_server(clf, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        page = browser.new_page(viewport={"width": 900, "height": 560})
        page.goto(server.url)
        page.set_input_files("#files", [str(files[2]), str(files[3])])
        page.screenshot(path=str(ROOT / "docs" / "serve-page.png"))
        server.shutdown()
        browser.close()


if __name__ == "__main__":
    main()
