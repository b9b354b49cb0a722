"""menu-run finds the lines with a menu item's shape through the accelerator's ``menu_shaped_lines``;
``python_menu_shaped`` stays the reference, and both must give the same list."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import menus
from provenance.detectors.page import LineInfo, build_page
from provenance.document import Document

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

pytestmark = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

PIECES = ["World", "BUSINESS", "sport", "Ǆ", "ǅ", "ß", "É", "非", "東京", "😀", "1", " ", ".", "?", ":", "- ",
          "\n", "\n\n"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=TEXT, max_words=st.integers(-1, 6), min_capitals=st.floats(-0.5, 1.5) | st.just(float("nan")))
def test_the_accelerator_finds_the_menu_shaped_lines_python_finds(text, max_words, min_capitals):
    lines = build_page(Document(id="t", path="t", text=text), {}).lines
    expected = menus.python_menu_shaped(lines, max_words, min_capitals)
    assert _fastpage.menu_shaped_lines(lines, LineInfo, max_words, min_capitals) == expected


@given(text=st.text(max_size=12), words=st.integers(-3, 3))
def test_several_words_in_capitals_read_as_str_isupper(text, words):
    lines = [LineInfo(1, text, len(text), words, 1.0, 0.0, False, 0.0, 1.0, 0, False, False, text)]
    assert _fastpage.menu_shaped_lines(lines, LineInfo, 5, 0.5) == menus.python_menu_shaped(lines, 5, 0.5)


def line(words: object, capital_share: object = 1.0) -> LineInfo:
    return LineInfo(1, "x", 1, words, 1.0, 0.0, False, 0.0, capital_share, 0, False, False, "x")


@pytest.mark.parametrize("lines", [[object()], [line(None)], [line(1.0)], [line(1, None)]])
def test_other_lines_are_refused(lines):
    with pytest.raises(TypeError):
        _fastpage.menu_shaped_lines(lines, LineInfo, 3, 0.5)


def test_a_count_past_any_limit_is_no_menu_item():
    assert _fastpage.menu_shaped_lines([line(10**30), line(-10**30), line(2)], LineInfo, 3, 0.5) == [False, False, True]
