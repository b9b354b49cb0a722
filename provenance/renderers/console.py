"""The rich console report: one row per document, the main findings of failing documents, and a
corpus summary. Colour on a colour terminal, plain text when piped."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from provenance.corpus import outlet_key
from provenance.report import CorpusReport, DocumentReport, Finding

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MAX_FINDINGS = 6


def _score(value: float | None) -> Text:
    if value is None:
        return Text("–", style="dim")
    style = "green" if value >= 70 else "yellow" if value >= 50 else "red"
    return Text(f"{value:.0f}", style=style)


def documents_table(report: CorpusReport) -> Table:
    table = Table(title="Documents", expand=False, header_style="bold")
    table.add_column("document", no_wrap=True, overflow="fold")
    table.add_column("outlet", overflow="fold")
    for name in ("prov", "attr", "resid", "overall"):
        table.add_column(name, justify="right")
    table.add_column("", justify="center")
    for doc in report.documents:
        s = doc.scores
        verdict = Text("pass", style="green") if doc.passed else Text("FAIL", style="bold red")
        table.add_row(doc.id, _outlet_label(doc), _score(s.provenance), _score(s.attribution),
                      _score(s.residue), _score(s.overall), verdict)
    return table


def _outlet_label(doc: DocumentReport) -> Text:
    if doc.outlet is None:
        return Text("unknown", style="dim")
    label = doc.outlet.name or doc.outlet.domain or "unknown"
    flags = f" [{', '.join(doc.outlet.flags)}]" if doc.outlet.flags else ""
    return Text(label) + Text(flags, style="magenta")


def _finding_line(f: Finding) -> Text:
    where = f"{f.line}" + (f"-{f.end_line}" if f.end_line and f.end_line != f.line else "") if f.line else "doc"
    text = Text(f"  {where:>7} ", style="dim")
    text.append(f"{f.rule} ", style=SEVERITY_STYLE[f.severity])
    text.append(f"{f.message}")
    if f.excerpt:
        text.append(f"  “{f.excerpt.strip()[:70]}”", style="dim")
    return text


def _main_findings(doc: DocumentReport) -> list[Finding]:
    problems = [f for f in doc.findings if f.severity != "info"]
    return sorted(problems, key=lambda f: (f.points, f.line or 0))[:MAX_FINDINGS]


def render(report: CorpusReport, console: Console, quiet: bool = False) -> None:
    s = report.summary
    if quiet:
        console.print(f"{s.documents} documents: {s.passed} passed, {s.failed} failed, {s.errors} unreadable")
        return
    console.print(documents_table(report))
    for doc in report.documents:
        if not doc.passed:
            console.print(Text(f"\n{doc.id}", style="bold") + Text(f"  overall {doc.scores.overall:.0f}", style="red"))
            for f in _main_findings(doc):
                console.print(_finding_line(f))
    for line in _gate_lines(report):
        console.print(line)
    for err in report.errors:
        where = f"{err.path}:{err.line}" if err.line else err.path
        console.print(Text(f"error: {where}: {err.message}", style="bold red"))
    console.print(_summary_text(report))


def _gate_lines(report: CorpusReport) -> list[Text]:
    """What the gate said about each document: why it failed, its warnings, what a baseline accepted."""
    styles = {"block": ("fails", "bold red"), "warn": ("warning", "yellow"), "baselined": ("baselined", "dim")}
    lines = []
    for doc in report.documents:
        for note in doc.gate:
            label, style = styles[note.action]
            lines.append(Text(f"{doc.id}: ", style="bold") + Text(f"{label}: ", style=style) + Text(note.message))
    if lines:
        lines.insert(0, Text("\ngate", style="bold"))
    return lines


def _summary_text(report: CorpusReport) -> Text:
    s = report.summary
    means = ", ".join(f"{k} {v:.0f}" for k, v in s.mean_scores.items() if v is not None)
    top_rules = ", ".join(f"{r}×{n}" for r, n in sorted(s.rules.items(), key=lambda kv: -kv[1])[:5])
    outlets = ", ".join(f"{o} {n}" for o, n in sorted(s.outlets.items(), key=lambda kv: -kv[1])[:6])
    text = Text(f"\n{s.documents} documents: ", style="bold")
    text.append(f"{s.passed} passed", style="green")
    text.append(", ")
    text.append(f"{s.failed} failed", style="red" if s.failed else "green")
    text.append(f", {s.errors} unreadable · threshold {s.threshold:g}\n")
    text.append(f"mean scores: {means}\nmost frequent rules: {top_rules or 'none'}\noutlets: {outlets or 'none'}")
    return text
