"""``tgclassify serve``: a page on this computer where a person drops report files and gets
the HTML report of ``tgclassify tag --format html`` for them.

Standard library only (``http.server``; the upload is parsed by the ``email`` package). It
listens on 127.0.0.1 unless told otherwise, refuses requests whose ``Host`` is not this
computer while it does (a web page elsewhere cannot reach it by a rebinding name), refuses
uploads over ``max_bytes`` or ``max_files`` before reading them, and writes the uploaded files
to a temporary folder that is deleted once the response is built, unless ``keep`` names a
folder to keep them (and the report) in.
"""

from __future__ import annotations

import html
import io
import ipaddress
import re
import shutil
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import constants as C
from .render import make_renderer
from .results import ReportSummary, TaggedParagraph
from .tagging import Tagger, tag_reports

__all__ = ["ReportServer", "make_server"]

SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".md")


class ReportServer(ThreadingHTTPServer):
    """The HTTP server, holding the classifier and the limits its handler applies."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], clf: Tagger, *, max_bytes: int,
                 max_files: int, keep: Path | None, n_jobs: int, log: bool) -> None:
        super().__init__(address, _Handler)
        self.clf = clf
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.keep = keep
        self.n_jobs = n_jobs
        self.log = log
        self.lock = threading.Lock()  # one tagging at a time: it is CPU-bound anyway
        self.loopback = _is_loopback(address[0])

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"


def make_server(clf: Tagger, host: str = "127.0.0.1", port: int = C.SERVE_PORT, *,
                max_bytes: int = C.SERVE_MAX_UPLOAD_BYTES, max_files: int = C.SERVE_MAX_FILES,
                keep: str | Path | None = None, n_jobs: int = 1, log: bool = False
                ) -> ReportServer:
    """A server bound to ``host:port`` (port 0: any free port); call ``serve_forever()``."""
    return ReportServer((host, port), clf, max_bytes=max_bytes, max_files=max_files,
                        keep=Path(keep) if keep is not None else None, n_jobs=n_jobs, log=log)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _safe_name(raw: str | None, n: int) -> str:
    """The file's own name (no folders, no control characters), or ``upload-N``."""
    name = (raw or "").encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[:150] or f"upload-{n}"


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    server: ReportServer
    server_version = "tgclassify"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            sys.stderr.write(f"tgclassify serve: {self.address_string()} {format % args}\n")

    # --- responses -----------------------------------------------------------------------------

    def _send(self, status: HTTPStatus, body: str, *, filename: str | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                         "script-src 'unsafe-inline'; img-src data:; form-action 'self'")
        if filename:
            self.send_header("Content-Disposition", f'inline; filename="{filename}"')
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        self._send(status, _page("tgclassify — " + status.phrase,
                                 f'<p class="err">{html.escape(message)}</p>'
                                 '<p><a href="/">Back to the upload page</a></p>'))

    def _host_ok(self) -> bool:
        if not self.server.loopback:
            return True
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("localhost", "") or _is_loopback(host)

    # --- routes --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not self._host_ok():
            self._refuse(HTTPStatus.FORBIDDEN, "This page answers only to this computer's own "
                         "address (http://127.0.0.1).")
        elif self.path.split("?")[0] == "/":
            self._send(HTTPStatus.OK, _upload_page(self.server))
        elif self.path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()
        else:
            self._refuse(HTTPStatus.NOT_FOUND, f"No page at {self.path}.")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        try:
            if not self._host_ok():
                raise _Refused(HTTPStatus.FORBIDDEN, "This page answers only to this "
                               "computer's own address (http://127.0.0.1).")
            if self.path != "/tag":
                raise _Refused(HTTPStatus.NOT_FOUND, f"No page at {self.path}.")
            files = self._read_files()
            page = self._tag(files)
        except _Refused as exc:
            self._refuse(exc.status, exc.message)
            return
        self._send(HTTPStatus.OK, page, filename="tgclassify-report.html")

    def _read_files(self) -> list[tuple[str, bytes]]:
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            raise _Refused(HTTPStatus.BAD_REQUEST, "Send the files from the upload form "
                           "(multipart/form-data).")
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "The upload has no length.")
        length = int(length_header)
        limit = self.server.max_bytes
        if length > limit:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                           f"The upload is {length / 1e6:.1f} MB; this page takes at most "
                           f"{limit / 1e6:.0f} MB at once. Send fewer or smaller files, or "
                           "tag them with: tgclassify tag FOLDER --format html -o report.html")
        body = self.rfile.read(length)
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
        files: list[tuple[str, bytes]] = []
        if msg.is_multipart():
            for part in msg.iter_parts():
                assert isinstance(part, EmailMessage)
                filename = part.get_filename()
                if filename is None:
                    continue  # a plain form field
                data = part.get_payload(decode=True)
                if not filename and not data:
                    continue  # the empty entry of a form submitted with no file
                files.append((_safe_name(filename, len(files) + 1),
                              data if isinstance(data, bytes) else b""))
        if not files:
            raise _Refused(HTTPStatus.BAD_REQUEST, "Choose at least one report file.")
        if len(files) > self.server.max_files:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                           f"{len(files)} files; this page takes at most "
                           f"{self.server.max_files} at once.")
        return files

    def _tag(self, files: list[tuple[str, bytes]]) -> str:
        with tempfile.TemporaryDirectory(prefix="tgclassify-serve-") as tmp:
            paths, names = [], {}
            for n, (name, data) in enumerate(files):
                folder = Path(tmp) / str(n)
                folder.mkdir()
                path = folder / name
                path.write_bytes(data)
                paths.append(str(path))
                names[str(path)] = name
            out = io.StringIO()
            renderer = make_renderer("html", out)
            with self.server.lock:
                for item in tag_reports(self.server.clf, paths, n_jobs=self.server.n_jobs):
                    item.source = names.get(item.source, item.source)
                    if isinstance(item, ReportSummary):
                        if item.error is not None:
                            item.error = item.error.replace(tmp, "")
                        renderer.report(item)
                    elif isinstance(item, TaggedParagraph):
                        renderer.paragraph(item)
            renderer.close()
            page = out.getvalue()
            if self.server.keep is not None:
                self._keep(tmp, files, page)
        return page

    def _keep(self, tmp: str, files: list[tuple[str, bytes]], page: str) -> None:
        keep = self.server.keep
        assert keep is not None
        target = keep / time.strftime("%Y%m%d-%H%M%S")
        n = 1
        while target.exists():
            n += 1
            target = keep / f"{time.strftime('%Y%m%d-%H%M%S')}-{n}"
        target.mkdir(parents=True)
        for i, (name, _) in enumerate(files):
            shutil.copy2(Path(tmp) / str(i) / name, target / f"{i + 1:03d}-{name}")
        (target / "report.html").write_text(page, encoding="utf-8")


# --- pages -------------------------------------------------------------------------------------

_PAGE_CSS = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
max-width:760px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5;overflow-wrap:anywhere}
h1{font-size:1.6em}.drop{display:block;border:2px dashed #888;border-radius:8px;padding:2em 1em;
text-align:center;cursor:pointer;background:#fafafa}.drop.over{background:#eef4ff;border-color:#36c}
.drop input{display:block;margin:1em auto 0;max-width:100%}ul#chosen{padding-left:1.2em}
button{font:inherit;font-size:1.05em;padding:.4em 1.4em;margin-top:1em;cursor:pointer}
.muted{color:#666;font-size:.9em}.err{background:#fee;border:1px solid #c00;padding:8px}
"""

_PAGE_JS = """
var zone=document.getElementById('zone'),input=document.getElementById('files'),
list=document.getElementById('chosen'),warn=document.getElementById('warn'),
MAX=+zone.dataset.maxBytes;
function show(){list.innerHTML='';var total=0;for(var i=0;i<input.files.length;i++){
var f=input.files[i];total+=f.size;var li=document.createElement('li');
li.textContent=f.name+' ('+Math.max(1,Math.round(f.size/1024))+' KB)';list.appendChild(li);}
warn.textContent=total>MAX?'These files are larger than this page takes at once.':'';}
input.addEventListener('change',show);
['dragenter','dragover'].forEach(function(t){zone.addEventListener(t,function(e){
e.preventDefault();zone.classList.add('over');});});
['dragleave','drop'].forEach(function(t){zone.addEventListener(t,function(e){
e.preventDefault();zone.classList.remove('over');});});
zone.addEventListener('drop',function(e){if(e.dataTransfer.files.length){
input.files=e.dataTransfer.files;show();}});
document.getElementById('form').addEventListener('submit',function(){
document.getElementById('go').disabled=true;
document.getElementById('go').textContent='Tagging…';});
"""


def _page(title: str, body: str, script: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<link rel=\"icon\" href=\"data:,\"><title>{html.escape(title)}</title>"
            f"<style>{_PAGE_CSS}</style></head><body>\n{body}\n"
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


def _upload_page(server: ReportServer) -> str:
    kept = ("Uploaded files and reports are kept in the folder this page was started with "
            "(--keep)." if server.keep is not None else
            "Files are read on this computer and deleted as soon as the report is sent back; "
            "nothing is kept.")
    body = (
        "<h1>Phân loại đoạn văn báo cáo tuyên giáo</h1>"
        "<p>Drop report files here to see which work domains each one covers and which it "
        "leaves out: the same report as <code>tgclassify tag --format html</code>.</p>"
        '<form id="form" method="post" action="/tag" enctype="multipart/form-data">'
        f'<label class="drop" id="zone" data-max-bytes="{server.max_bytes}">'
        "<b>Drop files here</b> or choose them:"
        f'<input type="file" id="files" name="files" multiple accept="{",".join(SUFFIXES)}">'
        "</label>"
        '<ul id="chosen"></ul><p id="warn" class="err" style="display:none"></p>'
        '<button type="submit" id="go">Tag the files</button></form>'
        f'<p class="muted">{" ".join(s.lstrip(".") for s in SUFFIXES)} · at most '
        f"{server.max_files} files and {server.max_bytes / 1e6:.0f} MB at once. "
        f"{html.escape(kept)}</p>")
    script = _PAGE_JS.replace("warn.textContent=total>MAX?",
                              "warn.style.display=total>MAX?'block':'none';"
                              "warn.textContent=total>MAX?")
    return _page("tgclassify — tag report files", body, script)
