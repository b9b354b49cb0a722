"""The context classifier's revision of doubtful blocks (``classifier.revise``), which reads each run
of doubtful blocks once, against its definition: each block by its own nearest neighbours."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from provenance.detectors import classifier
from provenance.detectors.classifier import BAD, GOOD, NEAR, SHORT, revise

CLASSES = st.lists(st.sampled_from([GOOD, NEAR, SHORT, BAD]), max_size=40)


def nearest(classes: list[str], i: int, step: int, skip: tuple[str, ...], edge: str) -> str:
    """The first class not in ``skip`` from ``i`` on in direction ``step``; ``edge`` beyond the text."""
    j = i + step
    while 0 <= j < len(classes):
        if classes[j] not in skip:
            return classes[j]
        j += step
    return edge


def revised_one_by_one(classes: list[str], edge: str) -> list[str]:
    skip = (SHORT, NEAR)
    near = [(BAD if nearest(classes, i, -1, skip, edge) == BAD == nearest(classes, i, 1, skip, edge) else GOOD)
            if c == NEAR else c for i, c in enumerate(classes)]
    final = list(near)
    for i, c in enumerate(near):
        up, down = nearest(near, i, -1, (SHORT,), edge), nearest(near, i, 1, (SHORT,), edge)
        if c == SHORT and up == down:
            final[i] = up
    return final


@given(classes=CLASSES, edge=st.sampled_from([GOOD, BAD]))
def test_revise_judges_each_block_by_its_nearest_neighbours(classes, edge):
    assert revise(classes, edge) == revised_one_by_one(classes, edge)


@given(text=st.text(max_size=3))
def test_a_line_goes_on_where_the_pattern_says_it_does(text):
    assert classifier._continues(text) == bool(classifier._CONTINUES.match(text))
