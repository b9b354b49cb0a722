"""template-line: lines that recur across many documents of the same outlet or domain.

PASS: a line that only this article has. FAIL: 'Get our free morning briefing in your inbox' in
most documents of one outlet. Needs the corpus pre-pass (``provenance.templates``); without it
(a single document, or ``--no-templates``) the detector says nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params


def _thresholds(params: Params) -> tuple[int, int, float, int]:
    return params.int("min_chars"), params.int("min_docs"), params.float("min_share"), params.int("max_words")


def detect(page: Page, params: Params) -> Iterator[Decision]:
    if page.templates is None:
        return
    min_chars, min_docs, min_share, max_words = params.once(_thresholds)
    for line in page.lines:
        key = line.key
        if len(key) < min_chars or line.words > max_words:
            continue
        holding, total = page.templates(key)
        if holding >= min_docs and holding >= min_share * total:
            yield Decision(line.number, line.number, f"in about {holding} of {total} documents of the same source")
