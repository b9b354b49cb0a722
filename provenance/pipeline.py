"""The pipeline: documents go through the signature stage, the three analyzers, then scoring, into
their reports; a chunk of documents goes through each stage together before the next stage starts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from provenance import suppress
from provenance.analyzers import (Context, attribution, collect_hits_of, make_finding, on_demand_engine, on_demand_tags,
                                  provenance, residue)
from provenance.config import Settings
from provenance.document import Document
from provenance.report import DocumentReport, Finding, ReadError, Scores, doc_blocked
from provenance.rulepack import RuleSet
from provenance.scoring import residue_points, score

if TYPE_CHECKING:
    from provenance.templates import TemplateCounts


def _reading_findings(ctx: Context) -> list[Finding]:
    """Problems met while reading or matching that the curator should see, as findings. Each kind's
    rules are looked up only when there is such a problem: nearly every document has none."""
    doc, found = ctx.doc, []
    if doc.notes:
        found += [make_finding(rule, doc, None, None, message=f"{rule.message}: {note}")
                  for rule in ctx.rules.detectors_named("decoding-fallback") for note in doc.notes]
    if not doc.text or doc.text.isspace():  # what ``not text.strip()`` says, without copying the text
        found += [make_finding(rule, doc, None, None) for rule in ctx.rules.detectors_named("empty-text")]
    if ctx.overruns:
        found += [make_finding(rule, doc, None, None, message=f"{rule.message}: {rule_id}")
                  for rule in ctx.rules.detectors_named("rule-timeout") for rule_id in ctx.overruns]
    return found


def _with_residue_points(doc: Document, found: list[Finding], lines: set[int]) -> tuple[float, list[Finding]]:
    """The residue score, and the findings with their points set in place: the residue stage made them
    for this document alone, and a copy of each (``Finding.priced``) costs four times the assignment.
    Each is written into the finding's ``__dict__``, as pydantic's assignment writes it (``points`` is
    already among the fields set by ``Finding.computed``), at half the cost: a corpus MB has thousands."""
    value, costs = residue_points(doc, lines)
    for f in found:
        fields = f.__dict__
        fields["points"] = -round(_lines_cost(costs, fields["line"], fields["end_line"]), 3)
    return value, found


def _lines_cost(costs: dict[int, float], first: int, last: int) -> float:
    """What lines ``first``..``last`` cost (``residue_points``: positive, or absent), summed as ``sum`` adds
    them; most findings cover one line, which needs no sum."""
    if first == last:
        return costs.get(first, 0.0)
    return sum(costs.get(n, 0.0) for n in range(first, last + 1))


def check_document(doc: Document, rules: RuleSet, settings: Settings,
                   templates: TemplateCounts | None = None) -> DocumentReport:
    """The report of ``doc``; rules suppressed on its path (settings' ``ignore``) do not run.
    ``templates`` are the corpus pre-pass counts (``provenance.templates``), if any."""
    return check_documents([doc], rules, settings, templates)[0]


def check_documents(docs: list[Document], rules: RuleSet, settings: Settings,
                    templates: TemplateCounts | None = None) -> list[DocumentReport]:
    """``check_document`` of each document. The documents go through each stage together, one stage
    after another: a stage's automata, programs and tables then stay in the processor's caches from
    one document to the next, where checking each document through every stage in turn evicts them."""
    reports = _check(docs, rules, settings, templates)
    if not settings.ignore:
        return reports
    check = partial(_check_one, templates=templates)
    return [suppress.apply(doc, report, rules, settings, check) for doc, report in zip(docs, reports)]


def context(doc: Document, rules: RuleSet, settings: Settings, templates: TemplateCounts | None = None) -> Context:
    """What every analyzer reads: the document, the rules and the signature hits, found once."""
    return contexts([doc], rules, settings, templates)[0]


def contexts(docs: list[Document], rules: RuleSet, settings: Settings,
             templates: TemplateCounts | None = None) -> list[Context]:
    """``context`` of each document."""
    found = collect_hits_of(docs, rules, settings.regex_timeout, settings.engine)
    return [Context(doc=doc, rules=rules, hits=hits, overruns=overruns, templates=templates,
                    timeout=settings.regex_timeout, engine=settings.engine) for doc, (hits, overruns) in zip(docs, found)]


def _check_one(doc: Document, rules: RuleSet, settings: Settings,
               templates: TemplateCounts | None = None) -> DocumentReport:
    return _check([doc], rules, settings, templates)[0]


def _check(docs: list[Document], rules: RuleSet, settings: Settings,
           templates: TemplateCounts | None = None) -> list[DocumentReport]:
    ctxs = contexts(docs, rules, settings, templates)
    residues = [_with_residue_points(ctx.doc, res.findings, res.lines)
                for ctx, res in zip(ctxs, residue.analyze_chunk(ctxs))]
    provs = provenance.analyze_chunk(ctxs)
    attrs = attribution.analyze_chunk(ctxs)
    return [_report(ctx, *res, prov, attr, settings) for ctx, res, prov, attr in zip(ctxs, residues, provs, attrs)]


def _report(ctx: Context, residue_score: float, residue_findings: list[Finding], prov: provenance.ProvenanceResult,
            attr: attribution.AttributionResult, settings: Settings) -> DocumentReport:
    doc = ctx.doc
    findings = [*_reading_findings(ctx), *residue_findings, *prov.findings, *attr.findings]
    scores = score(findings, residue_score, settings)
    return DocumentReport.computed(
        doc.id, doc.path, doc.sha256, scores, checked_verdict(scores, findings, settings),
        prov.outlet, prov.facts, attr.quotes, findings, len(doc.text), len(doc.lines),
    )


def checked_verdict(scores: Scores, findings: list[Finding], settings: Settings) -> bool:
    """A report's ``passed`` as checked, before any gate judges it."""
    return scores.overall >= settings.threshold and not doc_blocked(findings)


def as_checked(report: DocumentReport, settings: Settings) -> DocumentReport:
    """``report`` as checked, from the report a gate judged: the gate sets its ``passed`` and ``gate``
    alone (``gate.judge``)."""
    return report.updated(passed=checked_verdict(report.scores, report.findings, settings), gate=[])


def prepare(rules: RuleSet, settings: Settings) -> None:
    """Build everything the analyzers derive from the rules (the signature engine, outlet index,
    lexicons: ``RuleSet.memo``) by checking a one-word document, so that processes forked afterwards
    share those structures instead of each building its own copy (the on-demand signatures' engines
    too, which that document never asks for)."""
    check_document(Document(id="prepare", path="prepare", text="prepare"), rules, settings)
    for tag in on_demand_tags(rules):
        on_demand_engine(rules, tag, settings.engine)


def check_all(items: Iterable[Document | ReadError], rules: RuleSet, settings: Settings,
              templates: TemplateCounts | None = None) -> Iterator[DocumentReport | ReadError]:
    for item in items:
        yield item if isinstance(item, ReadError) else check_document(item, rules, settings, templates)
