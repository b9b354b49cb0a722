"""The reports of a whole corpus, format by format (``Output``), gathered as the items stream past
and written once they have all come; and several of them from one run: ``--output-format
FORMAT:FILE`` (repeatable) writes more reports of the same run beside the main one, e.g. a SARIF
file for code scanning and the console for people."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from provenance.atomic import OutputError, atomic_writer
from provenance.corpus import SummaryBuilder
from provenance.overview import DEFAULT_ROWS, OverviewBuilder
from provenance.renderers import CORPUS_RENDERERS
from provenance.renderers.jsonout import corpus_frame, document_entry, documents_close, render_line
from provenance.report import DocumentReport, ReadError, Summary, Tool
from provenance.rulepack import RuleSet
from provenance.sources import Reading

if TYPE_CHECKING:  # rich is imported where a console report is written: a JSON run never needs it
    from rich.console import Console

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


class Run(Protocol):
    """A renderer's gathering of one format's report, which keeps only what the report will show."""

    def add(self, item: Item) -> None: ...

    def chunks(self, summary: Summary, tool: Tool) -> Iterable[str]:
        """The report's text, in pieces to write as they come."""


class Output(Protocol):
    """A report of the whole corpus in one format, gathered as the items stream past, then written."""

    summary: SummaryBuilder

    def add(self, item: Item) -> None: ...

    def write(self, output: Path | None) -> None:
        """To ``output``, atomically, or to standard output."""


def output_for(fmt: str, threshold: float, tool: Tool, rules: RuleSet | None = None, reading: Reading | None = None,
               rows: int = DEFAULT_ROWS, quiet: bool = False, since: str | None = None) -> Output:
    """The gatherer of a format, which holds what it will write, not every report: JSON spools the
    reports to a temporary file; the others keep a page of them, or of their findings."""
    if fmt == "console":
        return ConsoleOutput(threshold, rows, quiet, since)
    if fmt == "json":
        return JsonOutput(threshold, tool)
    if fmt == "jsonl":
        return JsonlOutput(threshold)
    if fmt == "html":
        return HtmlOutput(threshold, rows, tool, reading)
    if fmt == "sarif":
        from provenance.renderers.sarif import SarifRun
        return RunOutput(SarifRun(rules), threshold, tool)
    from provenance.renderers.github import Annotations
    return RunOutput(Annotations(), threshold, tool)


@contextmanager
def _opened(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    with atomic_writer(output) as handle:
        yield handle


def write_text(output: Path | None, text: str) -> None:
    """``text`` to ``output`` (atomically) or to standard output."""
    with _opened(output) as handle:
        handle.write(text)


def write_console(output: Path | None, render: Callable[[Console], None]) -> None:
    """A rich rendering to ``output`` (atomically, 120 columns, no colour) or to the terminal."""
    from rich.console import Console  # rich: only where a console report is written

    with _opened(output) as handle:
        render(Console() if output is None else Console(file=handle, width=120, color_system=None))


class _Paged:
    """A format that shows a page of the corpus: an ``Overview``, which holds the documents it lists."""

    def __init__(self, threshold: float, rows: int):
        self.builder = OverviewBuilder(threshold, rows)
        self.summary = self.builder.summary

    def add(self, item: Item) -> None:
        self.builder.add(item)


class ConsoleOutput(_Paged):
    """The console report, drawn on the terminal, or in 120 columns into a file."""

    def __init__(self, threshold: float, rows: int, quiet: bool, since: str | None):
        super().__init__(threshold, rows)
        self.quiet, self.since = quiet, since

    def write(self, output: Path | None) -> None:
        from provenance.renderers import console as console_renderer  # rich: only for this format

        view = self.builder.overview()
        write_console(output, lambda console: console_renderer.render(view, console, self.quiet, self.since))


class HtmlOutput(_Paged):
    """The HTML page, the texts of its documents read again."""

    def __init__(self, threshold: float, rows: int, tool: Tool, reading: Reading | None):
        super().__init__(threshold, rows)
        self.tool, self.reading = tool, reading or Reading()

    def write(self, output: Path | None) -> None:
        write_text(output, CORPUS_RENDERERS["html"](self.builder.overview(), self.tool, self.reading))


class _Spooled:
    """Text written to a temporary file (in ``$TMPDIR``) as the items come, and copied out once they
    have all come: a run over millions of documents holds none of them. A temporary file that cannot
    be written (a full disk) is an output error, as the output itself would be."""

    def __init__(self, threshold: float):
        self.summary = SummaryBuilder(threshold)
        with _spool_errors():
            self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")

    def _spool(self, text: str) -> None:
        with _spool_errors():
            self.spool.write(text)

    def _copy_spool(self, handle: TextIO) -> None:
        with _spool_errors():
            self.spool.seek(0)
        shutil.copyfileobj(self.spool, handle)
        self.spool.close()


@contextmanager
def _spool_errors() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{tempfile.gettempdir()}: cannot write a temporary file of the report: "
                          f"{exc.strerror or exc}") from None


class JsonOutput(_Spooled):
    """``--format json``: the corpus report, its documents spooled (its summary, which comes before
    them, is known only once they have all been read), its unreadable inputs held."""

    def __init__(self, threshold: float, tool: Tool):
        super().__init__(threshold)
        self.tool = tool
        self.errors: list[ReadError] = []

    def add(self, item: Item) -> None:
        self.summary.add(item)
        if isinstance(item, ReadError):
            self.errors.append(item)
        else:
            self._spool(document_entry(item, first=self.summary.documents == 1))

    def write(self, output: Path | None) -> None:
        head, tail = corpus_frame(self.tool, self.summary.summary(), self.errors)
        with _opened(output) as handle:
            handle.write(head)
            self._copy_spool(handle)
            handle.write(documents_close(self.summary.documents > 0) + tail)


class JsonlOutput(_Spooled):
    """JSON Lines as an extra output (``--output-format jsonl:FILE``): each item's line, spooled."""

    def add(self, item: Item) -> None:
        self.summary.add(item)
        self._spool(render_line(item))

    def write(self, output: Path | None) -> None:
        with _opened(output) as handle:
            self._copy_spool(handle)


class RunOutput:
    """SARIF and GitHub annotations: the renderer's run (``SarifRun``, ``Annotations``) keeps what it
    will write (code scanning's 25,000 most severe results, GitHub's ten annotations a level), not
    every report."""

    def __init__(self, run: Run, threshold: float, tool: Tool):
        self.run, self.tool = run, tool
        self.summary = SummaryBuilder(threshold)

    def add(self, item: Item) -> None:
        self.summary.add(item)
        self.run.add(item)

    def write(self, output: Path | None) -> None:
        with _opened(output) as handle:
            handle.writelines(_joined(self.run.chunks(self.summary.summary(), self.tool)))


def _joined(chunks: Iterable[str], count: int = 4096) -> Iterator[str]:
    """The chunks ``count`` at a time, joined: a JSON encoder's pieces are a few characters each, and
    writing one to a text file costs more than joining it."""
    pieces = iter(chunks)
    while batch := list(islice(pieces, count)):
        yield "".join(batch)


class ExtraOutputs:
    """The ``--output-format FORMAT:FILE`` outputs, each gathering the items as they stream past."""

    def __init__(self, specs: list[tuple[str, Path]], make: Callable[[str], Output]):
        self.outputs = [(make(fmt), path) for fmt, path in specs]

    def collect(self, results: Iterable[Item]) -> Iterator[Item]:
        for item in results:
            for output, _ in self.outputs:
                output.add(item)
            yield item

    def write(self) -> None:
        for output, path in self.outputs:
            output.write(path)
