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
from provenance.report import CorpusReport, DocumentReport, Finding, ReadError, Summary, Tool
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


class _Shown:
    """The first ``MAX_PER_LEVEL`` annotations of one kind, and how many there were: no more of a
    kind can show, however large the corpus."""

    def __init__(self):
        self.lines: list[str] = []
        self.count = 0

    def add(self, level: str, message: str, file: str | None = None, line: int | None = None,
            end_line: int | None = None, title: str | None = None) -> None:
        """``command``'s annotation, written only while it may still show."""
        if self.count < MAX_PER_LEVEL:
            self.lines.append(command(level, message, file, line, end_line, title))
        self.count += 1


def _level(kinds: list[_Shown]) -> tuple[list[str], int]:
    """A level's annotations that show, its kinds in turn, and how many it leaves out."""
    shown = [line for kind in kinds for line in kind.lines][:MAX_PER_LEVEL]
    return shown, max(0, sum(kind.count for kind in kinds) - MAX_PER_LEVEL)


class Annotations:
    """The run's annotations by level, gathered a document at a time: GitHub shows ten of a level a
    step, so what cannot be read comes first, then each failing document's verdict before any
    finding's, and a second failing document is never left unnamed behind the first one's findings;
    the gate's warnings, which passing documents get too, come before the findings' warnings."""

    def __init__(self):
        self.unread, self.verdicts, self.gate_warnings = _Shown(), _Shown(), _Shown()
        self.findings = {level: _Shown() for level in LEVELS.values()}

    def add(self, item: DocumentReport | ReadError) -> None:
        if isinstance(item, ReadError):
            self.unread.add("error", f"cannot read: {item.message}", relative_path(item.path) or item.path, item.line,
                            title="provenance")
        else:
            self._add_document(item)

    def _add_document(self, doc: DocumentReport) -> None:
        lines = _has_lines(doc)
        file = _file(doc)
        if not doc.passed:
            problems = _problems(doc)
            first = next((f.line for f in problems if f.line), None) if lines else None
            blocking = blocking_rules(doc)
            self.verdicts.add("error", f"{doc.id} fails: {_verdict(doc)}", file, first, title="provenance")
            for f in problems:
                excerpt = f" “{' '.join(f.excerpt.split())[:100]}”" if f.excerpt else ""
                level = "error" if f.rule in blocking else LEVELS[f.severity]
                self.findings[level].add(level, f"{f.message}{excerpt}", file, f.line if lines else None,
                                         f.end_line if lines else None, title=f"{f.rule} {f.name}")
        for note in doc.gate:
            if note.action == "warn":
                self.gate_warnings.add("warning", note.message, file, note.line if lines else None,
                                       title=f"provenance {note.check}")

    def chunks(self, summary: Summary, tool: Tool) -> list[str]:
        """The annotations that show, then a plain line that sums up the run and counts the rest."""
        found = self.findings
        levels = [_level([self.unread, self.verdicts, found["error"]]), _level([self.gate_warnings, found["warning"]]),
                  _level([found["notice"]])]
        left = sum(more for _, more in levels)
        line = (f"provenance: {summary.documents} documents, {summary.passed} passed, {summary.failed} failed, "
                f"{summary.errors} unreadable")
        if left:
            line += f"; {left} more annotations not shown (see the JSON or SARIF report)"
        return [f"{shown}\n" for lines, _ in levels for shown in lines] + [f"{line}\n"]


def render_corpus(report: CorpusReport) -> str:
    annotations = Annotations()
    for item in [*report.errors, *report.documents]:
        annotations.add(item)
    return "".join(annotations.chunks(report.summary, report.tool))
