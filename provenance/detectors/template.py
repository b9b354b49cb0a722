"""template-line: lines that recur across many documents of the same outlet or domain (or, where no
document names either, of the corpus).

PASS: a line that only this article has. FAIL: 'Get our free morning briefing in your inbox' in
most documents of one outlet. Needs the corpus pre-pass (``provenance.templates``); without it
(a single document, or ``--no-templates``) the detector says nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params


def thresholds(params: Params) -> tuple[int, int, float, int]:
    """The rule's ``min_chars``, ``min_docs``, ``min_share`` and ``max_words``."""
    return params.int("min_chars"), params.int("min_docs"), params.float("min_share"), params.int("max_words")


def templated(holdings: list[int], total: int, min_docs: int, min_share: float) -> list[int]:
    """The indexes of the holdings (documents of the group holding a line) that make their line a
    template, of ``total`` documents in the group. Also what the result cache keys a document by
    (``templates.answers_for``)."""
    share = min_share * total
    return [i for i, holding in enumerate(holdings) if holding >= min_docs and holding >= share]


def detect(page: Page, params: Params) -> Iterator[Decision]:
    """The lines short enough to be a template are looked up at once: one call for the document."""
    if page.templates is None:
        return
    min_chars, min_docs, min_share, max_words = params.once(thresholds)
    lines = [line for line in page.lines if len(line.key) >= min_chars and line.words <= max_words]
    if not lines:
        return
    holdings, total, group = page.templates([line.key for line in lines])
    where = "of the corpus" if group == "corpus" else f"of the same {group}"
    for i in templated(holdings, total, min_docs, min_share):
        number = lines[i].number
        yield Decision(number, number, f"in about {holdings[i]} of {total} documents {where}")
