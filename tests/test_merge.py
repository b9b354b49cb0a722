"""``provenance merge``: shard outputs back into one report, in input order, or a clear refusal."""

from __future__ import annotations

import gzip
import json

import pytest

from test_runner import make_corpus, run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("merge") / "corpus", records=40)


def _sharded(corpus, out, count: int, *options: str):
    """``corpus`` checked in ``count`` shards into ``out``, each run asserted to have finished."""
    for index in range(count):
        result = run("check", str(corpus), "--shard", f"{index}/{count}", "--output", str(out), "--no-cache", *options)
        assert result.returncode in (0, 1), result.stderr
    return out


@pytest.fixture(scope="module")
def shards(corpus, tmp_path_factory):
    return _sharded(corpus, tmp_path_factory.mktemp("shards"), 3, "--jobs", "1")


def _copy_of(shards, folder):
    folder.mkdir()
    for path in shards.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


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
    assert result.returncode == 2
    assert result.stderr == (f"provenance: merge: {mixed}/shard-00000-of-00003.done: shard 0 appears twice "
                             f"(also {shards}/shard-00000-of-00003.done)\n")
    for name in ("shard-00001-of-00003", "shard-00002-of-00003"):
        for ext in (".jsonl", ".done"):
            (mixed / (name + ext)).write_bytes((shards / (name + ext)).read_bytes())
    result = run("merge", str(mixed))
    assert result.returncode == 2
    assert result.stderr == (f"provenance: merge: {mixed}/shard-00000-of-00003.done: settings differs from "
                             f"{mixed}/shard-00001-of-00003.done's (shards checked under other rules or settings)\n")


@pytest.mark.parametrize("index", [0, 2])
def test_a_changed_digest_is_named_in_its_own_marker(shards, tmp_path, index):
    """A digest changed in shard 0's marker was reported against shard 1's reports file."""
    copy = _copy_of(shards, tmp_path / "copy")
    marker_path = copy / f"shard-{index:05d}-of-00003.done"
    marker_path.write_text(json.dumps({**json.loads(marker_path.read_text()), "rules_digest": "0" * 16}))
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr.startswith(f"provenance: merge: {marker_path}: rules_digest differs from {copy}/shard-")
    assert f"{marker_path}'s" not in result.stderr


def test_shards_of_different_counts_are_refused_as_such(corpus, shards, tmp_path):
    """A shard of another split among them was reported as a shard appearing twice, naming another's reports."""
    copy = _copy_of(shards, tmp_path / "copy")
    result = run("check", str(corpus), "--shard", "1/2", "--output", str(copy), "--no-cache", "--jobs", "1")
    assert result.returncode in (0, 1), result.stderr
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr == (f"provenance: merge: shards of different counts: {copy}/shard-00001-of-00002.done "
                             f"(one of 2) and {copy}/shard-00000-of-00003.done (one of 3)\n")


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
    _sharded(corpus, out, 2, "--gzip")
    reports = out / "shard-00001-of-00002.jsonl.gz"
    reports.write_bytes(reports.read_bytes()[:200])
    result = run("merge", str(out), "--format", "jsonl")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{reports}: cannot read" in result.stderr


@pytest.mark.parametrize("name", ["../elsewhere.jsonl", "/etc/passwd", "shard.txt"])
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


@pytest.mark.parametrize("damage, reason", [
    (lambda line: line[:200] + b"\n", "Invalid JSON: EOF while parsing"),
    (lambda line: b"\0" * len(line), "Invalid JSON: expected value at column 1"),
    (lambda line: b"not json\n", "Invalid JSON: expected ident at column 2"),
    (lambda line: b"[1, 2]\n", "Input should be an object"),
    (lambda line: b'{"id": "x"}\n', "path: Field required; 9 more"),
    (lambda line: line.replace(b'"id":"', b'"id":"\xff', 1), "Invalid JSON: invalid unicode code point"),
])
@pytest.mark.parametrize("fmt", ["summary", "jsonl"])
def test_a_damaged_report_line_is_named_in_one_line(shards, tmp_path, damage, reason, fmt):
    """A shard's reports file cut short or overwritten (a copy that stopped, a crash that left
    zeroed blocks) was a multi-line pydantic traceback, exit 3, or (JSON Lines) passed on as it was."""
    copy = _copy_of(shards, tmp_path / "copy")
    reports = copy / "shard-00000-of-00003.jsonl"
    lines = reports.read_bytes().splitlines(keepends=True)
    reports.write_bytes(b"".join([*lines[:2], damage(lines[2]), *lines[3:]]))
    result = run("merge", str(copy), "--format", fmt)
    assert result.returncode == 2
    assert result.stderr.startswith(f"provenance: merge: {reports}:3: not a report ({reason}")
    assert result.stderr.count("\n") == 1


def test_a_file_cut_short_is_named_with_its_line(shards, tmp_path):
    copy = _copy_of(shards, tmp_path / "copy")
    reports = copy / "shard-00000-of-00003.jsonl"
    lines = reports.read_bytes().splitlines(keepends=True)
    reports.write_bytes(b"".join(lines)[:len(lines[0]) + len(lines[1]) + 500])
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr.startswith(f"provenance: merge: {reports}:3: not a report (Invalid JSON: EOF while parsing")
    assert result.stderr.count("\n") == 1
    reports.write_bytes(b"".join(lines[:3])[:-1])  # the third line whole but for its line end
    result = run("merge", str(copy), "--format", "jsonl")
    assert result.returncode == 2
    assert result.stderr == f"provenance: merge: {reports}:3: not a report (no line end: the file is cut short)\n"
    reports.write_bytes(b"".join(lines[:3]))
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr == f"provenance: merge: {reports}: fewer reports than its marker says\n"


def test_more_reports_than_the_marker_says_are_refused(shards, tmp_path):
    copy = _copy_of(shards, tmp_path / "copy")
    reports = copy / "shard-00002-of-00003.jsonl"
    lines = reports.read_bytes().splitlines(keepends=True)
    reports.write_bytes(b"".join([*lines, lines[-1]]))
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr == f"provenance: merge: {reports}:{len(lines) + 1}: more reports than its marker says\n"


def test_a_damaged_line_of_a_gzipped_shard_is_named(corpus, tmp_path):
    out = tmp_path / "packed"
    _sharded(corpus, out, 2, "--gzip")
    reports = out / "shard-00000-of-00002.jsonl.gz"
    lines = gzip.decompress(reports.read_bytes()).splitlines(keepends=True)
    reports.write_bytes(gzip.compress(b"".join([*lines[:3], b"\0\0\0\n", *lines[4:]])))
    result = run("merge", str(out), "--format", "jsonl")
    assert result.returncode == 2
    assert result.stderr.startswith(f"provenance: merge: {reports}:4: not a report (Invalid JSON")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("change", [{"shard": 5}, {"shard": [3, 3]}, {"shard": ["0", "3"]}, {"shard": [True, 3]},
                                    {"units": "many"}, {"units": [1, -1]}, {"exit": "1"}, {"reports": 7},
                                    {"part_bytes": 0}, {"unknown": 1}])
def test_a_marker_of_the_wrong_shape_is_refused_in_one_line(shards, tmp_path, change):
    copy = _copy_of(shards, tmp_path / "copy")
    marker_path = copy / "shard-00001-of-00003.done"
    marker_path.write_text(json.dumps({**json.loads(marker_path.read_text()), **change}))
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr == f"provenance: merge: {marker_path}: not a shard completion marker\n"


@pytest.mark.parametrize("index, units", [(0, [1]), (1, [1, 1, 1, 1])])
def test_markers_over_other_inputs_are_refused(shards, tmp_path, index, units):
    """Counts of input files that do not fit one list made merge read past the end of one (exit 3)."""
    copy = _copy_of(shards, tmp_path / "copy")
    marker_path = copy / f"shard-{index:05d}-of-00003.done"
    marker_path.write_text(json.dumps({**json.loads(marker_path.read_text()), "units": units}))
    result = run("merge", str(copy))
    assert result.returncode == 2
    assert result.stderr.startswith(f"provenance: merge: {marker_path}: units: {len(units)} input units do not fit")
    assert result.stderr.count("\n") == 1


def test_merge_names_the_ids_that_shards_share_as_one_run_does(tmp_path):
    corpus = tmp_path / "two"
    for folder in ("a", "b"):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "x.txt").write_text(f"Page of {folder}.\n", encoding="utf-8")
        (corpus / folder / "feed.jsonl").write_text(json.dumps({"id": "r1", "text": f"Record of {folder}."}) + "\n",
                                                    encoding="utf-8")
    out = tmp_path / "out"
    for index in range(2):
        assert run("check", str(corpus / "a"), str(corpus / "b"), "--shard", f"{index}/2", "--output", str(out),
                   "--no-cache").returncode in (0, 1)
    merged = run("merge", str(out), "--format", "jsonl")
    whole = run("check", str(corpus / "a"), str(corpus / "b"), "--format", "jsonl", "--no-cache")
    assert merged.stdout == whole.stdout
    assert [json.loads(line)["id"] for line in merged.stdout.splitlines()] == ["r1", "a/x.txt", "r1", "b/x.txt"]
    assert merged.stderr.splitlines() == [
        f"provenance: warning: {corpus / 'b/feed.jsonl'}: id 'r1' is also the id of {corpus / 'a/feed.jsonl'} "
        "(both are checked; give each record an id of its own)"]
    assert f"{corpus / 'b/feed.jsonl'}:1: id 'r1' is also the id of {corpus / 'a/feed.jsonl'}:1" in whole.stderr


def test_every_marker_a_shard_writes_validates_against_its_schema(shards, schema):
    validator = schema("shard-marker.schema.json")
    markers = sorted(shards.glob("shard-*.done"))
    assert len(markers) == 3
    for path in markers:
        validator.validate(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_merged_sarif_and_annotations_are_those_of_one_run(corpus, shards, fmt):
    whole = run("check", str(corpus), "--format", fmt, "--no-cache", "--jobs", "1")
    merged = run("merge", str(shards), "--format", fmt)
    assert merged.stdout == whole.stdout
    assert merged.returncode == whole.returncode


def test_merged_sarif_under_other_rules_describes_what_its_findings_name(shards):
    merged = run("merge", str(shards), "--format", "sarif", "--disable", "RS021")
    assert merged.returncode in (0, 1) and "not the rules the shards ran (other rules in force)" in merged.stderr
    sarif = json.loads(merged.stdout)["runs"][0]
    described = {rule["id"] for rule in sarif["tool"]["driver"]["rules"]}
    assert described == {result["ruleId"] for result in sarif["results"]}


def test_merged_sarif_finds_the_settings_file_the_shards_found(tmp_path):
    """The shards found a settings file upward from their input; merge, run elsewhere, finds it there too."""
    from test_runner import make_corpus
    project = tmp_path / "project"
    project.mkdir()
    (project / "provenance.toml").write_text('disable = ["RS021"]\n', encoding="utf-8")
    corpus = make_corpus(project / "corpus", records=20)
    shards = _sharded(corpus, tmp_path / "shards", 2, "--jobs", "1")
    whole = run("check", str(corpus), "--format", "sarif", "--no-cache", "--jobs", "1")
    merged = run("merge", str(shards), "--format", "sarif")
    assert "RS021" not in {rule["id"] for rule in json.loads(whole.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert merged.stdout == whole.stdout and merged.stderr == ""
