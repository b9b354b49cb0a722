"""SARIF 2.1.0 (``--format sarif``) for code scanning: one result per finding, at its file, lines and
character offsets, with every rule in force described in ``tool.driver.rules``; at most the 25,000
most severe, as many as code scanning takes.

File URIs are relative to the working directory (run from the repository root in CI, as code scanning
expects); offsets count code points of the text after newline normalisation, as in the JSON report
(``columnKind`` says so). A record of a ``.jsonl`` file is located at its file, named as a logical
location, because its lines are not the file's lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from provenance import __version__
from provenance.baseline import fingerprints
from provenance.report import CorpusReport, DocumentReport, Finding
from provenance.rulemodels import Detector, Signature
from provenance.rulepack import RuleSet
from provenance.sources import names_records

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# GitHub code scanning rejects a run of more results than this (and stores the 5,000 most severe):
# past it the least severe are left out, and a notification of the run says how many.
MAX_RESULTS = 25_000
_SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}


def relative_path(path: str) -> str | None:
    """``path`` relative to the working directory, in posix form; None when it lies outside."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return None


def artifact_uri(path: str) -> str:
    """``path`` as a URI relative to the working directory, or an absolute file URI outside it."""
    relative = relative_path(path)
    return quote(relative) if relative is not None else Path(path).resolve().as_uri()


def _examples(rule: Signature | Detector) -> str:
    def shown(examples) -> str:
        return "\n".join(f"- {getattr(e, 'text', e)!r}" for e in examples)
    return f"Fires on:\n{shown(rule.examples.match)}\n\nDoes not fire on:\n{shown(rule.examples.no_match)}"


def _descriptor(rule: Signature | Detector) -> dict:
    why = rule.why or rule.message
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": why},
        "help": {"text": f"{why}\n\n{_examples(rule)}\n\nMore: provenance explain {rule.id}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"dimension": rule.dimension, "tags": [rule.dimension, *rule.tags]},
    }


def _descriptor_from_finding(finding: Finding) -> dict:
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.message},
        "help": {"text": f"More: provenance explain {finding.rule}"},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"dimension": finding.dimension, "tags": [finding.dimension]},
    }


def _rules(report: CorpusReport, rules: RuleSet | None) -> list[dict]:
    """Every signature and detector in force, then any rule a finding names that the set lacks."""
    in_force = [r for r in (rules.all_rules() if rules else []) if isinstance(r, (Signature, Detector))]
    out = [_descriptor(r) for r in in_force]
    known = {d["id"] for d in out}
    for doc in report.documents:
        for finding in doc.findings:
            if finding.rule not in known:
                known.add(finding.rule)
                out.append(_descriptor_from_finding(finding))
    return out


def _artifact(path: str) -> dict:
    """The artifact's location: relative to the source root (``%SRCROOT%``) inside the working
    directory, an absolute file URI, which no base may prefix, outside it."""
    uri = artifact_uri(path)
    return {"uri": uri, "uriBaseId": "%SRCROOT%"} if relative_path(path) is not None else {"uri": uri}


def _location(doc: DocumentReport, finding: Finding) -> dict:
    physical: dict = {"artifactLocation": _artifact(doc.path)}
    location: dict = {"physicalLocation": physical}
    if names_records(doc.path):
        location["logicalLocations"] = [{"name": doc.id, "kind": "record"}]
    elif finding.line is not None:
        region = {"startLine": finding.line, "endLine": finding.end_line or finding.line}
        if finding.start is not None and finding.end is not None:
            region |= {"charOffset": finding.start, "charLength": finding.end - finding.start}
        physical["region"] = region
    return location


def blocking_rules(doc: DocumentReport) -> set[str]:
    return {n.rule for n in doc.gate if n.check == "rule" and n.action == "block"}


def _message(doc: DocumentReport, finding: Finding) -> str:
    excerpt = f" “{' '.join(finding.excerpt.split())[:120]}”" if finding.excerpt else ""
    verdict = "passes" if doc.passed else "fails"
    return f"{finding.message}{excerpt} ({doc.id} {verdict}: overall {doc.scores.overall:g})"


def _results(doc: DocumentReport, index: dict[str, int]) -> list[dict]:
    blocking = blocking_rules(doc)
    out = []
    for finding, fingerprint in zip(doc.findings, fingerprints(doc)):
        out.append({
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": "error" if finding.rule in blocking else LEVELS[finding.severity],
            "message": {"text": _message(doc, finding)},
            "locations": [_location(doc, finding)],
            "partialFingerprints": {"provenanceFinding/v1": fingerprint},
            "properties": {"document": doc.id, "dimension": finding.dimension, "points": finding.points,
                           "documentPassed": doc.passed},
        })
    return out


def _most_severe(results: list[dict]) -> tuple[list[dict], int]:
    """At most ``MAX_RESULTS`` results, the most severe first chosen (ties in report order), kept in
    report order; and how many were left out."""
    if len(results) <= MAX_RESULTS:
        return results, 0
    chosen = sorted(range(len(results)), key=lambda i: (_SEVERITY_RANK[results[i]["level"]], i))[:MAX_RESULTS]
    return [results[i] for i in sorted(chosen)], len(results) - MAX_RESULTS


def _left_out_notice(count: int) -> list[dict]:
    if not count:
        return []
    text = (f"{count:,} results of the least severe left out: code scanning takes at most {MAX_RESULTS:,} "
            "a run (--format jsonl lists every finding)")
    return [{"level": "warning", "message": {"text": text}}]


def render_corpus(report: CorpusReport, rules: RuleSet | None = None) -> str:
    descriptors = _rules(report, rules)
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results, left_out = _most_severe([r for doc in report.documents for r in _results(doc, index)])
    run = {
        "tool": {"driver": {"name": "provenance", "version": __version__, "semanticVersion": __version__,
                            "rules": descriptors}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{
            "executionSuccessful": True,
            "exitCode": 0 if report.summary.failed == 0 and report.summary.errors == 0 else 1,
            "toolExecutionNotifications": [
                *({"level": "error", "message": {"text": f"{e.path}{f':{e.line}' if e.line else ''}: {e.message}"}}
                  for e in report.errors),
                *_left_out_notice(left_out),
            ],
        }],
        "properties": {"summary": report.summary.model_dump(mode="json"), "rulesDigest": report.tool.rules_digest},
    }
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
