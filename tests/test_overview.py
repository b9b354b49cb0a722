"""The console's overview of a large corpus: a page's worth of documents, the worst of them, however
many were checked; the counts exact; the rest named by how many, and where to find them."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from provenance.corpus import corpus_report
from provenance.overview import OverviewBuilder, overview_of
from provenance.renderers import console as console_renderer
from provenance.report import GateNote, ReadError

from conftest import CORPUS, ROOT

THRESHOLD = 60


@pytest.fixture(scope="module")
def base(seed_reports):
    return next(iter(seed_reports.values()))


def scored(base, n: int, overall: float, passed: bool | None = None, notes: int = 0):
    """``base`` as document ``n`` with an overall score (and a verdict, the threshold's by default)."""
    gate = [GateNote(action="warn", check="overall", message=f"note {n}.{i}") for i in range(notes)]
    return base.model_copy(update={"id": f"doc-{n}", "scores": base.scores.model_copy(update={"overall": overall}),
                                   "passed": overall >= THRESHOLD if passed is None else passed, "gate": gate})


def worst_first(doc_and_order):
    doc, order = doc_and_order
    return doc.passed, doc.scores.overall, order


def text_of(view, quiet: bool = False) -> str:
    buffer = io.StringIO()
    console_renderer.render(view, Console(file=buffer, width=200, color_system=None), quiet)
    return buffer.getvalue()


verdicts = st.lists(st.tuples(st.sampled_from([0, 30, 59.9, 60, 75, 100]), st.booleans(), st.booleans()),
                    max_size=40)


@settings(max_examples=150, deadline=None)
@given(verdicts, st.integers(0, 12))
def test_the_kept_documents_are_all_in_order_or_the_worst_first(base, verdicts, rows):
    items = [scored(base, n, overall, passed) if readable else ReadError(path="bad.jsonl", line=n, message="broken")
             for n, (overall, passed, readable) in enumerate(verdicts)]
    docs = [(item, n) for n, item in enumerate(items) if not isinstance(item, ReadError)]
    errors = [item for item in items if isinstance(item, ReadError)]
    builder = OverviewBuilder(THRESHOLD, rows).add_all(items)
    view = builder.overview()
    assert view.summary == corpus_report(items, THRESHOLD, "d").summary  # the counts are the whole corpus's
    if not rows or len(docs) <= rows:
        assert view.documents == [doc for doc, _ in docs] and not view.worst_only and view.more_documents == 0
    else:
        assert view.documents == [doc for doc, _ in sorted(docs, key=worst_first)[:rows]]
        assert view.worst_only and view.more_documents == len(docs) - rows
    shown_errors = errors if not rows else errors[:rows]
    assert view.errors == shown_errors and view.more_errors == len(errors) - len(shown_errors)
    assert view.failing_not_shown == sum(not d.passed for d, _ in docs) - sum(not d.passed for d in view.documents)
    assert builder.summary.exit_code == (0 if all(d.passed for d, _ in docs) and not errors else 1)


def test_the_builder_holds_no_more_reports_than_rows(base):
    builder = OverviewBuilder(THRESHOLD, rows=5)
    for n in range(1000):
        builder.add(scored(base, n, n % 97, notes=1))
        assert len(builder.kept) <= 5 and len(builder.gate_notes) <= 5
    view = builder.overview()
    assert [d.id for d in view.documents] == ["doc-0", "doc-97", "doc-194", "doc-291", "doc-388"]
    assert view.more_documents == 995 and view.more_gate_notes == 995
    assert view.summary.documents == 1000 and sum(count for _, _, count in view.bands) == 1000


def test_a_large_corpus_shows_its_worst_and_says_how_many_more(base):
    items = [scored(base, n, 90 - n % 50) for n in range(200)]
    items += [ReadError(path=f"bad-{n}.txt", message="binary file (contains NUL bytes)") for n in range(7)]
    out = text_of(overview_of(items, THRESHOLD, rows=3))
    assert "Documents: the 3 worst of 200" in out
    assert "… 197 more documents: --rows 0 lists every one" in out
    failing = sum(not item.passed for item in items[:200])
    assert f"… {failing - 3:,} more failing documents" in out
    assert [line for line in out.splitlines() if line.startswith("error: ")] == [
        f"error: bad-{n}.txt: binary file (contains NUL bytes)" for n in range(3)]
    assert "… 4 more inputs could not be read" in out
    assert out.splitlines()[-1].startswith("200 documents: ")


def test_a_small_corpus_is_shown_whole_with_no_note(seed_reports):
    out = text_of(overview_of(list(seed_reports.values()), THRESHOLD))
    assert "worst" not in out and "…" not in out
    assert [r.id for r in seed_reports.values() if r.id in out] == [r.id for r in seed_reports.values()]


def test_quiet_lists_the_first_errors_and_says_how_many_more(base):
    items = [ReadError(path="a.jsonl", line=n, message="malformed JSON") for n in range(1, 6)]
    lines = text_of(overview_of(items, THRESHOLD, rows=2), quiet=True).splitlines()
    assert lines[:2] == ["error: a.jsonl:1: malformed JSON", "error: a.jsonl:2: malformed JSON"]
    assert lines[2].startswith("… 3 more inputs could not be read")
    assert lines[3].startswith("0 documents: 0 passed, 0 failed, 5 unreadable")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provenance", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def many_records(tmp_path_factory):
    """The seeds as 60 records, more than a page."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    path = tmp_path_factory.mktemp("many") / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{n}", "text": texts[n % len(texts)]}) + "\n" for n in range(60)),
                    encoding="utf-8")
    return path


def rows_of(stdout: str) -> list[str]:
    return [line.split()[0] for line in stdout.splitlines() if line[:1] == "r" and line.split()[0][1:].isdigit()]


def test_check_lists_a_page_and_rows_0_every_document(many_records):
    paged, whole = run("check", str(many_records), "--no-cache"), run("check", str(many_records), "--rows", "0")
    assert paged.returncode == whole.returncode == 1  # the tabloid copy fails, every time
    assert "Documents: the 50 worst of 60" in paged.stdout and "… 10 more documents" in paged.stdout
    assert rows_of(paged.stdout)[:12] == [f"r{n}" for n in range(3, 60, 5)]  # the 12 failing copies, in input order
    assert rows_of(whole.stdout)[:60] == [f"r{n}" for n in range(60)] and "…" not in whole.stdout
    assert paged.stdout.splitlines()[-1] == whole.stdout.splitlines()[-1]


def test_the_extra_console_output_takes_rows_too(many_records, tmp_path):
    out = tmp_path / "console.txt"
    done = run("check", str(many_records), "--format", "jsonl", "--output", str(tmp_path / "r.jsonl"),
               "--output-format", f"console:{out}", "--rows", "2")
    assert done.returncode == 1
    text = out.read_text(encoding="utf-8")
    assert "Documents: the 2 worst of 60" in text and "… 58 more documents" in text


def test_merge_draws_the_same_page_as_one_run(many_records, tmp_path):
    for i in range(2):
        assert run("check", str(many_records), "--shard", f"{i}/2", "--output", str(tmp_path)).returncode in (0, 1)
    merged = run("merge", str(tmp_path), "--format", "console", "--rows", "7")
    one = run("check", str(many_records), "--rows", "7")
    assert merged.stdout == one.stdout and "Documents: the 7 worst of 60" in one.stdout


@pytest.mark.parametrize("value", ["-1", "x", "2.5"])
def test_rows_is_a_whole_number(many_records, value):
    done = run("check", str(many_records), "--rows", value)
    assert done.returncode == 2
    assert f"argument --rows: {value!r} is not a number of rows (0 for all)" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_html_page_shows_the_same_page_of_documents(many_records, tmp_path):
    paged, whole = tmp_path / "paged.html", tmp_path / "whole.html"
    assert run("check", str(many_records), "--format", "html", "--rows", "7", "--output", str(paged)).returncode == 1
    assert run("check", str(many_records), "--format", "html", "--rows", "0", "--output", str(whole)).returncode == 1
    page, every = paged.read_text(encoding="utf-8"), whole.read_text(encoding="utf-8")
    assert "Documents: the 7 worst of 60" in page and "… 53 more documents: --rows 0 lists every one" in page
    assert page.count('<article class="doc"') == 7 and every.count('<article class="doc"') == 60
    failing_ids = [f">r{n}</a>" for n in range(3, 60, 5)][:7]  # the failing copies, worst first, in input order
    assert all(page.count(doc_id) == 2 for doc_id in failing_ids)  # its row and its article
    assert "<h2>Documents</h2>" in every and "more documents" not in every
