"""``provenance outlets [QUERY]``: list and search the outlet profiles in force, with their flags and
every reliability label beside the source and date it comes from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from provenance.commands.common import add_rule_options, settings_and_rules
from provenance.outlets import outlet_index, profile_ratings, search_profiles
from provenance.rulemodels import OutletProfile
from provenance.rulepack import RuleSet

if TYPE_CHECKING:  # rich is imported by the commands that print with it, not at start-up
    from rich.table import Table


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("outlets", help="list and search outlet profiles",
                              description="List the outlet profiles in force, or those matching QUERY "
                                          "(a name, alias, masthead, domain or URL).")
    p.add_argument("query", nargs="?", help="text to look for in names, aliases, mastheads and domains, or a URL")
    p.add_argument("--format", choices=("console", "json"), default="console", help="output format (default: console)")
    p.add_argument("--kind", help="only profiles of this kind (wire-agency, broadcaster, newspaper, ...)")
    p.add_argument("--flag", help="only profiles carrying this flag (state-controlled, deprecated, ...)")
    add_rule_options(p)
    p.set_defaults(run=run)


def profile_record(rules: RuleSet, profile: OutletProfile) -> dict:
    """A profile as JSON, with the domain-keyed ratings merged into its reliability labels and flags."""
    ratings = profile_ratings(outlet_index(rules), profile)
    record = profile.model_dump(exclude={"examples", "datelines", "credits"})
    record["reliability"] += [r.model_dump(exclude={"domain", "flags"}) for r in ratings]
    record["flags"] = list(dict.fromkeys([*profile.flags, *(f for r in ratings for f in r.flags)]))
    return record


def _selected(rules: RuleSet, args: argparse.Namespace) -> list[dict]:
    records = [profile_record(rules, p) for p in search_profiles(rules, args.query)]
    if args.kind:
        records = [r for r in records if r["kind"] == args.kind]
    if args.flag:
        records = [r for r in records if args.flag in r["flags"]]
    return records


def _table(records: list[dict], title: str) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for column in ("id", "name", "kind", "country", "domains", "flags", "reliability (source, date)"):
        table.add_column(column, overflow="fold")
    for r in records:
        labels = "\n".join(f"{x['label']} ({x['source']}, {x['date'] or 'undated'})" for x in r["reliability"])
        table.add_row(r["id"], r["name"], r["kind"], r["country"] or "", ", ".join(r["domains"]),
                      ", ".join(r["flags"]), labels)
    return table


def run(args: argparse.Namespace) -> int:
    _, rules = settings_and_rules(args, Path.cwd())
    records = _selected(rules, args)
    if args.format == "json":
        print(json.dumps({"count": len(records), "outlets": records}, ensure_ascii=False, indent=2))
    else:
        title = f"{len(records)} of {len(rules.outlets)} outlet profiles" + (f" matching {args.query!r}" if args.query else "")
        from rich.console import Console

        Console().print(_table(records, title))
    return 0 if records else 1
