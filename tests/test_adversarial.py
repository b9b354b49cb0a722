"""Hostile text through the whole path a user's file takes (bytes -> reading -> checking -> JSON):
nothing crashes, scores stay in 0-100, offsets and lines point inside the text, every report
validates against the schemas. Example counts stay modest; 1 MB lines are a few explicit cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from provenance.config import Settings
from provenance.corpus import corpus_report
from provenance.pipeline import check_document
from provenance.renderers.jsonout import render_corpus, render_line
from provenance.report import DocumentReport, ReadError
from provenance.sources import read_documents

HOSTILE = [
    "\u200f", "\u200e", "\u202e", "\u2066", "\u2069",  # right-to-left and isolate marks
    "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060",  # zero-width characters
    "e\u0301", "\u0338", "a\u0300\u0301\u0302\u0303",  # combining marks
    "😀", "👩\u200d👩\u200d👧", "🇺🇦", "\U0001f3f3\ufe0f\u200d\U0001f308",  # emoji, ZWJ sequences, flags
    "\x00", "\r", "\r\n", "\u2028", "\u0085", "\t", "\x0c",  # NUL and line breaks Python knows, we do not
    "“", "”", "‘", "’", "\"", "'", "«", "»", "„",
    "Source link", "Views: 0", "Share this:", "Wang said", "(EFE).-", "according to officials",
]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
TEXT = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE)), max_size=30).map("".join)
JSONL_TEXT = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE + SURROGATES)), max_size=30).map("".join)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("adversarial")


def assert_sound(report: DocumentReport, validator) -> None:
    text_len, line_count = report.chars, report.lines
    for value in (report.scores.provenance, report.scores.residue, report.scores.overall, report.scores.attribution):
        assert value is None or 0 <= value <= 100
    for f in report.findings:
        if f.start is not None:
            assert 0 <= f.start <= f.end <= text_len
            assert 1 <= f.line <= f.end_line <= max(1, line_count)
    for q in report.quotes:
        assert 0 <= q.start <= q.end <= text_len and 1 <= q.line <= max(1, line_count)
    validator.validate(json.loads(render_line(report)))


def check_file(path: Path, rules) -> list[DocumentReport | ReadError]:
    return [i if isinstance(i, ReadError) else check_document(i, rules, Settings()) for i in read_documents([path])]


@QUICK
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_any_text_in_a_unicode_encoding_reads_as_itself(folder, rules, schema, text, encoding):
    # FF FE 00 00 opens UTF-32-LE and also UTF-16-LE text starting with NUL: the longer BOM wins.
    assume(not (encoding == "utf-16" and text.startswith("\x00")))
    path = folder / "doc.txt"
    path.write_bytes(text.encode(encoding))
    items = check_file(path, rules)
    assert len(items) == 1
    if "\x00" in text and encoding in ("utf-8", "utf-8-sig"):  # binary, or a UTF-16 guess that says so
        if isinstance(items[0], DocumentReport):
            assert "RD001" in {f.rule for f in items[0].findings}
            assert_sound(items[0], schema("report-line.schema.json"))
        return
    assert_sound(items[0], schema("report-line.schema.json"))
    offsets_text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    assert items[0].chars == len(offsets_text)
    for q in items[0].quotes:
        assert offsets_text[q.start:q.end] == q.text


@QUICK
@given(text=TEXT, encoding=st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_any_text_in_utf16_without_a_bom_is_read_or_named(folder, rules, schema, text, encoding):
    """Without a byte-order mark UTF-16 is a guess: it may be refused, but never crash or mislead the report."""
    path = folder / "doc.txt"
    path.write_bytes(text.encode(encoding))
    for item in check_file(path, rules):
        if isinstance(item, DocumentReport):
            assert_sound(item, schema("report-line.schema.json"))
        else:
            assert item.message == "binary file (contains NUL bytes)"


@QUICK
@given(texts=st.lists(JSONL_TEXT, min_size=1, max_size=4))
def test_any_jsonl_records_with_escaped_surrogates(folder, rules, schema, texts):
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps({"id": t[:5], "text": t}) + "\n" for t in texts), encoding="utf-8")
    items = check_file(path, rules)
    assert len(items) == len(texts) and all(isinstance(i, DocumentReport) for i in items)
    validator = schema("report-line.schema.json")
    for report in items:
        assert_sound(report, validator)
    schema("corpus-report.schema.json").validate(json.loads(render_corpus(corpus_report(items, 50, "test"))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(["raw.txt", "raw.jsonl", "raw.jsonl.gz"]))
def test_any_bytes_are_a_document_or_a_named_error(folder, rules, schema, data, name):
    path = folder / name
    path.write_bytes(data)
    validator = schema("report-line.schema.json")
    for item in check_file(path, rules):
        if isinstance(item, ReadError):
            assert item.path == str(path) and item.message
            validator.validate(json.loads(render_line(item)))
        else:
            assert_sound(item, validator)


# 1 MB lines: a few explicit cases rather than many generated ones -----------------------------------

MEGABYTE = 1_000_000
QUIET_HOSTILE = "Mix\u200b of \u200fright-to-left\u202e marks, e\u0301 combining, 👩\u200d👩\u200d👧 emoji 🇺🇦 and words. "


@pytest.mark.parametrize("line", [
    (QUIET_HOSTILE * (MEGABYTE // len(QUIET_HOSTILE) + 1))[:MEGABYTE],
    "\x00" * MEGABYTE,
    "word " * (MEGABYTE // 5),
], ids=["hostile-mix", "nul", "words"])
def test_a_one_megabyte_line_through_jsonl(folder, rules, schema, line):
    path = folder / "big.jsonl"
    path.write_text(json.dumps({"text": "Title\n" + line + "\nLast line.\n"}) + "\n", encoding="utf-8")
    [report] = check_file(path, rules)
    assert report.chars == len(line) + 18 and report.lines == 3
    assert_sound(report, schema("report-line.schema.json"))


def test_a_one_megabyte_line_with_lone_surrogates(folder, rules, schema):
    path = folder / "big.jsonl"
    path.write_text(json.dumps({"text": "\ud800 word" * (MEGABYTE // 6)}) + "\n", encoding="utf-8")
    [report] = check_file(path, rules)
    assert "RD001" in {f.rule for f in report.findings}
    assert_sound(report, schema("report-line.schema.json"))
