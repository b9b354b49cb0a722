"""Where the marks go in a document's text, for the views that show it (console and HTML).

A line is cut into pieces at every quotation, speaker and flagged-span boundary, so each piece carries
the marks that cover it; residue findings label whole lines. This places what the report already
says; it judges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from provenance.document import Document
from provenance.report import DocumentReport, Finding, Quote


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    quote: Quote | None = None
    """The quotation this piece lies inside."""
    speaker_of: Quote | None = None
    """The quotation whose speaker this piece names."""
    flag: Finding | None = None
    """A warning or error (not residue) whose span covers this piece."""
    ends_quote: bool = False
    """The piece closes its quotation: views put the speaker label after it."""


@dataclass(frozen=True, slots=True)
class MarkedLine:
    number: int
    pieces: list[Piece]
    residue: list[Finding]


def flagged(report: DocumentReport) -> list[Finding]:
    """Warnings and errors outside residue that point at a span of text."""
    return [f for f in report.findings
            if f.dimension != "residue" and f.severity != "info" and f.start is not None and f.end is not None]


def residue_by_line(report: DocumentReport) -> dict[int, list[Finding]]:
    lines: dict[int, list[Finding]] = {}
    for f in report.findings:
        if f.dimension == "residue" and f.line is not None:
            for number in range(f.line, (f.end_line or f.line) + 1):
                lines.setdefault(number, []).append(f)
    return lines


def marked_lines(text: str, report: DocumentReport) -> list[MarkedLine]:
    doc = Document(id=report.id, path=report.path, text=text)
    residue = residue_by_line(report)
    quotes = _by_line(doc, report.quotes, lambda q: [(q.start, q.end)] + ([(q.speaker.start, q.speaker.end)]
                                                                        if q.speaker else []))
    flags = _by_line(doc, flagged(report), lambda f: [(f.start, f.end)])
    return [MarkedLine(line.number, _pieces(text, line.start, line.end, quotes.get(line.number, []),
                                            flags.get(line.number, [])),
                       residue.get(line.number, [])) for line in doc.lines]


def _by_line(doc: Document, items, spans) -> dict[int, list]:
    """Each item under every line its spans touch, in report order, so a line looks at its own marks only."""
    lines: dict[int, list] = {}
    for item in items:
        touched = {n for start, end in spans(item)
                   for n in range(doc.line_at(start), doc.line_at(max(start, end - 1)) + 1)}
        for number in sorted(touched):
            lines.setdefault(number, []).append(item)
    return lines


def _covering(items, start: int, end: int, span):
    for item in items:
        where = span(item)
        if where is not None and where[0] <= start and end <= where[1]:
            return item
    return None


def _pieces(text: str, start: int, end: int, quotes: list[Quote], flags: list[Finding]) -> list[Piece]:
    spans = [(q.start, q.end) for q in quotes]
    spans += [(q.speaker.start, q.speaker.end) for q in quotes if q.speaker]
    spans += [(f.start, f.end) for f in flags]
    cuts = sorted({start, end, *(p for a, b in spans for p in (a, b) if start < p < end)})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        quote = _covering(quotes, a, b, lambda q: (q.start, q.end))
        pieces.append(Piece(
            text=text[a:b], quote=quote,
            speaker_of=_covering(quotes, a, b, lambda q: (q.speaker.start, q.speaker.end) if q.speaker else None),
            flag=_covering(flags, a, b, lambda f: (f.start, f.end)),
            ends_quote=quote is not None and b == quote.end,
        ))
    return pieces or [Piece(text="")]


def place(f: Finding) -> str:
    """Where a finding is: '12', '12-14', or 'doc' for the whole document."""
    if f.line is None:
        return "doc"
    return f"{f.line}-{f.end_line}" if f.end_line and f.end_line != f.line else str(f.line)


def speaker_label(quote: Quote) -> str:
    """'Sergey Lavrov (named)', 'he → Sergey Lavrov (pronoun)', 'no speaker (unattributed)'."""
    if quote.speaker is None:
        return f"no speaker ({quote.kind})"
    who = quote.speaker.text
    if quote.resolved is not None and quote.resolved.text != who:
        who = f"{who} → {quote.resolved.text}"
    return f"{who} ({quote.kind})"


_CONTROLS = {c: 0x2400 + c for c in (*range(0x09), *range(0x0B, 0x20))} | {0x7F: 0x2421}
_CONTROLS |= dict.fromkeys(range(0x80, 0xA0), 0xFFFD)


def printable(text: str) -> str:
    """Text safe to show: control characters (terminal escapes among them) as visible symbols, and
    unpaired surrogates, which no output encoding accepts, as U+FFFD."""
    text = text.translate(_CONTROLS)
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
