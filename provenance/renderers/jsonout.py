"""JSON and JSON Lines, as in the report contract. Keys keep model order, so output is byte-stable."""

from __future__ import annotations

from provenance.report import CorpusReport, DocumentReport, ErrorRecord, ReadError


def render_corpus(report: CorpusReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def render_line(item: DocumentReport | ReadError) -> str:
    if isinstance(item, ReadError):
        item = ErrorRecord(error=item.message, path=item.path, line=item.line)
    return item.model_dump_json() + "\n"
