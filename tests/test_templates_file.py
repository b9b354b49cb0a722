"""``provenance templates`` counts a corpus's template lines once, into a file, and ``check
--templates-from`` checks with those counts: the shards of a run give the reports one run gives,
without each reading the whole corpus again; counts of another corpus, other rules or another
file are refused in one line."""

from __future__ import annotations

import json
import os

import pytest

from provenance.countsfile import MAGIC, corpus_identity, read_counts, write_counts
from provenance.config import Settings
from provenance.rulepack import load_rules
from provenance.sources import Reading, read_documents
from provenance.templates import count_templates, empty_counts, template_rule
from test_runner import run

FOOTER = "Subscribe to the Daily Planet newsletter for the top stories of the day"
TOPICS = ["council budget", "harbour bridge", "school meals", "river flood", "rail strike", "city museum",
          "winter storm", "hospital wing"]


@pytest.fixture(scope="module")
def outlet(tmp_path_factory):
    """Pages of one outlet, each with its own story and the footer every page of the site carries."""
    folder = tmp_path_factory.mktemp("outlet") / "corpus"
    folder.mkdir()
    records = [json.dumps({"id": f"p{n}", "outlet": "Daily Planet",
                           "text": f"Story about the {topic}.\nThe {topic} was discussed on Monday by officials.\n{FOOTER}\n"})
               for n, topic in enumerate(TOPICS)]
    (folder / "site.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (folder / "other.txt").write_text("A page of another kind, read as well.\n", encoding="utf-8")
    return folder


def test_shards_checked_with_the_counts_file_merge_to_the_reports_of_one_run(outlet, tmp_path):
    counts = tmp_path / "corpus.counts"
    made = run("templates", str(outlet), "--output", str(counts))
    assert made.returncode == 0, made.stderr
    assert made.stderr == f"provenance: counted the template lines of 9 documents in 2 groups, over 2 files: {counts}\n"
    whole = run("check", str(outlet), "--format", "jsonl", "--no-cache", "--jobs", "1")
    assert '"rule":"RS120"' in whole.stdout  # the footer is a template line of the outlet
    for index in range(2):
        shard = run("check", str(outlet), "--shard", f"{index}/2", "--output", str(tmp_path / "out"), "--no-cache",
                    "--templates-from", str(counts), "--part-size", "400")
        assert shard.returncode in (0, 1), shard.stderr
    merged = run("merge", str(tmp_path / "out"), "--format", "jsonl")
    assert merged.stdout == whole.stdout
    with_counts = run("check", str(outlet), "--format", "jsonl", "--no-cache", "--templates-from", str(counts))
    assert with_counts.stdout == whole.stdout


def test_counts_of_a_corpus_changed_since_are_refused_in_one_line(outlet, tmp_path):
    counts = tmp_path / "corpus.counts"
    assert run("templates", str(outlet), "--output", str(counts)).returncode == 0
    page = outlet / "other.txt"
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    try:
        result = run("check", str(outlet), "--templates-from", str(counts))
    finally:
        os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert result.returncode == 2
    assert result.stderr == (f"provenance: {counts}: counts another corpus (the same 2 files of "
                             f"{stat.st_size + (outlet / 'site.jsonl').stat().st_size} bytes, but a file was changed, "
                             "renamed or touched since); count again\n")
    fewer = run("check", str(outlet / "site.jsonl"), "--templates-from", str(counts))
    assert fewer.returncode == 2
    assert "; the PATHs now hold 1 files of " in fewer.stderr and fewer.stderr.count("\n") == 1


@pytest.mark.parametrize("content, problem", [
    (b"not counts\n", "not a template counts file (write one with `provenance templates`)"),
    (MAGIC + b"{}\n", "damaged: its header or counters cannot be read"),
])
def test_a_file_that_holds_no_counts_is_refused_in_one_line(outlet, tmp_path, content, problem):
    counts = tmp_path / "junk.counts"
    counts.write_bytes(content)
    result = run("check", str(outlet), "--templates-from", str(counts))
    assert result.returncode == 2
    assert result.stderr == f"provenance: {counts}: {problem}\n"


def test_counts_made_under_other_template_params_are_refused(outlet, tmp_path):
    counts = tmp_path / "corpus.counts"
    assert run("templates", str(outlet), "--output", str(counts)).returncode == 0
    data = counts.read_bytes()
    counts.write_bytes(data.replace(b'\\"min_docs\\": 5', b'\\"min_docs\\": 6', 1))
    result = run("check", str(outlet), "--templates-from", str(counts))
    assert result.returncode == 2
    assert result.stderr == (f"provenance: {counts}: counted under other template rule params; "
                             "count again under these rules\n")


def test_the_counts_read_back_are_those_written(outlet, tmp_path):
    rule = template_rule(load_rules())
    counts = count_templates((d for d in read_documents([outlet])), rule)
    path = tmp_path / "corpus.counts"
    write_counts(path, counts, rule, corpus_identity([outlet]), Reading(1000))
    back = read_counts(path, rule, corpus_identity([outlet]), Reading(1000))
    assert back.table.tobytes() == counts.table.tobytes() and any(counts.table)
    assert back.group_docs == counts.group_docs


def test_options_that_contradict_the_counts_file_are_usage_errors(outlet, tmp_path):
    no_templates = run("check", str(outlet), "--templates-from", "x.counts", "--no-templates")
    assert no_templates.returncode == 2
    assert no_templates.stderr.endswith("--templates-from gives the template pre-pass's counts: drop --no-templates\n")
    stdin = run("templates", "-", "--output", str(tmp_path / "x.counts"))
    assert stdin.returncode == 2
    assert stdin.stderr == "provenance: templates: standard input (-) cannot be told apart from another; name the files\n"
    inside = run("templates", str(outlet), "--output", str(outlet / "counts.jsonl"))
    assert inside.returncode == 2 and "would be written into the corpus being counted" in inside.stderr
    assert not (outlet / "counts.jsonl").exists()
    off = run("templates", str(outlet), "--output", str(tmp_path / "x.counts"), "--disable", "RS120")
    assert off.returncode == 2 and "run no template pre-pass" in off.stderr
    assert not (tmp_path / "x.counts").exists()


def test_check_takes_its_counts_from_the_file_not_from_a_pre_pass_of_its_own(outlet, tmp_path):
    """Counts that say no line recurs (written for this corpus, as if counted over nothing) leave
    the footer unflagged: the run read them instead of counting."""
    rule = template_rule(load_rules())
    empty = tmp_path / "empty.counts"
    write_counts(empty, empty_counts(rule), rule, corpus_identity([outlet]), Reading())
    result = run("check", str(outlet), "--format", "jsonl", "--no-cache", "--templates-from", str(empty))
    assert result.returncode in (0, 1), result.stderr
    assert '"rule":"RS120"' not in result.stdout


def test_counts_read_with_another_max_bytes_are_refused(outlet, tmp_path):
    """Records over ``max_bytes`` are not read: counts made under another limit counted other records."""
    counts = tmp_path / "corpus.counts"
    (tmp_path / "small.toml").write_text("max_bytes = 100\n", encoding="utf-8")
    assert run("templates", str(outlet), "--output", str(counts), "--config", str(tmp_path / "small.toml")).returncode == 0
    result = run("check", str(outlet), "--templates-from", str(counts))
    assert result.returncode == 2
    assert result.stderr == (f"provenance: {counts}: counted with max_bytes 100, where this run reads records of up "
                             f"to {Settings().max_bytes} bytes; count again with the same settings\n")


@pytest.mark.parametrize("command", ["show", "explain"])
def test_show_and_explain_judge_a_document_with_the_counts_of_its_corpus(outlet, tmp_path, command):
    counts = tmp_path / "corpus.counts"
    assert run("templates", str(outlet), "--output", str(counts)).returncode == 0
    doc = f"{outlet / 'site.jsonl'}#p0"
    counted = run(command, doc, "--corpus", str(outlet))
    from_file = run(command, doc, "--corpus", str(outlet), "--templates-from", str(counts))
    assert from_file.returncode == counted.returncode and from_file.stdout == counted.stdout
    assert "RS120" in from_file.stdout
    alone = run(command, doc, "--templates-from", str(counts))
    assert alone.returncode == 2
    assert alone.stderr == ("provenance: --templates-from needs --corpus PATH: the files or folders its counts "
                            "were made over\n")
