"""The result cache: a second run answers from it, a changed document or setting is checked again."""

from __future__ import annotations

import sqlite3

import pytest

from provenance.cache import CACHE_FILE, default_cache_dir

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
        db.execute("""UPDATE results SET line = '{"id":"cached:' || substr(line, 8)""")


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


def test_only_changed_documents_are_checked_again(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    check(corpus, cache_dir)
    tamper(cache_dir)
    seed = sorted(corpus.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nShare this article\n", encoding="utf-8")
    lines = check(corpus, cache_dir).stdout.splitlines()  # the template pre-pass saw a change: all again
    assert not any('{"id":"cached:' in line for line in lines)
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
