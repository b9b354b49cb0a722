"""The rich console report: the corpus table, the distribution of overall scores, the most frequent
rules and the outlets side by side, then the main findings of each failing document.

Colour on a colour terminal, plain text when piped (rich decides from the console it is given); the
table shrinks to the terminal's width. It draws an ``Overview``: corpus-level numbers from its
summary, and the documents, notes and errors it kept (all of them in a small corpus; the worst ones,
and how many more there are, in a large one).
"""

from __future__ import annotations

from rich import box
from rich.columns import Columns
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from provenance.overview import Overview
from provenance.renderers import documents_title, more_text, whole
from provenance.renderers.marks import place, printable
from provenance.report import DocumentReport, Finding

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MAX_FINDINGS = 6
TOP_RULES = 8
TOP_OUTLETS = 8
BAR_WIDTH = 12


def plain(value: str, style: str = "") -> Text:
    """Report text (much of it from documents) as literal, printable text: never read as markup."""
    return Text(printable(value), style=style)


def score_text(value: float | None, threshold: float = 60) -> Text:
    """A score as a whole number, green well above the threshold, yellow near it, red under it."""
    if value is None:
        return Text("–", style="dim")
    style = "red" if value < threshold else "yellow" if value < threshold + 15 else "green"
    return Text(whole(value), style=style)


def verdict_text(doc: DocumentReport) -> Text:
    return Text("pass", style="green") if doc.passed else Text("FAIL", style="bold red")


def outlet_text(doc: DocumentReport) -> Text:
    if doc.outlet is None:
        return Text("unknown", style="dim")
    text = plain(doc.outlet.name or doc.outlet.domain or "unknown")
    if doc.outlet.flags:
        # one flag a line, so a long list never squeezes the document ids
        text.append("\n" + "\n".join(printable(f) for f in doc.outlet.flags), style="magenta")
    return text


def documents_table(view: Overview) -> Table:
    threshold = view.summary.threshold
    table = Table(title=documents_title(view), box=box.SIMPLE_HEAD, header_style="bold", show_edge=False,
                  pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column("document", overflow="fold")
    table.add_column("outlet", overflow="fold")
    for name in ("prov", "attr", "resid", "overall"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for doc in view.documents:
        s = doc.scores
        table.add_row(plain(doc.id), outlet_text(doc), score_text(s.provenance, threshold),
                      score_text(s.attribution, threshold), score_text(s.residue, threshold),
                      score_text(s.overall, threshold), verdict_text(doc))
    return table


def histogram(view: Overview) -> Table:
    """How many documents fall in each band of ten overall points; bands under the threshold in red."""
    bands = view.bands
    most = max((count for _, _, count in bands), default=0) or 1
    table = Table(title="Overall scores", box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="dim")
    table.add_column(no_wrap=True)
    for label, high, count in bands:
        style = "red" if high < view.summary.threshold else "green"
        bar = Text("█" * round(BAR_WIDTH * count / most), style=style) if count else Text("·", style="dim")
        table.add_row(label, bar + Text(f" {count}" if count else ""))
    return table


def rules_table(view: Overview) -> Table:
    names = view.rule_names
    table = Table(title="Most frequent rules", box=None, header_style="bold", pad_edge=False)
    table.add_column("rule", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("hits", justify="right")
    ranked = sorted(view.summary.rules.items(), key=lambda kv: (-kv[1], kv[0]))
    for rule, count in ranked[:TOP_RULES]:
        table.add_row(plain(rule), plain(names.get(rule, "")), str(count))
    return table


def outlets_table(view: Overview) -> Table:
    table = Table(title="Outlets", box=None, header_style="bold", pad_edge=False)
    table.add_column("outlet", overflow="fold")
    table.add_column("docs", justify="right")
    ranked = sorted(view.summary.outlets.items(), key=lambda kv: (-kv[1], kv[0]))
    for outlet, count in ranked[:TOP_OUTLETS]:
        table.add_row(plain(outlet), str(count))
    if len(ranked) > TOP_OUTLETS:
        table.add_row(Text(f"{len(ranked) - TOP_OUTLETS} more", style="dim"), "")
    return table


def main_findings(doc: DocumentReport) -> list[Finding]:
    """The warnings and errors that cost the most, errors first."""
    problems = [f for f in doc.findings if f.severity != "info"]
    return sorted(problems, key=lambda f: (f.severity != "error", f.points, f.line or 0))[:MAX_FINDINGS]


def _failure_reason(doc: DocumentReport, threshold: float) -> str:
    """The gate's reasons when it left them, else what the pipeline's own verdict rests on."""
    blocks = [n.message for n in doc.gate if n.action == "block"]
    if blocks:
        return "; ".join(blocks)
    if doc.scores.overall < threshold:
        return f"overall {doc.scores.overall:g} < {threshold:g}"
    return "blocked by an error"


def failing_document(doc: DocumentReport, threshold: float) -> Group:
    head = plain(doc.id, "bold") + Text(f"  {_failure_reason(doc, threshold)}", style="red")
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for f in main_findings(doc):
        message = plain(f.message)
        if f.excerpt.strip():
            message.append(f"  “{printable(' '.join(f.excerpt.split())[:80])}”", style="dim")
        table.add_row(place(f), plain(f.rule, SEVERITY_STYLE[f.severity]), message)
    return Group(Text(""), head, table)


def summary_line(view: Overview, since: str | None = None) -> Text:
    """The counts and means in one line; for a ``--since REV`` run that found nothing changed, that alone."""
    s = view.summary
    if since is not None and s.documents == s.errors == 0:
        return Text(f"no documents changed since {since}", style="bold") + Text(f" · threshold {s.threshold:g}")
    text = Text(f"{s.documents} document{'' if s.documents == 1 else 's'}: ", style="bold")
    text.append(f"{s.passed} passed", style="green")
    text.append(", ")
    text.append(f"{s.failed} failed", style="bold red" if s.failed else "green")
    text.append(f", {s.errors} unreadable", style="bold red" if s.errors else "")
    text.append(f" · threshold {s.threshold:g}")
    means = " · ".join(f"{k} {whole(v)}" for k, v in s.mean_scores.items() if v is not None)
    if means:
        text.append(f" · mean {means}", style="dim")
    return text


def render(view: Overview, console: Console, quiet: bool = False, since: str | None = None) -> None:
    """The report; ``since`` is the revision a ``--since`` run checked the changes from. ``quiet``:
    the error lines and the summary alone (an input that could not be read is named even then: the
    summary's count would say that one was, never which)."""
    if quiet:
        _error_lines(view, console)
        console.print(summary_line(view, since), soft_wrap=True)
        return
    if view.documents:  # with none, empty tables would only push the errors and the summary away
        console.print(documents_table(view))
        _more(console, view.more_documents, "more documents", "writes every report")
        console.print(Columns([histogram(view), rules_table(view), outlets_table(view)], padding=(0, 3)))
    for doc in view.documents:
        if not doc.passed:
            console.print(failing_document(doc, view.summary.threshold))
    if view.failing_not_shown:
        console.print(Text(""))
        _more(console, view.failing_not_shown, "more failing documents", "writes each one's findings")
    notes = gate_notes(view)
    if notes:
        console.print(Text(""))
        console.print(notes)
        _more(console, view.more_gate_notes, "more gate notes", "writes each report's `gate`")
    _error_lines(view, console)
    if view.documents or view.errors:
        console.print(Text(""))
    console.print(summary_line(view, since), soft_wrap=True)


def _more(console: Console, count: int, what: str, jsonl_gives: str) -> None:
    if count:
        console.print(Text(more_text(count, what, jsonl_gives), style="dim"), soft_wrap=True)


def _error_lines(view: Overview, console: Console) -> None:
    """One line an input that could not be read, never wrapped, whatever the width: scripts and CI logs
    grep them as one line each (``error: PATH:LINE: MESSAGE``), as they do the summary."""
    for err in view.errors:
        place = f"{err.path}:{err.line}" if err.line else err.path
        console.print(plain(f"error: {place}: {err.message}", "bold red"), soft_wrap=True)
    _more(console, view.more_errors, "more inputs could not be read", "writes an error line for each")


def gate_notes(view: Overview) -> Table | None:
    """The gate's warnings (which never block) and the failures a baseline accepted, per document."""
    styles = {"warn": ("warning", "yellow"), "baselined": ("baselined", "dim")}
    if not view.gate_notes:
        return None
    table = Table(title="Gate", box=None, show_header=False, pad_edge=False)
    table.add_column(overflow="fold")
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for doc_id, note in view.gate_notes:
        label, style = styles[note.action]
        table.add_row(plain(doc_id), Text(label, style=style), plain(note.message))
    return table
