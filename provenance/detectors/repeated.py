"""repeated-line: later copies of a title-like line from the head of the document.

PASS: a headline once, then the body. FAIL: the headline again further down (page title, h1, teaser).
Only title-like lines first seen among the first ``head_lines`` lines count (few words, no sentence
end): repeated rows deeper in the text are often table headers or list labels of the article itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params


def detect(page: Page, params: Params) -> Iterator[Decision]:
    min_chars, max_words = params.int("min_chars"), params.int("max_words")
    head = params.int("head_lines")
    seen: dict[str, int] = {}
    for index, line in enumerate(page.lines):
        key = line.key
        if len(key) < min_chars or line.words > max_words or line.sentence_end:
            continue
        if key in seen:
            yield Decision(line.number, line.number, f"repeats line {seen[key]}")
        elif index < head:
            seen[key] = line.number
