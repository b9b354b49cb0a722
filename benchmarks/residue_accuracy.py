"""Residue accuracy on the shared evaluation sets, with the C4 line rules scored in the same run.

Runs ``../shared/eval/score_residue.py`` (from the project root) on each residue set with
``provenance check {dir} --format jsonl`` and the ``c4`` baseline, and prints one table: line-level
P / R / F1 / MCC (residue is the positive class) and the character-weighted precision and MCC, which
show what flagging a long article line costs. The sets are read where they lie; nothing is copied.

    python benchmarks/residue_accuracy.py [--eval ../shared/eval] [--sets dev-B,dev-A] [--by-source]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("dev-B", "dev-A", "turku-en-dev", "turku-en-train")
COMMAND = f"{sys.executable} -m provenance check {{dir}} --format jsonl"
COLUMNS = ("P", "R", "F1", "MCC", "charP", "charMCC")


def default_eval_dir() -> Path:
    for candidate in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval"):
        if (candidate / "score_residue.py").is_file():
            return candidate
    return ROOT.parent / "shared" / "eval"


def score(eval_dir: Path, name: str) -> dict:
    data = eval_dir / "data" / f"residue-{name}.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        cmd = [sys.executable, str(eval_dir / "score_residue.py"), "--data", str(data), "--cmd", COMMAND,
               "--baseline", "c4", "--json-out", str(out)]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0 or not out.is_file():
            raise SystemExit(f"scorer failed on {name}: {done.stdout[-400:]}{done.stderr[-400:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def rows(name: str, figures: dict, by_source: bool) -> list[str]:
    out = []
    for system in ("command", "c4"):
        label = "provenance" if system == "command" else "c4"
        parts = [("total", figures["systems"][system]["total"])]
        if by_source:
            parts += sorted(figures["systems"][system]["by_source"].items())
        for part, values in parts:
            where = name if part == "total" else f"  {part}"
            cells = " | ".join(f"{values[c]:.3f}" for c in COLUMNS)
            out.append(f"| {where} | {label} | {cells} |")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=default_eval_dir(), help="the shared eval folder")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--by-source", action="store_true", help="also one row per page collection")
    args = parser.parse_args()
    print("| set | system | " + " | ".join(COLUMNS) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in COLUMNS) + " |")
    for name in args.sets.split(","):
        for row in rows(name, score(args.eval, name), args.by_source):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
