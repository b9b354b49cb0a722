"""teaser-block and repeated-line find a page's title-like lines through the accelerator's
``titled_lines``; ``python_titled_lines`` stays the reference, and both must give the same indexes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import page
from provenance.detectors.page import LineInfo, build_page
from provenance.document import Document

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

pytestmark = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

PIECES = ["The", "council", "met", "é", "非", "😀", " ", ".", "?", ":", "- ", "1.", "\n", "\n\n", "…"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=TEXT, min_chars=st.integers(-2, 12), max_words=st.integers(-1, 6))
def test_the_accelerator_finds_the_title_like_lines_python_finds(text, min_chars, max_words):
    lines = build_page(Document(id="t", path="t", text=text), {}).lines
    expected = page.python_titled_lines(lines, min_chars, max_words)
    assert _fastpage.titled_lines(lines, LineInfo, min_chars, max_words) == expected


def line(key: object, words: object) -> LineInfo:
    return LineInfo(1, "x", 1, words, 1.0, 0.0, False, 0.0, 1.0, 0, False, False, key)


@pytest.mark.parametrize("lines", [[object()], [line(None, 1)], [line("a", 1.0)]])
def test_other_lines_are_refused(lines):
    with pytest.raises(TypeError):
        _fastpage.titled_lines(lines, LineInfo, 0, 3)


def test_a_count_past_any_limit_is_not_title_like():
    assert _fastpage.titled_lines([line("a b", 10**30), line("a b", -10**30)], LineInfo, 0, 3) == [1]
