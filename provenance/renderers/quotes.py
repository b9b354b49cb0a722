"""The quote index as a rich console table or as JSON (schemas/quote-index.schema.json)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from provenance.quoteindex import IndexedQuote, QuoteIndex, SpeakerEntry

MAX_PLACES = 4
EXCERPT = 70


def render_json(index: QuoteIndex) -> str:
    return index.model_dump_json(indent=2) + "\n"


def _places(quotes: list[IndexedQuote]) -> str:
    """``doc-a.txt: 3, 7; doc-b.txt: 12``, the first few documents only."""
    lines: dict[str, list[str]] = {}
    for q in quotes:
        lines.setdefault(q.document, []).append(str(q.line))
    shown = [f"{doc}: {', '.join(nums)}" for doc, nums in list(lines.items())[:MAX_PLACES]]
    more = len(lines) - MAX_PLACES
    return "; ".join(shown) + (f" (+{more} documents)" if more > 0 else "")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:EXCERPT - 1]}…”" if len(text) > EXCERPT else f"“{text}”"


def speakers_table(entries: list[SpeakerEntry], title: str) -> Table:
    table = Table(title=title, header_style="bold")
    table.add_column("speaker", overflow="fold")
    table.add_column("kind", overflow="fold")
    table.add_column("quotes", justify="right")
    table.add_column("docs", justify="right")
    table.add_column("where (document:line)", overflow="fold")
    table.add_column("first quotation", overflow="fold")
    for e in entries:
        table.add_row(e.name, ", ".join(e.kinds), str(len(e.quotations)), str(e.documents),
                      _places(e.quotations), Text(_excerpt(e.quotations[0].text), style="dim"))
    return table


def render(index: QuoteIndex, console: Console, limit: int = 20) -> None:
    shown = index.speakers if limit <= 0 else index.speakers[:limit]
    console.print(speakers_table(shown, f"Quote index: {len(index.speakers)} speakers"))
    if len(shown) < len(index.speakers):
        console.print(Text(f"… {len(index.speakers) - len(shown)} more speakers (--limit 0 shows all)", style="dim"))
    if index.unattributed:
        console.print(Text(f"\n{len(index.unattributed)} quotations without a speaker: ", style="bold")
                      + Text(_places(index.unattributed), style="dim"))
    for err in index.errors:
        where = f"{err.path}:{err.line}" if err.line else err.path
        console.print(Text(f"error: {where}: {err.message}", style="bold red"))
    console.print(f"{index.documents} documents, {index.quotations} quotations")
