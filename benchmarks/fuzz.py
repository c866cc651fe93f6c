# ruff: noqa: PLC0415  (targets import lazily: atheris must instrument the modules first)
"""Fuzzing campaign over the entry points that take untrusted input.

Usage (from the repository root, with the development virtualenv):

    python benchmarks/fuzz.py list
    python benchmarks/fuzz.py campaign --seconds 1800 --parallel 2   # every target, 30 min each
    python benchmarks/fuzz.py campaign --seconds 600 --targets read_pdf read_html
    python benchmarks/fuzz.py run read_docx --seconds 60              # one target, this process
    python benchmarks/fuzz.py replay                                  # the saved findings

Engine: atheris (coverage-guided libFuzzer, ``pip install atheris``) where it installs, else
hypothesis with a byte strategy seeded from small valid files and mutated. Each target is a
function of one ``bytes`` input; an exception other than the documented one
(:class:`~tgclassify.ReportReadError` for the readers) is a crash, an input running longer
than ``--hang`` seconds a hang, one taking the process past ``--rss-mb`` an out-of-memory.
Every such input is copied to ``tests/fixtures/fuzz/<target>/`` (``crash-``, ``timeout-``,
``oom-`` and the input's sha1) and replayed by ``tests/test_fuzz_replay.py`` for good.

``campaign`` runs each target in its own niced process (restarted after a finding until its
time is used), ``--parallel`` at a time, and writes the figures (runs, CPU and wall seconds,
findings) to ``benchmarks/results/fuzz.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FINDINGS = ROOT / "tests" / "fixtures" / "fuzz"
WORK = Path(os.environ.get("TGCLASSIFY_FUZZ_WORK", tempfile.gettempdir())) / "tgclassify-fuzz"
RESULTS = ROOT / "benchmarks" / "results" / "fuzz.json"
#: Largest input the fuzzers make (bytes): a few pages of a report, big enough for structure.
MAX_LEN = 64 * 1024
#: An input taking longer than this (seconds) is a hang; instrumented code runs 2-4× slower.
HANG_S = 20
#: Resident memory of a fuzzing process past which an input is an out-of-memory finding. The
#: model target starts at ~300 MB; a reader must stay far under the 500 MB of a whole batch.
RSS_MB = 1024

_PARTS = {
    "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                           b'<Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   b'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
}


# --- targets: each takes one bytes input ----------------------------------------------------------

def as_text(data: bytes) -> str:
    """Bytes to a str reaching every code point: the first byte picks UTF-8 or UTF-16."""
    if not data:
        return ""
    if data[0] & 1:  # lone surrogates included: a PDF's broken UTF-16 gives them
        return data[1:].decode("utf-16-le", errors="surrogatepass") if len(data) % 2 else \
            data[1:].decode("utf-16-le", errors="replace")
    return data[1:].decode("utf-8", errors="replace")


def from_text(text: str) -> bytes:
    """The inverse of :func:`as_text` for seeds."""
    return b"\x00" + text.encode("utf-8")


_SCRATCH: dict[str, Path] = {}


def _scratch(suffix: str) -> Path:
    if suffix not in _SCRATCH:
        _SCRATCH[suffix] = Path(tempfile.mkdtemp(prefix="tgfuzz-")) / f"input{suffix}"
    return _SCRATCH[suffix]


def _read(data: bytes, suffix: str) -> None:
    from tgclassify.errors import ReportReadError
    from tgclassify.readers import open_report
    from tgclassify.segment import iter_paragraphs

    path = _scratch(suffix)
    path.write_bytes(data)
    try:
        source = open_report(path)
        for para in iter_paragraphs(source.lines()):
            assert isinstance(para.text, str) and para.text
        for note in source.warnings:
            assert note.isprintable(), note
    except ReportReadError as exc:
        assert exc.reason.isprintable(), exc.reason  # no raw bytes in what a user reads


def docx_of(document_xml: bytes) -> bytes:
    """A .docx holding ``document_xml`` as its body, for the XML-level target."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in _PARTS.items():
            zf.writestr(name, part)
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def t_read_txt(data: bytes) -> None:
    _read(data, ".txt")


def t_read_html(data: bytes) -> None:
    _read(data, ".html")


def t_read_pdf(data: bytes) -> None:
    _read(data, ".pdf")


def t_read_docx(data: bytes) -> None:
    _read(data, ".docx")


def t_read_docx_xml(data: bytes) -> None:
    _read(docx_of(data), ".docx")


def t_segment(data: bytes) -> None:
    from tgclassify.segment import segment_report

    for para in segment_report(as_text(data)):
        assert para.kind in ("heading", "body", "noise")


def t_normalize(data: bytes) -> None:
    from tgclassify.normalize import clean_line, normalize_text

    text = as_text(data)
    once = normalize_text(text)
    assert isinstance(once, str)
    clean_line(text)


def t_legacy(data: bytes) -> None:
    from tgclassify.legacy import check_legacy, decode_legacy, encode_legacy, fix_legacy_text

    text = as_text(data)
    for encoding in ("tcvn3", "vni"):
        decode_legacy(text, encoding)
        decode_legacy(text, encoding, uppercase=True)
        try:
            encode_legacy(text, encoding)
        except ValueError as exc:  # documented: a character the encoding has no code for
            assert "cannot be written" in str(exc)
    check_legacy(text)
    fix_legacy_text(text, font_name=".VnTime")


_MODEL: list[object] = []


def t_model(data: bytes) -> None:
    from tgclassify.model import Classifier

    if not _MODEL:
        _MODEL.append(Classifier.load())
    clf = _MODEL[0]
    text = as_text(data)
    body, _, context = text.partition("\n")
    proba = clf.predict_proba([text, (body, context)])  # type: ignore[attr-defined]
    assert proba.shape == (2, 10)
    assert ((proba >= 0) & (proba <= 1)).all()


TARGETS: dict[str, Callable[[bytes], None]] = {
    "read_txt": t_read_txt,
    "read_html": t_read_html,
    "read_pdf": t_read_pdf,
    "read_docx": t_read_docx,
    "read_docx_xml": t_read_docx_xml,
    "segment": t_segment,
    "normalize": t_normalize,
    "legacy": t_legacy,
    "model": t_model,
}


# --- seeds: small valid inputs ------------------------------------------------------------------

def seeds(target: str) -> list[bytes]:
    reports = ROOT / "tests" / "fixtures" / "reports"
    web = ROOT / "tests" / "fixtures" / "web"
    texts = [p.read_bytes()[:6000] for p in sorted(reports.glob("*.txt"))]
    if target == "read_txt":
        legacy = "Tæng kÕt c«ng t¸c tuyªn truyÒn n¨m 2023\nB¸o c¸o viªn cÊp huyÖn"
        return [*texts, unicodedata.normalize("NFD", "Báo cáo\tKết quả\nTuyên truyền\t12 hội nghị")
                .encode("cp1258", errors="ignore"),
                legacy.encode("utf-8"), "Tổng kết\r\n".encode("utf-16")]
    if target == "read_html":
        return [p.read_bytes()[:MAX_LEN] for p in [*sorted(web.glob("*.html")),
                                                   *sorted(reports.glob("*.html"))]]
    if target == "read_pdf":
        sys.path.insert(0, str(ROOT / "tests"))
        from helpers import make_pdf

        out = []
        with tempfile.TemporaryDirectory() as tmp:
            for i, pages in enumerate([[["BAO CAO", "I. CONG TAC TUYEN TRUYEN", "To chuc 12 hoi nghi."]],
                                       [["Trang mot"], ["Trang hai", "2"]]]):
                out.append(make_pdf(Path(tmp) / f"{i}.pdf", pages).read_bytes())
        return out + [p.read_bytes() for p in sorted(reports.glob("*.pdf")) if p.stat().st_size <= MAX_LEN]
    if target in ("read_docx", "read_docx_xml"):
        docs = [p for p in sorted(reports.glob("*.docx"))][:4]
        if target == "read_docx":
            return [docx_of(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                            b'2006/main"><w:body><w:p><w:r><w:t>B\xc3\xa1o c\xc3\xa1o</w:t></w:r></w:p>'
                            b'</w:body></w:document>')] + [p.read_bytes() for p in docs]
        out = []
        for p in docs:
            with zipfile.ZipFile(p) as zf:
                out.append(zf.read("word/document.xml")[:MAX_LEN])
        return out
    lines = [line for t in texts for line in t.decode("utf-8").splitlines() if line.strip()]
    if target == "legacy":
        return [from_text("Tæng kÕt c«ng t¸c tuyªn truyÒn"), from_text("Toång keát coâng taùc"),
                *[from_text(line) for line in lines[:10]]]
    return [from_text("\n".join(lines[i : i + 12])) for i in range(0, min(len(lines), 120), 12)]


# --- one target, in this process ----------------------------------------------------------------

def run_atheris(target: str, seconds: float, work: Path, hang: float, rss_mb: int) -> None:
    import atheris  # optional: pip install atheris

    corpus = work / "corpus"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        for seed in seeds(target):
            (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    (work / "artifacts").mkdir(exist_ok=True)
    with atheris.instrument_imports(include=["tgclassify"]):
        import tgclassify.legacy
        import tgclassify.model
        import tgclassify.normalize
        import tgclassify.readers
        import tgclassify.readers._docx
        import tgclassify.readers._html
        import tgclassify.readers._pdf
        import tgclassify.readers._text
        import tgclassify.segment  # noqa: F401
    target_fn = TARGETS[target]
    if target == "model":
        target_fn(from_text("khởi động"))  # load the model before the clock and the memory check
    current = work / "current"
    seen: set[str] = set()

    def fn(data: bytes) -> None:
        # This atheris build writes no artifact for a Python exception (it dies on SIGALRM
        # instead), so the harness keeps crashes itself, one per distinct place, and goes on;
        # the input in flight is kept in `current` for the supervisor to file a hang or an
        # out-of-memory that kills the process.
        current.write_bytes(data)
        try:
            target_fn(data)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            signature = f"{type(exc).__name__} {where.filename}:{where.lineno}"
            if signature not in seen:
                seen.add(signature)
                _save(work / "artifacts", "crash", data)
                print(f"CRASH {signature}\n{traceback.format_exc()}", file=sys.stderr, flush=True)
    argv = [sys.argv[0], str(corpus), f"-max_total_time={int(seconds)}", f"-timeout={int(hang)}",
            f"-rss_limit_mb={rss_mb}", f"-max_len={MAX_LEN}", "-print_final_stats=1",
            f"-artifact_prefix={work / 'artifacts'}/"]
    atheris.Setup(argv, fn)
    atheris.Fuzz()


class _Hang(Exception):
    pass


def run_hypothesis(target: str, seconds: float, work: Path, hang: float, rss_mb: int) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    work.mkdir(parents=True, exist_ok=True)
    artifacts = work / "artifacts"
    artifacts.mkdir(exist_ok=True)
    current = work / "current"
    resource.setrlimit(resource.RLIMIT_AS, (rss_mb * 2 * 1024 * 1024, resource.RLIM_INFINITY))
    base = seeds(target)

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(base)))
        for _ in range(draw(st.integers(1, 8))):
            op = draw(st.integers(0, 4))
            at = draw(st.integers(0, max(0, len(data))))
            if op == 0 and data:  # flip a byte
                data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
            elif op == 1:  # insert bytes
                data[at:at] = draw(st.binary(max_size=64))
            elif op == 2:  # delete a run
                del data[at : at + draw(st.integers(1, 256))]
            elif op == 3:  # repeat a run (nesting, long lines)
                run = data[at : at + draw(st.integers(1, 64))]
                data[at:at] = run * draw(st.integers(2, 200))
            else:  # splice another seed in
                other = draw(st.sampled_from(base))
                data[at:] = other[draw(st.integers(0, max(0, len(other) - 1))):]
        return bytes(data[:MAX_LEN])

    def on_alarm(signum: int, frame: object) -> None:
        raise _Hang

    signal.signal(signal.SIGALRM, on_alarm)
    runs = 0

    @settings(max_examples=500, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(mutated(), st.binary(max_size=4096)))
    def one(data: bytes) -> None:
        nonlocal runs
        runs += 1
        current.write_bytes(data)
        signal.setitimer(signal.ITIMER_REAL, hang)
        try:
            TARGETS[target](data)
        except _Hang:
            _save(artifacts, "timeout", data)
        except MemoryError:
            _save(artifacts, "oom", data)
        except Exception:  # a crash: keep the input, go on
            _save(artifacts, "crash", data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        one()
    print(f"stat::number_of_executed_units: {runs}", file=sys.stderr)


def _save(folder: Path, kind: str, data: bytes) -> None:
    (folder / f"{kind}-{hashlib.sha1(data).hexdigest()}").write_bytes(data)


# --- campaign -----------------------------------------------------------------------------------

def engine() -> str:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return "hypothesis"
    return "atheris"


def _runs(log: str) -> int:
    final = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    if final:
        return int(final[-1])
    progress = re.findall(r"^#(\d+)\s", log, re.M)
    return int(progress[-1]) if progress else 0


def campaign(targets: list[str], seconds: float, parallel: int, hang: float, rss_mb: int,
             results: Path, note: str) -> dict:
    kind = engine()
    state = {t: {"runs": 0, "wall_s": 0.0, "cpu_s": 0.0, "starts": 0, "findings": [], "deaths": []}
             for t in targets}
    pending = list(targets)
    active: dict[str, tuple[subprocess.Popen, float, Path]] = {}
    deadline_of = {t: 0.0 for t in targets}
    begun = time.time()
    while pending or active:
        while pending and len(active) < parallel:
            t = pending.pop(0)
            deadline_of[t] = time.monotonic() + seconds
            active[t] = _start(t, seconds, hang, rss_mb, kind, state[t])
        time.sleep(2)
        for t, (proc, started, log) in list(active.items()):
            remaining = deadline_of[t] - time.monotonic()
            pid, _status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == 0 and remaining < -(hang + 60):
                # the engine itself is wedged (a hang it could not catch): kill, keep the input
                proc.kill()
                current = WORK / t / "current"
                if current.exists():
                    _save(WORK / t / "artifacts", "timeout", current.read_bytes())
                pid, _status, usage = os.wait4(proc.pid, 0)
            if pid == 0:
                continue
            proc.returncode = _status
            text = log.read_text(errors="replace")
            current = WORK / t / "current"
            died = os.WIFSIGNALED(_status) or (os.WIFEXITED(_status) and os.WEXITSTATUS(_status) not in (0,))
            if died and remaining > 5 and current.exists():
                kind = ("oom" if "out-of-memory" in text or "MemoryError" in text
                        else "timeout" if "ALARM" in text or "timeout" in text.lower()
                        or (os.WIFSIGNALED(_status) and os.WTERMSIG(_status) == signal.SIGALRM)
                        else "crash")
                _save(WORK / t / "artifacts", kind, current.read_bytes())
                state[t]["deaths"].append(f"{kind}: status {_status}")
            state[t]["cpu_s"] += usage.ru_utime + usage.ru_stime
            state[t]["wall_s"] += time.monotonic() - started
            state[t]["runs"] += _runs(text)
            state[t]["findings"] = _collect(t)
            del active[t]
            if remaining > 30 and state[t]["starts"] < 50:
                active[t] = _start(t, remaining, hang, rss_mb, kind, state[t])
    report = {
        "date": date.today().isoformat(), "engine": kind, "seconds_per_target": seconds,
        "parallel": parallel, "hang_s": hang, "rss_limit_mb": rss_mb,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_at_end": os.getloadavg()[0]},
        "wall_hours": round((time.time() - begun) / 3600, 2),
        "cpu_hours_all_targets": round(sum(s["cpu_s"] for s in state.values()) / 3600, 2),
        "note": note,
        "targets": {t: {**s, "cpu_s": round(s["cpu_s"]), "wall_s": round(s["wall_s"])}
                    for t, s in state.items()},
    }
    save_campaign(results, report)
    return report


def save_campaign(results: Path, report: dict) -> None:
    """Append a campaign to the results file and recount the totals over all campaigns."""
    old = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    campaigns = [*old.get("campaigns", []), report]
    per_target: dict[str, dict] = {}
    for c in campaigns:
        for t, v in c["targets"].items():
            tot = per_target.setdefault(t, {"runs": 0, "wall_s": 0, "cpu_s": 0})
            for key in tot:
                tot[key] += v.get(key) or 0
    findings = sorted({f"{t}/{name}" for t in per_target for name in
                       (p.name for p in (FINDINGS / t).glob("*"))} if FINDINGS.exists() else set())
    totals = {"campaigns": len(campaigns), "runs": sum(v["runs"] for v in per_target.values()),
              "wall_hours_per_target": {t: round(v["wall_s"] / 3600, 2) for t, v in per_target.items()},
              "cpu_hours": round(sum(v["cpu_s"] for v in per_target.values()) / 3600, 2),
              "per_target": per_target, "findings_kept": findings}
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps({"totals": totals, "campaigns": campaigns}, indent=2,
                                  ensure_ascii=False) + "\n", encoding="utf-8")


def _start(target: str, seconds: float, hang: float, rss_mb: int, kind: str, st: dict
           ) -> tuple[subprocess.Popen, float, Path]:
    work = WORK / target
    work.mkdir(parents=True, exist_ok=True)
    st["starts"] += 1
    log = work / f"log-{st['starts']}.txt"
    cmd = ["nice", "-n", "19", sys.executable, str(Path(__file__).resolve()), "run", target,
           "--seconds", str(int(seconds)), "--hang", str(hang), "--rss-mb", str(rss_mb),
           "--engine", kind]
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
    return proc, time.monotonic(), log


def _collect(target: str) -> list[str]:
    """Copy new artifacts into the findings folder; every finding ever made stays there."""
    found = WORK / target / "artifacts"
    dest = FINDINGS / target
    names = []
    for f in sorted(found.glob("*")) if found.exists() else []:
        kind = f.name.split("-", 1)[0]
        if kind not in ("crash", "timeout", "oom", "slow-unit"):
            continue
        data = f.read_bytes()
        name = f"{kind}-{hashlib.sha1(data).hexdigest()}"
        dest.mkdir(parents=True, exist_ok=True)
        if not (dest / name).exists():
            shutil.copyfile(f, dest / name)
        names.append(name)
    return names


def replay(folder: Path) -> int:
    """Run every saved finding through its target; print those that still fail."""
    failed = 0
    for path in sorted(folder.glob("*/*")):
        target = path.parent.name
        start = time.perf_counter()
        try:
            TARGETS[target](path.read_bytes())
            outcome = "ok"
        except Exception as exc:
            outcome = f"FAIL {type(exc).__name__}: {exc}"[:200]
            failed += 1
        print(f"{target}/{path.name}: {outcome} ({time.perf_counter() - start:.2f} s)")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    r = sub.add_parser("run")
    r.add_argument("target", choices=sorted(TARGETS))
    r.add_argument("--seconds", type=float, default=60)
    r.add_argument("--hang", type=float, default=HANG_S)
    r.add_argument("--rss-mb", type=int, default=RSS_MB)
    r.add_argument("--engine", choices=("atheris", "hypothesis"), default=None)
    c = sub.add_parser("campaign")
    c.add_argument("--targets", nargs="*", default=sorted(TARGETS), choices=sorted(TARGETS))
    c.add_argument("--seconds", type=float, default=1800, help="per target (the issue asks 1,800)")
    c.add_argument("--parallel", type=int, default=2)
    c.add_argument("--hang", type=float, default=HANG_S)
    c.add_argument("--rss-mb", type=int, default=RSS_MB)
    c.add_argument("--results", type=Path, default=RESULTS)
    c.add_argument("--note", default="")
    p = sub.add_parser("replay")
    p.add_argument("folder", nargs="?", type=Path, default=FINDINGS)
    args = ap.parse_args()
    if args.command == "list":
        print("\n".join(sorted(TARGETS)))
        return 0
    if args.command == "replay":
        return replay(args.folder)
    if args.command == "campaign":
        report = campaign(args.targets, args.seconds, args.parallel, args.hang, args.rss_mb,
                          args.results, args.note)
        print(json.dumps(report, indent=2))
        return 0
    work = WORK / args.target
    work.mkdir(parents=True, exist_ok=True)
    if (args.engine or engine()) == "atheris":
        run_atheris(args.target, args.seconds, work, args.hang, args.rss_mb)
    else:
        run_hypothesis(args.target, args.seconds, work, args.hang, args.rss_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
