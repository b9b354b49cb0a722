"""residue makes a detector's decisions findings through the accelerator's ``decision_findings``;
``python_decision_findings`` stays the reference: the same fields, in the same order, the same
fields-set, for decisions over any lines (an empty last line, long spans cut in the excerpt)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers import residue
from provenance.detectors.page import Decision
from provenance.document import Document
from provenance.rulepack import load_rules

RULE = next(r for r in load_rules().detectors if r.dimension == "residue")
FIELDS = (RULE.id, RULE.name, RULE.dimension, RULE.severity, RULE.message)
LINE = st.one_of(st.just(""), st.text(alphabet="ab é非😀\t", max_size=12),
                 st.text(alphabet="xy ", min_size=150, max_size=200))  # long lines: excerpts cut
REASON = st.text(alphabet="ab (1)é非", max_size=8)


def _decisions(lines: int) -> st.SearchStrategy[list[Decision]]:
    span = st.tuples(st.integers(1, lines), st.integers(0, 3), REASON)
    return st.lists(span.map(lambda s: Decision(s[0], min(lines, s[0] + s[1]), s[2])), max_size=6)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None)
@given(data=st.data(), lines=st.lists(LINE, min_size=1, max_size=8), final_newline=st.booleans())
def test_the_accelerator_makes_the_reference_findings(data, lines, final_newline):
    doc = Document(id="t", path="t", text="\n".join(lines) + ("\n" if final_newline else ""))
    decisions = data.draw(_decisions(len(doc.lines)))
    made = residue._decision_findings(RULE, doc, decisions, FIELDS)
    expected = residue.python_decision_findings(RULE, doc, decisions)
    assert [type(f) for f in made] == [type(f) for f in expected]
    assert [list(f.__dict__.items()) for f in made] == [list(f.__dict__.items()) for f in expected]
    assert [f.__pydantic_fields_set__ for f in made] == [f.__pydantic_fields_set__ for f in expected]
    assert [(f.__pydantic_extra__, f.__pydantic_private__) for f in made] == [(None, None)] * len(made)
    assert [f.model_dump_json() for f in made] == [f.model_dump_json() for f in expected]
