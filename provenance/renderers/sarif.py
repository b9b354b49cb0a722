"""SARIF 2.1.0 (``--format sarif``) for code scanning: one result per finding, at its file, lines and
character offsets, with every rule in force described in ``tool.driver.rules``; at most the 25,000
most severe, as many as code scanning takes.

File URIs are relative to the working directory (run from the repository root in CI, as code scanning
expects); offsets count code points of the text after newline normalisation, as in the JSON report
(``columnKind`` says so). A record of a ``.jsonl`` file is located at its file, named as a logical
location, because its lines are not the file's lines.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from provenance import __version__
from provenance.baseline import fingerprints
from provenance.report import CorpusReport, DocumentReport, Finding, ReadError, Summary, Tool
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


def _artifact(path: str) -> dict:
    """The artifact's location: relative to the source root (``%SRCROOT%``) inside the working
    directory, an absolute file URI, which no base may prefix, outside it."""
    uri = artifact_uri(path)
    return {"uri": uri, "uriBaseId": "%SRCROOT%"} if relative_path(path) is not None else {"uri": uri}


def _location(artifact: dict, doc: DocumentReport, records: bool, finding: Finding) -> dict:
    physical: dict = {"artifactLocation": artifact}
    location: dict = {"physicalLocation": physical}
    if records:
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


class SarifRun:
    """A SARIF run gathered a document at a time, holding no more than it writes: the rules in force
    (then any rule a finding names that the set lacks, as met), the unreadable inputs, and of the
    results the ``limit`` most severe so far (``MAX_RESULTS``; ties: the earliest), in a heap whose
    root is the one to leave out next. A result that would be left out at once is never built."""

    def __init__(self, rules: RuleSet | None = None):
        in_force = [r for r in (rules.all_rules() if rules else []) if isinstance(r, (Signature, Detector))]
        self.descriptors = [_descriptor(r) for r in in_force]
        self.index = {d["id"]: i for i, d in enumerate(self.descriptors)}
        self.unreadable: list[dict] = []
        self.kept: list[tuple[int, int, dict]] = []  # (-rank, -order, result): heapq's root is the least severe, latest
        self.results = 0
        self.limit = MAX_RESULTS
        self._last_artifact: tuple[str, dict] = ("", {})  # the last path and its location: records share a file

    def add(self, item: DocumentReport | ReadError) -> None:
        if isinstance(item, ReadError):
            where = f"{item.path}{f':{item.line}' if item.line else ''}"
            self.unreadable.append({"level": "error", "message": {"text": f"{where}: {item.message}"}})
        else:
            self._add_document(item)

    def _add_document(self, doc: DocumentReport) -> None:
        self._describe(doc.findings)
        blocking, artifact, records = blocking_rules(doc), self._artifact_of(doc.path), names_records(doc.path)
        for finding, fingerprint in zip(doc.findings, fingerprints(doc)):
            level = "error" if finding.rule in blocking else LEVELS[finding.severity]
            rank = _SEVERITY_RANK[level]
            self.results += 1
            if len(self.kept) < self.limit or rank < -self.kept[0][0]:  # else later and no more severe than the root
                self._keep(rank, {
                    "ruleId": finding.rule,
                    "ruleIndex": self.index[finding.rule],
                    "level": level,
                    "message": {"text": _message(doc, finding)},
                    "locations": [_location(artifact, doc, records, finding)],
                    "partialFingerprints": {"provenanceFinding/v1": fingerprint},
                    "properties": {"document": doc.id, "dimension": finding.dimension, "points": finding.points,
                                   "documentPassed": doc.passed},
                })

    def _artifact_of(self, path: str) -> dict:
        if self._last_artifact[0] != path:
            self._last_artifact = (path, _artifact(path))
        return self._last_artifact[1]

    def _describe(self, findings: list[Finding]) -> None:
        """A descriptor for each rule the findings name that is not yet described."""
        for finding in findings:
            if finding.rule not in self.index:
                self.index[finding.rule] = len(self.descriptors)
                self.descriptors.append(_descriptor_from_finding(finding))

    def _keep(self, rank: int, result: dict) -> None:
        entry = (-rank, -self.results, result)
        if len(self.kept) < self.limit:
            heapq.heappush(self.kept, entry)
        else:
            heapq.heapreplace(self.kept, entry)

    def _left_out_notice(self, kept: int) -> list[dict]:
        if kept == self.results:
            return []
        text = (f"{self.results - kept:,} results of the least severe left out: code scanning takes at most "
                f"{self.limit:,} a run (--format jsonl lists every finding)")
        return [{"level": "warning", "message": {"text": text}}]

    def chunks(self, summary: Summary, tool: Tool) -> Iterator[str]:
        """The SARIF log of the run, its results in report order, in the pieces the JSON encoder
        makes: written as they come, the text of 25,000 results is never whole in memory."""
        results = [result for _, _, result in sorted(self.kept, key=lambda entry: -entry[1])]
        run = {
            "tool": {"driver": {"name": "provenance", "version": __version__, "semanticVersion": __version__,
                                "rules": self.descriptors}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [{
                "executionSuccessful": True,
                "exitCode": 0 if summary.failed == 0 and summary.errors == 0 else 1,
                "toolExecutionNotifications": [*self.unreadable, *self._left_out_notice(len(results))],
            }],
            "properties": {"summary": summary.model_dump(mode="json"), "rulesDigest": tool.rules_digest},
        }
        sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        yield from json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(sarif)
        yield "\n"


def render_corpus(report: CorpusReport, rules: RuleSet | None = None) -> str:
    run = SarifRun(rules)
    for item in [*report.documents, *report.errors]:
        run.add(item)
    return "".join(run.chunks(report.summary, report.tool))
