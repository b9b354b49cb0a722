"""The command line as a user meets it."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest
from conftest import CORPUS, ROOT

from provenance import __version__, cli
from provenance.cli import main


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "provenance", *args], capture_output=True, text=True, cwd=cwd)


def test_version():
    assert run("--version").stdout.strip() in (f"provenance {__version__} (C accelerator)",
                                               f"provenance {__version__} (pure Python)")


@pytest.mark.parametrize("command", [[], ["check"], ["rules"], ["rules", "list"], ["rules", "test"]])
def test_help_on_every_command(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_check_json_validates_and_exit_code(schema):
    result = run("check", str(CORPUS), "--format", "json")
    assert result.returncode in (0, 1)
    report = json.loads(result.stdout)
    schema("corpus-report.schema.json").validate(report)
    assert result.returncode == (0 if all(d["passed"] for d in report["documents"]) else 1)
    assert len(report["documents"]) == 5


def test_check_is_deterministic():
    assert run("check", str(CORPUS), "--format", "json").stdout == run("check", str(CORPUS), "--format", "json").stdout


def test_console_report_lists_documents():
    out = run("check", str(CORPUS)).stdout
    assert "000_b80e25abf9b4de4d.txt" in out and "documents:" in out


def test_bad_rule_file_names_file_and_key(tmp_path):
    (tmp_path / "bad.toml").write_text('[pack]\nname = "x"\ndescription = "d"\n[[signature]]\nid = "ZZ001"\nname = "n"\n'
                                       'dimension = "residue"\nmessage = "m"\npatterns = ["("]\n'
                                       'examples.match = ["a"]\nexamples.no_match = ["b"]\n', encoding="utf-8")
    result = run("check", str(CORPUS), "--rules", str(tmp_path))
    assert result.returncode == 2
    assert "bad.toml" in result.stderr and "ZZ001" in result.stderr and "Traceback" not in result.stderr


def test_jsonl_output_one_line_per_document():
    lines = run("check", str(CORPUS), "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(p.name for p in CORPUS.glob("*.txt"))


def test_the_script_returns_mains_exit_code_with_the_collector_frozen_for_the_exit(monkeypatch):
    monkeypatch.setattr(cli, "main", lambda: 1)
    try:
        assert cli.script() == 1
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_python_dash_m_runs_the_script():
    result = subprocess.run([sys.executable, "-m", "provenance", "check", str(CORPUS), "--format", "jsonl", "--no-cache"],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == main(["check", str(CORPUS), "--format", "jsonl", "--no-cache"]) == 1
    assert len(result.stdout.splitlines()) == len(list(CORPUS.glob("*.txt")))


class _Stream:
    def __init__(self, terminal: bool):
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.mark.parametrize(("format_", "output", "stdout_terminal", "stderr_terminal", "shown"), [
    ("jsonl", "out.jsonl", True, True, True),  # lines into a file: the count on the terminal
    ("jsonl", None, False, True, True),  # lines into a pipe
    ("jsonl", None, True, True, False),  # lines onto the terminal: the count would be drawn over them
    ("console", None, True, True, True),  # the report drawn once the count is gone
    ("sarif", None, True, True, True),
    ("jsonl", "out.jsonl", True, False, False),  # no terminal to count on (CI, a log file)
    ("console", None, True, False, False),
])
def test_a_run_counts_its_documents_where_a_terminal_shows_it(monkeypatch, format_, output, stdout_terminal,
                                                              stderr_terminal, shown):
    from provenance.commands.check import _shows_progress

    monkeypatch.setattr(sys, "stdout", _Stream(stdout_terminal))
    monkeypatch.setattr(sys, "stderr", _Stream(stderr_terminal))
    args = cli.build_parser().parse_args(["check", str(CORPUS), "--format", format_,
                                          *(["--output", output] if output else [])])
    assert _shows_progress(args) is shown


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_run_into_a_file_counts_its_documents_on_the_terminal_and_writes_the_same_lines(tmp_path):
    """The count goes to the terminal alone: the file holds what a run without one writes."""
    import pty

    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "provenance", "check", str(CORPUS), "--format", "jsonl", "--no-cache"]
    with subprocess.Popen([*command, "--output", str(tmp_path / "terminal.jsonl")], cwd=ROOT,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
                          env={**os.environ, "TERM": "xterm", "COLUMNS": "100"}) as proc:
        os.close(follower)
        shown = b""
        while chunk := _read_terminal(leader):
            shown += chunk
    os.close(leader)
    assert proc.returncode in (0, 1)
    assert b"checked 5 documents" in shown
    plain = run(*command[3:], "--output", str(tmp_path / "plain.jsonl"))
    assert plain.returncode == proc.returncode and plain.stderr == ""
    assert (tmp_path / "terminal.jsonl").read_bytes() == (tmp_path / "plain.jsonl").read_bytes()


def _read_terminal(leader: int) -> bytes:
    try:
        return os.read(leader, 4096)
    except OSError:  # the terminal's far end closed (Linux)
        return b""


@pytest.mark.parametrize("value", ["-1", "two"])
def test_a_quotes_limit_that_is_no_count_of_speakers_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["quotes", str(CORPUS), "--limit", value])
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"provenance quotes: error: argument --limit: {value!r} is not a number of speakers (0 for all)")


def test_check_tells_files_of_one_name_in_two_folders_apart(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(f"A page kept in folder {folder}.\n", encoding="utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    two = run("check", str(a), str(b), "--format", "jsonl", "--no-cache")
    reports = [json.loads(line) for line in two.stdout.splitlines()]
    assert [(r["id"], r["path"]) for r in reports] == [("a/x.txt", str(a / "x.txt")), ("b/x.txt", str(b / "x.txt"))]
    assert two.returncode in (0, 1) and two.stderr == ""
    again = run("check", str(a), str(a / "x.txt"), str(b / "x.txt"), "--format", "jsonl", "--no-cache")
    assert again.stdout == two.stdout, "a file named twice is checked once"


def test_check_names_records_sharing_an_id_and_checks_them_all(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "r1", "text": "One page."}\n{"id": "r1", "text": "Another page."}\n', encoding="utf-8")
    result = run("check", str(feed), "--format", "json", "--no-cache")
    assert result.returncode in (0, 1)
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == ["r1", "r1"]
    assert result.stderr.splitlines() == [
        f"provenance: warning: {feed}:2: id 'r1' is also the id of {feed}:1 "
        "(both are checked; give each record an id of its own)"]
