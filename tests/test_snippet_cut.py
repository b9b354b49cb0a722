"""snippet-copy passes over lines without a closing ellipsis before its slow search; the cut-off
prefixes must be those of the search alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import snippets
from provenance.detectors.page import line_info, line_key

PIECES = ["The", "council", "met", " ", "  ", "\u00a0", ".", "..", "...", "…", "....", '"', "'", "”", "’", "»", ")", "]",
          "(", "x", "é", "\t"]


def plain_cut_prefix(text: str, min_chars: int) -> str | None:
    cut = snippets._CUT.search(text)
    if cut is None:
        return None
    key = line_key(text[:cut.start()])
    return key if len(key) >= min_chars else None


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=12), min_chars=st.integers(0, 8))
def test_cut_prefixes_equal_the_search_alone(parts, min_chars):
    line = line_info(1, "".join(parts), frozenset())
    assert snippets._cut_prefix(line, min_chars) == plain_cut_prefix(line.text, min_chars)
