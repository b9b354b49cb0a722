"""Reading documents: formats, sidecars, newline and BOM normalisation, stable order."""

from __future__ import annotations

import codecs
import gzip
import json

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from provenance import accelerator
from provenance.report import ReadError
from provenance.sources import (_parsed, python_utf8_encodable, read_documents, read_documents_naming_empty_paths,
                                warning_of_shared_ids, without_surrogates)


def test_crlf_and_bom_give_the_same_text_and_hash(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"One\nTwo\n")
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfOne\r\nTwo\r\n")
    (tmp_path / "c.txt").write_bytes(b"One\rTwo\r")
    a, b, c = read_documents([tmp_path])
    assert a.text == b.text == c.text == "One\nTwo\n"
    assert a.sha256 == b.sha256 == c.sha256


def test_sidecar_metadata_and_not_a_document(tmp_path):
    (tmp_path / "doc.txt").write_text("Text", encoding="utf-8")
    (tmp_path / "doc.meta.json").write_text(json.dumps({"url": "https://www.rt.com/news/1"}), encoding="utf-8")
    docs = list(read_documents([tmp_path]))
    assert len(docs) == 1 and docs[0].meta == {"url": "https://www.rt.com/news/1"}


def test_jsonl_records_ids_and_errors(tmp_path):
    lines = [json.dumps({"id": "r1", "text": "A"}), "{broken", json.dumps({"title": "no text"}), json.dumps({"text": "B"})]
    (tmp_path / "set.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "z.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "C"}) + "\n")
    items = list(read_documents([tmp_path]))
    assert [getattr(i, "id", None) for i in items] == ["r1", None, None, "set.jsonl#4", "z.jsonl.gz#1"]
    assert [i.line for i in items if isinstance(i, ReadError)] == [2, 3]


def test_order_is_stable_and_recursive(tmp_path):
    for name in ["b/2.txt", "a.txt", "b/1.md", "c.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [d.id for d in read_documents([tmp_path])] == ["a.txt", "b/1.md", "b/2.txt", "c.txt"]


@given(st.text(st.sampled_from("a é\ud800\udfff\U0001f600\n"), max_size=12))
def test_every_lone_surrogate_and_nothing_else_is_replaced(text):
    expected = regex.sub(r"\p{Cs}", "\ufffd", text)
    assert without_surrogates(text) == (expected, len(regex.findall(r"\p{Cs}", text)))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@given(st.text(st.sampled_from("a é\u2019\ud7ff\ud800\udbff\udc00\udfff\ue000\U0001f600\n"), max_size=12))
def test_the_accelerator_finds_a_text_utf8_encodable_where_encoding_does(text):
    assert accelerator.fastpage.utf8_encodable(text) is python_utf8_encodable(text)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@pytest.mark.parametrize("wide", ["\u2019", "\U0001f600"])
def test_the_accelerator_finds_a_surrogate_anywhere_in_a_long_text(wide):
    """The code points are read in blocks of 64 and a tail: a surrogate in any block or the tail, or none."""
    for length in (63, 64, 65, 130, 200):
        base = ("é" * length)[:-1] + wide
        assert accelerator.fastpage.utf8_encodable(base)
        for at in range(length):
            for surrogate in "\ud800\udfff":
                text = base[:at] + surrogate + base[at + 1:]
                assert accelerator.fastpage.utf8_encodable(text) is python_utf8_encodable(text) is False
        assert accelerator.fastpage.utf8_encodable(base.replace(wide, "\ud7ff\ue000"))


def test_a_text_is_found_utf8_encodable_by_encoding_without_the_accelerator(monkeypatch):
    monkeypatch.setattr(accelerator, "fastpage", None)
    assert without_surrogates("a\ud800b") == ("a\ufffdb", 1) and without_surrogates("a\u2019b") == ("a\u2019b", 0)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@given(_JSON_VALUES, st.booleans(), st.booleans())
def test_a_jsonl_line_parses_as_json_loads_parses_it(value, ascii_only, bom):
    """Pydantic's parser reads most lines and ``json.loads`` the rest (a byte-order mark, lone
    surrogates): either way the value is ``json.loads``' own."""
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    raw = codecs.BOM_UTF8 + raw if bom else raw
    try:
        expected = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:  # a lone surrogate written raw is not UTF-8: the reader reports it
        with pytest.raises(UnicodeDecodeError):
            _parsed(raw)
        return
    assert repr(_parsed(raw)) == repr(expected)


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"text": "a"} x', "malformed JSON: Extra data (column 15)"),
    (b'{"text": "\xff"}', "not valid UTF-8 (byte 10 of the line)"),
    (b'{"text": ', "malformed JSON: Expecting value (column 1)"),  # the newline ends the line: column 1 of the next
])
def test_a_malformed_line_is_reported_as_json_loads_reports_it(tmp_path, raw, message):
    (tmp_path / "bad.jsonl").write_bytes(b'{"text": "fine", "id": "a\\ud800"}\n' + raw + b"\n")
    good, bad = read_documents([tmp_path])
    assert good.id == "a\ufffd" and isinstance(bad, ReadError) and bad.line == 2 and bad.message == message


def test_a_record_nested_too_deep_is_an_error_and_the_next_is_read(tmp_path):
    """``json.loads`` raises ``RecursionError``, not a ``JSONDecodeError``, past its depth: once a
    crash of the whole run."""
    deep = b"[" * 100_000 + b"]" * 100_000
    (tmp_path / "deep.jsonl").write_bytes(deep + b'\n{"text": "fine"}\n')
    (tmp_path / "doc.txt").write_text("Text", encoding="utf-8")
    (tmp_path / "doc.meta.json").write_bytes(b'{"url": ' + deep + b"}")
    items = list(read_documents([tmp_path]))
    errors = [(i.path.rsplit("/", 1)[-1], i.line, i.message) for i in items if isinstance(i, ReadError)]
    assert errors == [
        ("deep.jsonl", 1, "malformed JSON: nested deeper than Python's parser can read"),
        ("doc.meta.json", None, "sidecar is not valid JSON (nested deeper than Python's parser can read); metadata ignored"),
    ]
    assert [d.text for d in items if not isinstance(d, ReadError)] == ["fine", "Text"]


def _two_folders(tmp_path):
    """a/x.txt, b/x.txt (one name, two texts) and b/sub/r.jsonl, in the folder ``tmp_path/c``."""
    for name, text in (("a/x.txt", "First page."), ("b/x.txt", "Second page."), ("b/sub/r.jsonl", '{"text": "A record."}\n')):
        (tmp_path / "c" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "c" / name).write_text(text, encoding="utf-8")
    return tmp_path / "c"


def _ids(paths):
    return [(d.id, d.path) for d in read_documents(paths)]


def test_one_folder_or_one_file_keeps_its_ids(tmp_path):
    c = _two_folders(tmp_path)
    assert [i for i, _ in _ids([c / "b"])] == ["sub/r.jsonl#1", "x.txt"]
    assert [i for i, _ in _ids([c / "b" / "x.txt"])] == ["x.txt"]


@pytest.mark.parametrize("given", [["a", "b"], ["a/x.txt", "b/x.txt"], ["a", "b/x.txt", "b/sub"], ["b", "a"]])
def test_several_paths_give_ids_relative_to_the_folder_they_share(tmp_path, given):
    c = _two_folders(tmp_path)
    whole = dict((p, i) for i, p in _ids([c]))
    found = _ids([c / g for g in given])
    assert len({i for i, _ in found}) == len(found) >= 2
    assert all(whole[p] == i for i, p in found), "the ids a run over the shared folder gives"


def test_staged_files_of_two_subfolders_get_the_ids_of_the_corpus_run(tmp_path):
    c = _two_folders(tmp_path)
    assert [i for i, _ in _ids([c / "a/x.txt", c / "b/sub/r.jsonl"])] == ["a/x.txt", "b/sub/r.jsonl#1"]


@pytest.mark.parametrize("given", [["a", "a/x.txt"], ["a/x.txt", "a"], ["a", "a"], ["a/x.txt", "a/../a/x.txt"]])
def test_a_file_named_twice_is_read_once_and_no_path_is_called_empty(tmp_path, given):
    c = _two_folders(tmp_path)
    items = list(read_documents_naming_empty_paths([c / g for g in given]))
    assert [(type(i).__name__, i.id) for i in items] == [("Document", "x.txt")]


def test_records_sharing_an_id_are_all_read_and_each_later_one_named_beside_the_first(tmp_path, capsys):
    c = _two_folders(tmp_path)
    (c / "a" / "r.jsonl").write_text('{"id": "r1", "text": "One."}\n{"id": "r1", "text": "Two."}\n', encoding="utf-8")
    (c / "b" / "sub" / "r.jsonl").write_text('\n{"id": "r1", "text": "Three."}\n{"id": "a/x.txt", "text": "Four."}\n',
                                             encoding="utf-8")
    docs = list(warning_of_shared_ids(read_documents([c / "a", c / "b"])))
    assert [d.id for d in docs] == ["r1", "r1", "a/x.txt", "r1", "a/x.txt", "b/x.txt"]
    a, b = c / "a", c / "b" / "sub"
    assert capsys.readouterr().err.splitlines() == [
        f"provenance: warning: {a / 'r.jsonl'}:2: id 'r1' is also the id of {a / 'r.jsonl'}:1 "
        "(both are checked; give each record an id of its own)",
        f"provenance: warning: {b / 'r.jsonl'}:2: id 'r1' is also the id of {a / 'r.jsonl'}:1 "
        "(both are checked; give each record an id of its own)",
        f"provenance: warning: {b / 'r.jsonl'}:3: id 'a/x.txt' is also the id of {a / 'x.txt'} "
        "(both are checked; give each record an id of its own)"]


def test_past_ten_shared_ids_the_rest_are_counted(tmp_path, capsys):
    (tmp_path / "r.jsonl").write_text('{"id": "same", "text": "x"}\n' * 14, encoding="utf-8")
    assert len(list(warning_of_shared_ids(read_documents([tmp_path])))) == 14
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 11 and err[-1] == "provenance: warning: 3 more documents have an id an earlier one has"


def test_a_run_remembers_a_bounded_number_of_ids_and_still_names_repeats_of_them(capsys):
    from provenance.sources import SharedIds

    ids = SharedIds(limit=3)
    for n in range(10):
        ids.see(f"r{n}", "a.jsonl", n + 1)
    ids.see("r1", "b.jsonl", 1)  # a repeat of a remembered id is named
    ids.see("r7", "b.jsonl", 2)  # one past the limit was never remembered
    assert len(ids.first) == 3
    assert capsys.readouterr().err.splitlines() == [
        "provenance: warning: b.jsonl:1: id 'r1' is also the id of a.jsonl:2 "
        "(both are checked; give each record an id of its own)"]
