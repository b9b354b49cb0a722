"""The reports of a whole corpus gathered as the items stream past: JSON written from a spool is the
corpus report ``render_corpus`` writes, byte for byte; every format's exit code is the same."""

from __future__ import annotations

import errno
import gzip
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import __version__
from provenance.cli import main
from provenance.corpus import corpus_report
from provenance.outputs import output_for
from provenance.renderers.jsonout import render_corpus
from provenance.report import ReadError, Tool

from conftest import CORPUS, ROOT

TOOL = Tool(version=__version__, rules_digest="digest")


def items_from(seed_reports, picks):
    reports = list(seed_reports.values())
    return [reports[n] if n < len(reports) else ReadError(path=f"bad-{n}.jsonl", line=n or None, message="broken \"x\"")
            for n in picks]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 7), max_size=12))
def test_json_from_the_spool_is_the_corpus_report_byte_for_byte(seed_reports, tmp_path_factory, picks):
    items = items_from(seed_reports, picks)
    out = tmp_path_factory.mktemp("json") / "report.json"
    output = output_for("json", 60, TOOL)
    for item in items:
        output.add(item)
    output.write(out)
    expected = render_corpus(corpus_report(items, 60, "digest"))
    assert out.read_text(encoding="utf-8") == expected
    assert output.summary.exit_code == (0 if all(getattr(i, "passed", False) for i in items) else 1)


def test_json_is_compressed_where_its_name_says(seed_reports, tmp_path):
    items = items_from(seed_reports, [0, 5, 1])
    output = output_for("json", 60, TOOL)
    for item in items:
        output.add(item)
    output.write(tmp_path / "report.json.gz")
    assert gzip.decompress((tmp_path / "report.json.gz").read_bytes()).decode() == \
        render_corpus(corpus_report(items, 60, "digest"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provenance", *args], capture_output=True, text=True, cwd=ROOT)


def test_every_extra_output_is_the_main_output_of_its_format(tmp_path):
    formats = ("json", "jsonl", "console", "sarif", "github", "html")
    extras = [arg for fmt in formats for arg in ("--output-format", f"{fmt}:{tmp_path / ('extra.' + fmt)}")]
    done = run("check", str(CORPUS), "--format", "json", "--output", str(tmp_path / "main.json"), *extras)
    assert done.returncode == 1, done.stderr
    for fmt in formats:
        alone = run("check", str(CORPUS), "--format", fmt, "--output", str(tmp_path / f"main.{fmt}"))
        assert alone.returncode == 1
        assert (tmp_path / f"extra.{fmt}").read_bytes() == (tmp_path / f"main.{fmt}").read_bytes(), fmt
    report = json.loads((tmp_path / "main.json").read_text(encoding="utf-8"))
    assert report["summary"]["documents"] == 5 and len(report["documents"]) == 5


class _FullDisk:
    """A temporary file on a disk that fills up after ``room`` writes."""

    def __init__(self, room: int):
        self.room = room

    def write(self, text: str) -> int:
        self.room -= 1
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return len(text)

    def close(self) -> None:
        pass


@pytest.mark.parametrize("room", [None, 0, 2])
def test_a_spool_that_cannot_be_written_is_one_output_error(monkeypatch, capsys, tmp_path, room):
    def temporary_file(*args, **kwargs):
        if room is None:
            raise OSError(errno.ENOENT, "No such file or directory")
        return _FullDisk(room)

    monkeypatch.setattr("provenance.outputs.tempfile.TemporaryFile", temporary_file)
    code = main(["check", str(CORPUS), "--format", "json", "--output", str(tmp_path / "r.json"), "--no-cache"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and not (tmp_path / "r.json").exists()
    assert err[0].startswith("provenance: output error: ") and "cannot write a temporary file of the report" in err[0]
