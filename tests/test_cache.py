"""The result cache: a second run answers from it, a changed document or setting is checked again."""

from __future__ import annotations

import argparse
import json
import sqlite3

import pytest

from provenance import runner
from provenance.cache import CACHE_FILE, PAGE_SIZE, ResultCache, default_cache_dir, parse_size
from provenance.cli import main

from conftest import CORPUS
from test_runner import make_corpus, run


@pytest.fixture
def corpus(tmp_path):
    return make_corpus(tmp_path / "corpus", records=20)


def rows(cache_dir):
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        return db.execute("SELECT key, line FROM results").fetchall()


def tamper(cache_dir):
    """Mark every cached line, so a test can tell an answer from the cache from a fresh check."""
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        db.execute("""UPDATE results SET line = CAST('{"id":"cached:' || substr(CAST(line AS TEXT), 8) AS BLOB)""")


def check(corpus, cache_dir, *extra):
    return run("check", str(corpus), "--format", "jsonl", "--jobs", "1", "--cache-dir", str(cache_dir), *extra)


def test_second_run_answers_from_the_cache(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    first = check(corpus, cache_dir)
    assert len(rows(cache_dir)) == 25  # 5 seeds + 20 records; the malformed line is not cached
    second = check(corpus, cache_dir)
    assert second.stdout == first.stdout and second.returncode == first.returncode
    tamper(cache_dir)
    assert check(corpus, cache_dir).stdout.count('{"id":"cached:') == 25
    assert '"id":"cached:' not in check(corpus, cache_dir, "--no-cache").stdout


@pytest.mark.parametrize("shard", [False, True])
def test_a_run_leaves_no_write_ahead_log_behind(corpus, tmp_path, shard):
    # closed at the end of the check, the cache copies its log into the file and removes it
    cache_dir = tmp_path / "cache"
    check(corpus, cache_dir, *(["--shard", "0/1", "--output", str(tmp_path / "shards")] if shard else []))
    assert sorted(p.name for p in cache_dir.iterdir()) == [CACHE_FILE, "rules.pickle"]
    assert len(rows(cache_dir)) == 25


def test_only_changed_documents_are_checked_again(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    check(corpus, cache_dir)
    tamper(cache_dir)
    seed = sorted(corpus.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nShare this article\n", encoding="utf-8")
    lines = check(corpus, cache_dir).stdout.splitlines()  # no other document's template lines moved
    assert '"id":"cached:' not in lines[0] and all('"id":"cached:' in line for line in lines[1:25])
    check(corpus, cache_dir, "--no-templates")
    tamper(cache_dir)
    seed.write_text(seed.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    lines = check(corpus, cache_dir, "--no-templates").stdout.splitlines()
    assert '"id":"cached:' not in lines[0] and all('"id":"cached:' in line for line in lines[1:25])


def test_settings_and_rules_are_part_of_the_key(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    check(corpus, cache_dir)
    tamper(cache_dir)
    assert '"id":"cached:' not in check(corpus, cache_dir, "--threshold", "90").stdout
    assert '"id":"cached:' not in check(corpus, cache_dir, "--disable", "RS011").stdout


def test_cache_never_lives_inside_the_corpus(corpus):
    inside = corpus / ".provenance-cache"
    result = check(corpus, inside)
    assert result.returncode in (0, 1)
    assert "lies inside a checked folder" in result.stderr
    assert not inside.exists()


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.delenv("PROVENANCE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "provenance"
    monkeypatch.setenv("PROVENANCE_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"


def test_a_small_limit_keeps_the_cache_under_it_and_the_reports_unchanged(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    uncached = check(corpus, cache_dir, "--no-cache").stdout
    for _ in range(2):
        assert check(corpus, cache_dir, "--cache-max-size", "128K").stdout == uncached
        assert 0 < len(rows(cache_dir)) < 25
        assert ResultCache(cache_dir, "any", 128 << 10).size_in_use() <= 128 << 10


def test_the_lines_least_recently_used_go_first(tmp_path):
    cache = ResultCache(tmp_path, "space", max_size=256 << 10)  # room for about eight of these lines
    line = b"x" * (20 << 10)
    cache.put_many([(b"old", line, True, b""), (b"kept", line, True, b"")])
    for n in range(4):
        cache.put_many([(f"new{n}".encode(), line, True, b"")])
    assert set(cache.get_many([b"kept"])) == {b"kept"}  # still there, and now used
    for n in range(4, 8):
        cache.put_many([(f"new{n}".encode(), line, False, b"")])
    left = cache.get_many([b"old", b"kept", b"new0", b"new7"])
    assert b"kept" in left and b"new7" in left and b"old" not in left and b"new0" not in left
    assert left[b"new7"] == (line, False, b"")
    assert cache.size_in_use() <= 256 << 10


def test_reading_lines_marks_them_used_without_writing_them_again(tmp_path):
    """Marking a line used writes to a small table of its own, not the line's page: a warm run over a
    corpus would otherwise write its cache again into the log."""
    cache = ResultCache(tmp_path, "space")
    lines = {f"k{n}".encode(): f"{n:08d}".encode() * 1_000 for n in range(200)}  # 1.6 MB of lines
    cache.put_many([(k, line, True, b"") for k, line in lines.items()])
    cache.close()  # the log is copied into the file and removed
    cache = ResultCache(tmp_path, "space")
    assert cache.get_many(list(lines)) == {k: (line, True, b"") for k, line in lines.items()}
    log = tmp_path / f"{CACHE_FILE}-wal"
    assert log.stat().st_size < 200 * 1_000
    cache.close()


def test_a_new_file_has_large_pages_and_one_written_before_keeps_its_own(tmp_path):
    """A report line of several kilobytes fits a 16 KiB page; a file of 4 KiB pages from an earlier
    version still works (SQLite cannot change a page size in WAL mode), only more slowly."""
    def page_size(folder):
        with sqlite3.connect(folder / CACHE_FILE) as db:
            return db.execute("PRAGMA page_size").fetchone()[0]

    ResultCache(tmp_path / "new", "space").close()
    assert page_size(tmp_path / "new") == PAGE_SIZE
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("PRAGMA page_size = 4096")
        db.execute("CREATE TABLE earlier (x)")
    cache = ResultCache(tmp_path, "space")
    cache.put_many([(b"k", b"x" * 10_000, True, b"policy")])
    assert cache.get_many([b"k"]) == {b"k": (b"x" * 10_000, True, b"policy")}
    cache.close()
    assert page_size(tmp_path) == 4096


def test_a_file_of_the_earlier_layout_is_emptied_and_used(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, line TEXT NOT NULL, passed INTEGER NOT NULL) "
                   "WITHOUT ROWID")
        db.execute("INSERT INTO results VALUES ('k', 'line', 1)")
    first = check(corpus, cache_dir)
    assert first.returncode == 1 and len(rows(cache_dir)) == 25
    assert check(corpus, cache_dir).stdout == first.stdout


@pytest.mark.parametrize("text, size", [("500M", 500 << 20), ("2G", 2 << 30), ("1.5g", 3 << 29), ("4096", 4096),
                                        ("64KB", 64 << 10)])
def test_sizes_are_read_with_binary_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "0", "-1M", "1T"])
def test_a_bad_size_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size(text)


def test_a_bad_size_on_the_command_line_is_one_line_naming_the_option(corpus, tmp_path):
    result = check(corpus, tmp_path / "cache", "--cache-max-size", "lots")
    assert result.returncode == 2 and "--cache-max-size" in result.stderr and "Traceback" not in result.stderr


def test_a_damaged_cache_file_is_a_note_and_the_run_goes_on(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / CACHE_FILE).write_bytes(b"not a database, whatever its name says" * 100)
    result = check(corpus, cache_dir)
    assert result.stdout == check(corpus, cache_dir, "--no-cache").stdout
    assert "cannot use the cache folder" in result.stderr and "Traceback" not in result.stderr


def outlet_story(n: int) -> str:
    """A JSONL record of one outlet's story ``n``, with the outlet's footer: a template line once it
    is in enough of the outlet's documents."""
    text = f"Story number {n} of the day, told at some length.\nGet our free morning briefing in your inbox\n"
    return json.dumps({"id": f"o{n}", "outlet": "Example Daily", "text": text}) + "\n"


def test_a_grown_corpus_gives_the_reports_of_a_run_without_the_cache(tmp_path):
    """Six documents of one outlet share a footer, a template line. A seventh moves its counts, so
    the six are checked again; the seeds' reports, whose template answers did not move, come from
    the cache. Every line is the one a run without the cache writes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    crawl = corpus / "crawl.jsonl"
    seeds = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    crawl.write_text("".join(outlet_story(n) for n in range(6))
                     + "".join(json.dumps({"id": f"s{n}", "text": text}) + "\n" for n, text in enumerate(seeds)),
                     encoding="utf-8")
    cache_dir = tmp_path / "cache"
    assert "in about 6 of 6 documents" in check(corpus, cache_dir).stdout
    crawl.write_text(crawl.read_text(encoding="utf-8") + outlet_story(6), encoding="utf-8")
    tamper(cache_dir)
    cached = check(corpus, cache_dir).stdout.splitlines()
    fresh = check(corpus, cache_dir, "--no-cache").stdout.splitlines()
    assert [n for n, line in enumerate(cached) if line.startswith('{"id":"cached:')] == list(range(6, 6 + len(seeds)))
    assert [line.replace('{"id":"cached:', '{"id":"', 1) for line in cached] == fresh
    assert "in about 7 of 7 documents" in fresh[0]


LOOSE_TEMPLATE_RULE = """[pack]
name = "loose-templates"
description = "a second template-line rule, looser than the shipped one"

[[detector]]
id = "ZZ120"
name = "loose-template-line"
dimension = "residue"
message = "line recurs in a few documents of the same outlet"
detector = "template-line"
tags = ["not-text-testable"]
params.min_chars = 12
params.max_words = 25
params.min_docs = 2
params.min_share = 0.1
params.sketch_width = 1024
params.sketch_depth = 4
params.copy_filter_bits = 33554432
examples.match = ["(fires only with the corpus pre-pass)"]
examples.no_match = ["A single document has no template lines."]
"""


def test_every_template_rule_s_answers_are_in_the_key(tmp_path):
    """A second, looser template rule finds the footer of three documents where the shipped one
    (five documents at least) finds nothing; a fourth moves its count, so the three are checked
    again, though the shipped rule's answers did not move."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "loose.toml").write_text(LOOSE_TEMPLATE_RULE, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    crawl = corpus / "crawl.jsonl"
    crawl.write_text("".join(outlet_story(n) for n in range(3)), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    assert "in about 3 of 3 documents" in check(corpus, cache_dir, "--rules", str(rules)).stdout
    crawl.write_text(crawl.read_text(encoding="utf-8") + outlet_story(3), encoding="utf-8")
    cached = check(corpus, cache_dir, "--rules", str(rules)).stdout
    assert cached == check(corpus, cache_dir, "--rules", str(rules), "--no-cache").stdout
    assert "in about 3 of 3" not in cached and cached.count("in about 4 of 4 documents") == 4


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_judged_lines_with_the_cache_are_those_without_it(tmp_path, jobs):
    """The gate's verdict is laid where a document is checked, on one core or in a pool's workers,
    and on the cache's answers in the run that reads them: the lines and the exit code are those of a
    run without the cache, cold and warm (a threshold most seeds pass and some fail)."""
    corpus = make_corpus(tmp_path / "corpus", records=150)
    args = ("--jobs", jobs, "--threshold", "65")
    reference = check(corpus, tmp_path / "unused", "--no-cache", *args)
    cold, warm = check(corpus, tmp_path / "cache", *args), check(corpus, tmp_path / "cache", *args)
    assert '"passed":true' in reference.stdout and '"passed":false' in reference.stdout
    assert cold.stdout == warm.stdout == reference.stdout
    assert cold.returncode == warm.returncode == reference.returncode == 1
    assert len(rows(tmp_path / "cache")) == 155


def test_a_pool_s_parent_parses_only_the_reports_another_policy_judged(tmp_path, monkeypatch, capsys):
    """The workers judge and render each document they check, and the cache keeps that line: the
    parent never parses a fresh report back to judge it (1.4 CPU s over 50 MB, in the one process
    every worker waits on), nor one the cache answers as the same policy judged it; a line another
    policy judged is parsed and judged again, once."""
    corpus = make_corpus(tmp_path / "corpus", records=150)
    parsed = []
    real = runner.Outcome.item
    monkeypatch.setattr(runner.Outcome, "item", lambda self: parsed.append(1) or real(self))
    args = ["check", str(corpus), "--format", "jsonl", "--jobs", "2", "--cache-dir", str(tmp_path / "cache")]
    main(args)
    cold = capsys.readouterr().out
    assert parsed == []
    main(args)
    assert capsys.readouterr().out == cold and parsed == []
    main([*args, "--fail-under-residue", "90"])
    stricter = capsys.readouterr().out
    assert len(parsed) == 155 and stricter != cold
    main([*args, "--fail-under-residue", "90"])
    assert capsys.readouterr().out == stricter and len(parsed) == 155
