"""``benchmarks/compare.py`` times a commit against the work tree in one run: it checks the commit out
beside this one, runs both on the same corpus and says whether they wrote the same reports. Nothing
here reads a time: the run is tiny and only what it prints and leaves behind is checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import compare  # noqa: E402


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


in_a_clone = pytest.mark.skipif(_git("rev-parse", "HEAD").returncode != 0, reason="not a git checkout")


def test_rounds_alternate_which_version_runs_first():
    assert compare.round_orders(4) == [(0, 1), (1, 0), (0, 1), (1, 0)]


def test_report_files_are_compared_line_by_line(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    a.write_bytes(b'{"id": 1}\n{"id": 2}\n')
    b.write_bytes(b'{"id": 1}\n{"id": 2}\n')
    c.write_bytes(b'{"id": 1}\n{"id": 3}\n{"id": 4}\n')
    assert compare.same_lines(a, b) == "the same reports, byte for byte"
    assert compare.same_lines(a, c) == "reports differ: 2 of 3 lines"


@in_a_clone
def test_head_against_the_work_tree_runs_both_and_leaves_no_checkout_behind():
    before = _git("worktree", "list").stdout
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "HEAD", "--mb", "0.05",
                           "--rounds", "2"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    head = _git("rev-parse", "--short", "HEAD").stdout.strip()
    assert f"base {head}: C accelerator in use" in done.stdout or f"base {head}: pure Python" in done.stdout
    assert "round 2: base" in done.stdout
    assert "head / base, wall time:" in done.stdout
    if not _git("status", "--porcelain", "--untracked-files=no").stdout:  # the work tree is HEAD's
        assert "the same reports, byte for byte" in done.stdout
    assert _git("worktree", "list").stdout == before


@in_a_clone
def test_a_revision_that_does_not_exist_is_one_line_naming_it():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "no-such-revision"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("compare.py: git rev-parse")
    assert "no-such-revision" in done.stderr and "Traceback" not in done.stderr


def _emptied_caches(tmp_path, monkeypatch, *options: str) -> list[Path]:
    """``compare.compare`` with nothing timed or run: the caches it emptied, one each time."""
    emptied: list[Path] = []
    monkeypatch.setattr(compare, "build_corpus", lambda path, mb: (1, 100))
    monkeypatch.setattr(compare, "compile_bytecode", lambda tree: None)
    monkeypatch.setattr(compare, "accelerated", lambda tree: True)
    monkeypatch.setattr(compare.subprocess, "run", lambda *a, **k: None)
    monkeypatch.setattr(compare, "timed", lambda argv, cwd: (1.0, 1.0, 1))
    monkeypatch.setattr(compare, "empty_result_cache", emptied.append)
    monkeypatch.setattr(compare, "same_lines", lambda a, b: "the same reports, byte for byte")
    compare.compare(compare.parse_args(["HEAD", "--rounds", "2", *options]), tmp_path, [tmp_path, tmp_path],
                    ["base", "head"])
    return emptied


def test_a_new_corpus_empties_each_result_cache_before_every_run_and_a_warm_one_never(tmp_path, monkeypatch, capsys):
    assert len(_emptied_caches(tmp_path, monkeypatch, "--cache")) == 4  # two rounds of two runs
    assert "the default command on a new corpus" in capsys.readouterr().out
    assert _emptied_caches(tmp_path, monkeypatch, "--warm") == []
    assert "the default command on a corpus checked before" in capsys.readouterr().out
