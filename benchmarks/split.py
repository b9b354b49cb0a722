"""One large JSONL file over several machines: ``provenance check --shard I/N`` on a single file, split
into byte-range parts (``--part-size``), against one run over the whole file, in the same run.

The corpus is the one ``speed.py`` builds (the texts of residue-dev-B, read from the shared folder,
and the seeds), written as one file of ``--mb`` MB in a temporary folder. Each round runs, one after
another on this machine as ``N`` machines would run them at once: one ``--jobs 1`` check of the
whole file; its ``N`` shards with parts of ``--part-size``; and the same ``N`` shards with whole
files (parts larger than the file), where shard 0 checks everything and the others nothing. A shard
run's wall time on a machine of its own is its time here, so the slowest shard is what ``N``
machines take; the merge after them is timed too, and its reports are compared, byte for byte,
with the one run's. Figures are medians over ``--repeat`` rounds.

    python benchmarks/split.py                       # 50 MB, 4 shards, parts of 4M, 3 rounds
    python benchmarks/split.py --shards 8 --part-size 2M
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from speed import accelerated, build_corpus, compile_bytecode, timed

CHECK = [sys.executable, "-m", "provenance", "check"]


def shard_times(corpus: Path, out: Path, shards: int, part_size: str) -> list[float]:
    """Each shard's wall time, run one after another into an emptied ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    return [timed([*CHECK, str(corpus), "--shard", f"{index}/{shards}", "--output", str(out), "--jobs", "1",
                   "--no-cache", "--part-size", part_size])[0] for index in range(shards)]


def merged_same(out: Path, whole: Path, merged: Path) -> tuple[float, bool]:
    """The merge's wall time, and whether its reports are the one run's byte for byte."""
    wall = timed([sys.executable, "-m", "provenance", "merge", str(out), "--format", "jsonl", "--output", str(merged)])[0]
    return wall, merged.read_bytes() == whole.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the one JSONL file (default 50)")
    parser.add_argument("--shards", type=int, default=4, help="shards, as machines of a Slurm array (default 4)")
    parser.add_argument("--part-size", default="4M", help="--part-size of the split shards (default 4M)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="provenance-split-") as tmp:
        folder = Path(tmp)
        corpus = folder / "crawl.jsonl"
        docs, size = build_corpus(corpus, args.mb)
        print(f"python {sys.version.split()[0]}, accelerator {'on' if accelerated() else 'off'}; one file of "
              f"{docs} documents, {size / 1e6:.1f} MB; {args.shards} shards", flush=True)
        whole_out, merged_out = folder / "whole.jsonl", folder / "merged.jsonl"
        one, split, unsplit, merges, same = [], [], [], [], True
        for round_ in range(args.repeat):
            one.append(timed([*CHECK, str(corpus), "--format", "jsonl", "--output", str(whole_out), "--jobs", "1",
                              "--no-cache"])[0])
            split.append(shard_times(corpus, folder / "split", args.shards, args.part_size))
            wall, agrees = merged_same(folder / "split", whole_out, merged_out)
            merges.append(wall)
            same &= agrees
            unsplit.append(shard_times(corpus, folder / "unsplit", args.shards, f"{2 * size}"))
            print(f"round {round_ + 1} of {args.repeat} done", file=sys.stderr, flush=True)
    report(size, one, split, unsplit, merges, same, args)


def report(size: int, one: list[float], split: list[list[float]], unsplit: list[list[float]], merges: list[float],
           same: bool, args: argparse.Namespace) -> None:
    whole = statistics.median(one)
    slowest, slowest_whole = statistics.median(map(max, split)), statistics.median(map(max, unsplit))
    print(f"one run, 1 core:                       {whole:6.2f} s  {size / 1e6 / whole:6.2f} MB/s")
    for name, runs, longest in ((f"parts of {args.part_size}", split, slowest), ("whole files", unsplit, slowest_whole)):
        per_shard = ", ".join(f"{statistics.median(r[i] for r in runs):.2f}" for i in range(args.shards))
        print(f"{args.shards} shards, {name + ':':20s} slowest {longest:6.2f} s  {size / 1e6 / longest:6.2f} MB/s  "
              f"{whole / longest:4.2f}x one run  (each shard: {per_shard} s; all together "
              f"{statistics.median(map(sum, runs)):.2f} s)")
    print(f"merge --format jsonl: {statistics.median(merges):.2f} s; merged reports "
          f"{'the same as' if same else 'DIFFERENT from'} the one run's, byte for byte")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
