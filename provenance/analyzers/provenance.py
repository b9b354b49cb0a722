"""Provenance clarity: which outlet published the document, when, who wrote it, where from,
and whether this copy is the original or a republication relaying someone else.

Facts come from signature hits tagged ``date``, ``byline``, ``dateline``, ``republisher`` and
``relay``, and from outlet profiles; detectors in ``rules/provenance/`` turn them into scored
findings (credit for each fact found, a penalty for a copy), so the score is the sum of its findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex

from provenance.analyzers import Context, make_finding
from provenance.document import Document, Line
from provenance.matcher import Hit
from provenance.outlets import OutletIndex, outlet_index, registrable_domain
from provenance.report import Facts, Finding, Outlet, Reliability
from provenance.rulemodels import Detector, OutletProfile

FACT_TAGS = ("date", "byline", "dateline")


@dataclass
class ProvenanceResult:
    findings: list[Finding]
    outlet: Outlet | None
    facts: Facts


@dataclass
class Cue:
    """One piece of evidence naming an outlet, with its strength and where it was seen."""

    profile: OutletProfile
    kind: str
    strength: float
    start: int | None = None
    end: int | None = None


@dataclass
class OutletCues:
    cues: list[Cue] = field(default_factory=list)


def _head_lines(doc: Document, n: int) -> list[Line]:
    return [line for line in doc.lines if line.text.strip()][:n]


def _tail_lines(doc: Document, n: int) -> list[Line]:
    return [line for line in doc.lines if line.text.strip()][-n:]


def _masthead_cues(doc: Document, rules, params: dict) -> Iterator[Cue]:
    patterns = rules.memo("masthead-patterns", _compile_mastheads)
    for line in _head_lines(doc, int(params.get("head_lines", 3))):
        for profile, pattern in patterns:
            m = pattern.search(line.text)
            if m:
                yield Cue(profile, "masthead", float(params.get("masthead", 0.9)), line.start + m.start(1), line.start + m.end(1))


def _compile_mastheads(rules) -> list[tuple[OutletProfile, regex.Pattern]]:
    out = []
    for profile in rules.outlets:
        if not profile.mastheads:
            continue
        names = "|".join(regex.escape(m) for m in profile.mastheads)
        # "Title — RT EN" at the end of the title line, or "RT, December 25, 2022 —" opening the lead.
        out.append((profile, regex.compile(rf"(?:[—–|-]\s*({names})\s*$|^\s*({names}),\s)")))
    return out


def _credit_cues(doc: Document, rules, params: dict) -> Iterator[Cue]:
    compiled = rules.memo("credit-patterns", _compile_credits)
    for profile, kind, pattern in compiled:
        m = pattern.search(doc.text)
        if m:
            yield Cue(profile, kind, float(params.get(kind, 0.8)), m.start(), m.end())


def _compile_credits(rules) -> list[tuple[OutletProfile, str, regex.Pattern]]:
    out = []
    for profile in rules.outlets:
        for kind, patterns in (("dateline", profile.datelines), ("credit", profile.credits)):
            for p in patterns:
                out.append((profile, kind, regex.compile(p, regex.MULTILINE)))
    return out


def _resolve(cues: list[Cue], params: dict) -> tuple[OutletProfile | None, float, list[Cue]]:
    """The outlet the cues agree on, or None when they are weak or disagree."""
    best: dict[str, float] = {}
    for cue in cues:
        best[cue.profile.id] = 1 - (1 - best.get(cue.profile.id, 0.0)) * (1 - cue.strength)
    if not best:
        return None, 0.0, []
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    top_id, top = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if top < float(params.get("min_confidence", 0.6)) or top - runner < float(params.get("min_margin", 0.2)):
        return None, top, []
    chosen = [c for c in cues if c.profile.id == top_id]
    return chosen[0].profile, round(top, 3), chosen


def _outlet_model(profile: OutletProfile | None, domain: str | None, confidence: float, evidence: list[str]) -> Outlet | None:
    if profile is None and domain is None:
        return None
    if profile is None:
        return Outlet(id=None, name=None, domain=domain, confidence=round(confidence, 3), evidence=evidence)
    return Outlet(
        id=profile.id, name=profile.name, domain=domain or (registrable_domain(profile.domains[0]) if profile.domains else None),
        confidence=round(confidence, 3), evidence=evidence, kind=profile.kind, country=profile.country,
        ownership=profile.ownership, flags=list(profile.flags),
        reliability=[Reliability(**r.model_dump()) for r in profile.reliability],
    )


def _detector(ctx: Context, name: str) -> Detector | None:
    found = ctx.rules.detectors_named(name)
    return found[0] if found else None


def _identify_outlet(ctx: Context, index: OutletIndex) -> tuple[Outlet | None, list[Finding]]:
    rule = _detector(ctx, "outlet")
    if rule is None:
        return None, []
    params = rule.params
    doc, findings = ctx.doc, []
    url, named = ctx.doc.meta.get("url"), ctx.doc.meta.get("outlet")
    text_cues = [*_masthead_cues(doc, ctx.rules, params), *_credit_cues(doc, ctx.rules, params)]
    text_profile, text_conf, used = _resolve(text_cues, params)
    meta_profile = index.for_url(url) if url else (index.for_name(named) if named else None)
    domain = registrable_domain(url) if url else None
    if meta_profile or domain:
        profile, confidence = meta_profile, 1.0 if meta_profile else float(params.get("domain_only", 0.5))
        evidence = [f"url:{domain}" if url else f"metadata outlet:{named}"]
        conflict = _detector(ctx, "outlet-conflict")
        if conflict and text_profile and meta_profile and text_profile.id != meta_profile.id:
            msg = f"metadata says {meta_profile.name}, the text says {text_profile.name}"
            findings.append(make_finding(conflict, doc, used[0].start, used[0].end, message=msg, points=-conflict.weight))
    elif text_profile:
        profile, confidence, evidence = text_profile, text_conf, [f"{c.kind}:{doc.text[c.start:c.end]}" for c in used]
    else:
        return None, []
    outlet = _outlet_model(profile, domain, confidence, evidence)
    if profile is not None:
        start, end = (used[0].start, used[0].end) if used and profile is text_profile else (None, None)
        msg = f"outlet: {profile.name} ({', '.join(evidence)})"
        findings.append(make_finding(rule, doc, start, end, message=msg, points=rule.weight * confidence))
    return outlet, findings


def _fact_findings(ctx: Context, facts: Facts) -> Iterator[Finding]:
    for tag in FACT_TAGS:
        hits = [h for h in ctx.hits_tagged(tag) if h.signature.dimension == "provenance"]
        if not hits:
            continue
        hit = hits[0]
        value = ctx.doc.text[hit.start:hit.end].strip()
        if tag == "date":
            facts.published_text = value
        elif tag == "byline":
            facts.byline = value
        else:
            facts.dateline = value
        yield make_finding(hit.signature, ctx.doc, hit.start, hit.end, points=hit.signature.weight)


def _republication(ctx: Context, facts: Facts) -> Iterator[Finding]:
    markers = ctx.hits_tagged("republisher")
    copy_rule, original_rule = _detector(ctx, "republished"), _detector(ctx, "original")
    if markers and copy_rule:
        facts.republished = True
        m = markers[0]
        msg = f"republished copy: {ctx.doc.text[m.start:m.end].strip()!r} marks a republisher"
        yield make_finding(copy_rule, ctx.doc, m.start, m.end, message=msg, points=-copy_rule.weight)
    elif not markers and original_rule:
        yield make_finding(original_rule, ctx.doc, None, None, points=original_rule.weight)


def _relays(ctx: Context, index: OutletIndex) -> Iterator[tuple[Hit, OutletProfile]]:
    if index.names is None:
        return
    for hit in ctx.hits_tagged("relay"):
        m = index.names.search(ctx.doc.text, hit.start, hit.end)
        profile = index.for_name(m.group()) if m else None
        if profile:
            yield hit, profile


def _missing(ctx: Context, facts: Facts, outlet: Outlet | None) -> Iterator[Finding]:
    present = {"date": facts.published_text, "byline": facts.byline, "dateline": facts.dateline,
               "outlet": outlet and outlet.name}
    for rule in ctx.rules.detectors_named("missing-fact"):
        if not present.get(str(rule.params.get("fact"))):
            yield make_finding(rule, ctx.doc, None, None)


def analyze(ctx: Context) -> ProvenanceResult:
    index = outlet_index(ctx.rules)
    facts = Facts()
    outlet, findings = _identify_outlet(ctx, index)
    findings += list(_fact_findings(ctx, facts))
    findings += list(_republication(ctx, facts))
    relays = list(_relays(ctx, index))
    for hit, profile in relays:
        findings.append(make_finding(hit.signature, ctx.doc, hit.start, hit.end,
                                     message=f"relays {profile.name}", points=0.0))
    findings += list(_missing(ctx, facts, outlet))
    facts.chain = _chain(facts, outlet, [p for _, p in relays])
    return ProvenanceResult(sorted(findings, key=_order), outlet, facts)


def _chain(facts: Facts, outlet: Outlet | None, relayed: list[OutletProfile]) -> list[str]:
    chain = ["unknown republisher"] if facts.republished else []
    if outlet:
        chain.append(outlet.name or outlet.domain or "unknown")
    for profile in relayed:
        if profile.name not in chain:
            chain.append(profile.name)
    return chain if len(chain) > 1 or facts.republished else chain


def _order(f: Finding) -> tuple:
    return (f.start if f.start is not None else 10**12, f.rule)
