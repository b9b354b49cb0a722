"""What reading compressed JSON Lines costs: ``provenance check --format jsonl`` on one core over the
same records as ``.jsonl``, ``.jsonl.gz`` (gzip -6, as C4 and most dumps are written) and
``.jsonl.zst`` (zstd -3), in the same run, and reading the records alone (no check) in each form.

The corpus is the one ``speed.py`` builds (the texts of residue-dev-B, read from the shared folder,
and the seeds) in a temporary folder, never committed. Every round runs each command once, in turn;
the figures are medians over ``--repeat`` rounds, and each form's ratio is to the plain file's in the
same rounds. Every form's reports are compared with the plain file's, but for the path they name.

    python benchmarks/codecs.py                     # 50 MB, 3 rounds
    python benchmarks/codecs.py --mb 20 --repeat 5
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import zstandard

from speed import accelerated, build_corpus, compile_bytecode, timed

FORMS = {".jsonl": None, ".jsonl.gz": "gzip -6", ".jsonl.zst": "zstd -3"}
READ_ONLY = ("import sys; from pathlib import Path; from provenance.sources import read_documents; "
             "sum(1 for _ in read_documents([Path(sys.argv[1])]))")


def write_forms(plain: Path) -> dict[str, Path]:
    """The corpus in each form, beside ``plain``."""
    paths = {suffix: plain.with_name("crawl" + suffix) for suffix in FORMS}
    shutil.move(plain, paths[".jsonl"])
    with paths[".jsonl"].open("rb") as source, gzip.open(paths[".jsonl.gz"], "wb", compresslevel=6) as out:
        shutil.copyfileobj(source, out, 1 << 20)
    with paths[".jsonl"].open("rb") as source, paths[".jsonl.zst"].open("wb") as out:
        zstandard.ZstdCompressor(level=3).copy_stream(source, out)
    return paths


def check_argv(path: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "provenance", "check", str(path), "--format", "jsonl", "--jobs", "1", "--no-cache",
            "--output", str(out)]


def reports_of(folder: Path, suffix: str) -> Path:
    """Where the check of one form writes its reports: plain JSON Lines whatever the input's form."""
    return folder / f"reports-of{suffix.replace('.', '-')}.jsonl"


def without_paths(reports: Path, path: Path) -> bytes:
    """The reports with the input's path, which each form names, left out."""
    named = reports.read_bytes().replace(f'"path":"{path}"'.encode(), b'"path":""')
    assert named.count(b'"path":""') == named.count(b"\n"), f"{reports} names another path"
    return named


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="corpus size in MB of JSONL (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="provenance-codecs-") as tmp:
        folder = Path(tmp)
        docs, size = build_corpus(folder / "corpus.jsonl", args.mb)
        paths = write_forms(folder / "corpus.jsonl")
        print(f"corpus: {docs} documents, {size / 1e6:.1f} MB of JSONL; C accelerator "
              f"{'in use' if accelerated() else 'not built'}; medians of {args.repeat} "
              f"rounds; sizes: " + ", ".join(f"{s} {p.stat().st_size / 1e6:.1f} MB" for s, p in paths.items()))
        checks: dict[str, list[float]] = {s: [] for s in FORMS}
        reads: dict[str, list[float]] = {s: [] for s in FORMS}
        for round_ in range(args.repeat):
            for suffix, path in paths.items():
                reads[suffix].append(timed([sys.executable, "-c", READ_ONLY, str(path)])[0])
                checks[suffix].append(timed(check_argv(path, reports_of(folder, suffix)))[0])
            print(f"round {round_ + 1} of {args.repeat} done", file=sys.stderr, flush=True)
        plain = without_paths(reports_of(folder, ".jsonl"), paths[".jsonl"])
        for suffix, path in paths.items():
            same = without_paths(reports_of(folder, suffix), path) == plain
            read, check = statistics.median(reads[suffix]), statistics.median(checks[suffix])
            ratio = [c / p for c, p in zip(checks[suffix], checks[".jsonl"])]
            print(f"{suffix:11s} {FORMS[suffix] or 'plain':8s}  read alone {read:5.2f} s ({size / 1e6 / read:6.1f} MB/s)  "
                  f"check {check:5.2f} s ({size / 1e6 / check:5.2f} MB/s), {statistics.median(ratio):.3f}x the plain "
                  f"file's time (per round {min(ratio):.3f} to {max(ratio):.3f}); reports the same: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
