"""Tagging on a Dask cluster: a LocalCluster of two worker processes, as a real cluster runs it
(the model and files travel between processes), checked against local tagging."""

import os
import signal
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from helpers import make_docx, make_pdf
from tgclassify.tagging import expand_inputs, tag_reports

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]

HAVE_DASK = all(find_spec(m) is not None for m in ("dask", "distributed", "pandas"))
needs_dask = pytest.mark.skipif(not HAVE_DASK, reason="dask[distributed] is not installed: "
                                "pip install -e '.[dev,dask]'")

#: a worker dying twice on the same file makes it an error record (the default is 3 deaths;
#: fewer keep the test short)
ALLOWED_FAILURES = 1


@pytest.fixture(scope="module")
def cluster():
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=":0")
    client = Client(lc, set_as_default=False)
    yield client
    client.close()
    lc.close()


@pytest.fixture
def client(cluster):
    cluster.wait_for_workers(2, timeout=120)
    return cluster


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Good reports of every kind, of very different lengths, and bad files."""
    d = tmp_path_factory.mktemp("cluster-reports")
    portal = (FIXTURES / "portal_report.txt").read_text(encoding="utf-8")
    (d / "a_long.txt").write_text("\n".join([portal] * 12), encoding="utf-8")
    make_docx(d / "b_report.docx")
    make_pdf(d / "c_scan.pdf", [["I. CONG TAC KHOA GIAO",
                                 "Nganh giao duc to chuc thi tot nghiep an toan."]])
    (d / "d_empty.txt").write_bytes(b"")
    (d / "e_corrupt.docx").write_bytes(b"PK\x03\x04broken")
    (d / "f_notes.odt").write_bytes(b"whatever")
    (d / "g_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    for i in range(6):
        (d / f"h_short_{i}.md").write_text(
            f"II. CÔNG TÁC KHOA GIÁO\nNgành y tế tiêm chủng cho {100 + i} trẻ em, tuyên truyền "
            "phòng chống dịch bệnh ở các xã.", encoding="utf-8")
    return d


def sources_of(folder):
    return [*expand_inputs([str(folder)]), str(folder / "missing.txt")]


def records(items):
    return [i.to_dict() for i in items]


@needs_dask
@pytest.mark.parametrize("send_files", [False, True], ids=["shared-paths", "send-files"])
def test_cluster_output_is_local_output(small_model, client, folder, send_files):
    sources = sources_of(folder)
    local = records(tag_reports(small_model, sources))
    remote = records(tag_reports(small_model, sources, client=client, send_files=send_files))
    assert remote == local
    kinds = [r["type"] for r in remote if r["type"] != "paragraph"]
    assert kinds.count("error") == 5 and kinds.count("report") == 9
    # input order, whatever finished first (the long report is first)
    assert [r["source"] for r in remote if r["type"] != "paragraph"] == sources


@needs_dask
def test_relative_paths_keep_their_names(small_model, client, folder, monkeypatch):
    monkeypatch.chdir(folder)
    sources = ["h_short_1.md", "d_empty.txt", "h_short_0.md"]
    assert records(tag_reports(small_model, sources, client=client)) == records(
        tag_reports(small_model, sources))


@needs_dask
def test_stdin_is_tagged_on_the_client_in_its_place(small_model, client, folder):
    from tgclassify.readers import open_stdin

    text = (folder / "h_short_2.md").read_bytes()
    sources = [str(folder / "h_short_0.md"), "-", str(folder / "h_short_1.md")]

    def stdin():
        import io
        return open_stdin(io.BytesIO(text))

    remote = records(tag_reports(small_model, sources, client=client, stdin_reader=stdin))
    assert remote == records(tag_reports(small_model, sources, stdin_reader=stdin))
    assert [r["source"] for r in remote if r["type"] == "report"] == [
        sources[0], "-", sources[2]]


class Killer:
    """The classifier, except that on a worker it ends its own process when a paragraph holds
    ``trigger``: once in all (a marker file remembers it), or every time with ``always``."""

    def __init__(self, clf, trigger, marker, always=False):
        self.clf, self.trigger, self.marker, self.always = clf, trigger, str(marker), always

    @property
    def labels(self):
        return self.clf.labels

    @property
    def thresholds(self):
        return self.clf.thresholds

    @property
    def chrome_filter(self):
        return self.clf.chrome_filter

    @property
    def heading_blend(self):
        return self.clf.heading_blend

    def blend(self, proba, kinds):
        return self.clf.blend(proba, kinds)

    def predict_proba(self, paragraphs):
        from distributed import get_worker

        try:
            get_worker()
        except ValueError:  # not on a worker: the local reference run
            return self.clf.predict_proba(paragraphs)
        texts = [p[0] if isinstance(p, tuple) else p for p in paragraphs]
        if any(self.trigger in t for t in texts) and (self.always
                                                      or not os.path.exists(self.marker)):
            Path(self.marker).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return self.clf.predict_proba(paragraphs)


@pytest.fixture
def killer_pickled_by_value():
    import cloudpickle

    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)  # the workers cannot import this test module
    yield
    cloudpickle.unregister_pickle_by_value(module)


def numbered_reports(tmp_path, n, trigger_at, trigger):
    portal = (FIXTURES / "portal_report.txt").read_text(encoding="utf-8")
    files = []
    for i in range(n):
        extra = f" {trigger}" if i == trigger_at else ""
        p = tmp_path / f"r{i:02d}.txt"
        p.write_text(portal + f"\nĐoạn kết thúc riêng của báo cáo số {i} có đủ chữ để là nội "
                     f"dung{extra}.", encoding="utf-8")
        files.append(str(p))
    return files


@needs_dask
def test_a_worker_killed_mid_run_loses_nothing(small_model, client, tmp_path,
                                               killer_pickled_by_value):
    marker = tmp_path / "killed"
    files = numbered_reports(tmp_path, 10, 4, "CHẤM DỨT")
    killer = Killer(small_model, "CHẤM DỨT", marker)
    pids = set(client.run(os.getpid).values())
    remote = records(tag_reports(killer, files, client=client))
    assert marker.exists()  # a worker did die, on the fifth file
    client.wait_for_workers(2, timeout=120)
    assert set(client.run(os.getpid).values()) != pids  # and the nanny replaced it
    assert remote == records(tag_reports(small_model, files))
    summaries = [r["source"] for r in remote if r["type"] == "report"]
    assert summaries == files  # each file once, in order


@needs_dask
def test_a_file_that_kills_every_worker_is_an_error_record(small_model, client, tmp_path,
                                                           killer_pickled_by_value):
    """Tried on ALLOWED_FAILURES + 1 workers, then once more as a new task (the files before it
    run first wherever they share a queue with it, so they are never blamed)."""
    files = numbered_reports(tmp_path, 4, 3, "LUÔN CHẾT")
    killer = Killer(small_model, "LUÔN CHẾT", tmp_path / "marker", always=True)
    remote = records(tag_reports(killer, files, client=client))
    local = records(tag_reports(small_model, files))
    assert remote[:-1] == [r for r in local if r["source"] != files[3]]
    assert remote[-1]["type"] == "error" and remote[-1]["source"] == files[3]
    assert "workers died each time" in remote[-1]["error"]


# --- the command ----------------------------------------------------------------------------------

def tag_cli(*args):
    from tgclassify.cli import main

    return main(["tag", *args, "--quiet"])


@needs_dask
@pytest.mark.parametrize("extra", [[], ["--send-files"]], ids=["shared-paths", "send-files"])
def test_cli_scheduler_writes_what_local_tagging_writes(saved_model, client, folder, tmp_path,
                                                         extra):
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert tag_cli(str(folder), "--model", str(saved_model), "-o", str(local)) == 1
    assert tag_cli(str(folder), "--model", str(saved_model), "-o", str(remote),
                   "--scheduler", client.scheduler.address, *extra) == 1
    assert remote.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")


@needs_dask
def test_cli_unreachable_scheduler_is_misuse(saved_model, folder, tmp_path, monkeypatch, capsys):
    from tgclassify import constants as C

    monkeypatch.setattr(C, "SCHEDULER_CONNECT_TIMEOUT_S", 1)
    out = tmp_path / "out.jsonl"
    assert tag_cli(str(folder), "--model", str(saved_model), "-o", str(out),
                   "--scheduler", "tcp://127.0.0.1:9") == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not out.exists()


def test_cli_scheduler_options_misuse(saved_model, folder, capsys):
    assert tag_cli(str(folder), "--model", str(saved_model), "--send-files") == 2
    assert tag_cli(str(folder), "--model", str(saved_model), "--scheduler", "tcp://x:1",
                   "-j", "2") == 2
    assert "--scheduler" in capsys.readouterr().err


def test_without_dask_the_error_says_how_to_install(monkeypatch):
    from tgclassify._distributed import connect
    from tgclassify.errors import TgclassifyError

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as when not installed
    with pytest.raises(TgclassifyError, match=r"pip install 'tgclassify\[dask\]'"):
        connect("tcp://127.0.0.1:8786")


def test_plain_tagging_imports_no_dask(tmp_path):
    """Only --scheduler / client= / tgclassify.dask bring dask in."""
    code = ("import sys; from tgclassify.cli import main; "
            f"rc = main(['tag', {str(ROOT / 'examples')!r}, '-q', '-o', {str(tmp_path / 'o')!r}, "
            "'-j', '2']); "
            "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "0 []"


# --- dataframes -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paragraphs_frame():
    pd = pytest.importorskip("pandas")
    texts = [line for line in (FIXTURES / "portal_report.txt").read_text(encoding="utf-8")
             .splitlines() if len(line.split()) > 5]
    heads = ["II. CÔNG TÁC KHOA GIÁO" if i % 2 else None for i in range(len(texts))]
    return pd.DataFrame({"text": texts, "heading": heads, "doc": np.arange(len(texts))})


def expected_labels(clf, frame):
    pairs = list(zip(frame.text, frame.heading.fillna(""), strict=True))
    return clf.predict(pairs), clf.predict_proba(pairs)


@needs_dask
def test_label_frame_adds_a_column_per_label(small_model, paragraphs_frame):
    from tgclassify.dask import label_frame

    out = label_frame(paragraphs_frame, small_model, context="heading", scores=True)
    labels, proba = expected_labels(small_model, paragraphs_frame)
    assert list(out.columns[:3]) == ["text", "heading", "doc"]
    assert [[lab for lab in small_model.labels if row[lab]] for _, row in out.iterrows()] == labels
    np.testing.assert_allclose(out[[f"score_{lab}" for lab in small_model.labels]].to_numpy(),
                               proba)
    only = label_frame(paragraphs_frame.iloc[:0], small_model, keep=False)
    assert list(only.columns) == list(small_model.labels) and len(only) == 0


@needs_dask
def test_tag_dataframe_on_the_cluster(small_model, client, paragraphs_frame):
    import dask.dataframe as dd

    from tgclassify.dask import tag_dataframe

    ddf = dd.from_pandas(paragraphs_frame, npartitions=4)
    lazy = tag_dataframe(ddf, small_model, context="heading")
    assert list(lazy.columns) == ["text", "heading", "doc", *small_model.labels]
    out = client.compute(lazy).result().sort_values("doc")
    labels, _ = expected_labels(small_model, paragraphs_frame)
    assert [[lab for lab in small_model.labels if row[lab]] for _, row in out.iterrows()] == labels



def test_small_files_travel_in_groups_and_large_ones_alone(tmp_path, monkeypatch):
    """Groups are consecutive files, at most CLUSTER_GROUP_FILES of them and about
    CLUSTER_GROUP_BYTES; a file over that, standard input or a missing file goes alone."""
    pytest.importorskip("distributed")
    from tgclassify import _distributed
    from tgclassify import constants as C

    monkeypatch.setattr(C, "CLUSTER_GROUP_BYTES", 100)
    monkeypatch.setattr(C, "CLUSTER_GROUP_FILES", 3)
    sizes = [10, 10, 10, 10, 150, 40, 40, 40, 5]
    paths = []
    for i, n in enumerate(sizes):
        p = tmp_path / f"{i}.txt"
        p.write_bytes(b"x" * n)
        paths.append(str(p))
    paths[7:7] = [str(tmp_path / "missing.txt"), "-"]
    groups = [[n for n, _ in g] for g in _distributed._groups(paths)]
    assert groups == [[0, 1, 2], [3], [4], [5, 6], [7], [8], [9, 10]]
    assert [n for g in groups for n in g] == list(range(len(paths)))
