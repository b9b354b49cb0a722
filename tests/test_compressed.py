"""JSON Lines as crawls ship them: ``.ndjson``, gzipped (``.jsonl.gz``, C4's and Dolma's ``.json.gz``)
and Zstandard (``.jsonl.zst``, the Pile's and SlimPajama's, often in several frames). Each is read as
the plain file is; a stream cut short or corrupt is an error naming the file and line, never a quiet
end; Zstandard without its package is a one-line error; reports and baselines are written
compressed by their names."""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from provenance import compression, sources
from provenance.document import Document
from provenance.report import ReadError
from provenance.sources import JSONL_SUFFIXES, read_documents

SEEDS = sorted(ROOT.joinpath("corpus").glob("*.txt"))


def records_of_seeds() -> bytes:
    return "".join(json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) + "\n" for p in SEEDS).encode()


def zstd_frames(*parts: bytes) -> bytes:
    """Each part its own frame, one after another, as a parallel compressor writes them."""
    return b"".join(zstandard.ZstdCompressor().compress(part) for part in parts)


def packed(name: str, data: bytes) -> bytes:
    codec = compression.codec_of_name(name)
    if codec == compression.GZIP:
        return gzip.compress(data, mtime=0)
    return zstd_frames(data[: len(data) // 3], data[len(data) // 3:]) if codec == compression.ZSTD else data


def read(path) -> list:
    return list(read_documents([path]))


def run(*args: str, cwd=ROOT, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provenance", *args], cwd=cwd, input=data, capture_output=True)


@pytest.mark.parametrize("suffix", JSONL_SUFFIXES)
def test_every_json_lines_suffix_reads_the_records_of_the_plain_file(tmp_path, suffix):
    data = records_of_seeds()
    (tmp_path / f"crawl{suffix}").write_bytes(packed(suffix, data))
    (tmp_path / "plain.jsonl").write_bytes(data)
    got, plain = read(tmp_path / f"crawl{suffix}"), read(tmp_path / "plain.jsonl")
    assert all(isinstance(item, Document) for item in got) and len(got) == len(SEEDS)
    assert [(d.id, d.text, d.line) for d in got] == [(d.id, d.text, d.line) for d in plain]


def test_a_folder_holds_crawl_shards_but_a_plain_json_file_is_no_document(tmp_path):
    (tmp_path / "c4-train.00000-of-01024.json.gz").write_bytes(gzip.compress(records_of_seeds()))
    (tmp_path / "a.txt").write_text("A short article.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"url": "https://example.org/a"}', encoding="utf-8")
    (tmp_path / "dump.json").write_text('{"text": "one JSON document"}', encoding="utf-8")
    found = [f[1] for f in sources.discover([tmp_path])]
    assert found == ["a.txt", "c4-train.00000-of-01024.json.gz"]


def test_a_plain_json_file_named_on_the_command_line_is_refused_in_one_line(tmp_path):
    (tmp_path / "dump.json").write_text('{"text": "one JSON document"}', encoding="utf-8")
    [error] = read(tmp_path / "dump.json")
    assert error.message.startswith("not a document file (.txt, .md, .jsonl, .ndjson; JSON Lines also as .gz, .zst")


def test_zstd_cut_short_keeps_the_records_before_the_cut_and_names_the_line(tmp_path):
    first = b'{"text": "first"}\n{"text": "second"}\n'
    noise = "".join(f"{i * 7919 % 10007:05d}" for i in range(40_000))  # a second frame, cut inside
    whole = zstd_frames(first, json.dumps({"text": noise}).encode() + b"\n")
    items = read_file(tmp_path, "a.jsonl.zst", whole[:-20])
    assert [i.text for i in items[:2]] == ["first", "second"]
    assert isinstance(items[2], ReadError) and items[2].line == 3
    assert items[2].message == "zstd data cut short or corrupt: the data ends inside a frame"
    assert len(items) == 3


def test_bytes_that_are_no_zstd_are_an_error_and_the_other_files_are_read(tmp_path):
    (tmp_path / "a.jsonl.zst").write_bytes(b'{"text": "plain, not zstd"}\n')
    (tmp_path / "b.jsonl").write_bytes(b'{"text": "fine"}\n')
    error, doc = read(tmp_path)
    assert isinstance(error, ReadError) and error.path.endswith("a.jsonl.zst") and error.line == 1
    assert error.message.startswith("zstd data cut short or corrupt: ")
    assert isinstance(doc, Document) and doc.text == "fine"


def read_file(tmp_path, name: str, data: bytes) -> list:
    (tmp_path / name).write_bytes(data)
    return read(tmp_path / name)


class Trickle(io.BytesIO):
    """A file whose reads give at most ``most`` bytes, as a pipe or a network file system may."""

    def __init__(self, data: bytes, most: int):
        super().__init__(data)
        self.most = most

    def read(self, size: int | None = -1) -> bytes:
        return super().read(self.most if size is None or size < 0 else min(size, self.most))


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=30),
       cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=4),
       most=st.integers(min_value=1, max_value=64))
def test_zstd_frames_read_as_one_stream_whatever_the_reads_give(lines, cuts, most):
    data = "".join(json.dumps({"text": line}) + "\n" for line in lines).encode()
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    frames = zstd_frames(*(data[a:b] for a, b in zip(bounds, bounds[1:])))
    assert compression.decompressing(Trickle(frames, most), compression.ZSTD).read() == data


SKIPPABLE = b"\x50\x2a\x4d\x18" + (4).to_bytes(4, "little") + b"pzst"  # as pzstd puts before each frame


@settings(max_examples=40, deadline=None)
@given(records=st.lists(st.text(max_size=40), min_size=1, max_size=6), checksum=st.booleans(),
       content_size=st.booleans(), cut=st.integers(min_value=0))
def test_a_cut_between_frames_reads_the_frames_before_it_and_any_other_cut_is_an_error(records, checksum,
                                                                                      content_size, cut):
    compressor = zstandard.ZstdCompressor(write_checksum=checksum, write_content_size=content_size)
    lines = [json.dumps({"text": r}).encode() + b"\n" for r in records]
    frames = [SKIPPABLE if n % 2 else compressor.compress(lines[n // 2]) for n in range(2 * len(lines))]
    data = b"".join(frames)
    cut %= len(data) + 1
    ends = {sum(map(len, frames[:n])): b"".join(lines[: (n + 1) // 2]) for n in range(len(frames) + 1)}
    reader = compression.decompressing(io.BytesIO(data[:cut]), compression.ZSTD)
    if cut in ends:
        assert reader.read() == ends[cut]
    else:
        with pytest.raises(compression.CorruptData, match="the data ends inside a frame"):
            reader.read()


def test_a_record_expanding_a_thousandfold_is_skipped_in_little_memory(tmp_path):
    """Zstandard's own ``decompressobj`` returns all of a chunk's output at once: the 6 KB of this
    file would become 200 MB in memory. The stream reader holds a read's worth."""
    path = tmp_path / "bomb.jsonl.zst"
    path.write_bytes(zstd_frames(b'{"text": "' + b"x" * (200 << 20) + b'"}\n{"text": "after"}\n'))
    # VmHWM, the process's own peak: ru_maxrss would carry this test process's peak over the exec
    script = ("import sys; from pathlib import Path; from provenance.sources import Reading, read_documents; "
              "items = list(read_documents([Path(sys.argv[1])], Reading(1 << 20))); "
              "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]; "
              "print(len(items), items[-1].text, int(peak) >> 10)")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT)
    count, text, peak_mb = done.stdout.split()
    assert (count, text) == ("2", "after") and int(peak_mb) < 120, done.stderr


@pytest.mark.parametrize("codec", ["gzip", "zstd"])
def test_compressed_records_on_stdin_are_told_by_their_first_bytes(codec):
    data = records_of_seeds()
    stdin = gzip.compress(data) if codec == "gzip" else zstd_frames(data)
    piped = run("check", "-", "--format", "jsonl", "--no-cache", data=stdin)
    plain = run("check", "-", "--format", "jsonl", "--no-cache", data=data)
    assert piped.returncode == plain.returncode and piped.stderr == b""
    assert piped.stdout == plain.stdout and len(piped.stdout.splitlines()) == len(SEEDS)


class _Trickle(io.RawIOBase):
    """A pipe that brings ``step`` bytes a read, as a slow writer's may."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step = data, step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        part, self.data = self.data[:min(self.step, len(buffer))], self.data[min(self.step, len(buffer)):]
        buffer[:len(part)] = part
        return len(part)


@pytest.mark.parametrize("codec", [None, "gzip", "zstd"])
@pytest.mark.parametrize("step", [1, 2, 3, 4, 64])
def test_standard_input_is_told_by_its_first_bytes_however_few_each_read_brings(codec, step):
    data = records_of_seeds()
    piped = {None: data, "gzip": gzip.compress(data), "zstd": zstd_frames(data)}[codec]
    stream, found = compression.sniffed(io.BufferedReader(_Trickle(piped, step)))
    assert found == codec
    assert compression.decompressing(stream, found).read() == data


def test_a_stream_shorter_than_a_magic_is_read_as_it_is():
    for data in (b"", b"{", b"\x1f", b"\x28\xb5\x2f"):
        stream, found = compression.sniffed(io.BufferedReader(_Trickle(data, 1)))
        assert found is None and stream.read() == data


def test_a_report_named_zst_is_written_compressed_the_same_bytes_each_run(tmp_path):
    (tmp_path / "crawl.jsonl").write_bytes(records_of_seeds())
    outs = [tmp_path / "one.jsonl.zst", tmp_path / "two.jsonl.zst"]
    for out in outs:
        run("check", str(tmp_path / "crawl.jsonl"), "--format", "jsonl", "--no-cache", "--output", str(out))
    assert outs[0].read_bytes() == outs[1].read_bytes()
    plain = run("check", str(tmp_path / "crawl.jsonl"), "--format", "jsonl", "--no-cache").stdout
    assert zstandard.ZstdDecompressor().stream_reader(outs[0].read_bytes()).read() == plain


def test_a_baseline_named_zst_is_read_back(tmp_path):
    (tmp_path / "crawl.jsonl").write_bytes(records_of_seeds())
    baseline = tmp_path / "baseline.json.zst"
    assert run("check", str(tmp_path / "crawl.jsonl"), "--write-baseline", str(baseline), "--no-cache").returncode == 0
    assert run("check", str(tmp_path / "crawl.jsonl"), "--baseline", str(baseline), "--no-cache").returncode == 0


def test_clean_writes_the_copy_of_a_zst_file_as_zst(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    text = SEEDS[4].read_text(encoding="utf-8")
    (src / "part.jsonl.zst").write_bytes(zstd_frames(json.dumps({"id": "a", "text": text}).encode() + b"\n"))
    assert run("clean", str(src), "--out", str(out)).returncode == 0
    [record] = [json.loads(line) for line in zstandard.ZstdDecompressor().stream_reader(
        (out / "part.jsonl.zst").read_bytes()).read().splitlines()]
    assert record["id"] == "a" and len(record["text"]) < len(text)
    assert set(record["text"].split("\n")) <= set(text.split("\n"))


@pytest.fixture
def without_zstandard(monkeypatch):
    monkeypatch.setitem(sys.modules, "zstandard", None)  # ``import zstandard`` now raises ImportError


def test_without_the_package_a_zst_file_is_one_error_and_the_rest_is_read(tmp_path, without_zstandard):
    (tmp_path / "a.jsonl.zst").write_bytes(zstd_frames(b'{"text": "packed"}\n'))
    (tmp_path / "b.jsonl").write_bytes(b'{"text": "fine"}\n')
    error, doc = read(tmp_path)
    assert error.message == ("reading or writing Zstandard (.zst) needs the zstandard package: "
                             "pip install 'provenance[zstd]'")
    assert error.line is None and isinstance(doc, Document)


def test_without_the_package_a_zst_output_is_refused_before_the_run(tmp_path, without_zstandard):
    from provenance.atomic import OutputError, check_writable

    with pytest.raises(OutputError, match=r"one\.jsonl\.zst: cannot write: reading or writing Zstandard"):
        check_writable(tmp_path / "one.jsonl.zst")


def test_json_lines_plain_or_compressed_split_into_parts():
    assert sources.splits_into_parts(ROOT / "a.ndjson") and sources.splits_into_parts(ROOT / "a.JSONL")
    assert all(sources.splits_into_parts(ROOT / f"a{suffix}") for suffix in JSONL_SUFFIXES)
    assert not any(sources.splits_into_parts(path) for path in (ROOT / "a.txt", ROOT / "a.json", sources.STDIN))


@pytest.mark.parametrize("name", [f"a{suffix}" for suffix in (*sources.TEXT_SUFFIXES, *JSONL_SUFFIXES)]
                         + ["a.json", "a.meta.json", "a.txt.gz", "a.md.zst", "a.gz", "a.zst", "a.jsonl.bz2", "a.json.gzip"])
def test_the_pre_commit_hook_passes_the_files_check_reads(name):
    import yaml

    [hook] = yaml.safe_load(ROOT.joinpath(".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    passed = bool(re.search(hook["files"], name)) and not re.search(hook["exclude"], name)
    assert passed == sources.is_document_file(ROOT / name)
