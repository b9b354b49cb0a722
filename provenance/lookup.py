"""Finding a document again: by what a user types (`provenance show DOC`), or by its report.

Reports do not carry the text (a corpus report would double in size), so the views that show text read
it back through ``sources`` and recognise it by its ``sha256``: a file edited since the check is then
said to be missing rather than shown with offsets that no longer fit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from provenance.document import Document, normalise_newlines
from provenance.report import DocumentReport
from provenance.sources import JSONL_SUFFIXES, open_bytes, read_documents


class DocumentNotFound(Exception):
    """A document spec that names no readable document; the message is one line for the user."""


def _documents(path: Path, max_bytes: int) -> list[Document]:
    return [d for d in read_documents([path], max_bytes) if isinstance(d, Document)]


def _is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith(JSONL_SUFFIXES)


def find_document(spec: str, max_bytes: int) -> Document:
    """The document ``spec`` names: a file, ``PATH#N`` (the record on line N) or ``PATH#ID`` (a record id)."""
    path = Path(spec)
    if path.is_file():
        return _only_document(path, max_bytes)
    base, sep, key = spec.rpartition("#")
    if not sep or not Path(base).is_file():
        raise DocumentNotFound(f"{spec}: no such file (name a file, or PATH#N / PATH#ID for a JSONL record)")
    if not _is_jsonl(Path(base)):
        raise DocumentNotFound(f"{base}: #N and #ID name records of .jsonl files only")
    return _record(Path(base), key, max_bytes)


def _only_document(path: Path, max_bytes: int) -> Document:
    docs = _documents(path, max_bytes)
    if len(docs) == 1:
        return docs[0]
    if not docs:
        raise DocumentNotFound(f"{path}: holds no readable document")
    raise DocumentNotFound(f"{path}: holds {len(docs)} records; name one as {path}#N (line) or {path}#ID")


def _record(path: Path, key: str, max_bytes: int) -> Document:
    docs = _documents(path, max_bytes)
    if key.isdigit():
        wanted = _record_on_line(path, int(key))
        docs = [d for d in docs if wanted is not None and d.id in wanted[0] and d.text == wanted[1]]
    else:
        docs = [d for d in docs if d.id == key]
    if not docs:
        raise DocumentNotFound(f"{path}#{key}: no readable record with that line number or id")
    return docs[0]


def _record_on_line(path: Path, number: int) -> tuple[set[str], str] | None:
    """The ids the record on line ``number`` may carry, and its text; None if that line is no record."""
    with open_bytes(path) as handle:
        for current, raw in enumerate(handle, start=1):
            if current == number:
                break
        else:
            return None
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None
    own_id = record.get("id")
    ids = {str(own_id)} if own_id not in (None, "") else {f"{path.name}#{number}"}
    return ids, normalise_newlines(record["text"])


def texts_of(reports: Iterable[DocumentReport], max_bytes: int) -> dict[str, str]:
    """Text by sha256 for every report whose source still holds the text it was checked on."""
    wanted: dict[str, set[str]] = {}
    for report in reports:
        wanted.setdefault(report.path, set()).add(report.sha256)
    texts: dict[str, str] = {}
    for path, hashes in wanted.items():
        if Path(path).is_file():
            texts.update((d.sha256, d.text) for d in _documents(Path(path), max_bytes) if d.sha256 in hashes)
    return texts
