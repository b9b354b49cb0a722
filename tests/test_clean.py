"""`provenance clean`: copies without residue, the map of what went, idempotence, never in place."""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.clean import clean_document
from provenance.cli import main
from provenance.config import Settings
from provenance.document import Document

from conftest import CORPUS, ROOT
from test_cli import run

ARTICLE = ("The council met on Monday and approved the new budget after a long debate, members said, "
           "and the mayor promised to publish the figures before the end of the month.")
LINES = st.sampled_from([
    ARTICLE, "Opposition members asked for a second vote, which is expected in the spring, they said.",
    "Leave a Reply", "Home", "World", "Sport", "| | |", "Home | News | Sport", "2 hours ago", "Source link",
    "Council passes budget", "Read more", "What happens next", "weather sport jobs", "", "Views: 0",
])
TEXTS = st.lists(LINES, max_size=14).map(lambda lines: "\n".join(lines) + "\n")


def _clean(rules, text: str) -> str:
    return clean_document(Document(id="t", path="t", text=text), rules, Settings()).text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_cleaning_a_cleaned_text_changes_nothing(rules, text):
    once = _clean(rules, text)
    assert _clean(rules, once) == once


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_cleaning_only_removes_whole_lines_in_order(rules, text):
    cleaned = clean_document(Document(id="t", path="t", text=text), rules, Settings())
    kept = iter(text.split("\n"))
    assert all(any(line == k for k in kept) for line in cleaned.text.split("\n"))
    assert {r.line for r in cleaned.removed} <= set(range(1, text.count("\n") + 2))


def test_clean_corpus_round_trip(tmp_path, schema):
    out = tmp_path / "clean"
    result = run("clean", str(CORPUS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in CORPUS.glob("*.txt"))
    assert sorted(p.name for p in out.glob("*.txt")) == names
    clean_map = json.loads((out / "clean-map.json").read_text(encoding="utf-8"))
    schema("clean-map.schema.json").validate(clean_map)
    ahed = next(d for d in clean_map["documents"] if d["id"].startswith("004"))
    assert {"Leave a Reply", "Comments"} & {r["text"] for r in ahed["removed"]}
    assert all(r["rule"].startswith("RS") and r["message"] for r in ahed["removed"])
    for name in names:  # every kept line is an input line, and the input is untouched
        source = (CORPUS / name).read_text(encoding="utf-8")
        assert set((out / name).read_text(encoding="utf-8").split("\n")) <= set(source.split("\n"))
    again = tmp_path / "again"
    assert run("clean", str(out), "--out", str(again)).returncode == 0
    for name in names:
        assert (again / name).read_text(encoding="utf-8") == (out / name).read_text(encoding="utf-8")


def test_clean_jsonl_keeps_other_fields(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    records = [{"id": "a", "text": f"{ARTICLE}\nLeave a Reply\n", "url": "https://example.org/a"}, {"id": "b", "text": ARTICLE}]
    (src / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with gzip.open(src / "part2.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(records[0]) + "\n")
    out = tmp_path / "out"
    assert run("clean", str(src), "--out", str(out)).returncode == 0
    cleaned = [json.loads(line) for line in (out / "part.jsonl").read_text(encoding="utf-8").splitlines()]
    assert cleaned[0] == {"id": "a", "text": f"{ARTICLE}\n", "url": "https://example.org/a"}
    assert cleaned[1] == records[1]
    with gzip.open(out / "part2.jsonl.gz", "rt", encoding="utf-8") as handle:
        assert json.loads(handle.readline())["text"] == f"{ARTICLE}\n"
    clean_map = json.loads((out / "clean-map.json").read_text(encoding="utf-8"))
    assert [(d["id"], d["record"]) for d in clean_map["documents"]] == [("a", 1), ("b", 2), ("a", 1)]


def test_clean_copies_a_record_nested_too_deep_unchanged_and_says_so(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    deep = "[" * 100_000 + "]" * 100_000 + "\n"
    (src / "part.jsonl").write_text(deep + json.dumps({"id": "b", "text": ARTICLE}) + "\n", encoding="utf-8")
    result = run("clean", str(src), "--out", str(out))
    assert "part.jsonl:1: malformed JSON: nested deeper than Python's parser can read; copied unchanged" in result.stderr
    assert (out / "part.jsonl").read_text(encoding="utf-8").splitlines()[0] == deep.strip()


def test_clean_refuses_to_write_into_the_corpus(tmp_path):
    result = run("clean", str(CORPUS), "--out", str(CORPUS / "cleaned"))
    assert result.returncode == 2
    assert "overlaps the input" in result.stderr
    assert not (CORPUS / "cleaned").exists()


def test_clean_help_is_listed():
    assert "clean" in run("--help", cwd=ROOT).stdout


def _cut_gzip_of(records: list[dict]) -> bytes:
    """A gzip of ``records`` cut short in the middle: the first ones can be read, then it breaks."""
    noise = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(200))
    lines = [json.dumps(r) for r in records] + [json.dumps({"id": "long", "text": noise})]
    whole = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    return whole[: len(whole) - 2000]


def _corrupt_gzip() -> bytes:
    """A gzip whose header is fine but whose compressed data is not deflate data."""
    whole = gzip.compress(json.dumps({"id": "a", "text": ARTICLE}).encode() + b"\n", mtime=0)
    return whole[:10] + b"\xff" * 16 + whole[26:]


def _folder_with(tmp_path, name: str, data: bytes):
    """A folder holding ``name`` (with ``data``) beside a good text file and a good JSONL file."""
    src = tmp_path / "in"
    src.mkdir()
    (src / name).write_bytes(data)
    (src / "ok.txt").write_text(f"{ARTICLE}\n", encoding="utf-8")
    (src / "ok.jsonl").write_text(json.dumps({"id": "ok", "text": ARTICLE}) + "\n", encoding="utf-8")
    return src


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("provenance: ")]


def test_clean_copies_a_record_with_lone_surrogates_as_check_reads_it(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    line = r'{"id": "s\ud800", "text": "Hello \ud800 world.", "title": "T \udc00", "extra": {"k\udfff": ["\ud800x"]}}'
    (src / "s.jsonl").write_text(line + "\n", encoding="ascii")
    assert main(["clean", str(src), "--out", str(out)]) == 0, capsys.readouterr().err
    copy = json.loads((out / "s.jsonl").read_bytes().decode("utf-8"))
    assert copy == {"id": "s\ufffd", "text": "Hello \ufffd world.", "title": "T \ufffd", "extra": {"k\ufffd": ["\ufffdx"]}}
    clean_map = json.loads((out / "clean-map.json").read_bytes().decode("utf-8"))
    assert [d["id"] for d in clean_map["documents"]] == ["s\ufffd"]


def test_clean_names_a_corrupt_gzip_in_one_line_and_cleans_the_rest(tmp_path, capsys):
    src, out = _folder_with(tmp_path, "bad.jsonl.gz", _corrupt_gzip()), tmp_path / "out"
    assert main(["clean", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert _error_lines(err) == [f"provenance: {src / 'bad.jsonl.gz'}:1: gzip data cut short or corrupt: "
                                 "Error -3 while decompressing data: invalid block type"]
    assert sorted(p.name for p in out.iterdir()) == ["clean-map.json", "ok.jsonl", "ok.txt"]


def test_clean_names_a_jsonl_gz_that_is_no_gzip_as_an_input_error(tmp_path, capsys):
    data = (json.dumps({"id": "a", "text": ARTICLE}) + "\n").encode()
    src, out = _folder_with(tmp_path, "notgz.jsonl.gz", data), tmp_path / "out"
    assert main(["clean", str(src), "--out", str(out)]) == 1
    (error,) = _error_lines(capsys.readouterr().err)
    assert error.startswith(f"provenance: {src / 'notgz.jsonl.gz'}:1: gzip data cut short or corrupt: Not a gzipped file")
    assert sorted(p.name for p in out.iterdir()) == ["clean-map.json", "ok.jsonl", "ok.txt"]


def test_clean_writes_the_records_before_a_cut_and_names_its_line_as_check_does(tmp_path, capsys):
    records = [{"id": f"r{n}", "text": f"{ARTICLE}\nLeave a Reply\n"} for n in range(3)]
    src, out = _folder_with(tmp_path, "cut.jsonl.gz", _cut_gzip_of(records)), tmp_path / "out"
    assert main(["check", str(src), "--format", "json", "--output", str(tmp_path / "report.json")]) == 1
    checked = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert main(["clean", str(src), "--out", str(out)]) == 1
    clean_map = json.loads((out / "clean-map.json").read_text(encoding="utf-8"))
    assert clean_map["errors"] == checked["errors"] and checked["errors"][0]["line"] == 4
    with gzip.open(out / "cut.jsonl.gz", "rt", encoding="utf-8") as handle:
        copy = [json.loads(line) for line in handle]
    assert copy == [{"id": r["id"], "text": f"{ARTICLE}\n"} for r in records]
    cut = [d for d in clean_map["documents"] if d["source"].endswith("cut.jsonl.gz")]
    assert [(d["id"], d["record"], d["output"]) for d in cut] == [(r["id"], n, str(out / "cut.jsonl.gz"))
                                                                   for n, r in enumerate(records, start=1)]
    assert "cut.jsonl.gz:4: gzip data cut short" in capsys.readouterr().err


def test_clean_leaves_a_record_over_max_bytes_out_of_the_copy_and_says_so(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "provenance.toml").write_text("max_bytes = 1000\n", encoding="utf-8")
    records = [{"id": "a", "text": ARTICLE}, {"id": "big", "text": "word " * 400}, {"id": "c", "text": ARTICLE}]
    (src / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["clean", str(src), "--out", str(out)]) == 1
    assert _error_lines(capsys.readouterr().err) == [
        f"provenance: {src / 'part.jsonl'}:2: record is over the max_bytes limit of 1000 bytes; left out of the copy"]
    assert [json.loads(line)["id"] for line in (out / "part.jsonl").read_text(encoding="utf-8").splitlines()] == ["a", "c"]


def test_clean_help_does_not_offer_standard_input(capsys):
    with pytest.raises(SystemExit):
        main(["clean", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "standard input" not in help_text and "files or folders (.txt, .md, .jsonl, .ndjson; JSON" in help_text


def _crawl(tmp_path):
    """in1/crawl.jsonl: one record with a residue line."""
    folder = tmp_path / "in1"
    folder.mkdir()
    (folder / "crawl.jsonl").write_text(json.dumps({"id": "a", "text": f"{ARTICLE}\nLeave a Reply\n"}) + "\n",
                                        encoding="utf-8")
    return folder / "crawl.jsonl"


def test_clean_may_write_beside_an_input_file(tmp_path, capsys):
    crawl = _crawl(tmp_path)
    before = crawl.read_bytes()
    assert main(["clean", str(crawl), "--out", str(crawl.parent / "sub")]) == 0, capsys.readouterr().err
    assert json.loads((crawl.parent / "sub" / "crawl.jsonl").read_text(encoding="utf-8"))["text"] == f"{ARTICLE}\n"
    assert crawl.read_bytes() == before


@pytest.mark.parametrize("out", [".", "crawl.jsonl", "crawl.jsonl/sub", ".."])
def test_clean_refuses_an_out_that_holds_an_input_file_or_is_one(tmp_path, capsys, out):
    crawl = _crawl(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["clean", str(crawl), "--out", str(crawl.parent / out)]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"provenance: --out {crawl.parent / out} overlaps the input {crawl}; choose a folder outside the corpus"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("target", ["removed.jsonl", "a.txt", "sub/notes.md", "a.meta.json"])
def test_clean_never_writes_its_map_into_the_corpus(tmp_path, capsys, target):
    corpus = tmp_path / "cc2"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"{ARTICLE}\nLeave a Reply\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in corpus.rglob("*")}
    assert main(["clean", str(corpus), "--out", str(tmp_path / "out"), "--map", str(corpus / target)]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"provenance: {corpus / target}: would be written into the corpus being cleaned ({corpus}); name a file outside it"]
    assert {p: p.read_bytes() for p in corpus.rglob("*")} == before and not (tmp_path / "out").exists()


def _dup(tmp_path):
    """dup/a/x.txt and dup/b/x.txt: two documents of one name, with different texts."""
    for name, extra in (("a", ""), ("b", "Leave a Reply\n")):
        (tmp_path / "dup" / name).mkdir(parents=True)
        (tmp_path / "dup" / name / "x.txt").write_text(f"{ARTICLE}\n{extra}", encoding="utf-8")
    return tmp_path / "dup"


@pytest.mark.parametrize("inputs", [["a", "b"], ["a/x.txt", "b/x.txt"], ["a", "b/x.txt"]])
def test_clean_names_the_copies_of_two_inputs_by_the_folders_under_the_one_they_share(tmp_path, capsys, inputs):
    dup, out = _dup(tmp_path), tmp_path / "out"
    assert main(["clean", *(str(dup / i) for i in inputs), "--out", str(out)]) == 0, capsys.readouterr().err
    assert (out / "a/x.txt").read_text(encoding="utf-8") == f"{ARTICLE}\n"
    assert (out / "b/x.txt").read_text(encoding="utf-8") == f"{ARTICLE}\n"
    cleaned = json.loads((out / "clean-map.json").read_text(encoding="utf-8"))["documents"]
    assert [d["id"] for d in cleaned] == ["a/x.txt", "b/x.txt"]


def test_clean_takes_one_file_named_twice_as_one_input(tmp_path, capsys):
    dup, out = _dup(tmp_path), tmp_path / "out"
    assert main(["clean", str(dup / "a"), str(dup / "a/x.txt"), "--out", str(out)]) == 0, capsys.readouterr().err
    assert (out / "x.txt").read_text(encoding="utf-8") == f"{ARTICLE}\n"


@pytest.mark.parametrize("name", ["x.txt", "removed.jsonl", "x.meta.json"])
def test_clean_refuses_a_map_named_like_a_document_among_the_copies(tmp_path, capsys, name):
    dup, out = _dup(tmp_path), tmp_path / "out"
    assert main(["clean", str(dup / "a"), "--out", str(out), "--map", str(out / name)]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"provenance: {out / name}: would be read as a document among the copies in {out}; name a file outside it"]
    assert not out.exists()


def test_clean_copies_a_readable_sidecar_and_reports_an_unreadable_one_once(tmp_path, capsys, monkeypatch):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in ("a", "b"):
        (src / f"{name}.txt").write_text(f"{ARTICLE}\n", encoding="utf-8")
        (src / f"{name}.meta.json").write_text('{"url": "https://example.org/%s"}' % name, encoding="utf-8")
    read_bytes = Path.read_bytes

    def locked_b(path: Path) -> bytes:  # as chmod 000 would, for root too
        if path.name == "b.meta.json":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", locked_b)
    assert main(["clean", str(src), "--out", str(out), "--no-templates"]) == 1
    assert _error_lines(capsys.readouterr().err) == [
        f"provenance: {src / 'b.meta.json'}: cannot read sidecar: Permission denied"]
    assert (out / "a.meta.json").read_bytes() == (src / "a.meta.json").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["a.meta.json", "a.txt", "b.txt", "clean-map.json"]


def test_clean_maps_a_file_name_that_is_not_utf8_as_check_shows_it(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / os.fsdecode(b"caf\xe9.txt")).write_text(f"{ARTICLE}\n", encoding="utf-8")
    assert main(["clean", str(src), "--out", str(out)]) == 0, capsys.readouterr().err
    (entry,) = json.loads((out / "clean-map.json").read_text(encoding="utf-8"))["documents"]
    assert entry["source"] == f"{src}/caf\\xe9.txt" and entry["id"] == "caf\\xe9.txt"
    assert Path(entry["output"]).read_text(encoding="utf-8") == f"{ARTICLE}\n"


def test_clean_names_a_folder_holding_no_document_as_check_does(tmp_path, capsys):
    """An empty folder, or one of other files, was cleaned into an empty map with exit 0: a run
    pointed at the wrong folder passed."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "scan.pdf").write_bytes(b"%PDF")
    assert main(["clean", str(tmp_path / "empty"), str(tmp_path / "other"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    for folder in ("empty", "other"):
        assert f"provenance: {tmp_path / folder}: no documents found (.txt, .md, .jsonl, .ndjson; JSON Lines also as .gz, .zst, .json.gz, .json.zst)" in err
    assert [e["path"] for e in json.loads((tmp_path / "out" / "clean-map.json").read_text())["errors"]] == [
        str(tmp_path / "empty"), str(tmp_path / "other")]


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative name, the map's copy paths made relative too."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return {name: data.replace(str(folder).encode(), b"OUT") for name, data in files.items()}


def test_clean_on_two_cores_writes_what_one_core_writes(tmp_path):
    """The documents are cleaned on worker processes, several chunks of them (a .jsonl file of 150
    records, a broken last line, the seeds as text files); the copies and the map are one core's."""
    from test_runner import make_corpus
    corpus = make_corpus(tmp_path / "corpus", records=150)
    outs = {}
    for jobs in ("1", "2"):
        done = run("clean", str(corpus), "--out", str(tmp_path / f"out{jobs}"), "--jobs", jobs)
        assert done.returncode == 1, done.stderr  # the broken line is an error
        outs[jobs] = _tree(tmp_path / f"out{jobs}")
    assert outs["1"] == outs["2"] and len(outs["1"]) == 8


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=20), st.integers(0, 3)), max_size=6),
       st.lists(st.text(min_size=1, max_size=20), max_size=3))
def test_the_map_written_entry_by_entry_is_the_whole_map_s_json(tmp_path, entries, problems):
    import io

    from provenance import __version__
    from provenance.clean import CleanedDocument, CleanMap, RemovedLine
    from provenance.commands.clean import _MapWriter
    from provenance.report import ReadError, Tool
    from provenance.schemas import render_model

    tool = Tool(version=__version__, rules_digest="d")
    documents = [CleanedDocument(id=text or "x", source="s.txt", output="o.txt", chars_before=n, chars_after=0,
                                 removed=[RemovedLine(line=i + 1, text=text, rule="RS020", message="m")
                                          for i in range(n)]) for text, n in entries]
    errors = [ReadError(path=p, message=p) for p in problems]
    handle = io.StringIO()
    writer = _MapWriter(handle, tool)
    for document in documents:
        writer.add(document)
    writer.close(errors)
    assert handle.getvalue() == render_model(CleanMap(tool=tool, documents=documents, errors=errors))


def test_clean_says_so_in_one_line_when_an_input_changes_under_it(tmp_path, capsys, monkeypatch):
    """The copies are written on a second reading of the inputs: a document that is not the one the
    first reading cleaned means the input changed meanwhile."""
    from provenance import clean as cleaning

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Some text here.\n", encoding="utf-8")
    real = cleaning.cleaned_in_order
    monkeypatch.setattr(cleaning, "cleaned_in_order",
                        lambda docs, *rest: ((f"other-{i}", c) for i, (_, c) in enumerate(real(docs, *rest))))
    assert main(["clean", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "changed while it was being cleaned" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "clean-map.json").exists()
