"""GitHub Actions annotations (``--format github``): workflow commands that put each problem of a
failing document on its lines in the pull request.

GitHub shows at most ten error and ten warning annotations per step, so this writes at most that
many: what could not be read, then each failing document's verdict, then its findings, the worst
first; and it ends with a plain summary that counts what was left out.
"""

from __future__ import annotations

from provenance.renderers.sarif import relative_path
from provenance.report import CorpusReport, DocumentReport, Finding
from provenance.sources import names_records

MAX_PER_LEVEL = 10


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, file: str | None = None, line: int | None = None,
            end_line: int | None = None, title: str | None = None) -> str:
    props = [(k, v) for k, v in (("file", file), ("line", line), ("endLine", end_line), ("title", title)) if v is not None]
    head = ",".join(f"{k}={_property(str(v))}" for k, v in props)
    return f"::{level}{' ' + head if head else ''}::{_data(message)}"


def _file(doc: DocumentReport) -> str:
    return relative_path(doc.path) or doc.path


def _has_lines(doc: DocumentReport) -> bool:
    return not names_records(doc.path)


def _problems(doc: DocumentReport) -> list[Finding]:
    found = [f for f in doc.findings if f.severity != "info" or f.points < 0]
    return sorted(found, key=lambda f: (f.severity != "error", f.points, f.line or 0))


def _verdict(doc: DocumentReport) -> str:
    reasons = "; ".join(n.message for n in doc.gate if n.action == "block")
    return reasons or f"overall {doc.scores.overall:g}"


class _Annotations:
    """The run's annotations by kind: GitHub shows ten errors a step, so each failing document's
    verdict comes before any finding's, and a second failing document is never left unnamed behind
    the first one's findings."""

    def __init__(self):
        self.verdicts: list[str] = []
        self.findings: list[str] = []
        self.warnings: list[str] = []

    def add(self, doc: DocumentReport) -> None:
        lines = _has_lines(doc)
        file = _file(doc)
        if not doc.passed:
            problems = _problems(doc)
            first = next((f.line for f in problems if f.line), None) if lines else None
            self.verdicts.append(command("error", f"{doc.id} fails: {_verdict(doc)}", file, first, title="provenance"))
            for f in problems:
                excerpt = f" “{' '.join(f.excerpt.split())[:100]}”" if f.excerpt else ""
                self.findings.append(command("error", f"{f.message}{excerpt}", file, f.line if lines else None,
                                             f.end_line if lines else None, title=f"{f.rule} {f.name}"))
        for note in doc.gate:
            if note.action == "warn":
                self.warnings.append(command("warning", note.message, file, note.line if lines else None,
                                             title=f"provenance {note.check}"))


def render_corpus(report: CorpusReport) -> str:
    unread = [command("error", f"cannot read: {err.message}", relative_path(err.path) or err.path, err.line,
                      title="provenance") for err in report.errors]
    annotations = _Annotations()
    for doc in report.documents:
        annotations.add(doc)
    errors = [*unread, *annotations.verdicts, *annotations.findings]
    warnings = annotations.warnings
    shown = errors[:MAX_PER_LEVEL] + warnings[:MAX_PER_LEVEL]
    left = max(0, len(errors) - MAX_PER_LEVEL) + max(0, len(warnings) - MAX_PER_LEVEL)
    s = report.summary
    summary = f"provenance: {s.documents} documents, {s.passed} passed, {s.failed} failed, {s.errors} unreadable"
    if left:
        summary += f"; {left} more annotations not shown (see the JSON or SARIF report)"
    return "\n".join([*shown, summary]) + "\n"
