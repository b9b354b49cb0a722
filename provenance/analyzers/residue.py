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
from operator import attrgetter

from provenance import accelerator
from provenance.analyzers import CUT_MARK, EXCERPT_LIMIT, Context, excerpt_of, make_finding
from provenance.detectors import AFTER_ALL, AFTER_EVIDENCE, DETECTORS, KEEPERS, DetectorFunction
from provenance.detectors.page import Decision, Page, Params, TemplateLookup, build_page, runs
from provenance.document import Document, Line
from provenance.matcher import Hit
from provenance.report import Finding
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet

STOPWORDS_PREFIX = "stopwords-"
_LINE_AND_RULE = attrgetter("line", "rule")
_FINDING_FIELDS = frozenset(Finding.model_fields)  # each finding's fields-set, as Finding.computed sets it
GROUP_CHARS = 1 << 16  # the text of the pages each detector goes over in turn (_groups)


@dataclass
class ResidueResult:
    findings: list[Finding]
    lines: set[int]
    kept: set[int]  # lines a keeper protected from the structural detectors


def stoplists(rules: RuleSet) -> dict[str, frozenset[str]]:
    """Language code -> stopwords, from the ``stopwords-XX`` lexicons."""
    return {name[len(STOPWORDS_PREFIX):]: frozenset(w.casefold() for w in lex.words)
            for name, lex in rules.lexicons.items() if name.startswith(STOPWORDS_PREFIX)}


def _signature_findings(ctx: Context) -> list[Finding]:
    """Each residue hit as a finding over its whole lines: ``make_finding(hit.signature, doc, hit.start,
    hit.end, whole_lines=True)``, from the lines the hit knows it lies on rather than two searches
    for them. By the accelerator's ``hit_findings`` where it is there (one call a document, which also
    picks the residue hits out of all of them), else by ``python_signature_findings``, its reference."""
    doc = ctx.doc
    if accelerator.fastpage is None:
        return python_signature_findings(ctx.hits, doc)
    return accelerator.fastpage.hit_findings(ctx.hits, Hit, "residue", doc.lines, Line, doc.text, Finding,
                                             _FINDING_FIELDS, (EXCERPT_LIMIT, CUT_MARK))


def python_signature_findings(hits: list[Hit], doc: Document) -> list[Finding]:
    findings = []
    for hit in hits:
        rule = hit.signature
        if rule.dimension != "residue":
            continue
        start, end = doc.line_span(hit.line, hit.end_line)
        findings.append(Finding.computed(rule.id, rule.name, rule.dimension, rule.severity, rule.message, hit.line,
                                         hit.end_line, start, end, excerpt_of(doc, start, end), 0.0))
    return findings


def _stage(name: str) -> int:
    """0: reads only the text; 1: reads what stage 0 and the signatures decided; 2: reads everything."""
    return 2 if name in AFTER_ALL else 1 if name in AFTER_EVIDENCE else 0


Step = tuple[Detector, DetectorFunction, Params]


@dataclass(frozen=True)
class _Plan:
    """The residue rules in the order they run, each with its function and its ``Params``: chosen
    once per rule set, so that every document finds its thresholds already read."""

    keepers: list[Step]
    stages: tuple[list[Step], list[Step], list[Step]]


def _plan(rules: RuleSet) -> _Plan:
    residue = [r for r in rules.detectors if r.dimension == "residue"]
    keepers = [(r, KEEPERS[r.detector], Params(r)) for r in residue if r.detector in KEEPERS]
    steps = [(r, DETECTORS[r.detector], Params(r)) for r in residue if r.detector in DETECTORS]
    return _Plan(keepers, tuple([s for s in steps if _stage(s[0].detector) == stage] for stage in range(3)))


def _kept_lines(page: Page, step: Step) -> set[int]:
    _, detect, params = step
    return {n for decision in detect(page, params) for n in range(decision.first, decision.last + 1)}


def _detector_findings(pages: list[Page], step: Step, stage: list[list[Finding]]) -> None:
    """The detector's decisions on each page added to the page's ``stage`` findings, without the
    lines a keeper protected (most pages have none: their decisions are not split, and are made
    findings all at once)."""
    rule, detect, params = step
    fields = params.once(_finding_fields)
    for page, found in zip(pages, stage):
        doc, kept = page.doc, page.kept
        if not kept:
            decisions = list(detect(page, params))
            if decisions:
                found += _decision_findings(rule, doc, decisions, fields)
            continue
        for decision in detect(page, params):
            message = f"{rule.message} ({decision.reason})"
            found += [_lines_finding(rule, doc, first, last, message) for first, last in _unkept_runs(decision, kept)]


def _finding_fields(params: Params) -> tuple[str, str, str, str, str]:
    """The fields every finding of the rule holds, as ``decision_findings`` takes them."""
    rule = params.rule
    return rule.id, rule.name, rule.dimension, rule.severity, rule.message


def _decision_findings(rule: Detector, doc: Document, decisions: list[Decision],
                       fields: tuple[str, str, str, str, str]) -> list[Finding]:
    """``_lines_finding`` of each decision's lines: by the accelerator's ``decision_findings`` where it
    is there (a corpus MB makes thousands), but for a decision whose last line is empty, which it
    leaves to ``_lines_finding``; else by ``python_decision_findings``, its reference. ``fields``:
    ``_finding_fields``'."""
    if accelerator.fastpage is None:
        return python_decision_findings(rule, doc, decisions)
    findings, left = accelerator.fastpage.decision_findings(decisions, Decision, doc.lines, Line, doc.text, fields,
                                                            Finding, _FINDING_FIELDS, (EXCERPT_LIMIT, CUT_MARK))
    for i in left:
        decision = decisions[i]
        findings[i] = _lines_finding(rule, doc, decision.first, decision.last, f"{rule.message} ({decision.reason})")
    return findings


def python_decision_findings(rule: Detector, doc: Document, decisions: list[Decision]) -> list[Finding]:
    return [_lines_finding(rule, doc, d.first, d.last, f"{rule.message} ({d.reason})") for d in decisions]


def _lines_finding(rule: Detector, doc: Document, first: int, last: int, message: str) -> Finding:
    """``make_finding`` over the whole lines ``first``..``last``, which it would find again from their
    offsets (two searches a finding, and detectors make thousands a corpus MB), but for an empty last
    line: there, its span ends on the line before. (``doc.line_span``, read here from the lines.)"""
    lines = doc.lines
    start, end = lines[first - 1].start, lines[last - 1].end
    if end == lines[last - 1].start:
        return make_finding(rule, doc, start, end, message=message, whole_lines=True)
    return Finding.computed(rule.id, rule.name, rule.dimension, rule.severity, message, first, last, start, end,
                            excerpt_of(doc, start, end), 0.0)


def _unkept_runs(decision: Decision, kept: set[int]) -> Iterable[tuple[int, int]]:
    """The runs of the decision's lines that no keeper protected: its whole span, without a run
    search, when it holds no kept line."""
    if kept.isdisjoint(range(decision.first, decision.last + 1)):
        return ((decision.first, decision.last),)
    return runs(n for n in range(decision.first, decision.last + 1) if n not in kept)


def _covered(findings: list[Finding]) -> set[int]:
    """The lines the findings cover: by the accelerator's ``covered_lines`` where it is there, else by
    ``python_covered``, its reference."""
    if accelerator.fastpage is None:
        return python_covered(findings)
    return accelerator.fastpage.covered_lines(findings)


def python_covered(findings: list[Finding]) -> set[int]:
    """Most findings cover one line, added without a range."""
    lines: set[int] = set()
    for f in findings:
        if f.line == f.end_line:
            lines.add(f.line)
        else:
            lines.update(range(f.line, f.end_line + 1))
    return lines


def _part(f: Finding, doc: Document, first: int, last: int) -> Finding:
    """``f`` narrowed to lines ``first``..``last``."""
    start, end = doc.line_span(first, last)
    return f.updated(line=first, end_line=last, start=start, end=end, excerpt=excerpt_of(doc, start, end))


def _first_decision_per_line(findings: list[Finding], doc: Document) -> tuple[list[Finding], set[int]]:
    """One finding per line: signatures first (they are the most specific), then detectors in id order.
    A run that a more specific rule already covers in part keeps the lines left over (a menu run
    with a 'Home' line inside it is still a menu on its other lines). Also the lines the kept findings
    cover: every line read but the blank ones a part left out, without reading the kept ones again.
    Chosen by the accelerator's ``first_per_line`` where it is there (a page makes up to thousands of
    findings), the parts it names made here; else by ``python_first_decision_per_line``, its reference."""
    if accelerator.fastpage is None:
        return python_first_decision_per_line(findings, doc)
    kept, parts, covered = accelerator.fastpage.first_per_line(findings, doc.lines, Line)
    for at, finding, first, last in parts:
        kept[at] = _part(finding, doc, first, last)
    return kept, covered


def python_first_decision_per_line(findings: list[Finding], doc: Document) -> tuple[list[Finding], set[int]]:
    kept: list[Finding] = []
    covered: set[int] = set()
    left_out: set[int] = set()
    for f in findings:
        if f.line == f.end_line and f.line not in covered:  # most findings: one line, not covered yet
            kept.append(f)
            covered.add(f.line)
            continue
        span = range(f.line, f.end_line + 1)
        if covered.isdisjoint(span):
            kept.append(f)
        else:
            new = [n for n in span if n not in covered]
            free = [n for n in new if doc.lines[n - 1].text.strip()]
            kept += [_part(f, doc, first, last) for first, last in runs(free)]
            left_out.update(new)
            left_out.difference_update(free)
        covered.update(span)
    return sorted(kept, key=_LINE_AND_RULE), covered - left_out if left_out else covered


def analyze(ctx: Context) -> ResidueResult:
    """The residue of one document: ``analyze_chunk`` of a chunk of one."""
    return analyze_chunk([ctx])[0]


def analyze_chunk(ctxs: list[Context]) -> list[ResidueResult]:
    """``analyze`` of each context, a group of pages at a time (``_groups``): stage by stage as on one
    page, but each detector going over all the group's pages before the next starts (its patterns
    and tables stay in the CPU caches, as the signatures' do). A detector reads only what the keepers
    and the earlier stages decided on its page, and the findings of a page keep the order of its own run."""
    return [result for group in _groups(ctxs) for result in _analyze_group(group)]


def _groups(ctxs: list[Context]) -> Iterator[list[Context]]:
    """The contexts in runs of at most ``GROUP_CHARS`` characters of text (a longer document alone):
    the pages of a whole chunk no longer fit the caches beside the detectors' tables. (Measured on
    dev-B and dev-A, residue CPU ms: a document at a time 120, 384; groups of 64k characters 109, 386;
    the whole chunk 112, 421.)"""
    group: list[Context] = []
    size = 0
    for ctx in ctxs:
        if group and size + len(ctx.doc.text) > GROUP_CHARS:
            yield group
            group, size = [], 0
        group.append(ctx)
        size += len(ctx.doc.text)
    if group:
        yield group


def _analyze_group(ctxs: list[Context]) -> list[ResidueResult]:
    rules = ctxs[0].rules
    stops, plan = rules.memo("residue-stoplists", stoplists), rules.memo("residue-plan", _plan)
    pages = [build_page(ctx.doc, stops, _lookup(ctx)) for ctx in ctxs]
    found = [_signature_findings(ctx) for ctx in ctxs]
    for page, page_found in zip(pages, found):
        page.decided = _covered(page_found)
        page.kept = set()
    for step in plan.keepers:
        for page in pages:
            page.kept |= _kept_lines(page, step)
    for steps in plan.stages:
        _run_stage(pages, found, steps)
    return [_result(ctx, page, page_found) for ctx, page, page_found in zip(ctxs, pages, found)]


def _lookup(ctx: Context) -> TemplateLookup | None:
    return ctx.templates.lookup_for(ctx.doc) if ctx.templates is not None else None


def _run_stage(pages: list[Page], found: list[list[Finding]], steps: list[Step]) -> None:
    """The stage's findings added to each page's, and the lines they cover to its ``decided``."""
    stage: list[list[Finding]] = [[] for _ in pages]
    for step in steps:
        _detector_findings(pages, step, stage)
    for page, page_found, page_stage in zip(pages, found, stage):
        page_found += page_stage
        page.decided = page.decided | _covered(page_stage)


def _result(ctx: Context, page: Page, found: list[Finding]) -> ResidueResult:
    kept, lines = _first_decision_per_line(found, ctx.doc)
    ctx.residue_lines |= lines
    return ResidueResult(kept, lines, page.kept)
