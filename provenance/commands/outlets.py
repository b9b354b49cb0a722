"""``provenance outlets [QUERY]``: list and search the outlet profiles in force, with their flags and
every reliability label beside the source and date it comes from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from provenance.commands.common import add_rule_options, settings_and_rules
from provenance.outlets import outlet_index, profile_ratings, search_profiles
from provenance.config import UsageError
from provenance.rulemodels import OutletKind, OutletProfile
from provenance.rulepack import RuleSet

if TYPE_CHECKING:  # rich is imported by the commands that print with it, not at start-up
    from rich.table import Table


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("outlets", help="list and search outlet profiles",
                              description="List the outlet profiles in force, or those matching QUERY "
                                          "(a name, alias, masthead, domain or URL).")
    p.add_argument("query", nargs="?", help="text to look for in names, aliases, mastheads and domains, or a URL")
    p.add_argument("--format", choices=("console", "json"), default="console", help="output format (default: console)")
    p.add_argument("--kind", choices=get_args(OutletKind), metavar="KIND",
                   help=f"only profiles of this kind ({', '.join(get_args(OutletKind))})")
    p.add_argument("--flag", help="only profiles carrying this flag (state-controlled, deprecated, ...)")
    add_rule_options(p, records=False)
    p.set_defaults(run=run)


def profile_record(rules: RuleSet, profile: OutletProfile) -> dict:
    """A profile as JSON, with the domain-keyed ratings merged into its reliability labels and flags."""
    ratings = profile_ratings(outlet_index(rules), profile)
    record = profile.model_dump(exclude={"examples", "datelines", "credits"})
    record["reliability"] += [r.model_dump(exclude={"domain", "flags"}) for r in ratings]
    record["flags"] = list(dict.fromkeys([*profile.flags, *(f for r in ratings for f in r.flags)]))
    return record


def _selected(rules: RuleSet, args: argparse.Namespace) -> list[dict]:
    known_flags = {f for p in rules.outlets for f in p.flags} | {f for r in rules.ratings for f in r.flags}
    if args.flag and args.flag not in known_flags:
        raise UsageError(f"--flag: no outlet profile has the flag {args.flag!r}")
    records = [profile_record(rules, p) for p in search_profiles(rules, args.query)]
    if args.kind:
        records = [r for r in records if r["kind"] == args.kind]
    if args.flag:
        records = [r for r in records if args.flag in r["flags"]]
    return records


def _table(records: list[dict], title: str) -> tuple[Table, list[str]]:
    """The profiles as a table whose reliability labels carry a note number, and the notes: each
    source and date once, below the table, so the table stays readable in 80 columns."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for column in ("outlet (id)", "kind, country", "domains", "flags", "reliability"):
        table.add_column(column, overflow="fold")  # never cut a name, domain or label short
    notes: list[str] = []
    for r in records:
        labels = []
        for x in r["reliability"]:
            note = f"{x['source']}, {x['date'] or 'undated'}"
            if note not in notes:
                notes.append(note)
            labels.append(f"{x['label']} [{notes.index(note) + 1}]")
        cells = ("\n".join(filter(None, (r["kind"], r["country"]))), "\n".join(r["domains"]), "\n".join(r["flags"]),
                 "\n".join(labels))  # Text, not markup: a name or label may hold square brackets
        table.add_row(Text.assemble(r["name"], "\n", (r["id"], "dim")), *map(Text, cells))
    return table, [f"[{n}] {note}" for n, note in enumerate(notes, 1)]


def run(args: argparse.Namespace) -> int:
    _, rules = settings_and_rules(args, Path.cwd())
    records = _selected(rules, args)
    if args.format == "json":
        print(json.dumps({"count": len(records), "outlets": records}, ensure_ascii=False, indent=2))
    else:
        title = f"{len(records)} of {len(rules.outlets)} outlet profiles" + (f" matching {args.query!r}" if args.query else "")
        from rich.console import Console

        table, notes = _table(records, title)
        console = Console()
        console.print(table)
        for note in notes:
            console.print(note, markup=False, highlight=False)
    return 0 if records else 1
