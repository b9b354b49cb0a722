"""The attribution makes its scare quotes' findings through the accelerator's ``span_findings``;
``python_make_findings`` (``make_finding`` of each span) stays the reference: the same fields, in the
same order, the same fields-set, for spans anywhere in any text (past its end, ending before they
start, long ones cut in the excerpt)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers import make_findings, python_make_findings
from provenance.document import Document
from provenance.rulepack import load_rules

RULES = load_rules()
RULE = next(iter(RULES.detectors_named("scare-quote")))
SIGNATURE = next(s.rule for s in RULES.signatures if s.rule.dimension == "attribution")
LINE = st.one_of(st.just(""), st.text(alphabet="ab é非😀\t“”", max_size=12),
                 st.text(alphabet="xy ", min_size=150, max_size=200))  # long lines: excerpts cut


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None)
@given(data=st.data(), lines=st.lists(LINE, min_size=1, max_size=8), final_newline=st.booleans(),
       signature=st.booleans())
def test_the_accelerator_makes_the_reference_findings(data, lines, final_newline, signature):
    doc = Document(id="t", path="t", text="\n".join(lines) + ("\n" if final_newline else ""))
    offset = st.integers(0, len(doc.text) + 3)
    spans = data.draw(st.lists(st.tuples(offset, offset), max_size=6))
    rule = SIGNATURE if signature else RULE
    made, expected = make_findings(rule, doc, spans), python_make_findings(rule, doc, spans)
    assert [type(f) for f in made] == [type(f) for f in expected]
    assert [list(f.__dict__.items()) for f in made] == [list(f.__dict__.items()) for f in expected]
    assert [f.__pydantic_fields_set__ for f in made] == [f.__pydantic_fields_set__ for f in expected]
    assert [(f.__pydantic_extra__, f.__pydantic_private__) for f in made] == [(None, None)] * len(made)
    assert [f.model_dump_json() for f in made] == [f.model_dump_json() for f in expected]


@pytest.mark.parametrize("make", [make_findings, python_make_findings])
def test_both_paths_refuse_negative_offsets(make):
    doc = Document(id="t", path="t", text="abc")
    with pytest.raises(ValueError, match="negative offsets"):
        make(RULE, doc, [(0, 1), (-1, 2)])
