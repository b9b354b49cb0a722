"""``provenance templates PATH... --output FILE``: the corpus pre-pass alone, its counts written to a
file that the shards of a run read (``check --shard I/N --templates-from FILE``) instead of each
counting the whole corpus again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from provenance.commands.common import (add_paths_argument, add_rule_options, refuse_writing_into_the_corpus,
                                        settings_and_rules)
from provenance.config import Settings, UsageError, reading_of
from provenance.countsfile import corpus_identity, read_counts, write_counts
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet
from provenance.sources import STDIN, read_documents
from provenance.templates import TemplateCounts, corpus_templates, prepass_runs, template_rule


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "templates", help="count the corpus's template lines once, for the shards of a run (--templates-from)",
        description="Run the corpus pre-pass alone and write its counts to FILE, for `check --templates-from "
                    "FILE` over the same PATHs: the shards of a run then read the counts instead of each "
                    "reading the whole corpus again.")
    add_paths_argument(p, stdin=False)
    p.add_argument("--output", type=Path, required=True, metavar="FILE", help="the counts file to write (atomically)")
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    refuse_stdin(args.paths, "templates")
    refuse_writing_into_the_corpus([args.output], args.paths, "counted")
    settings, rules = settings_and_rules(args, args.paths[0])
    rule = counted_rule(settings, rules, "templates")
    corpus = corpus_identity(args.paths)
    counts = corpus_templates(read_documents(args.paths, reading_of(settings)), settings, rules)
    write_counts(args.output, counts, rule, corpus, reading_of(settings))
    print(f"provenance: counted the template lines of {_many(sum(counts.group_docs.values()), 'document')} in "
          f"{_many(len(counts.group_docs), 'group')}, over {_many(corpus.files, 'file')}: {args.output}", file=sys.stderr)
    return 0


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def counted_rule(settings: Settings, rules: RuleSet, option: str) -> Detector:
    """The template rule that sizes the pre-pass; a ``UsageError`` where these rules and settings run none."""
    if not prepass_runs(settings, rules, None):
        raise UsageError(f"{option}: these rules and settings run no template pre-pass (no template-line rule, "
                         "or templates turned off)")
    return template_rule(rules)


def refuse_stdin(paths: list[Path], option: str) -> None:
    if STDIN in paths:
        raise UsageError(f"{option}: standard input (-) cannot be told apart from another; name the files")


def counts_from(path: Path, paths: list[Path], settings: Settings, rules: RuleSet) -> TemplateCounts:
    """``check --templates-from``: the counts in ``path``, refused unless made over ``paths`` under these rules."""
    refuse_stdin(paths, "--templates-from")
    rule = counted_rule(settings, rules, "--templates-from")
    return read_counts(path, rule, corpus_identity(paths), reading_of(settings))
