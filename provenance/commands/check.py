"""``provenance check PATH...``: score every document and report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from provenance import runner
from provenance.atomic import write_atomic
from provenance.commands.common import add_rule_options, settings_and_rules
from provenance.corpus import corpus_report
from provenance.gate import add_gate_options, gate_run
from provenance.gitscope import select_documents
from provenance.outputs import ExtraOutputs, add_output_options, render_corpus
from provenance.renderers import CORPUS_RENDERERS
from provenance.renderers import console as console_renderer
from provenance.report import DocumentReport, ReadError

FORMATS = ("console", "jsonl", *CORPUS_RENDERERS)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check", help="score documents for provenance, attribution and residue",
                              description="Score every document under PATH... and report.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders (.txt, .md, .jsonl, .jsonl.gz)")
    p.add_argument("--format", choices=FORMATS, default="console", help="report format (default: console)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the report here (atomically) instead of stdout")
    p.add_argument("--threshold", "--fail-under", type=float, metavar="N", dest="threshold",
                   help="overall score a document needs to pass (default 50)")
    p.add_argument("--quiet", action="store_true", help="console: a one-line summary only")
    add_output_options(p)
    add_gate_options(p)
    add_rule_options(p)
    runner.add_run_options(p)
    p.set_defaults(run=run)


@contextmanager
def _progress(enabled: bool) -> Iterator[callable]:
    if not enabled:
        yield lambda: None
        return
    columns = (SpinnerColumn(), TextColumn("checked {task.completed} documents"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("check", total=None)
        yield lambda: progress.advance(task)


def _exit_code(items: Iterable[DocumentReport | ReadError]) -> int:
    return 0 if all(isinstance(i, DocumentReport) and i.passed for i in items) else 1


def run(args: argparse.Namespace) -> int:
    settings, rules = settings_and_rules(args, args.paths[0])
    settings = runner.settings_for_run(args, settings)
    gate = gate_run(args, settings, rules)
    cache = runner.open_cache(args, settings, rules)
    if args.shard is not None:
        return runner.run_shard(args, settings, rules, cache, gate.judge_all)
    extras = ExtraOutputs(args.output_formats, rules, settings.threshold, args.quiet)
    documents = select_documents(args.paths, args.since, settings.max_bytes)
    results = extras.collect(gate.judge_all(runner.reports(args, settings, rules, documents, cache)))
    code = _report(args, results, settings, rules)
    extras.write()
    gate.finish()
    return code


def _report(args: argparse.Namespace, results, settings, rules) -> int:
    if args.format == "jsonl":
        return runner.write_jsonl(results, args.output)
    with _progress(args.format == "console" and sys.stderr.isatty()) as tick:
        items = []
        for item in results:
            items.append(item)
            tick()
    report = corpus_report(items, settings.threshold, rules.digest)
    if args.format in CORPUS_RENDERERS:
        text = render_corpus(args.format, report, rules)
        write_atomic(args.output, text) if args.output else sys.stdout.write(text)
    elif args.output:
        console = Console(file=open(args.output, "w", encoding="utf-8"), width=120)
        console_renderer.render(report, console, args.quiet)
    else:
        console_renderer.render(report, Console(), args.quiet)
    return _exit_code(items)
