"""line-score's weighted sums are made by C iterators; they must be the very floats of the plain
generator (same products, added in the same order)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors.linescore import FEATURES, weighted_sums

FLOATS = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
ROW = st.fixed_dictionaries({k: FLOATS for k in FEATURES})


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(ROW, max_size=5), weights=st.fixed_dictionaries({k: FLOATS for k in FEATURES}), bias=FLOATS)
def test_weighted_sums_equal_the_plain_generator(rows, weights, bias):
    plain = [bias + sum(weights[k] * row[k] for k in FEATURES) for row in rows]
    assert weighted_sums(rows, weights, bias) == plain
