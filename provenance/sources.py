"""Sources: turn paths into a stream of documents (or read errors), in a stable order.

``.txt`` and ``.md`` files are one document each, with an optional ``NAME.meta.json`` sidecar;
JSON Lines files (``.jsonl``, ``.ndjson``; gzipped or Zstandard-compressed, ``.gz`` or ``.zst``, and
``.json.gz`` or ``.json.zst`` as C4 and Dolma name theirs) hold one record a line, as does standard
input, named ``-``.
Nothing here ever writes to the corpus.

A scraped corpus holds every kind of broken file, so reading never stops at one: whatever cannot be
read comes out as a ``ReadError`` naming the file (and line) and why, and the stream goes on.
Whatever could be read only with a fallback (a guessed encoding, replaced characters) comes out as
a document whose ``notes`` say so; the pipeline turns them into RD001 findings.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, NamedTuple, TypeVar

import regex
from pydantic_core import from_json

from provenance import accelerator
from provenance.compression import (DATA_ERRORS, MissingCodec, codec_of_name, decompressing, open_decompressed,
                                    sniffed)
from provenance.document import META_FIELDS, NAME_LISTS, RECORD_FIELDS, Document, normalise_newlines
from provenance.parts import ByteRange, CompressedParts, PartReaders, numbered_lines, plain_part_lines
from provenance.report import ReadError

TEXT_SUFFIXES = (".txt", ".md")
PLAIN_JSONL_SUFFIXES = (".jsonl", ".ndjson")
# A plain ``.json`` is no JSON Lines file: it is a sidecar's suffix, and one JSON document's. Compressed,
# it is how C4 and Dolma name their JSON Lines shards.
JSONL_SUFFIXES = (*PLAIN_JSONL_SUFFIXES,
                  *(name + codec for codec in (".gz", ".zst") for name in (*PLAIN_JSONL_SUFFIXES, ".json")))
DOCUMENT_KINDS = ".txt, .md, .jsonl, .ndjson; JSON Lines also as .gz, .zst, .json.gz, .json.zst"
SIDECAR_SUFFIX = ".meta.json"
STDIN = Path("-")  # the PATH of JSONL records (plain or compressed) on standard input
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# The read buffer of a JSONL file. A record is often longer than the default buffer (the file system's
# block, 4 KB), and each line read then takes several system calls: with 1 MB, one per hundred records
# (reading dev-B's 4 MB line by line: 2.3 ms -> 0.7 ms, done twice by a run with the template pre-pass).
JSONL_BUFFER_BYTES = 1 << 20
TOO_DEEP = "nested deeper than Python's parser can read"  # json.loads' and tomllib's RecursionError
T = TypeVar("T")
NO_DOCUMENTS = f"no documents found ({DOCUMENT_KINDS})"

UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What UTF-16 text decoded with the right byte order never holds: C0 controls other than
# whitespace, surrogates, private-use and unassigned code points.
_NOT_TEXT = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f\p{Cs}\p{Co}\p{Cn}]")
_SURROGATE = regex.compile(r"\p{Cs}")
# UTF-16 without a byte-order mark is recognised when at least this share of its high bytes are zero
# (ASCII spaces, digits, punctuation, newlines) and at most this share of its low bytes.
UTF16_MIN_ZERO_HIGH_BYTES = 0.2
UTF16_MAX_ZERO_LOW_BYTES = 0.05

Item = Document | ReadError
Found = tuple[Path, str] | ReadError  # a document file and its id, or why a PATH gives none


class Unreadable(ValueError):
    """A file that is not read: binary, not a regular file, or over the size limit (the message says which)."""


def is_document_file(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES) and not name.endswith(SIDECAR_SUFFIX)


def corpus_root_holding(target: Path, roots: Iterable[Path]) -> Path | None:
    """The checked root that ``target`` would write a document (or sidecar) into, if any: reports must
    never land in the corpus, where they would overwrite a document or be read as one next time."""
    if not target.name.lower().endswith(TEXT_SUFFIXES + JSONL_SUFFIXES + (SIDECAR_SUFFIX,)):
        return None
    real = target.resolve()
    for root in (r for r in roots if r != STDIN):
        if real == root.resolve() or root.resolve() in real.parents:
            return root
    return None


def shown(path: Path | str) -> str:
    """A path as reports show it: bytes of a file name that are not UTF-8 appear as ``\\xNN``."""
    text = str(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_stdin: list[Path | BinaryIO] = []  # standard input for the run (``stdin_opened``): its copy, or the stream
_READ = Path("standard input, already read")


@contextmanager
def stdin_opened(paths: Iterable[Path], spool: bool) -> Iterator[None]:
    """Standard input, where a PATH is ``-``, made readable for the block. Where the run reads its
    corpus more than once (``spool``: the template pre-pass, then the check) it is first copied to a
    temporary file, since a pipe can be read only once; otherwise it is read as it comes, and
    reports stream out as records stream in."""
    if STDIN not in paths:
        yield
        return
    with ExitStack() as stack:
        _stdin.append(_spooled_stdin(stack) if spool else sys.stdin.buffer)
        try:
            yield
        finally:
            _stdin.clear()


def _spooled_stdin(stack: ExitStack) -> Path:
    """Standard input copied in constant memory (left compressed if it came so) into a temporary
    folder that ``stack`` removes; a forked process (the pre-pass's, a worker) reads the same copy."""
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="provenance-stdin-"))
    copy = Path(folder) / "stdin"
    with open(copy, "wb") as out:
        # read1, one read at a time: a terminal's end of input (Ctrl-D) answers one read only, which
        # a buffered read(n) would take as a pause and read on past (shutil.copyfileobj does)
        while chunk := sys.stdin.buffer.read1(JSONL_BUFFER_BYTES):
            out.write(chunk)
    return copy


@contextmanager
def _jsonl_handle(path: Path) -> Iterator[BinaryIO]:
    """The bytes of a JSONL file, or of standard input (``stdin_opened``). A stream read as it comes is
    taken once: a second read would be a bug, not an empty input."""
    source = _stdin[0] if path == STDIN and _stdin else path
    if source is _READ:
        raise RuntimeError("standard input was read twice, where the run meant to read it once")
    if not isinstance(source, Path):
        _stdin[0] = _READ
        yield source
        return
    with _opened(source) as handle:
        yield handle


def discover(paths: Iterable[Path]) -> Iterator[Found]:
    """(file, id) pairs for every document file under ``paths``, sorted within each folder (``-``
    stands for standard input where a command made it readable: ``stdin_opened``); a file named again
    (``check a a/x.txt``) comes out once, where it was first found."""
    for _, found in discovered_by_path(list(paths)):
        yield from (f for f in found if f is not None)


def discovered_by_path(paths: list[Path]) -> Iterator[tuple[Path, Iterator[Found | None]]]:
    """Each PATH with what was found under it, None standing for a file found already. Ids are paths
    relative to the folder the PATHs share (``id_base``), so under several PATHs no two files share
    one, and a file's id says whether it was found already; one PATH finds each file once, and its
    ids are not kept (a folder of a million files would hold them all)."""
    base, given = id_base(paths), set()

    def first_time(found: Iterator[Found]) -> Iterator[Found | None]:
        for item in found:
            if isinstance(item, tuple) and item[1] in given:
                yield None
                continue
            if isinstance(item, tuple):
                given.add(item[1])
            yield item

    for root in paths:
        found = _found_under(root, _id_prefix(root, base))
        yield root, found if len(paths) == 1 else first_time(found)


def id_base(paths: Iterable[Path]) -> str:
    """The folder every document id is relative to: the deepest folder holding every PATH (a PATH
    that is no folder counts as the folder holding it). One folder PATH is its own base and one
    file's id is its name, as they always were; several PATHs (``check a b``, or the staged files
    ``corpus/x/1.txt corpus/y/1.txt`` a pre-commit hook passes) are told apart by the folders under
    the one they share (``a/x.txt``, ``b/x.txt``), never by position, which a reordered command changes."""
    folders = [_folder_of(p) for p in paths if p != STDIN]
    return os.path.commonpath(folders) if folders else os.curdir


def _folder_of(path: Path) -> str:
    absolute = os.path.abspath(path)
    return absolute if path.is_dir() else os.path.dirname(absolute)


def _id_prefix(root: Path, base: str) -> str:
    """What goes before the ids of the files under ``root``, relative to it, so they are relative to ``base``."""
    if root == STDIN:
        return ""
    where = os.path.relpath(_folder_of(root), base)
    return "" if where == os.curdir else Path(where).as_posix() + "/"


def _found_under(root: Path, prefix: str) -> Iterator[Found]:
    """The document files under one PATH, their ids after ``prefix``, or why it gives none."""
    if root == STDIN:
        yield (root, shown(root)) if _stdin else ReadError(
            path=shown(root), message="standard input is read by `check` and `quotes` alone")
    elif not root.exists() and not root.is_symlink():
        yield ReadError(path=shown(root), message="no such file or folder")
    elif root.is_dir():
        yield from _walk(root, prefix)
    elif is_document_file(root):
        yield root, shown(prefix + root.name)
    else:
        yield ReadError(path=shown(root), message=f"not a document file ({DOCUMENT_KINDS})")


def _walk(root: Path, prefix: str) -> Iterator[Found]:
    seen: set[str] = set()
    found: list[Path] = []
    problems: list[ReadError] = []

    def unreadable_folder(exc: OSError) -> None:
        problems.append(ReadError(path=shown(exc.filename or root), message=f"cannot read folder: {exc.strerror or exc}"))

    for folder, dirs, files in os.walk(root, followlinks=True, onerror=unreadable_folder):
        yield from _drain(problems)
        real = os.path.realpath(folder)
        if real in seen:
            dirs.clear()
            yield ReadError(path=shown(folder), message="symlink loop: this folder was already visited; skipped")
            continue
        seen.add(real)
        dirs.sort()
        found.extend(Path(folder, f) for f in files if is_document_file(Path(f)))
    yield from _drain(problems)
    for path in sorted(found, key=lambda p: p.relative_to(root).as_posix()):
        yield path, shown(prefix + path.relative_to(root).as_posix())


def _drain(problems: list[ReadError]) -> Iterator[ReadError]:
    yield from problems
    problems.clear()


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text, and notes on any fallback used.

    UTF-32 or UTF-16 with a byte-order mark; UTF-8 with or without one; UTF-16 without a mark when
    its zero bytes give it away; else cp1252 with replacement, noted. Other bytes with NULs are binary.
    """
    if data.startswith(UTF32_BOMS):
        return _utf32(data), []
    if data.startswith(UTF16_BOMS):
        return _strict(data, "utf-16"), []
    if b"\x00" in data:
        return _utf16_without_bom(data)
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        note = f"not valid UTF-8 (first bad byte at offset {exc.start}); decoded as cp1252, unknown bytes as U+FFFD"
        return data.decode("cp1252", errors="replace"), [note]


def _utf32(data: bytes) -> str:
    """UTF-32-LE's mark is UTF-16-LE's followed by a NUL character: a file that is not UTF-32 but
    starts so is read as UTF-16 when it is valid UTF-16."""
    try:
        return _strict(data, "utf-32")
    except Unreadable:
        if data.startswith(UTF16_BOMS[0]):
            with suppress(UnicodeDecodeError):
                return data.decode("utf-16")
        raise


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise Unreadable(f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                         f"(byte {exc.start})") from None


def _utf16_without_bom(data: bytes) -> tuple[str, list[str]]:
    """UTF-16 text has a zero in the high byte of every ASCII character (spaces, digits, punctuation,
    newlines) and few elsewhere; anything else with NULs is binary. The guess is always noted."""
    halves = data[0::2], data[1::2]
    zeros = [half.count(0) / max(1, len(half)) for half in halves]
    high = 1 if zeros[1] > zeros[0] else 0
    codec = "utf-16-le" if high == 1 else "utf-16-be"
    if len(data) % 2 == 0 and zeros[high] >= UTF16_MIN_ZERO_HIGH_BYTES and zeros[1 - high] <= UTF16_MAX_ZERO_LOW_BYTES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = None
        if text is not None and not _NOT_TEXT.search(text):
            return text, [f"no byte-order mark; the zero bytes show {codec.upper()}, decoded as such"]
    raise Unreadable("binary file (contains NUL bytes)")


def without_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (which JSON can escape but UTF-8 cannot hold) become U+FFFD, one for one."""
    if _utf8_encodable(text):
        return text, 0
    count = len(_SURROGATE.findall(text))
    return (_SURROGATE.sub("\ufffd", text), count) if count else (text, 0)


def _utf8_encodable(text: str) -> bool:
    """Whether ``text`` holds no lone surrogate: the ones UTF-8 cannot encode. Asked of the C accelerator
    where it is there (``_fastpage.utf8_encodable`` reads the code points: none for a text of one-byte
    characters, a fourth of the time encoding takes for the others), else of ``python_utf8_encodable``,
    its reference: every record is asked, twice in a run with the template pre-pass."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.utf8_encodable(text)
    return python_utf8_encodable(text)


def python_utf8_encodable(text: str) -> bool:
    """``_utf8_encodable`` by encoding the text: four times faster than looking for surrogates with a
    pattern, and nearly every text has none."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sidecar_of(path: Path) -> Path:
    """The sidecar metadata file of the text file ``path``: ``a.txt`` -> ``a.meta.json``."""
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> tuple[dict[str, str], ReadError | None]:
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return {}, None
    where = shown(sidecar)
    try:
        raw = sidecar.read_bytes()
    except OSError as exc:
        return {}, ReadError(path=where, message=f"cannot read sidecar: {exc.strerror or exc}")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return {}, ReadError(path=where, message=f"sidecar is not valid UTF-8 (byte {exc.start}); metadata ignored")
    except json.JSONDecodeError as exc:
        return {}, ReadError(path=where, line=exc.lineno, message=f"sidecar is not valid JSON ({exc.msg}); metadata ignored")
    except RecursionError:
        return {}, ReadError(path=where, message=f"sidecar is not valid JSON ({TOO_DEEP}); metadata ignored")
    if not isinstance(data, dict):
        return {}, ReadError(path=where, message="sidecar must hold a JSON object; metadata ignored")
    if misfit := _misfit_field(data):
        return {}, ReadError(path=where, message=f"sidecar {misfit}; metadata ignored")
    return _meta(data), None


class RecordShape:
    """Where a JSON Lines record keeps its text, id and metadata fields: under their own names (the
    default, and always in a sidecar), or under the keys a crawl gives them (OSCAR's ``content``,
    news-please's ``maintext`` and ``date_publish``), a dotted key reaching into nested objects
    (``meta.url``). Settings name them (``config.RecordFields``)."""

    __slots__ = ("keys", "_paths")

    def __init__(self, keys: Mapping[str, str] | None = None):
        self.keys = {name: (keys or {}).get(name, name) for name in RECORD_FIELDS}
        self._paths = {name: tuple(key.split(".")) for name, key in self.keys.items()}

    def get(self, record: dict, name: str, missing: object = None) -> object:
        """The value of the field ``name`` in ``record``, ``missing`` where the record has none."""
        path = self._paths[name]
        if len(path) == 1:
            return record.get(path[0], missing)
        value: object = record
        for step in path:
            if not isinstance(value, dict) or step not in value:
                return missing
            value = value[step]
        return value

    def put(self, record: dict, name: str, value: object) -> None:
        """Sets the field ``name`` of a record that has it (``clean`` writing a cleaned text back)."""
        *parents, last = self._paths[name]
        for step in parents:
            record = record[step]
        record[last] = value


PLAIN_RECORDS = RecordShape()
_MISSING = object()


class Reading(NamedTuple):
    """How documents are read: the largest file or record read, and where a record keeps its fields."""

    max_bytes: int = DEFAULT_MAX_BYTES
    shape: RecordShape = PLAIN_RECORDS


def _meta(record: dict, shape: RecordShape = PLAIN_RECORDS) -> dict[str, str]:
    texts = ((k, _field_text(shape.get(record, k))) for k in META_FIELDS)
    return {k: without_surrogates(text)[0] for k, text in texts if text}


def _field_text(value: object) -> str:
    """A metadata value as text: a list of names (``_misfit_field`` lets one through where
    ``NAME_LISTS`` says) joined by commas, the blank ones left out; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(name.strip() for name in value if name.strip())
    return str(value)


def _misfit_field(record: dict, shape: RecordShape = PLAIN_RECORDS) -> str | None:
    """The first metadata field holding neither a string nor a number (a list, an object, true), as
    ``'`outlet` must be a string, not list'``: turned into a string it would name an outlet or a date
    no page gave. A byline may be a list of strings (``NAME_LISTS``)."""
    for k in META_FIELDS:
        value = shape.get(record, k)
        if value is None or _is_scalar(value) or (k in NAME_LISTS and _is_names(value)):
            continue
        expected = "a string or a list of strings" if k in NAME_LISTS else "a string"
        return f"`{shape.keys[k]}` must be {expected}, not {type(value).__name__}"
    return None


def _is_scalar(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _is_names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(name, str) for name in value)


def read_text_file(path: Path, doc_id: str, max_bytes: int) -> Iterator[Item]:
    meta, sidecar_error = read_sidecar(path)
    if sidecar_error:
        yield sidecar_error
    try:
        text, notes = decode(_read_capped(path, max_bytes))
    except (OSError, Unreadable) as exc:
        yield ReadError(path=shown(path), message=_reason(exc))
        return
    yield Document(id=doc_id, path=shown(path), text=normalise_newlines(text), meta=meta, notes=notes)


def _regular_file(path: Path) -> os.stat_result:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise Unreadable("not a regular file; skipped")
    return info


def _read_capped(path: Path, max_bytes: int) -> bytes:
    info = _regular_file(path)
    if info.st_size > max_bytes:
        raise Unreadable(f"file is {info.st_size} bytes, over the max_bytes limit of {max_bytes}; skipped")
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) > max_bytes:  # it grew since we looked
        raise Unreadable(f"file is over the max_bytes limit of {max_bytes} bytes; skipped")
    return data


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)


def read_jsonl_file(path: Path, doc_id: str, reading: Reading, part: ByteRange | None = None,
                    readers: PartReaders | None = None) -> Iterator[Item]:
    """The records of a JSONL file (decompressed where its name ends in ``.gz`` or ``.zst``) or of
    standard input (where its first bytes say so); of a file's ``part`` alone where one is given
    (``jsonl_lines``)."""
    where = shown(path)
    for line in jsonl_lines(path, reading.max_bytes, part, readers):
        if isinstance(line, ReadError):
            yield line
            continue
        number, raw = line
        if raw is None:
            yield ReadError(path=where, line=number, message=over_max_bytes(reading.max_bytes, "skipped"))
        elif raw.strip():
            yield _record(raw, where, doc_id, number, reading.shape)


def jsonl_lines(path: Path, max_bytes: int, part: ByteRange | None = None,
                readers: PartReaders | None = None) -> Iterator[tuple[int, bytes | None] | ReadError]:
    """The numbered lines of a JSONL file or of standard input, as ``read_jsonl_file`` reads them (a
    line over ``max_bytes`` comes out as None); where the file breaks (cut short, corrupt, unreadable)
    a last ``ReadError`` names the line it broke at. ``clean`` reads its copies' lines here too.
    With a ``part`` (``parts.parts_of``), the lines that start inside it, numbered as in the whole
    file; a compressed file's parts are read on from one to the next where ``readers`` keeps it open."""
    number, codec, compressed = 0, None, None
    try:
        codec = None if path == STDIN else codec_of_name(path.name)
        if part is not None and codec is not None:
            compressed = readers.of(_version_of(path, max_bytes), lambda: _opened(path), codec) if readers else \
                CompressedParts(lambda: _opened(path), codec)
            try:
                for number, raw in compressed.lines(part, max_bytes):
                    yield number, raw
            finally:
                if readers is None:
                    compressed.close()
            return
        with _jsonl_handle(path) as raw_handle:
            if part is not None:
                for number, raw in plain_part_lines(raw_handle, max_bytes, part):
                    yield number, raw
                return
            if path == STDIN:
                raw_handle, codec = sniffed(raw_handle)
            for number, raw in numbered_lines(decompressing(raw_handle, codec), max_bytes):
                yield number, raw
    except DATA_ERRORS as exc:
        broke_at = (compressed.ended if compressed else number) + 1
        yield ReadError(path=shown(path), line=broke_at, message=f"{codec} data cut short or corrupt: {exc}")
    except MissingCodec as exc:
        yield ReadError(path=shown(path), message=str(exc))
    except (OSError, Unreadable) as exc:
        yield ReadError(path=shown(path), line=number + 1 if number else None, message=_reason(exc))


def _version_of(path: Path, max_bytes: int) -> tuple:
    """What a file kept open for its next part must still be: the same file, unchanged, read under the
    same limit (a Ray worker keeps one from one run's task to another's)."""
    info = path.stat()
    return str(path), info.st_size, info.st_mtime_ns, max_bytes


def _opened(path: Path) -> BinaryIO:
    """A JSONL file's bytes, opened only where it is a regular file."""
    _regular_file(path)
    return open(path, "rb", buffering=JSONL_BUFFER_BYTES)


def over_max_bytes(max_bytes: int, fate: str) -> str:
    return f"record is over the max_bytes limit of {max_bytes} bytes; {fate}"


class NotARecord(ValueError):
    """A JSONL line that holds no record: not JSON, not an object, without a string ``text``, or with
    a metadata field of the wrong type."""


def _record(raw: bytes, path: str, doc_id: str, number: int, shape: RecordShape) -> Item:
    """The document on line ``number`` of the JSONL file shown as ``path``, or why there is none."""
    try:
        record = parse_record(raw, shape)
    except NotARecord as exc:
        return ReadError(path=path, line=number, message=str(exc))
    return record_document(record, path, doc_id, number, shape)


def parse_record(raw: bytes, shape: RecordShape = PLAIN_RECORDS) -> dict:
    """A JSONL line's record: a JSON object with a string text where ``shape`` says (``NotARecord``
    says why it is none)."""
    try:
        record = _parsed(raw)
    except UnicodeDecodeError as exc:
        raise NotARecord(f"not valid UTF-8 (byte {exc.start} of the line)") from None
    except json.JSONDecodeError as exc:
        raise NotARecord(f"malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise NotARecord(f"malformed JSON: {TOO_DEEP}") from None
    if not isinstance(record, dict):
        raise NotARecord("a record must be a JSON object")
    text = shape.get(record, "text", _MISSING)
    if text is _MISSING:
        raise NotARecord(f"record has no `{shape.keys['text']}` ({_keys_hint(record)}; --record-field text=KEY names "
                         "the text's key)")
    if not isinstance(text, str):
        raise NotARecord(f"record `{shape.keys['text']}` must be a string, not {type(text).__name__}")
    if misfit := _misfit_field(record, shape):
        raise NotARecord(f"record {misfit}")
    return record


def _keys_hint(record: dict, shown_keys: int = 6) -> str:
    """The record's first keys, for a record whose text is not where the run looks for it."""
    keys = [f"`{k}`" for k in list(record)[:shown_keys]] + (["..."] if len(record) > shown_keys else [])
    return f"its keys: {', '.join(keys)}" if keys else "it is empty"


def record_document(record: dict, path: str, doc_id: str, number: int, shape: RecordShape = PLAIN_RECORDS) -> Document:
    """The document a record (``parse_record``) on line ``number`` holds: ``check`` and ``clean`` read
    it alike, so a cleaned record is the one checked. Lone surrogates become U+FFFD, noted."""
    text, replaced = without_surrogates(shape.get(record, "text"))
    notes = [f"{replaced} lone surrogate code point(s) escaped in the JSON record replaced with U+FFFD"] if replaced else []
    rid = shape.get(record, "id")
    ident = without_surrogates(str(rid))[0] if rid not in (None, "") else f"{doc_id}#{number}"
    return Document(id=ident, path=path, text=normalise_newlines(text), meta=_meta(record, shape), notes=notes,
                    line=number)


def _parsed(raw: bytes) -> object:
    """A JSONL line's value: by pydantic's JSON parser (a third faster than ``json.loads``, and a run
    with the template pre-pass parses every record twice), or, where it refuses the line, by
    ``json.loads``, whose value or error is the answer: it reads a byte-order mark and lone surrogates
    (escaped in JSON), which pydantic's parser refuses, and its errors are the ones reported."""
    if not raw.startswith(codecs.BOM_UTF8):
        with suppress(ValueError):
            return from_json(raw)
    return json.loads(raw.decode("utf-8-sig"))


def read_documents(paths: Iterable[Path], reading: Reading = Reading()) -> Iterator[Item]:
    """Every document under ``paths``, streamed; unreadable ones come out as ``ReadError``."""
    for found in discover(paths):
        if isinstance(found, ReadError):
            yield found
            continue
        yield from read_path(*found, reading)


def read_documents_naming_empty_paths(paths: Iterable[Path], reading: Reading = Reading()) -> Iterator[Item]:
    """``read_documents``, with a ``ReadError`` for each PATH under which nothing at all was found (no
    document, no file that could not be read; an empty standard input): a run pointed at the wrong
    folder, or fed nothing, would otherwise pass without checking anything."""
    return _naming_empty_paths(paths, lambda found: read_path(*found, reading))


def nothing_found(path: str) -> ReadError:
    """The error naming a PATH under which nothing was found: a run pointed at the wrong folder fails."""
    return ReadError(path=path, message=NO_DOCUMENTS)


def discover_naming_empty_paths(paths: Iterable[Path]) -> Iterator[Found]:
    """``discover``, with a ``ReadError`` for each PATH holding no document file (``clean``'s reading)."""
    return _naming_empty_paths(paths, lambda found: [found])


def _naming_empty_paths(paths: Iterable[Path], items_of: Callable[[tuple[Path, str]], Iterable[T]]) -> Iterator[T | ReadError]:
    """``items_of`` each file found, PATH by PATH, and a ``ReadError`` after each PATH that gave nothing;
    a PATH whose files were all found under an earlier one (``check a a``) gave them there."""
    for root, found in discovered_by_path(list(paths)):
        gave = False
        for item in found:
            if item is None:
                gave = True
                continue
            for out in [item] if isinstance(item, ReadError) else items_of(item):
                gave = True
                yield out
        if not gave:
            yield nothing_found(shown(root))


SHARED_ID_WARNINGS = 10  # warnings a run prints for documents whose id was seen before; the rest are counted
# Ids a run remembers (about 250 bytes each, with where each came from): a repeat of one of the first
# this many is always named, and memory stays flat however large the corpus (a million would hold 250 MB).
SHARED_ID_MEMORY = 100_000


class SharedIds:
    """The ids of a run's documents, each with where it was first seen. Files' ids never repeat
    (``discover``), but a JSON Lines record carries the id it was given, and two may share one:
    both are checked and reported as they are, since a report's id is the record's own key, and
    each later one is named on standard error beside the first, as baselines, ``show FILE#ID``,
    SARIF's logical locations and the quote index cannot tell them apart. The first ``limit`` ids are
    remembered with their sources; later ones are compared with those alone, so memory stays flat."""

    def __init__(self, limit: int = SHARED_ID_MEMORY) -> None:
        self.first: dict[str, tuple[str, int | None]] = {}
        self.shared, self.limit = 0, limit

    def see(self, doc_id: str, path: str, line: int | None = None) -> None:
        first = self.first.get(doc_id)
        if first is None:
            if len(self.first) < self.limit:
                self.first[doc_id] = (path, line)
            return
        self.shared += 1
        if self.shared <= SHARED_ID_WARNINGS:
            print(f"provenance: warning: {_where(path, line)}: id {doc_id!r} is also the id of {_where(*first)} "
                  "(both are checked; give each record an id of its own)", file=sys.stderr)

    def finish(self) -> None:
        if self.shared > SHARED_ID_WARNINGS:
            print(f"provenance: warning: {self.shared - SHARED_ID_WARNINGS} more documents have an id an earlier one has",
                  file=sys.stderr)


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def warning_of_shared_ids(items: Iterable[Item]) -> Iterator[Item]:
    """``items`` as they come, each document whose id an earlier one has named on standard error (``SharedIds``)."""
    ids = SharedIds()
    for item in items:
        if isinstance(item, Document):
            ids.see(item.id, item.path, item.line)
        yield item
    ids.finish()


def names_records(path: str) -> bool:
    """Whether a report's ``path`` names JSON Lines records (a ``.jsonl`` file, standard input), whose
    lines are not the file's: a renderer then points at the file, never at a line of it."""
    return path == shown(STDIN) or path.lower().endswith(JSONL_SUFFIXES)


def is_jsonl_file(path: Path) -> bool:
    """Whether ``path`` is read as JSON Lines records (by its name, or standard input), as ``names_records``
    tells of a report's path."""
    return names_records(shown(path))


def open_bytes(path: Path) -> BinaryIO:
    """A file's bytes, decompressed where its name ends in ``.gz`` or ``.zst`` (any case): a JSONL file,
    a shard's reports, a compressed output read back. A corrupt stream shows on reading, as one of
    ``compression.DATA_ERRORS``."""
    return open_decompressed(path, codec_of_name(path.name))


def read_path(path: Path, doc_id: str, reading: Reading, part: ByteRange | None = None,
              readers: PartReaders | None = None) -> Iterator[Item]:
    """The documents of one file ``discover`` found: a JSONL file's records (standard input's too;
    those of its ``part`` alone where one is given), else the text file's one document."""
    if part is not None:
        return read_jsonl_file(path, doc_id, reading, part, readers)
    if is_jsonl_file(path):
        return read_jsonl_file(path, doc_id, reading)
    return read_text_file(path, doc_id, reading.max_bytes)


def splits_into_parts(path: Path) -> bool:
    """Whether a file can be read in parts (``parts.ByteRange``): a JSONL file, plain or compressed,
    not standard input."""
    return path != STDIN and path.name.lower().endswith(JSONL_SUFFIXES)
