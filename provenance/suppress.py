"""Suppressions: the settings' ``ignore`` list turns rules off for chosen paths, without editing the
corpus, and every entry must say why.

A suppressed rule does not run on a matching document (as with ``--disable``), so its scores are
reached without it. Each report lists the suppressions that apply to it and how many findings each
removed, so a run can name the entries that never removed anything.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from provenance.config import Settings, Suppression
from provenance.document import Document
from provenance.report import DocumentReport, Suppressed
from provenance.rulepack import RuleSet

Check = Callable[[Document, RuleSet, Settings], DocumentReport]


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern:
    """``**`` spans folders, ``*`` and ``?`` stay within one; a pattern also covers what lies under it."""
    out = []
    for part in re.split(r"(\*\*/?|\*|\?)", pattern.strip("/")):
        if part.startswith("**"):
            out.append("(?:.*/)?" if part.endswith("/") else ".*")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + "(?:/.*)?")


def _relative(path: str, settings: Settings) -> str | None:
    """``path`` relative to the settings file's folder, or None when it lies outside."""
    if not settings.source:
        return None
    try:
        return Path(path).resolve().relative_to(Path(settings.source).resolve().parent).as_posix()
    except ValueError:
        return None


def matching(path: str, settings: Settings) -> list[Suppression]:
    where = _relative(path, settings)
    if where is None:
        return []
    return [entry for entry in settings.ignore if _glob(entry.path).fullmatch(where)]


def without(rules: RuleSet, rule_ids: frozenset[str]) -> RuleSet:
    """``rules`` minus ``rule_ids``, built once per set of ids."""
    def build(full: RuleSet) -> RuleSet:
        return dataclasses.replace(
            full, signatures=[s for s in full.signatures if s.rule.id not in rule_ids],
            detectors=[d for d in full.detectors if d.id not in rule_ids], _memo={},
        )
    return rules.memo("without:" + ",".join(sorted(rule_ids)), build)


def apply(doc: Document, report: DocumentReport, rules: RuleSet, settings: Settings, check: Check) -> DocumentReport:
    """``report`` of ``doc``, re-checked without the rules suppressed on its path when they fired."""
    entries = matching(doc.path, settings)
    if not entries:
        return report
    counts = Counter(f.rule for f in report.findings)
    notes = [Suppressed(path=e.path, rules=e.rules, reason=e.reason, findings=sum(counts[r] for r in e.rules))
             for e in entries]
    fired = frozenset(r for e in entries for r in e.rules if counts[r])
    if fired:
        report = check(doc, without(rules, fired), settings)
    return report.model_copy(update={"suppressed": notes})


def unknown_rules(settings: Settings, known: Iterable[str]) -> list[str]:
    """``ignore[N].rules: RULE`` for every suppressed rule id that no loaded rule has."""
    known = set(known)
    return [f"ignore[{i}].rules: unknown rule {rule}" for i, entry in enumerate(settings.ignore)
            for rule in entry.rules if rule not in known]


class UsageTracker:
    """Counts, over a run, what each ignore entry removed and whether it met any document."""

    def __init__(self, settings: Settings):
        self.entries = settings.ignore
        self.removed: Counter = Counter()
        self.met: set[int] = set()

    def observe(self, report: DocumentReport) -> None:
        for note in report.suppressed:
            index = next(i for i, e in enumerate(self.entries)
                         if (e.path, e.rules, e.reason) == (note.path, note.rules, note.reason))
            self.met.add(index)
            self.removed[index] += note.findings

    def unused(self, complete: bool) -> list[str]:
        """Entries that removed nothing: all of them after a complete run, else those that met a document."""
        return [f"ignore[{i}] (path {e.path!r}, rules {', '.join(e.rules)}): "
                + ("removed no finding" if i in self.met else "matched no document")
                for i, e in enumerate(self.entries)
                if not self.removed[i] and (complete or i in self.met)]
