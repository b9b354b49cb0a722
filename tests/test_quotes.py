"""Quote-mark pairing (provenance.quotes): every style of mark, apostrophes, paragraphs, nesting."""

from __future__ import annotations

from itertools import pairwise

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.quotes import (
    _IS_LOWER, _IS_WORD, _TRAILING_SPACE, MARKS, RawQuote, _marks, _paired_paragraphs, pair_paragraph,
    paragraph_quotes,
)


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[RawQuote]:
    """The quotations ``paragraph_quotes`` finds, without their paragraphs."""
    return [quote for _, quote in paragraph_quotes(text, list(paragraphs))]


def quoted(text: str) -> list[str]:
    """The quoted words of ``text``, one paragraph a line."""
    paragraphs, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    return [text[q.start:q.end] for q in find_quotes(text, paragraphs)]


def test_every_style_of_mark():
    text = "“Curly,” she said. ‘Single,’ he said. «Guillemets», „Low high“ and \"straight\" too."
    assert quoted(text) == ["Curly,", "Single,", "Guillemets", "Low high", "straight"]


def test_an_apostrophe_never_splits_a_word():
    text = "‘The friendship between both sides’ future partners is strong,’ said Dana. China’s plan isn’t new."
    assert quoted(text) == ["The friendship between both sides’ future partners is strong,"]


def test_straight_single_quotes_are_apostrophes():
    assert quoted("The '90s were over and the players' union said 'no' twice.") == []


def test_nested_quotes_stay_inside_the_outer_one():
    assert quoted("They said they would have ‘no ‘red line’ areas of trade’ at all.") == ["no ‘red line’ areas of trade"]


def test_an_unclosed_single_mark_does_not_swallow_later_quotes():
    assert quoted("Rock ‘n roll, she said: “Play it loud.”") == ["Play it loud."]


def test_a_quote_over_several_paragraphs_continues_where_the_next_opens_with_the_mark():
    text = "“First paragraph of the speech.\n“Second paragraph,” the mayor said.\nAfter that, nothing."
    paragraphs = [(0, 31), (32, 67), (68, 88)]
    quotes = list(find_quotes(text, paragraphs))
    assert [text[q.start:q.end] for q in quotes] == ["First paragraph of the speech.", "Second paragraph,"]
    assert quotes[0].close is None and quotes[0].group == quotes[1].group


def test_a_separate_quote_in_the_next_paragraph_is_a_new_group():
    text = "“Closed here,” he said.\n“Another one,” she said."
    quotes = list(find_quotes(text, [(0, 23), (24, 48)]))
    assert quotes[0].group != quotes[1].group


WORDISH = st.text(alphabet="ab’'‘“”\"«» .,", max_size=60)


@settings(max_examples=200, deadline=None)
@given(text=WORDISH)
def test_no_quote_begins_or_ends_inside_a_word(text):
    for q in find_quotes(text, [(0, len(text))]):
        assert q.start < q.end
        assert q.open == 0 or not text[q.open - 1].isalpha()
        assert q.close is None or q.close + 1 == len(text) or not text[q.close + 1].isalpha()


MARKED = st.text(alphabet="ab ’'‘“”\"«»„‚‹›.,\n", max_size=80)


@settings(max_examples=300, deadline=None)
@given(text=MARKED)
def test_the_marks_found_by_str_find_are_the_pattern_s(text):
    assert _marks(text) == [m.start() for m in regex.finditer(rf"[{regex.escape(MARKS)}]", text)]


def every_paragraph(text: str, paragraphs: list[tuple[int, int]]) -> list[RawQuote]:
    """The quotations found visiting every paragraph in turn, as a reference."""
    marks, out, group, carrying = _marks(text), [], 0, None
    for lo, hi in paragraphs:
        mine = [i for i in marks if lo <= i < hi]
        if not mine:
            carrying = None
            continue
        pairs, dangling = pair_paragraph(text, lo, hi, mine)
        first = len(text[lo:hi]) - len(text[lo:hi].lstrip()) + lo
        continues = carrying is not None and first < hi and text[first] == carrying
        for opened, closed in pairs:
            group += not (continues and opened == first)
            continues = False
            if closed > opened + 1:
                out.append(RawQuote(opened + 1, closed, opened, closed, group))
        carrying = None
        if dangling is not None:
            group += not (continues and dangling == first)
            end = len(text[:hi].rstrip()) if text[dangling + 1:hi].strip() else dangling + 1
            if end > dangling + 1:
                out.append(RawQuote(dangling + 1, end, dangling, None, group))
            carrying = text[dangling]
    return out


LINES = ["“Open a speech", "a b", "“Go on,” he said", "China’s", "«x", "x»", "a “b", "  “c d", "'90s", "‘a’ b"]


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.tuples(st.sampled_from(LINES), st.booleans()), max_size=10))
def test_visiting_only_the_paragraphs_with_marks_finds_what_visiting_all_finds(lines):
    text, paragraphs, pos = "\n".join(line for line, _ in lines), [], 0
    for line, kept in lines:  # lines left out stand for residue lines, which are no paragraphs
        if kept:
            paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    assert list(find_quotes(text, paragraphs)) == every_paragraph(text, paragraphs)


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.tuples(st.sampled_from(LINES), st.booleans()), max_size=10))
def test_each_quotation_comes_with_the_paragraph_it_opens_in(lines):
    text, paragraphs, pos = "\n".join(line for line, _ in lines), [], 0
    for line, kept in lines:
        if kept:
            paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    located = list(paragraph_quotes(text, paragraphs))
    assert [q for _, q in located] == every_paragraph(text, paragraphs)
    assert all(paragraphs[k][0] <= q.open < paragraphs[k][1] for k, q in located)


SPACED = st.text(alphabet="a \t\n\r\x0b\x1c\x85\xa0\u2028\u3000", max_size=30)


@settings(max_examples=400, deadline=None)
@given(text=SPACED, lo=st.integers(0, 30), hi=st.integers(0, 30))
def test_the_trailing_space_read_from_the_end_is_what_a_search_for_it_finds(text, lo, hi):
    lo, hi = min(lo, len(text)), min(hi, len(text))
    if lo > hi:
        lo, hi = hi, lo
    assert _TRAILING_SPACE.match(text, lo, hi).start() == regex.compile(r"\s*$").search(text, lo, hi).start()


# Marks, and the characters their roles depend on: letters and digits within ASCII and beyond it,
# s before a ’, lowercase letters (ß) and characters Python calls lowercase that are not \p{Ll} (ª),
# spaces that are and are not regex's \s (\x1c), and characters of two and four bytes.
PAIRED = st.text(alphabet="aSs1 ’'‘“”\"«»„‚‹›.,\n\t\x1céßªЖ中٣\u2028😀", max_size=80)
LATIN1_PAIRED = st.text(alphabet="aSs1 '\"«».,\n\x1c\xa0éßªµ", max_size=80)


def paragraphs_of(text: str, cuts: list[int], kept: list[bool]) -> list[tuple[int, int]]:
    """Paragraphs between some of the cuts (those left out stand for residue lines)."""
    points = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    return [(lo, hi) for (lo, hi), keep in zip(pairwise(points), kept) if keep]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1500, deadline=None)
@given(text=st.one_of(PAIRED, LATIN1_PAIRED), cuts=st.lists(st.integers(0, 80), max_size=8),
       kept=st.lists(st.booleans(), min_size=9, max_size=9))
def test_the_accelerator_pairs_the_marks_the_python_code_pairs(text, cuts, kept):
    bounds = paragraphs_of(text, cuts, kept)
    assert accelerator.fastpage.paired_paragraphs(text, bounds, _IS_WORD, _IS_LOWER) == _paired_paragraphs(text, bounds)


# Long runs without a mark between marks, of characters on either side of U+00AA (the last below every
# mark but the straight double quote), in texts of one, two and four bytes a character: the
# accelerator skips such runs a block at a time.
RUNS = st.lists(st.tuples(st.text(alphabet="ab ,\x22\xa9\xaa\xab\xbb", max_size=40),
                          st.sampled_from(["", "“", "”", "’", "\u2014", "Ж", "😀", "«"])), max_size=12)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=500, deadline=None)
@given(runs=RUNS, cuts=st.lists(st.integers(0, 400), max_size=8), kept=st.lists(st.booleans(), min_size=9, max_size=9))
def test_the_accelerator_finds_the_marks_after_long_runs_without_one(runs, cuts, kept):
    text = "".join(run + mark for run, mark in runs)
    bounds = paragraphs_of(text, cuts, kept)
    assert accelerator.fastpage.paired_paragraphs(text, bounds, _IS_WORD, _IS_LOWER) == _paired_paragraphs(text, bounds)


def test_a_paragraph_of_apostrophes_alone_is_left_out_of_the_paired_ones():
    text = "China’s “talks”\nthe players’ union\n“Open"
    bounds = [(0, 15), (16, 34), (35, 40)]
    assert _paired_paragraphs(text, bounds) == [(0, [(8, 14)], None), (2, [], 35)]
    if accelerator.fastpage is not None:
        fast = accelerator.fastpage.paired_paragraphs(text, bounds, _IS_WORD, _IS_LOWER)
        assert fast == _paired_paragraphs(text, bounds)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_accelerator_takes_paragraphs_in_text_order_only():
    for bounds in ([(3, 1)], [(0, 4), (2, 5)], [(0, 99)], [[0, 1]], [(0,)]):
        with pytest.raises((ValueError, TypeError)):
            accelerator.fastpage.paired_paragraphs("“ab” c", bounds, _IS_WORD, _IS_LOWER)


def test_quotes_names_a_folder_holding_no_document(tmp_path, capsys):
    from provenance.cli import main
    (tmp_path / "empty").mkdir()
    assert main(["quotes", str(tmp_path / "empty"), "--format", "json"]) == 1
    assert "no documents found" in capsys.readouterr().out
