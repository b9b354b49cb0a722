"""``finditer_where`` finds what ``finditer`` finds, however the texts it is given repeat, and RE2 is
given only the texts it reads as the standard library does."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.prescan import _characters, _readable_utf8, finditer_where, starts_pattern

PIECES = ["said", "x", " ", "é", "“", "東京", "\ud800", "\u088f", "Said", "\n"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_finditer_where_finds_what_finditer_finds_on_repeated_texts(texts):
    pattern = re.compile(r"(?<!\w)[Ss]aid(?!\w)")
    starts = starts_pattern(r"[Ss]aid")
    for text in [*texts, *texts]:
        assert [m.span() for m in finditer_where(pattern, starts, text)] == [m.span() for m in pattern.finditer(text)]


@given(text=TEXT.filter(lambda t: "\ud800" not in t), cuts=st.lists(st.integers(0, 40)))
def test_byte_offsets_become_the_code_point_offsets_they_encode(text, cuts):
    offsets = sorted(min(cut, len(text)) for cut in cuts)
    assert _characters(text.encode(), [len(text[:i].encode()) for i in offsets]) == offsets


def test_a_text_re2_cannot_read_as_the_stdlib_does_is_unreadable():
    assert _readable_utf8("said \u088f") is None  # U+088F: newer than RE2's tables
    assert _readable_utf8("said \ud800") is None  # a lone surrogate has no UTF-8
    assert _readable_utf8("said é") == "said é".encode()
