"""The gate: whether each document passes, and why not.

A document fails when its overall score is under the threshold (``--fail-under``), when a dimension
score is under its own threshold (``fail_under.residue`` ...), when a finding of a blocking rule fires
(severity ``error``, or listed in ``block_rules``), or when its outlet carries a blocking flag
(``block_flags``, e.g. state-controlled or deprecated). Rules and flags listed as warnings
(``warn_rules``, ``warn_flags``) are reported and never block, whatever else says so.

With a baseline, a failure the baseline already explains is reported as ``baselined`` and does not
block: a rule's failure when every one of its findings is known, a score's or a flag's failure when
the document's text is known and it has no new problem finding. Each report's ``passed`` and
``gate`` say what the gate decided.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from provenance import suppress
from provenance.config import ConfigError, Settings, UsageError, file_key, parse_score
from provenance.report import DocumentReport, Finding, GateNote, ReadError, doc_blocked
from provenance.rulepack import RuleSet

if TYPE_CHECKING:  # imported where a run has a baseline: most runs never need its models
    from provenance import baseline as baselines

DIMENSIONS = ("provenance", "attribution", "residue")
_RULE, _ACTION = attrgetter("rule"), attrgetter("action")


@dataclass(frozen=True)
class Policy:
    threshold: float
    fail_under: dict[str, float]
    block_rules: frozenset[str] = frozenset()
    block_flags: frozenset[str] = frozenset()
    warn_rules: frozenset[str] = frozenset()
    warn_flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PolicyJudge:
    """The gate's verdict under one policy, as a function of one report alone (``GateRun.detached``):
    picklable, for the workers that lay it where they check, and named by ``digest`` in the result
    cache, which keeps each line as the policy of the run that wrote it judged it."""

    policy: Policy
    digest: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", _policy_digest(self.policy))

    def __call__(self, report: DocumentReport) -> DocumentReport:
        return judge(report, self.policy)


def _policy_digest(policy: Policy) -> bytes:
    """Names ``policy``: equal policies, equal digests (sets and mappings in sorted order)."""
    listed = (policy.block_rules, policy.block_flags, policy.warn_rules, policy.warn_flags)
    fields = [policy.threshold, sorted(policy.fail_under.items()), *(sorted(names) for names in listed)]
    return hashlib.sha256(json.dumps(fields).encode()).digest()


def add_gate_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("gate (flags override settings)")
    for dim in DIMENSIONS:
        group.add_argument(f"--fail-under-{dim}", type=parse_score, metavar="N", dest=f"fail_under_{dim}",
                           help=f"{dim} score a document needs to pass")
    group.add_argument("--block-rule", action="append", default=[], metavar="RULE",
                       help="a finding of this rule fails its document (repeatable)")
    group.add_argument("--block-flag", action="append", default=[], metavar="FLAG",
                       help="an outlet with this flag fails its document, e.g. deprecated (repeatable)")
    group.add_argument("--warn-rule", action="append", default=[], metavar="RULE",
                       help="findings of this rule are warnings that never block (repeatable)")
    group.add_argument("--warn-flag", action="append", default=[], metavar="FLAG",
                       help="report this outlet flag as a warning that never blocks (repeatable)")
    scope = parser.add_argument_group("only additions")
    scope.add_argument("--since", metavar="REV",
                       help="check only documents added or changed since this git revision (incl. staged, "
                            "unstaged and untracked files)")
    written = scope.add_mutually_exclusive_group()
    written.add_argument("--baseline", type=Path, metavar="FILE",
                         help="fail only on findings this baseline does not hold")
    written.add_argument("--write-baseline", type=Path, metavar="FILE",
                         help="record every finding of this run as the baseline (the run then passes)")


def policy_from(settings: Settings, args: argparse.Namespace | None = None) -> Policy:
    """The gate in force: the settings, with the command-line flags (if any) laid over them."""
    fail_under = {d: v for d in DIMENSIONS if (v := getattr(settings.fail_under, d)) is not None}
    for dim in DIMENSIONS:
        if getattr(args, f"fail_under_{dim}", None) is not None:
            fail_under[dim] = getattr(args, f"fail_under_{dim}")

    def listed(key: str) -> frozenset[str]:
        return frozenset([*getattr(settings, key), *_flagged(args, key)])
    return Policy(threshold=settings.threshold, fail_under=fail_under,
                  block_rules=listed("block_rules"), block_flags=listed("block_flags"),
                  warn_rules=listed("warn_rules"), warn_flags=listed("warn_flags"))


# The gate's lists of names, by settings key, and what each names; a flag adds to each (``--block-rule``).
_NAME_LISTS = {"block_rules": "rule", "warn_rules": "rule", "block_flags": "flag", "warn_flags": "flag"}


def _flagged(args: argparse.Namespace | None, key: str) -> list[str]:
    """The names the flag of a settings list (``--block-rule`` for ``block_rules``) gave on the command line."""
    return getattr(args, key.removesuffix("s"), None) or []


def check_names(settings: Settings, args: argparse.Namespace | None, rules: RuleSet) -> None:
    """Rule ids and flags the gate names must exist, so a typo cannot switch a check off unseen. Each
    problem names where the name came from (the settings file and key, or the flag), to be fixed there."""
    known = {"rule": set(rules.origins), "flag": {flag for profile in rules.outlets for flag in profile.flags}}
    problems = [f"{file_key(settings, key)}: {_unknown(kind, name)}" for key, kind in _NAME_LISTS.items()
                for name in getattr(settings, key) if name not in known[kind]]
    problems += [file_key(settings, problem) for problem in suppress.unknown_rules(settings, known["rule"])]
    problems += [f"--{key.removesuffix('s').replace('_', '-')}: {_unknown(kind, name)}"
                 for key, kind in _NAME_LISTS.items() for name in _flagged(args, key) if name not in known[kind]]
    if problems:
        raise ConfigError(*problems)


def _unknown(kind: str, name: str) -> str:
    return f"unknown rule {name}" if kind == "rule" else f"no outlet profile has the flag {name!r}"


def _is_problem(finding: Finding) -> bool:
    return finding.severity != "info" or finding.points < 0


def _score_notes(report: DocumentReport, policy: Policy) -> Iterator[GateNote]:
    scores = report.scores
    if scores.overall < policy.threshold:
        yield GateNote.computed("block", "overall", f"overall {scores.overall:g} is under {policy.threshold:g}")
    for dim, minimum in policy.fail_under.items():
        value = getattr(scores, dim)
        if value is not None and value < minimum:
            yield GateNote.computed("block", dim, f"{dim} {value:g} is under {minimum:g}")


def _rule_action(finding: Finding, policy: Policy, all_known: bool) -> str | None:
    """What the gate does about a rule's findings: warn, block, baselined, or nothing (None)."""
    if finding.rule in policy.warn_rules:
        return "warn"
    if finding.severity == "error" or finding.rule in policy.block_rules:
        return "baselined" if all_known else "block"
    return None


def _some_rule_acts(findings: list[Finding], policy: Policy) -> bool:
    """Whether any rule can draw a note: ``_rule_action`` acts on a rule's first finding only where
    its severity is an error or the policy lists its rule, so a report without such a finding
    (nearly every report) is spared grouping its findings by rule. Severities and rules are read by
    ``attrgetter`` and looked for by ``in`` and ``isdisjoint``, without a generator's step per finding."""
    listed = policy.warn_rules | policy.block_rules
    return doc_blocked(findings) or (bool(listed) and not listed.isdisjoint(map(_RULE, findings)))


def _rule_notes(report: DocumentReport, policy: Policy, known: list[bool]) -> Iterator[GateNote]:
    by_rule: dict[str, list[tuple[Finding, bool]]] = {}
    for finding, is_known in zip(report.findings, known):
        by_rule.setdefault(finding.rule, []).append((finding, is_known))
    for rule, hits in by_rule.items():
        first = hits[0][0]
        action = _rule_action(first, policy, all(k for _, k in hits))
        if action is None:
            continue
        count = f"{len(hits)} finding" + ("s" if len(hits) > 1 else "")
        suffix = " (a warning: never blocks)" if action == "warn" else ""
        yield GateNote.computed(action, "rule", f"rule {rule} ({first.name}): {count}{suffix}", rule, first.line)


def _flag_notes(report: DocumentReport, policy: Policy) -> Iterator[GateNote]:
    if report.outlet is None:
        return
    name = report.outlet.name or report.outlet.domain or "outlet"
    for flag in report.outlet.flags:
        if flag in policy.warn_flags:
            yield GateNote.computed("warn", "flag", f"outlet {name} is flagged {flag}")
        elif flag in policy.block_flags:
            yield GateNote.computed("block", "flag", f"outlet {name} is flagged {flag}")


def judge(report: DocumentReport, policy: Policy, known: list[bool] | None = None,
          known_document: bool = False) -> DocumentReport:
    """``report`` with ``passed`` and ``gate`` set by ``policy``. ``known`` says, per finding, whether a
    baseline holds it (None: no baseline); ``known_document``, whether it holds the document's text.
    Every report of a run is judged: a list saying no finding is known is made only for rule notes,
    and the notes' actions are read by ``attrgetter`` and ``in``."""
    accept_document = (known is not None and known_document
                       and not any(_is_problem(f) and not k for f, k in zip(report.findings, known)))
    notes = [*_score_notes(report, policy), *_flag_notes(report, policy)]
    if accept_document:
        notes = [n.updated(action="baselined") if n.action == "block" else n for n in notes]
    if _some_rule_acts(report.findings, policy):
        notes += _rule_notes(report, policy, known if known is not None else [False] * len(report.findings))
    return report.updated(passed="block" not in map(_ACTION, notes), gate=notes)


class GateRun:
    """The gate over one run of ``provenance check``: judges each report as it streams past, and at
    the end writes the baseline asked for and reports stale baseline entries and unused suppressions."""

    def __init__(self, policy: Policy, settings: Settings, check: baselines.BaselineCheck | None,
                 write_to: Path | None, complete: bool):
        self.policy = policy
        self.baseline = check
        self.write_to = write_to
        self.complete = complete
        self.usage = suppress.UsageTracker(settings)

    def detached(self) -> PolicyJudge | None:
        """The verdict as a function of one report alone, which a worker process can apply where it
        checks: there is one when this run keeps no record of what it judges (no baseline to compare
        or write, no suppression to count); otherwise None."""
        if self.baseline is not None or self.usage.entries:
            return None
        return PolicyJudge(self.policy)

    def judge_all(self, results: Iterable[DocumentReport | ReadError]) -> Iterator[DocumentReport | ReadError]:
        for item in results:
            yield item if isinstance(item, ReadError) else self.judge(item)

    def judge(self, report: DocumentReport) -> DocumentReport:
        self.usage.observe(report)
        if self.baseline is None:
            return judge(report, self.policy)
        known = self.baseline.observe(report)
        return judge(report, self.policy, known, self.baseline.knows_document(report))

    def finish(self, err=None) -> None:
        err = err or sys.stderr
        if self.write_to is not None:
            self.baseline.write(self.write_to)
            b = self.baseline.baseline
            print(f"provenance: baseline written to {self.write_to}: {len(b.findings)} findings in "
                  f"{len(b.documents)} documents", file=err)
        elif self.baseline is not None:
            stale = self.baseline.stale(self.complete)
            if stale:
                print(f"provenance: baseline: {len(stale)} stale entries no longer found "
                      "(refresh with --write-baseline):", file=err)
                for line in _baselines().describe(stale):
                    print(f"  {line}", file=err)
        for line in self.usage.unused(self.complete):
            print(f"provenance: unused suppression {line}", file=err)


def _baselines():
    """The baseline module, imported where a run has a baseline: its models cost every other run
    (nearly all) 2 ms of start-up."""
    from provenance import baseline

    return baseline


def _baseline_check(path: Path | None, recording: bool) -> baselines.BaselineCheck | None:
    """A new baseline to record, the one at ``path``, or None for a run without one."""
    if recording:
        return _baselines().BaselineCheck(_baselines().empty(), recording=True)
    return None if path is None else _baselines().BaselineCheck(_baselines().read_baseline(path))


def gate_run(args: argparse.Namespace, settings: Settings, rules: RuleSet) -> GateRun:
    """The gate for ``provenance check`` from its flags and settings; usage errors raised before any check."""
    policy = policy_from(settings, args)
    check_names(settings, args, rules)
    write_to = getattr(args, "write_baseline", None)
    since = getattr(args, "since", None)
    if write_to is not None and since is not None:
        raise UsageError("--write-baseline records every document: do not combine it with --since")
    path = getattr(args, "baseline", None) or (Path(settings.baseline) if settings.baseline else None)
    check = _baseline_check(path, recording=write_to is not None)
    # Only a run over whole folders, not narrowed by --since, can tell a vanished finding or an
    # unmatched suppression from one that was simply not looked at.
    complete = since is None and all(Path(p).is_dir() for p in getattr(args, "paths", []))
    return GateRun(policy, settings, check, write_to, complete)
