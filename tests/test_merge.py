"""``provenance merge``: shard outputs back into one report, in input order, or a clear refusal."""

from __future__ import annotations

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
