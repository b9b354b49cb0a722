"""``provenance explain RULE`` and ``provenance explain DOC``.

For a rule: what it looks for, why it matters, and its examples, each run now. For a document: how
each score was reached, step by step, from the findings and quotes behind it, and what the gate in
force decides. The arithmetic shown is the scoring module's own (its constants and functions), so
the explanation cannot drift from the scores.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from provenance.commands.common import add_corpus_option, add_rule_options, add_threshold_option, corpus_counts, settings_and_rules
from provenance.commands.outlets import profile_record
from provenance.config import Settings, UsageError, reading_of
from provenance.document import Document
from provenance.gate import judge, policy_from
from provenance.lookup import DocumentNotFound, find_document
from provenance.pipeline import check_document
from provenance.report import DocumentReport, Finding
from provenance.rulemodels import RULE_ID, Detector, Lexicon, OutletProfile, Signature
from provenance.rulepack import RuleSet
from provenance.ruletest import rule_examples
from provenance.scoring import AttributionPrices, attribution_prices, residue_points

MAX_WORDS = 30


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("explain", help="explain a rule, or how a document's scores were reached",
                              description="Explain a rule (RULE: its id, e.g. RS021; or an outlet id) or how "
                                          "the scores of a document (DOC) were reached.")
    p.add_argument("target", metavar="RULE|DOC",
                   help="a rule id, an outlet id, a document file, or PATH#N (the record on line N) / PATH#ID of a JSON Lines file")
    add_corpus_option(p)
    add_threshold_option(p)
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    target = args.target
    is_document = Path(target).exists() or "#" in target
    base = Path(target.rpartition("#")[0] if "#" in target and not Path(target).exists() else target)
    settings, rules = settings_and_rules(args, base if is_document else Path.cwd())
    if is_document:
        doc, report = _checked(target, rules, settings, args)
        print("\n".join(explain_document(doc, report, settings, attribution_prices(rules))))
        return 0 if report.passed else 1
    subject = _subject(target, rules)
    print("\n".join(explain_outlet(subject, rules) if isinstance(subject, OutletProfile) else explain_rule(subject, rules)))
    return 0


def _subject(target: str, rules: RuleSet) -> Signature | Detector | Lexicon | OutletProfile:
    found = next((r for r in rules.all_rules() if r.id == target), None)
    found = found or next((p for p in rules.outlets if p.id == target), None)
    if found is None and re.fullmatch(RULE_ID, target) and target in rules.origins:
        raise UsageError(f"{target}: rule is disabled in this run ({rules.origins[target]})")
    if found is None:
        raise UsageError(f"{target}: not a rule id, an outlet id or a document file")
    return found


# --- rules -------------------------------------------------------------------------------------

def _looks_for(rule: Signature | Detector | Lexicon) -> list[str]:
    if isinstance(rule, Lexicon):
        words = ", ".join(repr(w) for w in rule.words[:MAX_WORDS])
        more = f" and {len(rule.words) - MAX_WORDS} more" if len(rule.words) > MAX_WORDS else ""
        return [rule.description, f"words: {words}{more}"]
    if isinstance(rule, Detector):
        params = ", ".join(f"{k} = {v!r}" for k, v in sorted(rule.params.items())) or "none"
        return [rule.message, f"detector {rule.detector!r} with params: {params}"]
    lines = [rule.message]
    if rule.phrases:
        lines.append("phrases (on word boundaries): " + ", ".join(repr(p) for p in rule.phrases))
    if rule.patterns:
        lines.append("patterns: " + ", ".join(repr(p) for p in rule.patterns))
    where = f"scope {rule.scope}" + (", the line must be the match alone" if rule.whole_line else "")
    where += ", case-sensitive" if rule.case_sensitive else ", any case"
    if rule.region != "any":
        where += f", only in the {rule.region} ({rule.region_lines} non-blank lines)"
    if rule.max_line_chars:
        where += f", lines up to {rule.max_line_chars} characters"
    return [*lines, where]


def explain_rule(rule: Signature | Detector | Lexicon, rules: RuleSet) -> list[str]:
    kind = type(rule).__name__.lower()
    head = f"{rule.id} {rule.name}: {kind}, {rule.dimension}"
    if not isinstance(rule, Lexicon):
        head += f", severity {rule.severity}, weight {rule.weight:g}"
    out = [head, f"defined in {rules.origins.get(rule.id, '?')}", "", "What it looks for:"]
    out += [f"  {line}" for line in _looks_for(rule)]
    why = getattr(rule, "why", "") or "(no reason given)"
    out += ["", "Why it matters:", f"  {why}", "", "Examples (run now):"]
    for result in rule_examples(rules, rule):
        verdict = "ok  " if result.ok else "FAIL"
        want = "fires on       " if result.expected else "does not fire on"
        out.append(f"  {verdict} {want} {result.text[:100]!r}")
    return out


def explain_outlet(profile: OutletProfile, rules: RuleSet) -> list[str]:
    """The profile with every rating and flag a report gives its outlet: its own and those of the
    rating lists keyed by its domains (``profile_record``, as ``provenance outlets`` shows them)."""
    record = profile_record(rules, profile)
    out = [f"{profile.id}: outlet profile {profile.name!r} ({profile.kind}"
           + (f", {profile.country}" if profile.country else "") + ")"]
    for label, values in (("aliases", profile.aliases), ("mastheads", profile.mastheads),
                          ("domains", profile.domains), ("flags", record["flags"])):
        if values:
            out.append(f"  {label}: {', '.join(values)}")
    if profile.ownership:
        out.append(f"  ownership: {profile.ownership}")
    out += [f"  rated {r['label']!r} by {r['source']}" + (f" ({r['date']})" if r["date"] else "")
            for r in record["reliability"]]
    out.append(f"  facts from: {profile.source}")
    return out


# --- documents ---------------------------------------------------------------------------------

def _checked(target: str, rules: RuleSet, settings: Settings,
             args: argparse.Namespace) -> tuple[Document, DocumentReport]:
    try:
        doc = find_document(target, reading_of(settings))
    except DocumentNotFound as exc:
        raise UsageError(str(exc)) from None
    report = check_document(doc, rules, settings, corpus_counts(args, settings, rules))
    return doc, judge(report, policy_from(settings))


def _where(f: Finding) -> str:
    if f.line is None:
        return "document"
    return f"line {f.line}" + (f"-{f.end_line}" if f.end_line != f.line else "")


def _evidence(f: Finding) -> str:
    excerpt = f" “{' '.join(f.excerpt.split())[:70]}”" if f.excerpt else ""
    return f"{f.rule} {f.message} ({_where(f)}){excerpt}"


def _provenance_steps(report: DocumentReport) -> list[str]:
    found = [f for f in report.findings if f.dimension == "provenance"]
    out = ["provenance = the sum of the provenance findings' points, kept within 0-100"]
    out += [f"  {f.points:+7.2f}  {_evidence(f)}" for f in found]
    total = sum(f.points for f in found)
    out.append(f"  = {total:.2f} -> {report.scores.provenance:g}")
    return out


def _residue_steps(doc: Document, report: DocumentReport) -> list[str]:
    found = [f for f in report.findings if f.dimension == "residue"]
    lines = {n for f in found for n in range(f.line or 0, (f.end_line or 0) + 1) if n}
    value, costs = residue_points(doc, lines)
    chars = sum(len(line.text.strip()) for line in doc.lines)
    out = [f"residue = 100 minus the share of the {chars} non-blank characters that lie on residue lines"]
    out += [f"  {f.points:+7.2f}  {_evidence(f)}" for f in found]
    out.append(f"  {len(costs)} residue lines cost {sum(costs.values()):.2f} points -> {value:g}")
    return out


def _attribution_steps(report: DocumentReport, prices: AttributionPrices | None) -> list[str]:
    out = ["attribution = the neutral prior plus the pull of each kind of unit, 100 x units x (quality - prior)"
           " / (all units + prior strength): quotations by the kind of their speaker, sourcing warnings at 1 - weight"]
    if report.scores.attribution is None or prices is None:
        return out + ["  nothing to attribute -> no attribution score"]
    for q in report.quotes:
        speaker = f" (speaker “{q.speaker.text}”)" if q.speaker else ""
        out.append(f"  {prices.quality[q.kind]:4.2f}  quote at line {q.line}, {q.kind}{speaker}: “{q.text[:50]}”")
    out += [f"  {f.points:+7.2f}  {_evidence(f)}" for f in report.findings if f.dimension == "attribution"]
    out.append(f"  sum of the points -> {report.scores.attribution:g}")
    return out


def _overall_steps(report: DocumentReport, settings: Settings) -> list[str]:
    s, w = report.scores, settings.weights
    parts = [("provenance", s.provenance, w.provenance), ("residue", s.residue, w.residue)]
    if s.attribution is not None:
        parts.append(("attribution", s.attribution, w.attribution))
    terms = " + ".join(f"{v:g} x {wt:g}" for _, v, wt in parts)
    weight = sum(wt for *_, wt in parts)
    return ["overall = the weighted mean of the available scores",
            f"  ({terms}) / {weight:g} -> {s.overall:g}"]


def _outlet_lines(report: DocumentReport) -> list[str]:
    o = report.outlet
    if o is None:
        return ["outlet: none named (evidence too weak)"]
    out = [f"outlet: {o.name or o.domain} (id {o.id}, confidence {o.confidence:g}); evidence: {', '.join(o.evidence)}"]
    if o.flags:
        out.append(f"  flags: {', '.join(o.flags)} (reported beside the score, never lowering it)")
    return out


def _gate_lines(report: DocumentReport, settings: Settings) -> list[str]:
    out = [f"gate: {'passes' if report.passed else 'FAILS'} (overall threshold {settings.threshold:g})"]
    out += [f"  {n.action}: {n.message}" for n in report.gate]
    return out


def explain_document(doc: Document, report: DocumentReport, settings: Settings,
                     prices: AttributionPrices | None) -> list[str]:
    head = [f"{report.id} ({report.path}), {report.chars} characters, {report.lines} lines, sha256 {report.sha256[:12]}",
            *_outlet_lines(report), ""]
    sections = [_provenance_steps(report), _residue_steps(doc, report), _attribution_steps(report, prices),
                _overall_steps(report, settings), _gate_lines(report, settings)]
    return head + [line for section in sections for line in [*section, ""]][:-1]
