"""symbol-line: lines made mostly of symbols, digits or punctuation ('| | |', '—', '[...]', '};').

PASS: 'The vote was 52 to 48.' FAIL: '| | |' or '- -'. Lines longer than ``max_chars`` are left alone
(a table of figures in the article is long and may be content), and so are figures: lines mostly of
digits that read as data (``data_pattern``: decimals, shares, sums, lists of numbers, table bars), which
are left to the context rules. A price ('€3.49', ``price_pattern``) is shop residue whatever its digits.
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params, Screened


def _thresholds(params: Params) -> tuple[float, int, float, Screened, Screened]:
    return (params.float("max_letter_share"), params.int("max_chars"), params.float("max_digit_share"),
            params.pattern("data_pattern"), params.pattern("price_pattern"))


def detect(page: Page, params: Params) -> Iterator[Decision]:
    max_share, max_chars, max_digits, data, price = params.once(_thresholds)
    for line in page.lines:
        if line.chars > max_chars or line.letter_share > max_share or line.spaceless:
            continue
        figures = line.digit_share > max_digits and bool(data.search(line.text)) and not price.search(line.text)
        if not figures:  # the patterns are searched only in the short lines poor in letters
            yield Decision(line.number, line.number, f"{line.letter_share:.0%} letters in {line.chars} characters")
