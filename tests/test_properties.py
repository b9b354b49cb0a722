"""Properties that hold for any text: scores in range, offsets inside the text, reports valid."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.renderers.jsonout import render_line

ADVERSARIAL = st.sampled_from(["\u200f", "\u200b", "\u0301", "😀", "\x00", "“", "’", "‘", "\"", "«", "»", "\n", "\r\n",
                               "Source link", "Views: 0", "Back to top button", "Wang said", "(EFE).-"])
TEXT = st.lists(st.one_of(st.text(max_size=40), ADVERSARIAL), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_text_gives_a_valid_report(check, schema, text):
    report = check(text)
    for value in (report.scores.provenance, report.scores.residue, report.scores.overall, report.scores.attribution):
        assert value is None or 0 <= value <= 100
    for f in report.findings:
        if f.start is not None:
            assert 0 <= f.start <= f.end <= len(text)
            assert 1 <= f.line <= f.end_line <= max(1, text.count("\n") + 1)
    for q in report.quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start:q.end] == q.text
    schema("report-line.schema.json").validate(json.loads(render_line(report)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_same_input_same_report(check, text):
    assert render_line(check(text)) == render_line(check(text))
