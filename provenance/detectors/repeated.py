"""repeated-line: later copies of a title-like line from the head of the document.

PASS: a headline once, then the body. FAIL: the headline again further down (page title, h1, teaser).
Only title-like lines first seen among the first ``head_lines`` lines count (few words, no sentence
end): repeated rows deeper in the text are often table headers or list labels of the article itself.
List items and hard-wrapped pieces of a paragraph are never taken for a headline.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from provenance.detectors.page import OPEN_ENDS, Decision, Page, Params, titled_lines

_CONTINUES = regex.compile(r"^(?:\p{Ll}+[\s,;:.]|\()")  # a lower-case word goes on (not 'folder_open', an icon name)


def _part_of_paragraph(page: Page, index: int) -> bool:
    """A hard-wrapped line (it ends open, or the next line goes on in lower case) is a piece of a
    paragraph, and a paragraph repeated is a quotation or a test text, not a repeated headline."""
    line = page.lines[index]
    after = page.lines[index + 1] if index + 1 < len(page.lines) else None
    return line.text.endswith(OPEN_ENDS) or (
        after is not None and after.number == line.number + 1 and bool(_CONTINUES.match(after.text)))


def _thresholds(params: Params) -> tuple[int, int, int]:
    return params.int("min_chars"), params.int("max_words"), params.int("head_lines")


def detect(page: Page, params: Params) -> Iterator[Decision]:
    min_chars, max_words, head = params.once(_thresholds)
    seen: dict[str, int] = {}
    for index in titled_lines(page.lines, min_chars, max_words):
        line = page.lines[index]
        key = line.key
        if line.bullet:
            continue
        if (key not in seen and index >= head) or _part_of_paragraph(page, index):  # nothing to do, or a paragraph's
            continue
        if key in seen:
            yield Decision(line.number, line.number, f"repeats line {seen[key]}")
        elif index < head:
            seen[key] = line.number
