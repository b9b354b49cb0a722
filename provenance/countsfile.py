"""The corpus pre-pass's counts kept in a file, so that the shards of a run read them instead of each
reading the whole corpus again: ``provenance templates PATH... --output FILE`` counts once, and
``check PATH... --shard I/N --templates-from FILE`` checks with those counts, giving the reports a
pre-pass of its own would give.

The counts cannot be added up from counts the shards make of their own parts: the sketch's
conservative update, and the filter that counts a text met again once, depend on the order the
documents come in. So one process reads the whole corpus once, where every shard read it before.

A counts file is a line naming the format, a line of JSON (``CountsHeader``: what the counts were
made under and over), and the sketch's counters, little-endian, compressed with zlib. It is used only
by the same version of the checker's code, under the same template rule, over the same corpus: the
same document files, with the same sizes and modification times, under the PATHs given."""

from __future__ import annotations

import hashlib
import json
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

from provenance.atomic import open_atomic
from provenance.cache import code_digest
from provenance.config import UsageError
from provenance.report import ReadError
from provenance.rulemodels import Detector
from provenance.sources import Reading, discover
from provenance.templates import TemplateCounts, empty_counts

MAGIC = b"provenance template counts 1\n"


class CorpusIdentity(BaseModel):
    """The document files under the PATHs, as a directory listing tells them apart without reading them."""

    model_config = ConfigDict(extra="forbid", strict=True)

    files: NonNegativeInt = Field(description="the document files found under the PATHs")
    bytes: NonNegativeInt = Field(description="their sizes added up")
    digest: str = Field(description="SHA-256 of each file's id, size and modification time, in input order")


class CountsHeader(BaseModel):
    """What a template counts file's counters were made under and over."""

    model_config = ConfigDict(extra="forbid", strict=True)

    code: str = Field(description="the digest of the checker's code that counted (cache.code_digest)")
    rule: str = Field(description="the template rule's params as JSON, keys sorted")
    max_bytes: NonNegativeInt = Field(description="the max_bytes setting: longer records were not read")
    record_fields: dict[str, str] = Field(description="where the records counted keep each field (record_fields)")
    corpus: CorpusIdentity
    group_docs: dict[str, NonNegativeInt] = Field(description="documents counted in each group")
    cells: NonNegativeInt = Field(description="the sketch's counters (width x depth)")


def corpus_identity(paths: Iterable[Path]) -> CorpusIdentity:
    """The files under ``paths`` told apart by id, size and modification time (``stat``, no read)."""
    hasher, files, size = hashlib.sha256(), 0, 0
    for found in discover(paths):
        if isinstance(found, ReadError):
            hasher.update(f"error\0{found.path}\0{found.message}\n".encode("utf-8", "surrogatepass"))
            continue
        path, doc_id = found
        try:
            stat = path.stat()
        except OSError as exc:
            hasher.update(f"error\0{doc_id}\0{exc.strerror}\n".encode("utf-8", "surrogatepass"))
            continue
        hasher.update(f"{doc_id}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        files, size = files + 1, size + stat.st_size
    return CorpusIdentity(files=files, bytes=size, digest=hasher.hexdigest())


def rule_key(rule: Detector) -> str:
    return json.dumps(rule.params, sort_keys=True)


def write_counts(path: Path, counts: TemplateCounts, rule: Detector, corpus: CorpusIdentity, reading: Reading) -> None:
    header = CountsHeader(code=code_digest(), rule=rule_key(rule), max_bytes=reading.max_bytes,
                          record_fields=reading.shape.keys, corpus=corpus,
                          group_docs=dict(counts.group_docs), cells=len(counts.table))
    with open_atomic(path, binary=True) as handle:
        handle.write(MAGIC)
        handle.write(header.model_dump_json().encode("utf-8") + b"\n")
        handle.write(zlib.compress(_byte_order_swapped(counts.table.tobytes()), 1))


def read_counts(path: Path, rule: Detector, corpus: CorpusIdentity, reading: Reading) -> TemplateCounts:
    """The counts in ``path``, if made by this code under ``rule`` over ``corpus``, reading records
    as ``reading`` does; else a ``UsageError`` naming the file and what differs."""
    header, table = _read(path)
    if header.code != code_digest():
        raise UsageError(f"{path}: counted by another version of provenance; count again with this one")
    if header.rule != rule_key(rule):
        raise UsageError(f"{path}: counted under other template rule params; count again under these rules")
    if header.max_bytes != reading.max_bytes:
        raise UsageError(f"{path}: counted with max_bytes {header.max_bytes}, where this run reads records of up to "
                         f"{reading.max_bytes} bytes; count again with the same settings")
    if header.record_fields != reading.shape.keys:
        changed = sorted(k for k, v in reading.shape.keys.items() if header.record_fields.get(k) != v)
        raise UsageError(f"{path}: counted reading the records' {', '.join(changed)} from other keys; count again "
                         "with the same record_fields")
    if header.corpus != corpus:
        raise UsageError(f"{path}: counts another corpus ({_corpus_change(header.corpus, corpus)}); count again")
    counts = empty_counts(rule)
    if len(table) != 4 * len(counts.table) or header.cells != len(counts.table):
        raise UsageError(f"{path}: damaged: its counters do not fill the sketch")
    counts.table[:] = memoryview(_byte_order_swapped(table)).cast("I")
    counts.group_docs = Counter(header.group_docs)
    return counts


def _corpus_change(were: CorpusIdentity, now: CorpusIdentity) -> str:
    if (were.files, were.bytes) == (now.files, now.bytes):
        return f"the same {now.files} files of {now.bytes} bytes, but a file was changed, renamed or touched since"
    return f"{were.files} files of {were.bytes} bytes; the PATHs now hold {now.files} files of {now.bytes} bytes"


def _read(path: Path) -> tuple[CountsHeader, bytes]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not data.startswith(MAGIC):
        raise UsageError(f"{path}: not a template counts file (write one with `provenance templates`)")
    line, _, packed = data[len(MAGIC):].partition(b"\n")
    try:
        return CountsHeader.model_validate_json(line), zlib.decompress(packed)
    except (ValidationError, zlib.error):
        raise UsageError(f"{path}: damaged: its header or counters cannot be read") from None


def _byte_order_swapped(data: bytes) -> bytes:
    """Counters between this machine's byte order and the file's (little-endian): the same swap both
    ways, and none on a little-endian machine."""
    if sys.byteorder == "little":
        return data
    swapped = array("I", data)
    swapped.byteswap()
    return swapped.tobytes()
