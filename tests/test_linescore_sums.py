"""line-score's rows are tuples and its weighted sums are made by C iterators; they must be the very
features of the per-line definition and the very floats of the plain generator (same products,
added in the same order)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.detectors import page
from provenance.detectors.linescore import AROUND, FEATURES, OWN, _strongest, feature_row, features, weighted_sums
from provenance.document import Document

FLOATS = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
ROW = st.tuples(*(FLOATS for _ in FEATURES))
TEXT = st.lists(st.sampled_from(["Home", "News | Sport", "The council said so.", "- item", "", "2024", "and the"]),
                max_size=12).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(ROW, max_size=5), weights=st.fixed_dictionaries({k: FLOATS for k in FEATURES}), bias=FLOATS)
def test_weighted_sums_equal_the_plain_generator(rows, weights, bias):
    plain = [bias + sum(weights[k] * value for k, value in zip(FEATURES, row)) for row in rows]
    assert weighted_sums(rows, weights, bias) == plain


def plain_own(line: page.LineInfo, decided: set[int]) -> dict[str, float]:
    return {"log_chars": math.log1p(line.chars), "stop_share": line.stop_share,
            "sentence_end": float(line.sentence_end), "capital_share": line.capital_share,
            "letter_share": line.letter_share, "separators": float(line.separators > 0),
            "bullet": float(line.bullet), "digit_share": line.digit_share, "decided": float(line.number in decided)}


def plain_rows(built: page.Page, edge_share: float) -> list[tuple[float, ...]]:
    own = [plain_own(line, built.decided) for line in built.lines]
    edge = dict.fromkeys(OWN, 0.0) | {"decided": 1.0}
    last = max(1, len(own) - 1)
    rows = []
    for i, row in enumerate(own):
        above = own[i - 1] if i > 0 else edge
        below = own[i + 1] if i + 1 < len(own) else edge
        row = row | {f"above_{k}": above[k] for k in AROUND} | {f"below_{k}": below[k] for k in AROUND}
        row |= {"position": i / last, "top": float(i / last < edge_share), "bottom": float(i / last > 1 - edge_share)}
        rows.append(tuple(row[k] for k in FEATURES))
    return rows


@settings(max_examples=200, deadline=None)
@given(text=TEXT, decided=st.sets(st.integers(1, 12)), edge_share=st.floats(0, 1))
def test_rows_equal_the_named_features(text, decided, edge_share):
    built = page.build_page(Document(id="d", path="d", text=text), {"en": frozenset({"the", "and", "said"})})
    built.decided = decided
    assert features(built, edge_share) == plain_rows(built, edge_share)


@settings(max_examples=200, deadline=None)
@given(text=TEXT, decided=st.sets(st.integers(1, 12)), edge_share=st.floats(0, 1))
def test_one_row_is_the_row_of_all_rows(text, decided, edge_share):
    built = page.build_page(Document(id="d", path="d", text=text), {"en": frozenset({"the", "and", "said"})})
    built.decided = decided
    assert [feature_row(built, i, edge_share) for i in range(len(built.lines))] == features(built, edge_share)


@settings(max_examples=300, deadline=None)
@given(values=st.tuples(*(st.one_of(st.sampled_from([0.0, -0.0, 1.0, 0.5]), FLOATS) for _ in FEATURES)),
       weights=st.fixed_dictionaries({k: st.one_of(st.sampled_from([0.0, 1.0, -1.0]), FLOATS) for k in FEATURES}))
def test_the_strongest_features_are_those_of_the_plain_reading(values, weights):
    row = dict(zip(FEATURES, values))
    pushes = sorted(((weights[k] * row[k], k) for k in FEATURES if row[k]), reverse=True)[:3]
    assert _strongest(values, weights) == ", ".join(f"{k}={row[k]:.2f}" for _, k in pushes)
