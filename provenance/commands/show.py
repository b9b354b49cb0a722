"""``provenance show DOC``: one document as a reviewer reads it, with the same rules and settings as check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from provenance.commands.common import add_corpus_option, add_rule_options, add_threshold_option, corpus_counts, settings_and_rules
from provenance.config import reading_of
from provenance.lookup import DocumentNotFound, find_document
from provenance.pipeline import check_document


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "show", help="show one document: its text marked up, its provenance facts and its score breakdown",
        description="Show one document with residue lines labelled, quotations and their speakers highlighted, "
                    "its provenance facts and how each finding moved its scores.")
    p.add_argument("doc", metavar="DOC", help="a file, or PATH#N (the record on line N) / PATH#ID of a JSON Lines file")
    add_corpus_option(p)
    add_threshold_option(p)
    add_rule_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    base = args.doc.rpartition("#")[0] if "#" in args.doc and not Path(args.doc).exists() else args.doc
    settings, rules = settings_and_rules(args, Path(base))
    try:
        doc = find_document(args.doc, reading_of(settings))
    except DocumentNotFound as exc:
        print(f"provenance: {exc}", file=sys.stderr)
        return 1
    report = check_document(doc, rules, settings, corpus_counts(args, settings, rules))
    from rich.console import Console  # rich is imported by the commands that print with it, not at start-up

    from provenance.renderers import document_view

    document_view.render(doc.text, report, Console(), settings.threshold)
    return 0 if report.passed else 1
