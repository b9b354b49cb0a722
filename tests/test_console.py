"""The console report: fits the width, plain when piped, colour on a terminal, never reads text as markup."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys

import pytest
from rich.cells import cell_len
from rich.console import Console

from provenance.config import Settings
from provenance.gate import judge, policy_from
from provenance.overview import overview_of
from provenance.renderers import whole
from provenance.renderers import console as console_renderer
from provenance.report import ReadError

from conftest import CORPUS, ROOT

ANSI_ESCAPE = "\x1b["


@pytest.fixture(scope="module")
def seed_corpus(seed_reports):
    """The seeds judged at a threshold of 60, which the republished tabloid copy fails."""
    policy = policy_from(Settings(threshold=60))
    return overview_of([judge(r, policy) for r in seed_reports.values()], 60)


def rendered(report, width: int, colour: bool = False, quiet: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=colour, color_system="truecolor" if colour else None)
    console_renderer.render(report, console, quiet)
    return buffer.getvalue()


@pytest.mark.parametrize("width", [60, 80, 132])
def test_report_fits_the_width_but_for_the_summary_line(seed_corpus, width):
    lines = rendered(seed_corpus, width).splitlines()
    assert lines[-1] == console_renderer.summary_line(seed_corpus).plain  # whole, however long
    assert max(cell_len(line) for line in lines[:-1]) <= width


@pytest.mark.parametrize("width", [60, 80, 132])
@pytest.mark.parametrize("quiet", [False, True])
def test_error_lines_and_the_summary_line_never_wrap(seed_corpus, width, quiet):
    errors = [ReadError(path="bad/corrupt.jsonl.gz", line=1, message="gzip data cut short or corrupt: Error -3 while "
                        "decompressing data: invalid block type"),
              ReadError(path="bad/" + "long-name-" * 12 + ".txt", message="binary file (contains NUL bytes)")]
    report = overview_of([*seed_corpus.documents, *errors], 60)
    lines = rendered(report, width, quiet=quiet).splitlines()
    assert lines[-1] == console_renderer.summary_line(report).plain
    shown = [f"error: {e.path}{f':{e.line}' if e.line else ''}: {e.message}" for e in errors]
    assert (lines[:-1] if quiet else lines[-len(errors) - 2:-2]) == shown  # quiet names them too


def test_a_redirected_run_writes_each_error_on_one_line(tmp_path):
    bad = tmp_path / ("a-folder-with-a-long-name-" * 3)
    bad.mkdir()
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    packed = gzip.compress("".join(json.dumps({"text": text}) + "\n" for text in texts).encode())
    (bad / "corrupt.jsonl.gz").write_bytes(packed[: len(packed) * 3 // 4])
    done = subprocess.run([sys.executable, "-m", "provenance", "check", str(bad)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "COLUMNS": "80"})
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: ")]
    assert done.returncode == 1 and len(errors) == 1
    assert errors[0].startswith(f"error: {bad}/corrupt.jsonl.gz:")
    assert errors[0].endswith("end-of-stream marker was reached")
    summary = done.stdout.splitlines()[-1]
    assert re.fullmatch(r"\d+ documents?: .* 1 unreadable · threshold 60 · mean .* overall \d+", summary)


def test_report_shows_every_document_score_and_the_corpus_panels(seed_corpus):
    out = rendered(seed_corpus, 132)
    for doc in seed_corpus.documents:
        assert doc.id in out
        assert whole(doc.scores.overall) in out
    assert "Overall scores" in out and "Most frequent rules" in out and "Outlets" in out
    top_rule = max(seed_corpus.summary.rules.items(), key=lambda kv: kv[1])[0]
    name = next(f.name for d in seed_corpus.documents for f in d.findings if f.rule == top_rule)
    assert any(top_rule in line and name in line for line in out.splitlines())
    assert "█" in out


def test_failing_documents_list_their_main_findings(seed_corpus):
    out = rendered(seed_corpus, 132)
    failing = [d for d in seed_corpus.documents if not d.passed]
    assert failing, "the seed corpus has a failing document"
    for doc in failing:
        assert out.count(doc.id) == 2  # its row, then its findings
        worst = console_renderer.main_findings(doc)[0]
        assert worst.message in out


def test_quiet_is_one_line_from_the_summary(seed_corpus):
    out = rendered(seed_corpus, 40, quiet=True)
    s = seed_corpus.summary
    assert out.count("\n") == 1
    assert f"{s.documents} documents: {s.passed} passed, {s.failed} failed" in out


def test_piped_output_is_plain_and_a_terminal_gets_colour(seed_corpus):
    piped = subprocess.run([sys.executable, "-m", "provenance", "check", str(CORPUS)], capture_output=True,
                           text=True, cwd=ROOT)
    assert piped.stdout and ANSI_ESCAPE not in piped.stdout
    assert ANSI_ESCAPE in rendered(seed_corpus, 100, colour=True)


def test_document_text_is_never_markup_nor_terminal_control(check):
    report = check("[bold]Menu[/] \x1b[2J\nThe minister said the plan would work.\n")
    hostile = report.model_copy(update={"id": "[red]doc[/red] \x1b]0;title\x07"})
    out = rendered(overview_of([hostile], 50), 120, colour=True)
    assert "[red]doc[/red]" in out
    assert "\x1b]0;" not in out and "\x07" not in out


def test_score_bands_floor_scores_so_a_failing_score_is_never_in_a_passing_band(seed_reports):
    doc = next(iter(seed_reports.values()))
    docs = [doc.model_copy(update={"scores": doc.scores.model_copy(update={"overall": v})}) for v in (49.6, 100, 0, 50)]
    bands = {label: count for label, _, count in overview_of(docs, 50).bands}
    assert bands["40–49"] == 1 and bands["50–59"] == 1 and bands["90–100"] == 1 and bands["0–9"] == 1
    assert sum(bands.values()) == 4


@pytest.mark.parametrize("score,shown", [(86.5, "87"), (87.5, "88"), (54.4, "54"), (0.0, "0"), (99.5, "100")])
def test_scores_show_as_whole_numbers_with_halves_rounded_up(score, shown):
    assert whole(score) == shown
