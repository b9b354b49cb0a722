"""Scoring: every score is reached from findings, so ``provenance explain`` can show each step.

- residue: 100 minus the share of non-blank characters that lie on residue lines;
- provenance: the sum of the points of provenance findings (credit for each fact the document gives
  about its origin, penalties for a republished copy), clamped to 0-100;
- attribution: the mean quality of the attribution units (quotations and sourcing findings), shrunk
  toward a neutral prior when there are few; null when there is nothing to attribute;
- overall: the weighted mean of the available dimension scores.
"""

from __future__ import annotations

from collections.abc import Iterable

from provenance.config import Settings
from provenance.document import Document
from provenance.report import Finding, Quote, Scores

# Quality of each kind of quotation as evidence: a named, checkable speaker is best.
QUOTE_QUALITY = {
    "named": 1.0, "organisation": 0.85, "pronoun": 0.9, "relayed": 0.6,
    "anonymous": 0.3, "vague": 0.2, "unattributed": 0.0,
}
PRIOR = 0.6
PRIOR_STRENGTH = 3.0


def _clamp(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 1)


def residue_points(doc: Document, residue_lines: set[int]) -> tuple[float, dict[int, float]]:
    """The residue score and, per line, how many points that line costs."""
    sizes = {line.number: len(line.text.strip()) for line in doc.lines}
    total = sum(sizes.values())
    if total == 0:
        return 100.0, {}
    costs = {n: 100.0 * sizes[n] / total for n in residue_lines if sizes.get(n)}
    return _clamp(100.0 - sum(costs.values())), costs


def provenance_score(findings: Iterable[Finding]) -> float:
    return _clamp(sum(f.points for f in findings if f.dimension == "provenance"))


def attribution_score(quotes: list[Quote], findings: Iterable[Finding]) -> float | None:
    """Mean unit quality, shrunk toward ``PRIOR``; a sourcing finding is a unit of quality 0."""
    units = [QUOTE_QUALITY[q.kind] for q in quotes]
    units += [0.0 for f in findings if f.dimension == "attribution" and f.points < 0]
    if not units:
        return None
    mean = (sum(units) + PRIOR * PRIOR_STRENGTH) / (len(units) + PRIOR_STRENGTH)
    return _clamp(100.0 * mean)


def overall_score(provenance: float, attribution: float | None, residue: float, settings: Settings) -> float:
    w = settings.weights
    parts = [(provenance, w.provenance), (residue, w.residue)]
    if attribution is not None:
        parts.append((attribution, w.attribution))
    weight = sum(p[1] for p in parts)
    if weight == 0:
        return 0.0
    return _clamp(sum(score * wt for score, wt in parts) / weight)


def score(doc: Document, findings: list[Finding], quotes: list[Quote], residue_lines: set[int], settings: Settings) -> Scores:
    residue, _ = residue_points(doc, residue_lines)
    provenance = provenance_score(findings)
    attribution = attribution_score(quotes, findings)
    return Scores(provenance=provenance, attribution=attribution, residue=residue,
                  overall=overall_score(provenance, attribution, residue, settings))
