"""residue keeps one finding per line through the accelerator's ``first_per_line``, and reads the lines
findings cover through its ``covered_lines``; ``python_first_decision_per_line`` and ``python_covered``
stay the references: the same findings kept, in the same order, the same parts, and the same lines
covered, for findings that overlap on lines of any kind."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers import residue
from provenance.document import Document
from provenance.report import Finding

LINE = st.sampled_from(["", "  ", "\t", "Home", "News of the day", "é 非", "\u3000"])
RULES = ["RS101", "RS102", "RS2", "RS300", "RS1010"]


def _findings(lines: int) -> st.SearchStrategy[list[Finding]]:
    def finding(spec: tuple[int, int, str]) -> Finding:
        first, length, rule = spec
        last = min(lines, first + length)
        return Finding.computed(rule, rule, "residue", "warning", f"{rule} {first}", first, last, 0, 0, "", 0.0)
    spec = st.tuples(st.integers(1, lines), st.integers(0, 4), st.sampled_from(RULES))
    return st.lists(spec.map(finding), max_size=12)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=400, deadline=None)
@given(data=st.data(), lines=st.lists(LINE, min_size=1, max_size=12))
def test_the_accelerator_keeps_what_the_reference_keeps(data, lines):
    doc = Document(id="t", path="t", text="\n".join(lines))
    findings = data.draw(_findings(len(doc.lines)))
    kept, covered = residue._first_decision_per_line(findings, doc)
    expected, expected_covered = residue.python_first_decision_per_line(findings, doc)
    assert [list(f.__dict__.items()) for f in kept] == [list(f.__dict__.items()) for f in expected]
    assert [f.__pydantic_fields_set__ for f in kept] == [f.__pydantic_fields_set__ for f in expected]
    assert covered == expected_covered


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=200, deadline=None)
@given(data=st.data(), lines=st.integers(1, 20))
def test_the_accelerator_covers_the_reference_lines(data, lines):
    findings = data.draw(_findings(lines))
    assert residue._covered(findings) == residue.python_covered(findings)
