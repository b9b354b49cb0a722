"""Quote-mark pairing: where each direct quotation begins and ends.

One compiled scan finds the candidate marks of a paragraph; each mark is then judged by its two
neighbours only, so pairing is linear in the text. A mark between two letters (China’s, don't) is
an apostrophe, never a quotation boundary; an opening mark never follows a letter and a closing mark
never precedes one, so no quotation begins or ends inside a word. Straight single quotes are
apostrophes (don't, the '90s, the players' union), never quotation marks. Nested quotations stay inside the
outermost pair. A paragraph that leaves “ open runs to its end and, when the next paragraph opens
with the same mark, continues there (the convention for quotations over several paragraphs).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from provenance import accelerator

# Opening mark -> the closing marks that may end it (scraped text mixes curly and straight double quotes).
CLOSERS: dict[str, str] = {"“": "”\"", "„": "“”", "«": "»", "‹": "›", "‘": "’", "‚": "’‘", '"': '"”'}
# Marks that may leave a quotation open at the end of a paragraph (never single quotes: too often apostrophes).
CONTINUING = {"“", "„", "«", '"'}
MARKS = "“”„«»‹›‘’‚\""  # every quotation mark: the openers and the closers
_WORD = regex.compile(r"[\p{L}\p{N}]")
_POSSESSIVE_NEXT = regex.compile(r" \p{Ll}")
_LEADING_SPACE = regex.compile(r"\s*")
# The space ending a range, read from its end: a search for ``\s*$`` tries every offset of the range.
_TRAILING_SPACE = regex.compile(r"\s*", regex.REVERSE)
MAX_DEPTH = 4


@dataclass(slots=True)
class RawQuote:
    """A quotation's text offsets: ``start``..``end`` lie inside the marks; ``group`` links the
    paragraphs of one quotation that runs over several of them. Never changed, but not frozen: a
    frozen dataclass sets each field through ``object.__setattr__``, which makes one four times as
    costly to build, and one is built for every quotation."""

    start: int
    end: int
    open: int
    close: int | None  # None when the paragraph ends before the quotation closes
    group: int


class _CharTest(dict):
    """Whether a character (or "", none) matches a one-character pattern, each character asked once:
    a mark's neighbours are judged on every mark, and a dictionary answers faster than a match."""

    def __init__(self, pattern: regex.Pattern):
        super().__init__()
        self.pattern = pattern

    def __missing__(self, ch: str) -> bool:
        self[ch] = bool(ch) and self.pattern.match(ch) is not None
        return self[ch]


_IS_WORD = _CharTest(_WORD)
_IS_LOWER = _CharTest(regex.compile(r"\p{Ll}"))  # what follows the space of ``_POSSESSIVE_NEXT``


def _roles(text: str, i: int, lo: int, hi: int) -> tuple[bool, bool]:
    """Whether the mark at ``i`` may open and may close a quotation, from its neighbours."""
    before = text[i - 1] if i > lo else ""
    after = text[i + 1] if i + 1 < hi else ""
    word_before, word_after = _IS_WORD[before], _IS_WORD[after]
    if word_before and word_after:
        return False, False  # an apostrophe inside a word
    can_open = not word_before and bool(after) and not after.isspace()
    can_close = not word_after and bool(before) and not before.isspace()
    return can_open, can_close


def _plural_possessive(text: str, i: int, hi: int, last_single: int) -> bool:
    """``sides’ future``: a single mark after an s, before a word, with a later single mark to close on."""
    return text[i - 1] in "sS" and _POSSESSIVE_NEXT.match(text, i + 1, hi) is not None and i < last_single


def _scan(text: str, lo: int, hi: int, marks: list[int],
          ignored: set[int]) -> tuple[list[tuple[int, int]], list[tuple[str, int]]]:
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    last_single = text.rfind("’", lo, hi)
    for i in marks:
        ch = text[i]
        if i in ignored:
            continue
        can_open, can_close = _roles(text, i, lo, hi)
        if can_close and stack and ch in CLOSERS[stack[-1][0]]:
            if not (ch == "’" and _plural_possessive(text, i, hi, last_single)):
                opener = stack.pop()
                if not stack:
                    pairs.append((opener[1], i))
                continue
        if can_open and ch in CLOSERS and len(stack) < MAX_DEPTH:
            stack.append((ch, i))
    return pairs, stack


def pair_paragraph(text: str, lo: int, hi: int, marks: list[int]) -> tuple[list[tuple[int, int]], int | None]:
    """Outermost quote pairs (opening, closing mark offsets) in ``text[lo:hi]``, whose marks lie at
    ``marks``, and the offset of an outermost mark left open at the end, if any. Single marks that
    never close ('90s) are dropped and the paragraph paired again, so they cannot swallow the
    quotations after them."""
    pairs, stack = _scan(text, lo, hi, marks, set())
    unclosed_single = {i for ch, i in stack if ch not in CONTINUING}
    if unclosed_single:
        pairs, stack = _scan(text, lo, hi, marks, unclosed_single)
    open_marks = [(ch, i) for ch, i in stack if ch in CONTINUING]
    return pairs, (open_marks[0][1] if open_marks and open_marks[0] == stack[0] else None)


def _marks(text: str) -> list[int]:
    """The offsets of every quotation mark, in order. One ``str.find`` scan per mark: ten times
    faster than ``regex`` scanning for the class of marks, three times faster than ``re``."""
    marks: list[int] = []
    for mark in MARKS:
        i = text.find(mark)
        while i >= 0:
            marks.append(i)
            i = text.find(mark, i + 1)
    marks.sort()
    return marks


def _paired_paragraphs(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, list[tuple[int, int]], int | None]]:
    """Each paragraph with a pair of marks or a mark left open, by its index in ``bounds``, with its
    pairs and the mark it leaves open (``pair_paragraph``). The marks of the whole text are found at
    once, and only the paragraphs holding one are visited, each found from its first mark by binary
    search: most paragraphs hold none. Of those that do, over half hold apostrophes alone and are
    left out: for ``paragraph_quotes`` such a paragraph, which ends no quotation left open before
    it, is one without marks. The reference of the accelerator's ``paired_paragraphs``."""
    marks = _marks(text)
    starts = [lo for lo, _ in bounds]
    paired = []
    i = 0
    while i < len(marks):
        k = bisect_right(starts, marks[i]) - 1  # the paragraph holding the mark, if any holds it
        if k < 0 or marks[i] >= bounds[k][1]:
            if k + 1 >= len(bounds):
                break
            i = bisect_left(marks, starts[k + 1], i + 1)  # no paragraph holds it: on to the next one
            continue
        lo, hi = bounds[k]
        j = bisect_left(marks, hi, i + 1)
        pairs, dangling = pair_paragraph(text, lo, hi, marks[i:j])
        if pairs or dangling is not None:
            paired.append((k, pairs, dangling))
        i = j
    return paired


def _paired(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, list[tuple[int, int]], int | None]]:
    """``_paired_paragraphs``, by the C accelerator where it is built (``accelerator.fastpage``, looked up on
    each use: tests switch it off), which reads every paragraph in one call."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.paired_paragraphs(text, bounds, _IS_WORD, _IS_LOWER)
    return _paired_paragraphs(text, bounds)


def paragraph_quotes(text: str, bounds: list[tuple[int, int]]) -> Iterator[tuple[int, RawQuote]]:
    """Every quotation in the given paragraphs (``(start, end)`` offsets, in text order, none
    overlapping), each with the index in ``bounds`` of the paragraph it opens in: known here, where
    the attribution would search for it."""
    group = 0
    carrying: str | None = None  # the mark a quotation left open in the paragraph ``last``
    last = -2
    for k, pairs, dangling in _paired(text, bounds):
        lo, hi = bounds[k]
        if k != last + 1:
            carrying = None  # a paragraph without quotations came between
        last = k
        # where the paragraph's words begin, read only after one that left a quotation open
        first = _LEADING_SPACE.match(text, lo, hi).end() if carrying is not None else hi
        continues = carrying is not None and first < hi and text[first] == carrying
        for opened, closed in pairs:
            if not (continues and opened == first):
                group += 1
            continues = False
            if closed > opened + 1:
                yield k, RawQuote(opened + 1, closed, opened, closed, group)
        carrying = None
        if dangling is not None:
            if not (continues and dangling == first):
                group += 1
            end = _TRAILING_SPACE.match(text, dangling + 1, hi).start()
            if end > dangling + 1:
                yield k, RawQuote(dangling + 1, end, dangling, None, group)
            carrying = text[dangling]
