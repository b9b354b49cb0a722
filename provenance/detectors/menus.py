"""menu-run: runs of short title-like lines (menus, category lists, link lists).

PASS: one sub-heading between paragraphs. FAIL: 'World', 'Business', 'Sport', 'Culture' on lines of
their own, ``min_run`` or more in a row, each short, capitalised and without a sentence end. Lines
with inner structure ('Editor: Jane Roe', '6. Team - Region', 'Madison at Oxford, 7 p.m.', '57 The
Long Road': a count before a title) are list entries of the article (credits, rankings, schedules,
vote tallies), not links, and break a run. Lines of the shape ``link_item_pattern`` ('Sports (245)':
a category or archive link with its post count) are menu items whatever their words.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from provenance.detectors.page import Decision, LineInfo, Page, Params, Screened


def _shouting(line: LineInfo) -> bool:
    """Several words in capitals: a section heading of the text, not a menu item."""
    return line.words > 1 and line.text.isupper()


def _menu_item(line: LineInfo, max_words: int, min_capitals: float, entry: regex.Pattern, link: regex.Pattern) -> bool:
    """A title-like line that is no list entry, or a link with its count. The link is searched last:
    most short title-like lines are items without it."""
    if (0 < line.words <= max_words and not line.sentence_end and line.capital_share >= min_capitals
            and not line.spaceless and not _shouting(line) and not entry.search(line.text)):
        return True
    return link.search(line.text) is not None


def _thresholds(params: Params) -> tuple[int, int, float, Screened, Screened]:
    return (params.int("max_words"), params.int("min_run"), params.float("min_capital_share"),
            params.pattern("list_entry_pattern"), params.pattern("link_item_pattern"))


def detect(page: Page, params: Params) -> Iterator[Decision]:
    max_words, min_run, min_capitals, entry, link = params.once(_thresholds)
    run: list[LineInfo] = []
    for line in [*page.lines, None]:
        if line is not None and _menu_item(line, max_words, min_capitals, entry, link):
            run.append(line)
            continue
        if len(run) >= min_run:
            yield Decision(run[0].number, run[-1].number, f"{len(run)} short title-like lines in a row")
        run = []
