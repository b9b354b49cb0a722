"""Outlet identification accuracy on outlets-dev, text only and with the URL sidecar, beside the
scorer's domain-mention baseline, as one table.

The evaluation data lives outside the project (../shared/eval, internal use only) and is read there;
nothing from it is copied. Run from the project root:

    python benchmarks/outlet_accuracy.py [--eval DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = f"{sys.executable} -m provenance check {{dir}} --format jsonl"
BASELINE = "domain-mention"
MODES = (("text only", []), ("with URL", ["--with-url"]))


def default_eval_dir() -> Path:
    for candidate in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval"):
        if (candidate / "score_outlets.py").is_file():
            return candidate
    return ROOT.parent / "shared" / "eval"


def score(eval_dir: Path, flags: list[str], limit: int | None) -> dict:
    """The scorer's figures for the tool and the baseline in one mode, as written by --json-out."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        args = [sys.executable, str(eval_dir / "score_outlets.py"), "--data", str(eval_dir / "data" / "outlets-dev.jsonl"),
                "--cmd", COMMAND, "--baseline", BASELINE, "--json-out", str(out), *flags]
        if limit:
            args += ["--limit", str(limit)]
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0 or not out.is_file():
            sys.exit(f"score_outlets.py failed: {done.stdout[-500:]}{done.stderr[-500:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def rows(figures: dict) -> list[tuple[str, dict]]:
    """(system, figures) pairs from the scorer's JSON, the tool first."""
    systems = figures["systems"]
    order = sorted(systems, key=lambda name: (name != "command", name))
    return [(name, systems[name]["figures"]) for name in order]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=default_eval_dir(), help="the shared eval folder")
    parser.add_argument("--limit", type=int, help="score only the first N documents (quick runs)")
    args = parser.parse_args(argv)
    if not (args.eval / "score_outlets.py").is_file():
        print(f"{args.eval}: score_outlets.py not found (give --eval DIR)", file=sys.stderr)
        return 2
    print(f"{'mode':<10} {'system':<16} {'coverage':>9} {'precision':>10} {'accuracy':>9} {'named':>6} {'right':>6}")
    for mode, flags in MODES:
        for system, f in rows(score(args.eval, flags, args.limit)):
            label = "provenance" if system == "command" else system
            print(f"{mode:<10} {label:<16} {f['coverage']:>9.3f} {f['precision']:>10.3f} {f['accuracy']:>9.3f} "
                  f"{f['named']:>6} {f['right']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
