"""residue makes its signature hits' findings through the accelerator's ``hit_findings``;
``python_signature_findings`` stays the reference: the same findings, in the same order, with the
same fields and fields-set, for hits of any dimension over any lines (empty ones, long spans cut in
the excerpt, several hits of one signature in a row)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers import residue
from provenance.document import Document, Line
from provenance.matcher import Hit
from provenance.rulepack import load_rules

RULES = load_rules()
SIGNATURES = [next(s.rule for s in RULES.signatures if s.rule.dimension == dimension)
              for dimension in ("residue", "attribution", "provenance")]
SIGNATURES.append(next(s.rule for s in RULES.signatures if s.rule.dimension == "residue" and s.rule != SIGNATURES[0]))
LINE = st.one_of(st.just(""), st.text(alphabet="ab é非😀\t“”", max_size=12),
                 st.text(alphabet="xy ", min_size=150, max_size=200))  # long lines: excerpts cut


def _hits(doc: Document) -> st.SearchStrategy[list[Hit]]:
    lines = len(doc.lines)
    span = st.tuples(st.sampled_from(SIGNATURES), st.integers(1, lines), st.integers(0, 3))
    return st.lists(span.map(lambda s: Hit(s[0], 0, 0, s[1], min(lines, s[1] + s[2]))), max_size=8)


def _made(hits: list[Hit], doc: Document):
    return accelerator.fastpage.hit_findings(hits, Hit, "residue", doc.lines, Line, doc.text, residue.Finding,
                                            residue._FINDING_FIELDS, (residue.EXCERPT_LIMIT, residue.CUT_MARK))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None)
@given(data=st.data(), lines=st.lists(LINE, min_size=1, max_size=8), final_newline=st.booleans())
def test_the_accelerator_makes_the_reference_findings(data, lines, final_newline):
    doc = Document(id="t", path="t", text="\n".join(lines) + ("\n" if final_newline else ""))
    hits = data.draw(_hits(doc))
    made, expected = _made(hits, doc), residue.python_signature_findings(hits, doc)
    assert [type(f) for f in made] == [type(f) for f in expected]
    assert [list(f.__dict__.items()) for f in made] == [list(f.__dict__.items()) for f in expected]
    assert [f.__pydantic_fields_set__ for f in made] == [f.__pydantic_fields_set__ for f in expected]
    assert [(f.__pydantic_extra__, f.__pydantic_private__) for f in made] == [(None, None)] * len(made)
    assert [f.model_dump_json() for f in made] == [f.model_dump_json() for f in expected]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_hit_findings_take_only_hits():
    doc = Document(id="t", path="t", text="a\nb")
    with pytest.raises(TypeError):
        _made([Hit(SIGNATURES[0], 0, 1, 1, 1), object()], doc)
