"""Residue: lines the scraper kept from around the article (navigation, share buttons, footers...).

Every decision covers whole lines and names the rule that made it. Signature hits decide first;
structural detectors (their thresholds in ``rules/residue/*.toml``) catch what phrases cannot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from provenance.analyzers import Context, make_finding
from provenance.document import Document, Line
from provenance.report import Finding
from provenance.rulemodels import Detector

_WORD = regex.compile(r"\w+")


@dataclass
class ResidueResult:
    findings: list[Finding]
    lines: set[int]


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def repeated_lines(doc: Document, rule: Detector) -> Iterator[list[Line]]:
    """Later copies of a line that already appeared (headlines repeated two or three times)."""
    min_chars = int(rule.params.get("min_chars", 12))
    seen: set[str] = set()
    for line in doc.lines:
        key = _key(line.text)
        if len(key) < min_chars:
            continue
        if key in seen:
            yield [line]
        seen.add(key)


DETECTORS = {
    "repeated-line": repeated_lines,
}


def _signature_findings(ctx: Context) -> Iterator[Finding]:
    for hit in ctx.hits_for("residue"):
        yield make_finding(hit.signature, ctx.doc, hit.start, hit.end, whole_lines=True)


def _detector_findings(ctx: Context) -> Iterator[Finding]:
    for rule in ctx.rules.detectors:
        detect = DETECTORS.get(rule.detector) if rule.dimension == "residue" else None
        if detect is None:
            continue
        for lines in detect(ctx.doc, rule):
            yield make_finding(rule, ctx.doc, lines[0].start, lines[-1].end, whole_lines=True)


def _first_decision_per_line(findings: list[Finding]) -> list[Finding]:
    """One finding per line: signatures first (they are the most specific), then detectors."""
    kept: list[Finding] = []
    covered: set[int] = set()
    for f in findings:
        span = set(range(f.line, f.end_line + 1))
        if span & covered:
            continue
        covered |= span
        kept.append(f)
    return sorted(kept, key=lambda f: (f.line, f.rule))


def analyze(ctx: Context) -> ResidueResult:
    found = _first_decision_per_line([*_signature_findings(ctx), *_detector_findings(ctx)])
    lines = {n for f in found for n in range(f.line, f.end_line + 1)}
    ctx.residue_lines |= lines
    return ResidueResult(found, lines)
