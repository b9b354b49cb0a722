"""``provenance quotes PATH...``: a quote index over a corpus (speakers, their quotations, where).

The index's models are imported when the command runs: every other command's start-up would otherwise
pay for them."""

from __future__ import annotations

import argparse
from contextlib import closing, nullcontext
from pathlib import Path

from provenance import runner
from provenance.commands.common import (add_paths_argument, add_rule_options, add_templates_option, count_of,
                                        refuse_unreadable_stdin, refuse_writing_into_the_corpus, settings_and_rules)
from provenance.config import reading_of
from provenance.outputs import write_console, write_text
from provenance.sources import read_documents_naming_empty_paths, stdin_opened, warning_of_shared_ids
from provenance.templates import prepass_runs

FORMATS = ("console", "json")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("quotes", help="index who is quoted across a corpus, saying what, and where",
                              description="Index every quotation under PATH... by speaker.")
    add_paths_argument(p)
    p.add_argument("--format", choices=FORMATS, default="console", help="index format (default: console)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the index here (atomically) instead of stdout")
    p.add_argument("--limit", type=count_of("a number of speakers (0 for all)"), default=20, metavar="N",
                   help="console: speakers shown (default 20, 0 for all)")
    add_templates_option(p)
    add_rule_options(p)
    runner.add_run_options(p, scale_out=False)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from provenance.quoteindex import QuoteIndexBuilder

    refuse_writing_into_the_corpus([args.output], args.paths, "indexed")
    refuse_unreadable_stdin(args.paths)
    settings, rules = settings_and_rules(args, args.paths[0], runner.cache_folder(args))
    settings = runner.settings_for_run(args, settings)
    builder = QuoteIndexBuilder(rules_digest=rules.digest)
    with runner.few_collections(), stdin_opened(args.paths, spool=prepass_runs(settings, rules, args.templates)):
        templates = runner.run_templates(args, settings, rules)
        cache = runner.open_cache(args, settings, rules, templates)
        with closing(cache) if cache is not None else nullcontext():
            documents = warning_of_shared_ids(read_documents_naming_empty_paths(args.paths, reading_of(settings)))
            for item in runner.reports(args, settings, rules, documents, cache, templates):
                builder.add(item)
    index = builder.build()
    from provenance.renderers import quotes as quotes_renderer  # rich: imported when a command prints with it

    if args.format == "json":
        write_text(args.output, quotes_renderer.render_json(index))
    else:
        write_console(args.output, lambda console: quotes_renderer.render(index, console, args.limit))
    return 1 if index.errors else 0
