"""The rules cache: a run whose rule files have not changed skips reading and validating them.

Reading the rule files, validating them and compiling every pattern once to report rule errors
takes a fifth of a second, a third of a small run's start-up. The validated ``RuleSet`` is
pure data, so it is pickled into the cache folder, keyed by every rule file's path and bytes, the
enabled and disabled rule ids, the tool version, the package's own sources and the Python version.
A file that is missing, stale, unreadable or corrupt is ignored and rebuilt; a rule set with errors
is never stored, so rule errors are always found and reported by ``load_rules`` itself. The versions
of ``regex`` and ``pydantic`` are part of the key too: the pickle holds their objects, and ``regex``
restores a pattern from its compiled code, which another version may read differently.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path

import pydantic
import regex

from provenance.atomic import OutputError, open_atomic
from provenance.cache import code_digest
from provenance.paths import shipped_rules_dir
from provenance.rulepack import RuleSet, load_rules, pack_files

RULES_CACHE_FILE = "rules.pickle"


def rules_key(dirs: list[Path], disabled: Iterable[str], enabled_only: Iterable[str]) -> str | None:
    """Everything a rule set is built from; ``None`` when a folder or file cannot be read (the
    loader must see it and report it)."""
    hasher = hashlib.sha256(f"{code_digest()}\0{sys.version}\0{regex.__version__}\0{pydantic.VERSION}\0".encode())
    hasher.update(repr((sorted(set(disabled)), sorted(set(enabled_only)))).encode())
    for directory in dirs:
        if not directory.is_dir():
            return None
        hasher.update(b"\1" + str(directory).encode())
        for path in pack_files(directory):
            try:
                data = path.read_bytes()
            except OSError:
                return None
            hasher.update(b"\0" + str(path).encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def _read_cached(file: Path, key: str) -> RuleSet | None:
    """The rule set stored under ``key``, or ``None`` for a missing, stale or unreadable file."""
    try:
        stored_key, rules = pickle.loads(file.read_bytes())
    except Exception:  # any damage to the file means: build the rules again
        return None
    return rules if stored_key == key and isinstance(rules, RuleSet) else None


def _store(file: Path, key: str, rules: RuleSet) -> None:
    """Write atomically, so a concurrent run reads the old file or the new one, never half of one."""
    try:
        with open_atomic(file, binary=True) as handle:
            pickle.dump((key, rules), handle, protocol=pickle.HIGHEST_PROTOCOL)
    except (OutputError, pickle.PicklingError):
        pass  # a cache that cannot be written only costs the next run the time to rebuild


def load_rules_cached(
    folder: Path | None,
    extra_dirs: Iterable[Path] = (),
    disabled: Iterable[str] = (),
    enabled_only: Iterable[str] = (),
) -> RuleSet:
    """``load_rules`` answered from ``folder`` when the rules have not changed (no cache with ``None``)."""
    extra_dirs, disabled, enabled_only = [Path(d) for d in extra_dirs], list(disabled), list(enabled_only)
    key = rules_key([shipped_rules_dir(), *extra_dirs], disabled, enabled_only) if folder else None
    file = folder / RULES_CACHE_FILE if folder else None
    cached = _read_cached(file, key) if key else None
    if cached is not None:
        return cached
    rules = load_rules(extra_dirs=extra_dirs, disabled=disabled, enabled_only=enabled_only)
    if key:
        _store(file, key, rules)
    return rules
