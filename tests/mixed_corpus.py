"""A corpus with one file of every kind of broken input a scrape produces, built in a temporary folder.

``GOOD`` names the documents that must be reported (with the text they must read as), ``BAD`` the
files that must be listed as errors (with a word of the reason and the line, where one applies).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

TWIN = "Hello world.\nA second line.\n"

# id -> text the document must read as (None: only that it is reported)
GOOD: dict[str, str | None] = {
    "twin.txt": TWIN,
    "crlf.txt": TWIN,
    "utf8-bom.txt": TWIN,
    "utf16-bom.txt": TWIN,
    "utf16be-bom.txt": TWIN,
    "utf16le-no-bom.txt": TWIN,
    "cp1252.txt": "café au lait\n",
    "empty.txt": "",
    "blank.md": "   \n\n\t\n",
    "long-line.txt": None,
    "with-bad-sidecar.txt": "A document whose sidecar is broken.\n",
    "records.jsonl#1": "first record",
    "records.jsonl#4": "fourth record",
    "cut.jsonl.gz#1": "first record",
}

# path relative to the root -> (a word the message must hold, its line or None)
BAD: dict[str, tuple[str, int | None]] = {
    "binary.txt": ("binary", None),
    "too-big.txt": ("max_bytes", None),
    "records.jsonl:2": ("malformed JSON", 2),
    "records.jsonl:3": ("no `text`", 3),
    "with-bad-sidecar.meta.json": ("sidecar is not valid JSON", 1),
    "loop/back": ("symlink loop", None),
    "locked.txt": ("Permission denied", None),
    "cut.jsonl.gz": ("cut short", 2),
}

MAX_BYTES = 4096


def build(root: Path) -> Path:
    """Write the mixed corpus under ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "twin.txt": TWIN.encode(),
        "crlf.txt": TWIN.replace("\n", "\r\n").encode(),
        "utf8-bom.txt": b"\xef\xbb\xbf" + TWIN.encode(),
        "utf16-bom.txt": TWIN.encode("utf-16"),
        "utf16be-bom.txt": b"\xfe\xff" + TWIN.encode("utf-16-be"),
        "utf16le-no-bom.txt": TWIN.encode("utf-16-le"),
        "cp1252.txt": "café au lait\n".encode("cp1252"),
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01",
        "empty.txt": b"",
        "blank.md": b"   \n\n\t\n",
        "long-line.txt": ("word " * 800).encode() + b"\n",  # long, yet under MAX_BYTES
        "too-big.txt": b"x" * (MAX_BYTES + 1),
        "with-bad-sidecar.txt": b"A document whose sidecar is broken.\n",
        "with-bad-sidecar.meta.json": b'{"url": "https://example.org/a",',
        "records.jsonl": b"\n".join([
            json.dumps({"text": "first record"}).encode(),
            b'{"text": "broken',
            json.dumps({"title": "a record without text"}).encode(),
            json.dumps({"text": "fourth record"}).encode(),
        ]) + b"\n",
        "cut.jsonl.gz": _cut_gzip(),
        "locked.txt": b"Nobody may read this.\n",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "back")
    os.chmod(root / "locked.txt", 0)
    return root


def _cut_gzip() -> bytes:
    """A gzip of a short record then a long one, cut in the middle of the long one."""
    noise = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(100))
    records = [json.dumps({"text": "first record"}), json.dumps({"text": noise})]
    whole = gzip.compress(("\n".join(records) + "\n").encode(), mtime=0)
    return whole[: len(whole) // 2]


def fingerprint(root: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``root`` (links not followed): content hash or link target, mode, modification time."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            info = path.lstat()
            if path.is_symlink():
                digest = "-> " + os.readlink(path)
            elif path.is_dir():
                digest = "dir"
            else:
                digest = _hash_as_owner(path)
            out[path.relative_to(root).as_posix()] = (digest, info.st_mode, info.st_mtime_ns)
    return out


def _hash_as_owner(path: Path) -> str:
    """The content hash, even of a file made unreadable on purpose (its mode is put back)."""
    mode = path.stat().st_mode
    if not os.access(path, os.R_OK):
        os.chmod(path, 0o600)
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        finally:
            os.chmod(path, mode & 0o7777)
    return hashlib.sha256(path.read_bytes()).hexdigest()
