"""introduced-list: a list that a sentence of the text announces belongs to the text.

KEEP: 'Here is what the committee asked the minister for:' followed by 'More teachers', 'Smaller
classes', 'A new school in the north'. A keeper, not a residue detector: its runs are lines that
the structural rules (menu runs, the context classifier, line scores, beyond-article) must leave
alone, because a line of prose ending in ':' introduced them. Menus are headed by labels
('Categories:', 'Follow us:'), which are too short or too poor in stopwords to be prose, and
signatures still apply inside the list: a share button stays residue.
"""

from __future__ import annotations

from collections.abc import Iterator

from provenance.detectors.page import Decision, LineInfo, Page, Params, ending_with


def _introduces(line: LineInfo, min_words: int, min_stop_share: float) -> bool:
    return line.text.endswith(":") and line.words >= min_words and line.stop_share >= min_stop_share


def _item(line: LineInfo, max_words: int, max_chars: int) -> bool:
    return line.words <= max_words and line.chars <= max_chars and not line.text.endswith(":")


def _thresholds(params: Params) -> tuple[int, float, int, int, int]:
    return (params.int("min_words"), params.float("min_stop_share"), params.int("max_item_words"),
            params.int("max_item_chars"), params.int("min_items"))


def detect(page: Page, params: Params) -> Iterator[Decision]:
    """Only lines ending in ':' can introduce a list, and no item ends so: the lines are scanned once
    for them (``ending_with``: few end so), and an introduction's items never hold the next one."""
    min_words, min_stop_share, max_words, max_chars, min_items = params.once(_thresholds)
    lines, decided = page.lines, page.decided
    for index in ending_with(page.texts, "", (":",)):
        intro = lines[index]
        if intro.number in decided or not _introduces(intro, min_words, min_stop_share):
            continue
        end = index + 1
        while end < len(lines) and lines[end].number not in decided and _item(lines[end], max_words, max_chars):
            end += 1
        if end - index - 1 >= min_items:
            yield Decision(lines[index + 1].number, lines[end - 1].number,
                           f"{end - index - 1} list items introduced by line {intro.number}")
