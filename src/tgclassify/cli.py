"""The ``tgclassify`` command: thin wrappers over the library; only this module prints.

Exit status: 0 success, 1 some input failed (or the corpus check found errors), 2 misuse
(bad arguments, no inputs, an unusable model, an output that cannot be written). Every misuse
is one line on standard error that says what to do.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import IO, Any

from . import __version__
from . import constants as C
from ._fileio import atomic_path

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _err(msg: str) -> None:
    print(f"tgclassify: {msg}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block) and exit status 2."""

    def error(self, message: str) -> Any:  # argparse's signature is NoReturn
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _n_jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n}: give 0 (one process per core) or a positive "
                                         "number of processes")
    return n


def _positive_int(value: str) -> int:
    n = _n_jobs(value)
    if n == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _positive_float(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not x > 0:
        raise argparse.ArgumentTypeError(f"{value}: must be more than 0")
    return x


class OutputError(Exception):
    """An output file that cannot be written (a misuse: exit 2, one line)."""


def _output_error(path: str, exc: OSError) -> OutputError:
    target = Path(path)
    for parent in [target.parent, *target.parent.parents]:
        if parent.exists():
            if not parent.is_dir():
                return OutputError(f"cannot write {path}: {parent} is a file, not a folder; "
                                   "choose another output path")
            break
    if isinstance(exc, PermissionError):
        return OutputError(f"cannot write {path}: permission denied in {target.parent}; choose "
                           "a folder you can write to")
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot write {path}: {reason} ({target.parent} does not take new "
                       "files); choose a folder you can write to")


class _Output:
    """Standard output, or a file written atomically (whole or not at all). A target that
    exists and is not a regular file (/dev/null, a named pipe) is written in place: renaming
    over it would replace the device with a file."""

    def __init__(self, path: str | None) -> None:
        self.path = None if path in (None, "-") else path
        self._ctx: Any = None
        self.fh: IO[str] = sys.stdout
        self._special = False

    def __enter__(self) -> IO[str]:
        try:
            return self._open()
        except OSError as exc:
            raise _output_error(str(self.path), exc) from None

    def _open(self) -> IO[str]:
        if self.path is not None and os.path.exists(self.path) and not os.path.isfile(self.path):
            self._special = True
            self.fh = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        elif self.path is not None:
            self._ctx = atomic_path(self.path)
            tmp = self._ctx.__enter__()
            self.fh = open(tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
        return self.fh

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._special:
            self.fh.close()
            return
        if self._ctx is None:
            self.fh.flush()
            return
        self.fh.close()
        try:
            self._ctx.__exit__(exc_type, exc, tb)
        except OSError as err:
            raise _output_error(str(self.path), err) from None


class _StatusLine:
    """One line of progress on standard error, rewritten in place and cleared at the end."""

    enabled = False

    def _show(self, text: str) -> None:
        sys.stderr.write(f"\r\033[K{text}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            self._show("")


class _Progress(_StatusLine):
    def __init__(self, enabled: bool, total: int | None) -> None:
        self.enabled = enabled
        self.total = total

    def __call__(self, files_done: int, source: str, paragraphs: int) -> None:
        """``paragraphs`` tagged so far in ``source``, or -1 when it is finished."""
        if not self.enabled:
            return
        total = f"/{self.total}" if self.total else ""
        name = source if len(source) < 50 else "…" + source[-49:]
        count = f" {paragraphs:,} paragraphs" if paragraphs >= 0 else ""
        self._show(f"[{files_done}{total} files] {name}{count}")


class _Stages(_StatusLine):
    """Progress of a long command on standard error when it is a terminal: one line, the
    elapsed time and the current stage or fold."""

    def __init__(self, args: argparse.Namespace) -> None:
        import time  # noqa: PLC0415

        self.enabled = not getattr(args, "quiet", False) and sys.stderr.isatty()
        self._clock = time.perf_counter
        self._start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            self._show(f"[{self._clock() - self._start:5.0f} s] {message}")


# --- tag -----------------------------------------------------------------------------------------


class _Cluster:
    """The ``distributed.Client`` of ``--scheduler`` (closed on exit), or None: dask is imported
    only when it is given."""

    def __init__(self, address: str | None) -> None:
        self.address = address
        self.client: Any = None

    def __enter__(self) -> Any:
        if self.address:
            from ._distributed import connect  # noqa: PLC0415  (the dask extra)

            self.client = connect(self.address)
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()


_REPORT_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt", ".md")


def _no_inputs_message(paths: list[str], recursive: bool) -> str:
    folders = [Path(p) for p in paths if p != "-" and Path(p).is_dir()]
    if not recursive:
        nested = [f for f in folders if any(c.is_dir() and not c.name.startswith(".")
                                             for c in f.iterdir())]
        if nested:
            return (f"no input files found: {nested[0]} holds only subfolders; add -r to tag "
                    "the files in them")
    if folders:
        return f"no input files found in {folders[0]} (hidden files are skipped)"
    return "no input files found"


def _model_message(model: str, exc: Exception) -> str:
    folder = Path(model)
    if folder.is_dir() and not (folder / "model_card.json").exists() \
            and not (folder / "model.joblib").exists():
        reports = [f for f in folder.rglob("*") if f.suffix.lower() in _REPORT_SUFFIXES]
        if reports:
            return (f"--model {model}: this folder holds reports, not a model; to tag them run "
                    f"tgclassify tag {model} (without --model the shipped model is used)")
        return (f"--model {model}: not a model folder (no model_card.json or model.joblib); "
                "give a folder written by tgclassify train --out, or leave --model out for "
                "the shipped model")
    return str(exc)


def _summary_path(args: argparse.Namespace) -> str | None:
    """``--summary FILE``, or for ``-f csv -o NAME.csv`` the file ``NAME.summary.csv``."""
    if args.summary:
        return str(args.summary)
    if args.format == "csv" and args.output not in (None, "-"):
        out = Path(args.output)
        return str(out.with_name(f"{out.stem}.summary.csv"))
    return None


def cmd_tag(args: argparse.Namespace) -> int:
    from .errors import ModelLoadError  # noqa: PLC0415
    from .model import Classifier  # noqa: PLC0415
    from .render import SummaryCsvWriter, make_renderer  # noqa: PLC0415
    from .results import ReportSummary  # noqa: PLC0415
    from .tagging import expand_inputs, tag_reports  # noqa: PLC0415

    sources = list(expand_inputs(args.paths, recursive=args.recursive))
    if not sources:
        _err(_no_inputs_message(args.paths, args.recursive))
        return EXIT_USAGE
    if sources.count("-") > 1:
        _err("standard input ('-') can be given only once")
        return EXIT_USAGE
    summary_path = _summary_path(args)
    for flag, target in (("--output", args.output), ("--summary", summary_path)):
        if target not in (None, "-") and Path(target).is_dir():
            _err(f"{flag} {target} is a folder; name a file, e.g. "
                 f"{Path(target) / ('tags.' + args.format)}")
            return EXIT_USAGE
    try:
        clf = Classifier.load(args.model)
    except ModelLoadError as exc:
        _err(_model_message(args.model, exc) if args.model else str(exc))
        return EXIT_USAGE
    n_jobs = args.n_jobs if args.n_jobs > 0 else (os.cpu_count() or 1)
    if (args.scheduler and args.n_jobs != 1) or (args.send_files and not args.scheduler):
        _err("--scheduler tags on the cluster's workers: it excludes --n-jobs, and --send-files "
             "needs it")
        return EXIT_USAGE
    progress = _Progress(not args.quiet and sys.stderr.isatty(), len(sources))
    to_file = args.output not in (None, "-")
    bom = args.format == "csv" and (to_file if args.bom is None else args.bom)
    summaries: list[ReportSummary] = []
    failed = 0
    with _Output(args.output) as out, _Cluster(args.scheduler) as client:
        if bom:
            out.write("\ufeff")
        renderer = make_renderer(args.format, out)
        for item in tag_reports(clf, sources, n_jobs=n_jobs, on_progress=progress,
                                client=client, send_files=args.send_files,
                                timeout=args.timeout or None):
            if isinstance(item, ReportSummary):
                if item.error is not None:
                    failed += 1
                    progress.done()
                    _err(f"{item.source}: {item.error}")
                elif item.warnings and not args.quiet:
                    progress.done()
                    for note in item.warnings:
                        _err(f"{item.source}: warning: {note}")
                renderer.report(item)
                if summary_path is not None:
                    summaries.append(item)
            else:
                renderer.paragraph(item)
        renderer.close()
    progress.done()
    if summary_path is not None:
        with _Output(summary_path) as out:
            if args.bom is not False and summary_path != "-":
                out.write("\ufeff")
            writer = SummaryCsvWriter(out)
            for summary in summaries:
                writer.report(summary)
    if not args.quiet and to_file:
        extra = f" (summaries -> {summary_path})" if summary_path else ""
        _err(f"tagged {len(sources) - failed} of {len(sources)} file(s) -> {args.output}{extra}")
    return EXIT_SOME_FAILED if failed else EXIT_OK


# --- serve ----------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from .errors import ModelLoadError  # noqa: PLC0415
    from .model import Classifier  # noqa: PLC0415
    from .serve import make_server  # noqa: PLC0415

    if args.keep is not None and Path(args.keep).exists() and not Path(args.keep).is_dir():
        _err(f"--keep {args.keep} is a file; name a folder to keep uploads in")
        return EXIT_USAGE
    try:
        clf = Classifier.load(args.model)
    except ModelLoadError as exc:
        _err(_model_message(args.model, exc) if args.model else str(exc))
        return EXIT_USAGE
    try:
        server = make_server(clf, args.host, args.port, max_bytes=int(args.max_upload_mb * 1e6),
                             max_files=args.max_files, keep=args.keep, n_jobs=args.n_jobs,
                             log=not args.quiet)
    except OSError as exc:
        _err(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; choose another "
             "port with --port")
        return EXIT_USAGE
    if not server.loopback:
        _err(f"warning: listening on {args.host}: anyone who can reach this computer can upload "
             "files to it")
    _err(f"serving on {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _err("stopped")
    finally:
        server.server_close()
    return EXIT_OK


# --- train / eval ----------------------------------------------------------------------------------


def _config_from(args: argparse.Namespace) -> Any:
    from .errors import TgclassifyError  # noqa: PLC0415
    from .model import ModelConfig  # noqa: PLC0415

    try:
        overrides = json.loads(args.config) if getattr(args, "config", None) else {}
        return ModelConfig(**overrides)
    except (json.JSONDecodeError, TypeError) as exc:
        raise TgclassifyError(f"--config must be a JSON object of ModelConfig fields: {exc}"
                              ) from exc


def _training_data(args: argparse.Namespace) -> Any:
    """The corpus of ``--data`` (repeatable, ``PATH[:WEIGHT]``) and ``--add`` (the shipped
    corpus plus these, weight ``ADD_WEIGHT`` unless given)."""
    from .corpus import load_sources  # noqa: PLC0415
    from .corpus.combine import SHIPPED  # noqa: PLC0415

    specs = list(args.data or [])
    added = [a if _has_weight(a) else f"{a}:{C.ADD_WEIGHT}" for a in args.add or []]
    if added and not specs:
        specs = [SHIPPED]
    corpus, _ = load_sources(specs + added or [SHIPPED])
    return corpus


def _has_weight(spec: str) -> bool:
    head, sep, tail = spec.rpartition(":")
    return bool(sep and head and tail.isdigit() and not Path(spec).exists())


def cmd_train(args: argparse.Namespace) -> int:
    from .train import train_classifier, training_summary  # noqa: PLC0415

    stages = _Stages(args)
    stages("loading the training data")
    corpus = _training_data(args)
    try:
        result = train_classifier(corpus, config=_config_from(args), seed=args.seed,
                                  evaluate=not args.no_eval, name=Path(args.out).name,
                                  progress=stages)
    finally:
        stages.done()
    metrics = result.evaluation.summary() if result.evaluation else None
    folder = result.classifier.save(args.out, training=training_summary(corpus), metrics=metrics)
    for note in result.notes:
        _err(f"note: {note}")
    weighted = f" (counted {sum(corpus.weights):,} times with weights)" if corpus.weights else ""
    print(f"trained on {len(corpus.records)} paragraphs{weighted} in {len(set(corpus.groups))} "
          f"reports in {result.seconds:.1f} s -> {folder}")
    if result.evaluation:
        m, kw = result.evaluation.model, result.evaluation.keyword_baseline
        print(f"grouped {result.evaluation.folds}-fold CV: macro-F1 {m['macro_f1']:.3f}, "
              f"micro-F1 {m['micro_f1']:.3f} (keyword baseline macro-F1 {kw['macro_f1']:.3f})")
    print("thresholds: " + ", ".join(f"{lab} {t:.2f}" for lab, t in
                                     zip(result.classifier.labels, result.classifier.thresholds,
                                         strict=True)))
    for warning in result.warnings:
        _err(f"WARNING: {warning}")
    return EXIT_OK


def _misuse(message: str) -> Exception:
    from .errors import TgclassifyError  # noqa: PLC0415

    return TgclassifyError(message)


def _print_scores(title: str, s: dict[str, Any]) -> None:
    print(f"\n{title}: macro-F1 {s['macro_f1']:.3f}  micro-F1 {s['micro_f1']:.3f}  "
          f"subset accuracy {s['subset_accuracy']:.3f}")
    print(f"  {'label':<22}{'prec':>7}{'rec':>7}{'F1':>7}{'support':>9}")
    for lab, v in s["per_label"].items():
        print(f"  {lab:<22}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}"
              f"{v['support']:>9}")


def cmd_eval(args: argparse.Namespace) -> int:
    if args.add and not args.cv:
        raise _misuse("--add trains on the shipped corpus plus a file: use it with --cv")
    stages = _Stages(args)
    if args.data and not args.cv:
        from .evaluate import score_model  # noqa: PLC0415
        from .model import Classifier  # noqa: PLC0415

        clf = Classifier.load(args.model)
        corpus = _training_data(args)
        stages(f"scoring {len(corpus.records):,} paragraphs")
        result = score_model(clf, corpus)
        stages.done()
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print(f"model {result['model']} on {corpus.source} ({result['paragraphs']} paragraphs)")
            _print_scores("model", result["scores"])
            _print_scores("keyword baseline", result["keyword_baseline"])
            _print_scores("empty baseline", result["empty_baseline"])
            if result["per_genre"]:
                print(f"\n  {'genre':<14}{'paragraphs':>11}{'macro-F1':>10}{'micro-F1':>10}"
                      f"{'keywords':>10}")
                for genre, g in result["per_genre"].items():
                    print(f"  {genre:<14}{g['paragraphs']:>11}{g['macro_f1']:>10.3f}"
                          f"{g['micro_f1']:>10.3f}{g['keyword_baseline_micro_f1']:>10.3f}")
        return EXIT_OK
    from .evaluate import evaluate_config  # noqa: PLC0415

    corpus = _training_data(args)
    try:
        ev = evaluate_config(corpus, _config_from(args), seed=args.seed, progress=stages)
    finally:
        stages.done()
    for note in ev.notes:
        _err(f"note: {note}")
    summary = ev.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"nested grouped {ev.folds}-fold cross-validation on {corpus.source} "
          f"({len(corpus.records)} paragraphs, {len(set(corpus.groups))} reports)")
    _print_scores("model", ev.model)
    if ev.without_context:
        _print_scores("model, paragraphs without section context", ev.without_context)
    _print_scores("keyword baseline", ev.keyword_baseline)
    _print_scores("empty baseline", ev.empty_baseline)
    print("\nmost confused (true -> predicted instead):")
    for c in ev.confused:
        print(f"  {c['true']} -> {c['predicted']}: {c['count']}")
    print("\nworst errors:")
    for w in ev.worst[:10]:
        print(f"  [{w['id']}] true {w['true']} predicted {w['predicted']}: {w['text'][:120]}")
    return EXIT_OK


# --- suggest -------------------------------------------------------------------------------------


def _tagged_jsonl(path: str) -> list[dict[str, Any]] | None:
    """The paragraph records of a ``tgclassify tag`` jsonl file, or None if it is not one."""
    if not path.endswith(".jsonl") or not Path(path).is_file():
        return None
    from .corpus.load import read_jsonl  # noqa: PLC0415

    rows = read_jsonl(Path(path))
    if not rows or rows[0].get("type") not in ("paragraph", "report", "error"):
        return None
    paras = [r for r in rows if r.get("type") == "paragraph"]
    if any(not isinstance(r.get("scores"), dict) or set(r["scores"]) != set(C.LABELS)
           for r in paras):
        raise _misuse(f"{path}: a tag jsonl needs the scores of all ten labels on every "
                      f"paragraph (tag it again with this version)")
    return paras


def _candidates(args: argparse.Namespace, clf: Any, stages: _Stages) -> list[dict[str, Any]]:
    """Body paragraphs of the inputs with their probabilities: from tag jsonl files as they
    are, from report files by reading, segmenting and predicting them here (which keeps the
    full heading path above each paragraph)."""
    import numpy as np  # noqa: PLC0415

    from .errors import ReportReadError, TgclassifyError  # noqa: PLC0415
    from .readers import open_report  # noqa: PLC0415
    from .segment import iter_paragraphs  # noqa: PLC0415
    from .tagging import expand_inputs  # noqa: PLC0415

    out: list[dict[str, Any]] = []
    sources = [x for x in expand_inputs(args.paths, recursive=args.recursive) if x != "-"]
    if not sources:
        raise _misuse("no input files found")
    missing = [x for x in sources if not Path(x).is_file()]
    if missing:
        raise _misuse(f"{missing[0]}: no such file or folder")
    for k, source in enumerate(sources, 1):
        stages(f"[{k}/{len(sources)} files] {source[-60:]}")
        tagged = _tagged_jsonl(source)
        if tagged is not None:
            for r in tagged:
                if r.get("kind") == "body":
                    out.append({"source": r.get("source") or source, "index": r.get("index", 0),
                                "heading": r.get("heading") or "", "text": r["text"],
                                "proba": [float(r["scores"][lab]) for lab in clf.labels]})
            continue
        try:
            paras = [p for p in iter_paragraphs(open_report(source).lines(),
                                                noise_filter=clf.chrome_filter)
                     if p.kind == "body"]
        except (ReportReadError, TgclassifyError, OSError) as exc:
            _err(f"{source}: skipped: {exc}")
            continue
        if not paras:
            continue
        proba = clf.predict_proba([(p.text, p.context) for p in paras])
        for p, row in zip(paras, np.asarray(proba), strict=True):
            out.append({"source": source, "index": p.index, "heading": p.context or "",
                        "text": p.text, "proba": row.tolist()})
    return out


def cmd_suggest(args: argparse.Namespace) -> int:
    import numpy as np  # noqa: PLC0415

    from .corpus import load_corpus  # noqa: PLC0415
    from .model import Classifier  # noqa: PLC0415
    from .suggest import choose, label_studio_tasks, margins  # noqa: PLC0415

    if args.n < 1:
        raise _misuse("-n must be at least 1")
    clf = Classifier.load(args.model)
    exclude = [t for path in args.exclude or [] for t in load_corpus(path).texts]
    stages = _Stages(args)
    try:
        cands = _candidates(args, clf, stages)
        stages(f"choosing {args.n} of {len(cands):,} paragraphs")
        if not cands:
            raise _misuse("no body paragraph found in the inputs")
        P = np.array([c["proba"] for c in cands], dtype=float)
        picked = choose(P, clf.thresholds, [c["text"] for c in cands],
                        [c["source"] for c in cands], args.n, exclude=exclude)
    finally:
        stages.done()
    margin, _ = margins(P, clf.thresholds)
    records = []
    for i in picked:
        c = cands[i]
        labels = [lab for lab, p, t in zip(clf.labels, P[i], clf.thresholds, strict=True) if p >= t]
        records.append({"id": f"{Path(c['source']).stem}-{c['index']}", "doc_id": c["source"],
                        "text": c["text"], "labels": labels, "heading": c["heading"],
                        "source": c["source"], "index": c["index"],
                        "margin": round(float(margin[i]), 4)})
    with _Output(args.output) as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if args.label_studio:
        tasks = label_studio_tasks(records, model_version=str(clf.card.get("name") or "default"))
        with _Output(args.label_studio) as out:
            out.write(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    if not args.quiet:
        where = f" -> {args.output}" if args.output not in (None, "-") else ""
        _err(f"suggested {len(records)} of {len(cands):,} paragraphs from "
             f"{len({c['source'] for c in cands})} report(s){where}; the labels are the model's, "
             f"correct them")
        if len(records) < args.n:
            _err(f"note: only {len(records)} distinct paragraphs were worth suggesting")
    return EXIT_OK


# --- data ----------------------------------------------------------------------------------------


def cmd_data_check(args: argparse.Namespace) -> int:
    from .corpus import check_corpus  # noqa: PLC0415

    res = check_corpus(args.path, minimums=args.strict)
    s = res.stats
    if s:
        print(f"{s['paragraphs']} paragraphs in {s['reports']} reports; general {s['general']}; "
              f"2+ labels {s['multi']} ({s['multi_share']:.1%}); noise lines "
              f"{s.get('noise_lines', 0)}")
        print("per label: " + ", ".join(f"{k} {v}" for k, v in s["per_label"].items()))
    for w in res.warnings[:50]:
        print(f"warning: {w}")
    if len(res.warnings) > 50:
        print(f"... and {len(res.warnings) - 50} more warnings")
    for e in res.errors:
        print(f"error: {e}")
    print("OK" if res.ok else f"{len(res.errors)} error(s)")
    return EXIT_OK if res.ok else EXIT_SOME_FAILED


def cmd_data_stats(args: argparse.Namespace) -> int:
    from .corpus import render_data_readme  # noqa: PLC0415

    text = render_data_readme(args.path)
    if args.write:
        target = Path(args.path) / "README.md"
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    else:
        print(text, end="")
    return EXIT_OK


def cmd_data_relabel_sample(args: argparse.Namespace) -> int:
    from .corpus import load_corpus, read_relabels, relabel_sample  # noqa: PLC0415

    exclude = set(read_relabels(args.exclude)) if args.exclude else set()
    rows = relabel_sample(load_corpus(args.path), share=args.share, seed=args.seed,
                          exclude=exclude)
    with _Output(args.output) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return EXIT_OK


def cmd_data_agreement(args: argparse.Namespace) -> int:
    from .corpus import label_agreement, load_corpus, read_relabels  # noqa: PLC0415

    second = read_relabels(args.relabeled)
    agreement = label_agreement(load_corpus(args.path), second, share=args.share, seed=args.seed)
    if args.resolution:
        agreement["resolution"] = args.resolution
    text = json.dumps(agreement, ensure_ascii=False, indent=2) + "\n"
    target = Path(args.path) / "agreement.json"
    with _Output(str(target) if args.write else None) as out:
        out.write(text)
    for lab, v in agreement["per_label"].items():
        print(f"{lab:<22} kappa {v['kappa']:.2f}  differ {v['differ']}", file=sys.stderr)
    return EXIT_OK


def cmd_data_issues(args: argparse.Namespace) -> int:
    from .corpus.issues import _cleanlab, label_issues  # noqa: PLC0415

    _cleanlab()  # a missing optional dependency is a one-line error before any work
    corpus = _training_data(args)
    stages = _Stages(args)
    try:
        issues = label_issues(corpus, _config_from(args), seed=args.seed, progress=stages)
    finally:
        stages.done()
    if args.body_only:
        issues = [rec for rec in issues if rec["kind"] != "heading"]
    shown = issues[: args.top] if args.top > 0 else issues
    with _Output(args.output) as out:
        if args.json:
            for rec in shown:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            out.write(f"{len(issues)} paragraph(s) of {len(corpus.records)} flagged by cleanlab "
                      f"(showing {len(shown)}, most likely wrong first)\n")
            for rec in shown:
                doubt = ", ".join([f"-{lab} ({p:.2f})" for lab, p in rec["added"].items()]
                                  + [f"+{lab} ({p:.2f})" for lab, p in rec["missing"].items()])
                out.write(f"\n[{rec['id']}] quality {rec['quality']:.3f}  given "
                          f"{rec['labels'] or ['(general)']}  model {rec['model'] or ['(general)']}"
                          f"  {doubt}\n  {rec['text'][:300]}\n")
    return EXIT_OK


def cmd_data_import(args: argparse.Namespace) -> int:
    from .errors import DataFormatError  # noqa: PLC0415
    from .suggest import from_label_studio  # noqa: PLC0415

    try:
        export = json.loads(Path(args.export).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFormatError(f"{args.export}: not a readable Label Studio JSON export ({exc})"
                              ) from None
    records, skipped = from_label_studio(export)
    if not records:
        raise DataFormatError(f"{args.export}: no task has a submitted annotation")
    with _Output(args.output) as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    if not args.quiet:
        where = f" -> {args.output}" if args.output not in (None, "-") else ""
        _err(f"imported {len(records)} labeled paragraph(s){where}"
             + (f"; {skipped} task(s) without a submitted annotation skipped" if skipped else ""))
    return EXIT_OK


def cmd_data_label_config(args: argparse.Namespace) -> int:
    from .suggest import LABEL_STUDIO_CONFIG  # noqa: PLC0415

    print(LABEL_STUDIO_CONFIG, end="")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from .model import Classifier  # noqa: PLC0415

    clf = Classifier.load(args.model)
    text = " ".join(args.text)
    labels = clf.predict([(text, args.context or "")])[0]
    print("labels: " + (", ".join(labels) or "(general paragraph)"))
    for label, terms in clf.explain(text, context=args.context or "", top=args.top).items():
        print(f"  {label}: " + ", ".join(f"{t} {w:+.3f}" for t, w in terms))
    return EXIT_OK


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


# --- parser --------------------------------------------------------------------------------------


def _data_arguments(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    if positional:
        parser.add_argument("data", nargs="*", metavar="PATH[:WEIGHT]",
                            help="corpus folders or .jsonl files (default: the shipped corpus)")
    else:
        parser.add_argument("--data", action="append", metavar="PATH[:WEIGHT]",
                            help="corpus folder or .jsonl file, repeatable, each paragraph "
                            "counted WEIGHT times (default 1); 'shipped' is the shipped "
                            "corpus, the default")
    parser.add_argument("--add", action="append", metavar="PATH[:WEIGHT]",
                        help=f"the shipped corpus plus this file (weight {C.ADD_WEIGHT} unless "
                        "given); repeatable")


def build_parser() -> argparse.ArgumentParser:
    from .render import FORMATS  # noqa: PLC0415

    p = _Parser(prog="tgclassify", description=(
        "Tag the paragraphs of Vietnamese tuyên giáo work reports by work domain."))
    p.add_argument("--version", action="version", version=f"tgclassify {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("tag", help="tag report files (.docx .pdf .html .txt .md) or folders")
    t.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    t.add_argument("-r", "--recursive", action="store_true", help="descend into subfolders")
    t.add_argument("-f", "--format", choices=FORMATS, default="jsonl")
    t.add_argument("-o", "--output", help="output file (written whole or not at all); "
                   "default standard output")
    t.add_argument("--model", help="model folder (default: the model shipped in the package)")
    t.add_argument("-j", "--n-jobs", type=_n_jobs, default=1,
                   help="worker processes (0 = one per core); output order is unchanged")
    t.add_argument("--summary", metavar="FILE", help="write one CSV row per report (coverage, "
                   "absent domains, errors) to FILE; with -f csv -o NAME.csv it defaults to "
                   "NAME.summary.csv")
    t.add_argument("--bom", action=argparse.BooleanOptionalAction, default=None,
                   help="start CSV with a UTF-8 byte order mark, so Excel reads Vietnamese "
                   "right (default: on for CSV files written with -o/--summary, off on "
                   "standard output)")
    t.add_argument("-q", "--quiet", action="store_true", help="no progress or warnings")
    t.add_argument("--scheduler", metavar="ADDRESS", help="tag on the workers of this Dask "
                   "scheduler, e.g. tcp://HOST:8786 (needs tgclassify[dask]); output order is "
                   "unchanged")
    t.add_argument("--send-files", action="store_true", help="with --scheduler: send the "
                   "files' bytes to the workers (default: workers open the same paths)")
    t.add_argument("--timeout", type=_seconds, default=C.TAG_TIMEOUT_S, metavar="SECONDS",
                   help="time budget per file, reading and tagging: a file over it gets an "
                   f"error record and the others go on (default {C.TAG_TIMEOUT_S:g}; 0 = none)")
    t.set_defaults(func=cmd_tag)

    sv = sub.add_parser("serve", help="a local web page: drop report files, get the HTML report")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                    "127.0.0.1: this computer only)")
    sv.add_argument("--port", type=int, default=C.SERVE_PORT, help="port (0: any free port)")
    sv.add_argument("--model", help="model folder (default: the model shipped in the package)")
    sv.add_argument("--max-upload-mb", type=_positive_float,
                    default=C.SERVE_MAX_UPLOAD_BYTES / 1e6, help="largest upload at once, MB")
    sv.add_argument("--max-files", type=_positive_int, default=C.SERVE_MAX_FILES,
                    help="most files in one upload")
    sv.add_argument("--keep", metavar="FOLDER", help="keep each upload and its report in a "
                    "new subfolder of FOLDER (default: nothing is kept)")
    sv.add_argument("-j", "--n-jobs", type=_n_jobs, default=1, help="worker processes")
    sv.add_argument("-q", "--quiet", action="store_true", help="no request log")
    sv.set_defaults(func=cmd_serve)

    tr = sub.add_parser("train", help="train a model folder from labeled paragraphs")
    _data_arguments(tr)
    tr.add_argument("--out", required=True, help="model folder to write, e.g. models/mine")
    tr.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    tr.add_argument("--config", help='JSON overrides of ModelConfig, e.g. \'{"C": 5}\'')
    tr.add_argument("--no-eval", action="store_true", help="skip the nested CV figures")
    tr.add_argument("-q", "--quiet", action="store_true", help="no progress")
    tr.set_defaults(func=cmd_train)

    ev = sub.add_parser("eval", help="grouped cross-validation, or score a model on a file")
    ev.add_argument("--data", action="append", metavar="PATH[:WEIGHT]",
                    help="labeled file or folder to score the model on (repeatable; default: "
                    "cross-validate on the shipped corpus)")
    ev.add_argument("--add", action="append", metavar="PATH[:WEIGHT]",
                    help="with --cv: the shipped corpus plus this file")
    ev.add_argument("--model", help="model folder for --data (default: the shipped model)")
    ev.add_argument("--cv", action="store_true", help="cross-validate on --data instead")
    ev.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    ev.add_argument("--config", help="JSON overrides of ModelConfig for cross-validation")
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress")
    ev.set_defaults(func=cmd_eval)

    sg = sub.add_parser("suggest", help="choose the paragraphs of your reports worth labeling "
                        "next (model's labels pre-filled)")
    sg.add_argument("paths", nargs="+", metavar="PATH",
                    help="report files or folders, or the .jsonl output of `tgclassify tag`")
    sg.add_argument("-n", type=int, default=100, help="paragraphs to suggest (default 100)")
    sg.add_argument("-r", "--recursive", action="store_true", help="descend into subfolders")
    sg.add_argument("-o", "--output", help="corpus-format .jsonl to write (default standard "
                    "output); label it and train with --add")
    sg.add_argument("--label-studio", metavar="FILE", help="also write a Label Studio JSON "
                    "import file (labeling interface: `tgclassify data label-config`)")
    sg.add_argument("--exclude", action="append", metavar="FILE",
                    help="labeled file(s) whose paragraphs are not suggested again")
    sg.add_argument("--model", help="model folder (default: the model shipped in the package)")
    sg.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    sg.set_defaults(func=cmd_suggest)

    d = sub.add_parser("data", help="check or describe a labeled corpus")
    dsub = d.add_subparsers(dest="data_command", required=True)
    dc = dsub.add_parser("check", help="validate a corpus; non-zero exit on errors")
    dc.add_argument("path", nargs="?", default="data/labeled")
    dc.add_argument("--strict", action="store_true", help="also the shipped corpus's rules: "
                    "full format, report lengths, size minimums, noise file")
    dc.add_argument("--no-minimums", action="store_true", help=argparse.SUPPRESS)  # the default
    dc.set_defaults(func=cmd_data_check)
    ds = dsub.add_parser("stats", help="print (or --write) the corpus README")
    ds.add_argument("path", nargs="?", default="data/labeled")
    ds.add_argument("--write", action="store_true")
    ds.set_defaults(func=cmd_data_stats)

    rs = dsub.add_parser("relabel-sample", help="a random share of paragraphs, without labels, "
                         "to relabel blind")
    rs.add_argument("path", nargs="?", default="data/labeled")
    rs.add_argument("--share", type=float, default=0.1)
    rs.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    rs.add_argument("--exclude", help="JSON Lines of {id, ...} already relabeled: the sample "
                    "tops them up to --share of the corpus")
    rs.add_argument("-o", "--output")
    rs.set_defaults(func=cmd_data_relabel_sample)
    ag = dsub.add_parser("agreement", help="agreement of a blind relabeling with the corpus")
    ag.add_argument("relabeled", help="JSON Lines of {id, labels}")
    ag.add_argument("path", nargs="?", default="data/labeled")
    ag.add_argument("--share", type=float, default=0.1)
    ag.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    ag.add_argument("--resolution", help="how the disagreements were resolved (for the README)")
    ag.add_argument("--write", action="store_true", help="write agreement.json in the corpus")
    ag.set_defaults(func=cmd_data_agreement)

    di = dsub.add_parser("issues", help="likely label errors, ranked (cleanlab; optional "
                         "extra 'issues')")
    _data_arguments(di, positional=True)
    di.add_argument("--top", type=int, default=C.ISSUES_TOP, help="how many to show (0 = all)")
    di.add_argument("--json", action="store_true", help="JSON Lines, one candidate a line")
    di.add_argument("--body-only", action="store_true", help="leave out headings (a generic "
                    "heading takes its section's label by the guidelines, which the model "
                    "often cannot see)")
    di.add_argument("-o", "--output")
    di.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    di.add_argument("--config", help="JSON overrides of ModelConfig")
    di.add_argument("-q", "--quiet", action="store_true", help="no progress")
    di.set_defaults(func=cmd_data_issues)
    im = dsub.add_parser("import", help="a Label Studio JSON export -> corpus-format .jsonl")
    im.add_argument("export", help="the JSON export of the Label Studio project")
    im.add_argument("-o", "--output", help="corpus-format .jsonl (default standard output)")
    im.add_argument("-q", "--quiet", action="store_true")
    im.set_defaults(func=cmd_data_import)
    lc = dsub.add_parser("label-config", help="print the Label Studio labeling interface")
    lc.set_defaults(func=cmd_data_label_config)

    ex = sub.add_parser("explain", help="show which terms drive the labels of a text")
    ex.add_argument("text", nargs="+")
    ex.add_argument("--context", help="section heading(s) above the paragraph")
    ex.add_argument("--model")
    ex.add_argument("--top", type=int, default=8)
    ex.set_defaults(func=cmd_explain)
    return p


def main(argv: list[str] | None = None) -> int:
    from .errors import TgclassifyError  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        _err("interrupted; no partial output was kept")
        return 128 + signal.SIGINT
    except BrokenPipeError:
        # the reader (e.g. `head`) went away: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (TgclassifyError, OutputError) as exc:
        _err(str(exc))
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
