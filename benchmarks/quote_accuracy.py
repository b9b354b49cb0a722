"""Quote extraction and attribution accuracy on the PolNeAR sets, beside the regex baseline.

Runs ``../shared/eval/score_quotes.py`` (outside this repository; its data never comes in) on the
dev and train splits with ``python -m provenance check {dir} --format jsonl`` and the scorer's
``regex-baseline``, then prints one table:

    python benchmarks/quote_accuracy.py                  # dev and train
    python benchmarks/quote_accuracy.py --sets dev --limit 40
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {"dev": "quotes-polnear-dev.jsonl", "train": "quotes-polnear-train.jsonl"}
FIGURES = ("ext_P", "ext_R", "ext_F1", "attr_P", "attr_R", "attr_F1")


def find_eval_dir() -> Path | None:
    """``shared/eval`` beside the main checkout (../shared) or beside a worktree (../../shared)."""
    for candidate in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval"):
        if (candidate / "score_quotes.py").is_file():
            return candidate
    return None


def score(eval_dir: Path, data: str, limit: int | None) -> dict:
    """The scorer's figures for this tool (``command``) and the regex baseline on one set."""
    command = f"{sys.executable} -m provenance check {{dir}} --format jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        args = [sys.executable, str(eval_dir / "score_quotes.py"), "--data", str(eval_dir / "data" / data),
                "--cmd", command, "--baseline", "regex-baseline", "--by-kind", "--json-out", str(out)]
        if limit:
            args += ["--limit", str(limit)]
        run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"quote_accuracy: the scorer failed on {data}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def table(results: dict[str, dict]) -> str:
    head = f"{'set':<6} {'system':<16} " + " ".join(f"{f:>7}" for f in FIGURES) + f" {'quotes':>7} {'w/spk':>6}"
    rows = [head, "-" * len(head)]
    for name, result in results.items():
        for system, label in (("regex-baseline", "regex-baseline"), ("command", "provenance")):
            fig, counts = result["systems"][system]["figures"], result["systems"][system]["counts"]
            rows.append(f"{name:<6} {label:<16} " + " ".join(f"{fig[f]:7.3f}" for f in FIGURES)
                        + f" {counts['pred']:7d} {counts['pred_with_speaker']:6d}")
    return "\n".join(rows)


def by_kind(results: dict[str, dict]) -> str:
    rows = ["", "attribution precision per kind of quote (provenance):"]
    for name, result in results.items():
        kinds = result["systems"]["command"]["by_kind"]
        rows.append(f"  {name}: " + ", ".join(f"{k} {v['right']}/{v['n']}" for k, v in kinds.items()))
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS), help="which splits (default: dev train)")
    parser.add_argument("--limit", type=int, help="score only the first N documents of each set")
    parser.add_argument("--eval-dir", type=Path, help="the shared/eval folder (default: found beside the checkout)")
    args = parser.parse_args()
    eval_dir = args.eval_dir or find_eval_dir()
    if eval_dir is None:
        print("quote_accuracy: shared/eval not found beside this checkout; give --eval-dir", file=sys.stderr)
        return 2
    results = {name: score(eval_dir, SETS[name], args.limit) for name in args.sets}
    print(table(results))
    print(by_kind(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
