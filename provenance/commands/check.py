"""``provenance check PATH...``: score every document and report."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext
from functools import partial
from pathlib import Path

from provenance import __version__, runner
from provenance.atomic import check_writable
from provenance.cache import ResultCache
from provenance.commands.common import (add_paths_argument, add_rows_option, add_rule_options, add_templates_option,
                                        add_threshold_option, refuse_unreadable_stdin, refuse_writing_into_the_corpus,
                                        settings_and_rules)
from provenance.commands.templates_cmd import counts_from
from provenance.config import Settings, UsageError, reading_of
from provenance.gate import GateRun, add_gate_options, gate_run
from provenance.gitscope import select_documents
from provenance.outputs import ExtraOutputs, add_output_options, output_for
from provenance.renderers import CORPUS_RENDERERS
from provenance.report import Tool
from provenance.rulepack import RuleSet
from provenance.sources import STDIN, stdin_opened, warning_of_shared_ids
from provenance.templates import TemplateCounts, prepass_runs

FORMATS = ("console", "jsonl", *CORPUS_RENDERERS)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check", help="score documents for provenance, attribution and residue",
                              description="Score every document under PATH... and report.")
    add_paths_argument(p)
    p.add_argument("--format", choices=FORMATS,
                   help="report format (default: console; with --shard, jsonl, the only one it takes)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the report here (atomically) instead of stdout")
    add_threshold_option(p)
    p.add_argument("--quiet", action="store_true",
                   help="console: the one-line summary alone (and an error line for each input that could not be read)")
    add_rows_option(p)
    add_templates_option(p)
    p.add_argument("--templates-from", type=Path, metavar="FILE",
                   help="the pre-pass's counts from FILE (`provenance templates PATH... --output FILE`, over "
                        "the same PATHs) instead of counting the corpus again: for the shards of a run")
    add_output_options(p)
    add_gate_options(p)
    add_rule_options(p)
    runner.add_run_options(p)
    p.set_defaults(run=run)


def _shows_progress(args: argparse.Namespace) -> bool:
    """Whether a run counts its documents on the terminal: where standard error is one, unless report
    lines stream to the same terminal as they are checked (the count would be written over them)."""
    streams_to_terminal = args.format == "jsonl" and args.output is None and sys.stdout.isatty()
    return sys.stderr.isatty() and not streams_to_terminal


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[], None]]:
    """A count of the documents checked, their rate and the time taken, on standard error, gone when
    the run ends: a long run (a million documents take minutes) shows it is moving."""
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console  # only for the terminal: a run without one never imports rich
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Documents a second since the run began, worked out as the display refreshes: reports come
        a chunk at a time, which a rate over the last few seconds would read as bursts."""

        def render(self, task) -> Text:
            return Text(f"{task.completed / task.elapsed:,.0f} a second" if task.completed and task.elapsed else "")

    columns = (SpinnerColumn(), TextColumn("checked {task.completed:,.0f} documents"), RateColumn(),
               TimeElapsedColumn())
    # Drawn from the checking thread, a tenth of a second apart at most: no drawing thread runs while
    # the pool's workers fork.
    with Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False,
                  redirect_stdout=False, redirect_stderr=False) as progress:
        task = progress.add_task("check", total=None)
        drawn = time.monotonic()

        def tick() -> None:
            nonlocal drawn
            progress.advance(task)
            if time.monotonic() - drawn >= 0.1:
                progress.refresh()
                drawn = time.monotonic()

        yield tick


def _ticked(items: Iterable, tick: Callable[[], None]) -> Iterator:
    for item in items:
        tick()
        yield item


def _write_jsonl(results, output: Path | None) -> int:
    return _write_lines(runner.as_outcomes(results), output)


def _write_lines(outcomes: Iterable[runner.Outcome], output: Path | None) -> int:
    return _stream_to_stdout(outcomes) if output is None else runner.write_lines(outcomes, output)


def _stream_to_stdout(outcomes: Iterable[runner.Outcome]) -> int:
    """Each line is flushed as it is written: a program reading the pipe (``jq``, a dashboard, ``head``)
    gets every report as soon as it is checked, not a buffer-full at a time. The lines go to the
    byte stream beneath ``sys.stdout`` where there is one (they are UTF-8 already)."""
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        return runner.stream_lines(outcomes, lambda line: sys.stdout.write(line.decode()), sys.stdout.flush)
    return runner.stream_lines(outcomes, stream.write, stream.flush)


def _refuse_stdin_where_it_cannot_go(args: argparse.Namespace) -> None:
    """Standard input (``-``) is read once, on this machine, and is no git work tree."""
    if STDIN not in args.paths:
        return
    refuse_unreadable_stdin(args.paths)
    if args.executor == "ray":
        raise UsageError("--executor ray reads the inputs on its workers: standard input (-) cannot reach them")
    if args.since:
        raise UsageError("--since asks git what changed: standard input (-) is not in a work tree")


def _files_written(args: argparse.Namespace) -> list[Path]:
    """Every file the run writes: a shard's ``--output`` names a folder, and its file is the reports
    file written there."""
    output = args.output
    if args.shard is not None and output is not None:
        output = output / args.shard.reports_name(args.gzip)
    return [f for f in (output, getattr(args, "write_baseline", None), *(p for _, p in args.output_formats)) if f]


def _refuse_outputs_that_cannot_go(args: argparse.Namespace) -> None:
    """No file the run writes may land in the corpus, and each is tried before the run begins
    (``atomic.check_writable``): written as it ends, one that cannot be would cost the whole run."""
    written = _files_written(args)
    refuse_writing_into_the_corpus(written, args.paths, "checked")
    for target in written:
        check_writable(target)


def run(args: argparse.Namespace) -> int:
    with runner.few_collections():
        return _run(args)


def _refuse_options_that_would_do_nothing(args: argparse.Namespace) -> None:
    """An option the run would ignore is refused: a user who gave it expects what it says."""
    if args.gzip and args.shard is None:
        raise UsageError("--gzip is for --shard runs; elsewhere an --output name ending in .gz is gzipped")
    if args.part_size is not None and args.shard is None and args.executor != "ray":
        raise UsageError("--part-size is for --shard and --executor ray, which spread a run's units over machines; "
                         "a run on this machine reads every file whole")
    if args.address is not None and args.executor != "ray":
        raise UsageError("--address names a Ray cluster: it is for --executor ray")
    if args.shard is not None and args.format not in (None, "jsonl"):
        raise UsageError(f"--shard writes JSON Lines only: drop --format {args.format}, "
                         f"and ask `provenance merge DIR --format {args.format}` for it")
    if args.shard is not None and args.output_formats:
        raise UsageError("--shard writes JSON Lines only: drop --output-format, "
                         "and ask `provenance merge DIR --format FORMAT` for the others")
    if args.templates_from is not None and args.templates is False:
        raise UsageError("--templates-from gives the template pre-pass's counts: drop --no-templates")
    if args.shard is not None and getattr(args, "write_baseline", None) is not None:
        raise UsageError("--write-baseline records the findings of a whole corpus, which one shard does not "
                         "see: write it from a run without --shard")


def _run(args: argparse.Namespace) -> int:
    _refuse_options_that_would_do_nothing(args)
    args.format = args.format or ("jsonl" if args.shard is not None else "console")
    _refuse_stdin_where_it_cannot_go(args)
    _refuse_outputs_that_cannot_go(args)
    settings, rules = settings_and_rules(args, args.paths[0], runner.cache_folder(args))
    settings = runner.settings_for_run(args, settings)
    with stdin_opened(args.paths, spool=prepass_runs(settings, rules, args.templates)):
        return _check(args, settings, rules)


def _check(args: argparse.Namespace, settings: Settings, rules: RuleSet) -> int:
    gate = gate_run(args, settings, rules)
    templates = (counts_from(args.templates_from, args.paths, settings, rules) if args.templates_from is not None
                 else runner.run_templates(args, settings, rules))
    cache = runner.open_cache(args, settings, rules, templates)
    with closing(cache) if cache is not None else nullcontext():  # closed, its log is copied in and removed
        return _checked(args, settings, rules, gate, templates, cache)


def _checked(args: argparse.Namespace, settings: Settings, rules: RuleSet, gate: GateRun,
             templates: TemplateCounts | None, cache: ResultCache | None) -> int:
    if args.shard is not None:
        return runner.run_shard(args, settings, rules, cache, gate, templates)
    make = partial(output_for, threshold=settings.threshold, tool=Tool(version=__version__, rules_digest=rules.digest),
                   rules=rules, reading=reading_of(settings), rows=args.rows, quiet=args.quiet, since=args.since)
    extras = ExtraOutputs(args.output_formats, make)
    documents = warning_of_shared_ids(select_documents(args.paths, args.since, reading_of(settings)))
    judge = gate.detached() if args.format == "jsonl" and not args.output_formats else None
    whole = None if args.format == "jsonl" else make(args.format)  # a report of the whole corpus
    with _progress(_shows_progress(args)) as tick:
        if judge is not None:  # nothing but the lines is needed: they are judged and rendered where checked
            outcomes = runner.outcomes(args, settings, rules, documents, cache, templates, judge)
            code = _write_lines(_ticked(outcomes, tick), args.output)
        else:
            checked = _ticked(runner.reports(args, settings, rules, documents, cache, templates), tick)
            results = extras.collect(gate.judge_all(checked))
            if whole is None:
                code = _write_jsonl(results, args.output)
            else:
                for item in results:
                    whole.add(item)
    if whole is not None:  # written once the progress display is gone
        whole.write(args.output)
        code = whole.summary.exit_code
    extras.write()
    gate.finish()
    return code
