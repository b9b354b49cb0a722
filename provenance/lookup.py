"""Finding a document again: by what a user types (`provenance show DOC`), or by its report.

Reports do not carry the text (a corpus report would double in size), so the views that show text read
it back through ``sources`` and recognise it by its ``sha256``: a file edited since the check is then
said to be missing rather than shown with offsets that no longer fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from provenance.document import Document
from provenance.report import DocumentReport, ReadError
from provenance.sources import (NotARecord, Reading, is_jsonl_file, jsonl_lines, over_max_bytes, parse_record,
                                read_documents, record_document, shown)


class DocumentNotFound(Exception):
    """A document spec that names no readable document; the message is one line for the user."""


def find_document(spec: str, reading: Reading) -> Document:
    """The document ``spec`` names: a file, ``PATH#N`` (the record on line N) or ``PATH#ID`` (a record id)."""
    path = Path(spec)
    if path.is_file():
        return _only_document(path, reading)
    if path.is_dir():
        raise DocumentNotFound(f"{spec}: is a folder; name one of its documents (show reads one)")
    base, sep, key = spec.rpartition("#")
    if not sep or not Path(base).is_file():
        raise DocumentNotFound(f"{spec}: no such file (name a file, or PATH#N / PATH#ID for a JSONL record)")
    if not is_jsonl_file(Path(base)):
        raise DocumentNotFound(f"{base}: #N and #ID name records of JSON Lines files only")
    return _record(Path(base), key, reading)


def _only_document(path: Path, reading: Reading) -> Document:
    """The one document of ``path``, read a document at a time: a crawl's file named without ``#``
    is counted, never held."""
    first: Document | None = None
    count, reason = 0, None
    for item in read_documents([path], reading):
        if isinstance(item, Document):
            first = item if first is None else first
            count += 1
        elif reason is None:
            reason = item.message + (f" (line {item.line})" if item.line else "")
    if count == 1:
        return first
    if not count:
        raise DocumentNotFound(f"{path}: holds no readable document" + (f": {reason}" if reason else ""))
    raise DocumentNotFound(f"{path}: holds {count} records; name one as {path}#N (line) or {path}#ID")


def _record(path: Path, key: str, reading: Reading) -> Document:
    if key.isdigit():
        return _record_on_line(path, int(key), reading)
    docs = [d for d in read_documents([path], reading) if isinstance(d, Document) and d.id == key]
    if not docs:
        raise DocumentNotFound(f"{path}#{key}: no readable record with that id")
    if len(docs) > 1:  # which one was meant is not for show to guess
        lines = ", ".join(str(d.line) for d in docs)
        raise DocumentNotFound(f"{path}#{key}: {len(docs)} records have that id (lines {lines}); name one as {path}#N")
    return docs[0]


def _record_on_line(path: Path, number: int, reading: Reading) -> Document:
    """The record on line ``number``, read as ``check`` reads it; else why that line holds none."""
    for line in jsonl_lines(path, reading.max_bytes):
        if isinstance(line, ReadError):
            raise DocumentNotFound(f"{path}#{number}: {line.message} (line {line.line})")
        current, raw = line
        if current == number:
            if raw is None:
                raise DocumentNotFound(f"{path}#{number}: {over_max_bytes(reading.max_bytes, 'not shown')}")
            if not raw.strip():
                raise DocumentNotFound(f"{path}#{number}: the line is blank")
            try:
                record = parse_record(raw, reading.shape)
                return record_document(record, shown(path), shown(path.name), number, reading.shape)
            except NotARecord as exc:
                raise DocumentNotFound(f"{path}#{number}: {exc}") from None
    raise DocumentNotFound(f"{path}#{number}: the file has fewer lines")


def texts_of(reports: Iterable[DocumentReport], reading: Reading) -> dict[str, str]:
    """Text by sha256 for every report whose source still holds the text it was checked on."""
    wanted: dict[str, set[str]] = {}
    for report in reports:
        wanted.setdefault(report.path, set()).add(report.sha256)
    texts: dict[str, str] = {}
    for path, hashes in wanted.items():
        if Path(path).is_file():  # read a document at a time: a crawl's file may hold millions
            texts.update((d.sha256, d.text) for d in read_documents([Path(path)], reading)
                         if isinstance(d, Document) and d.sha256 in hashes)
    return texts
