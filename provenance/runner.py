"""The run loop: documents stream in, reports stream out, in input order and constant memory.

Inputs are *units*: the files found under the checked paths (and the paths that could not be found),
in the stable order of ``sources.discover``; where a run is spread over machines (``--shard``, Ray), a
JSONL file over ``--part-size`` is several units, each the records starting in one range of its bytes
as stored (``parts``: a compressed file's parts are ranges of its compressed bytes). A run checks them
on one core, on a pool of ``--jobs`` processes (rules compiled once per worker, a bounded window of
chunks in flight), or on a Ray cluster (one task per unit, retried). ``--shard I/N`` keeps units ``I,
I+N, I+2N, ...``: a deterministic split that needs no coordinator, so a Slurm array or a Kubernetes job
can run one shard per machine; each shard writes its reports to a temporary file, renames it into
place, then leaves a completion marker with the digests it ran under, so a repeated shard with the
same rules and settings is skipped and ``provenance merge`` can put the shards back into input order.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from provenance import __version__
from provenance.analyzers import collect_hits
from provenance.atomic import open_atomic
from provenance.cache import DEFAULT_MAX_SIZE, ResultCache, default_cache_dir, inside, namespace, parse_size
from provenance.compression import COMPRESSED_READ_BYTES
from provenance.config import ConfigError, Settings, reading_of
from provenance.document import Document
from provenance.engine import DEFAULT_ENGINE, ENGINES
from provenance.gate import GateRun, PolicyJudge
from provenance.gitscope import select_documents
from provenance.parts import ByteRange, PartReaders, parts_of
from provenance import pipeline
from provenance.renderers.jsonout import render_line_bytes
from provenance.report import DocumentReport, ErrorRecord, ReadError
from provenance.rulepack import RuleSet, load_rules, rules_in_force
from provenance.rulemodels import Detector
from provenance.shardmarker import ShardMarker, read_marker, write_marker
from provenance.sources import (Found, Reading, SharedIds, discovered_by_path, nothing_found, read_documents, read_path,
                                shown, splits_into_parts, warning_of_shared_ids)
from provenance.templates import (TemplateCounts, answers_for, corpus_templates, count_templates, empty_counts,
                                  prepass_runs, template_rule, template_rules)

# (file path, id prefix, the part of a large JSONL file or None for the whole file, the PATH to name
# when the unit gives nothing, where it is the whole of that PATH), or a path that could not be used
Unit = tuple[str, str, ByteRange | None, str | None] | ReadError
Item = Document | ReadError

# The young-generation threshold of the cyclic collector during a run: checking a document makes
# tens of thousands of short-lived containers, and at Python's default (700) a young collection
# runs every few hundred of them, and about once a second of CPU a full one walks the rule structures.
# Checking makes no cycles (none on the seeds, devA, devB, turku or outlet sets): every collection
# finds nothing, and the count it waits for is the growth of the memo caches, ~70 objects a
# document. At 10,000 a 50 MB run spent 0.15 s in 45 collections; at 50,000, 0.02 s in 2.
YOUNG_COLLECTION_THRESHOLD = 50_000
CHUNK_DOCS = 64
WARM_DOCS = 256  # documents a pool's parent matches signatures over while the pre-pass runs
POOL_AFTER_DOCS = 64  # with a result cache, documents checked in the parent before a pool starts
CHUNK_CHARS = 1 << 20
# A JSONL file larger than this is checked in parts of this size by a shard or a Ray task, so that one
# file of a crawl spreads over the machines (plain, about 8,500 records of the 7.5 kB of the speed
# corpus, a minute or less of a core's work; gzipped, about five times as many).
DEFAULT_PART_BYTES = 64 << 20
MARKER_SUFFIX = ".done"
ERROR_LINE_START = b'{"error":'  # ErrorRecord's first key; a report line starts with {"id":
NO_CACHE_ENV = "PROVENANCE_NO_CACHE"  # set (non-empty): no cache unless --cache-dir names one


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    @property
    def stem(self) -> str:
        return f"shard-{self.index:05d}-of-{self.count:05d}"

    def reports_name(self, gzip: bool) -> str:
        return f"{self.stem}.jsonl" + (".gz" if gzip else "")


def parse_shard(text: str) -> Shard:
    """``I/N`` with 0 <= I < N."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard {text!r}: expected I/N, e.g. 0/8") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"--shard {text!r}: N must be 1 or more")
    if not 0 <= index < count:
        raise argparse.ArgumentTypeError(f"--shard {text!r}: I must be between 0 and N-1")
    return Shard(index, count)


def parse_jobs(text: str) -> int:
    """``--jobs``' value: a count of worker processes, 1 or more (0 would read as "every core" to some
    and as "none" to others: neither is guessed)."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"--jobs {text!r}: expected a number of processes, 1 or more")
    return jobs


CGROUP_ROOT = Path("/sys/fs/cgroup")


def available_cores() -> int:
    """The cores this process may use: those its CPU affinity allows, and no more than its
    container's CPU quota gives it (``cgroup_cpu_quota``). In a Kubernetes pod limited to two CPUs
    on a large node, the affinity still names every core of the node: one worker per node core would
    be throttled, and together they could pass the pod's memory limit."""
    cores, quota = _affinity_cores(), cgroup_cpu_quota(CGROUP_ROOT)
    return cores if quota is None else min(cores, quota)


def _affinity_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cgroup_cpu_quota(root: Path) -> int | None:
    """The CPUs a cgroup's quota allows, rounded up (at least one): cgroup v2's ``cpu.max``
    (``QUOTA PERIOD``, or ``max PERIOD`` for none), else v1's ``cpu.cfs_quota_us`` (-1 for none) and
    ``cpu.cfs_period_us``, as a container sees them under ``root``; None where no quota is set or
    none can be read (not Linux, no cgroup file system)."""
    try:
        quota, period = (root / "cpu.max").read_text().split()
    except (OSError, ValueError):
        quota, period = _cgroup_v1_quota(root)
    try:
        quota_us, period_us = int(quota), int(period)
    except (TypeError, ValueError):  # none read, or v2's "max"
        return None
    return max(1, math.ceil(quota_us / period_us)) if quota_us > 0 and period_us > 0 else None


def _cgroup_v1_quota(root: Path) -> tuple[str | None, str | None]:
    for controller in ("cpu", "cpu,cpuacct"):
        try:
            return ((root / controller / "cpu.cfs_quota_us").read_text().strip(),
                    (root / controller / "cpu.cfs_period_us").read_text().strip())
        except OSError:
            continue
    return None, None


def add_run_options(parser: argparse.ArgumentParser, scale_out: bool = True) -> None:
    """The options of a run's speed: worker processes, the result cache, the matcher; and, with
    ``scale_out``, those that spread it over machines (shards, Ray), which a command making one
    index of the whole corpus (``quotes``) has no use for."""
    group = parser.add_argument_group("speed and scale")
    add_jobs_option(group)
    if scale_out:
        _add_scale_out_options(group)
    else:
        parser.set_defaults(shard=None, part_size=None, gzip=False, executor="local", address=None)
    group.add_argument("--no-cache", action="store_true",
                       help="check every document again, ignoring the result cache (also: PROVENANCE_NO_CACHE=1)")
    group.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help=f"result cache folder (default: {default_cache_dir()})")
    group.add_argument("--cache-max-size", type=parse_size, default=DEFAULT_MAX_SIZE, metavar="SIZE",
                       help="largest size of the result cache, e.g. 500M or 4G (default 1G); "
                            "the reports least recently used go first")
    group.add_argument("--engine", choices=tuple(ENGINES), default=None,
                       help=f"signature matcher (default {DEFAULT_ENGINE}; both give the same findings)")


def add_jobs_option(group) -> None:
    group.add_argument("--jobs", "-j", type=parse_jobs, default=None, metavar="N",
                       help=f"worker processes (default: the cores available, here {available_cores()})")


def jobs_of(args: argparse.Namespace) -> int:
    """``--jobs``, else the cores available."""
    return args.jobs if args.jobs is not None else available_cores()


def _add_scale_out_options(group) -> None:
    group.add_argument("--shard", type=parse_shard, metavar="I/N",
                       help="check only input units I, I+N, I+2N... (files, or parts of a JSONL file over --part-size) "
                            "and write them to --output DIR (see `provenance merge`)")
    group.add_argument("--part-size", type=parse_size, metavar="SIZE",
                       help="with --shard or --executor ray: check a JSONL file larger than SIZE in parts of SIZE "
                            "(of its compressed bytes if compressed), each a unit of its own (default 64M; every "
                            "shard of a run must use the same)")
    group.add_argument("--gzip", action="store_true",
                       help="with --shard: write the shard's reports gzipped (shard-00000-of-00008.jsonl.gz)")
    group.add_argument("--executor", choices=("local", "ray"), default="local",
                       help="where to run: this machine, or a Ray cluster (pip install 'provenance[ray]')")
    group.add_argument("--address", metavar="ADDR", help="Ray cluster address (default: start a local Ray)")


def settings_for_run(args: argparse.Namespace, settings: Settings) -> Settings:
    return settings.model_copy(update={"engine": args.engine}) if args.engine else settings


@contextmanager
def few_collections() -> Iterator[None]:
    """Run with the collector's young threshold raised: nearly all of a check's garbage is freed by
    reference counting, so the frequent collections find little and cost a twentieth of the run's
    CPU; the cycles that do arise wait for a collection no more than ``YOUNG_COLLECTION_THRESHOLD``
    objects later (inherited by forked workers)."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


# --- reading ---------------------------------------------------------------------------------------

def units(paths: Iterable[Path], shard: Shard | None = None, part_bytes: int | None = None) -> Iterator[Unit]:
    """The units of work under ``paths``, in input order: each file, or each part of a JSONL file over
    ``part_bytes`` (``parts.parts_of``); of a ``shard``, units ``I, I+N, I+2N...``. A PATH that gives
    nothing is named as one run names it (``sources.read_documents_naming_empty_paths``): one holding
    no document file by an error unit, one whose only unit is a whole file by that unit."""
    every = (unit for root, found in discovered_by_path(list(paths))
             for unit in _units_of_path(root, found, part_bytes))
    for k, unit in enumerate(every):
        if shard is None or k % shard.count == shard.index:
            yield unit


def part_size_of(args: argparse.Namespace) -> int:
    """``--part-size``, or its default where none was given."""
    return args.part_size or DEFAULT_PART_BYTES


def _units_of_path(root: Path, found: Iterator[Found | None], part_bytes: int | None) -> Iterator[Unit]:
    """The units of one PATH (``units``); None stands for a file found under an earlier PATH."""
    first = list(islice(found, 2))
    if not first:
        yield nothing_found(shown(root))
        return
    if len(first) == 1 and isinstance(first[0], tuple) and len(alone := _units_of(first[0], part_bytes)) == 1:
        yield (*alone[0][:3], shown(root))
        return
    for item in chain(first, found):
        if item is not None:
            yield from _units_of(item, part_bytes)


def _units_of(found: Found, part_bytes: int | None) -> list[Unit]:
    if isinstance(found, ReadError):
        return [found]
    path, prefix = found
    size = _size_of(path) if part_bytes and splits_into_parts(path) else None
    if size is None or size <= part_bytes:
        return [(str(path), prefix, None, None)]
    return [(str(path), prefix, part, None) for part in parts_of(size, part_bytes)]


def _size_of(path: Path) -> int | None:
    """The file's size, or None where it cannot be read (reading it whole then names the problem)."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def read_unit(unit: Unit, reading: Reading, readers: PartReaders | None = None) -> Iterator[Item]:
    """A unit's items; ``readers`` keeps a compressed file open from one of its parts to the next."""
    if isinstance(unit, ReadError):
        yield unit
        return
    path, prefix, part, names = unit
    gave = False
    for item in read_path(Path(path), prefix, reading, part, readers):
        gave = True
        yield item
    if names is not None and not gave:
        yield nothing_found(names)


# --- checking --------------------------------------------------------------------------------------

@dataclass(slots=True)
class Outcome:
    """One document's (or read error's) result: its JSONL line (UTF-8, as it is written and as it
    crosses from a worker: a str would be encoded to pickle, decoded to unpickle and encoded again to
    write), whether it passed, and the report itself when it is at hand. A judged report comes with its
    line (``check_items``); otherwise either is made from the other on demand: the line when it is
    written or cached, the report when the parent of a pool needs it. ``judged_by`` is the digest of
    the gate policy that judged it (``gate.PolicyJudge``), empty as checked."""

    rendered: bytes | None
    passed: bool
    report: DocumentReport | ReadError | None = None
    judged_by: bytes = b""

    @property
    def line(self) -> bytes:
        if self.rendered is None:
            self.rendered = render_line_bytes(self.report)
        return self.rendered

    def item(self) -> DocumentReport | ReadError:
        """The report, parsed from its line by pydantic's own JSON parser (three times faster than
        ``json.loads`` and ``model_validate``): the parent of a pool parses the reports the cache
        answers as another policy judged them, and every report of a run that judges them there (a
        baseline, suppressions to count, formats beside JSON Lines)."""
        if self.report is None:
            if self.line.startswith(ERROR_LINE_START):
                error = ErrorRecord.model_validate_json(self.line)
                self.report = ReadError(path=error.path, line=error.line, message=error.error)
            else:
                self.report = DocumentReport.model_validate_json(self.line)
        return self.report


def check_items(items: list[Item], rules: RuleSet, settings: Settings, templates=None,
                judge: PolicyJudge | None = None) -> list[Outcome]:
    """Each item's outcome, the documents checked together (``pipeline.check_documents``); ``judge``,
    when given, is the gate's verdict laid on each report here, where it is checked, so that a pool's
    parent only writes (and caches) the lines its workers render."""
    documents = [item for item in items if not isinstance(item, ReadError)]
    reports = iter(pipeline.check_documents(documents, rules, settings, templates))
    return [Outcome(None, False, item) if isinstance(item, ReadError) else _outcome(next(reports), judge)
            for item in items]


def _outcome(report: DocumentReport, judge: PolicyJudge | None) -> Outcome:
    if judge is None:
        return Outcome(None, report.passed, report)
    judged = judge(report)
    return Outcome(render_line_bytes(judged), judged.passed, judged, judge.digest)


_WORKER: dict[str, tuple[Settings, RuleSet]] = {}
_TEMPLATES: list = [None]  # the corpus pre-pass counts this process checks with
# A Ray worker's compressed file, kept open from one task's part to the next: tasks go out in input
# order, so a worker mostly gets parts further on in the file, and reads on to them.
_WORKER_READERS = PartReaders()


def rules_for(settings: Settings) -> RuleSet:
    """The rule set these settings name, loaded once per process."""
    key = settings.model_dump_json()
    if key not in _WORKER:
        _WORKER.clear()
        _WORKER[key] = (settings, load_rules(extra_dirs=[Path(r) for r in settings.rules],
                                             disabled=settings.disable, enabled_only=settings.enable))
    return _WORKER[key][1]


def _init_worker(settings: Settings, templates) -> None:
    rules_for(settings)
    _TEMPLATES[0] = templates


def worker_pool(settings: Settings, rules: RuleSet, templates, jobs: int) -> Executor:
    """A process pool whose workers are forked from this process with the rule structures built
    (``rules_for``, ``worker_templates``); ``stop_pool`` shuts it down."""
    _WORKER.clear()
    _WORKER[settings.model_dump_json()] = (settings, rules)  # forked workers inherit it
    _TEMPLATES[0] = templates
    pipeline.prepare(rules, settings)
    # The collector would otherwise touch, and so copy, every shared object in each worker. No
    # collection first: loading and preparing leave a handful of cyclic garbage objects, and one
    # would walk all 85,000 live ones (0.04 s before the first worker starts).
    gc.freeze()
    return _process_pool(jobs, "fork" if _can_fork() else "spawn", initializer=_init_worker,
                         initargs=(settings, templates))


def stop_pool(pool: Executor, wait: bool = True, cancel_futures: bool = False) -> None:
    """Shuts down a ``worker_pool``, then lets the collector walk what was frozen for its fork."""
    try:
        pool.shutdown(wait, cancel_futures=cancel_futures)
    finally:
        gc.unfreeze()


def worker_templates():
    """The corpus pre-pass counts this process checks with (a worker's, set as it starts)."""
    return _TEMPLATES[0]


def _check_chunk(settings: Settings, items: list[Item], judge: PolicyJudge | None = None) -> list[tuple]:
    """What a worker sends back for each item: its line, its verdict and its judge's digest (``Outcome``'s fields)."""
    outcomes = check_items(items, rules_for(settings), settings, worker_templates(), judge)
    return [(o.line, o.passed, None, o.judged_by) for o in outcomes]


Sighting = tuple[str, str, int | None]  # a document's id, path and record line, for ``SharedIds``


def check_unit(unit: Unit, settings: Settings, templates=None,
               judge: PolicyJudge | None = None) -> tuple[list[tuple], list[Sighting]]:
    """The shard function: every report of one input unit (what a Ray task runs), as ``_check_chunk``
    sends them, and where each of its documents was read, for the run to name the ids they share."""
    _TEMPLATES[0] = templates
    sightings: list[Sighting] = []

    def sighted(items: Iterable[Item]) -> Iterator[Item]:
        for item in items:
            if isinstance(item, Document):
                sightings.append((item.id, item.path, item.line))
            yield item

    chunks = chunks_of(sighted(read_unit(unit, reading_of(settings), _WORKER_READERS)))
    return [row for chunk in chunks for row in _check_chunk(settings, chunk, judge)], sightings


def chunks_of(items: Iterable[Item]) -> Iterator[list[Item]]:
    """The items in the chunks a run checks together: at most ``CHUNK_DOCS`` items or ``CHUNK_CHARS``
    characters of text each."""
    chunk: list[Item] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.text) if isinstance(item, Document) else 0
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _process_pool(jobs: int, method: str, **options) -> Executor:
    """A pool of ``jobs`` processes started by ``method``. Imported here, as ``_can_fork``'s: the process
    pool and multiprocessing cost a hundredth of a second of start-up, which a run on one core never uses."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    return ProcessPoolExecutor(jobs, mp_context=get_context(method), **options)


def _can_fork() -> bool:
    from multiprocessing import get_all_start_methods

    return "fork" in get_all_start_methods()


class _Inline(Executor):
    """Runs each chunk at once in this process, keeping the reports themselves (no parsing back).

    After the first chunk, what is then alive (the rules, and the structures the check built from
    them on first use) is frozen out of the cyclic collector until shutdown, as before a pool's
    fork: the collections that a check's allocations start would otherwise walk those objects until
    they reach the oldest generation, 0.52 G instructions of every one-core run (callgrind, over 2
    and 10 MB alike: a fixed cost, about 0.2 s)."""

    def __init__(self, rules: RuleSet, templates=None):
        self.rules, self.templates = rules, templates
        self.frozen = False

    def submit(self, fn, settings, items, judge=None):  # noqa: D102 - Executor.submit's contract
        future: Future = Future()
        future.set_result(check_items(items, self.rules, settings, self.templates, judge))
        if not self.frozen:
            gc.freeze()
            self.frozen = True
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


class _PoolWhenNeeded(Executor):
    """A runner's process pool, started once ``after`` documents have needed checking: until then
    each chunk is checked here. With a result cache most chunks of a run over a corpus checked
    before need no checking at all, and a few new documents are checked faster here than a pool
    starts (building the rule structures to share and forking: a warm run over 10 MB on two cores
    took 0.2 s longer than on one); without one the pool starts with the first chunk."""

    def __init__(self, runner: Runner, after: int):
        self.runner, self.after = runner, after
        self.inline = _Inline(runner.rules, runner.templates)
        self.pool: Executor | None = None

    def submit(self, fn, settings, items, judge=None):  # noqa: D102 - Executor.submit's contract
        if self.pool is None:
            self.after -= len(items)
            if self.after > 0:
                return self.inline.submit(fn, settings, items, judge)
            runner = self.runner
            self.pool = worker_pool(runner.settings, runner.rules, runner.templates, runner.jobs)
        return self.pool.submit(fn, settings, items, judge)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inline.shutdown()
        if self.pool is not None:
            stop_pool(self.pool, wait, cancel_futures)


@dataclass
class _Pending:
    items: list[Item]
    cached: dict[int, Outcome]
    todo: list[int]
    keys: list[bytes | None]
    future: Future | None


class Runner:
    """Checks a stream of items in order, with an optional cache and process pool. With a ``judge``
    (see ``check_items``) every outcome comes out judged, without one as checked. The cache keeps
    each line as the run that wrote it had it: one the cache answers as this run wants it is written
    as it is; any other is parsed and judged again, and kept so, or, in a run that judges in the
    parent, brought back to as checked (``_judged_again``)."""

    def __init__(self, settings: Settings, rules: RuleSet, jobs: int = 1, cache: ResultCache | None = None,
                 templates=None, judge: PolicyJudge | None = None):
        self.settings, self.rules, self.jobs, self.cache = settings, rules, max(1, jobs), cache
        self.templates, self.judge = templates, judge
        self.judged_by = judge.digest if judge is not None else b""

    def outcomes(self, items: Iterable[Item]) -> Iterator[Outcome]:
        chunks = chunks_of(items)
        first = next(chunks, None)
        if first is None:
            return
        second = next(chunks, None)
        if second is None or self.jobs == 1:
            inline = _Inline(self.rules, self.templates)
            try:
                yield from self._run(inline, _prepend(first, second, chunks), window=1)
            finally:
                inline.shutdown()
            return
        pool = _PoolWhenNeeded(self, POOL_AFTER_DOCS if self.cache is not None else 0)
        try:
            yield from self._run(pool, _prepend(first, second, chunks), window=2 * self.jobs)
        finally:
            pool.shutdown()

    def _run(self, executor: Executor, chunks: Iterable[list[Item]], window: int) -> Iterator[Outcome]:
        pending: deque[_Pending] = deque()
        for chunk in chunks:
            pending.append(self._submit(executor, chunk))
            if len(pending) >= window:
                yield from self._collect(pending.popleft())
        while pending:
            yield from self._collect(pending.popleft())

    def _submit(self, executor: Executor, chunk: list[Item]) -> _Pending:
        keys: list[bytes | None] = [None] * len(chunk)
        cached: dict[int, Outcome] = {}
        if self.cache is not None:
            for n, item in enumerate(chunk):
                if isinstance(item, Document):
                    keys[n] = self.cache.key(item)
            found = self.cache.get_many([k for k in keys if k])
            hits = {n: found[k] for n, k in enumerate(keys) if k in found}
            cached = {n: Outcome(line, passed, judged_by=judged_by) for n, (line, passed, judged_by) in hits.items()}
        todo = [n for n in range(len(chunk)) if n not in cached]
        future = executor.submit(_check_chunk, self.settings, [chunk[n] for n in todo], self.judge) if todo else None
        return _Pending(chunk, cached, todo, keys, future)

    def _collect(self, job: _Pending) -> Iterator[Outcome]:
        done = job.future.result() if job.future is not None else []
        fresh = {n: r if isinstance(r, Outcome) else Outcome(*r) for n, r in zip(job.todo, done)}
        again = {n: self._judged_again(o) for n, o in job.cached.items() if o.judged_by != self.judged_by}
        if self.cache is not None:
            kept = {**fresh, **again} if self.judge is not None else fresh
            self.cache.put_many([(job.keys[n], o.line, o.passed, o.judged_by) for n, o in kept.items() if job.keys[n]])
        answered = {**job.cached, **again}
        for n in range(len(job.items)):
            yield fresh[n] if n in fresh else answered[n]

    def _judged_again(self, cached: Outcome) -> Outcome:
        """A cached outcome another policy judged, or none did, as this run wants it: judged by its
        judge (which sets a report's verdict and notes afresh), and kept so; or, where the run judges
        in the parent, as checked, and the cache left as it was (a run of another format between two
        gated runs would otherwise write every line twice)."""
        report = cached.item()
        if self.judge is None:
            checked = pipeline.as_checked(report, self.settings)
            return Outcome(None, checked.passed, checked)
        return _outcome(report, self.judge)


def _prepend(first, second, rest):
    yield first
    if second is not None:
        yield second
    yield from rest


# --- Ray -------------------------------------------------------------------------------------------

RAY_RETRIES = 3


def ray_outcomes(unit_list: Iterable[Unit], settings: Settings, address: str | None, templates=None,
                 judge: PolicyJudge | None = None) -> Iterator[Outcome]:
    """One Ray task per unit, each retried on failure; results come back in input order. The
    workers read the inputs, so the ids their documents share are named here, as each unit's
    results come back (``SharedIds``), in the words and order of a local run."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--executor ray needs Ray: pip install 'provenance[ray]'") from None
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        remote = ray.remote(max_retries=RAY_RETRIES, retry_exceptions=True)(check_unit)
        window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
        shared = ray.put(templates)  # the counts (16 MB as shipped) stored once, not pickled again for every task
        pending: deque = deque()
        ids = SharedIds()
        for unit in unit_list:
            pending.append(remote.remote(unit, settings, shared, judge))
            if len(pending) >= window:
                yield from _unit_outcomes(ray.get(pending.popleft()), ids)
        while pending:
            yield from _unit_outcomes(ray.get(pending.popleft()), ids)
        ids.finish()
    finally:
        if started:
            ray.shutdown()


def _unit_outcomes(result: tuple[list[tuple], list[Sighting]], ids: SharedIds) -> list[Outcome]:
    """A unit's outcomes (``check_unit``), its documents' ids seen first."""
    rows, sightings = result
    for sighting in sightings:
        ids.see(*sighting)
    return [Outcome(*row) for row in rows]


# --- a whole run -----------------------------------------------------------------------------------

def run_templates(args: argparse.Namespace, settings: Settings, rules: RuleSet) -> TemplateCounts | None:
    """The corpus pre-pass's counts. Before a local pool, the pre-pass runs in a forked process while
    this one builds the rule structures the workers will share: both are serial work ahead of the
    first chunk, and on two cores the pre-pass then costs no wall time of its own. With a result
    cache the structures are left to be built when a document the cache cannot answer needs them: a
    warm run then never builds them, which saves more than the overlap would.

    The pre-pass reads every document under the paths, also where ``--since`` checks the changed ones
    alone: a line is a template of the corpus, and counted over the changes it was none, so a pull
    request's check passed a document that the full check of its merge failed."""
    since, rule = getattr(args, "since", None), template_rule(rules)
    jobs = jobs_of(args)
    if not prepass_runs(settings, rules, args.templates) or jobs == 1 or args.executor != "local" \
            or not _can_fork() or cache_folder(args) is not None:
        return corpus_templates(read_documents(args.paths, reading_of(settings)), settings, rules, args.templates)
    counts = empty_counts(rule, shared=True)
    with _process_pool(1, "fork", initializer=_count_into, initargs=(counts,)) as side:
        groups = side.submit(_count_corpus, args.paths, reading_of(settings), rule)
        pipeline.prepare(rules, settings)
        _warm_signatures(select_documents(args.paths, since, reading_of(settings)), rules, settings, groups)
        counts.group_docs = groups.result()
    return counts


def _warm_signatures(items: Iterable[Item], rules: RuleSet, settings: Settings, until: Future) -> None:
    """Match signatures over the first documents while ``until`` (the pre-pass) runs, in time this
    process would spend waiting: RE2 builds its automata's states as it matches, and the workers
    forked afterwards share the states built here instead of each building them again (a worker's
    first 4 MB then take 0.2 s less)."""
    if until.done():
        return
    for item in islice(items, WARM_DOCS):
        if until.done():
            return
        if isinstance(item, Document):
            collect_hits(item, rules, settings.regex_timeout, settings.engine)


_SHARED_COUNTS: list[TemplateCounts | None] = [None]  # the pre-pass process's counts, in its parent's memory


def _count_into(counts: TemplateCounts) -> None:
    """The pre-pass process's initializer: forked, it holds its parent's ``counts`` (not a copy, as
    the arguments of a forked process are never pickled), whose table is shared memory."""
    _SHARED_COUNTS[0] = counts


def _count_corpus(paths: list[Path], reading: Reading, rule: Detector) -> Counter[str]:
    """The pre-pass into the shared counts; what goes back through the pipe is the documents per
    group alone, where the whole sketch (16 MB as shipped) was pickled, sent and copied on the path
    to the first chunk."""
    documents = read_documents(paths, reading)
    return count_templates((d for d in documents if isinstance(d, Document)), rule, _SHARED_COUNTS[0]).group_docs


def _chosen_cache_folder(args: argparse.Namespace) -> Path | None:
    """The cache folder the options and environment choose, or ``None`` when the cache is off."""
    if args.no_cache or args.executor == "ray" or (os.environ.get(NO_CACHE_ENV) and not args.cache_dir):
        return None
    return args.cache_dir or default_cache_dir()


def cache_folder(args: argparse.Namespace) -> Path | None:
    """Where the rules cache lives: the result cache's folder, under the same switches (and never
    inside a checked folder)."""
    folder = _chosen_cache_folder(args)
    return None if folder is None or inside(folder, args.paths) else folder


def open_cache(args: argparse.Namespace, settings: Settings, rules: RuleSet, templates=None) -> ResultCache | None:
    folder = _chosen_cache_folder(args)
    if folder is None:
        return None
    if inside(folder, args.paths):
        print(f"provenance: note: the cache folder {folder} lies inside a checked folder; running without it",
              file=sys.stderr)
        return None
    # The corpus pre-pass changes reports: what its counts tell about each document is in its key.
    vary = answers_for(templates, template_rules(rules)) if templates is not None else None
    try:
        return ResultCache(folder, namespace(rules.digest, settings), args.cache_max_size, vary)
    except OSError as exc:
        print(f"provenance: note: cannot use the cache folder {folder} ({exc}); running without it", file=sys.stderr)
        return None


def outcomes(args: argparse.Namespace, settings: Settings, rules: RuleSet, documents: Iterable[Item],
             cache: ResultCache | None = None, templates=None, judge: PolicyJudge | None = None) -> Iterator[Outcome]:
    """The outcome of every document, in input order: on this machine, or on Ray (which reads the
    input files on its workers, so it takes ``args.paths`` rather than ``documents``)."""
    if args.executor == "ray":
        if getattr(args, "since", None):
            raise ConfigError("--since cannot be used with --executor ray")
        return ray_outcomes(units(args.paths, part_bytes=part_size_of(args)), settings, args.address, templates, judge)
    jobs = jobs_of(args)
    return Runner(settings, rules, jobs, cache, templates, judge).outcomes(documents)


def reports(args: argparse.Namespace, settings: Settings, rules: RuleSet, documents: Iterable[Item],
            cache: ResultCache | None = None, templates=None) -> Iterator[DocumentReport | ReadError]:
    """The report of every document, in input order (see ``outcomes``)."""
    return (o.item() for o in outcomes(args, settings, rules, documents, cache, templates))


def as_outcomes(results: Iterable[DocumentReport | ReadError]) -> Iterator[Outcome]:
    """Reports (and read errors) as outcomes, to write as lines: a read error fails."""
    return (Outcome(None, isinstance(item, DocumentReport) and item.passed, item) for item in results)


def write_lines(outcomes: Iterable[Outcome], output: Path) -> int:
    """Each outcome's line, through a temporary file and a rename, to ``output`` (``stream_lines``)."""
    with open_atomic(output, binary=True) as handle:  # nobody sees the file before it is whole: no flushes
        return stream_lines(outcomes, handle.write)


def stream_lines(outcomes: Iterable[Outcome], write: Callable[[bytes], object],
                 flush: Callable[[], object] = lambda: None) -> int:
    """Each outcome's line to ``write``, ``flush`` after each; 1 where one failed, else 0."""
    failed = False
    for outcome in outcomes:
        failed |= not outcome.passed
        write(outcome.line)
        flush()
    return 1 if failed else 0


def run_shard(args: argparse.Namespace, settings: Settings, rules: RuleSet, cache: ResultCache | None,
              gate: GateRun, templates=None) -> int:
    """Check one shard into ``--output DIR``; a shard already done under the same digests is skipped.
    ``gate`` is the CI gate's verdict on each report, as in an unsharded run: laid where each report is
    checked when it needs no record of the run (``GateRun.detached``), as the lines are all a shard writes."""
    shard, folder = args.shard, args.output
    if folder is None or (folder.exists() and not folder.is_dir()):
        raise ConfigError("--shard needs --output DIR (a folder for the shard's reports)")
    if getattr(args, "since", None) or args.executor == "ray":
        raise ConfigError("--shard runs on this machine over all its inputs: drop --since and --executor ray")
    reports_name = shard.reports_name(args.gzip)
    marker_path = folder / f"{shard.stem}{MARKER_SUFFIX}"
    expected = {"rules_digest": rules.digest, "settings": namespace(rules.digest, settings), "version": __version__,
                "part_bytes": part_size_of(args), "compressed_read_bytes": COMPRESSED_READ_BYTES}
    previous = read_marker(marker_path)
    if previous and all(getattr(previous, k) == v for k, v in expected.items()):
        print(f"provenance: {shard.stem} already done ({marker_path}); skipped", file=sys.stderr)
        return previous.exit
    counts: list[int] = []  # reports per unit, for `provenance merge` to restore input order

    def items() -> Iterator[Item]:
        with PartReaders() as readers:
            for unit in units(args.paths, shard, part_size_of(args)):
                counts.append(0)
                for item in read_unit(unit, reading_of(settings), readers):
                    counts[-1] += 1
                    yield item

    detached = gate.detached()
    documents = warning_of_shared_ids(items())  # of this shard's inputs: `merge` names those shards share
    lines = (outcomes(args, settings, rules, documents, cache, templates, detached) if detached is not None
             else as_outcomes(gate.judge_all(reports(args, settings, rules, documents, cache, templates))))
    exit_code = write_lines(lines, folder / reports_name)
    write_marker(marker_path, ShardMarker(**expected, shard=(shard.index, shard.count), threshold=settings.threshold,
                                          inputs=[str(p) for p in args.paths], units=counts, exit=exit_code,
                                          reports=reports_name, record_fields=reading_of(settings).shape.keys,
                                          rules_in_force=rules_in_force(rules)))
    return exit_code
