"""The residue page model computes its line features the fast way (one pass per document, ASCII
counts in C); they must equal the plain per-line definitions written out here."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers.residue import stoplists
from provenance.detectors import page
from provenance.document import Document
from provenance.rulepack import load_rules

PIECES = ["The", "council", "said", "the", "and", "of", "Home", "|", "•", "/", "»", "·", "-", "1.", "2)", "2024",
          "café", "Straße", "ﬁle", "İ", "東京", "ไทย", "٣", "²", "’s", "it's", "...", ".", "!", ":", "“", "”", "_x",
          "\u0301", "😀", "\u00a0", "\t", "  ", " ", "\n", "\n\n", "\u2028", "\x1c"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(max_codepoint=127), max_size=6)),
               max_size=40).map(" ".join)
SENTENCE_END = regex.compile(r"[.!?…。！？;:][\"'”’»)\]]*$")
STATEMENT_END = regex.compile(r"[.;:。][\"'”’»)\]]*$")  # what a headline does not end with
STOPLISTS = {"en": frozenset({"the", "and", "of", "said"}), "de": frozenset({"straße", "und"})}


def plain_line_info(number: int, raw: str, stopwords: frozenset[str]) -> tuple:
    text = raw.strip()
    words = page._WORD.findall(text)
    alpha_words = [w for w in words if w[0].isalpha()]
    return (
        number, text, len(text), len(words),
        sum(ch.isalpha() for ch in text) / len(text) if text else 0.0,
        sum(ch.isdigit() for ch in text) / len(text) if text else 0.0,
        bool(SENTENCE_END.search(text)),
        sum(w.casefold() in stopwords for w in words) / len(words) if words else 0.0,
        sum(w[0].isupper() for w in alpha_words) / len(alpha_words) if alpha_words else 0.0,
        len(page._SEPARATOR.findall(text)), bool(page._BULLET.match(text)), bool(page._SPACELESS.search(text)),
        " ".join(regex.findall(r"\w+", text.casefold())),
    )


def plain_language(text: str) -> str | None:
    words = [w.casefold() for w in page._WORD.findall(text)]
    best, best_hits = None, 0
    for language, stops in sorted(STOPLISTS.items()):
        hits = sum(w in stops for w in words)
        if hits > best_hits:
            best, best_hits = language, hits
    return best


def features(line: page.LineInfo) -> tuple:
    return (line.number, line.text, line.chars, line.words, line.letter_share, line.digit_share, line.sentence_end,
            line.stop_share, line.capital_share, line.separators, line.bullet, line.spaceless, line.key)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_page_features_equal_their_plain_definitions(text):
    doc = Document(id="d", path="d", text=text)
    built = page.build_page(doc, STOPLISTS)
    assert built.language == plain_language(text)
    stops = STOPLISTS.get(built.language, frozenset()) if built.language else frozenset()
    expected = [plain_line_info(line.number, line.text, stops) for line in doc.lines if line.text.strip()]
    assert [features(line) for line in built.lines] == expected
    assert [features(page.line_info(line.number, line.text, stops)) for line in built.lines] == expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_line_keys_equal_the_unicode_definition(text):
    assert page.line_key(text) == " ".join(regex.findall(r"\w+", text.casefold()))


NEARLY_ASCII = st.text(alphabet=st.one_of(st.characters(max_codepoint=127), st.sampled_from(page._PLAIN_PUNCTUATION),
                                          st.sampled_from(["é", "ß", "İ", "東", "²", "٣", "\u0301", "\u2028"])),
                      max_size=60)


def test_plain_punctuation_is_no_word_character():
    """What lets the stdlib patterns read plain text as ``regex`` reads it."""
    for char in page._PLAIN_PUNCTUATION:
        assert not regex.match(r"[\p{L}\p{N}\w]", char) and char.casefold() == char and not char.isascii()


@settings(max_examples=500, deadline=None)
@given(text=NEARLY_ASCII)
def test_plain_words_and_keys_equal_the_unicode_definitions(text):
    assert page.words_of(text) == page._WORD.findall(text)
    assert page.line_key(text) == " ".join(regex.findall(r"\w+", text.casefold()))


def test_no_character_case_folds_to_a_space():
    """What ``casefolded`` relies on to fold a line's words in one call."""
    assert not [c for c in range(0x110000) if " " in chr(c).casefold() and c != ord(" ")]


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_words_fold_in_one_call_as_one_by_one(text):
    words = page.words_of(text)
    assert page.casefolded(words) == [w.casefold() for w in words]


ENDINGS = [".", "!", "?", "…", "。", ";", ":", '"', "'", "”", "’", "»", ")", "]", "a", "1", " ", "\u00a0"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(ENDINGS + PIECES), max_size=8).map("".join))
def test_sentence_ends_equal_the_pattern(text):
    stripped = text.strip()
    assert page.ends_sentence(stripped) == bool(SENTENCE_END.search(stripped))


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(ENDINGS + PIECES), max_size=8).map("".join))
def test_statement_ends_equal_the_pattern(text):
    stripped = text.strip()
    assert page.ends_statement(stripped) == bool(STATEMENT_END.search(stripped))


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(ENDINGS + PIECES + [",", "-", "–", "(", "\n"]), max_size=8).map("".join))
def test_open_ends_equal_the_pattern(text):
    stripped = text.strip()
    assert stripped.endswith(page.OPEN_ENDS) == bool(regex.search(r"[,\-–(]$", stripped))


SHIPPED_STOPLISTS = stoplists(load_rules())
SHIPPED_STOP_WORDS = sorted(set().union(*SHIPPED_STOPLISTS.values()))
# Stop words as a text writes them (any case, glued to more letters, cut short) and other words: the
# accelerator's table of the shipped lists has hundreds of words, whose lookups (a screen of their
# hashes, then the slots) meet neighbours, near misses and words the screen lets through.
STOP_WORD_FORMS = st.sampled_from(SHIPPED_STOP_WORDS).flatmap(lambda word: st.sampled_from(
    [word, word.upper(), word.title(), word + "s", "x" + word, word[:-1] or "a", word + "’", word + "-" + word]))
STOP_WORD_TEXT = st.lists(st.tuples(st.one_of(STOP_WORD_FORMS, st.text(st.characters(max_codepoint=0xFF), max_size=12)),
                                    st.sampled_from([" ", " ", ", ", ". ", "\n", "'", "_"])),
                          max_size=80).map(lambda parts: "".join(w + gap for w, gap in parts))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None)
@given(text=STOP_WORD_TEXT)
def test_the_shipped_stop_lists_are_counted_by_the_accelerator_as_by_python(text):
    document = Document(id="d", path="d", text=text)
    fast = page.build_page(document, SHIPPED_STOPLISTS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accelerator, "fastpage", None)
        slow = page.build_page(document, SHIPPED_STOPLISTS)
    assert (fast.language, [x.stop_share for x in fast.lines]) == (slow.language, [x.stop_share for x in slow.lines])
