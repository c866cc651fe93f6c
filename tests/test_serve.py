"""`tgclassify serve` over HTTP, in process: upload, limits, nothing kept, this computer only."""

import threading
import urllib.error
import urllib.request
import uuid

import pytest

from helpers import make_docx
from tgclassify import constants as C
from tgclassify.cli import build_parser
from tgclassify.serve import make_server

REPORT = ("1. Công tác tuyên truyền\nTổ chức 12 hội nghị báo cáo viên cấp huyện, 310 buổi nói "
          "chuyện thời sự ở chi bộ.\n")


@pytest.fixture()
def server(small_model, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    srv = make_server(small_model, port=0, max_bytes=200_000, max_files=3)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def multipart(files):
    boundary = uuid.uuid4().hex
    body = b""
    for name, data in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                 f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                 ).encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post(srv, files, headers=None):
    body, ctype = multipart(files)
    req = urllib.request.Request(srv.url + "tag", data=body, method="POST",
                                 headers={"Content-Type": ctype, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, res.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def test_upload_gives_the_html_report_and_keeps_nothing(server, tmp_path):
    with urllib.request.urlopen(server.url, timeout=30) as res:
        page = res.read().decode("utf-8")
    assert 'type="file"' in page and 'action="/tag"' in page and "nothing is kept" in page
    docx = make_docx(tmp_path / "a.docx").read_bytes()
    status, page = post(server, [("Báo cáo quý II.txt", REPORT.encode()), ("a.docx", docx),
                                 ("../../etc/x.odt", b"junk")])
    assert status == 200
    assert page.startswith("<!DOCTYPE html>") and 'class="bar"' in page
    assert "Báo cáo quý II.txt" in page and "a.docx" in page
    assert "x.odt" in page and 'class="err"' in page and "../" not in page
    assert str(tmp_path) not in page  # names, not the temporary paths
    assert list((tmp_path / "tmp").iterdir()) == []


def test_limits_and_bad_requests(server):
    status, page = post(server, [("big.txt", b"x" * 300_000)])
    assert status == 413 and "at most" in page
    status, page = post(server, [(f"{i}.txt", REPORT.encode()) for i in range(4)])
    assert status == 413 and "at most 3" in page
    status, page = post(server, [])
    assert status == 400
    req = urllib.request.Request(server.url + "tag", data=b"x=1", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 400


def test_answers_only_to_this_computer(server):
    req = urllib.request.Request(server.url, headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 403
    status, _ = post(server, [("a.txt", REPORT.encode())], headers={"Host": "attacker.example"})
    assert status == 403
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == C.SERVE_PORT and args.keep is None


def test_keep_folder_holds_uploads_and_report(small_model, tmp_path):
    srv = make_server(small_model, port=0, keep=tmp_path / "kept")
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        status, page = post(srv, [("a.txt", REPORT.encode())])
    finally:
        srv.shutdown()
        srv.server_close()
    assert status == 200 and "a.txt" in page
    (run,) = (tmp_path / "kept").iterdir()
    assert sorted(p.name for p in run.iterdir()) == ["001-a.txt", "report.html"]
