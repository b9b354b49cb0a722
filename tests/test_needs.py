"""``needs``: the characters every match of a pattern holds, and those one of which ends every text
with a match. A text without them is never searched (``page.Screened``), so a wrong clause would
drop a match: generated patterns and texts check that every text with a match holds them."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors.needs import needs

ALPHABET = "ab(),;:.$|- \n"
LITERALS = ["a", "b", r"\(", r"\)", ",", ";", ":", r"\.", r"\$", r"\|", "-", " "]
CLASSES = [r"[(),]", r"[;:]", r"[^()]", r"[a-b]", r"[\d,]", r"[-;]", r"[;-]", r"[]a]", r"\d", r"\s", r"\w", ".",
           r"\p{L}", r"\b", "^", "$", r"\Z"]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{,2}", "{2,}", "+?", "*+", "??"]


def _atoms(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = st.one_of(inner.map(lambda p: f"(?:{p})"), inner.map(lambda p: f"({p})"))
    atom = st.one_of(st.sampled_from(LITERALS), st.sampled_from(CLASSES), group)
    return st.tuples(atom, st.sampled_from(QUANTIFIERS)).map("".join)


def _patterns(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    sequence = st.lists(_atoms(inner), min_size=1, max_size=4).map("".join)
    return st.lists(sequence, min_size=1, max_size=3).map("|".join)


PATTERN = st.recursive(st.sampled_from(LITERALS), _patterns, max_leaves=8)
# Alternatives that end in a literal character or class, then the text's end: patterns with a tail.
SIMPLE = st.sampled_from(["", ".*", "a", r"\(", "a?", r"[^)]*", r"\s?"])
ENDED = st.tuples(st.one_of(SIMPLE, SIMPLE, SIMPLE, PATTERN), st.sampled_from(LITERALS + CLASSES[:7]),
                  st.sampled_from(["", "+", "{2}", "?"]),
                  st.sampled_from(["$", r"\Z"])).map("".join)
TAILED = st.lists(ENDED, min_size=1, max_size=3).map("|".join)
TEXT = st.one_of(st.text(alphabet=ALPHABET, max_size=12),
                 st.tuples(st.text(alphabet=ALPHABET, max_size=8), st.sampled_from(ALPHABET),
                           st.sampled_from(["", "\n", "\n\n"])).map("".join))


def _compiles(source: str) -> bool:
    try:
        regex.compile(source)
    except regex.error:
        return False
    return True


@settings(max_examples=1500, deadline=None)
@given(source=st.one_of(PATTERN, TAILED), texts=st.lists(TEXT, min_size=1, max_size=8))
def test_every_text_with_a_match_holds_the_needs(source, texts):
    if not _compiles(source):
        return
    clauses, tail = needs(source)
    for text in texts:
        if regex.search(source, text) is None:
            continue
        assert all(any(c in text for c in clause) for clause in clauses), (source, text, clauses)
        assert not tail or text.rstrip("\n")[-1:] in tail and text.count("\n", len(text.rstrip("\n"))) <= 1, \
            (source, text, tail)


def test_a_link_needs_its_parentheses_and_ends_in_one():
    assert needs(r"^[^():]{1,60}\s?\(\d[\d,]*\)$") == (["(", ")"], ")")


def test_alternatives_need_one_of_their_clauses():
    assert needs(r"\d[.,]\d|│|%") == (["%,.│"], "")
    assert needs(r"x(\)|;)y") == ([");"], "")


def test_letters_digits_and_spaces_make_no_clause():
    assert needs(r"def |class ") == ([], "")
    assert needs(r"a\)") == ([")"], "")


def test_what_is_not_read_gives_nothing():
    for source in (r"x(?=\))", r"(?i)\)", r"(a)\1\)", r"[[:alpha:]]\)", r"\N{LEFT PARENTHESIS}", r"a{x}\)",
                   r"\)(?<=\))"):
        assert needs(source) == ([], ""), source


def test_a_skipped_atom_needs_nothing():
    assert needs(r"\)?") == ([], "")
    assert needs(r"\){0,2};") == ([";"], "")
    assert needs(r"\)?$") == ([], "")
    assert needs(r"\)+$") == ([")"], ")")
