"""Several outputs from one run: ``--output-format FORMAT:FILE`` (repeatable) writes more reports of
the same run beside the main one, e.g. a SARIF file for code scanning and the console for people."""

from __future__ import annotations

import argparse
import inspect
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from provenance.atomic import write_atomic
from provenance.corpus import corpus_report
from provenance.overview import DEFAULT_ROWS, Overview, OverviewBuilder
from provenance.renderers import CORPUS_RENDERERS
from provenance.renderers.jsonout import render_line
from provenance.report import CorpusReport, DocumentReport, ReadError
from provenance.rulepack import RuleSet
from provenance.sources import Reading

Item = DocumentReport | ReadError


def formats() -> tuple[str, ...]:
    return ("console", "jsonl", *CORPUS_RENDERERS)


def output_spec(value: str) -> tuple[str, Path]:
    """``FORMAT:FILE`` for argparse; an unknown format or a missing file name is a usage error."""
    fmt, sep, file = value.partition(":")
    if not sep or not file:
        raise argparse.ArgumentTypeError(f"{value!r}: expected FORMAT:FILE, e.g. sarif:results.sarif")
    if fmt not in formats():
        raise argparse.ArgumentTypeError(f"{value!r}: unknown format {fmt!r} (choose from {', '.join(formats())})")
    return fmt, Path(file)


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-format", action="append", default=[], type=output_spec, metavar="FORMAT:FILE",
                        dest="output_formats",
                        help="also write the report in FORMAT to FILE (repeatable), e.g. sarif:results.sarif")


def render_corpus(fmt: str, report: CorpusReport, rules: RuleSet | None = None, reading: Reading | None = None) -> str:
    """``report`` as text in a corpus format; renderers that describe rules are given the rule set,
    and those that show the texts how to read them again."""
    renderer = CORPUS_RENDERERS[fmt]
    wanted = inspect.signature(renderer).parameters
    given = {name: value for name, value in (("rules", rules), ("reading", reading))
             if value is not None and name in wanted}
    return renderer(report, **given)


def add_rows_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=_rows, default=DEFAULT_ROWS, metavar="N",
                        help=f"console: list at most N documents, failing documents' findings, gate notes and "
                             f"unreadable inputs, the worst documents first once there are more "
                             f"(default {DEFAULT_ROWS}; 0: every one)")


def _rows(value: str) -> int:
    try:
        rows = int(value)
    except ValueError:
        rows = -1
    if rows < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: expected a whole number, 0 or more")
    return rows


def render_console(view: Overview, quiet: bool = False, since: str | None = None) -> str:
    """Imports rich here: a run without a console output never needs it."""
    from rich.console import Console

    from provenance.renderers import console as console_renderer

    buffer = io.StringIO()
    console_renderer.render(view, Console(file=buffer, width=120, color_system=None), quiet, since)
    return buffer.getvalue()


class ExtraOutputs:
    """Collects the items of a run as they stream past when extra outputs are asked for, then writes them:
    every item where a format writes them all, the console's ``Overview`` alone where it is the only one."""

    def __init__(self, specs: list[tuple[str, Path]], rules: RuleSet, threshold: float, quiet: bool = False,
                 since: str | None = None, reading: Reading | None = None, rows: int = DEFAULT_ROWS):
        self.specs = specs
        self.rules = rules
        self.reading = reading
        self.threshold = threshold
        self.quiet = quiet
        self.since = since
        self.overview = OverviewBuilder(threshold, rows)
        self.keeps_items = any(fmt != "console" for fmt, _ in specs)
        self.draws_console = any(fmt == "console" for fmt, _ in specs)
        self.items: list[Item] = []

    def collect(self, results: Iterable[Item]) -> Iterator[Item]:
        for item in results:
            if self.keeps_items:
                self.items.append(item)
            if self.draws_console:
                self.overview.add(item)
            yield item

    def write(self) -> None:
        if not self.specs:
            return
        report = corpus_report(self.items, self.threshold, self.rules.digest) if self.keeps_items else None
        for fmt, path in self.specs:
            write_atomic(path, self._text(fmt, report))

    def _text(self, fmt: str, report: CorpusReport | None) -> str:
        if fmt == "console":
            return render_console(self.overview.overview(), self.quiet, self.since)
        if fmt == "jsonl":
            return "".join(render_line(item) for item in self.items)
        return render_corpus(fmt, report, self.rules, self.reading)
