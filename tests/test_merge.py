"""``provenance merge``: shard outputs back into one report, in input order, or a clear refusal."""

from __future__ import annotations

import gzip
import json

import pytest

from test_runner import make_corpus, run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("merge") / "corpus", records=40)


@pytest.fixture(scope="module")
def shards(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("shards")
    for index in range(3):
        result = run("check", str(corpus), "--shard", f"{index}/3", "--output", str(out), "--no-cache", "--jobs", "1")
        assert result.returncode in (0, 1), result.stderr
    return out


def test_merged_reports_are_those_of_one_run(corpus, shards):
    whole = run("check", str(corpus), "--format", "jsonl", "--no-cache", "--jobs", "1")
    merged = run("merge", str(shards), "--format", "jsonl")
    assert merged.stdout == whole.stdout
    assert merged.returncode == whole.returncode


def test_merged_summary_and_corpus_report(corpus, shards, schema):
    whole = json.loads(run("check", str(corpus), "--format", "json", "--no-cache", "--jobs", "1").stdout)
    summary = json.loads(run("merge", str(shards)).stdout)
    assert summary["summary"] == whole["summary"]
    assert summary["tool"] == whole["tool"]
    report = json.loads(run("merge", str(shards), "--format", "json").stdout)
    schema("corpus-report.schema.json").validate(report)
    assert report == whole


def test_missing_shard_is_refused(corpus, shards, tmp_path):
    partial = tmp_path / "partial"
    partial.mkdir()
    for name in ("shard-00000-of-00003.jsonl", "shard-00000-of-00003.done"):
        (partial / name).write_bytes((shards / name).read_bytes())
    result = run("merge", str(partial))
    assert result.returncode == 2
    assert "shards not done yet: 1, 2 of 3" in result.stderr


def test_shards_of_other_rules_are_refused(corpus, shards, tmp_path):
    mixed = tmp_path / "mixed"
    result = run("check", str(corpus), "--shard", "0/3", "--output", str(mixed), "--no-cache", "--disable", "RS011")
    assert result.returncode in (0, 1)
    result = run("merge", str(shards), str(mixed))
    assert result.returncode == 2 and "appears twice" in result.stderr
    for name in ("shard-00001-of-00003", "shard-00002-of-00003"):
        for ext in (".jsonl", ".done"):
            (mixed / (name + ext)).write_bytes((shards / (name + ext)).read_bytes())
    result = run("merge", str(mixed))
    assert result.returncode == 2 and "other rules or settings" in result.stderr


def test_not_a_folder(tmp_path):
    result = run("merge", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_gzipped_shards_merge_to_the_same_reports(corpus, shards, tmp_path):
    packed = tmp_path / "packed"
    for index in (0, 2):  # gzipped and plain shards mix: each marker names its own reports file
        result = run("check", str(corpus), "--shard", f"{index}/3", "--output", str(packed), "--no-cache",
                     "--jobs", "1", "--gzip")
        assert result.returncode in (0, 1), result.stderr
        stem = f"shard-{index:05d}-of-00003"
        assert gzip.decompress((packed / f"{stem}.jsonl.gz").read_bytes()) == (shards / f"{stem}.jsonl").read_bytes()
        assert json.loads((packed / f"{stem}.done").read_text())["reports"] == f"{stem}.jsonl.gz"
    for ext in (".jsonl", ".done"):
        (packed / f"shard-00001-of-00003{ext}").write_bytes((shards / f"shard-00001-of-00003{ext}").read_bytes())
    assert run("merge", str(packed), "--format", "jsonl").stdout == run("merge", str(shards), "--format", "jsonl").stdout


def test_a_broken_gzipped_shard_is_one_line(corpus, tmp_path):
    out = tmp_path / "broken"
    for index in range(2):
        result = run("check", str(corpus), "--shard", f"{index}/2", "--output", str(out), "--no-cache", "--gzip")
        assert result.returncode in (0, 1), result.stderr
    reports = out / "shard-00001-of-00002.jsonl.gz"
    reports.write_bytes(reports.read_bytes()[:200])
    result = run("merge", str(out), "--format", "jsonl")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{reports}: cannot read" in result.stderr


@pytest.mark.parametrize("name", ["../elsewhere.jsonl", "/etc/passwd", "shard.txt", 7])
def test_a_marker_naming_another_file_is_refused(shards, tmp_path, name):
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in shards.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    marker_path = copy / "shard-00000-of-00003.done"
    marker = json.loads(marker_path.read_text())
    marker_path.write_text(json.dumps({**marker, "reports": name}))
    result = run("merge", str(copy))
    assert result.returncode == 2 and "not a shard's reports file name" in result.stderr


def test_gzip_without_shard_is_a_usage_error(corpus, tmp_path):
    result = run("check", str(corpus), "--gzip", "--output", str(tmp_path / "r.jsonl"), "--no-cache")
    assert result.returncode == 2 and "--gzip is for --shard runs" in result.stderr
