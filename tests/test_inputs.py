"""Broken input, one kind at a time: what is read (and how it is noted), what is an error, and why."""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from provenance import sources
from provenance.config import Settings
from provenance.document import Document
from provenance.pipeline import check_document
from provenance.report import ReadError
from provenance.ruletest import UNTESTABLE, run_examples
from provenance.sources import Reading, read_documents

TWIN = "Hello world.\nA second line, with “quotes” and café.\n"
AS_ROOT = os.geteuid() == 0


def read(tmp_path: Path, name: str, data: bytes, max_bytes: int = sources.DEFAULT_MAX_BYTES) -> list:
    (tmp_path / name).write_bytes(data)
    return list(read_documents([tmp_path / name], Reading(max_bytes)))


def only_error(items: list) -> ReadError:
    assert len(items) == 1 and isinstance(items[0], ReadError), items
    return items[0]


def only_document(items: list) -> Document:
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


# Encodings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    TWIN.encode("utf-8"),
    b"\xef\xbb\xbf" + TWIN.encode("utf-8"),
    TWIN.encode("utf-16"),
    b"\xff\xfe" + TWIN.encode("utf-16-le"),
    b"\xfe\xff" + TWIN.encode("utf-16-be"),
    b"\xff\xfe\x00\x00" + TWIN.encode("utf-32-le"),
    TWIN.replace("\n", "\r\n").encode("utf-16"),
], ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf16-crlf"])
def test_every_unicode_encoding_gives_the_utf8_text_and_hash(tmp_path, data):
    doc = only_document(read(tmp_path, "a.txt", data))
    assert doc.text == TWIN
    assert doc.sha256 == hashlib.sha256(TWIN.encode()).hexdigest()
    assert doc.notes == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [TWIN, "Привет, мир. Новости дня.\n", "東京 の ニュース 2024 年\n"])
def test_utf16_without_bom_is_recognised_and_noted(tmp_path, codec, text):
    doc = only_document(read(tmp_path, "a.txt", text.encode(codec)))
    assert doc.text == text
    assert len(doc.notes) == 1 and codec.upper() in doc.notes[0]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    b"text then a NUL\x00 and more text",
    bytes(range(256)) * 4,
    b"\x00" * 64,
], ids=["png", "stray-nul", "all-bytes", "zeros"])
def test_bytes_with_nul_that_are_not_utf16_are_binary(tmp_path, data):
    assert only_error(read(tmp_path, "a.txt", data)).message == "binary file (contains NUL bytes)"


def test_a_broken_utf16_file_says_its_bom_lied(tmp_path):
    err = only_error(read(tmp_path, "a.txt", b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8"))
    assert "byte-order mark" in err.message and "UTF-16" in err.message


@pytest.mark.parametrize("text", ["\x000", "\x00ab"])
def test_utf16_le_starting_with_a_nul_character_is_not_taken_for_utf32(tmp_path, text):
    """Its mark and first character are the bytes of UTF-32-LE's mark (found by hypothesis)."""
    doc = only_document(read(tmp_path, "a.txt", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")))
    assert doc.text == text


def test_a_broken_utf32_file_says_its_bom_lied(tmp_path):
    err = only_error(read(tmp_path, "a.txt", b"\x00\x00\xfe\xff" + "ok".encode("utf-32-be") + b"\x00\x11\x00\x00"))
    assert "byte-order mark" in err.message and "UTF-32" in err.message


def test_undecodable_bytes_fall_back_to_cp1252_with_a_note(tmp_path, rules):
    doc = only_document(read(tmp_path, "a.txt", "Caf\u00e9 “quoted” \x81.\n".encode("cp1252", errors="ignore") + b"\x81\n"))
    assert doc.text.startswith("Café “quoted”")
    assert "\ufffd" in doc.text  # 0x81 means nothing in cp1252
    assert len(doc.notes) == 1 and "cp1252" in doc.notes[0] and "offset 3" in doc.notes[0]
    rd001 = [f for f in check_document(doc, rules, Settings()).findings if f.rule == "RD001"]
    assert len(rd001) == 1 and "cp1252" in rd001[0].message and rd001[0].line is None


def test_rd001_and_rd002_fire_only_from_reading_and_running(rules):
    plain = check_document(Document(id="d", path="d", text="Plain UTF-8 text.\n"), rules, Settings())
    assert not [f for f in plain.findings if f.rule in ("RD001", "RD002")]
    noted = Document(id="d", path="d", text="Plain text.\n", notes=["a note", "another"])
    assert [f.rule for f in check_document(noted, rules, Settings()).findings].count("RD001") == 2


def test_not_text_testable_rules_are_left_out_of_example_runs_and_others_are_not(rules):
    tagged = {r.id for r in rules.all_rules() if UNTESTABLE in getattr(r, "tags", ())}
    assert {"RD001", "RD002"} <= tagged and "RD003" not in tagged
    tested = {r.rule for r in run_examples(rules)}
    assert not tagged & tested
    assert "RD003" in tested


# Empty, blank and long -------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   ", b"\n\n\n", b" \t\r\n\r\n \xe2\x80\x83\n", b"\xef\xbb\xbf"],
                         ids=["empty", "spaces", "newlines", "mixed-blank", "bom-only"])
def test_empty_and_blank_files_are_documents_that_fail_with_rd003(tmp_path, rules, data):
    doc = only_document(read(tmp_path, "a.txt", data))
    report = check_document(doc, rules, Settings())
    assert [f.rule for f in report.findings if f.rule.startswith("RD")] == ["RD003"]
    assert report.passed is False
    assert 0 <= report.scores.overall <= 100


def test_a_very_long_line_is_read_whole(tmp_path):
    line = "word " * 200_000
    doc = only_document(read(tmp_path, "a.txt", (line + "\nend\n").encode()))
    assert len(doc.lines) == 2 and doc.lines[0].text == line


# The size cap ----------------------------------------------------------------------------------

def test_a_file_over_max_bytes_is_skipped_with_an_error_naming_the_cap(tmp_path):
    err = only_error(read(tmp_path, "a.txt", b"x" * 101, max_bytes=100))
    assert err.path == str(tmp_path / "a.txt")
    assert "max_bytes" in err.message and "100" in err.message and "101" in err.message
    assert only_document(read(tmp_path, "b.txt", b"x" * 100, max_bytes=100)).text == "x" * 100


def test_a_jsonl_record_over_max_bytes_is_skipped_and_the_next_is_read(tmp_path):
    big = json.dumps({"text": "y" * 500}).encode()
    items = read(tmp_path, "a.jsonl", big + b"\n" + json.dumps({"text": "small"}).encode() + b"\n", max_bytes=100)
    assert isinstance(items[0], ReadError) and items[0].line == 1 and "max_bytes" in items[0].message
    assert items[1].text == "small" and items[1].id == "a.jsonl#2"


def test_max_bytes_comes_from_settings(tmp_path):
    (tmp_path / "provenance.toml").write_text("max_bytes = 10\n", encoding="utf-8")
    from provenance.config import load_settings
    assert load_settings(tmp_path).max_bytes == 10


# JSON Lines ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "reason"), [
    (b'{"text": "unterminated', "malformed JSON"),
    (b'["text"]', "must be a JSON object"),
    (b'{"title": "no text"}', "no `text`"),
    (b'{"text": 42}', "must be a string, not int"),
    (b'{"text": null}', "must be a string, not NoneType"),
    (b'{"text": "caf\xe9"}', "not valid UTF-8"),
    (b'{"text": "fine", "outlet": ["RT"]}', "record `outlet` must be a string, not list"),
    (b'{"text": "fine", "published": true}', "record `published` must be a string, not bool"),
])
def test_a_bad_jsonl_line_is_an_error_with_its_number_and_the_rest_is_read(tmp_path, line, reason):
    good = json.dumps({"text": "fine"}).encode()
    items = read(tmp_path, "a.jsonl", b"\n".join([good, line, b"", good]) + b"\n")
    assert [type(i).__name__ for i in items] == ["Document", "ReadError", "Document"]
    assert items[1].line == 2 and reason in items[1].message
    assert [items[0].id, items[2].id] == ["a.jsonl#1", "a.jsonl#4"]


def test_lone_surrogates_escaped_in_json_become_replacement_characters(tmp_path, rules):
    record = '{"id": "x\\ud800", "text": "He said \\udc00 that \\ud83d\\ude00.", "title": "\\udfff"}'
    doc = only_document(read(tmp_path, "a.jsonl", record.encode()))
    assert doc.text == "He said \ufffd that 😀." and doc.id == "x\ufffd" and doc.meta["title"] == "\ufffd"
    assert doc.notes and "surrogate" in doc.notes[0]
    report = check_document(doc, rules, Settings())
    assert "RD001" in {f.rule for f in report.findings}
    report.model_dump_json()  # serialisable: no surrogate left


def test_a_gzip_cut_short_keeps_the_records_before_the_cut(tmp_path):
    noise = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(200))
    whole = gzip.compress(b'{"text": "first"}\n{"text": "second"}\n' + json.dumps({"text": noise}).encode() + b"\n")
    items = read(tmp_path, "a.jsonl.gz", whole[: len(whole) // 2])
    assert [i.text for i in items[:2]] == ["first", "second"]
    assert isinstance(items[2], ReadError) and items[2].line == 3 and "cut short" in items[2].message
    assert len(items) == 3


def test_numbers_in_metadata_fields_are_read_as_text(tmp_path):
    doc = only_document(read(tmp_path, "a.jsonl", b'{"text": "fine", "id": 7, "published": 2022}\n'))
    assert doc.id == "7" and doc.meta == {"published": "2022"}


def test_a_file_named_gz_that_is_not_gzip(tmp_path):
    err = only_error(read(tmp_path, "a.jsonl.gz", b'{"text": "plain"}\n'))
    assert "gzip" in err.message and err.line == 1


# Sidecars --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sidecar", "reason"), [
    (b'{"url": ', "not valid JSON"),
    (b'["https://example.org"]', "must hold a JSON object"),
    (b'{"url": "caf\xe9"}', "not valid UTF-8"),
    (b'{"url": "https://www.rt.com/a", "outlet": {"name": "RT"}}', "sidecar `outlet` must be a string, not dict"),
    (b'{"author": ["Jane Doe", null]}', "sidecar `author` must be a string or a list of strings, not list"),
])
def test_a_broken_sidecar_is_an_error_and_the_document_is_still_read(tmp_path, sidecar, reason):
    (tmp_path / "a.meta.json").write_bytes(sidecar)
    items = read(tmp_path, "a.txt", b"Body.\n")
    err, doc = items
    assert isinstance(err, ReadError) and err.path == str(tmp_path / "a.meta.json") and reason in err.message
    assert isinstance(doc, Document) and doc.text == "Body.\n" and doc.meta == {}


# Links, permissions and odd files ----------------------------------------------------------------

def test_a_symlink_loop_between_folders_is_reported_once_and_the_walk_goes_on(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "doc.txt").write_text("Text.\n", encoding="utf-8")
    os.symlink("..", tmp_path / "a" / "up")
    items = list(read_documents([tmp_path]))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [e.path for e in errors] == [str(tmp_path / "a" / "up")] and "symlink loop" in errors[0].message
    assert [i.id for i in items if isinstance(i, Document)] == ["a/doc.txt"]


def test_a_symlink_to_itself_and_a_dangling_one(tmp_path):
    os.symlink("self.txt", tmp_path / "self.txt")
    os.symlink("nowhere.txt", tmp_path / "dangling.txt")
    errors = list(read_documents([tmp_path]))
    assert {e.path: e.message for e in errors} == {
        str(tmp_path / "dangling.txt"): "cannot read: No such file or directory",
        str(tmp_path / "self.txt"): "cannot read: Too many levels of symbolic links",
    }


def test_a_fifo_is_skipped_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    errors = list(read_documents([tmp_path]))
    assert [e.message for e in errors] == ["not a regular file; skipped"] * 2


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode; see the simulated test below")
def test_an_unreadable_file_and_folder(tmp_path):
    (tmp_path / "locked.txt").write_text("x", encoding="utf-8")
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "inside.txt").write_text("x", encoding="utf-8")
    os.chmod(tmp_path / "locked.txt", 0)
    os.chmod(tmp_path / "shut", 0)
    try:
        errors = {e.path: e.message for e in read_documents([tmp_path])}
    finally:
        os.chmod(tmp_path / "shut", 0o755)
    assert errors == {str(tmp_path / "shut"): "cannot read folder: Permission denied",
                      str(tmp_path / "locked.txt"): "cannot read: Permission denied"}


def test_an_unreadable_file_and_folder_simulated(tmp_path, monkeypatch):
    """What a user who is not root meets, simulated where the operating system refuses."""
    (tmp_path / "locked.txt").write_text("x", encoding="utf-8")
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "inside.txt").write_text("x", encoding="utf-8")
    (tmp_path / "open.txt").write_text("Readable.\n", encoding="utf-8")

    def refuse(name, real):
        def guarded(path, *args, **kwargs):
            if Path(path).name == name:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return guarded

    monkeypatch.setattr(sources, "open", refuse("locked.txt", open), raising=False)
    monkeypatch.setattr(os, "scandir", refuse("shut", os.scandir))
    items = list(read_documents([tmp_path]))
    assert {i.path: i.message for i in items if isinstance(i, ReadError)} == {
        str(tmp_path / "shut"): "cannot read folder: Permission denied",
        str(tmp_path / "locked.txt"): "cannot read: Permission denied",
    }
    assert [i.id for i in items if isinstance(i, Document)] == ["open.txt"]


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path, rules):
    os.mkdir(os.fsencode(tmp_path) + b"/dir")
    with open(os.fsencode(tmp_path) + b"/dir/caf\xe9.txt", "wb") as handle:
        handle.write(b"Text.\n")
    doc = only_document(list(read_documents([tmp_path / "dir"])))
    assert doc.id == "caf\\xe9.txt" and doc.path.endswith("caf\\xe9.txt")
    check_document(doc, rules, Settings()).model_dump_json()


def test_paths_that_do_not_exist_or_are_not_documents(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b", encoding="utf-8")
    errors = list(read_documents([tmp_path / "missing", tmp_path / "notes.csv"]))
    assert [e.message for e in errors] == ["no such file or folder", "not a document file (.txt, .md, .jsonl, .ndjson; JSON Lines also as .gz, .zst, .json.gz, .json.zst)"]


def test_no_limit_at_all_is_a_limit_too(tmp_path):
    """Views that must find a document whatever its size pass ``sys.maxsize``."""
    (tmp_path / "a.txt").write_bytes(b"Text.\n")
    (tmp_path / "b.jsonl").write_bytes(b'{"text": "Record."}\n')
    assert [d.text for d in read_documents([tmp_path], Reading(sys.maxsize))] == ["Text.\n", "Record."]
