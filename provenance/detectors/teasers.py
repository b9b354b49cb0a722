"""teaser-block: a title-like line shown twice within a few lines, next to residue (a 'Read more' or
'Related' header, a relative timestamp): a teaser card linking another article.

PASS: a headline and, further down, the body. FAIL: 'Talks resume in Geneva' / '2 hours ago' /
'Talks resume in Geneva' (image alt text and link text of the same card). Both copies go, with the
lines between them are left to the rules that judge them. The document's headline (its first
title-like line that is not residue) is never a teaser: its later copies are repeated-line's.
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, Page, Params, titled_lines


def _thresholds(params: Params) -> tuple[int, int, int]:
    return params.int("min_chars"), params.int("max_words"), params.int("max_gap")


def detect(page: Page, params: Params) -> Iterator[Decision]:
    min_chars, max_words, max_gap = params.once(_thresholds)
    lines = page.lines
    titles = titled_lines(lines, min_chars, max_words)
    headline = next((lines[i].key for i in titles if lines[i].number not in page.decided), None)
    last_seen: dict[str, int] = {}
    for i in titles:
        line = lines[i]
        if line.key == headline:
            continue
        j = last_seen.get(line.key)
        last_seen[line.key] = i
        if j is None or i - j > max_gap:
            continue
        between = lines[j + 1: i]
        if any(x.words > max_words for x in between):
            continue
        around = [*lines[max(0, j - 1): j], *between, *lines[i + 1: i + 2]]
        if any(x.number in page.decided for x in around):
            yield Decision(lines[j].number, lines[j].number, f"shown again on line {line.number}, beside residue")
            yield Decision(line.number, line.number, f"repeats line {lines[j].number} beside residue")
