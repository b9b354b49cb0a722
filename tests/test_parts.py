"""A large plain JSONL file split into byte ranges (``--part-size``), so that its records spread over
the shards of a run or the tasks of a Ray cluster: every record is read by exactly one part, under
the line number it has in the whole file, and the merged reports are those of one run."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.report import ReadError
from provenance.runner import Shard, read_unit, units
from provenance.sources import Reading, parts_of, read_jsonl_file
from test_runner import make_corpus, run

# A line of a scraped JSONL file: a record (with or without an id), a blank line, or one that holds none.
LINES = st.one_of(
    st.builds(lambda text: json.dumps({"text": text}, ensure_ascii=False), st.text(max_size=30)),
    st.builds(lambda n, text: json.dumps({"id": f"r{n}", "text": text}), st.integers(0, 3), st.text(max_size=10)),
    st.sampled_from(["", "   ", "not json", "[1, 2]", '{"text": 5}']),
)


def _seen(items) -> list[tuple]:
    return [("error", item.line, item.message) if isinstance(item, ReadError) else (item.id, item.line, item.text)
            for item in items]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINES, max_size=12), final_newline=st.booleans(), part_bytes=st.integers(1, 120),
       max_bytes=st.sampled_from([1 << 20, 25]))
def test_the_parts_of_a_file_read_each_record_once_as_the_whole_file_does(tmp_path_factory, lines, final_newline,
                                                                          part_bytes, max_bytes):
    path = tmp_path_factory.mktemp("parts") / "crawl.jsonl"
    path.write_text("\n".join(lines) + ("\n" if final_newline and lines else ""), encoding="utf-8")
    whole = _seen(read_jsonl_file(path, "crawl.jsonl", Reading(max_bytes)))
    by_parts = [seen for part in parts_of(path.stat().st_size, part_bytes)
                for seen in _seen(read_jsonl_file(path, "crawl.jsonl", Reading(max_bytes), part))]
    assert by_parts == whole


@given(size=st.integers(0, 10_000), part_bytes=st.integers(1, 2_000))
def test_parts_cover_a_file_end_to_end_without_overlap(size, part_bytes):
    parts = parts_of(size, part_bytes)
    assert [b for part in parts for b in range(part.start, part.end)] == list(range(size))
    assert all(0 < part.end - part.start <= part_bytes for part in parts)


def _jsonl(path: Path, records: int) -> Path:
    path.write_text("".join(json.dumps({"text": f"Record {n} of the crawl."}) + "\n" for n in range(records)),
                    encoding="utf-8")
    return path


def test_only_a_plain_jsonl_file_over_the_part_size_is_split(tmp_path):
    big = _jsonl(tmp_path / "big.jsonl", 100)
    _jsonl(tmp_path / "small.jsonl", 2)
    (tmp_path / "zipped.jsonl.gz").write_bytes(gzip.compress(big.read_bytes()))
    (tmp_path / "page.txt").write_text("A page.\n" * 200, encoding="utf-8")
    found = list(units([tmp_path], part_bytes=1000))
    size = big.stat().st_size
    assert [(Path(path).name, part) for path, _, part in found] == [
        *(("big.jsonl", part) for part in parts_of(size, 1000)),
        ("page.txt", None), ("small.jsonl", None), ("zipped.jsonl.gz", None)]
    assert [item.line for unit in found[:-3] for item in read_unit(unit, Reading(1 << 20))] == list(range(1, 101))


def test_a_shard_takes_every_nth_unit_of_the_parts_in_input_order(tmp_path):
    _jsonl(tmp_path / "a.jsonl", 100)
    every = list(units([tmp_path], part_bytes=500))
    assert len(every) > 6
    assert list(units([tmp_path], Shard(1, 3), part_bytes=500)) == every[1::3]
    assert list(units([tmp_path])) == [(str(tmp_path / "a.jsonl"), "a.jsonl", None)]


def test_a_single_file_checked_in_parts_by_shards_merges_to_the_reports_of_one_run(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", records=40)
    crawl = tmp_path / "one" / "crawl.jsonl"
    crawl.parent.mkdir()
    crawl.write_bytes((corpus / "crawl-a.jsonl").read_bytes() + (corpus / "crawl-b.jsonl").read_bytes())
    out = tmp_path / "out"
    for index in range(3):
        result = run("check", str(crawl.parent), "--shard", f"{index}/3", "--output", str(out), "--no-cache",
                     "--jobs", "1", "--part-size", "20K")
        assert result.returncode in (0, 1), result.stderr
    markers = [json.loads((out / f"shard-{index:05d}-of-00003.done").read_text()) for index in range(3)]
    assert sum(len(marker["units"]) for marker in markers) == len(parts_of(crawl.stat().st_size, 20 * 1024)) > 3
    assert all(marker["part_bytes"] == 20 * 1024 for marker in markers)
    whole = run("check", str(crawl.parent), "--format", "jsonl", "--no-cache", "--jobs", "1")
    merged = run("merge", str(out), "--format", "jsonl")
    assert merged.stdout == whole.stdout and merged.returncode == whole.returncode

    again = run("check", str(crawl.parent), "--shard", "0/3", "--output", str(out), "--no-cache", "--part-size", "30K")
    assert "already done" not in again.stderr  # other parts: the shard is checked again
    refused = run("merge", str(out))
    assert refused.returncode == 2
    assert refused.stderr == (f"provenance: merge: {out / 'shard-00000-of-00003.done'}: part_bytes differs from "
                              f"{out / 'shard-00001-of-00003.done'}'s (shards checked under other rules or settings)\n")


def test_a_part_size_that_is_no_size_is_a_usage_error(tmp_path):
    result = run("check", str(tmp_path), "--shard", "0/2", "--output", str(tmp_path / "out"), "--part-size", "0")
    assert result.returncode == 2
    assert "not a size: '0'" in result.stderr.splitlines()[-1]


def test_a_part_size_where_nothing_is_split_is_refused(tmp_path):
    result = run("check", str(_jsonl(tmp_path / "a.jsonl", 3)), "--part-size", "1M")
    assert result.returncode == 2
    assert result.stderr == ("provenance: --part-size is for --shard and --executor ray, which spread a run's units "
                             "over machines; a run on this machine reads every file whole\n")
