"""Baselines: record today's findings so CI fails only on new ones.

A finding's fingerprint is made from the hash of its document's text, its rule and the text it
matched (plus an occurrence number when the same rule matches the same text twice), never from line
numbers: a document that is renamed or moved keeps its fingerprints, and an edited document is
judged afresh. ``--write-baseline FILE`` records every finding of a run; ``--baseline FILE`` then
accepts the failures those findings explain and reports the entries no run produces any more.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from provenance import __version__
from provenance.atomic import read_written, write_atomic
from provenance.compression import DATA_ERRORS
from provenance.config import UsageError
from provenance.report import DocumentReport, Finding
from provenance.sources import TOO_DEEP

BASELINE_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BaselineDocument(_Model):
    id: str = Field(description="The document's id when the baseline was taken (for readers)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Hash of the document text, as in reports")


class BaselineEntry(_Model):
    fingerprint: str = Field(pattern=r"^[0-9a-f]{32}$", description="Hash of document hash, rule and matched text")
    rule: str
    document: str = Field(description="The document's id when the baseline was taken (for readers)")
    excerpt: str = Field(description="What the rule matched (the finding's excerpt or message)")


class Baseline(_Model):
    """What ``--write-baseline`` writes: the documents and findings accepted as they are."""

    baseline_version: str = BASELINE_VERSION
    tool_version: str = __version__
    documents: list[BaselineDocument]
    findings: list[BaselineEntry]


def _matched(finding: Finding) -> str:
    return " ".join((finding.excerpt or finding.message).split())


def fingerprints(report: DocumentReport) -> list[str]:
    """One fingerprint per finding of ``report``, in the order of its findings."""
    seen: Counter = Counter()
    out = []
    for finding in report.findings:
        key = (finding.rule, _matched(finding))
        seen[key] += 1
        raw = "\0".join((report.sha256, finding.rule, key[1], str(seen[key])))
        out.append(hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return out


class BaselineCheck:
    """Answers whether a document and its findings are known; tracks what a run saw, for stale entries.

    With ``recording`` set it knows everything it is shown and builds the baseline to write.
    """

    def __init__(self, baseline: Baseline, recording: bool = False):
        self.baseline = baseline
        self.recording = recording
        self._documents = {d.sha256 for d in baseline.documents}
        self._entries = {e.fingerprint: e for e in baseline.findings}
        self._seen: set[str] = set()
        self._checked: set[str] = set()
        self._checked_ids: set[str] = set()

    def observe(self, report: DocumentReport) -> list[bool]:
        """Note ``report`` as checked; returns, per finding, whether the baseline knows it."""
        prints = fingerprints(report)
        self._checked.add(report.sha256)
        self._checked_ids.add(report.id)
        self._seen.update(prints)
        if self.recording:
            self._record(report, prints)
        return [p in self._entries for p in prints]

    def knows_document(self, report: DocumentReport) -> bool:
        return report.sha256 in self._documents

    def _record(self, report: DocumentReport, prints: list[str]) -> None:
        if report.sha256 not in self._documents:
            self._documents.add(report.sha256)
            self.baseline.documents.append(BaselineDocument(id=report.id, sha256=report.sha256))
        for finding, fingerprint in zip(report.findings, prints):
            if fingerprint not in self._entries:
                entry = BaselineEntry(fingerprint=fingerprint, rule=finding.rule, document=report.id,
                                      excerpt=_matched(finding))
                self._entries[fingerprint] = entry
                self.baseline.findings.append(entry)

    def stale(self, complete: bool) -> list[BaselineEntry]:
        """Entries no finding of this run matched: of every document when the run checked everything
        (``complete``), else only of the documents it checked (by id or by content)."""
        shas: dict[str, list[str]] = {}
        for d in self.baseline.documents:
            shas.setdefault(d.id, []).append(d.sha256)
        return [e for e in self._entries.values() if e.fingerprint not in self._seen
                and (complete or self._was_checked(e.document, shas.get(e.document, [])))]

    def _was_checked(self, doc_id: str, shas: list[str]) -> bool:
        """Whether this run checked the document an entry was recorded on (its id and the hashes the
        baseline has under that id): by id (an edited document), or by content (a renamed one). An id the
        baseline gives several documents (JSON Lines records sharing one) does not say which: every
        one of them must have been checked, else an entry of one left unchecked would be called stale."""
        if len(shas) > 1:
            return all(sha in self._checked for sha in shas)
        return doc_id in self._checked_ids or bool(shas) and shas[0] in self._checked

    def write(self, path: Path) -> None:
        baseline = self.baseline.model_copy(update={
            "documents": sorted(self.baseline.documents, key=lambda d: (d.id, d.sha256)),
            "findings": sorted(self.baseline.findings, key=lambda e: (e.document, e.rule, e.excerpt, e.fingerprint)),
        })
        write_atomic(path, baseline.model_dump_json(indent=2) + "\n")


def empty() -> Baseline:
    return Baseline(documents=[], findings=[])


def read_baseline(path: Path) -> Baseline:
    """The baseline in ``path``; a missing or malformed file is a usage error naming it."""
    try:
        data = json.loads(read_written(path))
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found (create it with --write-baseline {path})") from None
    except (OSError, *DATA_ERRORS, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: cannot read baseline: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path}: cannot read baseline: {TOO_DEEP}") from None
    try:
        return Baseline.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise UsageError(f"{path}: not a provenance baseline: {key}: {first['msg']}") from None


def describe(entries: Iterable[BaselineEntry], limit: int = 10) -> list[str]:
    """Lines naming stale entries, at most ``limit`` of them and a count of the rest."""
    entries = list(entries)
    lines = [f"{e.document}: {e.rule} {e.excerpt[:60]!r}" for e in entries[:limit]]
    if len(entries) > limit:
        lines.append(f"... and {len(entries) - limit} more")
    return lines
