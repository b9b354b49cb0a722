"""``provenance rules list`` and ``provenance rules test [DIR]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from provenance.commands.common import add_rule_options, settings_and_rules
from provenance.paths import shipped_rules_dir
from provenance.rulepack import pack_files, read_pack
from provenance.ruletest import run_examples


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("rules", help="list rules, or run their examples",
                              description="List the rules in force, or run every rule's examples.")
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    lister = sub.add_parser("list", help="list the rules in force", description="List the rules in force.")
    lister.add_argument("--format", choices=("console", "json"), default="console",
                        help="a table, or one JSON object a rule for scripts (default: console)")
    add_rule_options(lister, records=False)
    lister.set_defaults(run=run_list)
    tester = sub.add_parser("test", help="run every rule's match / no_match examples",
                            description="Run every rule's examples; a failing example exits 1.")
    tester.add_argument("dir", nargs="?", type=Path, help="a rule folder to test beside the shipped rules")
    add_rule_options(tester, records=False)
    tester.set_defaults(run=run_test)


def _shown_path(origin: str) -> str:
    """A rule file relative to the shipped rules (``rules/...``) or the working directory when it can be."""
    path = Path(origin).resolve()
    for base, prefix in ((shipped_rules_dir().resolve(), "rules/"), (Path.cwd().resolve(), "")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return origin


_COLUMNS = ("id", "name", "dimension", "kind", "severity", "weight", "file")


def _rows(rules) -> list[dict]:
    return [dict(zip(_COLUMNS, (rule.id, rule.name, rule.dimension, type(rule).__name__.lower(),
                                getattr(rule, "severity", None), getattr(rule, "weight", 0),
                                _shown_path(rules.origins.get(rule.id, "")))))
            for rule in rules.all_rules()]


def run_list(args: argparse.Namespace) -> int:
    _, rules = settings_and_rules(args, Path.cwd())
    rows = _rows(rules)
    if args.format == "json":  # a table piped wraps its cells at 80 columns, past what grep can read
        print(json.dumps({"digest": rules.digest, "outlets": len(rules.outlets), "rules": rows}, indent=1))
        return 0
    from rich.console import Console  # rich is imported by the commands that print with it, not at start-up
    from rich.table import Table

    table = Table(title=f"{len(rows)} rules, {len(rules.outlets)} outlet profiles (digest {rules.digest})")
    for column in _COLUMNS:
        table.add_column(column, **({"no_wrap": True} if column in ("id", "name") else {"overflow": "fold"}))
    for row in rows:
        table.add_row(*(f"{row[c]:g}" if c == "weight" else str(row[c] or "-") for c in _COLUMNS))
    Console().print(table)
    return 0


def _ids_from(directory: Path, rules) -> set[str]:
    """Ids of the rules and outlet profiles that the packs in ``directory`` define."""
    folder = directory.resolve()
    ids = {rule_id for rule_id, origin in rules.origins.items() if Path(origin).resolve().is_relative_to(folder)}
    for path in pack_files(folder):
        pack, _ = read_pack(path)
        if pack is not None:
            ids.update(o.id for o in pack.outlet)
    return ids


def run_test(args: argparse.Namespace) -> int:
    if args.dir:
        args.rules = [*args.rules, str(args.dir)]
    from rich.console import Console
    from rich.text import Text

    _, rules = settings_and_rules(args, Path.cwd())
    console = Console(highlight=False)
    results = list(run_examples(rules, _ids_from(args.dir, rules) if args.dir else None))
    failures = [r for r in results if not r.ok]
    for r in failures:
        want = "should fire on" if r.expected else "should not fire on"
        console.print(Text("FAIL ", style="red") + Text(f"{r.rule} {want}: {r.text[:100]!r}"))
    fired = {r.rule for r in results if r.expected and r.fired}
    silent = sorted({r.rule for r in results} - fired)
    for rule_id in silent:
        console.print(Text("never fires ", style="yellow") + Text(f"{rule_id}: none of its match examples fires"))
    tested = len({r.rule for r in results})
    console.print(f"{tested} rules, {len(results)} examples: {len(results) - len(failures)} passed, "
                  f"{len(failures)} failed, {len(silent)} rules never fire")
    return 1 if failures or silent else 0
