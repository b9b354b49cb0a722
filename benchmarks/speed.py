"""Speed of ``provenance check --format jsonl`` end to end, against a C4-style line filter on the same text.

The corpus is built at run time in a temporary folder (never committed): the texts of
``../shared/eval/data/residue-dev-B.jsonl`` (read from the shared folder, for measuring only) and the
seed corpus, repeated to about ``--mb`` megabytes of JSONL. Each command runs ``--repeat`` times as a
child process, in rounds that run every command once (``measure_interleaved``); the figures are
medians (wall time) and the peak memory is the largest proportional set size of the run's whole
process tree (the checker and its workers together), sampled from ``/proc``. The header names the
interpreter: the figures depend on its build (``README.md``, Figures).

    python benchmarks/speed.py                      # 50 MB, 3 runs of each command
    python benchmarks/speed.py --mb 10 --repeat 5 --breakdown

``--breakdown`` adds where one core's time goes, stage by stage, on the first few megabytes.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent.parent / "shared" if (ROOT.parent.parent / "shared").is_dir() else ROOT.parent / "shared"
DEV_B = SHARED / "eval" / "data" / "residue-dev-B.jsonl"


# --- the corpus -------------------------------------------------------------------------------------

def source_texts() -> list[str]:
    texts = []
    if DEV_B.is_file():
        for raw in DEV_B.open(encoding="utf-8"):
            record = json.loads(raw)
            texts.append("\n".join(record["lines"]))
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    return texts


def record_line(n: int, texts: list[str]) -> str:
    """The corpus's document ``n``: a JSONL record of the text ``n % len(texts)``."""
    return json.dumps({"id": f"doc-{n}", "text": texts[n % len(texts)]}, ensure_ascii=False) + "\n"


def split_in_halves(corpus: Path, first: Path, second: Path) -> None:
    """The corpus's first half of documents into ``first``, the rest into ``second``."""
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    first.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    second.write_text("".join(lines[len(lines) // 2:]), encoding="utf-8")


def check_command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "provenance", "check", str(corpus), "--format", "jsonl", "--output", str(out)]


def side_by_side(commands: list[list[str]]) -> None:
    """Run ``commands`` at once and wait for them all: what two cores give two independent processes
    at this moment, each with its own start-up and no pool, parent or pipe between them; the pool's
    two-core row is read against it, as the machine's speed-up for two processes moves with the host."""
    procs = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.DEVNULL) for c in commands]
    codes = [p.wait() for p in procs]  # every one waited for, so that none outlives a failed one
    if any(code not in (0, 1) for code in codes):
        raise SystemExit(f"a side-by-side check failed: exit codes {codes}")


def build_corpus(path: Path, megabytes: float) -> tuple[int, int]:
    """Write about ``megabytes`` MB of JSONL; returns (documents, bytes)."""
    texts = source_texts()
    target, size, n = int(megabytes * 1e6), 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            line = record_line(n, texts)
            out.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n, size


# --- the baseline: a C4-style line filter -----------------------------------------------------------

_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")


def c4_keeps(line: str) -> bool:
    """C4's line rules: terminal punctuation, at least three words, no javascript or policy text."""
    line = _CITATION.sub("", line.strip())
    if not line.endswith((".", "?", "!", '"', "'")) or line.endswith("..."):
        return False
    if len(line.split()) < 3 or any(len(w) > 1000 for w in line.split()):
        return False
    low = line.lower()
    return "javascript" not in low and not any(p in low for p in _POLICY)


def c4_filter(source: Path, target: Path) -> None:
    """JSONL in, JSONL out: each record's text with C4's line rules applied."""
    with source.open("rb") as inp, target.open("w", encoding="utf-8") as out:
        for raw in inp:
            record = json.loads(raw)
            kept = [line for line in record["text"].split("\n") if c4_keeps(line)]
            out.write(json.dumps({"id": record["id"], "text": "\n".join(kept)}, ensure_ascii=False) + "\n")


# --- measuring --------------------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Memory (bytes) of ``pid`` and all its descendants, from /proc: the proportional set size, so
    pages forked workers share with their parent count once, else the resident set."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            try:
                status = Path(f"/proc/{current}/smaps_rollup").read_text()
            except OSError:
                status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"(?:Pss|VmRSS):\s+(\d+) kB", status)
        total += int(match.group(1)) * 1024 if match else 0
        todo += [int(c) for c in children]
    return total


# How often the peak memory is sampled. Reading a process's smaps_rollup walks its page tables: every
# 0.05 s, over the three processes of a two-core run, the sampler took 0.4 s of the 2 cores' 4.6
# (two-core runs 8% slower, the ratio to one core 1.51 where unsampled runs gave 1.63). The peak
# holds for most of a run, so a sample every quarter second still finds it.
SAMPLE_SECONDS = 0.25


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process tree, peak tree RSS in bytes) of one run."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    after = os.times()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, peak[0]


@dataclass
class Command:
    """One row of the table: a command, how many times it runs, and what it needs before each run."""

    name: str
    argv: list[str]
    repeat: int
    env: dict[str, str] | None = None
    before: Callable[[], None] = lambda: None
    runs: list[tuple[float, float, int]] = field(default_factory=list)


def measure_interleaved(commands: list[Command], docs: int, size: int) -> list[dict]:
    """Every command's runs, in rounds: each round runs every command that has runs left, in the
    table's order. This shared machine's speed drifts by a fifth within the hour; command after
    command, each row would be timed on a different machine state, and the ratios between rows
    would measure the drift. A round's runs lie minutes apart at most."""
    rounds = max(c.repeat for c in commands)
    for round_ in range(rounds):
        for command in commands:
            if round_ < command.repeat:
                command.before()
                command.runs.append(timed(command.argv, command.env))
        if rounds > 1:
            print(f"round {round_ + 1} of {rounds} done", file=sys.stderr, flush=True)
    return [row_of(command, docs, size) for command in commands]


def row_of(command: Command, docs: int, size: int) -> dict:
    runs = command.runs
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    row = {"name": command.name, "wall_s": wall, "cpu_s": cpu, "mb_s": size / 1e6 / wall, "docs_s": docs / wall,
           "cpu_mb_s": size / 1e6 / cpu, "peak_mb": max(r[2] for r in runs) / 1e6, "runs": [r[0] for r in runs]}
    print(f"{command.name:44s} {row['mb_s']:7.2f} MB/s {row['docs_s']:8.0f} docs/s  wall {wall:6.1f} s  "
          f"cpu {cpu:6.1f} s ({row['cpu_mb_s']:.2f} MB/s of CPU)  peak {row['peak_mb']:5.0f} MB", flush=True)
    return row


def round_spread(slower: dict, faster: dict) -> str:
    """The speed ratios of ``faster`` to ``slower`` within each round (their runs minutes apart at
    most): their median, which the machine's drift from one round to the next does not move, and
    their lowest and highest, how far the drift within a round moves them."""
    ratios = [a / b for a, b in zip(slower["runs"], faster["runs"])]
    if len(ratios) < 2:
        return ""
    return f" (per round: median {statistics.median(ratios):.2f}, {min(ratios):.2f} to {max(ratios):.2f})"


def empty_result_cache(folder: Path) -> None:
    """The default run on a corpus not checked before: the result cache is written from empty, and
    the rules cache is the one an earlier run left (the first of these runs writes it)."""
    for path in folder.glob("results.sqlite3*"):
        path.unlink()


def compile_bytecode(tree: Path = ROOT) -> None:
    """Write the package's bytecode, as ``pip install`` does: in a checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set, or whose sources are newer than their bytecode, every timed
    process would compile them again (a tenth of a second of CPU, measured on one document)."""
    compileall.compile_dir(tree / "provenance", quiet=1)


def accelerated(tree: Path = ROOT) -> bool:
    """Whether the checker run from ``tree`` uses its C accelerator (``provenance/_fastpage.c``)."""
    probe = "from provenance import accelerator; print(accelerator.fastpage is not None)"
    return subprocess.run([sys.executable, "-c", probe], cwd=tree, capture_output=True, text=True).stdout.strip() == "True"


# --- where the time goes ----------------------------------------------------------------------------

def breakdown(path: Path, megabytes: float) -> None:
    """Each stage timed as the check runs it: over a chunk of documents at a time, one stage after
    another (``pipeline.check_documents``), on documents read afresh (their lines, UTF-8 and offsets
    not yet worked out), after a warm-up pass that builds RE2's DFA states as a long run would."""
    sys.path.insert(0, str(ROOT))
    from provenance import pipeline, runner
    from provenance.analyzers import attribution, collect_hits_of, provenance, residue
    from provenance.config import Settings
    from provenance.renderers.jsonout import render_line_bytes
    from provenance.rulepack import load_rules

    rules, settings = load_rules(), Settings()
    clock = time.process_time
    chunks, size = first_chunks(path, megabytes)
    stages: dict[str, float] = dict.fromkeys(
        ("document lines", "signatures (prefilter)", "signatures (reference)", "residue", "provenance",
         "attribution", "whole check", "serialise (C writer)"), 0.0)

    def timed(name: str, work):
        t = clock(); result = work(); stages[name] += clock() - t
        return result

    with runner.few_collections():
        for chunk in chunks():
            pipeline.check_documents(chunk, rules, settings)
        for chunk in chunks():
            timed("document lines", lambda: [(doc.lines, doc.utf8_line_starts) for doc in chunk])
            ctxs = timed("signatures (prefilter)", lambda: pipeline.contexts(chunk, rules, settings))
            for name, analyzer in (("residue", residue), ("provenance", provenance), ("attribution", attribution)):
                timed(name, lambda: analyzer.analyze_chunk(ctxs))
        for chunk in chunks():
            reports = timed("whole check", lambda: pipeline.check_documents(chunk, rules, settings))
            timed("serialise (C writer)", lambda: [render_line_bytes(report) for report in reports])
        for chunk in chunks():
            timed("signatures (reference)", lambda: collect_hits_of(chunk, rules, settings.regex_timeout, "reference"))
    whole = stages["whole check"]
    documents = sum(len(chunk) for chunk in chunks())
    print(f"\nWhere one core's time goes ({documents} documents, {size / 1e6:.1f} MB, CPU seconds):")
    for name, seconds in stages.items():
        share = f"{100 * seconds / whole:5.1f}% of check" if name not in ("signatures (reference)", "whole check") else " " * 16
        print(f"  {name:30s} {seconds:7.2f} s  {size / 1e6 / seconds if seconds else 0:8.1f} MB/s  {share}")


def first_chunks(path: Path, megabytes: float):
    """A function giving, on each call, the first ``megabytes`` of documents read afresh, in the
    chunks the runner makes; and their size in bytes of text."""
    from provenance import runner
    from provenance.sources import read_documents

    def documents():
        size = 0
        for doc in read_documents([path]):
            yield doc
            size += len(doc.text.encode("utf-8"))
            if size > megabytes * 1e6:
                return

    size = sum(len(doc.text.encode("utf-8")) for doc in documents())
    return (lambda: list(runner.chunks_of(documents()))), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB of JSONL (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--breakdown", action="store_true", help="also show where one core's time goes")
    parser.add_argument("--c4-filter", nargs=2, type=Path, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--side-by-side", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.c4_filter:
        c4_filter(*args.c4_filter)
        return
    if args.side_by_side:
        side_by_side([json.loads(c) for c in args.side_by_side])
        return
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="provenance-speed-") as tmp:
        corpus, out, cache = Path(tmp) / "corpus.jsonl", Path(tmp) / "out.jsonl", Path(tmp) / "cache"
        docs, size = build_corpus(corpus, args.mb)
        halves = [Path(tmp) / "first-half.jsonl", Path(tmp) / "second-half.jsonl"]
        split_in_halves(corpus, *halves)
        print(f"corpus: {docs} documents, {size / 1e6:.1f} MB of JSONL "
              f"({'residue-dev-B + seeds' if DEV_B.is_file() else 'seeds only'}); {os.cpu_count()} cores; "
              f"load average {os.getloadavg()[0]:.1f}; medians of {args.repeat} interleaved runs; C accelerator "
              f"{'in use' if accelerated() else 'not built (every row runs pure Python)'}; Python "
              f"{platform.python_version()} ({os.path.realpath(sys.executable)})\n", flush=True)
        check = check_command(corpus, out)
        pure_env = {**os.environ, "PROVENANCE_PURE_PYTHON": "1"}
        rows = measure_interleaved([
            Command("C4-style line filter (1 core)", [sys.executable, __file__, "--c4-filter", str(corpus), str(out)],
                    args.repeat),
            Command("provenance check, 1 core", [*check, "--jobs", "1", "--no-cache"], args.repeat),
            Command("provenance check, 2 cores", [*check, "--jobs", "2", "--no-cache"], args.repeat),
            Command("1 core on each half, side by side", [
                sys.executable, __file__, "--side-by-side",
                *(json.dumps([*check_command(half, half.with_suffix(".out")), "--jobs", "1", "--no-cache"])
                  for half in halves)], args.repeat),
            Command("provenance check, 1 core, pure Python", [*check, "--jobs", "1", "--no-cache"], args.repeat,
                    env=pure_env),
            Command("provenance check, 1 core, reference engine",
                    [*check, "--jobs", "1", "--no-cache", "--engine", "reference"], 1),
            Command("provenance check, 1 core, new corpus", [*check, "--jobs", "1", "--cache-dir", str(cache)],
                    args.repeat, before=lambda: empty_result_cache(cache)),
            Command("provenance check, 2 cores, new corpus", [*check, "--jobs", "2", "--cache-dir", str(cache)],
                    args.repeat, before=lambda: empty_result_cache(cache)),
            Command("provenance check, warm cache", [*check, "--jobs", "1", "--cache-dir", str(cache)], args.repeat),
        ], docs, size)
        c4, one, two, halves_row, pure, reference, new_one, new_two, warm = rows
        print(f"\n2 cores / 1 core: {two['mb_s'] / one['mb_s']:.2f}x{round_spread(one, two)}; two one-core checks of "
              f"the halves side by side / 1 core: {halves_row['mb_s'] / one['mb_s']:.2f}x"
              f"{round_spread(one, halves_row)}; the same for the "
              f"default command on a new corpus: {new_two['mb_s'] / new_one['mb_s']:.2f}x"
              f"{round_spread(new_one, new_two)}; C4 filter / check on 1 core: {c4['mb_s'] / one['mb_s']:.1f}x"
              f"{round_spread(one, c4)}; warm cache / C4 filter: {warm['mb_s'] / c4['mb_s']:.2f}x"
              f"{round_spread(c4, warm)}; accelerator / pure Python: {one['mb_s'] / pure['mb_s']:.2f}x; "
              f"prefilter / reference engine: {one['mb_s'] / reference['mb_s']:.1f}x")
        avg = size / docs
        for label, row in (("1 core", one), ("2 cores", two)):
            hours = 1e6 / row["docs_s"] / 3600
            print(f"a million documents of {avg / 1e3:.1f} kB ({avg / 1e3:.1f} GB) on {label}: about {hours:.1f} h "
                  f"({1e6 / row['docs_s'] / 60:.0f} min)")
        if args.breakdown:
            breakdown(corpus, min(args.mb, 5.0))


if __name__ == "__main__":
    main()
