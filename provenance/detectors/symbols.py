"""symbol-line: lines made mostly of symbols, digits or punctuation ('| | |', '—', '[...]', '};').

PASS: 'The vote was 52 to 48.' FAIL: '| | |' or '- -'. Lines longer than ``max_chars`` are left alone
(a table of figures in the article is long and may be content).
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params


def detect(page: Page, params: Params) -> Iterator[Decision]:
    max_share, max_chars = params.float("max_letter_share"), params.int("max_chars")
    for line in page.lines:
        if line.chars <= max_chars and line.letter_share <= max_share and not line.spaceless:
            yield Decision(line.number, line.number, f"{line.letter_share:.0%} letters in {line.chars} characters")
