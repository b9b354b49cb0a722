"""`provenance show DOC` on the console: the provenance facts in a panel, the scores, the text with
residue lines dimmed and labelled and quotations highlighted with their speakers, and how each
finding moved its dimension's score."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from provenance.renderers.console import SEVERITY_STYLE, plain, score_text, verdict_text
from provenance.renderers.marks import MarkedLine, Piece, marked_lines, place, printable, speaker_label
from provenance.report import DocumentReport, Outlet

DIMENSIONS = ("provenance", "attribution", "residue")
QUOTE_STYLE = "bold green"
SPEAKER_STYLE = "bold cyan"
FLAG_STYLE = "underline yellow"
MAX_QUOTE = 160


def facts_panel(report: DocumentReport) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in _fact_rows(report):
        grid.add_row(label, value)
    return Panel(grid, title=plain(report.id, "bold"), title_align="left", box=box.ROUNDED)


def _fact_rows(report: DocumentReport) -> list[tuple[str, Text]]:
    facts = report.facts
    published = facts.published or facts.published_text
    return [("path", plain(report.path)), *_outlet_rows(report.outlet),
            ("published", _fact(published)), ("byline", _fact(facts.byline)), ("dateline", _fact(facts.dateline)),
            ("copy", Text("republished", style="yellow") if facts.republished else Text("original")),
            ("chain", _fact(" → ".join(facts.chain)))]


def _fact(value: str | None) -> Text:
    return plain(value) if value else Text("not found", style="dim")


def _outlet_rows(outlet: Outlet | None) -> list[tuple[str, Text]]:
    if outlet is None:
        return [("outlet", Text("not identified", style="dim"))]
    name = plain(outlet.name or outlet.domain or "unknown")
    if outlet.domain and outlet.name:
        name.append(f" ({printable(outlet.domain)})", style="dim")
    name.append(f" · confidence {outlet.confidence:.2f}", style="dim")
    rows = [("outlet", name)]
    profile = ", ".join(v for v in (outlet.kind, outlet.country, outlet.ownership) if v)
    if profile:
        rows.append(("profile", plain(profile)))
    if outlet.flags:
        rows.append(("flags", plain(", ".join(outlet.flags), "magenta")))
    for rating in outlet.reliability:
        source = " · ".join(v for v in (rating.source, rating.date, rating.url) if v)
        rows.append(("reliability", plain(rating.label) + plain(f"  ({source})", "dim")))
    if outlet.evidence:
        rows.append(("evidence", plain("; ".join(" ".join(e.split()) for e in outlet.evidence), "dim")))
    return rows


def scores_line(report: DocumentReport, threshold: float) -> Text:
    text = Text()
    for name in (*DIMENSIONS, "overall"):
        text.append(f"{name} ", style="bold" if name == "overall" else "")
        text.append_text(score_text(getattr(report.scores, name), threshold))
        text.append("   ")
    return text + verdict_text(report)


def text_table(text: str, report: DocumentReport) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 0), expand=True)
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    for line in marked_lines(text, report):
        table.add_row(str(line.number), _line_text(line) + _residue_label(line))
    return table


def _line_text(line: MarkedLine) -> Text:
    text = Text()
    for piece in line.pieces:
        text.append(printable(piece.text), style=_piece_style(piece, bool(line.residue)))
        if piece.ends_quote:
            text.append(f" ⟨{printable(speaker_label(piece.quote))}⟩", style="dim cyan")
    return text


def _piece_style(piece: Piece, residue: bool) -> str:
    if residue:
        return "dim"
    styles = [SPEAKER_STYLE if piece.speaker_of else QUOTE_STYLE if piece.quote else "",
              FLAG_STYLE if piece.flag else ""]
    return " ".join(s for s in styles if s)


def _residue_label(line: MarkedLine) -> Text:
    rules = dict.fromkeys(f"{f.rule} {f.name}" for f in line.residue)
    return plain(f"  ◂ {'; '.join(rules)}", "yellow") if rules else Text("")


def breakdown(report: DocumentReport) -> Table:
    """Every finding with the points it gave or cost its dimension, grouped by dimension."""
    table = Table(title="Score breakdown", box=box.SIMPLE_HEAD, header_style="bold", show_edge=False,
                  pad_edge=False, padding=(0, 1, 0, 0), title_justify="left")
    table.add_column("dimension", no_wrap=True)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("finding", overflow="fold")
    table.add_column("points", justify="right", no_wrap=True)
    for dimension in DIMENSIONS:
        found = [f for f in report.findings if f.dimension == dimension]
        for index, f in enumerate(found):
            table.add_row(dimension if index == 0 else "", place(f), plain(f.rule, SEVERITY_STYLE[f.severity]),
                          plain(f.message), _points(f.points))
        total = Text(f"{len(found)} findings, {sum(f.points for f in found):+.1f} points → score", style="bold")
        table.add_row(dimension if not found else "", "", "", total, score_text(getattr(report.scores, dimension)),
                      end_section=True)
    return table


def _points(value: float) -> Text:
    if value == 0:
        return Text("0", style="dim")
    return Text(f"{value:+.1f}", style="green" if value > 0 else "red")


def quotes_table(report: DocumentReport) -> Table:
    table = Table(title="Quotations", box=box.SIMPLE_HEAD, header_style="bold", show_edge=False,
                  pad_edge=False, padding=(0, 1, 0, 0), title_justify="left")
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("speaker", overflow="fold", ratio=1)
    table.add_column("quotation", overflow="fold", ratio=3)
    for quote in report.quotes:
        words = " ".join(quote.text.split())
        words = words if len(words) <= MAX_QUOTE else words[:MAX_QUOTE] + "…"
        table.add_row(str(quote.line), plain(speaker_label(quote), SPEAKER_STYLE), plain(words, QUOTE_STYLE))
    return table


def render(text: str, report: DocumentReport, console: Console, threshold: float) -> None:
    parts = [facts_panel(report), scores_line(report, threshold), Text(""), text_table(text, report), Text("")]
    if report.quotes:
        parts += [quotes_table(report), Text("")]
    console.print(Group(*parts, breakdown(report)))
