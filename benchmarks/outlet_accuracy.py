"""Outlet identification accuracy on outlets-dev, text only and with the URL sidecar, beside the
scorer's domain-mention baseline, as one table.

The evaluation data lives outside the project (../shared/eval, internal use only) and is read there;
nothing from it is copied. Run from the project root:

    python benchmarks/outlet_accuracy.py [--eval DIR] [--limit N]
    python benchmarks/outlet_accuracy.py --leave-out rules/outlets/digital.toml

``--leave-out`` scores a copy of the project without the given rule files, to see how much of a
figure those files carry (a blind estimate for profiles that were chosen by looking at the set).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


def project_without(left_out: list[Path], folder: Path) -> Path:
    """A copy of the package and its rules in ``folder``, less the rule files ``left_out``."""
    shutil.copytree(ROOT / "provenance", folder / "provenance", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    shutil.copytree(ROOT / "rules", folder / "rules")
    for path in left_out:
        target = folder / path.resolve().relative_to(ROOT)
        if not target.is_file():
            sys.exit(f"{path}: not a rule file of this project")
        target.unlink()
    return folder


def score(eval_dir: Path, flags: list[str], limit: int | None, project: Path = ROOT) -> dict:
    """The scorer's figures for the tool (run from ``project``) and the baseline in one mode, as
    written by --json-out."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        args = [sys.executable, str(eval_dir / "score_outlets.py"), "--data", str(eval_dir / "data" / "outlets-dev.jsonl"),
                "--cmd", COMMAND, "--baseline", BASELINE, "--json-out", str(out), *flags]
        if limit:
            args += ["--limit", str(limit)]
        env = {**os.environ, "PYTHONPATH": str(project), "PROVENANCE_NO_CACHE": "1"}
        done = subprocess.run(args, cwd=project, capture_output=True, text=True, env=env)
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
    parser.add_argument("--leave-out", type=Path, action="append", default=[], metavar="RULE_FILE",
                        help="also score without this rule file (repeatable)")
    args = parser.parse_args(argv)
    if not (args.eval / "score_outlets.py").is_file():
        print(f"{args.eval}: score_outlets.py not found (give --eval DIR)", file=sys.stderr)
        return 2
    print(f"{'mode':<10} {'system':<16} {'coverage':>9} {'precision':>10} {'accuracy':>9} {'named':>6} {'right':>6}")
    for mode, flags in MODES:
        for system, f in rows(score(args.eval, flags, args.limit)):
            print_row(mode, "provenance" if system == "command" else system, f)
    if args.leave_out:
        with tempfile.TemporaryDirectory() as tmp:
            project = project_without(args.leave_out, Path(tmp))
            for mode, flags in MODES:
                print_row(mode, "without", score(args.eval, flags, args.limit, project)["systems"]["command"]["figures"])
        print(f"without: {', '.join(str(p) for p in args.leave_out)}")
    return 0


def print_row(mode: str, system: str, f: dict) -> None:
    print(f"{mode:<10} {system:<16} {f['coverage']:>9.3f} {f['precision']:>10.3f} {f['accuracy']:>9.3f} "
          f"{f['named']:>6} {f['right']:>6}")


if __name__ == "__main__":
    sys.exit(main())
