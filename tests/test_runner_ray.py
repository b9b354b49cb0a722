"""``--executor ray`` on a local Ray instance gives the reports of a local run."""

from __future__ import annotations

import pytest

from test_runner import make_corpus, run

pytest.importorskip("ray", reason="Ray is not installed (pip install 'provenance[ray]')")


def test_ray_run_matches_local_run(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", records=30)
    local = run("check", str(corpus), "--format", "jsonl", "--no-cache", "--jobs", "1")
    remote = run("check", str(corpus), "--format", "jsonl", "--executor", "ray")
    assert remote.returncode == local.returncode, remote.stderr[-2000:]
    assert remote.stdout == local.stdout
