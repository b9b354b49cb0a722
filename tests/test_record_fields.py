"""Records keep their fields where each crawl puts them (OSCAR's ``content``, Dolma's nested
``metadata.url``): ``record_fields`` in the settings or ``--record-field NAME=KEY`` says where, and
such records give the reports the same records under the usual names give, in every command that
reads them; a text not found names the keys the record has."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from provenance.config import Settings
from provenance.pipeline import check_document
from provenance.sources import RecordShape, parse_record, record_document
from test_runner import run

SEEDS = sorted(ROOT.joinpath("corpus").glob("*.txt"))
FLAGS = ["--record-field", "text=content", "--record-field", "id=doc_id", "--record-field", "url=metadata.url",
         "--record-field", "published=metadata.date"]
SETTINGS = """[record_fields]
text = "content"
id = "doc_id"
url = "metadata.url"
published = "metadata.date"
"""


def plain_record(n: int, path) -> dict:
    return {"id": path.stem, "text": path.read_text(encoding="utf-8"), "published": "2020-01-0" + str(n + 1),
            **({"url": "https://www.rt.com/news/1"} if n == 1 else {})}


def crawl_record(record: dict) -> dict:
    """The record as a crawl shapes it: other keys, the URL and date nested."""
    metadata = {"date": record["published"], **({"url": record["url"]} if "url" in record else {})}
    return {"content": record["text"], "doc_id": record["id"], "metadata": metadata, "warc": {"len": 1}}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    plain = [plain_record(n, p) for n, p in enumerate(SEEDS)]
    for name, records in (("plain", plain), ("crawl", [crawl_record(r) for r in plain])):
        (folder / name).mkdir()
        (folder / name / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def reports(result) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_crawl_records_named_by_flags_are_checked_as_plain_records(corpora, jobs):
    plain = reports(run("check", "part.jsonl", "--format", "jsonl", "--no-cache", "--jobs", jobs, cwd=corpora / "plain"))
    crawl = reports(run("check", "part.jsonl", "--format", "jsonl", "--no-cache", "--jobs", jobs, *FLAGS,
                        cwd=corpora / "crawl"))
    assert crawl == plain and len(crawl) == len(SEEDS)
    assert crawl[1]["outlet"]["domain"] == "rt.com"  # the nested URL was read


def test_record_fields_in_the_settings_file_do_the_same(corpora, tmp_path):
    (tmp_path / "provenance.toml").write_text(SETTINGS, encoding="utf-8")
    flags = reports(run("check", str(corpora / "crawl"), "--format", "jsonl", "--no-cache", *FLAGS))
    from_file = reports(run("check", str(corpora / "crawl"), "--format", "jsonl", "--no-cache",
                            "--config", str(tmp_path / "provenance.toml")))
    assert from_file == flags


def test_without_them_each_record_names_the_keys_it_has(corpora):
    result = run("check", "part.jsonl", "--quiet", "--no-cache", cwd=corpora / "crawl")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == ("error: part.jsonl:1: record has no `text` (its keys: `content`, `doc_id`, "
                                             "`metadata`, `warc`; --record-field text=KEY names the text's key)")


@pytest.mark.parametrize(("setting", "problem"), [
    ('[record_fields]\ntxt = "content"\n', "record_fields.txt: Extra inputs are not permitted"),
    ('[record_fields]\ntext = "metadata..text"\n', "record_fields.text: Value error, a key, or keys joined by single dots"),
])
def test_a_bad_record_field_in_the_settings_names_file_and_key(corpora, tmp_path, setting, problem):
    (tmp_path / "provenance.toml").write_text(setting, encoding="utf-8")
    result = run("check", str(corpora / "crawl"), "--config", str(tmp_path / "provenance.toml"))
    assert result.returncode == 2 and f"{tmp_path / 'provenance.toml'}: {problem}" in result.stderr


def test_a_bad_record_field_flag_is_one_line():
    result = run("check", "corpus", "--record-field", "body=content")
    assert result.returncode == 2
    assert "'body=content': expected NAME=KEY, NAME one of text, id, url, title, published, author, outlet" in result.stderr


def test_a_metadata_value_of_the_wrong_type_names_the_records_own_key():
    shape = RecordShape({"url": "meta.urls", "author": "meta.authors"})
    with pytest.raises(ValueError, match=r"record `meta.urls` must be a string, not list"):
        parse_record(b'{"text": "t", "meta": {"urls": ["https://a.example/"]}}', shape)
    with pytest.raises(ValueError, match=r"record `meta.authors` must be a string or a list of strings, not dict"):
        parse_record(b'{"text": "t", "meta": {"authors": {"name": "A"}}}', shape)
    with pytest.raises(ValueError, match=r"record `meta.authors` must be a string or a list of strings, not list"):
        parse_record(b'{"text": "t", "meta": {"authors": ["A", 2]}}', shape)


@pytest.mark.parametrize(("authors", "meta"), [
    (["Ann Smith", "Bob Jones"], {"author": "Ann Smith, Bob Jones"}),
    ([" Ann Smith ", "", "  "], {"author": "Ann Smith"}),
    ([], {}),
    ("Ann Smith", {"author": "Ann Smith"}),
])
def test_a_list_of_authors_is_one_byline(authors, meta):
    """news-please keeps its bylines as a list (``authors``): the names are joined, blank ones left out."""
    shape = RecordShape({"author": "authors"})
    raw = json.dumps({"text": "t", "authors": authors}).encode()
    assert record_document(parse_record(raw, shape), "p", "p", 1, shape).meta == meta


def test_a_news_please_record_gets_its_byline_from_its_authors(rules):
    record = {"maintext": "Moscow said on Monday it would respond.", "authors": ["Ann Smith", "Bob Jones"],
              "date_publish": "2024-01-02 10:00:00", "title": "Moscow responds", "url": "https://www.rt.com/news/1-x/"}
    shape = RecordShape({"text": "maintext", "author": "authors", "published": "date_publish"})
    doc = record_document(parse_record(json.dumps(record).encode(), shape), "p", "p", 1, shape)
    report = check_document(doc, rules, Settings())
    assert report.facts.byline == "Ann Smith, Bob Jones" and report.outlet.domain == "rt.com"


def test_a_path_through_a_missing_or_non_object_value_is_no_field():
    shape = RecordShape({"url": "meta.url", "title": "meta.title.main"})
    for raw in (b'{"text": "t"}', b'{"text": "t", "meta": "x"}', b'{"text": "t", "meta": {"title": "plain"}}'):
        assert record_document(parse_record(raw, shape), "p", "p", 1, shape).meta == {}


def test_clean_writes_the_cleaned_text_back_under_its_own_key(corpora, tmp_path):
    out = tmp_path / "out"
    assert run("clean", str(corpora / "crawl"), "--out", str(out), *FLAGS).returncode == 0
    before = [json.loads(line) for line in (corpora / "crawl" / "part.jsonl").read_text(encoding="utf-8").splitlines()]
    after = [json.loads(line) for line in (out / "part.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [sorted(r) for r in after] == [sorted(r) for r in before]  # no `text` key added
    assert all({k: v for k, v in a.items() if k != "content"} == {k: v for k, v in b.items() if k != "content"}
               for a, b in zip(after, before))
    assert sum(len(a["content"]) < len(b["content"]) for a, b in zip(after, before)) >= 3


def test_show_finds_a_record_by_line_and_by_id(corpora):
    by_line = run("show", "part.jsonl#2", *FLAGS, cwd=corpora / "crawl")
    by_id = run("show", "part.jsonl#" + SEEDS[1].stem, *FLAGS, cwd=corpora / "crawl")
    plain = run("show", "part.jsonl#2", cwd=corpora / "plain")
    assert by_line.returncode in (0, 1) and by_line.stdout == by_id.stdout == plain.stdout
    assert "rt.com" in by_line.stdout


def test_the_html_report_shows_the_texts_read_under_their_keys(corpora):
    crawl = run("check", "part.jsonl", "--format", "html", "--no-cache", *FLAGS, cwd=corpora / "crawl")
    plain = run("check", "part.jsonl", "--format", "html", "--no-cache", cwd=corpora / "plain")
    without = run("check", "part.jsonl", "--format", "html", "--no-cache", *FLAGS[:2], cwd=corpora / "crawl")
    assert crawl.stdout == plain.stdout != without.stdout


def test_a_counts_file_is_refused_under_other_record_fields(corpora, tmp_path):
    counts = tmp_path / "crawl.counts"
    assert run("templates", str(corpora / "crawl"), "--output", str(counts), *FLAGS).returncode == 0
    result = run("check", str(corpora / "crawl"), "--templates-from", str(counts), "--no-cache", *FLAGS[:2])
    assert result.returncode == 2
    assert "counted reading the records' id, published, url from other keys" in result.stderr
    assert run("check", str(corpora / "crawl"), "--templates-from", str(counts), "--no-cache", "--quiet",
               *FLAGS).returncode in (0, 1)


_KEYS = st.text(alphabet="abcxyz_", min_size=1, max_size=4)


@given(path=st.lists(_KEYS, min_size=1, max_size=4), value=st.text(max_size=10),
       others=st.dictionaries(_KEYS, st.integers(), max_size=3))
def test_put_then_get_gives_the_value_back_and_leaves_the_rest(path, value, others):
    record: dict = dict(others)
    node = record
    for step in path[:-1]:
        node[step] = node = {**others, "kept": 1}
    node[path[-1]] = "old"
    shape = RecordShape({"text": ".".join(path)})
    shape.put(record, "text", value)
    assert shape.get(record, "text") == value
    assert parse_record(json.dumps(record).encode(), shape) == record


def test_shards_read_under_record_fields_merge_to_one_runs_reports_and_page(corpora, tmp_path):
    out = tmp_path / "shards"
    for index in ("0/2", "1/2"):
        assert run("check", "part.jsonl", "--shard", index, "--output", str(out), "--no-cache", "--part-size", "2K",
                   *FLAGS, cwd=corpora / "crawl").returncode in (0, 1)
    one = run("check", "part.jsonl", "--format", "html", "--no-cache", *FLAGS, cwd=corpora / "crawl")
    merged = run("merge", str(out), "--format", "html", cwd=corpora / "crawl")
    assert merged.returncode in (0, 1), merged.stderr
    assert merged.stdout == one.stdout


def test_the_quote_index_reads_them_too(corpora):
    crawl = run("quotes", "part.jsonl", "--format", "json", *FLAGS, cwd=corpora / "crawl")
    plain = run("quotes", "part.jsonl", "--format", "json", cwd=corpora / "plain")
    assert crawl.returncode == 0, crawl.stderr
    assert crawl.stdout == plain.stdout and json.loads(crawl.stdout)["speakers"]


def test_the_settings_model_names_every_field_a_record_may_hold():
    from provenance.config import RecordFields
    from provenance.document import RECORD_FIELDS

    assert tuple(RecordFields.model_fields) == RECORD_FIELDS
    assert RecordShape().keys == RecordFields().model_dump()
