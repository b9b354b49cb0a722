"""snippet-copy and the screened patterns' needed endings ask of every line whether it ends in one
of some strings once some characters are taken off its end, through the accelerator's
``ending_with``; ``python_ending_with`` stays the reference, and both must give the same indexes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import page

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

pytestmark = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

PIECES = ["a", "é", "…", ".", "...", "\ud800", '"', "”", "’", ")", "]", " ", "\u00a0", "(1)", "中", "😀", "\n", ""]
TEXTS = st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), max_size=12)
ENDINGS = st.lists(st.sampled_from(PIECES), max_size=3).map(tuple)
STRIP = st.lists(st.sampled_from(["", ".", '"', "”", "’", ")", "]", "…", " ", "😀"]), max_size=4).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts=TEXTS, strip=STRIP, endings=ENDINGS)
def test_the_accelerator_finds_the_endings_python_finds(texts, strip, endings):
    assert _fastpage.ending_with(texts, strip, endings) == page.python_ending_with(texts, strip, endings)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(max_size=10), max_size=8), strip=st.text(max_size=4),
       endings=st.lists(st.text(max_size=3), max_size=3).map(tuple))
def test_any_texts_give_the_same_indexes(texts, strip, endings):
    assert _fastpage.ending_with(texts, strip, endings) == page.python_ending_with(texts, strip, endings)


@settings(max_examples=200, deadline=None)
@given(texts=TEXTS, strip=STRIP, endings=st.lists(st.sampled_from(PIECES), min_size=7, max_size=12).map(tuple))
def test_many_endings_give_the_same_indexes(texts, strip, endings):
    """More endings than the accelerator keeps last characters of: each text is matched."""
    assert _fastpage.ending_with(texts, strip, endings) == page.python_ending_with(texts, strip, endings)


@pytest.mark.parametrize("args", [([1], "", ("a",)), (["a"], "", (1,)), (("a",), "", ("a",))])
def test_other_types_are_refused(args):
    with pytest.raises(TypeError):
        _fastpage.ending_with(*args)
