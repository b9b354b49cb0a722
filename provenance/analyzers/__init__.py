"""Analyzers read a document and the compiled rules and yield findings; they never format output.

The pipeline runs them in a fixed order (residue, provenance, attribution) over one shared
``Context`` per document: signature hits are computed once, and later analyzers may read what earlier
ones found (attribution skips residue lines; provenance reads republisher markers among residue hits).
Each analyzer's ``analyze_chunk`` reads a chunk of documents at once, so that its tables stay in the
processor's caches; its ``analyze`` is that for one document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from provenance import accelerator
from provenance.document import Document, cached_attribute
from provenance.engine import DEFAULT_ENGINE, ReferenceEngine, build_engine, hit_order
from provenance.matcher import CompiledSignature, Hit
from provenance.report import Finding
from provenance.rulemodels import Detector, Signature
from provenance.rulepack import RuleSet

if TYPE_CHECKING:
    from provenance.templates import TemplateCounts


@dataclass
class Context:
    doc: Document
    rules: RuleSet
    hits: list[Hit]  # every signature's but the on-demand ones' (``hits_tagged`` finds theirs when asked)
    residue_lines: set[int] = field(default_factory=set)
    overruns: list[str] = field(default_factory=list)
    templates: TemplateCounts | None = None  # lines recurring across the corpus (provenance.templates)
    timeout: float | None = None  # seconds one rule pattern may spend on this document
    engine: str = DEFAULT_ENGINE  # the signature engine that finds the on-demand signatures' hits
    _on_demand: dict[str, list[Hit]] = field(default_factory=dict, init=False, repr=False)  # by tag, once asked

    def hits_for(self, dimension: str) -> list[Hit]:
        return [h for h in self.hits if h.signature.dimension == dimension]

    def hits_tagged(self, tag: str) -> list[Hit]:
        """The hits of the signatures with ``tag``, in text order, the on-demand ones' among them (found
        the first time the tag is asked for)."""
        if tag not in on_demand_tags(self.rules):
            return list(self._hits_by_tag.get(tag, ()))
        if tag not in self._on_demand:
            self._on_demand[tag] = self._with_on_demand(tag)
        return list(self._on_demand[tag])

    @cached_attribute
    def _hits_by_tag(self) -> dict[str, list[Hit]]:
        """The hits of each tag, in text order: the provenance analyzer asks for nine tags a document,
        and a scan of every hit for each costs more than sorting them out once."""
        by_tag: dict[str, list[Hit]] = {}
        for hit in self.hits:
            for tag in hit.signature.tags:
                by_tag.setdefault(tag, []).append(hit)
        return by_tag

    def _with_on_demand(self, tag: str) -> list[Hit]:
        """The tag's hits, those of its on-demand signatures found now and merged in the engines'
        order; their overruns join the document's (once, a signature of two tags being found twice)."""
        hits, overruns = on_demand_engine(self.rules, tag, self.engine).hits_of([self.doc], self.timeout)[0]
        self.overruns += [rule_id for rule_id in overruns if rule_id not in self.overruns]
        return sorted([*self._hits_by_tag.get(tag, ()), *hits], key=hit_order)


def collect_hits(doc: Document, rules: RuleSet, timeout: float | None = None,
                 engine: str = DEFAULT_ENGINE) -> tuple[list[Hit], list[str]]:
    """Every signature hit in text order, and the ids of rules that ran out of time; but for the
    on-demand signatures' (rule field ``on_demand``), which ``Context.hits_tagged`` finds when asked."""
    return collect_hits_of([doc], rules, timeout, engine)[0]


def collect_hits_of(docs: list[Document], rules: RuleSet, timeout: float | None = None,
                    engine: str = DEFAULT_ENGINE) -> list[tuple[list[Hit], list[str]]]:
    """``collect_hits`` of each document, found together (the engine reads them stage by stage).

    The engine is built once per rule set (see ``provenance/engine.py``); every engine gives the same hits.
    """
    matcher = rules.memo(f"engine:{engine}", lambda r: build_engine(_signatures(r, on_demand=False), engine), kept=True)
    return matcher.hits_of(docs, timeout)


def on_demand_engine(rules: RuleSet, tag: str, engine: str = DEFAULT_ENGINE) -> ReferenceEngine:
    """The engine over the on-demand signatures with ``tag``, built once per rule set: a tag asked for
    finds its own signatures alone."""
    return rules.memo(f"on-demand-engine:{tag}:{engine}", lambda r: build_engine(
        [s for s in _signatures(r, on_demand=True) if tag in s.rule.tags], engine), kept=True)


def on_demand_tags(rules: RuleSet) -> frozenset[str]:
    """The tags whose hits ``Context.hits_tagged`` asks an on-demand engine for."""
    return rules.memo("on-demand-tags", lambda r: frozenset(t for s in _signatures(r, on_demand=True)
                                                            for t in s.rule.tags))


def _signatures(rules: RuleSet, on_demand: bool) -> list[CompiledSignature]:
    return [s for s in rules.signatures if s.rule.on_demand is on_demand]


_FINDING_FIELDS = frozenset(Finding.model_fields)  # each finding's fields-set, as Finding.computed sets it
# A finding's excerpt: at most this many characters, its cut marked at the end.
EXCERPT_LIMIT = 160
CUT_MARK = "..."


def excerpt_of(doc: Document, start: int, end: int) -> str:
    """The text a finding points at, cut to ``EXCERPT_LIMIT`` characters."""
    excerpt = doc.text[start:end]
    return excerpt[:EXCERPT_LIMIT - len(CUT_MARK)] + CUT_MARK if len(excerpt) > EXCERPT_LIMIT else excerpt


def make_finding(
    rule: Signature | Detector,
    doc: Document,
    start: int | None,
    end: int | None,
    *,
    message: str | None = None,
    points: float = 0.0,
    whole_lines: bool = False,
) -> Finding:
    """A finding for ``rule`` over ``start``..``end``; ``whole_lines`` widens it to the lines it touches."""
    if start is None or end is None:
        return document_finding(rule, message=message, points=points)
    line, end_line = doc.lines_of(start, end)
    if whole_lines:
        start, end = doc.line_span(line, end_line)
    return Finding.computed(rule.id, rule.name, rule.dimension, rule.severity, message or rule.message,
                            line, end_line, start, end, excerpt_of(doc, start, end), round(points, 3))


def make_findings(rule: Signature | Detector, doc: Document, spans: list[tuple[int, int]]) -> list[Finding]:
    """``make_finding`` of each span (offsets of the text, none negative): by the C accelerator's
    ``span_findings`` where it is built (``accelerator.fastpage``, looked up on each use), as a corpus
    MB's scare quotes make thousands; else by ``python_make_findings``, its reference."""
    if accelerator.fastpage is not None:
        starts = doc._line_starts  # what ``Document.lines_of`` searches
        return accelerator.fastpage.span_findings(spans, starts, doc.text, _rule_fields(rule), Finding, _FINDING_FIELDS,
                                                  (EXCERPT_LIMIT, CUT_MARK))
    return python_make_findings(rule, doc, spans)


def python_make_findings(rule: Signature | Detector, doc: Document, spans: list[tuple[int, int]]) -> list[Finding]:
    if any(start < 0 or end < 0 for start, end in spans):  # refused as ``span_findings`` refuses them
        raise ValueError("make_findings: negative offsets")
    return [make_finding(rule, doc, start, end) for start, end in spans]


def _rule_fields(rule: Signature | Detector) -> tuple[str, str, str, str, str]:
    """The fields every finding of the rule holds, as ``span_findings`` takes them."""
    return rule.id, rule.name, rule.dimension, rule.severity, rule.message


def document_finding(rule: Signature | Detector, *, message: str | None = None, points: float = 0.0) -> Finding:
    """A finding for ``rule`` about the whole document: no lines, no offsets, no excerpt."""
    return Finding.computed(rule.id, rule.name, rule.dimension, rule.severity, message or rule.message,
                            None, None, None, None, "", round(points, 3))
