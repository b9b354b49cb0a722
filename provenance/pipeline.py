"""The pipeline: a document goes through the three analyzers, then scoring, into its report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from provenance import suppress
from provenance.analyzers import Context, attribution, collect_hits, make_finding, provenance, residue
from provenance.config import Settings
from provenance.document import Document
from provenance.report import DocumentReport, Finding, ReadError, doc_blocked
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
    if not settings.ignore:
        return _check(doc, rules, settings, templates)
    check = partial(_check, templates=templates)
    return suppress.apply(doc, check(doc, rules, settings), rules, settings, check)


def context(doc: Document, rules: RuleSet, settings: Settings, templates: TemplateCounts | None = None) -> Context:
    """What every analyzer reads: the document, the rules and the signature hits, found once."""
    hits, overruns = collect_hits(doc, rules, settings.regex_timeout, settings.engine)
    return Context(doc=doc, rules=rules, hits=hits, overruns=overruns, templates=templates,
                   timeout=settings.regex_timeout)


def _check(doc: Document, rules: RuleSet, settings: Settings, templates: TemplateCounts | None = None) -> DocumentReport:
    ctx = context(doc, rules, settings, templates)
    res = residue.analyze(ctx)
    residue_score, residue_findings = _with_residue_points(doc, res.findings, res.lines)
    prov = provenance.analyze(ctx)
    attr = attribution.analyze(ctx)
    findings = [*_reading_findings(ctx), *residue_findings, *prov.findings, *attr.findings]
    scores = score(findings, residue_score, settings)
    return DocumentReport.computed(
        doc.id, doc.path, doc.sha256, scores, scores.overall >= settings.threshold and not doc_blocked(findings),
        prov.outlet, prov.facts, attr.quotes, findings, len(doc.text), len(doc.lines),
    )


def prepare(rules: RuleSet, settings: Settings) -> None:
    """Build everything the analyzers derive from the rules (the signature engine, outlet index,
    lexicons: ``RuleSet.memo``) by checking a one-word document, so that processes forked afterwards
    share those structures instead of each building its own copy."""
    check_document(Document(id="prepare", path="prepare", text="prepare"), rules, settings)


def check_all(items: Iterable[Document | ReadError], rules: RuleSet, settings: Settings,
              templates: TemplateCounts | None = None) -> Iterator[DocumentReport | ReadError]:
    for item in items:
        yield item if isinstance(item, ReadError) else check_document(item, rules, settings, templates)
