"""``provenance merge DIR...``: put the outputs of ``check --shard I/N`` back together.

Each shard leaves ``shard-IIIII-of-NNNNN.jsonl`` (I and N zero-padded to five digits; ``.jsonl.gz``
with ``--gzip``) and a completion marker ``shard-IIIII-of-NNNNN.done`` saying which rules and
settings it ran under, which file holds its reports and how many reports each of its input units
gave (a unit is an input file, or a part of a JSONL file over ``--part-size``). Merge refuses
shards that are missing, unfinished or made under other rules, and reports files cut short or
damaged, then restores the input order (input unit ``k`` went to shard ``k mod N``), so the merged
reports are byte for byte those of one run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO, NamedTuple

from pydantic import ValidationError

from provenance.atomic import atomic_writer
from provenance.commands.common import add_rows_option, add_rule_options, settings_and_rules
from provenance.compression import DATA_ERRORS
from provenance.config import ConfigError
from provenance.corpus import SummaryBuilder
from provenance.outputs import output_for, write_text
from provenance.renderers import CORPUS_RENDERERS
from provenance.report import SCHEMA_VERSION, DocumentReport, Tool
from provenance.rulepack import RuleLoadError, RuleSet, rules_in_force
from provenance.runner import MARKER_SUFFIX, Outcome
from provenance.shardmarker import ShardMarker, read_marker
from provenance.sources import Reading, RecordShape, SharedIds, open_bytes

FORMATS = ("summary", "jsonl", "console", *CORPUS_RENDERERS)
AGREEING_KEYS = ("rules_digest", "settings", "version", "part_bytes", "compressed_read_bytes")


class MergeError(Exception):
    """Shard outputs that cannot be merged; the message names the folder and the problem."""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("merge", help="merge the outputs of `check --shard I/N` into one report",
                              description="Merge shard outputs (check --shard I/N --output DIR) in input order.")
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="folders holding shard-*.jsonl and their .done markers")
    p.add_argument("--format", choices=FORMATS, default="summary",
                   help="summary: the corpus summary as JSON (default); jsonl: every report; json: the corpus report")
    p.add_argument("--output", type=Path, metavar="FILE", help="write here (atomically) instead of stdout")
    p.add_argument("--quiet", action="store_true", help="console: a one-line summary only")
    add_rows_option(p)
    add_rule_options(p, records=False)
    p.set_defaults(run=run)


class ShardFiles(NamedTuple):
    """A finished shard: its completion marker as read, the marker's file, and the reports file it names."""

    marker: ShardMarker
    marker_path: Path
    reports: Path

    @property
    def index(self) -> int:
        return self.marker.shard[0]

    @property
    def count(self) -> int:
        return self.marker.shard[1]


def find_shards(folders: list[Path]) -> list[ShardFiles]:
    """Shards 0..N-1, checked complete and consistent."""
    shards = [_shard_at(marker_path) for folder in folders for marker_path in _marker_paths(folder)]
    if not shards:
        raise MergeError(f"{', '.join(map(str, folders))}: no shard markers (shard-*{MARKER_SUFFIX}) found")
    return _in_order(shards)


def _marker_paths(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise MergeError(f"{folder}: not a folder")
    return sorted(folder.glob(f"shard-*{MARKER_SUFFIX}"))


def _shard_at(marker_path: Path) -> ShardFiles:
    marker = read_marker(marker_path)
    if marker is None:
        raise MergeError(f"{marker_path}: not a shard completion marker")
    reports = _reports_of(marker_path, marker)
    if not reports.is_file():
        raise MergeError(f"{marker_path}: its reports file {reports.name} is missing")
    return ShardFiles(marker, marker_path, reports)


def _reports_of(marker_path: Path, marker: ShardMarker) -> Path:
    """The shard's reports file, which its marker names (``shard-IIIII-of-NNNNN.jsonl``, or ``.jsonl.gz``
    for a ``--gzip`` shard; a marker older than the key names none, and meant the first), beside the marker."""
    name = marker.reports or marker_path.with_suffix(".jsonl").name
    if Path(name).name != name or not name.endswith((".jsonl", ".jsonl.gz")):
        raise MergeError(f"{marker_path}: reports: not a shard's reports file name: {name!r}")
    return marker_path.with_name(name)


def _in_order(shards: list[ShardFiles]) -> list[ShardFiles]:
    """The shards by index, once each, of one split, made under the same rules and settings, none
    missing. Every refusal names the marker at fault: the count of shards first, as shards of two
    splits share indexes."""
    _refuse_counts_that_differ(shards)
    found = _by_index(shards)
    _refuse_markers_that_disagree([found[i] for i in sorted(found)])
    count = shards[0].count
    missing = sorted(set(range(count)) - set(found))
    if missing:
        raise MergeError(f"shards not done yet: {', '.join(map(str, missing))} of {count}")
    ordered = [found[i] for i in range(count)]
    _refuse_inputs_that_differ(ordered)
    return ordered


def _refuse_counts_that_differ(shards: list[ShardFiles]) -> None:
    first_of: dict[int, ShardFiles] = {}
    for shard in shards:
        first_of.setdefault(shard.count, shard)
    if len(first_of) > 1:
        one, other = (first_of[count] for count in sorted(first_of)[:2])
        raise MergeError(f"shards of different counts: {one.marker_path} (one of {one.count}) "
                         f"and {other.marker_path} (one of {other.count})")


def _by_index(shards: list[ShardFiles]) -> dict[int, ShardFiles]:
    found: dict[int, ShardFiles] = {}
    for shard in shards:
        if shard.index in found:
            also = found[shard.index].marker_path
            raise MergeError(f"{shard.marker_path}: shard {shard.index} appears twice (also {also})")
        found[shard.index] = shard
    return found


def _refuse_markers_that_disagree(shards: list[ShardFiles]) -> None:
    """The odd one out is at fault: a marker whose digest or version differs from what most markers
    hold (on a tie, from what the lowest shard holds), named beside one that holds it."""
    for key in AGREEING_KEYS:
        values = [json.dumps(getattr(shard.marker, key)) for shard in shards]
        usual = Counter(values).most_common(1)[0][0]
        odd = next((n for n, value in enumerate(values) if value != usual), None)
        if odd is not None:
            holder = shards[values.index(usual)].marker_path
            raise MergeError(f"{shards[odd].marker_path}: {key} differs from {holder}'s "
                             "(shards checked under other rules or settings)")


def _refuse_inputs_that_differ(shards: list[ShardFiles]) -> None:
    """Shard I holds input units I, I+N, I+2N... of one list: the markers' counts of units must fit
    it (merge would otherwise read past the end of one marker's list)."""
    total = sum(len(shard.marker.units) for shard in shards)
    for shard in shards:
        held = len(shard.marker.units)
        if held != len(range(shard.index, total, shard.count)):
            raise MergeError(f"{shard.marker_path}: units: {held} input units do not fit the other shards' "
                             f"{total - held} (shards checked over other inputs)")


def merged_reports(shards: list[ShardFiles]) -> Iterator[Outcome]:
    """Every report in input order (input unit k is shard k mod N's (k div N)-th unit), each line
    checked to be a whole report: a shard's file cut short or damaged is refused, never passed on.
    Reports whose id an earlier one has are named on standard error, as one run names them: a shard
    saw only its own inputs."""
    count = len(shards)
    total = sum(len(shard.marker.units) for shard in shards)
    ids = SharedIds()
    with ExitStack() as stack:
        files = [stack.enter_context(_ReportsFile.opened(shard.reports)) for shard in shards]
        for k in range(total):
            shard = k % count
            for _ in range(shards[shard].marker.units[k // count]):
                outcome = files[shard].next_report()
                if isinstance(outcome.report, DocumentReport):
                    ids.see(outcome.report.id, outcome.report.path)
                yield outcome
        for reports in files:
            reports.check_ended()
    ids.finish()


class _ReportsFile:
    """A shard's reports file read a line at a time, counting its lines so that a problem names one."""

    def __init__(self, path: Path, handle: BinaryIO):
        self.path, self.handle, self.number = path, handle, 0

    @classmethod
    @contextmanager
    def opened(cls, path: Path) -> Iterator[_ReportsFile]:
        try:
            handle = open_bytes(path)
        except OSError as exc:
            raise MergeError(f"{path}: cannot read: {exc.strerror or exc}") from None
        with handle:
            yield cls(path, handle)

    def next_report(self) -> Outcome:
        line = self._read_line()
        if not line:
            raise MergeError(f"{self.path}: fewer reports than its marker says")
        return _report_from(line, f"{self.path}:{self.number}")

    def check_ended(self) -> None:
        if self._read_line():
            raise MergeError(f"{self.path}:{self.number}: more reports than its marker says")

    def _read_line(self) -> bytes:
        try:
            line = self.handle.readline()
        except (OSError, *DATA_ERRORS) as exc:
            raise MergeError(f"{self.path}: cannot read: {exc}") from None
        self.number += 1
        return line


def _report_from(line: bytes, where: str) -> Outcome:
    """The report (or read error) a shard's line holds, as ``check`` wrote it: JSON of a report's
    shape, ending its line (a last line without one is a file cut short)."""
    ended = line.endswith(b"\n")
    try:
        report = Outcome(line[:-1] if ended else line, False).item()
    except ValidationError as exc:
        raise MergeError(f"{where}: not a report ({_first_problem(exc)})") from None
    if not ended:
        raise MergeError(f"{where}: not a report (no line end: the file is cut short)")
    return Outcome(line, isinstance(report, DocumentReport) and report.passed, report)


def _first_problem(exc: ValidationError) -> str:
    """Pydantic's first complaint in a few words: where in the report, and what (a report is one line
    of JSON, so only the column of a JSON error says anything)."""
    error = exc.errors()[0]
    where = ".".join(map(str, error["loc"]))
    problem = error["msg"].replace(" at line 1 column ", " at column ")
    more = f"; {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
    return f"{where + ': ' if where else ''}{problem}{more}"


def run(args: argparse.Namespace) -> int:
    try:
        shards = find_shards(args.folders)
        exit_code = max(shard.marker.exit for shard in shards)
        first = shards[0].marker
        if args.format == "jsonl":
            _write_lines((outcome.line.decode("utf-8") for outcome in merged_reports(shards)), args.output)
        elif args.format == "summary":
            write_text(args.output, _summary_text(shards, first))
        else:
            _render_corpus(args, shards, first)
    except MergeError as exc:
        print(f"provenance: merge: {exc}", file=sys.stderr)
        return 2
    return exit_code


def _write_lines(lines: Iterator[str], output: Path | None) -> None:
    if output is None:
        sys.stdout.writelines(lines)
        return
    with atomic_writer(output) as handle:
        handle.writelines(lines)


def _summary_text(shards: list[ShardFiles], first: ShardMarker) -> str:
    builder = SummaryBuilder(first.threshold)
    for outcome in merged_reports(shards):
        builder.add(outcome.item())
    data = {"schema_version": SCHEMA_VERSION,
            "tool": Tool(version=first.version, rules_digest=first.rules_digest).model_dump(),
            "summary": builder.summary().model_dump()}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _rules_of_shards(args: argparse.Namespace, first: ShardMarker) -> RuleSet | None:
    """The rule set the shards ran, for SARIF to describe every rule in force as one run's does: the
    rules found as ``check`` found them (the settings file upward from the shards' first input where
    it is there, else from here; ``--rules``, ``--enable``, ``--disable``) when their files' digest
    and their ids are the shards'. Else None, after a note: SARIF then describes the rules its
    findings name."""
    start = next((Path(p) for p in first.inputs[:1] if Path(p).exists()), Path.cwd())
    try:
        _, rules = settings_and_rules(args, start)
    except (ConfigError, RuleLoadError) as exc:
        problem = "; ".join(exc.problems)
    else:
        problem = _rules_differ(rules, first)
        if problem is None:
            return rules
    print(f"provenance: merge: note: not the rules the shards ran ({problem}): the SARIF describes the rules its "
          "findings name (pass the shards' --rules, --config, --enable and --disable)", file=sys.stderr)
    return None


def _rules_differ(rules: RuleSet, first: ShardMarker) -> str | None:
    if rules.digest != first.rules_digest:
        return "other rule files"
    if first.rules_in_force is None:
        return "the shards' markers do not name theirs"
    return None if rules_in_force(rules) == first.rules_in_force else "other rules in force"


def _render_corpus(args: argparse.Namespace, shards: list[ShardFiles], first: ShardMarker) -> None:
    """The merged reports in a format of the whole corpus, gathered as they stream past (each format
    holds what it writes, not every report); the HTML page reads the texts again."""
    rules = _rules_of_shards(args, first) if args.format == "sarif" else None
    output = output_for(args.format, first.threshold, Tool(version=first.version, rules_digest=first.rules_digest),
                        rules, Reading(shape=RecordShape(first.record_fields)), rows=args.rows, quiet=args.quiet)
    for outcome in merged_reports(shards):
        output.add(outcome.item())
    output.write(args.output)
