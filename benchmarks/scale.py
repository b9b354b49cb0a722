"""A million documents end to end: ``provenance check --format jsonl`` over a crawl-like corpus of
JSONL shards, against the same command over the corpus's first 50 MB, in the same run.

The corpus is built at run time in a temporary folder (never committed; ``--dir`` to choose where: a
million documents take about 7.5 GB, and the reports about 6 GB more): ``--docs`` documents cut
from the texts ``speed.py`` uses (residue-dev-B, read from the shared folder, and the seeds), in
``--shards`` JSONL files (gzipped with ``--gzip``), as a crawl's shards come. Each command runs once
(a million documents take minutes): the whole corpus on one core and on two, and its head on the same
cores. The ratios of the two say what the 50 MB figures of ``speed.py`` are worth at scale: the
throughput kept, and the growth of peak memory (the whole process tree's, sampled from ``/proc``).

    python benchmarks/scale.py                        # a million documents, 10 shards
    python benchmarks/scale.py --docs 100000 --gzip   # quicker, gzipped shards
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
from pathlib import Path

from speed import Command, accelerated, compile_bytecode, measure_interleaved, record_line, source_texts

HEAD_MB = 50.0


def write_documents(path: Path, first: int, count: int, texts: list[str], compressed: bool) -> int:
    """Documents ``first`` to ``first + count - 1`` as JSONL (``record_line``); returns bytes."""
    size = 0
    with (gzip.open(path, "wt", encoding="utf-8", compresslevel=1) if compressed
          else path.open("w", encoding="utf-8")) as out:
        for n in range(first, first + count):
            line = record_line(n, texts)
            out.write(line)
            size += len(line.encode("utf-8"))
    return size


def build_shards(folder: Path, docs: int, shards: int, compressed: bool, texts: list[str]) -> int:
    """``docs`` documents split over ``shards`` files in ``folder``; returns the bytes of JSONL."""
    folder.mkdir()
    per_shard, size = -(-docs // shards), 0
    for shard in range(shards):
        first = shard * per_shard
        count = min(per_shard, docs - first)
        if count > 0:
            name = f"shard-{shard:05d}.jsonl" + (".gz" if compressed else "")
            size += write_documents(folder / name, first, count, texts, compressed)
    return size


def head_documents(texts: list[str]) -> int:
    """How many of the corpus's first documents make about ``HEAD_MB`` MB of JSONL."""
    size, n = 0, 0
    while size < HEAD_MB * 1e6:
        size += len(record_line(n, texts).encode("utf-8"))
        n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000, help="documents in the corpus (default 1,000,000)")
    parser.add_argument("--shards", type=int, default=10, help="JSONL files the corpus is split into (default 10)")
    parser.add_argument("--gzip", action="store_true", help="gzip the shards (.jsonl.gz)")
    parser.add_argument("--jobs", default="1,2", help="the --jobs values to run, comma-separated (default 1,2)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to build the corpus, made if missing (default: the system's temporary folder)")
    args = parser.parse_args()
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    texts = source_texts()
    head_docs = min(head_documents(texts), args.docs)
    with tempfile.TemporaryDirectory(prefix="provenance-scale-", dir=args.dir) as tmp:
        corpus, head, out = Path(tmp) / "corpus", Path(tmp) / "head", Path(tmp) / "out.jsonl"
        size = build_shards(corpus, args.docs, args.shards, args.gzip, texts)
        head_size = build_shards(head, head_docs, 1, args.gzip, texts)
        print(f"corpus: {args.docs:,} documents, {size / 1e9:.2f} GB of JSONL in {args.shards} "
              f"{'gzipped ' if args.gzip else ''}shards; head: its first {head_docs:,} documents "
              f"({head_size / 1e6:.0f} MB); {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
              f"one run each; C accelerator {'in use' if accelerated() else 'not built'}\n", flush=True)
        for jobs in (int(j) for j in args.jobs.split(",")):
            runs = {}
            for name, folder, docs, nbytes in (("head", head, head_docs, head_size), ("whole", corpus, args.docs, size)):
                command = [sys.executable, "-m", "provenance", "check", str(folder), "--format", "jsonl",
                           "--jobs", str(jobs), "--no-cache", "--output", str(out)]
                label = f"{jobs} core{'s' if jobs > 1 else ''}, {name} ({docs:,} documents)"
                runs[name] = measure_interleaved([Command(label, command, 1)], docs, nbytes)[0]
                out.unlink(missing_ok=True)
            whole, first = runs["whole"], runs["head"]
            print(f"  whole / head on {jobs} core{'s' if jobs > 1 else ''}: throughput {whole['mb_s'] / first['mb_s']:.2f}x, "
                  f"peak memory {whole['peak_mb'] / first['peak_mb']:.2f}x; a million documents in "
                  f"{1e6 / whole['docs_s'] / 60:.1f} min\n", flush=True)


if __name__ == "__main__":
    main()
