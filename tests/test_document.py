"""The document model's shortcuts answer as the plain definitions they stand in for."""

from __future__ import annotations

import pickle
import re

from hypothesis import given
from hypothesis import strategies as st

from provenance.document import Document, Line, cached_attribute

# ASCII, text whose UTF-8 leads with 0xED (U+D000-U+D7FF), lone surrogates and other non-ASCII
PIECES = st.sampled_from(["a", " ", "\n", "é", "\ud000", "\ud7a3", "한", "\ud800", "\udfff", "\udc00x", "😀", "\ufeff"])


@given(text=st.lists(PIECES, max_size=12).map("".join))
def test_lone_surrogates_are_what_a_scan_for_them_finds(text):
    doc = Document(id="d", path="d", text=text)
    assert doc.has_lone_surrogates == (re.search("[\ud800-\udfff]", text) is not None)


@given(text=st.lists(PIECES, max_size=12).map("".join))
def test_lines_cover_the_text_and_hash_as_their_values(text):
    doc = Document(id="d", path="d", text=text)
    for line in doc.lines:
        assert text[line.start:line.end] == line.text
        assert hash(line) == hash(Line(line.number, line.start, line.end, line.text))
    assert {*doc.lines} == {Line(n.number, n.start, n.end, n.text) for n in doc.lines}


@given(text=st.lists(PIECES, max_size=12).map("".join), data=st.data())
def test_a_span_s_lines_are_where_line_at_puts_its_ends(text, data):
    doc = Document(id="d", path="d", text=text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text) + 1))
    assert doc.lines_of(start, end) == (doc.line_at(start), doc.line_at(max(start, end - 1)))
    assert doc.line_at(start) == max(1, sum(line.start <= start for line in doc.lines))


def test_a_cached_attribute_is_computed_once_and_kept_on_the_instance():
    calls = []

    class Holder:
        @cached_attribute
        def value(self) -> int:
            """The doc of the value."""
            calls.append(self)
            return len(calls)

    first, second = Holder(), Holder()
    assert (first.value, first.value, second.value) == (1, 1, 2)
    assert calls == [first, second] and first.__dict__ == {"value": 1}
    assert Holder.value.__doc__ == "The doc of the value."
    first.value = 5  # assignable, as functools.cached_property is
    assert first.value == 5


def test_a_pickled_document_carries_its_fields_and_digest_not_what_was_derived_from_its_text():
    doc = Document(id="d", path="p.jsonl", text="one\ntwo\n", meta={"url": "https://example.org/a"}, notes=["n"],
                   line=4)
    digest, _ = doc.sha256, doc.lines  # what a pool's parent finds for the result cache, and more
    received = pickle.loads(pickle.dumps(doc))
    assert received == doc
    assert set(received.__dict__) == {"id", "path", "text", "meta", "notes", "line", "sha256"}
    assert received.sha256 == digest
    assert received.lines == doc.lines  # derived again where it is asked for
