"""``finditer_where`` finds what ``finditer`` finds, however the texts it is given repeat."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.prescan import _readable_utf8, finditer_where, known_to_re2, starts_pattern

PIECES = ["said", "x", " ", "é", "“", "東京", "\ud800", "\u088f", "Said", "\n"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def fresh_reading(text: str) -> bytes | None:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return data if known_to_re2(data) else None


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=6), repeats=st.lists(st.integers(0, 5), max_size=10))
def test_the_kept_reading_is_the_reading_of_the_text_asked_about(texts, repeats):
    """The same object asked again, an equal string or another one: each answer is a fresh one's."""
    for text in [*texts, *(texts[i % len(texts)] for i in repeats), *(t[:1] + t[1:] for t in texts)]:
        assert _readable_utf8(text) == fresh_reading(text)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_finditer_where_finds_what_finditer_finds_on_repeated_texts(texts):
    pattern = re.compile(r"(?<!\w)[Ss]aid(?!\w)")
    starts = starts_pattern(r"[Ss]aid")
    for text in [*texts, *texts]:
        assert [m.span() for m in finditer_where(pattern, starts, text)] == [m.span() for m in pattern.finditer(text)]


def test_a_text_re2_cannot_read_as_the_stdlib_does_is_unreadable():
    assert _readable_utf8("said \u088f") is None  # U+088F: newer than RE2's tables
    assert _readable_utf8("said \ud800") is None  # a lone surrogate has no UTF-8
    assert _readable_utf8("said é") == "said é".encode()
