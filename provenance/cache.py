"""The result cache: a CI run re-checks only the documents that changed.

A report depends on the document (its text, id, path and metadata), the rules, the settings, the
code that checks it and, through the corpus template pre-pass, what the other documents tell about its
lines, so the key holds all of them: the document's sha256 with its id, path and metadata, a namespace
made of the rule-set digest, the settings, the tool version and a digest of the package's own source
files (an edited analyzer must never be answered from the cache), and the document's template answers
(``vary``: ``templates.answers_for``). A hit returns the exact JSONL line the check would write.

The cache is one SQLite file (standard library, safe for several processes on one machine), by
default ``$PROVENANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/provenance``, else ``~/.cache/provenance``.
It never lives inside a checked folder: there it is turned off, with a note. Delete the folder to
clear it. Its pages in use stay under a limit (1 GiB unless ``--cache-max-size`` says otherwise): a
corpus of a million documents would otherwise leave gigabytes of reports behind in a home folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from provenance import __version__
from provenance.config import Settings
from provenance.document import Document

CACHE_FILE = "results.sqlite3"
LAYOUT_VERSION = 4  # the file's ``user_version``: its tables' layout
# A new file's page size. A report line is several kilobytes: on SQLite's default 4 KiB pages most
# lines run over into overflow pages, and writing dev-B's 6,703 lines twelve times over took 0.156 s
# against 0.127 on 16 KiB pages (scratch script, medians of two, file closed). Larger pages save no
# more, and the file's smallest size (five pages: schema, two tables, two indexes) is the limit's floor.
PAGE_SIZE = 16 << 10
# The write-ahead log's size at which it is copied into the file. Each copy syncs both files: at
# SQLite's default (1,000 pages of 4 KiB) a 50 MB run synced 51 times and waited 0.36 s for the
# disk, at 64 MB 10 times and 0.08 s. Closing the cache copies the rest and removes the log.
WAL_CHECKPOINT_BYTES = 64 << 20
DEFAULT_MAX_SIZE = 1 << 30
_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
_PACKAGE = Path(__file__).resolve().parent


def default_cache_dir() -> Path:
    explicit = os.environ.get("PROVENANCE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "provenance"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the package's sources (Python, and the C of the accelerator, which is used only
    when built from the source at hand): the code that produced a cached report."""
    hasher = hashlib.sha256(__version__.encode())
    for path in sorted([*_PACKAGE.rglob("*.py"), *_PACKAGE.rglob("*.c")]):
        hasher.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def namespace(rules_digest: str, settings: Settings) -> str:
    """Everything besides the document that a report depends on."""
    relevant = settings.model_dump_json(exclude={"source"})
    return hashlib.sha256(f"{code_digest()}\0{rules_digest}\0{relevant}".encode()).hexdigest()


def inside(folder: Path, roots: Iterable[Path]) -> bool:
    """Whether ``folder`` is one of ``roots`` or lies under one of them."""
    here = folder.resolve()
    for root in roots:
        top = root.resolve()
        if top.is_dir() and (here == top or top in here.parents):
            return True
    return False


class ResultCache:
    """Report lines keyed by document and run; reads and writes in batches, and keeps the file's
    pages in use under ``max_size`` by dropping the lines least recently used. Each line is kept with
    its verdict and the digest of the gate policy that judged it (``gate.PolicyJudge``), empty for a
    line as checked: a run judging by the same policy writes the line as it is, without parsing it.

    A line of several kilobytes is stored in a table with row ids: a table keyed by the line's own
    key without them (as before) stores each row in its key's B-tree and took three times as long to
    write. When each line was last used is kept in a table of its own: marking a line used in the
    lines' table rewrote its page, and a warm run over 50 MB wrote 18 MB to the log to mark its lines.
    A file written by another layout is emptied: none of its keys could match."""

    def __init__(self, folder: Path, space: str, max_size: int = DEFAULT_MAX_SIZE,
                 vary: Callable[[Document], str] | None = None):
        import sqlite3  # here, where a cache is opened: a run without one never loads it

        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self.space, self.vary = space, vary
        self.max_size = max_size
        try:
            self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a file written before keeps its own
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._lay_out()
            self._page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
            self._db.execute(f"PRAGMA wal_autocheckpoint = {max(1, WAL_CHECKPOINT_BYTES // self._page_size)}")
        except sqlite3.Error as exc:  # a damaged or locked file: the caller runs without a cache
            raise OSError(f"{self.path}: {exc}") from exc

    def _lay_out(self) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._db.execute("PRAGMA user_version").fetchone()[0] == LAYOUT_VERSION:
                return
            self._db.execute("DROP TABLE IF EXISTS results")
            self._db.execute("DROP TABLE IF EXISTS uses")
            self._db.execute("CREATE TABLE results (key BLOB NOT NULL UNIQUE, line BLOB NOT NULL, "
                             "passed INTEGER NOT NULL, judged_by BLOB NOT NULL)")
            self._db.execute("CREATE TABLE uses (key BLOB PRIMARY KEY, used INTEGER NOT NULL) WITHOUT ROWID")
            self._db.execute("CREATE INDEX uses_by_use ON uses (used)")
            self._db.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")

    def key(self, doc: Document) -> bytes:
        # Most documents carry neither: ``json.dumps`` with options builds an encoder on every call.
        meta = json.dumps(doc.meta, sort_keys=True, ensure_ascii=False) if doc.meta else "{}"
        notes = json.dumps(doc.notes, ensure_ascii=False) if doc.notes else "[]"
        varies = self.vary(doc) if self.vary is not None else ""
        who = f"{self.space}\0{doc.sha256}\0{doc.id}\0{doc.path}\0{meta}\0{notes}\0{varies}"
        return hashlib.sha256(who.encode("utf-8", "surrogatepass")).digest()

    def get_many(self, keys: list[bytes]) -> dict[bytes, tuple[bytes, bool, bytes]]:
        """The stored line, verdict and judging policy's digest of ``keys`` (those found), each marked as used now."""
        found: dict[bytes, tuple[bytes, bool, bytes]] = {}
        for part, marks in _batches(keys):
            rows = self._db.execute(f"SELECT key, line, passed, judged_by FROM results WHERE key IN ({marks})", part)
            found.update((k, (line, bool(passed), judged_by)) for k, line, passed, judged_by in rows)
        if found:
            self._mark_used(list(found))
        return found

    def put_many(self, entries: list[tuple[bytes, bytes, bool, bytes]]) -> None:
        """Store each (key, line, verdict, judging policy's digest), replacing what the key held."""
        if not entries:
            return
        with self._db:
            self._db.execute("BEGIN")
            now = self._now()
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                                 [(k, line, int(ok), judged_by) for k, line, ok, judged_by in entries])
            self._db.executemany("INSERT OR REPLACE INTO uses VALUES (?, ?)", [(e[0], now) for e in entries])
        self._keep_under_limit()

    def _now(self) -> int:
        """The use mark of this write: one more than any before (inside the write's transaction)."""
        return self._db.execute("SELECT COALESCE(MAX(used), 0) + 1 FROM uses").fetchone()[0]

    def _mark_used(self, keys: list[bytes]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            now = self._now()
            for part, marks in _batches(keys):
                self._db.execute(f"UPDATE uses SET used = ? WHERE key IN ({marks})", [now, *part])

    def size_in_use(self) -> int:
        """Bytes of the file's pages holding data (freed pages are reused by later writes)."""
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        return (pages - free) * self._page_size

    def _keep_under_limit(self) -> None:
        """Past ``max_size``, drop the least recently used lines down to nine tenths of it, so a
        long run writing new lines deletes in a few large steps rather than after every write. The
        pages a deletion frees are told from the rows' share of the file, which the tables' inner
        pages make inexact: it deletes again until the file is under the limit or empty."""
        used = self.size_in_use()
        while used > self.max_size:
            with self._db:
                self._db.execute("BEGIN")
                rows = self._db.execute("SELECT COUNT(*) FROM uses").fetchone()[0]
                if not rows:
                    return
                drop = math.ceil(rows * (used - 0.9 * self.max_size) / used)
                for table in ("results", "uses"):  # the same keys: the order is total
                    self._db.execute(f"DELETE FROM {table} WHERE key IN "
                                     "(SELECT key FROM uses ORDER BY used, key LIMIT ?)", (drop,))
            used = self.size_in_use()

    def close(self) -> None:
        self._db.close()


def _batches(keys: list[bytes]) -> Iterator[tuple[list[bytes], str]]:
    """``keys`` in parts of 500, each with its statement's placeholders (SQLite bounds a statement's
    parameters)."""
    for start in range(0, len(keys), 500):
        part = keys[start:start + 500]
        yield part, ",".join("?" * len(part))


def parse_size(text: str) -> int:
    """``--cache-max-size``'s value: bytes, or a number with K, M or G (binary: 1K = 1024)."""
    number, unit = text.strip().upper().removesuffix("B"), 1
    if number[-1:] in _UNITS:
        number, unit = number[:-1], _UNITS[number[-1]]
    try:
        size = int(float(number) * unit)
    except ValueError:
        size = 0
    if size <= 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (write e.g. 500M or 2G)")
    return size
