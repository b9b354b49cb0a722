"""A large JSONL file split into byte ranges (``--part-size``), of its bytes or, compressed, of its
compressed bytes, so that its records spread over the shards of a run or the tasks of a Ray cluster:
every record is read by exactly one part, under the line number it has in the whole file, and the
merged reports are those of one run."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path
from unittest import mock

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import compression
from provenance.cli import main
from provenance.parts import PartReaders, parts_of
from provenance.report import ReadError
from provenance.runner import Shard, read_unit, units
from provenance.sources import Reading, read_jsonl_file
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


def _compressed(data: bytes, codec: str, cuts: list[int]) -> bytes:
    """``data`` compressed as gzip members or Zstandard frames, a new one at each of ``cuts``, as
    pigz, bgzip or pzstd write them; for gzip, the zero bytes some writers pad between members too."""
    bounds = [0, *sorted({min(c, len(data)) for c in cuts}), len(data)]
    pieces = [data[a:b] for a, b in zip(bounds, bounds[1:])]
    if codec == "gzip":
        return b"\0\0".join(gzip.compress(piece, compresslevel=1, mtime=0) for piece in pieces)
    return b"".join(zstandard.ZstdCompressor(level=1).compress(piece) for piece in pieces)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINES, max_size=40), final_newline=st.booleans(), codec=st.sampled_from(["gzip", "zstd"]),
       cuts=st.lists(st.integers(0, 2_000), max_size=2), part_bytes=st.integers(1, 300),
       read_bytes=st.sampled_from([1, 7, 64]), max_bytes=st.sampled_from([1 << 20, 25]), kept_open=st.booleans(),
       cut_short=st.integers(0, 3))
def test_the_parts_of_a_compressed_file_read_each_record_once_as_the_whole_file_does(
        tmp_path_factory, lines, final_newline, codec, cuts, part_bytes, read_bytes, max_bytes, kept_open, cut_short):
    """Parts of its compressed bytes, read each from the file's start or, kept open, one after another
    (as a shard reads them), over compressed bytes taken a few at a time; a file cut short is named
    once, by the part holding its end, at the line the whole file names."""
    text = ("\n".join(lines) + ("\n" if final_newline and lines else "")).encode()
    data = _compressed(text, codec, cuts)
    data = data[:len(data) - cut_short] if len(data) > cut_short else data
    path = tmp_path_factory.mktemp("parts") / f"crawl.jsonl.{'gz' if codec == 'gzip' else 'zst'}"
    path.write_bytes(data)
    whole = _seen(read_jsonl_file(path, "crawl", Reading(max_bytes)))
    with mock.patch.object(compression, "COMPRESSED_READ_BYTES", read_bytes), PartReaders() as readers:
        by_parts = [seen for part in parts_of(len(data), part_bytes)
                    for seen in _seen(read_jsonl_file(path, "crawl", Reading(max_bytes), part,
                                                      readers if kept_open else None))]
    assert by_parts == whole


def test_a_file_kept_open_is_read_afresh_once_it_changed_or_under_another_limit(tmp_path):
    """A Ray worker keeps a file open from one run's task to another's: a changed file, or one read
    under another ``max_bytes``, is not read on from the stream kept."""
    path = tmp_path / "a.jsonl.gz"
    records = [json.dumps({"text": f"Record {n} of the crawl, padded." + "x" * (n % 7)}) + "\n" for n in range(300)]
    path.write_bytes(_compressed("".join(records).encode(), "gzip", []))
    with mock.patch.object(compression, "COMPRESSED_READ_BYTES", 64), PartReaders() as readers:
        first, second = parts_of(path.stat().st_size, 300)[:2]
        list(read_jsonl_file(path, "a", Reading(), first, readers))
        path.write_bytes(_compressed("".join(reversed(records)).encode(), "gzip", []))
        assert _seen(read_jsonl_file(path, "a", Reading(), second, readers)) == \
            _seen(read_jsonl_file(path, "a", Reading(), second))
        third = parts_of(path.stat().st_size, 300)[2]
        assert _seen(read_jsonl_file(path, "a", Reading(40), third, readers)) == \
            _seen(read_jsonl_file(path, "a", Reading(40), third))


def test_a_file_corrupt_midway_is_named_once_however_many_parts_read_it(tmp_path):
    data = bytearray(gzip.compress(_jsonl(tmp_path / "a.jsonl", 400).read_bytes(), mtime=0))
    data[len(data) // 2: len(data) // 2 + 40] = bytes(40)
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(bytes(data))
    whole = _seen(read_jsonl_file(path, "a", Reading()))
    with mock.patch.object(compression, "COMPRESSED_READ_BYTES", 64):
        by_parts = [seen for part in parts_of(len(data), 100)
                    for seen in _seen(read_jsonl_file(path, "a", Reading(), part))]
    assert by_parts == whole
    assert [seen[2] for seen in whole if seen[0] == "error" and seen[2].startswith("gzip")] == [
        "gzip data cut short or corrupt: CRC check failed 0xc2089752 != 0x49a4c1f2"]


def test_gzip_members_read_in_pieces_are_what_the_gzip_module_reads(tmp_path):
    data = _jsonl(tmp_path / "a.jsonl", 30000).read_bytes()
    packed = _compressed(data, "gzip", [len(data) // 3])
    with open(tmp_path / "a.jsonl.gz", "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", filename="a.jsonl", mtime=1) as named:  # FNAME set
            named.write(data)
    long_line = b"a" * (5 << 20) + b"\n"  # a piece at most READ_BYTES, however far the data expands
    for packed, text in ((packed, data), ((tmp_path / "a.jsonl.gz").read_bytes(), data),
                         (gzip.compress(long_line), long_line)):
        pieces = list(compression.tagged_pieces(io.BytesIO(packed), "gzip"))
        assert b"".join(piece for _, piece in pieces) == gzip.decompress(packed) == text
        assert [tag for tag, _ in pieces] == sorted(tag for tag, _ in pieces) and pieces[-1][0] == len(packed)
        assert max(len(piece) for _, piece in pieces) <= compression.READ_BYTES


def _member(data: bytes, extra: bytes | None, name: bytes | None, comment: bytes | None, header_crc: bool) -> bytes:
    """A gzip member whose header carries the optional fields given (RFC 1952), as bgzip (FEXTRA)
    and other writers set them."""
    flags = (4 if extra is not None else 0) | (8 if name is not None else 0) | (16 if comment is not None else 0) \
        | (2 if header_crc else 0)
    header = b"\x1f\x8b\x08" + bytes([flags]) + bytes(4) + b"\x00\xff"
    if extra is not None:
        header += len(extra).to_bytes(2, "little") + extra
    header += (name + b"\0" if name is not None else b"") + (comment + b"\0" if comment is not None else b"")
    if header_crc:
        header += (zlib.crc32(header) & 0xFFFF).to_bytes(2, "little")
    body = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    trailer = zlib.crc32(data).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    return header + body.compress(data) + body.flush() + trailer


FIELD = st.one_of(st.none(), st.binary(max_size=40).map(lambda b: b.replace(b"\0", b"")))


@settings(max_examples=150, deadline=None)
@given(members=st.lists(st.tuples(st.binary(max_size=300), FIELD, FIELD, FIELD, st.booleans()), min_size=1,
                        max_size=3),
       read_bytes=st.sampled_from([1, 5, 64]))
def test_gzip_headers_with_every_optional_field_read_as_the_gzip_module_reads_them(members, read_bytes):
    packed = b"".join(_member(*member) for member in members)
    with mock.patch.object(compression, "COMPRESSED_READ_BYTES", read_bytes):
        pieces = list(compression.tagged_pieces(io.BytesIO(packed), "gzip"))
    assert b"".join(piece for _, piece in pieces) == gzip.decompress(packed)


@pytest.mark.parametrize("broken, message", [
    (lambda packed: b"x" + packed, "Not a gzipped file (b'x\\x1f')"),
    (lambda packed: packed[:3] + b"\x07" + packed[4:], None),
    (lambda packed: packed[:-8] + bytes(8), "CRC check failed 0x0 != "),
    (lambda packed: packed[:5], "Compressed file ended before the end-of-stream marker was reached"),
    (lambda packed: packed + b"\0\0\x1f", "Compressed file ended before the end-of-stream marker was reached"),
])
def test_a_broken_gzip_stream_raises_what_the_gzip_module_raises(broken, message):
    packed = broken(gzip.compress(b'{"text": "a"}\n' * 100, mtime=0))
    with pytest.raises(compression.DATA_ERRORS) as ours:
        list(compression.tagged_pieces(io.BytesIO(packed), "gzip"))
    with pytest.raises(compression.DATA_ERRORS) as theirs:
        gzip.decompress(packed)
    assert str(ours.value) == str(theirs.value) or message and str(ours.value).startswith(message)


@given(size=st.integers(0, 10_000), part_bytes=st.integers(1, 2_000))
def test_parts_cover_a_file_end_to_end_without_overlap(size, part_bytes):
    parts = parts_of(size, part_bytes)
    assert [b for part in parts for b in range(part.start, part.end)] == list(range(size))
    assert all(0 < part.end - part.start <= part_bytes for part in parts)


def _jsonl(path: Path, records: int) -> Path:
    path.write_text("".join(json.dumps({"text": f"Record {n} of the crawl."}) + "\n" for n in range(records)),
                    encoding="utf-8")
    return path


def test_only_a_jsonl_file_over_the_part_size_is_split(tmp_path):
    big = _jsonl(tmp_path / "big.jsonl", 100)
    _jsonl(tmp_path / "small.jsonl", 2)
    (tmp_path / "small.jsonl.gz").write_bytes(gzip.compress(big.read_bytes()))
    zipped = _compressed(_jsonl(tmp_path / "many.jsonl", 3000).read_bytes(), "gzip", [])
    (tmp_path / "many.jsonl").unlink()
    (tmp_path / "zipped.jsonl.gz").write_bytes(zipped)
    (tmp_path / "page.txt").write_text("A page.\n" * 200, encoding="utf-8")
    found = list(units([tmp_path], part_bytes=1000))
    assert [(Path(path).name, part) for path, _, part, _ in found] == [
        *(("big.jsonl", part) for part in parts_of(big.stat().st_size, 1000)),
        ("page.txt", None), ("small.jsonl", None), ("small.jsonl.gz", None),
        *(("zipped.jsonl.gz", part) for part in parts_of(len(zipped), 1000))]
    assert [item.line for unit in found[:-len(parts_of(len(zipped), 1000)) - 3]
            for item in read_unit(unit, Reading(1 << 20))] == list(range(1, 101))


def test_a_shard_takes_every_nth_unit_of_the_parts_in_input_order(tmp_path):
    _jsonl(tmp_path / "a.jsonl", 100)
    every = list(units([tmp_path], part_bytes=500))
    assert len(every) > 6
    assert list(units([tmp_path], Shard(1, 3), part_bytes=500)) == every[1::3]
    assert list(units([tmp_path])) == [(str(tmp_path / "a.jsonl"), "a.jsonl", None, str(tmp_path))]


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


def test_a_gzipped_file_checked_in_parts_by_shards_merges_to_the_reports_of_one_run(tmp_path, capsys):
    """In process, its compressed bytes taken a kilobyte at a time: the parts of a small file then
    hold its records as those of a crawl's hold theirs."""
    corpus = make_corpus(tmp_path / "corpus", records=40)
    crawl = tmp_path / "one" / "crawl.jsonl.gz"
    crawl.parent.mkdir()
    text = (corpus / "crawl-a.jsonl").read_bytes() + (corpus / "crawl-b.jsonl").read_bytes()
    crawl.write_bytes(_compressed(text, "gzip", [len(text) // 2]))
    out = tmp_path / "out"
    with mock.patch.object(compression, "COMPRESSED_READ_BYTES", 1024):
        for index in range(3):
            assert main(["check", str(crawl.parent), "--shard", f"{index}/3", "--output", str(out), "--no-cache",
                         "--jobs", "1", "--part-size", "4K"]) in (0, 1)
    markers = [json.loads((out / f"shard-{index:05d}-of-00003.done").read_text()) for index in range(3)]
    assert sum(len(marker["units"]) for marker in markers) == len(parts_of(crawl.stat().st_size, 4096)) > 3
    assert sum(count > 0 for marker in markers for count in marker["units"]) > 3
    whole = run("check", str(crawl.parent), "--format", "jsonl", "--no-cache", "--jobs", "1")
    merged = run("merge", str(out), "--format", "jsonl")
    assert merged.stdout == whole.stdout and merged.returncode == whole.returncode

    older = out / "shard-00002-of-00003.done"  # as a release that read each compressed file whole left it
    older.write_text(json.dumps({k: v for k, v in markers[2].items() if k != "compressed_read_bytes"}))
    refused = run("merge", str(out))
    assert refused.returncode == 2 and f"{older}: compressed_read_bytes differs from" in refused.stderr


def test_a_part_size_that_is_no_size_is_a_usage_error(tmp_path):
    result = run("check", str(tmp_path), "--shard", "0/2", "--output", str(tmp_path / "out"), "--part-size", "0")
    assert result.returncode == 2
    assert "not a size: '0'" in result.stderr.splitlines()[-1]


def test_a_part_size_where_nothing_is_split_is_refused(tmp_path):
    result = run("check", str(_jsonl(tmp_path / "a.jsonl", 3)), "--part-size", "1M")
    assert result.returncode == 2
    assert result.stderr == ("provenance: --part-size is for --shard and --executor ray, which spread a run's units "
                             "over machines; a run on this machine reads every file whole\n")
