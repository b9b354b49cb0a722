"""`provenance show DOC`: one document as a reviewer reads it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from rich.console import Console

from provenance.renderers import document_view, whole
from provenance.report import Quote, Span

from conftest import CORPUS, ROOT
from corpus_repo import site_sharing_a_footer

SEED = "004_ce2b9602adbcc576.txt"


def show(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "provenance", "show", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def seed_view():
    return show(CORPUS / SEED)


def test_facts_scores_and_exit_code(seed_view, seed_reports):
    report = seed_reports[SEED]
    out = seed_view.stdout
    assert seed_view.returncode == (0 if report.passed else 1)
    assert report.outlet.name in out and report.outlet.domain in out
    for flag in report.outlet.flags:
        assert flag in out
    assert report.facts.byline.strip() in out
    assert f"overall {whole(report.scores.overall)}" in out


def test_residue_lines_are_labelled_with_their_rule(seed_view, seed_reports):
    lines = seed_view.stdout.splitlines()
    residue = [f for f in seed_reports[SEED].findings if f.dimension == "residue"]
    assert residue
    for f in residue:
        labelled = [line for line in lines if line.lstrip().startswith(f"{f.line} ") and "◂" in line]
        assert labelled and f"{f.rule} {f.name}" in labelled[0]
    article = [f for f in seed_reports[SEED].findings if f.rule == "PV011"][0].line  # the byline is not residue
    assert not any(line.lstrip().startswith(f"{article} ") and "◂" in line for line in lines)


def test_breakdown_gives_every_findings_points(seed_view, seed_reports):
    out = seed_view.stdout
    assert "Score breakdown" in out
    for f in seed_reports[SEED].findings:
        if f.points:
            assert f"{f.points:+.1f}" in out


QUOTED = "Paris, May 3 (Wire) -\n\n“We will not give up,” Jane Smith, the mayor, said on Monday.\n"


def with_named_speaker(report, text: str):
    """The report with its quotation given the speaker it names, whatever the attribution analyzer found."""
    quote = Quote(start=text.index("We"), end=text.index(",”") + 1, text="We will not give up,",
                  speaker=Span(text="Jane Smith", start=text.index("Jane"), end=text.index("Jane") + 10),
                  kind="named", line=3)
    return report.model_copy(update={"quotes": [quote]})


def test_quotations_carry_their_speaker(check):
    report = with_named_speaker(check(QUOTED), QUOTED)
    buffer = io.StringIO()
    document_view.render(QUOTED, report, Console(file=buffer, width=100), 50)
    out = buffer.getvalue()
    assert "We will not give up, ⟨Jane Smith (named)⟩”" in out
    assert "Quotations" in out and out.count("Jane Smith (named)") == 2


def test_jsonl_records_by_line_and_by_id(tmp_path):
    shard = tmp_path / "shard.jsonl"
    records = [{"text": "First record text about the harbour."},
               {"id": "rec-b", "text": "Second record about the railway."}]
    shard.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert "harbour" in show(f"{shard}#1").stdout
    assert "railway" in show(f"{shard}#2").stdout
    assert "railway" in show(f"{shard}#rec-b").stdout
    several = show(shard)
    assert several.returncode == 1 and "2 records" in several.stderr


def test_an_id_two_records_share_asks_for_the_line(tmp_path):
    shard = tmp_path / "shard.jsonl"
    shard.write_text('{"id": "r1", "text": "One."}\n{"text": "Two."}\n{"id": "r1", "text": "Three."}\n', encoding="utf-8")
    shared = show(f"{shard}#r1")
    assert shared.returncode == 1
    assert shared.stderr == f"provenance: {shard}#r1: 2 records have that id (lines 1, 3); name one as {shard}#N\n"
    assert "Three." in show(f"{shard}#3").stdout


@pytest.mark.parametrize("spec", ["missing.txt", "corpus/nothing.jsonl#3"])
def test_unknown_document_is_one_clear_line(spec):
    result = show(spec)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_line_that_holds_no_record_says_why(tmp_path):
    shard = tmp_path / "shard.jsonl"
    shard.write_text('{"text": "First record."}\n{"text": bad\n\n{"text": "Lone \\ud800 here."}\n', encoding="utf-8")
    assert "malformed JSON" in show(f"{shard}#2").stderr
    assert "the line is blank" in show(f"{shard}#3").stderr
    assert "fewer lines" in show(f"{shard}#9").stderr
    lone = show(f"{shard}#4")
    assert lone.returncode in (0, 1) and "Lone \ufffd here." in lone.stdout  # read as check reads it


def test_a_folder_or_a_binary_file_is_named_with_the_reason(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"a\0b")
    assert "is a folder" in show(tmp_path).stderr
    assert "binary file (contains NUL bytes)" in show(tmp_path / "bin.txt").stderr


def test_rule_options_are_those_of_check(seed_view):
    without = show(CORPUS / SEED, "--disable", "RS011")
    assert "RS011 menu-word" in seed_view.stdout
    assert "RS011" not in without.stdout


def test_hostile_text_is_shown_literally(tmp_path):
    doc = tmp_path / "hostile.txt"
    doc.write_text("[bold red]not markup[/] \x1b[2J cleared?\n", encoding="utf-8")
    out = show(doc).stdout
    assert "[bold red]not markup[/]" in out and "\x1b[2J" not in out


def test_show_judges_a_document_as_check_did_given_its_corpus(tmp_path):
    """``show`` read one document alone: its template lines, lines of the corpus, were not counted, and it
    passed a document ``check`` failed."""
    site = site_sharing_a_footer(tmp_path / "site")
    checked = subprocess.run([sys.executable, "-m", "provenance", "check", str(site), "--format", "jsonl"],
                             capture_output=True, text=True, cwd=ROOT)
    first = json.loads(checked.stdout.splitlines()[0])
    alone, within = show(site / "d0.txt"), show(site / "d0.txt", "--corpus", site)
    assert "RS120" in within.stdout and f"overall {whole(first['scores']['overall'])}" in within.stdout
    assert within.returncode == (0 if first["passed"] else 1) and "note" not in within.stderr
    assert "RS120" not in alone.stdout and "--corpus" in alone.stderr


@pytest.mark.parametrize("key", ["r1999", None])
def test_a_large_file_is_read_a_record_at_a_time(tmp_path, key):
    """``show crawl.jsonl#ID`` (and a file named without ``#``) reads 20 MB of records holding one or
    two of them, not every one."""
    import tracemalloc

    from provenance.lookup import DocumentNotFound, find_document
    from provenance.sources import Reading

    shard = tmp_path / "crawl.jsonl"
    body = "A line of the article about the harbour. " * 250
    shard.write_text("".join(json.dumps({"id": f"r{n}", "text": body}) + "\n" for n in range(2000)), encoding="utf-8")
    tracemalloc.start()
    try:
        if key is None:
            with pytest.raises(DocumentNotFound, match="holds 2000 records"):
                find_document(str(shard), Reading())
        else:
            assert find_document(f"{shard}#{key}", Reading()).id == key
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # every record held: over 40 MB
