"""Every input the fuzzing campaign (benchmarks/fuzz.py) ever found to crash, hang or blow the
memory limit, replayed through the target that found it: none may fail again, or be slow."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FINDINGS = sorted((ROOT / "tests" / "fixtures" / "fuzz").glob("*/*"))


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("tgclassify_fuzz", ROOT / "benchmarks" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FUZZ = _fuzz_module()


def test_every_target_has_seeds_and_takes_bytes():
    assert set(FUZZ.TARGETS) >= {"read_txt", "read_html", "read_pdf", "read_docx", "read_docx_xml",
                                 "segment", "normalize", "legacy", "model"}
    for name in ("read_txt", "segment", "normalize", "legacy"):
        for seed in FUZZ.seeds(name)[:3]:
            FUZZ.TARGETS[name](seed)


@pytest.mark.parametrize("path", FINDINGS, ids=[f"{p.parent.name}/{p.name[:20]}" for p in FINDINGS])
def test_a_saved_finding_no_longer_fails(path):
    target = FUZZ.TARGETS[path.parent.name]
    start = time.perf_counter()
    target(path.read_bytes())
    # a hang found by the campaign must now end well inside its 20 s limit
    assert time.perf_counter() - start < 10
