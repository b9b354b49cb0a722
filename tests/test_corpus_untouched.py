"""One run over a corpus holding every kind of broken input: every good document reported, every bad
one named with its reason, and the corpus byte for byte (and mode for mode) as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest

import mixed_corpus
from provenance import sources
from provenance.cli import COMMANDS, main


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    root = mixed_corpus.build(tmp_path / "corpus")
    _refuse_locked_file_as_root(monkeypatch)
    return root


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "settings" / "provenance.toml"
    path.parent.mkdir()
    path.write_text(f"max_bytes = {mixed_corpus.MAX_BYTES}\n", encoding="utf-8")
    return path


def _refuse_locked_file_as_root(monkeypatch) -> None:
    """Root reads a file whatever its mode; make the chmod-000 file refuse as it does for anyone else."""
    if os.geteuid() != 0:
        return

    def guarded_open(file, *args, **kwargs):
        if Path(file).name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(sources, "open", guarded_open, raising=False)


def _expected_errors(root: Path) -> dict[tuple[str, object], str]:
    out = {}
    for key, (word, line) in mixed_corpus.BAD.items():
        name = key.split(":")[0]
        out[(str(root / name), line)] = word
    return out


def _check_errors(errors: list[dict], root: Path) -> None:
    expected = _expected_errors(root)
    assert len(errors) == len(expected), errors
    for err in errors:
        message = err.get("message") or err.get("error")
        matching = [(path, line) for (path, line) in expected if (path, line) == (err["path"], err["line"])]
        assert len(matching) == 1, err
        assert expected.pop(matching[0]) in message, err
    assert not expected


def _check_documents(documents: list[dict]) -> None:
    by_id = {d["id"]: d for d in documents}
    assert set(by_id) == set(mixed_corpus.GOOD)
    for doc_id, text in mixed_corpus.GOOD.items():
        if text is not None:
            assert by_id[doc_id]["sha256"] == hashlib.sha256(text.encode()).hexdigest(), doc_id
    assert any(f["rule"] == "RD001" for f in by_id["cp1252.txt"]["findings"])
    assert any(f["rule"] == "RD001" for f in by_id["utf16le-no-bom.txt"]["findings"])
    assert not any(f["rule"] == "RD001" for f in by_id["utf16-bom.txt"]["findings"])
    for doc_id in ("empty.txt", "blank.md"):
        assert [f["rule"] for f in by_id[doc_id]["findings"] if f["rule"].startswith("RD")] == ["RD003"]
        assert by_id[doc_id]["passed"] is False


def test_mixed_corpus_json_report(corpus, config, tmp_path, schema):
    before = mixed_corpus.fingerprint(corpus)
    output = tmp_path / "out" / "report.json"
    code = main(["check", str(corpus), "--config", str(config), "--format", "json", "--output", str(output)])
    assert code == 1
    report = json.loads(output.read_text(encoding="utf-8"))
    schema("corpus-report.schema.json").validate(report)
    _check_documents(report["documents"])
    _check_errors(report["errors"], corpus)
    assert report["summary"]["errors"] == len(mixed_corpus.BAD)
    assert mixed_corpus.fingerprint(corpus) == before


def test_mixed_corpus_jsonl_stream(corpus, config, capsys, schema):
    before = mixed_corpus.fingerprint(corpus)
    assert main(["check", str(corpus), "--config", str(config), "--format", "jsonl"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    validator = schema("report-line.schema.json")
    for line in lines:
        validator.validate(line)
    _check_documents([line for line in lines if "error" not in line])
    _check_errors([line for line in lines if "error" in line], corpus)
    assert mixed_corpus.fingerprint(corpus) == before


def test_mixed_corpus_console_names_every_problem(corpus, config, tmp_path):
    before = mixed_corpus.fingerprint(corpus)
    output = tmp_path / "report.txt"
    assert main(["check", str(corpus), "--config", str(config), "--output", str(output)]) == 1
    text = output.read_text(encoding="utf-8")
    for key in mixed_corpus.BAD:
        assert f"{corpus / key.split(':')[0]}" in text
    assert "Traceback" not in text
    assert mixed_corpus.fingerprint(corpus) == before


@pytest.mark.skipif("clean" not in {c.__name__.rsplit(".", 1)[-1] for c in COMMANDS}, reason="no clean command yet")
def test_clean_leaves_the_corpus_alone(corpus, config, tmp_path):
    before = mixed_corpus.fingerprint(corpus)
    main(["clean", str(corpus), "--config", str(config), "--output", str(tmp_path / "cleaned")])
    assert mixed_corpus.fingerprint(corpus) == before
