"""Two versions of the checker timed against each other in one run: an earlier commit and the work tree.

    python benchmarks/compare.py BASE                   # 10 MB, 6 rounds, one core
    python benchmarks/compare.py main~3 --mb 50 --rounds 8 --jobs 2
    python benchmarks/compare.py BASE --instructions    # also count instructions (valgrind)
    python benchmarks/compare.py BASE --cache --jobs 2  # the default command on a new corpus (--warm: checked before)
    python benchmarks/compare.py BASE --head OTHER      # two commits, neither the work tree
    python benchmarks/compare.py BASE --format console  # the console report (to a file) instead of JSON Lines

BASE (any git revision) is checked out beside this one (``git worktree``, removed at the end) and its
C accelerator built there; the work tree runs as it is, uncommitted changes included (its accelerator
as last built: the header says whether each version runs it), or ``--head`` names a second revision,
checked out the same way. Both check the same corpus (``speed.build_corpus``: built at run time, never
committed) with ``provenance check --format jsonl --no-cache``, or with ``--cache`` the default command
on a corpus not checked before (its result cache emptied before each run, its rules cache warm), or
with ``--warm`` the default command on a corpus checked before (both caches filled by one run first), each
as a child process from its own folder, in rounds that run each once, the order alternating from
round to round; ``--format FORMAT`` times a report of the whole corpus instead (``check PATH --format
FORMAT --output FILE``; the console's in 120 columns), whose run holds what that format writes. This
machine's speed drifts by a fifth within the hour, so a change of a few percent shows only in the
ratio of runs minutes apart: the summary gives the medians and the median of the rounds' own ratios.
``--instructions`` adds each version's instruction count under callgrind (one core,
``PYTHONHASHSEED=0``), which the drift does not move. The summary also says whether the two
wrote the same reports, byte for byte.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import ROOT, accelerated, build_corpus, check_command, compile_bytecode, empty_result_cache, timed  # noqa: E402


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"compare.py: git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout.strip()


def check_out(revision: str, folder: Path) -> str:
    """``revision`` checked out in ``folder`` with its accelerator built; its short commit hash."""
    commit = git("rev-parse", "--short", f"{revision}^{{commit}}")
    git("worktree", "add", "--detach", str(folder), commit)
    if (folder / "hatch_build.py").is_file():
        subprocess.run([sys.executable, "hatch_build.py"], cwd=folder, capture_output=True)
    return commit


def work_tree_name() -> str:
    head = git("rev-parse", "--short", "HEAD")
    return f"work tree ({head}{', with uncommitted changes' if git('status', '--porcelain') else ''})"


def check_argv(corpus: Path, out: Path, jobs: int, cache: Path | None, fmt: str = "jsonl") -> list[str]:
    """The check ``speed.py`` times, on ``jobs`` processes: without caches, or with ``cache`` as its cache
    folder; the report in ``fmt`` written to ``out``."""
    caching = ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    command = [arg if arg != "jsonl" else fmt for arg in check_command(corpus, out)]
    return [*command, "--jobs", str(jobs), *caching]


def run_kind(args: argparse.Namespace) -> str:
    if args.warm:
        return "the default command on a corpus checked before"
    return "the default command on a new corpus" if args.cache else "--no-cache"


def empty_if_new_corpus(args: argparse.Namespace, cache: Path | None) -> None:
    """Before a run on a corpus not checked before (``--cache``), its result cache is emptied."""
    if cache is not None and not args.warm:
        empty_result_cache(cache)


def round_orders(rounds: int) -> list[tuple[int, int]]:
    """Which version runs first in each round: base first, then head first, and so on, so that neither
    always runs on the state the other left (the disk cache, the machine's drift within a round)."""
    return [(0, 1) if n % 2 == 0 else (1, 0) for n in range(rounds)]


def instructions(argv: list[str], cwd: Path) -> int:
    """The instructions one run executes, counted by callgrind."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode not in (0, 1) or found is None:
        raise SystemExit(f"compare.py: callgrind run failed in {cwd}: {done.stderr.strip()[-500:]}")
    return int(found.group(1))


def same_lines(first: Path, second: Path) -> str:
    """Whether two report files are the same, byte for byte; else how many lines differ."""
    a, b = first.read_bytes().splitlines(), second.read_bytes().splitlines()
    if a == b:
        return "the same reports, byte for byte"
    differing = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
    return f"reports differ: {differing} of {max(len(a), len(b))} lines"


def summary(names: list[str], runs: list[list[tuple[float, float, int]]], size: int) -> list[str]:
    lines = []
    for name, mine in zip(names, runs):
        wall = statistics.median(r[0] for r in mine)
        cpu = statistics.median(r[1] for r in mine)
        lines.append(f"{name}: median {wall:.2f} s ({size / 1e6 / wall:.2f} MB/s), CPU {cpu:.2f} s, "
                     f"peak {max(r[2] for r in mine) / 1e6:.0f} MB")
    ratios = [new[0] / old[0] for old, new in zip(*runs)]
    whole = statistics.median(r[0] for r in runs[1]) / statistics.median(r[0] for r in runs[0])
    lines.append(f"head / base, wall time: {whole:.3f} of medians; per round: median {statistics.median(ratios):.3f}, "
                 f"{min(ratios):.3f} to {max(ratios):.3f}")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options; ``--warm`` is the default command too (``args.cache``), on caches it leaves filled."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the git revision to compare the work tree with")
    parser.add_argument("--head", help="a git revision to time instead of the work tree")
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB of JSONL (default 10)")
    parser.add_argument("--rounds", type=int, default=6, help="runs of each version (default 6)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes of each check (default 1)")
    parser.add_argument("--cache", action="store_true",
                        help="time the default command on a new corpus (result cache empty, rules cache warm)")
    parser.add_argument("--warm", action="store_true",
                        help="time the default command on a corpus checked before (both caches warm)")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    parser.add_argument("--format", default="jsonl", help="the report's format (default jsonl)")
    args = parser.parse_args(argv)
    args.cache = args.cache or args.warm
    return args


def main() -> None:
    args = parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        raise SystemExit("compare.py: --instructions needs valgrind on the PATH")
    with tempfile.TemporaryDirectory(prefix="provenance-compare-") as tmp:
        trees, names = [], []
        try:
            for role, revision in (("base", args.base), ("head", args.head)):
                if revision is None:
                    trees.append(ROOT)
                    names.append(f"head {work_tree_name()}")
                    continue
                commit = check_out(revision, Path(tmp) / role)
                trees.append(Path(tmp) / role)
                names.append(f"{role} {commit}")
            compare(args, Path(tmp), trees, names)
        finally:
            for tree in trees:
                if tree != ROOT:
                    git("worktree", "remove", "--force", str(tree))


def compare(args: argparse.Namespace, tmp: Path, trees: list[Path], names: list[str]) -> None:
    corpus = tmp / "corpus.jsonl"
    docs, size = build_corpus(corpus, args.mb)
    outs = [tmp / "base.jsonl", tmp / "head.jsonl"]
    caches = [tmp / "base-cache", tmp / "head-cache"] if args.cache else [None, None]
    argvs = [check_argv(corpus, out, args.jobs, cache, args.format) for out, cache in zip(outs, caches)]
    for tree, name, argv in zip(trees, names, argvs):
        compile_bytecode(tree)
        if args.cache:
            subprocess.run(argv, cwd=tree, capture_output=True)  # writes the caches the runs read
        print(f"{name}: {'C accelerator in use' if accelerated(tree) else 'pure Python (accelerator not built)'}")
    print(f"corpus: {docs} documents, {size / 1e6:.1f} MB; {args.rounds} rounds, --jobs {args.jobs}, {run_kind(args)}"
          f", --format {args.format}",
          flush=True)
    runs: list[list[tuple[float, float, int]]] = [[], []]
    for number, order in enumerate(round_orders(args.rounds), start=1):
        for i in order:
            empty_if_new_corpus(args, caches[i])
            runs[i].append(timed(argvs[i], cwd=trees[i]))
        print(f"round {number}: {names[0]} {runs[0][-1][0]:.2f} s, {names[1]} {runs[1][-1][0]:.2f} s", flush=True)
    print("\n".join(summary(names, runs, size)))
    print(same_lines(*outs))
    if args.instructions:
        for cache in caches:
            empty_if_new_corpus(args, cache)
        counts = [instructions(check_argv(corpus, outs[i], 1, caches[i], args.format), trees[i]) for i in (0, 1)]
        print(f"instructions, one core: {names[0]} {counts[0] / 1e9:.2f} G, {names[1]} {counts[1] / 1e9:.2f} G "
              f"({counts[1] / counts[0]:.4f})")


if __name__ == "__main__":
    main()
