"""The ``tgclassify`` command: thin wrappers over the library; only this module prints.

Exit status: 0 success, 1 some input failed (or the corpus check found errors), 2 misuse
(bad arguments, no inputs, an unusable model).
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
        if self.path is not None and os.path.exists(self.path) and not os.path.isfile(self.path):
            self._special = True
            self.fh = open(self.path, "w", encoding="utf-8", newline="")
        elif self.path is not None:
            self._ctx = atomic_path(self.path)
            tmp = self._ctx.__enter__()
            self.fh = open(tmp, "w", encoding="utf-8", newline="")
        return self.fh

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._special:
            self.fh.close()
            return
        if self._ctx is None:
            self.fh.flush()
            return
        self.fh.close()
        self._ctx.__exit__(exc_type, exc, tb)


class _Progress:
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
        sys.stderr.write(f"\r\033[K[{files_done}{total} files] {name}{count}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


# --- tag -----------------------------------------------------------------------------------------


def cmd_tag(args: argparse.Namespace) -> int:
    from .errors import ModelLoadError  # noqa: PLC0415
    from .model import Classifier  # noqa: PLC0415
    from .render import make_renderer  # noqa: PLC0415
    from .results import ReportSummary  # noqa: PLC0415
    from .tagging import expand_inputs, tag_reports  # noqa: PLC0415

    sources = list(expand_inputs(args.paths, recursive=args.recursive))
    if not sources:
        _err("no input files found")
        return EXIT_USAGE
    if sources.count("-") > 1:
        _err("standard input ('-') can be given only once")
        return EXIT_USAGE
    if args.output not in (None, "-") and Path(args.output).is_dir():
        _err(f"--output {args.output} is a folder; name a file, e.g. {args.output}/tags.{args.format}")
        return EXIT_USAGE
    try:
        clf = Classifier.load(args.model)
    except ModelLoadError as exc:
        _err(str(exc))
        return EXIT_USAGE
    n_jobs = args.n_jobs if args.n_jobs > 0 else (os.cpu_count() or 1)
    progress = _Progress(not args.quiet and sys.stderr.isatty(), len(sources))
    failed = 0
    with _Output(args.output) as out:
        renderer = make_renderer(args.format, out)
        for item in tag_reports(clf, sources, n_jobs=n_jobs, on_progress=progress,
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
            else:
                renderer.paragraph(item)
        renderer.close()
    progress.done()
    if not args.quiet and args.output not in (None, "-"):
        _err(f"tagged {len(sources) - failed} of {len(sources)} file(s) -> {args.output}")
    return EXIT_SOME_FAILED if failed else EXIT_OK


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


def cmd_train(args: argparse.Namespace) -> int:
    from .corpus import load_corpus  # noqa: PLC0415
    from .train import train_classifier, training_summary  # noqa: PLC0415

    corpus = load_corpus(args.data)
    result = train_classifier(corpus, config=_config_from(args), seed=args.seed,
                              evaluate=not args.no_eval, name=Path(args.out).name)
    metrics = result.evaluation.summary() if result.evaluation else None
    folder = result.classifier.save(args.out, training=training_summary(corpus), metrics=metrics)
    print(f"trained on {len(corpus.records)} paragraphs in {len(set(corpus.groups))} reports "
          f"in {result.seconds:.1f} s -> {folder}")
    if result.evaluation:
        m, kw = result.evaluation.model, result.evaluation.keyword_baseline
        print(f"grouped {result.evaluation.folds}-fold CV: macro-F1 {m['macro_f1']:.3f}, "
              f"micro-F1 {m['micro_f1']:.3f} (keyword baseline macro-F1 {kw['macro_f1']:.3f})")
    print("thresholds: " + ", ".join(f"{lab} {t:.2f}" for lab, t in
                                     zip(result.classifier.labels, result.classifier.thresholds,
                                         strict=True)))
    return EXIT_OK


def _print_scores(title: str, s: dict[str, Any]) -> None:
    print(f"\n{title}: macro-F1 {s['macro_f1']:.3f}  micro-F1 {s['micro_f1']:.3f}  "
          f"subset accuracy {s['subset_accuracy']:.3f}")
    print(f"  {'label':<22}{'prec':>7}{'rec':>7}{'F1':>7}{'support':>9}")
    for lab, v in s["per_label"].items():
        print(f"  {lab:<22}{v['precision']:>7.3f}{v['recall']:>7.3f}{v['f1']:>7.3f}"
              f"{v['support']:>9}")


def cmd_eval(args: argparse.Namespace) -> int:
    from .corpus import load_corpus  # noqa: PLC0415

    if args.data and not args.cv:
        from .evaluate import score_model  # noqa: PLC0415
        from .model import Classifier  # noqa: PLC0415

        clf = Classifier.load(args.model)
        corpus = load_corpus(args.data)
        result = score_model(clf, corpus)
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

    corpus = load_corpus(args.data or "data/labeled")
    ev = evaluate_config(corpus, _config_from(args), seed=args.seed)
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


# --- data ----------------------------------------------------------------------------------------


def cmd_data_check(args: argparse.Namespace) -> int:
    from .corpus import check_corpus  # noqa: PLC0415

    res = check_corpus(args.path, minimums=not args.no_minimums)
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


def build_parser() -> argparse.ArgumentParser:
    from .render import FORMATS  # noqa: PLC0415

    p = argparse.ArgumentParser(prog="tgclassify", description=(
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
    t.add_argument("-j", "--n-jobs", type=int, default=1,
                   help="worker processes (0 = one per core); output order is unchanged")
    t.add_argument("-q", "--quiet", action="store_true", help="no progress or warnings")
    t.add_argument("--timeout", type=_seconds, default=C.TAG_TIMEOUT_S, metavar="SECONDS",
                   help="time budget per file, reading and tagging: a file over it gets an "
                   f"error record and the others go on (default {C.TAG_TIMEOUT_S:g}; 0 = none)")
    t.set_defaults(func=cmd_tag)

    tr = sub.add_parser("train", help="train a model folder from labeled paragraphs")
    tr.add_argument("--data", default="data/labeled", help="corpus folder or .jsonl file")
    tr.add_argument("--out", required=True, help="model folder to write, e.g. models/mine")
    tr.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    tr.add_argument("--config", help='JSON overrides of ModelConfig, e.g. \'{"C": 5}\'')
    tr.add_argument("--no-eval", action="store_true", help="skip the nested CV figures")
    tr.set_defaults(func=cmd_train)

    ev = sub.add_parser("eval", help="grouped cross-validation, or score a model on a file")
    ev.add_argument("--data", help="labeled .jsonl to score the model on (default: "
                    "cross-validate on data/labeled)")
    ev.add_argument("--model", help="model folder for --data (default: the shipped model)")
    ev.add_argument("--cv", action="store_true", help="cross-validate on --data instead")
    ev.add_argument("--seed", type=int, default=C.RANDOM_SEED)
    ev.add_argument("--config", help="JSON overrides of ModelConfig for cross-validation")
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.set_defaults(func=cmd_eval)

    d = sub.add_parser("data", help="check or describe a labeled corpus")
    dsub = d.add_subparsers(dest="data_command", required=True)
    dc = dsub.add_parser("check", help="validate a corpus; non-zero exit on errors")
    dc.add_argument("path", nargs="?", default="data/labeled")
    dc.add_argument("--no-minimums", action="store_true",
                    help="skip the size minimums of the shipped corpus (for small corpora)")
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
    except TgclassifyError as exc:
        _err(str(exc))
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
