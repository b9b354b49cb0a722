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
    """The lines short enough to be a template are looked up at once: one call for the document."""
    if page.templates is None:
        return
    min_chars, min_docs, min_share, max_words = params.once(_thresholds)
    lines = [line for line in page.lines if len(line.key) >= min_chars and line.words <= max_words]
    if not lines:
        return
    holdings, total = page.templates([line.key for line in lines])
    share = min_share * total
    for line, holding in zip(lines, holdings):
        if holding >= min_docs and holding >= share:
            yield Decision(line.number, line.number, f"in about {holding} of {total} documents of the same source")
