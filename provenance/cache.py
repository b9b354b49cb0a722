"""The result cache: a CI run re-checks only the documents that changed.

A report depends on the document (its text, id, path and metadata), the rules, the settings and the
code that checks it, so the key holds all of them: the document's sha256 with its id, path and
metadata, and a namespace made of the rule-set digest, the settings, the tool version and a digest of
the package's own source files (an edited analyzer must never be answered from the cache). A hit
returns the exact JSONL line the check would write.

The cache is one SQLite file (standard library, safe for several processes on one machine), by
default ``$PROVENANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/provenance``, else ``~/.cache/provenance``.
It never lives inside a checked folder: there it is turned off, with a note. Delete the folder to
clear it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from provenance import __version__
from provenance.config import Settings
from provenance.document import Document

CACHE_FILE = "results.sqlite3"
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
    """Report lines keyed by document and run; reads and writes in batches."""

    def __init__(self, folder: Path, space: str):
        import sqlite3  # here, where a cache is opened: a run without one never loads it

        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self.space = space
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, line TEXT NOT NULL, "
                         "passed INTEGER NOT NULL) WITHOUT ROWID")

    def key(self, doc: Document) -> str:
        meta = json.dumps(doc.meta, sort_keys=True, ensure_ascii=False)
        notes = json.dumps(doc.notes, ensure_ascii=False)
        who = f"{self.space}\0{doc.sha256}\0{doc.id}\0{doc.path}\0{meta}\0{notes}"
        return hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, tuple[str, bool]]:
        found: dict[str, tuple[str, bool]] = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, line, passed FROM results WHERE key IN ({marks})", part)
            found.update((k, (line, bool(passed))) for k, line, passed in rows)
        return found

    def put_many(self, entries: list[tuple[str, str, bool]]) -> None:
        if not entries:
            return
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                 [(k, line, int(ok)) for k, line, ok in entries])

    def close(self) -> None:
        self._db.close()
