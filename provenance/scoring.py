"""Scoring: every score is reached from findings, so ``provenance explain`` can show each step.

- residue: 100 minus the share of non-blank characters that lie on residue lines;
- provenance: the sum of the points of provenance findings (credit for each fact the document gives
  about its origin, penalties for a republished copy), clamped to 0-100;
- attribution: the mean quality of the attribution units (quotations and sourcing warnings), shrunk
  toward a neutral prior when there are few, written as the sum of the points of the attribution
  findings (the prior, then each unit's pull away from it); null when there is nothing to attribute;
- overall: the weighted mean of the available dimension scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from provenance.config import Settings
from provenance.document import Document
from provenance.report import Finding, QuoteKind, Scores
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet

QUOTE_KINDS = get_args(QuoteKind)
QUOTE_RULE = "quote-attribution"  # the detector whose findings are the quotations
PRIOR_RULE = "attribution-prior"  # the detector whose finding carries the neutral prior


def _clamp(value: float) -> float:
    """``round(min(100.0, max(0.0, value)), 1)``, with the comparisons ``max`` and ``min`` make (each keeps
    its first argument unless the second compares greater, or less), without their calls: every
    document clamps five scores."""
    value = value if value > 0.0 else 0.0
    return round(value if value < 100.0 else 100.0, 1)


def residue_points(doc: Document, residue_lines: set[int]) -> tuple[float, dict[int, float]]:
    """The residue score and, per line, how many points that line costs. Only the residue lines'
    sizes are kept: the total is summed without a table of every line, and not at all where there is
    no residue line (a third of dev-B's documents), whose score is 100 whatever the total."""
    if not residue_lines:
        return 100.0, {}
    texts = doc.line_texts
    total = sum(map(len, map(str.strip, texts)))
    if total == 0:
        return 100.0, {}
    sizes = {n: len(texts[n - 1].strip()) for n in residue_lines if 1 <= n <= len(texts)}
    costs = {n: 100.0 * size / total for n, size in sizes.items() if size}
    return _clamp(100.0 - sum(costs.values())), costs


def provenance_score(findings: Iterable[Finding]) -> float:
    return _clamp(sum(f.points for f in findings if f.dimension == "provenance"))


@dataclass(frozen=True)
class AttributionPrices:
    """How much each attribution unit is worth, from the ``quote-attribution`` detector's params:
    the quality of each kind of quotation (0-1), the neutral prior and its strength in units."""

    quality: dict[str, float]
    prior: float
    strength: float


def attribution_prices(rules: RuleSet) -> AttributionPrices | None:
    rule = next(iter(rules.detectors_named(QUOTE_RULE)), None)
    if rule is None:
        return None
    params = rule.params
    quality = {kind: float(params[f"quality_{kind}"]) for kind in QUOTE_KINDS}
    return AttributionPrices(quality, float(params["prior"]), float(params["prior_strength"]))


def is_attribution_unit(finding: Finding) -> bool:
    """Quotations (AT030 findings) and sourcing warnings are the units the attribution score weighs."""
    return finding.dimension == "attribution" and (finding.name == QUOTE_RULE or finding.severity != "info")


def price_attribution(units: list[tuple[Finding, float, int]], others: list[Finding],
                      prices: AttributionPrices | None, prior_rule: Detector | None) -> list[Finding]:
    """Give each unit finding (standing for ``count`` units of one quality, 0-1) its points: how far
    they move the score from the prior, ``100 * count * (quality - prior) / (units + strength)``. A
    document-level finding carries the prior itself, so the attribution score is the sum of the
    points of the attribution findings."""
    if prices is None or prior_rule is None or not units:
        return [f for f, _, _ in units] + others
    total = sum(count for _, _, count in units)
    share = 100.0 / (total + prices.strength)
    priced = [f.priced(round(share * count * (q - prices.prior), 3)) for f, q, count in units]
    message = (f"neutral prior {100 * prices.prior:g}, weighed as {prices.strength:g} units "
               f"against the {total} here")
    priced.append(Finding.computed(prior_rule.id, prior_rule.name, "attribution", "info", message,
                                   None, None, None, None, "", round(100.0 * prices.prior, 3)))
    return priced + others


def attribution_score(findings: Iterable[Finding]) -> float | None:
    """The sum of the attribution findings' points; null when nothing in the document is attributed
    (no prior was laid down: no unit, or the ``quote-attribution`` or ``attribution-prior`` rule is off)."""
    mine = [f for f in findings if f.dimension == "attribution"]
    if not any(f.name == PRIOR_RULE for f in mine):
        return None
    return _clamp(sum(f.points for f in mine))


def overall_score(provenance: float, attribution: float | None, residue: float, settings: Settings) -> float:
    """The weighted mean of the scores there are. Weights and weighted scores are added as ``sum``
    would add them, but for its start at 0, which turns a first -0.0 into 0.0: a sign that the
    weight's test against 0 and ``_clamp`` make no matter. Every document has one."""
    w = settings.weights
    weight, weighted = w.provenance + w.residue, provenance * w.provenance + residue * w.residue
    if attribution is not None:
        weight, weighted = weight + w.attribution, weighted + attribution * w.attribution
    if weight == 0:
        return 0.0
    return _clamp(weighted / weight)


def score(findings: list[Finding], residue: float, settings: Settings) -> Scores:
    """The scores, given the residue score (``residue_points``, which also prices the residue findings)."""
    provenance, attribution = _dimension_scores(findings)
    overall = overall_score(provenance, attribution, residue, settings)
    return Scores.computed(float(provenance), None if attribution is None else float(attribution), float(residue),
                           float(overall))


def _dimension_scores(findings: list[Finding]) -> tuple[float, float | None]:
    """``provenance_score`` and ``attribution_score`` from one pass over the findings: every document
    is scored. The points are summed by ``sum``, as there (Python 3.12 sums floats with compensation)."""
    provenance, attribution = [], []
    prior = False
    for f in findings:
        if f.dimension == "provenance":
            provenance.append(f.points)
        elif f.dimension == "attribution":
            attribution.append(f.points)
            prior = prior or f.name == PRIOR_RULE
    return _clamp(sum(provenance)), _clamp(sum(attribution)) if prior else None
