"""What several commands share: the rule and settings options, and loading both."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from pydantic import ValidationError

from provenance.config import (ConfigError, RecordFields, Settings, UsageError, file_key, load_settings, parse_score,
                               reading_of)
from provenance.document import RECORD_FIELDS
from provenance.overview import DEFAULT_ROWS
from provenance.rulecache import load_rules_cached
from provenance.rulepack import RuleSet
from provenance.sources import DOCUMENT_KINDS, STDIN, corpus_root_holding


def add_paths_argument(parser: argparse.ArgumentParser, stdin: bool = True) -> None:
    """``PATH...``; ``stdin``: whether the command reads ``-`` (``clean`` names its copies after their inputs)."""
    kinds = f"files or folders ({DOCUMENT_KINDS})"
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help=f"{kinds}; - reads JSONL records on standard input" if stdin else kinds)


def refuse_unreadable_stdin(paths: list[Path]) -> None:
    """Standard input (``-``) can be read once, and only where there is one. Read from a terminal,
    a line on standard error says what the run waits for."""
    if STDIN not in paths:
        return
    if paths.count(STDIN) > 1:
        raise UsageError("standard input (-) can be named once")
    if sys.stdin is None:
        raise UsageError("standard input (-) is closed")
    if sys.stdin.isatty():
        print("provenance: reading JSONL records from standard input (end with Ctrl-D)", file=sys.stderr)


def refuse_writing_into_the_corpus(targets: Iterable[Path | None], paths: list[Path], doing: str) -> None:
    """An output file that would land in the corpus as a document (``sources.corpus_root_holding``) is
    refused before anything is written: it would replace one, or be read as one next time."""
    for target in filter(None, targets):
        root = corpus_root_holding(target, paths)
        if root is not None:
            raise UsageError(f"{target}: would be written into the corpus being {doing} ({root}); name a file outside it")


def add_rule_options(parser: argparse.ArgumentParser, records: bool = True) -> None:
    """The rule and settings options; ``records``: the command reads documents (``--record-field``)."""
    group = parser.add_argument_group("rules and settings")
    group.add_argument("--rules", action="append", default=[], metavar="DIR",
                       help="extra rule folder (repeatable); a rule with a shipped id replaces it")
    group.add_argument("--config", type=Path, metavar="FILE",
                       help="settings file (default: provenance.toml or [tool.provenance] found upward)")
    group.add_argument("--enable", action="append", default=[], metavar="RULE", help="run only these rule ids")
    group.add_argument("--disable", action="append", default=[], metavar="RULE", help="never run these rule ids")
    if records:
        group.add_argument("--record-field", action="append", default=[], type=record_field, metavar="NAME=KEY",
                           dest="record_fields",
                           help="where JSON Lines records keep a field (repeatable): text=content, url=metadata.url; "
                                f"NAME is one of {', '.join(RECORD_FIELDS)}")


def record_field(value: str) -> tuple[str, str]:
    """``NAME=KEY`` for argparse: a field's name and the key (or dotted path) records keep it under."""
    name, sep, key = value.partition("=")
    if not sep or name not in RECORD_FIELDS:
        raise argparse.ArgumentTypeError(f"{value!r}: expected NAME=KEY, NAME one of {', '.join(RECORD_FIELDS)}")
    return name, key


def add_templates_option(parser: argparse.ArgumentParser) -> None:
    """``--no-templates``: every command that decides residue runs the same corpus pre-pass unless told not to."""
    parser.add_argument("--no-templates", action="store_false", dest="templates", default=None,
                        help="skip the corpus pre-pass that finds lines recurring across an outlet's documents")


def add_corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", action="append", default=[], type=Path, metavar="PATH",
                        help="the files or folders `check` read (repeatable): template lines (RS120) are "
                             "counted over them, so the document is judged as in that run")
    parser.add_argument("--templates-from", type=Path, metavar="FILE",
                        help="with --corpus: the counts `provenance templates` wrote over those PATHs, "
                             "instead of counting them again")


def corpus_counts(args: argparse.Namespace, settings: Settings, rules: RuleSet):
    """The template counts over ``--corpus``: a document's template lines are lines of a corpus, which
    one document alone does not show, so without them ``show`` and ``explain`` judged a document
    ``check`` failed as passing. Without ``--corpus``, a note says what is left out."""
    from provenance.templates import corpus_templates, prepass_runs
    from provenance.sources import read_documents

    if args.templates_from is not None:
        if not args.corpus:
            raise UsageError("--templates-from needs --corpus PATH: the files or folders its counts were made over")
        from provenance.commands.templates_cmd import counts_from
        return counts_from(args.templates_from, args.corpus, settings, rules)
    if not args.corpus:
        if prepass_runs(settings, rules):
            print("provenance: note: template lines (RS120) are not counted: give --corpus PATH, the files or "
                  "folders `check` read, to judge the document as it did", file=sys.stderr)
        return None
    return corpus_templates(read_documents(args.corpus, reading_of(settings)), settings, rules)


def count_of(meaning: str) -> Callable[[str], int]:
    """An argparse type for a count, 0 or more, where 0 means every one: a value that is none is
    ``'x' is not MEANING``."""
    def parse(text: str) -> int:
        try:
            count = int(text)
        except ValueError:
            count = -1
        if count < 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not {meaning}")
        return count
    return parse


def add_rows_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=count_of("a number of rows (0 for all)"), default=DEFAULT_ROWS, metavar="N",
                        help=f"console and html: list at most N documents (the worst first once there are "
                             f"more), failing documents' findings, gate notes and unreadable inputs "
                             f"(default {DEFAULT_ROWS}; 0: every one)")


def add_threshold_option(parser: argparse.ArgumentParser) -> None:
    default = Settings.model_fields["threshold"].default
    parser.add_argument("--threshold", "--fail-under", type=parse_score, metavar="N", dest="threshold",
                        help=f"overall score a document needs to pass (default {default:g})")


def settings_and_rules(args: argparse.Namespace, start: Path,
                       cache: Path | None = None) -> tuple[Settings, RuleSet]:
    """Settings found from ``start`` with flags applied, and the rule set they name (from the rules
    cache in the folder ``cache``, when given and the rules have not changed)."""
    from_file = load_settings(start, args.config)
    updates = {
        "rules": from_file.rules + [str(Path(r).resolve()) for r in args.rules],
        "enable": from_file.enable + args.enable,
        "disable": from_file.disable + args.disable,
    }
    if getattr(args, "threshold", None) is not None:
        updates["threshold"] = args.threshold
    if getattr(args, "record_fields", None):
        updates["record_fields"] = _record_fields(from_file, args.record_fields)
    settings = from_file.model_copy(update=updates)
    rules = load_rules_cached(cache, extra_dirs=[Path(r) for r in settings.rules], disabled=settings.disable,
                              enabled_only=settings.enable, derive=partial(_prepare, settings=settings))
    _check_rule_ids(from_file, args, rules)
    return settings, rules


def _record_fields(from_file: Settings, flags: list[tuple[str, str]]) -> RecordFields:
    """The settings file's ``record_fields`` with each ``--record-field`` laid over them."""
    try:
        return RecordFields.model_validate({**from_file.record_fields.model_dump(), **dict(flags)})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"--record-field {first['loc'][0]}={first['input']!r}: {first['msg']}") from None


def _check_rule_ids(from_file: Settings, args: argparse.Namespace, rules: RuleSet) -> None:
    """``enable`` and ``disable`` take whole rule ids of the loaded rules: a typo would otherwise run
    no rule at all, or leave on the rule meant to be off. Each problem names the settings file and
    key or the flag the id came from."""
    problems = [f"{file_key(from_file, key)}: unknown rule {rule}" for key in ("enable", "disable")
                for rule in getattr(from_file, key) if rule not in rules.origins]
    problems += [f"--{key}: unknown rule {rule}" for key in ("enable", "disable")
                 for rule in getattr(args, key) if rule not in rules.origins]
    if problems:
        raise ConfigError(*problems)


def _prepare(rules: RuleSet, settings: Settings) -> None:
    """The structures a check derives from the rules, built for the rules cache to keep."""
    from provenance import pipeline  # the analyzers: imported by the commands that check

    pipeline.prepare(rules, settings)
