"""``--since REV``: check only the documents added or changed since a git revision.

A document counts as changed when it (or its ``.meta.json`` sidecar) differs from REV in the working
tree, whether the change is committed, staged or not, or when it is untracked and not ignored. Git
is asked with ``git diff`` and ``git ls-files``; nothing is checked out or written. Documents keep
the ids they have in a full run, because the folders are still walked from the given roots.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from provenance.config import UsageError
from provenance.sources import Item, Reading, discover, read_documents_naming_empty_paths, read_path, sidecar_of


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                              errors="surrogateescape")
    except FileNotFoundError:
        raise UsageError("--since needs git, which is not installed") from None
    if done.returncode != 0:
        raise UsageError(f"--since: git {' '.join(args[:2])} failed in {cwd}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def _folder(path: Path) -> Path:
    here = path.resolve()
    while not here.is_dir():
        here = here.parent
    return here


def repository_root(path: Path) -> Path:
    folder = _folder(path)
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], folder).strip()).resolve()
    except UsageError:
        raise UsageError(f"--since: {path} is not inside a git repository") from None


def _paths(output: str, root: Path) -> set[Path]:
    return {(root / name).resolve() for name in output.split("\0") if name}


def changed_files(paths: Iterable[Path], rev: str) -> set[Path]:
    """Resolved paths of the files added or changed since ``rev`` in the repositories holding ``paths``."""
    changed: set[Path] = set()
    for root in {repository_root(p) for p in paths}:
        base = _base(rev, root)
        changed |= _paths(_git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "--"], root), root)
        changed |= _paths(_git(["ls-files", "--others", "--exclude-standard", "-z"], root), root)
    return changed


def _base(rev: str, root: Path) -> str:
    """What to compare the work tree with: the commit ``rev`` names; or, for the all-zero id (GitHub's
    ``before`` on a branch's first push) and the empty tree's id, the empty tree, before which every
    document is new (a repository's first commit has no parent to name)."""
    empty = _git(["hash-object", "-t", "tree", os.devnull], root).strip()
    if rev == empty or (len(rev) == len(empty) and set(rev) == {"0"}):
        return empty
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    except UsageError:
        raise UsageError(f"--since: {rev!r} is not a commit in {root}") from None
    return rev


def documents_since(paths: list[Path], rev: str, reading: Reading) -> Iterator[Item]:
    """The documents under ``paths`` that changed since ``rev``, with the ids a full run gives them.
    Git is asked at once, so a bad revision is reported before any output."""
    return _changed_documents(paths, changed_files(paths, rev), reading)


def _changed_documents(paths: list[Path], changed: set[Path], reading: Reading) -> Iterator[Item]:
    for found in discover(paths):
        if not isinstance(found, tuple):
            yield found
            continue
        path, doc_id = found
        if path.resolve() in changed or sidecar_of(path).resolve() in changed:
            yield from read_path(path, doc_id, reading)


def select_documents(paths: list[Path], since: str | None, reading: Reading) -> Iterator[Item]:
    """Every document under ``paths``, a PATH holding none being an error; or with ``since`` only those
    changed since that revision, where finding none is the ordinary outcome of a change elsewhere."""
    if since is None:
        return read_documents_naming_empty_paths(paths, reading)
    return documents_since(paths, since, reading)
