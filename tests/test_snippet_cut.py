"""snippet-copy passes over lines without a closing ellipsis, and reads the cut back from the
ellipsis; the cut-off prefixes must be those of a search of the whole line alone."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import snippets
from provenance.detectors.page import build_page, line_info, line_key
from provenance.document import Document

PIECES = ["The", "council", "met", " ", "  ", "\u00a0", ".", "..", "...", "…", "....", '"', "'", "”", "’", "»", ")", "]",
          "(", "x", "é", "\t", "\u2003", "\u3000", "\x85", "\x1c", "\u200b", "\n"]
CUT = regex.compile(r"\s*(?:…|\.{3})[\"'”’»)\]]*$")  # the cut, found by a search of the whole line


def plain_cut_prefix(text: str, min_chars: int) -> str | None:
    cut = CUT.search(text)
    if cut is None:
        return None
    key = line_key(text[:cut.start()])
    return key if len(key) >= min_chars else None


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=12), min_chars=st.integers(0, 8))
def test_cut_prefixes_equal_the_search_alone(parts, min_chars):
    line = line_info(1, "".join(parts), frozenset())
    assert snippets._cut_prefix(line, min_chars) == plain_cut_prefix(line.text, min_chars)


def scanned_wholes(page, min_chars: int) -> list[tuple[int, str]]:
    """What snippet-copy finds, each cut line's whole looked for among all the page's lines."""
    out = []
    for line in page.lines:
        prefix = snippets._cut_prefix(line, min_chars)
        whole = prefix is not None and next((other for other in page.lines if other.number != line.number
                                             and len(other.key) > len(prefix) and other.key.startswith(prefix)), None)
        if whole:
            out.append((line.number, f"cut-off copy of line {whole.number}"))
    return out


class ParamsOf:
    """snippet-copy's one param."""

    def __init__(self, min_chars: int):
        self.min_chars = min_chars

    def int(self, key: str) -> int:
        assert key == "min_chars"
        return self.min_chars

    def once(self, read):
        return read(self)


WORDS = ["The", "council", "met", "the", "...", "…", " ", "x", "é", '"', "”)", "\t"]
LINES = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINES, max_size=10), min_chars=st.integers(-2, 12))
def test_the_whole_line_is_looked_for_only_among_lines_opening_like_the_cut(lines, min_chars):
    page = build_page(Document(id="t", path="t", text="\n".join(lines)), {})
    found = [(d.first, d.reason) for d in snippets.detect(page, ParamsOf(min_chars))]
    assert found == scanned_wholes(page, min_chars)


def test_a_cut_line_finds_its_whole_among_lines_opening_alike():
    page = build_page(Document(id="t", path="t", text="the council met\nThe council met the x\nthe council...\n"), {})
    assert [(d.first, d.reason) for d in snippets.detect(page, ParamsOf(5))] == [(3, "cut-off copy of line 1")]
