"""One large JSONL file over several machines: ``provenance check --shard I/N`` on a single file, split
into byte-range parts (``--part-size``), against one run over the whole file, in the same run.

The corpus is the one ``speed.py`` builds (the texts of residue-dev-B, read from the shared folder,
and the seeds), written as one file of ``--mb`` MB in a temporary folder. Each round runs, one after
another on this machine as ``N`` machines would run them at once: one ``--jobs 1`` check of the
whole file; its ``N`` shards with parts of ``--part-size``; and the same ``N`` shards with whole
files (parts larger than the file), where shard 0 checks everything and the others nothing; and
``provenance templates`` once, then the shards with parts reading its counts. A shard run's wall time on a machine of its own is its time here, so the slowest shard is what ``N``
machines take; the merge after them is timed too, and its reports are compared, byte for byte,
with the one run's. Figures are medians over ``--repeat`` rounds.

    python benchmarks/split.py                       # 50 MB, 4 shards, parts of 4M, 3 rounds
    python benchmarks/split.py --shards 8 --part-size 2M
    python benchmarks/split.py --unique              # no two documents alike, as in most crawls
    python benchmarks/split.py --gzip --part-size 1M # the file gzipped: parts of its compressed bytes

The speed corpus repeats each text about twelve times, and the template pre-pass counts a text met
again in its outlet once; ``--unique`` ends every text with a line of its own, so that the pre-pass,
which every shard runs over the whole corpus, costs what it costs on a crawl without copies.
``--gzip`` writes the file gzipped (at gzip's default level, as crawls ship): its parts are then
ranges of its compressed bytes, and a shard decompresses the file up to the end of its last part.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from speed import accelerated, build_corpus, compile_bytecode, timed

CHECK = [sys.executable, "-m", "provenance", "check"]


def shard_times(corpus: Path, out: Path, shards: int, part_size: str, *options: str) -> list[float]:
    """Each shard's wall time, run one after another into an emptied ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    return [timed([*CHECK, str(corpus), "--shard", f"{index}/{shards}", "--output", str(out), "--jobs", "1",
                   "--no-cache", "--part-size", part_size, *options])[0] for index in range(shards)]


def merged_same(out: Path, whole: Path, merged: Path) -> tuple[float, bool]:
    """The merge's wall time, and whether its reports are the one run's byte for byte."""
    wall = timed([sys.executable, "-m", "provenance", "merge", str(out), "--format", "jsonl", "--output", str(merged)])[0]
    return wall, merged.read_bytes() == whole.read_bytes()


def make_unique(path: Path) -> int:
    """Ends every record's text with a line naming the record; returns the file's new size in bytes."""
    unique = path.with_suffix(".unique")
    with path.open(encoding="utf-8") as records, unique.open("w", encoding="utf-8") as out:
        for line in records:
            record = json.loads(line)
            record["text"] += f"\nRecord {record['id']} of the crawl."
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    unique.replace(path)
    return path.stat().st_size


def gzipped(path: Path) -> Path:
    """``path`` gzipped beside it at gzip's default level, in its place; the gzipped file."""
    target = path.with_suffix(".jsonl.gz")
    with path.open("rb") as plain, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)
    path.unlink()
    return target


@dataclass
class Rounds:
    """Each round's wall times: the one run, each shard with parts and with whole files, the merge,
    a shard of an empty folder (start-up alone, with no pre-pass to run), and ``provenance
    templates`` then each shard with parts reading its counts (``--templates-from``)."""

    one: list[float] = field(default_factory=list)
    split: list[list[float]] = field(default_factory=list)
    counting: list[float] = field(default_factory=list)
    counted: list[list[float]] = field(default_factory=list)
    unsplit: list[list[float]] = field(default_factory=list)
    merge: list[float] = field(default_factory=list)
    start_up: list[float] = field(default_factory=list)
    same: bool = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the one JSONL file (default 50)")
    parser.add_argument("--shards", type=int, default=4, help="shards, as machines of a Slurm array (default 4)")
    parser.add_argument("--part-size", default="4M", help="--part-size of the split shards (default 4M)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--unique", action="store_true", help="end each text with a line of its own: no copies")
    parser.add_argument("--gzip", action="store_true", help="write the one file gzipped (crawl.jsonl.gz)")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="provenance-split-") as tmp:
        folder = Path(tmp)
        corpus = folder / "crawl.jsonl"
        docs, size = build_corpus(corpus, args.mb)
        if args.unique:
            size = make_unique(corpus)
        stored = size
        if args.gzip:
            corpus, stored = gzipped(corpus), corpus.with_suffix(".jsonl.gz").stat().st_size
        print(f"python {sys.version.split()[0]}, accelerator {'on' if accelerated() else 'off'}; one file of "
              f"{docs} {'unique ' if args.unique else ''}documents, {size / 1e6:.1f} MB"
              f"{f' ({stored / 1e6:.1f} MB gzipped)' if args.gzip else ''}; {args.shards} shards", flush=True)
        rounds = Rounds()
        for round_ in range(args.repeat):
            measure_round(rounds, folder, corpus, stored, args)
            print(f"round {round_ + 1} of {args.repeat} done", file=sys.stderr, flush=True)
    report(size, rounds, args)


def measure_round(rounds: Rounds, folder: Path, corpus: Path, size: int, args: argparse.Namespace) -> None:
    whole_out = folder / "whole.jsonl"
    rounds.one.append(timed([*CHECK, str(corpus), "--format", "jsonl", "--output", str(whole_out), "--jobs", "1",
                             "--no-cache"])[0])
    rounds.split.append(shard_times(corpus, folder / "split", args.shards, args.part_size))
    wall, agrees = merged_same(folder / "split", whole_out, folder / "merged.jsonl")
    rounds.merge.append(wall)
    rounds.same &= agrees
    rounds.unsplit.append(shard_times(corpus, folder / "unsplit", args.shards, f"{2 * size}"))
    counts = folder / "crawl.counts"
    rounds.counting.append(timed([sys.executable, "-m", "provenance", "templates", str(corpus), "--output",
                                  str(counts)])[0])
    rounds.counted.append(shard_times(corpus, folder / "counted", args.shards, args.part_size, "--templates-from",
                                      str(counts)))
    rounds.same &= merged_same(folder / "counted", whole_out, folder / "merged.jsonl")[1]
    empty = folder / "empty"
    empty.mkdir(exist_ok=True)
    rounds.start_up.append(shard_times(empty, folder / "nothing", 1, args.part_size)[0])


def report(size: int, rounds: Rounds, args: argparse.Namespace) -> None:
    whole = statistics.median(rounds.one)
    print(f"one run, 1 core:                       {whole:6.2f} s  {size / 1e6 / whole:6.2f} MB/s")
    for name, runs in ((f"parts of {args.part_size}", rounds.split), ("whole files", rounds.unsplit)):
        longest = statistics.median(map(max, runs))
        per_shard = ", ".join(f"{statistics.median(r[i] for r in runs):.2f}" for i in range(args.shards))
        print(f"{args.shards} shards, {name + ':':20s} slowest {longest:6.2f} s  {size / 1e6 / longest:6.2f} MB/s  "
              f"{whole / longest:4.2f}x one run  (each shard: {per_shard} s; all together "
              f"{statistics.median(map(sum, runs)):.2f} s)")
    counting = statistics.median(rounds.counting)
    counted = statistics.median(map(max, rounds.counted))
    print(f"provenance templates, once: {counting:.2f} s; then {args.shards} shards with parts, --templates-from: "
          f"slowest {counted:.2f} s (all together {statistics.median(map(sum, rounds.counted)):.2f} s), "
          f"{counting + counted:.2f} s in all")
    idle = statistics.median(min(r) for r in rounds.unsplit)
    start_up = statistics.median(rounds.start_up)
    print(f"a shard with nothing to check: {idle:.2f} s; one of an empty folder (start-up alone) {start_up:.2f} s: "
          f"the pre-pass over the corpus {idle - start_up:.2f} s")
    print(f"merge --format jsonl: {statistics.median(rounds.merge):.2f} s; merged reports, with and without the "
          f"counts file, {'the same as' if rounds.same else 'DIFFERENT from'} the one run's, byte for byte")
    if not rounds.same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
