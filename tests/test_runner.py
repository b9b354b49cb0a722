"""The run loop: the same reports in the same order whatever the jobs, shards and outputs."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CORPUS, ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "provenance", *args], capture_output=True, text=True, cwd=cwd)


def make_corpus(folder, records=150):
    """The seeds as text files, plus JSONL files of their texts repeated (more than one chunk)."""
    folder.mkdir()
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
        texts.append(path.read_text(encoding="utf-8"))
    lines = [json.dumps({"id": f"r{n}", "text": texts[n % len(texts)]}) for n in range(records)]
    (folder / "crawl-a.jsonl").write_text("\n".join(lines[: records // 2]) + "\n", encoding="utf-8")
    (folder / "crawl-b.jsonl").write_text("\n".join(lines[records // 2:]) + "\nnot json\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("run") / "corpus")


@pytest.fixture(scope="module")
def one_core(corpus):
    result = run("check", str(corpus), "--format", "jsonl", "--jobs", "1", "--no-cache")
    assert result.returncode in (0, 1), result.stderr
    return result


def test_two_jobs_give_the_same_bytes_in_input_order(corpus, one_core):
    two = run("check", str(corpus), "--format", "jsonl", "--jobs", "2", "--no-cache")
    assert two.returncode == one_core.returncode
    assert two.stdout == one_core.stdout
    ids = [json.loads(line).get("id") for line in one_core.stdout.splitlines()]
    assert ids[:5] == [p.name for p in sorted(CORPUS.glob("*.txt"))]
    assert ids[5:8] == ["r0", "r1", "r2"] and ids[-2] == "r149"
    assert json.loads(one_core.stdout.splitlines()[-1])["error"].startswith("malformed JSON")


def test_workers_judge_as_the_parent_does(corpus, tmp_path):
    """A plain JSONL run has its workers judge and render each report; an extra output makes the
    parent judge the reports itself. Both must write the same bytes, whatever the gate's flags."""
    gate = ["--fail-under-residue", "90", "--block-rule", "RS011", "--warn-flag", "state-controlled"]
    extra = tmp_path / "extra.jsonl"
    in_workers = run("check", str(corpus), "--format", "jsonl", "--jobs", "2", "--no-cache", *gate)
    in_parent = run("check", str(corpus), "--format", "jsonl", "--jobs", "2", "--no-cache", *gate,
                    "--output-format", f"jsonl:{extra}")
    assert in_workers.returncode == in_parent.returncode == 1
    assert in_workers.stdout == in_parent.stdout == extra.read_text(encoding="utf-8")
    assert '"action":"warn","check":"flag"' in in_workers.stdout and '"rule":"RS011"' in in_workers.stdout


def test_reference_engine_gives_the_same_reports(corpus, one_core):
    reference = run("check", str(corpus), "--format", "jsonl", "--jobs", "1", "--no-cache", "--engine", "reference")
    assert reference.stdout == one_core.stdout


def test_output_file_is_written_whole_and_atomically(corpus, one_core, tmp_path):
    target = tmp_path / "out" / "reports.jsonl"
    result = run("check", str(corpus), "--format", "jsonl", "--output", str(target), "--no-cache", "--jobs", "2")
    assert result.returncode == one_core.returncode
    assert target.read_text(encoding="utf-8") == one_core.stdout
    assert [p.name for p in target.parent.iterdir()] == ["reports.jsonl"]


def test_corpus_formats_use_the_same_reports(corpus, one_core):
    result = run("check", str(corpus), "--format", "json", "--no-cache", "--jobs", "2")
    report = json.loads(result.stdout)
    lines = [json.loads(line) for line in one_core.stdout.splitlines()]
    assert report["documents"] == [d for d in lines if "error" not in d]
    assert len(report["errors"]) == 1


def test_shards_split_the_input_files_and_repeat_safely(corpus, one_core, tmp_path):
    out = tmp_path / "shards"
    lines = []
    for index in range(3):
        result = run("check", str(corpus), "--shard", f"{index}/3", "--output", str(out), "--no-cache")
        assert result.returncode in (0, 1), result.stderr
        marker = json.loads((out / f"shard-{index:05d}-of-00003.done").read_text())
        assert marker["shard"] == [index, 3] and len(marker["rules_digest"]) == 16
        lines += (out / f"shard-{index:05d}-of-00003.jsonl").read_text().splitlines()
    assert sorted(lines) == sorted(one_core.stdout.splitlines())
    again = run("check", str(corpus), "--shard", "1/3", "--output", str(out), "--no-cache")
    assert "already done" in again.stderr
    other_rules = run("check", str(corpus), "--shard", "1/3", "--output", str(out), "--no-cache", "--disable", "RS011")
    assert "already done" not in other_rules.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"shard-{i:05d}-of-00003.{ext}" for i in range(3) for ext in ("jsonl", "done"))


def test_shards_name_a_path_that_gives_nothing_as_one_run_does(tmp_path):
    """Given beside a corpus, a folder with nothing to check, a JSON Lines file with no record and a
    folder holding only such a file: one run names each, and so do the shards (in its place among the
    inputs), so a job pointed at the wrong folder, or at a download that came out empty, fails as one
    run would."""
    (tmp_path / "corpus").mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copy(path, tmp_path / "corpus" / path.name)
    (tmp_path / "empty").mkdir()
    (tmp_path / "blank.jsonl").write_text("\n\n", encoding="utf-8")
    (tmp_path / "holds-blank").mkdir()
    (tmp_path / "holds-blank" / "none.jsonl.gz").write_bytes(gzip.compress(b""))
    inputs = [str(tmp_path / name) for name in ("empty", "corpus", "blank.jsonl", "holds-blank")]
    one = run("check", *inputs, "--format", "jsonl", "--no-cache", "--jobs", "1")
    errors = [json.loads(line)["path"] for line in one.stdout.splitlines() if '"no documents found' in line]
    assert errors == [inputs[0], *inputs[2:]] and one.returncode == 1
    for index in range(3):
        run("check", *inputs, "--shard", f"{index}/3", "--output", str(tmp_path / "out"), "--no-cache", "--jobs", "1")
    merged = run("merge", str(tmp_path / "out"), "--format", "jsonl")
    assert merged.stdout == one.stdout and merged.returncode == one.returncode


def test_the_readme_names_shard_files_as_they_are_written(corpus, tmp_path):
    out = tmp_path / "shards"
    result = run("check", str(corpus), "--shard", "3/64", "--output", str(out), "--no-cache", "--jobs", "1")
    assert result.returncode in (0, 1), result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == ["shard-00003-of-00064.done", "shard-00003-of-00064.jsonl"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in written)
    assert "shard-I-of-N" not in readme


@pytest.mark.parametrize("bad", ["3/3", "-1/2", "a/b", "1"])
def test_bad_shard_is_a_usage_error(corpus, bad):
    result = run("check", str(corpus), f"--shard={bad}", "--output", "x")
    assert result.returncode == 2
    assert "--shard" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("options, problem", [
    (["--shard", "0/0"], "--shard '0/0': N must be 1 or more"),
    (["--shard=-1/2"], "--shard '-1/2': I must be between 0 and N-1"),
    (["--shard", "-1/2"], "--shard '-1/2': I must be between 0 and N-1"),  # argparse took -1/2 for an option
    (["--shard", "2/2"], "--shard '2/2': I must be between 0 and N-1"),
])
def test_a_bad_shard_says_what_is_wrong_with_it(corpus, options, problem):
    result = run("check", str(corpus), *options, "--output", "x")
    assert result.returncode == 2
    assert result.stderr.endswith(f"error: argument --shard: {problem}\n")


@pytest.mark.parametrize("options, problem", [
    (["--format", "json"], "--shard writes JSON Lines only: drop --format json, and ask "
                           "`provenance merge DIR --format json` for it"),
    (["--format", "console"], "--shard writes JSON Lines only: drop --format console"),
    (["--output-format", "json:extra.json"], "--shard writes JSON Lines only: drop --output-format"),
    (["--write-baseline", "base.json"], "--write-baseline records the findings of a whole corpus"),
])
def test_a_shard_refuses_the_formats_it_would_not_write(corpus, tmp_path, options, problem):
    """``--shard 0/2 --format json`` wrote JSON Lines without a word."""
    result = run("check", str(corpus), "--shard", "0/2", "--output", str(tmp_path / "out"), *options, "--no-cache",
                 cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"provenance: {problem}") and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_shard_takes_format_jsonl_as_what_it_writes(corpus, tmp_path):
    for out, options in ((tmp_path / "plain", []), (tmp_path / "named", ["--format", "jsonl"])):
        result = run("check", str(corpus), "--shard", "1/2", "--output", str(out), *options, "--no-cache", "--jobs", "1")
        assert result.returncode in (0, 1), result.stderr
    assert (tmp_path / "named" / "shard-00001-of-00002.jsonl").read_bytes() == \
        (tmp_path / "plain" / "shard-00001-of-00002.jsonl").read_bytes()


def test_address_without_ray_is_a_usage_error(corpus):
    """``--address`` was ignored without ``--executor ray``, where ``--gzip`` without ``--shard`` is refused."""
    result = run("check", str(corpus), "--address", "auto", "--no-cache")
    assert result.returncode == 2
    assert result.stderr == "provenance: --address names a Ray cluster: it is for --executor ray\n"


@pytest.mark.parametrize("bad", ["0", "-2", "two"])
def test_a_job_count_under_one_is_a_usage_error(corpus, bad):
    """``--jobs 0`` ran one process without a word, where a user may have meant every core."""
    result = run("check", str(corpus), f"--jobs={bad}", "--no-cache")
    assert result.returncode == 2
    assert f"--jobs {bad!r}: expected a number of processes, 1 or more" in result.stderr
    assert "Traceback" not in result.stderr


def test_shard_needs_an_output_folder(corpus):
    result = run("check", str(corpus), "--shard", "0/2", "--no-cache")
    assert result.returncode == 2 and "--output DIR" in result.stderr


def test_the_rule_structures_are_built_once_before_the_workers_fork():
    from provenance.config import Settings
    from provenance.document import Document
    from provenance.rulepack import load_rules
    from provenance.runner import CHUNK_DOCS, Runner

    rules, settings = load_rules(), Settings()
    docs = [Document(id=str(n), path=f"{n}.txt", text=f"The council met on day {n}.\n") for n in range(CHUNK_DOCS + 1)]
    lines = [o.line for o in Runner(settings, rules, jobs=2).outcomes(docs)]
    assert len(lines) == len(docs)
    assert "engine:prefilter" in rules._memo and "outlet-index" in rules._memo  # the parent checked nothing itself


def test_a_run_collects_young_garbage_less_often_and_restores_the_collector():
    import gc

    from provenance.runner import YOUNG_COLLECTION_THRESHOLD, few_collections

    before = gc.get_threshold()
    with few_collections():
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before


def test_a_one_core_run_freezes_the_rule_structures_while_it_checks_and_thaws_them_after():
    import gc

    from provenance.config import Settings
    from provenance.document import Document
    from provenance.rulepack import load_rules
    from provenance.runner import CHUNK_DOCS, Runner

    rules, settings = load_rules(), Settings()
    docs = [Document(id=str(n), path=f"{n}.txt", text=f"The council met on day {n}.\n") for n in range(CHUNK_DOCS * 2)]
    frozen_while_checking = []
    for n, outcome in enumerate(Runner(settings, rules, jobs=1).outcomes(docs)):
        assert outcome.line
        if n == CHUNK_DOCS:  # the second chunk: the first one built the structures the check needs
            frozen_while_checking.append(gc.get_freeze_count())
    assert frozen_while_checking[0] > 0
    assert gc.get_freeze_count() == 0


class _Pipe:
    """A stdout whose byte stream records what a reader at the other end would have got, and when."""

    def __init__(self):
        self.events: list[tuple[str, bytes]] = []
        self.buffer = self

    def write(self, data: bytes) -> None:
        self.events.append(("write", data))

    def flush(self) -> None:
        self.events.append(("flush", b""))


def test_jsonl_on_stdout_reaches_a_reader_one_line_at_a_time(monkeypatch):
    import io

    from provenance.commands import check
    from provenance.report import ReadError
    from provenance.runner import Outcome

    errors = [ReadError(path=f"{n}.jsonl", line=n, message="malformed JSON") for n in range(3)]
    pipe = _Pipe()
    monkeypatch.setattr(sys, "stdout", pipe)
    assert check._stream_to_stdout(Outcome(None, False, e) for e in errors) == 1
    writes = [data for kind, data in pipe.events if kind == "write"]
    assert len(writes) == 3 and all(b'"error":"malformed JSON"' in w for w in writes)
    assert [kind for kind, _ in pipe.events] == ["flush", *["write", "flush"] * 3]
    text = io.StringIO()  # a stdout without a byte stream beneath gets the same text
    monkeypatch.setattr(sys, "stdout", text)
    check._stream_to_stdout(Outcome(None, False, e) for e in errors)
    assert text.getvalue().encode() == b"".join(writes)


def _pools_started(monkeypatch) -> list[int]:
    """Records each process pool a runner starts (its jobs), the pool itself left as it is."""
    from provenance import runner

    started: list[int] = []
    real = runner._process_pool

    def recording(jobs, method, **options):
        started.append(jobs)
        return real(jobs, method, **options)

    monkeypatch.setattr(runner, "_process_pool", recording)
    return started


def test_a_pool_starts_only_once_documents_need_checking(monkeypatch, tmp_path):
    """With a result cache, a run on two jobs checks the first few documents the cache cannot answer
    itself and starts the pool once ``POOL_AFTER_DOCS`` needed checking; a run the cache answers whole
    starts none. Every run gives the lines a run on one job gives."""
    from provenance.cache import ResultCache
    from provenance.config import Settings
    from provenance.document import Document
    from provenance.rulepack import load_rules
    from provenance.runner import CHUNK_DOCS, POOL_AFTER_DOCS, Runner

    rules, settings = load_rules(), Settings()
    docs = [Document(id=str(n), path=f"{n}.txt", text=f"Share this\nThe council met on day {n}.\n")
            for n in range(3 * CHUNK_DOCS)]
    expected = [o.line for o in Runner(settings, rules, jobs=1).outcomes(docs)]
    cache = ResultCache(tmp_path, "space")
    first = [o.line for o in Runner(settings, rules, jobs=1, cache=cache).outcomes(docs[:CHUNK_DOCS])]
    assert first == expected[:CHUNK_DOCS]
    started = _pools_started(monkeypatch)

    def lines(items, cache):
        return [o.line for o in Runner(settings, rules, jobs=2, cache=cache).outcomes(items)]

    assert POOL_AFTER_DOCS > 2
    assert lines(docs[:CHUNK_DOCS + 2], cache) == expected[:CHUNK_DOCS + 2] and started == [], \
        "two documents to check: checked in the parent"
    assert lines(docs, cache) == expected and started == [2]
    assert lines(docs, cache) == expected and started == [2], "answered by the cache: no pool"
    assert lines(docs, None) == expected and started == [2, 2], "without a cache: a pool at once"


def _cgroup_files(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(("files", "cpus"), [
    ({}, None),
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu.max": "200000 100000\n"}, 2),
    ({"cpu.max": "150000 100000\n"}, 2),
    ({"cpu.max": "20000 100000\n"}, 1),
    ({"cpu.max": "garbled\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cpu,cpuacct/cpu.cfs_quota_us": "300000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 3),
    ({"cpu/cpu.cfs_quota_us": "300000\n"}, None),
])
def test_a_cgroup_quota_is_read_as_the_cpus_it_allows(tmp_path, files, cpus):
    from provenance.runner import cgroup_cpu_quota

    assert cgroup_cpu_quota(_cgroup_files(tmp_path, files)) == cpus


@given(quota=st.integers(1, 10**9), period=st.integers(1, 10**7))
def test_a_quota_allows_its_share_of_a_period_rounded_up(tmp_path_factory, quota, period):
    from provenance.runner import cgroup_cpu_quota

    root = _cgroup_files(tmp_path_factory.mktemp("cgroup"), {"cpu.max": f"{quota} {period}\n"})
    cpus = cgroup_cpu_quota(root)
    assert cpus >= 1 and cpus - 1 < max(1, quota / period) <= cpus


def test_the_default_jobs_keep_to_the_container_s_cpu_quota(tmp_path, monkeypatch):
    """In a container limited to one CPU, the default is one worker, however many cores the affinity
    names; a quota above the affinity leaves the affinity's count."""
    from provenance import runner

    monkeypatch.setattr(runner, "_affinity_cores", lambda: 8)
    monkeypatch.setattr(runner, "CGROUP_ROOT", _cgroup_files(tmp_path / "one", {"cpu.max": "100000 100000\n"}))
    assert runner.available_cores() == 1
    monkeypatch.setattr(runner, "CGROUP_ROOT", _cgroup_files(tmp_path / "many", {"cpu.max": "max 100000\n"}))
    assert runner.available_cores() == 8
    monkeypatch.setattr(runner, "CGROUP_ROOT", _cgroup_files(tmp_path / "more", {"cpu.max": "1600000 100000\n"}))
    assert runner.available_cores() == 8


def test_a_gated_shard_writes_the_lines_its_workers_judged(corpus, tmp_path, monkeypatch, capsys):
    """A shard's lines are all it writes: with a gate that keeps no record of the run, the gate's
    verdict is laid in the workers and the parent parses no report back; the lines are those of an
    unsharded run under the same gate, and the exit code says the same."""
    from provenance import runner
    from provenance.cli import main

    gate = ["--no-cache", "--fail-under-residue", "90", "--jobs", "2"]
    unsharded = main(["check", str(corpus), "--format", "jsonl", *gate])
    expected = capsys.readouterr().out.splitlines()
    parsed = []
    real = runner.Outcome.item
    monkeypatch.setattr(runner.Outcome, "item", lambda self: parsed.append(1) or real(self))
    out = tmp_path / "shards"
    code = main(["check", str(corpus), "--shard", "0/1", "--output", str(out), *gate])
    assert parsed == [] and code == unsharded == 1
    assert (out / "shard-00000-of-00001.jsonl").read_text(encoding="utf-8").splitlines() == expected
