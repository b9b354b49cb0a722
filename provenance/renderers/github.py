"""GitHub Actions annotations (``--format github``): workflow commands that put each problem of a
failing document on its lines in the pull request.

Each finding is annotated at its own level, as the SARIF report gives it: a blocking finding (severity
``error``, or a rule the gate blocks on) as an error, a ``warning`` as a warning, an ``info`` that
costs points as a notice. What fails is the document, and its verdict is the error; a residue line
marked as an error would read as one more reason to fail where it is one of the points the verdict sums.

GitHub shows at most ten annotations of each level per step, so this writes at most that many: the
errors are what could not be read, then each failing document's verdict, then its blocking findings;
the warnings are the gate's, then the findings'; each document's findings come the worst first. It
ends with a plain summary that counts what was left out.
"""

from __future__ import annotations

from provenance.renderers.sarif import blocking_rules, relative_path
from provenance.report import CorpusReport, DocumentReport, Finding
from provenance.sources import names_records

MAX_PER_LEVEL = 10
LEVELS = {"error": "error", "warning": "warning", "info": "notice"}  # a finding's severity: its annotation


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
    """The run's annotations by level: GitHub shows ten of a level a step, so each failing document's
    verdict comes before any finding's, and a second failing document is never left unnamed behind
    the first one's findings; the gate's warnings, which passing documents get too, come before the
    findings' warnings."""

    def __init__(self):
        self.verdicts: list[str] = []
        self.gate_warnings: list[str] = []
        self.findings: dict[str, list[str]] = {level: [] for level in LEVELS.values()}

    def add(self, doc: DocumentReport) -> None:
        lines = _has_lines(doc)
        file = _file(doc)
        if not doc.passed:
            problems = _problems(doc)
            first = next((f.line for f in problems if f.line), None) if lines else None
            blocking = blocking_rules(doc)
            self.verdicts.append(command("error", f"{doc.id} fails: {_verdict(doc)}", file, first, title="provenance"))
            for f in problems:
                excerpt = f" “{' '.join(f.excerpt.split())[:100]}”" if f.excerpt else ""
                level = "error" if f.rule in blocking else LEVELS[f.severity]
                self.findings[level].append(command(level, f"{f.message}{excerpt}", file, f.line if lines else None,
                                                    f.end_line if lines else None, title=f"{f.rule} {f.name}"))
        for note in doc.gate:
            if note.action == "warn":
                self.gate_warnings.append(command("warning", note.message, file, note.line if lines else None,
                                                  title=f"provenance {note.check}"))


def render_corpus(report: CorpusReport) -> str:
    unread = [command("error", f"cannot read: {err.message}", relative_path(err.path) or err.path, err.line,
                      title="provenance") for err in report.errors]
    annotations = _Annotations()
    for doc in report.documents:
        annotations.add(doc)
    found = annotations.findings
    levels = [[*unread, *annotations.verdicts, *found["error"]], [*annotations.gate_warnings, *found["warning"]],
              found["notice"]]
    shown = [line for level in levels for line in level[:MAX_PER_LEVEL]]
    left = sum(max(0, len(level) - MAX_PER_LEVEL) for level in levels)
    s = report.summary
    summary = f"provenance: {s.documents} documents, {s.passed} passed, {s.failed} failed, {s.errors} unreadable"
    if left:
        summary += f"; {left} more annotations not shown (see the JSON or SARIF report)"
    return "\n".join([*shown, summary]) + "\n"
