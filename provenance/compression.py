"""Compressed streams, read and written in constant memory: gzip by the standard library (read by
``zlib`` a member at a time, with the ``gzip`` module's checks and errors), Zstandard by the optional
``zstandard`` package (``pip install 'provenance[zstd]'``). Both are read in pieces that know how many
compressed bytes were read when they came out (``tagged_pieces``): what cuts a compressed file into
parts for the machines of a run (``parts``), and the same pieces whether a file is read whole or in parts.

A file's codec is told by its name's last suffix (``.gz``, ``.zst``), standard input's by its first
bytes. Web-crawl dumps come both ways: C4 and Dolma as gzip, the Pile, SlimPajama and OSCAR as
Zstandard, sometimes in several frames (``pzstd`` writes one per block of input), all of which are
read. A stream cut short is an error, never a quiet end: a truncated download would otherwise pass
as a smaller corpus.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAGIC_BYTES = max(len(GZIP_MAGIC), len(ZSTD_MAGIC))
GZIP, ZSTD = "gzip", "zstd"
SUFFIXES = {".gz": GZIP, ".zst": ZSTD}
# zlib's fastest level: about 190 MB/s of reports where the default (6) manages 58, for files a
# quarter larger (5.3 and 6.8 times smaller than the reports of benchmarks/speed.py's corpus). The
# checker's own output should never be its slow step; `gzip -9` recompresses for an archive.
GZIP_LEVEL = 1
# The zstd tool's own default: on those reports 354 MB/s and 7.5 times smaller (gzip -1: 166, 5.4).
ZSTD_LEVEL = 3
READ_BYTES = 1 << 20  # the most a decompressed piece holds, and the buffer that reads the pieces
# Compressed bytes taken from a file at a time (``tagged_pieces``): fixed, so that every process cuts a
# file into the same parts of its compressed bytes; small beside any sensible part.
COMPRESSED_READ_BYTES = 1 << 18
GZIP_TRAILER = 8  # a gzip member's CRC-32 and length


class CorruptData(ValueError):
    """A Zstandard stream cut short or corrupt (the message says which)."""


# What reading a compressed stream raises where it is cut short or corrupt (gzip's own errors: an
# ``EOFError`` where the data stops inside its stream).
DATA_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error, CorruptData)


class MissingCodec(OSError):
    """Zstandard data to read or write where the ``zstandard`` package is not installed: an
    ``OSError``, as a file that cannot be read or written is."""


def codec_of_name(name: str) -> str | None:
    """The codec a file name's last suffix says (any case), or None for a plain file."""
    lowered = name.lower()
    return next((codec for suffix, codec in SUFFIXES.items() if lowered.endswith(suffix)), None)


def sniffed(stream: BinaryIO) -> tuple[BinaryIO, str | None]:
    """A stream (standard input, which has no name) and the codec its first bytes say. ``peek``
    answers from one read, and a pipe may bring fewer bytes than a codec's magic at first: then the
    first bytes are read until there are enough or the input ends, and put back before the rest."""
    peeked = stream.peek(MAGIC_BYTES)[:MAGIC_BYTES]
    if len(peeked) == MAGIC_BYTES:
        return stream, codec_of_start(peeked)
    first = b""
    while len(first) < MAGIC_BYTES and (more := stream.read1(MAGIC_BYTES - len(first))):
        first += more
    return io.BufferedReader(_Prefixed(first, stream), READ_BYTES), codec_of_start(first)


class _Prefixed(io.RawIOBase):
    """``prefix``, then what ``stream`` holds after it, read a read at a time."""

    def __init__(self, prefix: bytes, stream: BinaryIO):
        self.prefix, self.stream = prefix, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.prefix:
            data, self.prefix = self.prefix[:len(buffer)], self.prefix[len(buffer):]
        else:
            data = self.stream.read1(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def codec_of_start(first: bytes) -> str | None:
    """The codec a stream's first bytes say (standard input has no name), or None for plain bytes."""
    if first.startswith(GZIP_MAGIC):
        return GZIP
    return ZSTD if first.startswith(ZSTD_MAGIC) else None


def decompressing(raw: BinaryIO, codec: str | None, owns_raw: bool = False) -> BinaryIO:
    """What ``raw`` holds, decompressed as it is read (``tagged_pieces``: the same bytes before a
    break, whether a file is read whole or in parts); ``raw`` itself for no codec. Reading raises one
    of ``DATA_ERRORS`` where the stream is cut short or corrupt. With ``owns_raw``, closing the
    stream closes ``raw``."""
    if codec is None:
        return raw
    return io.BufferedReader(_PieceStream(tagged_pieces(raw, codec), raw if owns_raw else None), READ_BYTES)


class _PieceStream(io.RawIOBase):
    """Decompressed pieces (``tagged_pieces``) read as a stream; closing it closes ``owned``."""

    def __init__(self, pieces: Iterator[tuple[int, bytes]], owned: BinaryIO | None = None):
        self._pieces, self._owned, self._piece = pieces, owned, memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._piece:
            next_piece = next(self._pieces, None)
            if next_piece is None:
                return 0
            self._piece = memoryview(next_piece[1])
        size = min(len(buffer), len(self._piece))
        buffer[:size], self._piece = self._piece[:size], self._piece[size:]
        return size

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()
        super().close()


def tagged_pieces(raw: BinaryIO, codec: str) -> Iterator[tuple[int, bytes]]:
    """What ``raw`` holds, decompressed a piece at a time (at most ``READ_BYTES``), each piece with
    the count of compressed bytes read when it came out. A compressed file is cut into parts by its
    compressed bytes that way (``parts``): a line whose first byte came out at a count lies in the
    part holding that count. The compressed bytes are taken ``COMPRESSED_READ_BYTES`` at a time, so the
    same file gives the same counts, and the same pieces, to every process that reads it, whole or
    in parts. Raises one of ``DATA_ERRORS`` where the stream is cut short or corrupt, after the
    pieces before the break."""
    counted = _Counted(raw)
    return _gzip_pieces(counted) if codec == GZIP else _zstd_pieces(counted)


class _Counted:
    """A stream that counts the bytes read from it."""

    def __init__(self, raw: BinaryIO):
        self._raw, self.count = raw, 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.count += len(data)
        return data


def _gzip_pieces(raw: _Counted) -> Iterator[tuple[int, bytes]]:
    """gzip members one after another (zero bytes between them passed over), each member's data
    given before its trailer is checked, as the ``gzip`` module reads them, with its errors."""
    held, member, members = b"", None, 0
    while data := raw.read(COMPRESSED_READ_BYTES):
        held += data
        while held:
            if member is None:
                held = held.lstrip(b"\0") if members else held
                size = _gzip_header_size(held)
                if size is None:
                    break
                held, member = held[size:], _GzipMember()
            if not member.ended:
                for piece in member.pieces(held):
                    yield raw.count, piece
                held = member.rest
                if not member.ended:
                    break
            if len(held) < GZIP_TRAILER:
                break
            member.check(held[:GZIP_TRAILER])
            held, member, members = held[GZIP_TRAILER:], None, members + 1
    if member is not None or held:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")


def _gzip_header_size(data: bytes) -> int | None:
    """The size of the gzip member header ``data`` starts with (RFC 1952); None while ``data`` holds
    only part of it."""
    if data[:2] != GZIP_MAGIC[:len(data[:2])]:
        raise gzip.BadGzipFile(f"Not a gzipped file ({data[:2]!r})")
    if len(data) < 10:
        return None
    if data[2] != 8:
        raise gzip.BadGzipFile("Unknown compression method")
    flags, end = data[3], 10
    if flags & 4:  # FEXTRA: a length, then that many bytes
        end = 12 + int.from_bytes(data[10:12], "little") if len(data) >= 12 else len(data) + 1
    for flag in (8, 16):  # FNAME, FCOMMENT: each ends in a zero byte
        if flags & flag:
            zero = data.find(b"\0", end)
            end = zero + 1 if zero >= 0 else len(data) + 1
    if flags & 2:  # FHCRC
        end += 2
    return end if len(data) >= end else None


class _GzipMember:
    """One gzip member's deflate data, decompressed a piece at a time, then checked against its trailer."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._crc = self._size = 0

    @property
    def ended(self) -> bool:
        return self._inflate.eof

    @property
    def rest(self) -> bytes:
        """What the data given has left over: the bytes after the member's data, once it ended."""
        return self._inflate.unused_data

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """What ``data`` decompresses to, taken in whole, or up to the member data's end."""
        while True:  # a full piece may leave more output inside zlib, which an empty input drains
            piece = self._inflate.decompress(data, READ_BYTES)
            if piece:
                self._crc, self._size = zlib.crc32(piece, self._crc), self._size + len(piece)
                yield piece
            data = self._inflate.unconsumed_tail
            if self._inflate.eof or (not data and len(piece) < READ_BYTES):
                return

    def check(self, trailer: bytes) -> None:
        crc, size = int.from_bytes(trailer[:4], "little"), int.from_bytes(trailer[4:], "little")
        if crc != self._crc:
            raise gzip.BadGzipFile(f"CRC check failed {hex(crc)} != {hex(self._crc)}")
        if size != self._size & 0xFFFFFFFF:
            raise gzip.BadGzipFile("Incorrect length of data produced")


def _zstd_pieces(raw: _Counted) -> Iterator[tuple[int, bytes]]:
    reader = _ZstdReader(raw, _zstandard())
    while piece := reader.read(READ_BYTES):
        yield raw.count, piece


def open_decompressed(path: Path, codec: str | None) -> BinaryIO:
    """A file's bytes, decompressed by ``codec``: ``decompressing``, the handle owning the file."""
    if codec is None:
        return open(path, "rb")
    require_codec(codec)  # before the file is opened: a missing package leaves nothing open
    return decompressing(open(path, "rb"), codec, owns_raw=True)


def compressing(raw: BinaryIO, codec: str | None) -> BinaryIO:
    """A handle that writes ``raw`` compressed, the same bytes for the same content (gzip's header
    holds no time nor file name); closing it ends the stream and leaves ``raw`` open."""
    if codec == GZIP:
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0)
    if codec == ZSTD:
        return _zstandard().ZstdCompressor(level=ZSTD_LEVEL).stream_writer(raw, closefd=False)
    return raw


def require_codec(codec: str | None) -> None:
    """Raise ``MissingCodec`` now where ``codec`` needs a package that is not installed."""
    if codec == ZSTD:
        _zstandard()


def _zstandard():
    try:
        import zstandard
    except ImportError:
        raise MissingCodec("reading or writing Zstandard (.zst) needs the zstandard package: "
                           "pip install 'provenance[zstd]'") from None
    return zstandard


class _ZstdReader:
    """Zstandard frames one after another, decompressed by ``zstandard``'s stream reader (which holds
    no more than a read's worth of output, however far the data expands), raising ``CorruptData``
    where the data is no Zstandard or ends inside a frame: there the stream reader stops quietly, as
    if the file ended, so ``_FrameWalk`` follows the compressed bytes as they pass."""

    def __init__(self, raw: _Counted, zstandard):
        self._zstd, self._walk = zstandard, _FrameWalk()
        self._reader = zstandard.ZstdDecompressor().stream_reader(_Walked(raw, self._walk), COMPRESSED_READ_BYTES,
                                                                  read_across_frames=True)

    def read(self, size: int) -> bytes:
        """At most ``size`` bytes of output; none at the stream's end."""
        data = self._read1(size)
        while not data and not self._walk.ended:  # a read may give nothing short of the stream's end
            data = self._read1(size)
        if not data and not self._walk.between_frames:
            raise CorruptData("the data ends inside a frame")
        return data

    def _read1(self, size: int) -> bytes:
        try:
            return self._reader.read1(size)
        except self._zstd.ZstdError as exc:
            raise CorruptData(str(exc)) from None


class _Walked:
    """A compressed stream whose bytes ``walk`` sees as they are read, and where it ends."""

    def __init__(self, raw: _Counted, walk: _FrameWalk):
        self._raw, self._walk = raw, walk

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._walk.feed(data)
        self._walk.ended = not data
        return data


class _FrameWalk:
    """Follows Zstandard's frame format (RFC 8878) over the compressed bytes without decompressing
    them, reading only the headers and skipping each block by the size its header gives: whether the
    bytes seen so far end between two frames (or at the start), where a whole file must end."""

    def __init__(self) -> None:
        self._held = b""  # the part read so far of the header being read
        self._skip = 0  # bytes still to pass: a block's content, a skippable frame's
        self._header = (4, self._magic)  # the next header's size, and what reads it
        self._checksum = False  # whether the frame being read ends in a 4-byte checksum
        self._ends_frame = False  # whether the frame ends once ``_skip`` is passed
        self.between_frames = True
        self.ended = False  # whether the compressed stream has been read to its end

    def feed(self, data: bytes) -> None:
        pos = 0
        while pos < len(data):
            if self._skip:
                step = min(self._skip, len(data) - pos)
                self._skip, pos = self._skip - step, pos + step
                self.between_frames = self._skip == 0 and self._ends_frame
                continue
            size, read_header = self._header
            take = min(size - len(self._held), len(data) - pos)
            self._held, pos = self._held + data[pos: pos + take], pos + take
            self.between_frames = False
            if len(self._held) == size:
                header, self._held = self._held, b""
                read_header(header)

    def _then(self, size: int, read_header, skip: int = 0, ends_frame: bool = False) -> None:
        self._header, self._skip, self._ends_frame = (size, read_header), skip, ends_frame
        self.between_frames = ends_frame and not skip

    def _magic(self, header: bytes) -> None:
        if header == ZSTD_MAGIC:
            self._then(1, self._descriptor)
        elif header[1:] == b"\x2a\x4d\x18" and header[0] & 0xF0 == 0x50:  # a skippable frame
            self._then(4, self._skippable)
        else:
            self._then(4, self._magic)  # the stream reader names what it is not

    def _skippable(self, header: bytes) -> None:
        self._then(4, self._magic, skip=int.from_bytes(header, "little"), ends_frame=True)

    def _descriptor(self, header: bytes) -> None:
        flags = header[0]
        single_segment = flags >> 5 & 1
        self._checksum = bool(flags >> 2 & 1)
        size = (1 - single_segment) + (0, 1, 2, 4)[flags & 3] + (single_segment, 2, 4, 8)[flags >> 6]
        self._then(size, lambda _: self._then(3, self._block))  # at least a window or content size

    def _block(self, header: bytes) -> None:
        fields = int.from_bytes(header, "little")
        last, kind, size = fields & 1, fields >> 1 & 3, fields >> 3
        content = 1 if kind == 1 else size  # an RLE block holds one byte, repeated ``size`` times
        if not last:
            self._then(3, self._block, skip=content)
        elif self._checksum:
            self._then(4, lambda _: self._then(4, self._magic, ends_frame=True), skip=content)
        else:
            self._then(4, self._magic, skip=content, ends_frame=True)
