"""build_page reads each document's non-blank lines, stripped, through the accelerator's
``nonblank_texts``; ``python_nonblank_texts`` stays the reference, and both must give the same lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import page
from provenance.document import Document, Line

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

PIECES = ["The council", "x", "é", "非", "😀", "\ud800", " ", "  ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
          "\u00a0", "\u2028", "\u3000", "\u200b", "\ufeff", "\n", "\n\n", ""]
TEXT = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


@pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_the_accelerator_strips_the_lines_as_python_does(text):
    doc = Document(id="t", path="t", text=text)
    numbers, texts = _fastpage.nonblank_texts(doc.lines, Line)
    expected = page.python_nonblank_texts(doc)
    assert (numbers, texts) == expected
    assert all(type(t) is str for t in texts)


@pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")
def test_lines_of_another_class_are_refused():
    with pytest.raises(TypeError):
        _fastpage.nonblank_texts([object()], Line)
