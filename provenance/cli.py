"""The command line: ``provenance check|rules|...``. Exit codes: 0 every document passed,
1 some failed or could not be read, 2 usage, settings, rule or output errors, 3 an internal error.

No traceback reaches a user: expected problems are one line each, anything else is one line naming
the file that holds the full traceback."""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import traceback

from provenance import __version__, accelerator
from provenance.atomic import OutputError
from provenance.commands import check, clean, explain, merge, outlets, quotes, rules_cmd, show, templates_cmd
from provenance.config import ConfigError, UsageError
from provenance.matcher import ExampleTimeout
from provenance.rulepack import RuleLoadError
from provenance.runner import few_collections

COMMANDS = (check, rules_cmd, show, explain, quotes, outlets, clean, merge, templates_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="provenance",
        description="Check scraped news text for provenance clarity, attribution and scraping residue.",
    )
    speed = "C accelerator" if accelerator.fastpage is not None else "pure Python"  # see provenance/_fastpage.c
    parser.add_argument("--version", action="version", version=f"provenance {__version__} ({speed})")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def _crash_report() -> str:
    """Write the traceback of the exception being handled to a file; say where it went."""
    try:
        with tempfile.NamedTemporaryFile("w", prefix="provenance-crash-", suffix=".txt", delete=False) as handle:
            traceback.print_exc(file=handle)
            return f"full report in {handle.name}"
    except OSError as exc:
        return f"no report written ({exc.strerror or exc})"


# Expected problems, each one line on standard error and exit code 2, by the label it carries.
_EXPECTED = {ExampleTimeout: "rule error: ", OutputError: "output error: ", UsageError: ""}


def _usage_problem(lines: list[str]) -> int:
    for line in lines:
        print(f"provenance: {line}", file=sys.stderr)
    return 2


def _shard_values_attached(argv: list[str]) -> list[str]:
    """``--shard -1/2`` read as ``--shard=-1/2``: argparse before Python 3.13 takes a value that starts
    with a dash and is no plain number for an option, and says only "expected one argument"; attached,
    the value reaches ``parse_shard``, which says what is wrong with it. Nothing after ``--`` is touched."""
    end = argv.index("--") if "--" in argv else len(argv)
    attached: list[str] = []
    for arg in argv[:end]:
        if attached and attached[-1] == "--shard" and arg[:1] == "-" and arg[1:2].isdigit():
            attached[-1] = f"--shard={arg}"
        else:
            attached.append(arg)
    return attached + argv[end:]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_shard_values_attached(sys.argv[1:] if argv is None else argv))
    try:
        return args.run(args)
    except RuleLoadError as exc:
        return _usage_problem([f"rule error: {problem}" for problem in exc.problems])
    except ConfigError as exc:
        return _usage_problem([f"settings error: {problem}" for problem in exc.problems])
    except tuple(_EXPECTED) as exc:
        prefix = next(label for kind, label in _EXPECTED.items() if isinstance(exc, kind))
        return _usage_problem([f"{prefix}{exc}"])
    except KeyboardInterrupt:
        print("provenance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, full report in a file
        print(f"provenance: internal error: {exc!r}; {_crash_report()}", file=sys.stderr)
        return 3


def script() -> int:
    """What the ``provenance`` command and ``python -m provenance`` run: ``main``, and then, as the
    process is about to end, every object frozen out of the cyclic collector. The collections of the
    interpreter's shutdown would otherwise walk all the rule structures and caches of the run (a
    tenth of a second, an eighth of a small run) only to free memory that the exit frees anyway.

    ``main`` runs with the young threshold already raised: a command that raises it itself
    (``few_collections``) then sets it back to the raised value as it ends, where setting back the
    default would have made the next allocation walk every object of the run in a full collection
    (0.02 s of a one-document check) just before the freeze."""
    with few_collections():
        code = main()
        gc.freeze()
    return code
