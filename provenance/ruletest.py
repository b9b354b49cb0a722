"""Running every rule's own examples: what ``provenance rules test`` and the test suite check.

A signature is tried alone on each example; a detector or outlet profile is judged from the full
check of the example text (it must, or must not, produce that rule's finding or name that outlet;
a keeper must, or must not, keep lines of it from the structural detectors);
a lexicon must contain a word of each ``match`` example and none of each ``no_match`` one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from provenance.analyzers import residue
from provenance.config import Settings
from provenance.detectors import KEEPERS
from provenance.document import Document
from provenance.matcher import example_fires
from provenance.pipeline import check_document, context
from provenance.rulemodels import Detector, Example, ExampleDocument, Lexicon, OutletProfile
from provenance.rulepack import RuleSet


# Rules that fire on reading or run conditions, not on text; the test suite covers them directly.
UNTESTABLE = "not-text-testable"


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    expected: bool
    example: Example
    fired: bool

    @property
    def text(self) -> str:
        return self.example.text if isinstance(self.example, ExampleDocument) else self.example

    @property
    def ok(self) -> bool:
        return self.expected == self.fired


def _document(example: Example) -> Document:
    if isinstance(example, ExampleDocument):
        meta = {k: v for k, v in (("url", example.url), ("outlet", example.outlet)) if v}
        return Document(id="example", path="example", text=example.text, meta=meta)
    return Document(id="example", path="example", text=example)


def _check(example: Example, rules: RuleSet):
    return check_document(_document(example), rules, Settings())


def _lexicon_fires(lex: Lexicon, text: str) -> bool:
    flags = 0 if lex.case_sensitive else regex.IGNORECASE
    words = "|".join(regex.escape(w) for w in lex.words)
    return regex.search(rf"(?<!\w)(?:{words})(?!\w)", text, flags) is not None


def _fires(rules: RuleSet, rule, example: Example) -> bool:
    text = example.text if isinstance(example, ExampleDocument) else example
    if isinstance(rule, Lexicon):
        return _lexicon_fires(rule, text)
    if isinstance(rule, Detector) and rule.detector in KEEPERS:
        return bool(residue.analyze(context(_document(example), rules, Settings())).kept)
    if isinstance(rule, OutletProfile):
        outlet = _check(example, rules).outlet
        return outlet is not None and outlet.id == rule.id
    compiled = next((s for s in rules.signatures if s.rule.id == rule.id), None)
    if compiled is not None:
        return example_fires(compiled, text)
    return any(f.rule == rule.id for f in _check(example, rules).findings)


def rule_examples(rules: RuleSet, rule) -> Iterator[ExampleResult]:
    """Every example of one rule or outlet profile, judged with the whole rule set."""
    if rule.examples is None or UNTESTABLE in getattr(rule, "tags", ()):
        return
    for expected, texts in ((True, rule.examples.match), (False, rule.examples.no_match)):
        for example in texts:
            yield ExampleResult(rule.id, expected, example, _fires(rules, rule, example))


def run_examples(rules: RuleSet, only: set[str] | None = None) -> Iterator[ExampleResult]:
    """Every example of every rule and outlet profile that has examples (of the ids in ``only``, if
    given), in rule-id order."""
    for rule in [*rules.all_rules(), *rules.outlets]:
        if only is None or rule.id in only:
            yield from rule_examples(rules, rule)
