"""snippet-copy: a line cut off with an ellipsis whose words open another line of the same text.

PASS: a paragraph that ends in '...' because its writer trailed off. FAIL: 'The council met on Monday
and approved the...' when a later (or earlier) line reads 'The council met on Monday and approved the
new budget after a long debate.': teaser widgets and search results show the first words of a
paragraph that the page also carries whole; the cut-off copy adds nothing. The comparison is on the
line keys (case-folded words), so quotes and spacing do not hide a copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from provenance.detectors.page import CLOSERS, Decision, LineInfo, Page, Params, ending_with

_ELLIPSES = ("…", "...")


def _cut_prefix(line: LineInfo, min_chars: int) -> str | None:
    """The key of what comes before a closing ellipsis (the leftmost match of
    ``\\s*(?:…|\\.{3})["'”’»)\\]]*$``, whose closing class is ``CLOSERS``), when it is at least
    ``min_chars`` long: the line's own key. The cut holds white space, dots or ``…`` and closing
    marks, none of them a word character, and a key is the line's runs of word characters: the words
    before the cut are all the line's (so no key is made again for each cut line)."""
    if not line.text.rstrip(CLOSERS).endswith(_ELLIPSES):
        return None
    return line.key if len(line.key) >= min_chars else None


def _by_opening(lines: list[LineInfo], size: int) -> dict[str, list[LineInfo]]:
    """The lines, in order, by the first ``size`` characters of their keys: a key that opens with a
    prefix at least that long is among the lines filed under the prefix's opening. ``detect`` files
    only the lines whose keys open with one of its prefixes: the others are no copy's whole."""
    out: dict[str, list[LineInfo]] = defaultdict(list)
    for line in lines:
        out[line.key[:size]].append(line)
    return out


def _min_chars(params: Params) -> int:
    return params.int("min_chars")


def detect(page: Page, params: Params) -> Iterator[Decision]:
    min_chars = params.once(_min_chars)
    lines = page.lines  # _cut_prefix's first test, over all lines at once: few pass it
    cuts = [(line, prefix) for i in ending_with(page.texts, CLOSERS, _ELLIPSES)
            if (prefix := _cut_prefix(line := lines[i], min_chars)) is not None]
    if not cuts:
        return
    size = max(0, min_chars)
    prefixes = tuple(prefix for _, prefix in cuts)
    openings = _by_opening([other for other in lines if other.key.startswith(prefixes)], size)
    for line, prefix in cuts:
        whole = next((other for other in openings[prefix[:size]]
                      if other.number != line.number and len(other.key) > len(prefix) and other.key.startswith(prefix)),
                     None)
        if whole is not None:
            yield Decision(line.number, line.number, f"cut-off copy of line {whole.number}")
