"""menu-run: runs of short title-like lines (menus, category lists, link lists).

PASS: one sub-heading between paragraphs. FAIL: 'World', 'Business', 'Sport', 'Culture' on lines of
their own, ``min_run`` or more in a row, each short, capitalised and without a sentence end. Lines
with inner structure ('Editor: Jane Roe', '6. Team - Region', 'Madison at Oxford, 7 p.m.', '57 The
Long Road': a count before a title) are list entries of the article (credits, rankings, schedules,
vote tallies), not links, and break a run. Lines of the shape ``link_item_pattern`` ('Sports (245)':
a category or archive link with its post count) are menu items whatever their words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import or_

from provenance import accelerator
from provenance.detectors.page import Decision, LineInfo, Page, Params, Screened


def menu_shaped(lines: list[LineInfo], max_words: int, min_capitals: float) -> list[bool]:
    """Which lines have a menu item's shape: by the accelerator's ``menu_shaped_lines`` where it is
    there (menu-run reads every line of every document), else by ``python_menu_shaped``, its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.menu_shaped_lines(lines, LineInfo, max_words, min_capitals)
    return python_menu_shaped(lines, max_words, min_capitals)


def python_menu_shaped(lines: list[LineInfo], max_words: int, min_capitals: float) -> list[bool]:
    """Short, capitalised, without a sentence end, in a script with spaces, and not several words in
    capitals (a section heading of the text)."""
    return [0 < line.words <= max_words and not line.sentence_end and line.capital_share >= min_capitals
            and not line.spaceless and not (line.words > 1 and line.text.isupper()) for line in lines]


def _thresholds(params: Params) -> tuple[int, re.Pattern, float, Screened, Screened]:
    runs = re.compile(b"\\x01{%d,}" % params.int("min_run"))  # min_run items in a row, of 1 an item
    return (params.int("max_words"), runs, params.float("min_capital_share"), params.pattern("list_entry_pattern"),
            params.pattern("link_item_pattern"))


def detect(page: Page, params: Params) -> Iterator[Decision]:
    """A menu item is a title-like line that is no list entry, or a link with its count. Lines that
    can be neither break every run, so the list-entry pattern (slow) is searched only in stretches
    of ``min_run`` lines or more that may be items: title-like lines, or links; a stretch's title-like
    lines all at once (``found_in``). Links are looked for in all lines at once: few hold the
    characters a link needs (``found_in`` searches no other)."""
    max_words, runs, min_capitals, entry, link = params.once(_thresholds)
    lines = page.lines
    titled = menu_shaped(lines, max_words, min_capitals)
    linked = link.found_in(page.texts)
    possible = bytes(map(or_, titled, linked))
    for stretch in runs.finditer(possible):
        start, end = stretch.span()
        entries = iter(entry.found_in([lines[i].text for i in range(start, end) if titled[i]]))
        items = bytes([not titled[i] or not next(entries) or linked[i] for i in range(start, end)])
        for run in runs.finditer(items):
            first, last = start + run.start(), start + run.end() - 1
            yield Decision(lines[first].number, lines[last].number, f"{last - first + 1} short title-like lines in a row")
