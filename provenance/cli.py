"""The command line: ``provenance check|rules|...``. Exit codes: 0 every document passed,
1 some failed or could not be read, 2 usage, settings or rule errors, 3 an internal error."""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback

from provenance import __version__
from provenance.commands import check, explain, merge, rules_cmd, show
from provenance.config import ConfigError, UsageError
from provenance.rulepack import RuleLoadError

COMMANDS = (check, rules_cmd, show, explain, merge)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="provenance",
        description="Check scraped news text for provenance clarity, attribution and scraping residue.",
    )
    parser.add_argument("--version", action="version", version=f"provenance {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def _crash_report() -> str:
    with tempfile.NamedTemporaryFile("w", prefix="provenance-crash-", suffix=".txt", delete=False) as handle:
        traceback.print_exc(file=handle)
        return handle.name


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except RuleLoadError as exc:
        for problem in exc.problems:
            print(f"provenance: rule error: {problem}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"provenance: settings error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"provenance: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("provenance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, full report in a file
        print(f"provenance: internal error: {exc!r}; full report in {_crash_report()}", file=sys.stderr)
        return 3
