"""Start-up: a JSON Lines check imports only what it uses (rich is for console output, tldextract
for documents the result cache cannot answer, sqlite3 for the cache, the corpus renderers for their
formats, the baseline models for a run with a baseline), and the reports are the same either way."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
from provenance.cli import main
code = main(sys.argv[1:])
LAZY = {'rich', 'tldextract', 'requests', 'sqlite3', 'provenance.renderers.html', 'provenance.renderers.sarif',
        'provenance.baseline'}
print(sorted({n for name in sys.modules for n in (name, name.split('.')[0])} & LAZY), file=sys.stderr)
"""


def imported(*args: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT)
    return done.stdout, done.stderr.strip().splitlines()[-1]


def test_a_jsonl_check_never_imports_rich(tmp_path):
    out, modules = imported("check", "corpus", "--format", "jsonl", "--no-cache")
    assert "rich" not in modules and out.count("\n") == 5


def test_a_jsonl_check_without_a_cache_loads_neither_sqlite_nor_the_corpus_renderers(tmp_path):
    _, modules = imported("check", "corpus", "--format", "jsonl", "--no-cache")
    assert modules == "['requests', 'tldextract']"


def test_a_corpus_format_loads_its_renderer(tmp_path):
    out, modules = imported("check", "corpus", "--format", "sarif", "--no-cache")
    assert "provenance.renderers.sarif" in modules and '"runs"' in out


def test_a_warm_run_imports_neither_rich_nor_tldextract(tmp_path):
    args = ("check", "corpus", "--format", "jsonl", "--cache-dir", str(tmp_path / "cache"))
    cold, _ = imported(*args)
    warm, modules = imported(*args)
    assert warm == cold and modules == "['sqlite3']"


def test_the_console_report_still_imports_rich_when_it_needs_it(tmp_path):
    out, modules = imported("check", "corpus", "--no-cache")
    assert "rich" in modules and "overall" in out.lower()


def test_only_a_run_with_a_baseline_loads_the_baseline_models(tmp_path):
    baseline = tmp_path / "baseline.json"
    _, recording = imported("check", "corpus", "--format", "jsonl", "--no-cache", "--write-baseline", str(baseline))
    _, comparing = imported("check", "corpus", "--format", "jsonl", "--no-cache", "--baseline", str(baseline))
    assert "provenance.baseline" in recording and "provenance.baseline" in comparing


def test_a_new_document_checked_with_the_rules_cache_warm_builds_no_outlet_index(tmp_path):
    """The rules cache keeps the outlet index and the engines: a document the result cache cannot
    answer is checked without building them, and without tldextract where it names no site."""
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "note.txt"
    args = ("check", str(folder), "--format", "jsonl", "--cache-dir", str(tmp_path / "cache"))
    doc.write_text("Garden tips for a dry summer\n\nWater early, the gardener said.\n", encoding="utf-8")
    imported(*args)
    doc.write_text("Garden tips for a wet spring\n\nDig late, the gardener said.\n", encoding="utf-8")
    out, modules = imported(*args)
    assert modules == "['sqlite3']" and '"id"' in out
