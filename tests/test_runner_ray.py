"""``--executor ray`` on a local Ray instance gives the reports of a local run.

One run starts its own local Ray instance, as a curator's command does; the others share one,
started in the test process (the runner joins an instance already running and leaves it up):
starting one for each run took most of these tests' time.
"""

from __future__ import annotations

import gzip
import json
from types import SimpleNamespace

import pytest

from provenance.cli import main
from test_runner import make_corpus, run

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'provenance[ray]')")


@pytest.fixture(scope="module")
def on_ray(request):
    """Runs ``provenance check ARGS --executor ray`` in this process, on the module's Ray instance:
    its exit code, standard output and standard error."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    request.addfinalizer(ray.shutdown)

    def check(capsys, *args: str) -> SimpleNamespace:
        capsys.readouterr()
        code = main(["check", *args, "--executor", "ray"])
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return check


def test_ray_run_matches_local_run(tmp_path):
    """Beside the corpus, a folder holding no document: both name it."""
    corpus = make_corpus(tmp_path / "corpus", records=30)
    (tmp_path / "empty").mkdir()
    inputs = [str(corpus), str(tmp_path / "empty")]
    local = run("check", *inputs, "--format", "jsonl", "--no-cache", "--jobs", "1")
    assert '"error":"no documents found' in local.stdout.splitlines()[-1]
    remote = run("check", *inputs, "--format", "jsonl", "--executor", "ray")
    assert remote.returncode == local.returncode, remote.stderr[-2000:]
    assert remote.stdout == local.stdout


def test_ray_run_names_the_ids_records_share_as_a_local_run_does(tmp_path, on_ray, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    record = {"text": "A council met on Monday.\nIt approved the budget."}
    for name in ("a", "b"):  # ids shared within a file and across files
        lines = [json.dumps({"id": rid, **record}) for rid in ("r1", "r2", "r1")]
        (corpus / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    local = run("check", str(corpus), "--format", "jsonl", "--no-cache", "--jobs", "1")
    remote = on_ray(capsys, str(corpus), "--format", "jsonl")
    assert remote.stdout == local.stdout
    warnings = [line for line in local.stderr.splitlines() if "is also the id of" in line]
    assert len(warnings) == 4
    assert [line for line in remote.stderr.splitlines() if "is also the id of" in line] == warnings


def test_ray_checks_a_large_file_in_parts_with_the_reports_of_a_local_run(tmp_path, on_ray, capsys):
    """A plain file, and a gzipped one stored without compression (its parts then hold records)."""
    corpus = make_corpus(tmp_path / "corpus", records=30)
    one = tmp_path / "one"
    one.mkdir()
    text = (corpus / "crawl-a.jsonl").read_bytes() + (corpus / "crawl-b.jsonl").read_bytes()
    (one / "crawl.jsonl").write_bytes(text)
    (one / "stored.jsonl.gz").write_bytes(gzip.compress(text * 2, compresslevel=0, mtime=0))
    local = run("check", str(one), "--format", "jsonl", "--no-cache", "--jobs", "1")
    remote = on_ray(capsys, str(one), "--format", "jsonl", "--part-size", "16K")
    assert remote.returncode == local.returncode, remote.stderr[-2000:]
    assert remote.stdout == local.stdout


def test_ray_takes_the_counts_of_provenance_templates(tmp_path, on_ray, capsys):
    corpus = make_corpus(tmp_path / "corpus", records=12)
    counts = tmp_path / "corpus.counts"
    assert run("templates", str(corpus), "--output", str(counts)).returncode == 0
    local = run("check", str(corpus), "--format", "jsonl", "--no-cache", "--jobs", "1")
    remote = on_ray(capsys, str(corpus), "--format", "jsonl", "--templates-from", str(counts))
    assert remote.returncode == local.returncode, remote.stderr[-2000:]
    assert remote.stdout == local.stdout


def test_ray_reads_records_under_their_own_keys_and_compressed_files(tmp_path, on_ray, capsys):
    import zstandard

    corpus = make_corpus(tmp_path / "corpus", records=12)
    shaped = tmp_path / "shaped"
    shaped.mkdir()
    for source in sorted(corpus.glob("*.jsonl")):
        records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line != "not json"]
        data = "".join(json.dumps({"body": r.pop("text"), "meta": r}) + "\n" for r in records).encode()
        (shaped / f"{source.stem}.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    plain = run("check", str(corpus), "--format", "jsonl", "--no-cache", "--jobs", "1", "--no-templates")
    remote = on_ray(capsys, str(shaped), "--format", "jsonl", "--no-templates", "--record-field", "text=body",
                    "--record-field", "id=meta.id")
    assert remote.returncode in (0, 1), remote.stderr[-2000:]
    ours = [r for r in map(json.loads, plain.stdout.splitlines()) if r["path"].endswith(".jsonl") and "id" in r]
    theirs = list(map(json.loads, remote.stdout.splitlines()))
    assert [{**r, "path": ""} for r in theirs] == [{**r, "path": ""} for r in ours]
