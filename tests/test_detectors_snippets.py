"""snippet-copy files only the lines whose keys open with a cut line's prefix: it finds the copies
that reading every line for each cut line finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.analyzers.residue import stoplists
from provenance.detectors import snippets
from provenance.detectors.page import Params, build_page
from provenance.document import Document
from provenance.rulepack import load_rules

RULES = load_rules()
PARAMS = Params(next(r for r in RULES.detectors if r.detector == "snippet-copy"))
PIECES = ["The council met on Monday", "The council met", "The storm", " and approved the budget", "...", "…", "”",
          " ", ".", "\n"]


def _copies_by_line(page, min_chars: int) -> list[tuple[int, int, str]]:
    out = []
    for line in page.lines:
        prefix = snippets._cut_prefix(line, min_chars)
        whole = next((other for other in page.lines if prefix is not None and other.number != line.number
                      and len(other.key) > len(prefix) and other.key.startswith(prefix)), None)
        if whole is not None:
            out.append((line.number, line.number, f"cut-off copy of line {whole.number}"))
    return out


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_copies_found_are_those_every_line_shows(text):
    page = build_page(Document(id="d", path="d", text=text), RULES.memo("residue-stoplists", stoplists))
    found = [(d.first, d.last, d.reason) for d in snippets.detect(page, PARAMS)]
    assert found == _copies_by_line(page, PARAMS.int("min_chars"))
