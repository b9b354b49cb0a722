"""`provenance clean`: copies without residue, the map of what went, idempotence, never in place."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.clean import clean_document
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
