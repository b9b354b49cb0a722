"""Every rule's own examples: text it must match fires it, text it must not leaves it silent."""

from __future__ import annotations

import pytest

from provenance.rulepack import load_rules
from provenance.ruletest import run_examples

RESULTS = list(run_examples(load_rules()))


@pytest.mark.parametrize("result", RESULTS, ids=[f"{r.rule}-{'match' if r.expected else 'no_match'}-{i}" for i, r in enumerate(RESULTS)])
def test_rule_example(result):
    assert result.fired == result.expected, f"{result.rule}: {result.text!r}"


def test_every_text_rule_has_examples_that_fire():
    fired = {r.rule for r in RESULTS if r.expected and r.fired}
    assert fired == {r.rule for r in RESULTS}
