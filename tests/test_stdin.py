"""``-`` reads JSONL records on standard input, plain or gzipped: the reports are a file's, but for
the path they name. The input is spooled once, so the template pre-pass and the check both read it."""

from __future__ import annotations

import gzip
import json
import os
import select
import subprocess
import sys

import pytest

from conftest import ROOT
from provenance import runner
from test_runner import make_corpus, run


def run_with_input(data: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provenance", *args], input=data, capture_output=True, cwd=ROOT)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    folder = make_corpus(tmp_path_factory.mktemp("stdin") / "corpus", records=90)
    return folder / "crawl-a.jsonl"


def without_path(stdout: str | bytes) -> list[dict]:
    reports = [json.loads(line) for line in stdout.splitlines()]
    for report in reports:
        assert report.pop("path") in ("-", "crawl-a.jsonl")
    return reports


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzipped"])
def test_records_on_stdin_are_checked_as_from_a_file(crawl, jobs, packed):
    from_file = run("check", crawl.name, "--format", "jsonl", "--no-cache", "--jobs", jobs, cwd=crawl.parent)
    data = crawl.read_bytes()
    from_stdin = run_with_input(gzip.compress(data) if packed else data,
                                "check", "-", "--format", "jsonl", "--no-cache", "--jobs", jobs)
    assert from_stdin.returncode == from_file.returncode, from_stdin.stderr
    assert {json.loads(line)["path"] for line in from_stdin.stdout.splitlines()} == {"-"}
    assert without_path(from_stdin.stdout) == without_path(from_file.stdout)


def test_stdin_beside_files_keeps_its_place_in_the_order(crawl):
    seeds = sorted(ROOT.joinpath("corpus").glob("*.txt"))[:2]
    result = run_with_input(crawl.read_bytes(), "check", str(seeds[0]), "-", str(seeds[1]), "--format", "jsonl",
                            "--no-cache")
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids[0] == seeds[0].name and ids[-1] == seeds[1].name and ids[1:3] == ["r0", "r1"]


def test_a_line_that_is_not_json_is_a_read_error_naming_stdin():
    result = run_with_input(b'{"text": "One short document."}\nnot json\n', "check", "-", "--format", "jsonl",
                            "--no-cache")
    first, second = result.stdout.splitlines()
    assert json.loads(first)["id"] == "-#1"
    assert json.loads(second) == {"error": "malformed JSON: Expecting value (column 1)", "path": "-", "line": 2}
    assert result.returncode == 1


@pytest.mark.parametrize("args, message", [
    (["check", "-", "-"], "standard input (-) can be named once"),
    (["check", "-", "--executor", "ray"], "standard input (-) cannot reach them"),
    (["check", "-", "--since", "HEAD"], "standard input (-) is not in a work tree"),
    (["clean", "-", "--out", "elsewhere"], "save standard input (-) to a .jsonl file first"),
    (["quotes", "-", "-"], "standard input (-) can be named once"),
])
def test_where_stdin_cannot_go_is_a_usage_error(args, message):
    result = run_with_input(b'{"text": "x"}\n', *args)
    assert result.returncode == 2 and message in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_quotes_reads_stdin_too(crawl):
    from_file = run("quotes", crawl.name, "--format", "json", cwd=crawl.parent)
    from_stdin = run_with_input(crawl.read_bytes(), "quotes", "-", "--format", "json")
    speakers = json.loads(from_stdin.stdout)["speakers"]
    assert speakers and speakers == json.loads(from_file.stdout)["speakers"]


@pytest.mark.parametrize("command", ["check", "quotes"])
def test_a_closed_stdin_is_a_usage_error(command):
    shell = f'exec "{sys.executable}" -m provenance {command} - <&-'
    result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "standard input (-) is closed" in result.stderr


def test_without_a_pre_pass_stdin_streams(crawl):
    """With no template pre-pass the run reads standard input once, as it comes: a run starts on its
    first two chunks (``Runner.outcomes``), and their reports are out while the input is still open."""
    texts = [json.loads(line)["text"] for line in crawl.read_text(encoding="utf-8").splitlines()]
    records = [json.dumps({"id": f"s{n}", "text": texts[n % len(texts)]}).encode() + b"\n" for n in range(150)]
    proc = subprocess.Popen([sys.executable, "-m", "provenance", "check", "-", "--format", "jsonl", "--no-cache",
                             "--jobs", "1", "--no-templates"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    try:
        proc.stdin.write(b"".join(records[:2 * runner.CHUNK_DOCS + 1]))
        proc.stdin.flush()
        assert select.select([proc.stdout], [], [], 60)[0], "no report while the input is still open"
        first = proc.stdout.readline()
        assert json.loads(first)["id"] == "s0"
        rest, _ = proc.communicate(b"".join(records[2 * runner.CHUNK_DOCS + 1:]), timeout=120)
        assert len(rest.splitlines()) == len(records) - 1 and proc.returncode in (0, 1)
    finally:
        proc.kill()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no terminals here")
def test_reading_a_terminal_says_what_it_waits_for():
    leader, follower = os.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "provenance", "check", "-", "--format", "jsonl", "--no-cache"],
                                stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        os.write(leader, b'{"text": "One short document."}\n\x04')  # Ctrl-D ends the input
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    assert b"reading JSONL records from standard input (end with Ctrl-D)" in err
    assert json.loads(out)["id"] == "-#1"
