"""The rules cache: a run whose rule files have not changed skips reading and validating them.

Reading the rule files, validating them and compiling every pattern once to report rule errors
takes a fifth of a second, a third of a small run's start-up. The validated ``RuleSet`` is
pure data, so it is pickled into the cache folder, keyed by every rule file's path and bytes, the
enabled and disabled rule ids, the tool version, the package's own sources and the Python version.
A file that is missing, stale, unreadable or corrupt is ignored and rebuilt; a rule set with errors
is never stored, so rule errors are always found and reported by ``load_rules`` itself. The versions
of ``regex`` and ``pydantic`` are part of the key too: the pickle holds their objects, and ``regex``
restores a pattern from its compiled code, which another version may read differently.

Beside the rules it keeps the structures the analyzers derive from them and mark ``kept`` (the
outlet index, the signature engines: about a third of a second of a small run; ``RuleSet.memo``),
read only when a document is checked: a run the result cache answers in full never needs them. They
are pickled apart, each object of the rule set they hold written as a reference to it (``_parts``),
so they come back holding the rule set's own objects, not copies; RE2's objects are compiled again.
The versions of google-re2 and tldextract, whose answers shape those structures, are in the key.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import pydantic
import re2
import regex

from provenance.atomic import OutputError, open_atomic
from provenance.cache import code_digest
from provenance.paths import shipped_rules_dir
from provenance.prescan import regexp_reduction
from provenance.rulepack import RuleSet, load_rules, pack_files

RULES_CACHE_FILE = "rules.pickle"
KEYED_DISTRIBUTIONS = ("google-re2", "tldextract")


def rules_key(dirs: list[Path], disabled: Iterable[str], enabled_only: Iterable[str]) -> str | None:
    """Everything a rule set is built from; ``None`` when a folder or file cannot be read (the
    loader must see it and report it)."""
    hasher = hashlib.sha256(f"{code_digest()}\0{sys.version}\0{regex.__version__}\0{pydantic.VERSION}\0"
                            f"{_distribution_versions()}\0".encode())
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


def _parts(rules: RuleSet) -> list[object]:
    """The rule set's objects a kept structure may hold, in an order its pickle fixes."""
    signatures = rules.signatures
    return [*signatures, *(s.rule for s in signatures), *(s.regex for s in signatures), *rules.detectors,
            *rules.lexicons.values(), *rules.outlets, *rules.ratings]


class _StructurePickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, parts: list[object]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._part_ids = {id(part): n for n, part in enumerate(parts)}

    def persistent_id(self, obj: object) -> int | None:
        return self._part_ids.get(id(obj))

    def reducer_override(self, obj: object):
        return regexp_reduction(obj) if isinstance(obj, re2._Regexp) else NotImplemented


class _StructureUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, parts: list[object]):
        super().__init__(io.BytesIO(data))
        self._parts = parts

    def persistent_load(self, pid: int) -> object:
        return self._parts[pid]


def _pickled_structures(rules: RuleSet) -> bytes | None:
    """The kept structures pickled, or None when one of them cannot be."""
    buffer = io.BytesIO()
    try:
        _StructurePickler(buffer, _parts(rules)).dump(rules.kept_structures())
    except Exception:  # a structure that does not pickle is built by each run, as before
        return None
    return buffer.getvalue()


def _structures_of(rules: RuleSet, data: bytes) -> Callable[[], dict[str, object]]:
    def restore() -> dict[str, object]:
        try:
            structures = _StructureUnpickler(data, _parts(rules)).load()
        except Exception:  # damaged: the structures are built again
            return {}
        return structures if isinstance(structures, dict) else {}

    return restore


def _distribution_versions() -> str:
    """The versions of the libraries whose answers shape the kept structures: google-re2 decides which
    patterns the engines hand to RE2, tldextract which domains the outlet index holds. Read from
    their metadata (``importlib.metadata``, already imported by pydantic): importing tldextract
    would cost a run the twentieth of a second the kept outlet index spares it."""
    versions = []
    for name in KEYED_DISTRIBUTIONS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return ",".join(versions)


def _read_cached(file: Path, key: str) -> RuleSet | None:
    """The rule set stored under ``key``, or ``None`` for a missing, stale or unreadable file."""
    try:
        stored_key, rules, structures = pickle.loads(file.read_bytes())
    except Exception:  # any damage to the file means: build the rules again
        return None
    if stored_key != key or not isinstance(rules, RuleSet):
        return None
    if isinstance(structures, bytes):
        rules.restore_with(_structures_of(rules, structures))
    return rules


def _store(file: Path, key: str, rules: RuleSet) -> None:
    """Write atomically, so a concurrent run reads the old file or the new one, never half of one."""
    try:
        with open_atomic(file, binary=True) as handle:
            pickle.dump((key, rules, _pickled_structures(rules)), handle, protocol=pickle.HIGHEST_PROTOCOL)
    except (OutputError, pickle.PicklingError):
        pass  # a cache that cannot be written only costs the next run the time to rebuild


def load_rules_cached(
    folder: Path | None,
    extra_dirs: Iterable[Path] = (),
    disabled: Iterable[str] = (),
    enabled_only: Iterable[str] = (),
    derive: Callable[[RuleSet], object] | None = None,
) -> RuleSet:
    """``load_rules`` answered from ``folder`` when the rules have not changed (no cache with ``None``).
    ``derive`` builds the structures the cache keeps with rules it has to read afresh, before they
    are stored."""
    extra_dirs, disabled, enabled_only = [Path(d) for d in extra_dirs], list(disabled), list(enabled_only)
    key = rules_key([shipped_rules_dir(), *extra_dirs], disabled, enabled_only) if folder else None
    file = folder / RULES_CACHE_FILE if folder else None
    cached = _read_cached(file, key) if key else None
    if cached is not None:
        return cached
    rules = load_rules(extra_dirs=extra_dirs, disabled=disabled, enabled_only=enabled_only)
    if key:
        if derive is not None:
            derive(rules)
        _store(file, key, rules)
    return rules
