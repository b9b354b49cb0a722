"""Residue: lines the scraper kept from around the article (navigation, share buttons, footers...).

Every decision covers whole lines and names the rule that made it. Signature hits decide first;
structural detectors (``provenance/detectors/``, their thresholds in ``rules/residue/*.toml``) catch
what phrases cannot, the context classifier reads everything decided before it, and beyond-article runs last.
Keepers (``introduced-list``) run right after the signatures: the lines they keep are the text's own,
and no structural detector's finding covers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from provenance.analyzers import Context, excerpt_of, make_finding
from provenance.detectors import AFTER_ALL, AFTER_EVIDENCE, DETECTORS, KEEPERS
from provenance.detectors.page import Decision, Page, Params, build_page, runs
from provenance.document import Document
from provenance.report import Finding
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet

STOPWORDS_PREFIX = "stopwords-"


@dataclass
class ResidueResult:
    findings: list[Finding]
    lines: set[int]
    kept: set[int]  # lines a keeper protected from the structural detectors


def stoplists(rules: RuleSet) -> dict[str, frozenset[str]]:
    """Language code -> stopwords, from the ``stopwords-XX`` lexicons."""
    return {name[len(STOPWORDS_PREFIX):]: frozenset(w.casefold() for w in lex.words)
            for name, lex in rules.lexicons.items() if name.startswith(STOPWORDS_PREFIX)}


def _signature_findings(ctx: Context) -> Iterator[Finding]:
    for hit in ctx.hits_for("residue"):
        yield make_finding(hit.signature, ctx.doc, hit.start, hit.end, whole_lines=True)


def _stage(name: str) -> int:
    """0: reads only the text; 1: reads what stage 0 and the signatures decided; 2: reads everything."""
    return 2 if name in AFTER_ALL else 1 if name in AFTER_EVIDENCE else 0


def _residue_detectors(ctx: Context, stage: int) -> list[Detector]:
    return [r for r in ctx.rules.detectors
            if r.dimension == "residue" and r.detector in DETECTORS and _stage(r.detector) == stage]


def _keepers(ctx: Context) -> list[Detector]:
    return [r for r in ctx.rules.detectors if r.dimension == "residue" and r.detector in KEEPERS]


def _kept_lines(page: Page, rules: list[Detector]) -> set[int]:
    return {n for rule in rules for decision in KEEPERS[rule.detector](page, Params(rule))
            for n in range(decision.first, decision.last + 1)}


def _detector_findings(page: Page, rules: list[Detector]) -> Iterator[Finding]:
    """Each detector's decisions as findings, without the lines a keeper protected."""
    for rule in rules:
        for decision in DETECTORS[rule.detector](page, Params(rule)):
            for first, last in _unkept_runs(decision, page.kept):
                start, end = page.doc.line_span(first, last)
                yield make_finding(rule, page.doc, start, end, message=f"{rule.message} ({decision.reason})",
                                   whole_lines=True)


def _unkept_runs(decision: Decision, kept: set[int]) -> Iterable[tuple[int, int]]:
    """The runs of the decision's lines that no keeper protected: its whole span, without a run
    search, when it holds no kept line (most pages have none)."""
    if kept.isdisjoint(range(decision.first, decision.last + 1)):
        return ((decision.first, decision.last),)
    return runs(n for n in range(decision.first, decision.last + 1) if n not in kept)


def _covered(findings: list[Finding]) -> set[int]:
    return {n for f in findings for n in range(f.line, f.end_line + 1)}


def _part(f: Finding, doc: Document, first: int, last: int) -> Finding:
    """``f`` narrowed to lines ``first``..``last``."""
    start, end = doc.line_span(first, last)
    return f.model_copy(update={"line": first, "end_line": last, "start": start, "end": end,
                                "excerpt": excerpt_of(doc, start, end)})


def _first_decision_per_line(findings: list[Finding], doc: Document) -> list[Finding]:
    """One finding per line: signatures first (they are the most specific), then detectors in id order.
    A run that a more specific rule already covers in part keeps the lines left over (a menu run
    with a 'Home' line inside it is still a menu on its other lines)."""
    kept: list[Finding] = []
    covered: set[int] = set()
    for f in findings:
        span = range(f.line, f.end_line + 1)
        if covered.isdisjoint(span):
            kept.append(f)
        else:
            free = [n for n in span if n not in covered and doc.lines[n - 1].text.strip()]
            kept += [_part(f, doc, first, last) for first, last in runs(free)]
        covered.update(span)
    return sorted(kept, key=lambda f: (f.line, f.rule))


def analyze(ctx: Context) -> ResidueResult:
    lookup = ctx.templates.lookup_for(ctx.doc) if ctx.templates is not None else None
    page = build_page(ctx.doc, ctx.rules.memo("residue-stoplists", stoplists), lookup)
    found = list(_signature_findings(ctx))
    page.decided = _covered(found)
    page.kept = _kept_lines(page, _keepers(ctx))
    found += _detector_findings(page, _residue_detectors(ctx, 0))
    page.decided = _covered(found)
    found += _detector_findings(page, _residue_detectors(ctx, 1))
    page.decided = _covered(found)
    found += _detector_findings(page, _residue_detectors(ctx, 2))
    kept = _first_decision_per_line(found, ctx.doc)
    lines = _covered(kept)
    ctx.residue_lines |= lines
    return ResidueResult(kept, lines, page.kept)
