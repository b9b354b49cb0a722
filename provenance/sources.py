"""Sources: turn paths into a stream of documents (or read errors), in a stable order.

``.txt`` and ``.md`` files are one document each, with an optional ``NAME.meta.json`` sidecar;
``.jsonl`` and ``.jsonl.gz`` files hold one record a line. Nothing here ever writes to the corpus.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from provenance.document import META_FIELDS, Document, normalise_newlines
from provenance.report import ReadError

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
SIDECAR_SUFFIX = ".meta.json"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

Item = Document | ReadError


def is_document_file(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES) and not name.endswith(SIDECAR_SUFFIX)


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, str] | ReadError]:
    """(file, id-prefix) pairs for every document file under ``paths``, sorted within each folder."""
    for root in paths:
        if not root.exists() and not root.is_symlink():
            yield ReadError(path=str(root), message="no such file or folder")
        elif root.is_dir():
            yield from _walk(root)
        elif is_document_file(root):
            yield root, root.name
        else:
            yield ReadError(path=str(root), message="not a .txt, .md, .jsonl or .jsonl.gz file")


def _walk(root: Path) -> Iterator[tuple[Path, str] | ReadError]:
    seen: set[str] = set()
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=True, onerror=None):
        real = os.path.realpath(folder)
        if real in seen:
            dirs.clear()
            yield ReadError(path=folder, message="symlink loop: folder already visited")
            continue
        seen.add(real)
        dirs.sort()
        found.extend(Path(folder, f) for f in files if is_document_file(Path(f)))
    for path in sorted(found, key=lambda p: p.relative_to(root).as_posix()):
        yield path, path.relative_to(root).as_posix()


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 with a BOM, else cp1252 with a note saying so."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        note = f"not valid UTF-8 (byte {exc.start}); decoded as cp1252 with replacement"
        return data.decode("cp1252", errors="replace"), [note]


def read_sidecar(path: Path) -> tuple[dict[str, str], ReadError | None]:
    sidecar = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}, None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, ReadError(path=str(sidecar), message=f"sidecar is not valid JSON: {exc}")
    if not isinstance(data, dict):
        return {}, ReadError(path=str(sidecar), message="sidecar must hold a JSON object")
    return _meta(data), None


def _meta(record: dict) -> dict[str, str]:
    return {k: str(record[k]) for k in META_FIELDS if record.get(k) not in (None, "")}


def read_text_file(path: Path, doc_id: str, max_bytes: int) -> Iterator[Item]:
    meta, sidecar_error = read_sidecar(path)
    if sidecar_error:
        yield sidecar_error
    try:
        if path.stat().st_size > max_bytes:
            yield ReadError(path=str(path), message=f"file is larger than the {max_bytes}-byte limit; skipped")
            return
        text, notes = decode(path.read_bytes())
    except (OSError, ValueError) as exc:
        yield ReadError(path=str(path), message=_reason(exc))
        return
    yield Document(id=doc_id, path=str(path), text=normalise_newlines(text), meta=meta, notes=notes)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)


def read_jsonl_file(path: Path, doc_id: str, max_bytes: int) -> Iterator[Item]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield _record(raw, path, doc_id, number, max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        yield ReadError(path=str(path), line=number + 1 if number else None, message=f"cannot read: {exc}")


def _record(raw: bytes, path: Path, doc_id: str, number: int, max_bytes: int) -> Item:
    where = {"path": str(path), "line": number}
    if len(raw) > max_bytes:
        return ReadError(**where, message=f"record is larger than the {max_bytes}-byte limit; skipped")
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ReadError(**where, message=f"malformed JSON: {exc}")
    if not isinstance(record, dict):
        return ReadError(**where, message="a record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        return ReadError(**where, message="record has no string `text`")
    rid = record.get("id")
    ident = str(rid) if rid not in (None, "") else f"{doc_id}#{number}"
    return Document(id=ident, path=str(path), text=normalise_newlines(text), meta=_meta(record))


def read_documents(paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Every document under ``paths``, streamed; unreadable ones come out as ``ReadError``."""
    for found in discover(paths):
        if isinstance(found, ReadError):
            yield found
            continue
        path, doc_id = found
        name = path.name.lower()
        reader = read_jsonl_file if name.endswith(JSONL_SUFFIXES) else read_text_file
        yield from reader(path, doc_id, max_bytes)
