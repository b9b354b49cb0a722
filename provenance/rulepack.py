"""Loading rule packs: TOML files checked against the rule-pack schema, then built into a RuleSet.

A pack may also be a JSON file holding the same tables: what a script writes (the generated outlet
packs), read twenty times faster than TOML. Problems are collected, not raised one at a time, so a
rule author sees every broken key at once, each as ``FILE: KEY: PROBLEM``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import regex
from pydantic import ValidationError

from provenance.matcher import CompiledSignature, PatternError, compile_signature, pattern_problem
from provenance.paths import schemas_dir, shipped_rules_dir
from provenance.rulemodels import Detector, DomainRating, Lexicon, OutletProfile, RulePack, Signature
from provenance.sources import TOO_DEEP

if TYPE_CHECKING:  # imported where a pack breaks the models: a run with sound packs never needs it
    import jsonschema

RULE_PACK_SCHEMA = "rule-pack.schema.json"
PACK_SUFFIXES = (".toml", ".json")
_PROCESS_ONLY = ("_memo", "_kept", "_restore", "_detectors_by_name")  # a RuleSet's own, never pickled


class RuleLoadError(Exception):
    """Rule packs that cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class RuleSet:
    """Every rule of a run, compiled once."""

    signatures: list[CompiledSignature] = field(default_factory=list)
    detectors: list[Detector] = field(default_factory=list)
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    outlets: list[OutletProfile] = field(default_factory=list)
    ratings: list[DomainRating] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    digest: str = ""
    _memo: dict[str, object] = field(default_factory=dict, repr=False)
    _kept: set[str] = field(default_factory=set, repr=False)  # memo keys the rules cache keeps
    _restore: Callable[[], dict[str, object]] | None = field(default=None, repr=False)

    def memo(self, key: str, build, kept: bool = False):
        """Structures an analyzer derives from the rules, built once per rule set. A ``kept`` one is
        a function of the rules alone, whatever the process (the accelerator, the environment): the
        rules cache keeps it with them (``rulecache``), and a rule set read from the cache takes
        those it kept the first time one is asked for, instead of building them."""
        if key not in self._memo:
            if self._restore is not None:
                restored, self._restore = self._restore(), None
                self._memo.update(restored)
                self._kept.update(restored)
                if key in self._memo:
                    return self._memo[key]
            self._memo[key] = build(self)
            if kept:
                self._kept.add(key)
        return self._memo[key]

    def kept_structures(self) -> dict[str, object]:
        """The kept structures built so far (``memo``), by key."""
        return {key: self._memo[key] for key in sorted(self._kept)}

    def restore_with(self, restore: Callable[[], dict[str, object]]) -> None:
        """``restore`` gives the kept structures when the first structure is asked for (``memo``)."""
        self._restore = restore

    def __getstate__(self) -> dict:
        """The rules without what a process derives from them: the structures go into the rules
        cache apart (``rulecache``), and some of them do not pickle."""
        return {k: v for k, v in self.__dict__.items() if k not in _PROCESS_ONLY}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _memo={}, _kept=set(), _restore=None)

    def signatures_for(self, dimension: str) -> list[CompiledSignature]:
        return [s for s in self.signatures if s.rule.dimension == dimension]

    def detectors_named(self, detector: str) -> list[Detector]:
        """The rules of one detector, from an index built once: analyzers ask a dozen times a document."""
        return list(self._detectors_by_name.get(detector, ()))

    @cached_property
    def _detectors_by_name(self) -> dict[str, tuple[Detector, ...]]:
        index: dict[str, list[Detector]] = {}
        for rule in self.detectors:
            index.setdefault(rule.detector, []).append(rule)
        return {name: tuple(found) for name, found in index.items()}

    def lexicon(self, name: str) -> list[str]:
        lex = self.lexicons.get(name)
        return list(lex.words) if lex else []

    def rule(self, rule_id: str) -> Signature | Detector | Lexicon | None:
        for sig in self.signatures:
            if sig.rule.id == rule_id:
                return sig.rule
        for rule in [*self.detectors, *self.lexicons.values()]:
            if rule.id == rule_id:
                return rule
        return None

    def all_rules(self) -> list[Signature | Detector | Lexicon]:
        rules = [s.rule for s in self.signatures] + self.detectors + list(self.lexicons.values())
        return sorted(rules, key=lambda r: r.id)


def rules_in_force(rules: RuleSet) -> list[str]:
    """The ids of the rules a run with ``rules`` runs, in order."""
    return [rule.id for rule in rules.all_rules()]


@lru_cache(maxsize=1)
def _pack_validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads((schemas_dir() / RULE_PACK_SCHEMA).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _where(data: dict, path: Iterable) -> str:
    """``signature[3] (RS101).pattern``: a schema error path a rule author can find in the file."""
    parts: list[str] = []
    node = data
    for key in path:
        if isinstance(key, int):
            rule_id = node[key].get("id") if isinstance(node, list) and isinstance(node[key], dict) else None
            parts[-1] += f"[{key}]" + (f" ({rule_id})" if rule_id else "")
        else:
            parts.append(str(key))
        node = node[key] if isinstance(node, (dict, list)) else node
    return ".".join(parts) or "(top level)"


def _parse(path: Path) -> object:
    """What one pack file holds, read as TOML or (by its suffix) JSON."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else tomllib.loads(text)


def read_pack(path: Path) -> tuple[RulePack | None, list[str]]:
    """Parse and validate one pack file; returns the pack or the problems found."""
    try:
        data = _parse(path)
    except OSError as exc:
        return None, [f"{path}: cannot read: {exc.strerror or exc}"]
    except UnicodeDecodeError as exc:
        return None, [f"{path}: cannot read: not valid UTF-8 (byte {exc.start})"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{path}: malformed TOML: {exc}"]
    except json.JSONDecodeError as exc:
        return None, [f"{path}: malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
    except RecursionError:
        return None, [f"{path}: malformed {'JSON' if path.suffix == '.json' else 'TOML'}: {TOO_DEEP}"]
    if not isinstance(data, dict):
        return None, [f"{path}: malformed JSON: a pack is one object, with the tables as its keys"]
    try:  # a pack that passes the models strictly passes the schema generated from them: skip the slow check
        return RulePack.model_validate(data, strict=True), []
    except ValidationError:
        pass
    errors = _schema_errors(data)
    if errors:
        found = [f"{path}: {_where(data, e.absolute_path)}: {e.message}" for e in errors]
        return None, found + _raw_pattern_problems(path, data)
    try:
        return RulePack.model_validate(data), []
    except ValidationError as exc:
        return None, [f"{path}: {_where(data, err['loc'])}: {err['msg']}" for err in exc.errors()]


def _raw_pattern_problems(path: Path, data: dict) -> list[str]:
    """Invalid regexes in a file that also breaks the schema, so its author sees every problem at once."""
    signatures = data.get("signature")
    problems = []
    for index, entry in enumerate(signatures if isinstance(signatures, list) else []):
        patterns = entry.get("patterns") if isinstance(entry, dict) else None
        for number, pattern in enumerate(patterns if isinstance(patterns, list) else []):
            problem = pattern_problem(pattern) if isinstance(pattern, str) else None
            if problem:
                problems.append(f"{path}: {_where(data, ['signature', index, 'patterns', number])}: {problem}")
    return problems


def _schema_errors(data: dict) -> list[jsonschema.ValidationError]:
    """The most telling schema error at each place in the file, in file order."""
    import jsonschema

    by_place: dict[tuple, list[jsonschema.ValidationError]] = {}
    for error in _pack_validator().iter_errors(data):
        by_place.setdefault(tuple(error.absolute_path), []).append(error)
    order = sorted(by_place, key=lambda place: [(isinstance(k, str), k) for k in place])
    return [jsonschema.exceptions.best_match(by_place[place]) for place in order]


def pack_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in PACK_SUFFIXES and p.is_file())


def load_rules(
    extra_dirs: Iterable[Path] = (),
    disabled: Iterable[str] = (),
    enabled_only: Iterable[str] = (),
    include_shipped: bool = True,
) -> RuleSet:
    """Load the shipped packs, then each extra folder; a later rule with the same id replaces an earlier one.

    Every problem in every file is collected before ``RuleLoadError`` is raised, one line each:
    ``FILE: KIND[N] (ID).KEY: PROBLEM``.
    """
    dirs = ([shipped_rules_dir()] if include_shipped else []) + [Path(d) for d in extra_dirs]
    problems: list[str] = []
    chosen: dict[str, tuple[Path, object]] = {}
    outlets: dict[str, tuple[Path, OutletProfile]] = {}
    ratings: list[DomainRating] = []
    hasher = hashlib.sha256()
    for directory in dirs:
        if not directory.is_dir():
            problems.append(f"{directory}: " + ("a file, not a rule folder (--rules names the folder holding packs)"
                                                 if directory.exists() else "rule folder not found"))
            continue
        files = pack_files(directory)
        if not files:
            problems.append(f"{directory}: rule folder holds no rule pack ({', '.join(sorted(PACK_SUFFIXES))} files)")
        seen_here: dict[str, Path] = {}
        for path in files:
            _hash_file(hasher, path)
            pack, found = read_pack(path)
            problems.extend(found)
            if pack is None:
                continue
            for kind, rules in (("signature", pack.signature), ("detector", pack.detector), ("lexicon", pack.lexicon),
                                ("outlet", pack.outlet)):
                for index, rule in enumerate(rules):
                    where = f"{path}: {kind}[{index}] ({rule.id})"
                    if rule.id in seen_here:
                        problems.append(f"{where}.id: duplicate id (also in {seen_here[rule.id]})")
                        continue
                    seen_here[rule.id] = path
                    if kind == "detector":
                        problems.extend(_param_pattern_problems(where, rule))
                        if directory != shipped_rules_dir():  # the shipped rules are the reference
                            problems.extend(_missing_params(where, rule))
                    if kind == "outlet":
                        problems.extend(_outlet_pattern_problems(where, rule))
                        outlets[rule.id] = (path, rule)
                    elif kind == "signature":
                        problems.extend(_on_demand_problems(where, rule))
                        chosen[rule.id] = (path, _compile(where, rule, problems))
                    else:
                        chosen[rule.id] = (path, rule)
            ratings.extend(pack.rating)
    rules = _build(chosen, outlets, set(disabled), set(enabled_only))
    rules.ratings = ratings
    problems.extend(_cross_rule_problems(rules))
    if problems:
        raise RuleLoadError(problems)
    rules.digest = hasher.hexdigest()[:16]
    return rules


def _cross_rule_problems(rules: RuleSet) -> list[str]:
    """What one rule asks of others: the fact signatures reading the lines the outlet rule counts
    facts in (imported here: the analyzer imports this module)."""
    from provenance.analyzers.provenance import fact_region_problems

    return fact_region_problems(rules)


@lru_cache(maxsize=1)
def _shipped_detector_params() -> dict[str, frozenset[str]]:
    """The params every shipped rule of each detector sets: what a user's rule of that detector needs too."""
    needed: dict[str, frozenset[str]] = {}
    for path in pack_files(shipped_rules_dir()):
        pack, _ = read_pack(path)
        for rule in pack.detector if pack else ():
            keys = frozenset(rule.params)
            needed[rule.detector] = needed.get(rule.detector, keys) & keys
    return needed


def _missing_params(where: str, rule: Detector) -> list[str]:
    missing = sorted(_shipped_detector_params().get(rule.detector, frozenset()) - rule.params.keys())
    if not missing:
        return []
    return [f"{where}.params: missing {', '.join(missing)} (every '{rule.detector}' rule sets them)"]


def _param_pattern_problems(where: str, rule: Detector) -> list[str]:
    """A ``*_pattern`` param that does not compile is a rule error now, not a crash on the first document."""
    found = []
    for key, value in sorted(rule.params.items()):
        if key.endswith("_pattern"):
            for source in [value] if isinstance(value, str) else value:
                problem = pattern_problem(str(source), flags=0)
                if problem:
                    found.append(f"{where}.params.{key}: {problem}")
    return found


def _on_demand_problems(where: str, rule: Signature) -> list[str]:
    """A signature found on demand is found only when an analyzer asks for one of its tags, which
    only the provenance analyzer does: anywhere else its hits would silently never be looked for."""
    if not rule.on_demand or (rule.dimension == "provenance" and rule.tags):
        return []
    return [f"{where}.on_demand: only a provenance signature with tags can be found on demand (its hits are "
            f"read by tag)"]


def _hash_file(hasher, path: Path) -> None:
    """Feed a pack file into the rules digest (an unreadable one is reported by ``read_pack``)."""
    try:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
    except OSError:
        pass


def _outlet_pattern_problems(where: str, profile: OutletProfile) -> list[str]:
    """Outlet datelines and credits are regexes too: check they compile before any document needs them."""
    problems = []
    for key in ("datelines", "credits"):
        for index, pattern in enumerate(getattr(profile, key)):
            problem = pattern_problem(pattern, regex.MULTILINE)
            if problem:
                problems.append(f"{where}.{key}[{index}]: {problem}")
    return problems


def _build(chosen, outlets, disabled: set[str], enabled_only: set[str]) -> RuleSet:
    rules = RuleSet()
    for rule_id, (path, compiled) in sorted(chosen.items()):
        if compiled is None:  # a signature that did not compile: already a problem
            continue
        rule = compiled.rule if isinstance(compiled, CompiledSignature) else compiled
        rules.origins[rule_id] = str(path)
        active = rule_id not in disabled and (not enabled_only or rule_id in enabled_only)
        if isinstance(rule, Lexicon):
            rules.lexicons[rule.name] = rule
        elif not (rule.enabled and active):
            continue
        elif isinstance(compiled, CompiledSignature):
            rules.signatures.append(compiled)
        else:
            rules.detectors.append(rule)
    rules.outlets = [profile for _, (_, profile) in sorted(outlets.items())]
    return rules


def _compile(where: str, rule: Signature, problems: list[str]) -> CompiledSignature | None:
    try:
        return compile_signature(rule)
    except PatternError as exc:
        problems.append(f"{where}.{exc.key}: {exc}")
        return None
