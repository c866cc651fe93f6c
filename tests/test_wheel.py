"""The package as a user gets it: a wheel built from this tree, installed into a fresh virtual
environment outside the checkout, tags the quick start's example with the model it carries."""

import json
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the tree (the checkout gets no build/ or egg-info)."""
    src = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(out), str(src)], check=True)
    (built,) = out.glob("tgclassify-*.whl")
    return built


def test_wheel_carries_the_default_model(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("model.json", "model.npz", "model_card.json", "README.md"):
        assert f"tgclassify/default_model/{name}" in names
    assert "tgclassify/default_model/model.joblib" not in names  # a training artifact
    assert "tgclassify/py.typed" in names


def test_installed_wheel_tags_the_example(wheel, tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True)
    # the dependencies come from this test environment's site-packages (no download); a path
    # line in a .pth file runs no .pth file of that folder, so the editable install stays out
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                   "get_paths()['purelib'])"], capture_output=True, text=True,
                                  check=True).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (purelib / "test_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "bao-cao-so-ket-6-thang.txt", work)
    where = subprocess.run([str(python), "-c", "import tgclassify; print(tgclassify.__file__)"],
                           cwd=work, capture_output=True, text=True, check=True).stdout
    assert Path(where).is_relative_to(env)
    res = subprocess.run([str(env / "bin" / "tgclassify"), "tag", "bao-cao-so-ket-6-thang.txt"],
                         cwd=work, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert records[-1]["type"] == "report" and records[-1]["covered"]
    assert sum(r["type"] == "paragraph" for r in records) > 10
