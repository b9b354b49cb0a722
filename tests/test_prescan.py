"""``finditer_where`` finds what ``finditer`` finds, however the texts it is given repeat, and RE2 is
given only the texts it reads as the standard library does."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.prescan import (
    _characters,
    _readable_utf8,
    characters_by_decoding,
    finditer_where,
    starts_pattern,
)

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

PIECES = ["said", "x", " ", "é", "“", "東京", "\ud800", "\u088f", "Said", "\n"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_finditer_where_finds_what_finditer_finds_on_repeated_texts(texts):
    pattern = re.compile(r"(?<!\w)[Ss]aid(?!\w)")
    starts = starts_pattern(r"[Ss]aid")
    for text in [*texts, *texts]:
        assert [m.span() for m in finditer_where(pattern, starts, text)] == [m.span() for m in pattern.finditer(text)]


def boundaries(text: str, cuts: list[int]) -> tuple[bytes, list[int], list[int]]:
    """The text's UTF-8, and ascending byte offsets at character boundaries with their code points."""
    offsets = sorted(min(cut, len(text)) for cut in cuts)
    return text.encode(), [len(text[:i].encode()) for i in offsets], offsets


@given(text=TEXT.filter(lambda t: "\ud800" not in t), cuts=st.lists(st.integers(0, 40)))
def test_byte_offsets_become_the_code_point_offsets_they_encode(text, cuts):
    data, starts, offsets = boundaries(text, cuts)
    assert _characters(data, starts) == characters_by_decoding(data, starts) == offsets


@pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30), cuts=st.lists(st.integers(0, 40)))
def test_the_accelerator_converts_byte_offsets_as_python_does(text, cuts):
    data, starts, offsets = boundaries(text.encode("utf-8", "replace").decode(), cuts)  # no lone surrogate
    assert _fastpage.utf8_offsets(data, starts) == characters_by_decoding(data, starts) == offsets


def test_a_text_re2_cannot_read_as_the_stdlib_does_is_unreadable():
    assert _readable_utf8("said \u088f") is None  # U+088F: newer than RE2's tables
    assert _readable_utf8("said \ud800") is None  # a lone surrogate has no UTF-8
    assert _readable_utf8("said é") == "said é".encode()
