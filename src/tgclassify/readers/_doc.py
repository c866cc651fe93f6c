"""Old binary Word files (.doc): converted to .docx by LibreOffice, then read as .docx.

LibreOffice runs headless, in a throw-away profile (so parallel conversions and a user's own
LibreOffice do not lock each other out), under a time limit; its whole process group is
killed when the limit passes. Without LibreOffice the error says what to install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReportReadError
from ._base import Line, ReadLimits
from ._docx import read_docx

INSTALL_HINT = ("install LibreOffice to read it (Debian/Ubuntu: apt-get install "
                "libreoffice-writer-nogui; Windows/macOS: libreoffice.org), or open it in Word "
                "and save it as .docx")


def soffice_path() -> str | None:
    """The LibreOffice command on the PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, data: bytes, timeout: float) -> bytes:
    soffice = soffice_path()
    if soffice is None:
        raise ReportReadError(path, f"old binary Word (.doc) file: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="tgclassify-doc-") as tmp:
        folder = Path(tmp)
        source = folder / "report.doc"
        source.write_bytes(data)
        out = folder / "out"
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        env = {**os.environ, "HOME": str(folder), "SAL_USE_VCLPLUGIN": "svp"}
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, env=env, start_new_session=True)
        except OSError as exc:
            raise ReportReadError(path, f"cannot start LibreOffice ({exc.strerror or exc})") from exc
        try:
            process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(process)
            raise ReportReadError(
                path, f"LibreOffice did not convert the .doc within {timeout:g} s (limit "
                      "ReadLimits.libreoffice_timeout_s); the file may be damaged") from exc
        finally:
            _kill_group(process)
        result = out / "report.docx"
        if not result.exists() or result.stat().st_size == 0:
            raise ReportReadError(path, "LibreOffice could not convert this .doc (damaged or not "
                                        "a Word file)")
        return result.read_bytes()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """End the converter and everything it started (soffice runs oosplash and soffice.bin)."""
    with contextlib.suppress(OSError):  # the group has ended already
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file signature of Word 97-2003


def read_doc(path: Path, data: bytes, limits: ReadLimits) -> tuple[list[Line], list[str]]:
    if data.startswith(b"PK"):
        lines, notes = read_docx(path, data, limits)  # a .docx saved under the old name
        return lines, notes
    head = data[:512].lstrip().lower()
    if not (data.startswith(_OLE2) or head.startswith((b"{\\rtf", b"<html", b"<!doctype html",
                                                        b"<?xml", b"mime-version"))):
        # LibreOffice would import anything as plain text; only Word's formats go to it
        raise ReportReadError(path, "not a Word .doc file (no Word 97-2003, RTF or Word-HTML "
                                    "signature)")
    docx = convert_to_docx(path, data, limits.libreoffice_timeout_s)
    lines, notes = read_docx(path, docx, limits)
    return lines, ["old Word (.doc) file converted by LibreOffice", *notes]
