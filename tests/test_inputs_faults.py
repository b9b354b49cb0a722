"""Faults around a run: reports written atomically (never half a file, never a lost old one), output
that cannot be written, and an internal error that reaches the user as one line, not a traceback."""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from pathlib import Path

import pytest

from provenance import atomic, pipeline, runner
from provenance.atomic import OutputError, atomic_writer, write_atomic
from provenance.cli import main


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for n in range(3):
        (root / f"{n}.txt").write_text(f"Document number {n}.\n", encoding="utf-8")
    return root


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "report.json"
    write_atomic(target, "first\n")
    write_atomic(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n" and leftovers(target.parent) == []


def test_a_failure_while_writing_keeps_the_old_report(tmp_path):
    target = tmp_path / "report.jsonl"
    target.write_text("old report\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half a new ")
        raise RuntimeError("the run broke")
    assert target.read_text(encoding="utf-8") == "old report\n" and leftovers(tmp_path) == []


def test_a_new_report_gets_the_usual_mode_and_a_replaced_one_keeps_its_own(tmp_path):
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.json", "{}")
        (tmp_path / "shared.json").write_text("{}", encoding="utf-8")
        os.chmod(tmp_path / "shared.json", 0o640)
        write_atomic(tmp_path / "shared.json", "{}")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "shared.json").stat().st_mode & 0o777 == 0o640


def test_a_folder_in_the_way_is_an_output_error(tmp_path):
    (tmp_path / "report.json").mkdir()
    with pytest.raises(OutputError, match="report.json: cannot write: "):
        write_atomic(tmp_path / "report.json", "{}")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_or_device_is_written_in_place_not_replaced(tmp_path):
    """``--output /dev/null`` must leave the device a device: a rename would put a file in its place."""
    pipe = tmp_path / "reports.fifo"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(pipe, "{}\n")
        assert os.read(reader, 100) == b"{}\n"
    finally:
        os.close(reader)
    assert not pipe.is_file() and pipe.exists() and leftovers(tmp_path) == []
    write_atomic(Path(os.devnull), "{}\n")
    assert Path(os.devnull).is_char_device()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "console"])
def test_every_format_named_by_output_is_renamed_into_place(corpus, tmp_path, monkeypatch, fmt):
    renamed = []
    real_replace = os.replace
    monkeypatch.setattr(atomic.os, "replace", lambda src, dst: (renamed.append((Path(src), Path(dst))), real_replace(src, dst)))
    output = tmp_path / f"report.{fmt}"
    assert main(["check", str(corpus), "--format", fmt, "--output", str(output)]) in (0, 1)
    assert [dst for _, dst in renamed] == [output]
    assert renamed[0][0].parent == output.parent and renamed[0][0].name.endswith(".tmp")
    assert "0.txt" in output.read_text(encoding="utf-8")


def test_a_run_that_breaks_halfway_leaves_the_previous_jsonl_report(corpus, tmp_path, monkeypatch, capsys):
    output = tmp_path / "report.jsonl"
    assert main(["check", str(corpus), "--format", "jsonl", "--output", str(output)]) in (0, 1)
    before = output.read_bytes()
    calls = []
    real_check = pipeline.check_documents

    def break_on_second(docs, rules, settings, *templates):
        calls.append([doc.id for doc in docs])
        if len(calls) == 2:
            raise RuntimeError("analyzer exploded")
        return real_check(docs, rules, settings, *templates)

    monkeypatch.setattr(runner, "CHUNK_DOCS", 1)  # the first document's line is written before the break
    monkeypatch.setattr(pipeline, "check_documents", break_on_second)
    assert main(["check", str(corpus), "--format", "jsonl", "--output", str(output)]) == 3
    assert output.read_bytes() == before and leftovers(tmp_path) == []
    assert "analyzer exploded" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif"])
def test_an_output_named_gz_is_gzipped_the_same_bytes_on_every_run(corpus, tmp_path, fmt):
    plain, packed = tmp_path / f"report.{fmt}", tmp_path / f"report.{fmt}.gz"
    assert main(["check", str(corpus), "--format", fmt, "--output", str(plain)]) in (0, 1)
    assert main(["check", str(corpus), "--format", fmt, "--output", str(packed)]) in (0, 1)
    first = packed.read_bytes()
    assert gzip.decompress(first) == plain.read_bytes()
    # a later run, through another temporary file: neither the time nor a name is in the gzip header
    assert main(["check", str(corpus), "--format", fmt, "--output", str(packed)]) in (0, 1)
    assert packed.read_bytes() == first and leftovers(tmp_path) == []


def test_a_gz_run_that_breaks_halfway_leaves_the_previous_file(corpus, tmp_path, monkeypatch, capsys):
    output = tmp_path / "report.jsonl.GZ"
    assert main(["check", str(corpus), "--format", "jsonl", "--output", str(output)]) in (0, 1)
    before = output.read_bytes()
    assert gzip.decompress(before).count(b"\n") == 3
    monkeypatch.setattr(pipeline, "check_documents", lambda *args: (_ for _ in ()).throw(RuntimeError("boom")))
    assert main(["check", str(corpus), "--format", "jsonl", "--output", str(output)]) == 3
    assert output.read_bytes() == before and leftovers(tmp_path) == []
    assert "boom" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_gz_named_pipe_gets_a_whole_gzip_stream(tmp_path):
    pipe = tmp_path / "reports.jsonl.gz"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_atomic(pipe, "{}\n")
    reader.join(timeout=10)
    assert gzip.decompress(received[0]) == b"{}\n" and pipe.exists()


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(corpus, tmp_path, capsys):
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    code = main(["check", str(corpus), "--format", "json", "--output", str(tmp_path / "taken" / "report.json")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"provenance: output error: {tmp_path / 'taken' / 'report.json'}: cannot write: ")


def test_an_internal_error_is_one_line_naming_the_full_report(corpus, monkeypatch, capsys):
    def explode(docs, rules, settings, *templates):
        raise KeyError("an analyzer bug")

    monkeypatch.setattr(pipeline, "check_documents", explode)
    assert main(["check", str(corpus), "--format", "json"]) == 3
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    match = re.fullmatch(r"provenance: internal error: KeyError\('an analyzer bug'\); full report in (\S+)\n", captured.err)
    assert match, captured.err
    crash = Path(match.group(1))
    try:
        text = crash.read_text(encoding="utf-8")
        assert text.startswith("Traceback") and "an analyzer bug" in text and "explode" in text
    finally:
        crash.unlink()


def test_the_json_report_is_whole_json_even_with_an_unreadable_document(corpus, tmp_path):
    (corpus / "bad.txt").write_bytes(b"\x00\x01binary")
    output = tmp_path / "report.json"
    assert main(["check", str(corpus), "--format", "json", "--output", str(output)]) == 1
    report = json.loads(output.read_text(encoding="utf-8"))
    assert [e["path"] for e in report["errors"]] == [str(corpus / "bad.txt")]
    assert len(report["documents"]) == 3


@pytest.mark.parametrize("target", ["0.txt", "new.jsonl", "sub/notes.md", "0.meta.json"])
def test_a_report_is_never_written_into_the_corpus(corpus, capsys, target):
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    for option in (["--output", str(corpus / target)], ["--output-format", f"json:{corpus / target}"]):
        assert main(["check", str(corpus), "--format", "jsonl", *option]) == 2
        assert "would be written into the corpus being checked" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before


@pytest.mark.parametrize("target", ["q.jsonl", "sub/q.txt"])
def test_a_quote_index_is_never_written_into_the_corpus(corpus, capsys, target):
    """``quotes --output DIR/q.jsonl`` wrote into the corpus, which the next check read as a broken document."""
    before = sorted(corpus.rglob("*"))
    assert main(["quotes", str(corpus), "--format", "json", "--output", str(corpus / target)]) == 2
    assert capsys.readouterr().err == (f"provenance: {corpus / target}: would be written into the corpus being "
                                       f"indexed ({corpus}); name a file outside it\n")
    assert sorted(corpus.rglob("*")) == before


@pytest.mark.parametrize("gzip_option", [[], ["--gzip"]])
def test_a_shard_is_never_written_into_the_corpus(corpus, capsys, gzip_option):
    """A shard's ``--output`` is a folder: inside the corpus, its reports file was read as a document next time."""
    before = sorted(corpus.rglob("*"))
    assert main(["check", str(corpus), "--shard", "0/1", "--output", str(corpus / "shards"), *gzip_option]) == 2
    reports = corpus / "shards" / ("shard-00000-of-00001.jsonl" + (".gz" if gzip_option else ""))
    assert capsys.readouterr().err.startswith(f"provenance: {reports}: would be written into the corpus being checked")
    assert sorted(corpus.rglob("*")) == before


def test_a_report_beside_the_documents_that_is_not_one_is_allowed(corpus):
    assert main(["check", str(corpus), "--format", "json", "--output", str(corpus / "report.json")]) in (0, 1)
    assert json.loads((corpus / "report.json").read_text(encoding="utf-8"))["documents"]
