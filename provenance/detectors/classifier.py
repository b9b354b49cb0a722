"""context-classifier: each block is judged from its own features, then the doubtful ones from
their neighbours and their place, as jusText does with paragraphs, but on text alone.

0. Hard-wrapped lines (a line without a sentence end followed by one starting in lower case, or a
   line ending in a comma or hyphen) are joined into one block first, and blocks are judged.
1. Each block gets a class: ``good`` (long with many stopwords, or a sentence of some length),
   ``near`` (enough stopwords), ``short`` (too short to judge) or ``bad``. Lines another rule already
   called residue are ``bad`` anchors; with ``anchors_only`` the other bad and near blocks are only
   doubtful (short and good), so nothing is removed on its own features alone.
2. Runs of text: a running weight over the blocks (good adds, doubtful and bad subtract) marks each
   run that reaches ``region_min_score``; when those runs hold ``region_min_char_share`` of the
   characters, doubtful blocks outside every run are bad; when they hold less but at least
   ``edge_min_char_share``, only those before the first run and after the last (``by_place``).
   List entries and code never are.
3. ``near`` blocks are good unless the nearest good-or-bad block on both sides is bad; ``short``
   blocks take the class of their neighbours when both sides agree (beyond the text counts as bad
   with ``edges_are_residue``). Mixed neighbours leave a block alone.

Only ``bad`` blocks that no other rule decided are reported, with the features that decided. The
headline and its echo (``Page.title_lines``) and blocks with a code line (``code_pattern``) are never
reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import compress, groupby, islice

import regex

from provenance import accelerator
from provenance.detectors.page import OPEN_ENDS, Decision, LineInfo, Page, Params, Screened

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"
_OPEN_END_CHARS = "".join(OPEN_ENDS)  # each one character (a test checks): the accelerator's form
_NAMES = (GOOD, NEAR, SHORT, BAD)  # the accelerator's order
_CONTINUES = regex.compile(r"^[\p{Ll}(]")


def _wrapped(line: LineInfo, after: LineInfo) -> bool:
    """Whether ``after``, the line right below ``line``, goes on with its sentence."""
    return line.text.endswith(OPEN_ENDS) or (not line.sentence_end and _continues(after.text))


def _continues(text: str) -> bool:
    """``_CONTINUES.match(text)``; an ASCII first character is read here, where ``\\p{Ll}`` is ``[a-z]``."""
    first = text[:1]
    if first.isascii():
        return "a" <= first <= "z" or first == "("
    return bool(_CONTINUES.match(text))


def blocks(page: Page) -> tuple[list[LineInfo], list[tuple[int, int, int]]]:
    """Runs of hard-wrapped lines that make one paragraph; every other line is a block alone: each
    block's first line, and for each block of several lines its index with the indexes in
    ``page.lines`` of its first line and past its last (most blocks are one line: no list is made
    for each). No line that another rule decided joins a block: a block of several lines holds no
    decided line. By the accelerator's ``line_blocks`` where it is there, else by ``python_blocks``,
    its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.line_blocks(page.lines, page.decided, _OPEN_END_CHARS, _continues)
    return python_blocks(page)


def python_blocks(page: Page) -> tuple[list[LineInfo], list[tuple[int, int, int]]]:
    """Most lines have a blank line above them: that is checked first."""
    firsts: list[LineInfo] = []
    several: list[tuple[int, int, int]] = []
    decided = page.decided
    above = None
    start = 0
    for i, line in enumerate(page.lines):
        if (above is not None and line.number == above.number + 1 and line.number not in decided
                and above.number not in decided and _wrapped(above, line)):
            if several and several[-1][1] == start:
                several[-1] = (len(firsts) - 1, start, i + 1)
            else:
                several.append((len(firsts) - 1, start, i + 1))
        else:
            firsts.append(line)
            start = i
        above = line
    return firsts, several


def block_infos(firsts: list[LineInfo], several: list[tuple[int, int, int]], page: Page) -> list[LineInfo]:
    """Each block's features (``firsts`` made them, in place): a block of one line has its line's; the
    lines of the others are joined by spaces, and their features found together."""
    if several:
        lines = page.lines
        joined = page.infos([(firsts[at].number, " ".join(line.text for line in lines[start:end]))
                             for at, start, end in several])
        for (at, _, _), info in zip(several, joined):
            firsts[at] = info
    return firsts


def initial_class(line: LineInfo, p: dict[str, float], decided: set[int]) -> str:
    if line.number in decided:
        return BAD
    if line.spaceless:
        return GOOD if line.sentence_end else SHORT
    if line.chars >= p["good_chars"] and line.stop_share >= p["good_stop_share"]:
        return GOOD
    if line.sentence_end and line.words >= p["sentence_words"] and line.stop_share >= p["sentence_stop_share"]:
        return GOOD
    if line.chars < p["short_chars"]:
        return SHORT
    if line.stop_share >= p["near_stop_share"]:
        return NEAR
    if line.chars >= p["long_chars"] and line.stop_share >= p["long_min_stop_share"]:
        return NEAR
    return BAD


def title_like(line: LineInfo, max_words: int, min_capital_share: float) -> bool:
    """A headline's shape: few words, mostly capitalised, no sentence end. A list of such lines (teaser
    titles, link texts) is not a run of text however long its lines are."""
    return not line.sentence_end and line.words <= max_words and line.capital_share >= min_capital_share


def _skipped_runs(classes: list[str], skip: tuple[str, ...], edge: str) -> Iterator[tuple[int, int, str, str]]:
    """Each longest run of classes in ``skip``: its start and end (exclusive), and the nearest class
    not in ``skip`` above and below it (beyond the text: ``edge``)."""
    start = 0
    for skipped, run in groupby(classes, skip.__contains__):
        end = start + len(list(run))
        if skipped:
            yield start, end, classes[start - 1] if start else edge, classes[end] if end < len(classes) else edge
        start = end


def main_regions(classes: list[str], sizes: list[int], weights: dict[str, float], line_cost: float,
                 min_score: float) -> list[bool]:
    """Which blocks lie in a run of text: scanning once, a running weight (good blocks add their
    size, doubtful and bad ones subtract theirs plus a cost per line) restarts when it drops to zero,
    and each run up to its peak is text when the peak reaches ``min_score``; several runs may qualify
    (a blog page with several posts), as in body-text extraction by maximum subsequences."""
    inside = [False] * len(classes)
    total, start, best, best_end = 0.0, 0, 0.0, -1

    def close() -> None:
        if best_end >= 0 and best >= min_score:
            inside[start: best_end + 1] = [True] * (best_end + 1 - start)

    for i, (c, size) in enumerate(zip(classes, sizes)):
        if total <= 0:
            close()
            total, start, best, best_end = 0.0, i, 0.0, -1
        total += weights[c] * size - (line_cost if weights[c] <= 0 else 0.0)
        if total > best:
            best, best_end = total, i
    close()
    return inside


def by_place(inside: list[bool], sizes: list[int], min_share: float, edge_min_share: float) -> list[bool]:
    """Which blocks are judged by their place, outside every run of text: all of them when the runs
    hold ``min_share`` of the characters; only those before the first run and after the last (the
    page's head and foot) when the runs hold ``edge_min_share``, a full page whose article is a
    small part of it; none otherwise (no text to contrast)."""
    held = sum(size for size, kept in zip(sizes, inside) if kept)
    total = sum(sizes)
    if not any(inside) or held < edge_min_share * total:
        return [False] * len(inside)
    if held >= min_share * total:
        return [not kept for kept in inside]
    first, last = inside.index(True), len(inside) - 1 - inside[::-1].index(True)
    return [i < first or i > last for i in range(len(inside))]


def revise(classes: list[str], edge: str) -> list[str]:
    """Near blocks by their nearest good-or-bad neighbours, then short blocks by their nearest
    neighbours of another class; each block of a run shares the run's neighbours."""
    out = list(classes)
    for start, end, up, down in _skipped_runs(classes, (SHORT, NEAR), edge) if NEAR in classes else ():
        for i in range(start, end):
            if classes[i] == NEAR:
                out[i] = BAD if up == BAD and down == BAD else GOOD
    final = list(out)
    for start, end, up, down in _skipped_runs(out, (SHORT,), edge):
        if up == down:
            final[start:end] = [up] * (end - start)
    return final


def _why(line: LineInfo, first: str) -> str:
    punct = "ends a sentence" if line.sentence_end else "no sentence end"
    return (f"{first}: {line.words} words, {line.chars} characters, {_percent(line.stop_share)} stopwords, "
            f"{_percent(line.capital_share)} capitalised, {punct}")


@lru_cache(maxsize=1 << 14)
def _percent(share: float) -> str:
    """``f"{share:.0%}"``, kept: shares are ratios of small counts, the same ones on many lines, and
    formatting one costs more than finding it again (the classifier explains thousands a corpus MB)."""
    return f"{share:.0%}"


@dataclass(frozen=True)
class _Thresholds:
    classes: dict[str, float]  # initial_class's
    min_good_blocks: int
    anchors_only: bool
    entry: Screened
    code: Screened
    weights: dict[str, float]
    title_words: int
    title_capitals: float
    line_cost: float
    min_score: float
    min_char_share: float
    edge_min_char_share: float
    headline_words: int
    echo_overlap: float
    edge: str
    limits: tuple[float, ...] = ()  # those classes_and_places reads, as the accelerator's block_classes takes them


_CLASS_KEYS = ("good_chars", "good_stop_share", "sentence_words", "sentence_stop_share", "short_chars",
               "near_stop_share", "long_chars", "long_min_stop_share")


def _thresholds(params: Params) -> _Thresholds:
    return with_limits(_Thresholds(
        classes={k: params.float(k) for k in _CLASS_KEYS},
        min_good_blocks=params.int("min_good_blocks"),
        anchors_only=params.bool("anchors_only"),
        entry=params.pattern("list_entry_pattern"),
        code=params.pattern("code_pattern"),
        weights={GOOD: 1.0, NEAR: params.float("region_near_weight"), SHORT: -params.float("region_short_weight"),
                 BAD: -params.float("region_bad_weight")},
        title_words=params.int("region_title_max_words"),
        title_capitals=params.float("region_title_min_capital_share"),
        line_cost=params.float("region_line_cost"),
        min_score=params.float("region_min_score"),
        min_char_share=params.float("region_min_char_share"),
        edge_min_char_share=params.float("edge_min_char_share"),
        headline_words=params.int("headline_max_words"),
        echo_overlap=params.float("title_echo_min_overlap"),
        edge=BAD if params.bool("edges_are_residue") else GOOD,
    ))


def with_limits(t: _Thresholds) -> _Thresholds:
    """``t`` with its ``limits``: its thresholds in the order of the accelerator's ``block_classes``."""
    return replace(t, limits=(*(t.classes[k] for k in _CLASS_KEYS), t.min_good_blocks, float(t.anchors_only),
                              t.title_words, t.title_capitals, *(t.weights[c] for c in _NAMES), t.line_cost,
                              t.min_score, t.min_char_share, t.edge_min_char_share))


def classes_and_places(infos: list[LineInfo], decided: set[int], t: _Thresholds) -> tuple[list[str], list[bool]] | None:
    """Each block's first class (``anchors_only`` applied) and whether its place judges it (``by_place``
    outside the runs of text), or None when fewer than ``min_good_blocks`` blocks are good. The
    accelerator's ``block_classes`` gives the same lists."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.block_classes(infos, decided, _NAMES, t.limits)
    first = [initial_class(i, t.classes, decided) for i in infos]  # a block's number is its first line's
    if first.count(GOOD) < t.min_good_blocks:
        return None
    if t.anchors_only:
        first = [c if c == GOOD or i.number in decided else (GOOD if c == NEAR else SHORT)
                 for i, c in zip(infos, first)]
    sizes = [i.chars for i in infos]
    region_classes = [SHORT if c == GOOD and title_like(info, t.title_words, t.title_capitals) else c
                      for c, info in zip(first, infos)]
    inside = main_regions(region_classes, sizes, t.weights, t.line_cost, t.min_score)
    return first, by_place(inside, sizes, t.min_char_share, t.edge_min_char_share)


def revised(classes: list[str], edge: str) -> list[str]:
    """``revise``, by the accelerator's ``revise_classes`` when it is there."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.revise_classes(classes, _NAMES, edge)
    return revise(classes, edge)


def _coded(blocks: list[list[LineInfo]], code: Screened) -> list[bool]:
    """Whether each block holds a code line (``code_pattern``), from one scan of all their lines."""
    found = code.found_in([line.text for block in blocks for line in block])
    if len(found) == len(blocks):  # blocks of one line each
        return found
    lines = iter(found)
    return [any(list(islice(lines, len(block)))) for block in blocks]


def _placed(first: list[str], judged: list[bool], infos: list[LineInfo], units: _Units,
            t: _Thresholds) -> tuple[set[int], dict[int, bool]]:
    """Which blocks are bad by their place: judged there, doubtful (a bad block stays bad), and no list
    entry or code; and whether each block searched for code holds some. The patterns are slow: the
    entry pattern is searched only in doubtful blocks that are no bullet, code only where no entry is."""
    doubtful = [i for i in compress(range(len(first)), judged) if first[i] in (NEAR, SHORT) and not infos[i].bullet]
    if not doubtful:
        return set(), {}
    entries = t.entry.found_in([infos[i].text for i in doubtful])
    searched = [i for i, entry in zip(doubtful, entries) if not entry]
    coded = dict(zip(searched, _coded([units.lines(i) for i in searched], t.code)))
    return {i for i, has_code in coded.items() if not has_code}, coded


class _Units:
    """The lines of each block, from ``blocks``' answer: a block of several lines is a slice of the
    page's lines, any other its first line alone."""

    def __init__(self, lines: list[LineInfo], infos: list[LineInfo], several: list[tuple[int, int, int]]):
        self._lines, self._infos = lines, infos
        self._spans = {at: (start, end) for at, start, end in several}

    def lines(self, i: int) -> list[LineInfo]:
        span = self._spans.get(i)
        return [self._infos[i]] if span is None else self._lines[span[0]:span[1]]

    def last_number(self, i: int) -> int:
        span = self._spans.get(i)
        return self._infos[i].number if span is None else self._lines[span[1] - 1].number


def detect(page: Page, params: Params) -> Iterator[Decision]:
    if page.language is None:
        return
    t = params.once(_thresholds)
    firsts, several = blocks(page)
    infos = block_infos(firsts, several, page)  # a block's number is its first line's
    classified = classes_and_places(infos, page.decided, t)
    if classified is None:
        return
    first, judged = classified
    units = _Units(page.lines, infos, several)
    placed, coded = _placed(first, judged, infos, units, t)
    for i in placed:
        first[i] = BAD
    titles = page.title_lines(t.headline_words, t.echo_overlap)
    final = revised(first, t.edge)
    decided = page.decided
    bad = [i for i, after in enumerate(final) if after == BAD and (number := infos[i].number) not in decided
           and number not in titles]
    # Code in a technical article has no stopwords but is text; a block bad by its place was not listed: no code.
    unknown = [i for i in bad if i not in placed and i not in coded]
    if unknown:
        coded.update(zip(unknown, _coded([units.lines(i) for i in unknown], t.code)))
    for i in bad:
        if i in placed or not coded[i]:
            before = first[i]
            label = "low-content line" if before == BAD else f"{before} line among residue"
            yield Decision(infos[i].number, units.last_number(i), _why(infos[i], label))
