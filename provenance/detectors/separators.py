"""separator-row: lines whose items are joined by separators ('Home | News | Sport', '| Gold | 607 |').

PASS: 'Prices rose 3% | officials said' is rare in prose, so two separators are required at least.
FAIL: '| News | Sports | Editorial |' (a menu or a flattened table row).
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params


def _thresholds(params: Params) -> tuple[int, int]:
    return params.int("min_separators"), params.int("max_words_per_item")


def detect(page: Page, params: Params) -> Iterator[Decision]:
    min_separators, max_words = params.once(_thresholds)
    for line in page.lines:
        if line.separators < min_separators:
            continue
        per_item = line.words / (line.separators + 1)
        if per_item <= max_words:
            yield Decision(line.number, line.number, f"{line.separators} separators, {per_item:.1f} words an item")
