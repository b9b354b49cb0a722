"""The accelerator's context-classifier steps (``block_classes``, ``revise_classes``) give the classes
of the pure-Python code (``classifier.classes_and_places``, ``classifier.revise``), which stays the
reference."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.detectors import classifier, page
from provenance.detectors.classifier import BAD, GOOD, NEAR, SHORT
from provenance.detectors.page import LineInfo, Params
from provenance.document import Document
from provenance.rulepack import load_rules

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

needs_accelerator = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

SHARE = st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.6, 1.0])
COUNT = st.integers(0, 60)
INFO = st.builds(LineInfo, number=st.integers(1, 30), text=st.just("x"), chars=st.integers(0, 300), words=COUNT,
                 letter_share=st.just(0.5), digit_share=st.just(0.0), sentence_end=st.booleans(), stop_share=SHARE,
                 capital_share=SHARE, separators=st.just(0), bullet=st.just(False), spaceless=st.booleans(),
                 key=st.just("x"))


def shipped() -> classifier._Thresholds:
    rule = next(r for r in load_rules().detectors if r.detector == "context-classifier")
    return classifier._thresholds(Params(rule))


SHIPPED = shipped()
SHIPPED_LINE = LineInfo(1, "x", 1, 1, 1.0, 0.0, False, 0.0, 0.0, 0, False, False, "x")
THRESHOLDS = st.builds(
    lambda classes, min_good, anchors, title_words, capitals, weights, cost, score, share, edge_share, edge:
    classifier.with_limits(classifier._Thresholds(
        classes=dict(zip(classifier._CLASS_KEYS, classes)), min_good_blocks=min_good, anchors_only=anchors,
        entry=SHIPPED.entry, code=SHIPPED.code, weights=dict(zip((GOOD, NEAR, SHORT, BAD), weights)),
        title_words=title_words, title_capitals=capitals, line_cost=cost, min_score=score, min_char_share=share,
        edge_min_char_share=edge_share, headline_words=12, echo_overlap=0.5, edge=edge)),
    st.tuples(st.integers(0, 200), SHARE, st.integers(0, 20), SHARE, st.integers(0, 100), SHARE, st.integers(0, 300),
              SHARE),
    st.integers(0, 4), st.booleans(), st.integers(0, 20), SHARE,
    st.tuples(st.sampled_from([1.0, 0.5]), st.sampled_from([0.5, 0.0, -0.5]), st.sampled_from([-0.25, -1.0, 0.0]),
              st.sampled_from([-1.0, -2.0])),
    st.sampled_from([0.0, 2.5, 10.0]), st.sampled_from([0.0, 50.0, 400.0]), SHARE, SHARE, st.sampled_from([GOOD, BAD]))


def by_python(call):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accelerator, "fastpage", None)
        return call()


@needs_accelerator
@settings(max_examples=1500, deadline=None)
@given(infos=st.lists(INFO, max_size=40), decided=st.sets(st.integers(1, 30)), t=THRESHOLDS)
def test_block_classes_are_the_python_classes(infos, decided, t):
    fast = classifier.classes_and_places(infos, decided, t)
    assert fast == by_python(lambda: classifier.classes_and_places(infos, decided, t))


@needs_accelerator
def test_the_shipped_thresholds_give_the_python_classes():
    shapes = [(120, 20, True, 0.4, 0.1), (20, 3, False, 0.0, 1.0), (80, 14, True, 0.3, 0.2), (5, 1, False, 0.0, 1.0),
              (300, 50, True, 0.5, 0.1), (40, 6, False, 0.2, 0.8)] * 4
    infos = [LineInfo(n, "x", chars, words, 0.5, 0.0, end, share, capitals, 0, False, False, "x")
             for n, (chars, words, end, share, capitals) in enumerate(shapes, start=1)]
    fast = classifier.classes_and_places(infos, {2, 9}, SHIPPED)
    assert fast is not None and fast == by_python(lambda: classifier.classes_and_places(infos, {2, 9}, SHIPPED))


@needs_accelerator
@settings(max_examples=1000, deadline=None)
@given(classes=st.lists(st.sampled_from([GOOD, NEAR, SHORT, BAD]), max_size=40), edge=st.sampled_from([GOOD, BAD]))
def test_revised_classes_are_the_python_classes(classes, edge):
    assert classifier.revised(classes, edge) == classifier.revise(classes, edge)


@needs_accelerator
def test_the_accelerated_steps_take_only_their_arguments():
    names = (GOOD, NEAR, SHORT, BAD)
    with pytest.raises(AttributeError):
        _fastpage.block_classes([object()], set(), names, SHIPPED.limits)
    with pytest.raises(TypeError):
        _fastpage.block_classes([SHIPPED_LINE, object()], set(), names, SHIPPED.limits)
    with pytest.raises(TypeError):
        _fastpage.block_classes([], set(), names, SHIPPED.limits[:-1])
    with pytest.raises(TypeError):
        _fastpage.block_classes([], [], names, SHIPPED.limits)
    with pytest.raises(ValueError):
        _fastpage.revise_classes([GOOD, "other"], names, BAD)
    with pytest.raises(TypeError):
        _fastpage.revise_classes([GOOD], names[:3], BAD)


LINE = st.tuples(st.sampled_from(["", "the", "The", "(see", "éte", "État", "東京", "1.", "- x", "“Quote"]),
                 st.sampled_from(["", " words", " more, words"]),
                 st.sampled_from(["", ".", ",", "-", "–", "(", ":", "?", ".”", "—"])).map("".join)
PAGE_TEXT = st.lists(LINE, max_size=30).map("\n".join)


@needs_accelerator
@settings(max_examples=1000, deadline=None)
@given(text=PAGE_TEXT, decided=st.sets(st.integers(1, 30)))
def test_line_blocks_are_the_python_blocks(text, decided):
    built = page.build_page(Document(id="d", path="d", text=text), {"en": frozenset({"the", "words"})})
    built.decided = decided
    assert classifier.blocks(built) == by_python(lambda: classifier.blocks(built))


def test_blocks_name_each_first_line_and_the_runs_of_several():
    text = "A headline\n\nThe council met on Monday,\nand approved the budget\nafter a debate.\nAlone.\n\nEnd"
    built = page.build_page(Document(id="d", path="d", text=text), {"en": frozenset({"the", "and"})})
    for firsts, several in (classifier.blocks(built), by_python(lambda: classifier.blocks(built))):
        assert [line.number for line in firsts] == [1, 3, 6, 8]
        assert several == [(1, 1, 4)]
    infos = classifier.block_infos(*classifier.blocks(built), built)
    assert infos[1].text == "The council met on Monday, and approved the budget after a debate."


def test_open_ends_are_single_characters():
    """What lets the accelerator read them as a string of characters."""
    assert all(len(end) == 1 for end in page.OPEN_ENDS)


@needs_accelerator
def test_line_blocks_take_only_lines():
    with pytest.raises(TypeError):
        _fastpage.line_blocks([SHIPPED_LINE, object()], set(), ",", classifier._continues)
    with pytest.raises(TypeError):
        _fastpage.line_blocks([SHIPPED_LINE], [], ",", classifier._continues)
