"""Detector patterns (``Params.pattern``) are searched by ``regex`` only in texts their RE2 copy
matches (``page.Screened``): the answer must be ``regex``'s own, on every text."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors.page import Screened
from provenance.prescan import known_to_re2
from provenance.rulepack import load_rules


def shipped_patterns() -> list[str]:
    return sorted({source for rule in load_rules().detectors if rule.dimension == "residue"
                   for key, value in rule.params.items() if key.endswith("_pattern")
                   for source in ([value] if isinstance(value, str) else value)})


SHIPPED = shipped_patterns()
# Constructs the RE2 copy loosens or leaves out, and inline flags (no copy).
OTHERS = [r"\bSELECT\b", r"^\w{2,3}\s*$", r"\d{1,2}[.)]\s", r"x(?=y)", r"(?>a+)b", r"\W\S\s\D", r"a(?i)B", r"$|^q"]
PIECES = ["def f(x);", "}", " = ", "│", "Editor: Jane Roe", "57 The Long Road", "Sports (245)", "€3.49", "4.33",
          "59.1%", "a - b", "1. ", "• ", "SELECT", "é", "東京", "٣", "²", "İ", "ß", "\u00a0", "\u0085", "\u2028", "\n",
          "\r", "\t", " ", "\ud800", "😀", "(", ")", ":", ",", "x", "Y", "7", "\x1c", "\x1f"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_a_screened_search_finds_what_regex_finds(text):
    for source in SHIPPED + OTHERS:
        found, expected = Screened(source).search(text), regex.compile(source).search(text)
        assert (found and found.span()) == (expected and expected.span()), (source, text)


def test_the_shipped_patterns_are_screened_but_for_anchored_ones():
    """A screen missing by mistake would leave every answer right and the detectors slow."""
    assert SHIPPED
    for source in SHIPPED:
        assert (Screened(source)._copy is None) == (source.startswith("^") and "|" not in source), source


@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_no_match_begins_before_the_copys_first(text):
    """``regex`` searches from where the copy's leftmost match begins: that must never skip a match."""
    for source in SHIPPED + OTHERS:
        screened, expected = Screened(source), regex.compile(source).search(text)
        if screened._locator is None or expected is None or "\ud800" in text or not known_to_re2(text.encode()):
            continue  # the copy is not searched in a text without UTF-8 or with characters RE2 does not know
        assert screened._first_start(text, text.encode("utf-8")) <= expected.start(), (source, text)


def test_a_late_match_is_found_from_the_copys_first_match():
    screened = Screened(r"\S\s*[:;,]\s*\S|\p{L}.*\d")
    text = "é" * 40 + " Editor: Jane Roe"
    assert screened._first_start(text, text.encode("utf-8")) == text.index("r:")
    assert screened.search(text).span() == regex.search(r"\S\s*[:;,]\s*\S|\p{L}.*\d", text).span()


def test_the_screen_answers_with_the_slots_that_matched():
    """``Screened`` calls google-re2's private ``_set.Match``: a release that changes its answers must fail here."""
    screen = Screened(r"\S\s*[:;,]\s*\S|\p{L}.*\d")._copy
    assert screen(b"no match here") == Screened._NOTHING
    assert screen(b"Editor: Jane Roe") == Screened._COPY_ONLY
    assert sorted(screen("A \u0378: x".encode())) == [0, 1, 2]  # in no set order


LINE = TEXT.map(lambda text: text.replace("\n", " "))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(LINE, max_size=Screened._SCANNED_FROM * 2))
def test_a_scan_of_texts_finds_what_their_searches_find(texts):
    """``found_in`` searches only the texts one scan of them all points at: its answers must be the searches'."""
    for source in SHIPPED + OTHERS:
        screened = Screened(source)
        assert screened.found_in(texts) == [screened.search(text) is not None for text in texts], (source, texts)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(LINE, min_size=1, max_size=6))
def test_the_scan_points_at_every_text_with_a_match_no_later_than_it(texts):
    for source in SHIPPED + OTHERS:
        screened = Screened(source)
        candidates = screened._candidates(texts)
        if candidates is None:
            continue
        starts = dict(candidates)
        for i, text in enumerate(texts):
            match = screened.pattern.search(text)
            assert match is None or starts.get(i, len(text) + 1) <= match.start(), (source, texts, i)


def test_texts_with_a_newline_are_searched_one_by_one():
    screened = Screened(r"\S\s*[:;,]\s*\S")
    assert screened._candidates(["a\nb", "c: d"]) is None
    assert screened.found_in(["a\nb", "c: d"]) == [False, True]
