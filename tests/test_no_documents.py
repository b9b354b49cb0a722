"""A PATH under which no document is found is an error of the run, as an unreadable input is: a CI job
pointed at the wrong folder must not pass without checking anything. Not so where ``--since`` chose
the documents (nothing changed passes) or for a shard (one may get no files)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from provenance.cli import main

from conftest import CORPUS, ROOT
from corpus_repo import check, make_repo

NO_DOCUMENTS = "no documents found (.txt, .md, .jsonl, .ndjson; JSON Lines also as .gz, .zst, .json.gz, .json.zst)"


def run_check(*args: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(*args: str, capsys, schema) -> tuple[int, dict]:
    code, out, _ = run_check(*args, "--format", "json", capsys=capsys)
    report = json.loads(out)
    schema("corpus-report.schema.json").validate(report)
    return code, report


def nothing_found(path) -> dict:
    return {"path": str(path), "line": None, "message": NO_DOCUMENTS}


@pytest.fixture
def empty(tmp_path):
    (tmp_path / "empty").mkdir()
    return tmp_path / "empty"


@pytest.fixture
def other_files(tmp_path):
    """A folder of files that are not documents (a PDF, a sidecar-like JSON file)."""
    folder = tmp_path / "nodocs"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "listing.json").write_text("{}", encoding="utf-8")
    return folder


def test_an_empty_folder_is_an_error_of_the_run(empty, capsys, schema):
    code, report = run_json(str(empty), capsys=capsys, schema=schema)
    assert code == 1 and report["documents"] == [] and report["errors"] == [nothing_found(empty)]
    assert report["summary"]["errors"] == 1


def test_a_folder_of_other_files_is_an_error_of_the_run(other_files, capsys, schema):
    code, report = run_json(str(other_files), capsys=capsys, schema=schema)
    assert code == 1 and report["errors"] == [nothing_found(other_files)]


@pytest.mark.parametrize("name", ["crawl.jsonl", "sub/crawl.jsonl"])
def test_an_empty_jsonl_file_alone_is_a_path_without_documents(tmp_path, name, capsys, schema):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(b"")
    path = tmp_path / name.split("/")[0]
    code, report = run_json(str(path), capsys=capsys, schema=schema)
    assert code == 1 and report["errors"] == [nothing_found(path)]


def test_each_path_is_judged_on_its_own(empty, capsys, schema):
    code, report = run_json(str(CORPUS), str(empty), capsys=capsys, schema=schema)
    assert code == 1 and len(report["documents"]) == 5 and report["errors"] == [nothing_found(empty)]


def test_a_path_holding_only_an_unreadable_file_reports_that_file_alone(tmp_path, capsys, schema):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "blob.txt").write_bytes(b"\x00\x01\x02")
    code, report = run_json(str(tmp_path / "bin"), capsys=capsys, schema=schema)
    assert code == 1 and [e["path"] for e in report["errors"]] == [str(tmp_path / "bin" / "blob.txt")]


def test_the_console_prints_the_error_line_and_no_empty_tables(empty, capsys):
    code, out, _ = run_check(str(empty), capsys=capsys)
    assert code == 1
    assert f"error: {empty}: {NO_DOCUMENTS}" in out.splitlines()
    assert "Documents" not in out and "Overall scores" not in out
    assert out.splitlines()[-1].startswith("0 documents: 0 passed, 0 failed, 1 unreadable")


def test_jsonl_writes_the_error_line(empty, capsys, schema):
    code, out, _ = run_check(str(empty), "--format", "jsonl", capsys=capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and lines == [{"error": NO_DOCUMENTS, "path": str(empty), "line": None}]
    schema("report-line.schema.json").validate(lines[0])


def test_sarif_names_the_path_in_a_notification(empty, capsys):
    code, out, _ = run_check(str(empty), "--format", "sarif", capsys=capsys)
    invocation = json.loads(out)["runs"][0]["invocations"][0]
    assert code == 1 and invocation["exitCode"] == 1
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == f"{empty}: {NO_DOCUMENTS}"


@pytest.mark.parametrize("templates", [[], ["--no-templates"]], ids=["spooled", "streamed"])
def test_empty_standard_input_is_a_path_without_documents(templates):
    done = subprocess.run([sys.executable, "-m", "provenance", "check", "-", "--format", "jsonl", *templates],
                          input=b"", capture_output=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout) == {"error": NO_DOCUMENTS, "path": "-", "line": None}


def test_nothing_changed_since_a_revision_passes_and_says_so(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path)
    code, out, _ = check(repo, "corpus", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "error" not in out
    assert out.splitlines()[-1].startswith("no documents changed since HEAD")


def test_the_shard_an_empty_folder_falls_to_names_it_and_the_others_pass(empty, tmp_path, capsys):
    """The folder is the run's one input unit, so shard 0 holds it, as one run's only line."""
    code, _, err = run_check(str(empty), "--shard", "0/2", "--output", str(tmp_path / "out"), capsys=capsys)
    assert code == 1, err
    assert json.loads((tmp_path / "out" / "shard-00000-of-00002.jsonl").read_bytes()) == {
        "error": NO_DOCUMENTS, "path": str(empty), "line": None}
    code, _, err = run_check(str(empty), "--shard", "1/2", "--output", str(tmp_path / "out"), capsys=capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "shard-00001-of-00002.jsonl").read_bytes() == b""


def test_a_shard_of_a_corpus_that_got_no_files_passes(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(CORPUS.glob("*.txt")), corpus / "one.txt")
    code, _, err = run_check(str(corpus), "--shard", "1/2", "--output", str(tmp_path / "out"), "--threshold", "0",
                             capsys=capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "shard-00001-of-00002.jsonl").read_bytes() == b""
