"""A JSONL file read in parts, so that the records of one large file spread over the shards of a run or
the tasks of a Ray cluster (``--part-size``). A plain file's parts are ranges of its bytes; a compressed
file's, ranges of its compressed bytes. A compressed stream cannot be entered midway: the reader of a
part decompresses what lies before it, and a shard, which reads its parts of a file in order, or a Ray
worker, which mostly gets them in order, reads on from one to the next (``PartReaders``). Every line
lies in exactly one part and keeps the number it has in the whole file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from provenance.compression import DATA_ERRORS, tagged_pieces

SKIP_BYTES = 1 << 20  # what passing over the bytes before a plain file's part reads at a time

Line = tuple[int, "bytes | None"]  # a line's number in the file, and its bytes (None: over the limit)


class ByteRange(NamedTuple):
    """A part of a JSONL file: the records whose lines start at a byte in ``[start, end)`` of a plain
    file; of a compressed file, those whose first byte came out while the compressed bytes read so
    far were more than ``start`` and at most ``end`` (``compression.tagged_pieces``)."""

    start: int
    end: int


def parts_of(size: int, part_bytes: int) -> list[ByteRange]:
    """A file of ``size`` bytes cut into parts of ``part_bytes`` (the last one shorter); every line
    starts in exactly one of them."""
    return [ByteRange(start, min(start + part_bytes, size)) for start in range(0, size, part_bytes)]


def numbered_lines(handle, limit: int, number: int = 0, span: int | None = None) -> Iterator[Line]:
    """Numbered lines, the first numbered ``number + 1``; one longer than ``limit`` comes out as None,
    skipped over without being held. With a ``span``, only the lines that start within that many
    bytes of where the handle stands."""
    limit = min(limit, sys.maxsize - 1)  # "no limit" may be given as sys.maxsize
    left = sys.maxsize if span is None else span
    while left > 0 and (raw := handle.readline(limit + 1)):
        number += 1
        left -= len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(1 << 20)
                left -= len(raw)
            yield number, None
        else:
            yield number, raw


def plain_part_lines(handle: BinaryIO, limit: int, part: ByteRange) -> Iterator[Line]:
    """The numbered lines of a plain file (``handle`` at its start) that start inside ``part``."""
    number, position = _skip_to(handle, part.start)
    yield from numbered_lines(handle, limit, number, part.end - position)


def _skip_to(handle: BinaryIO, start: int) -> tuple[int, int]:
    """Moves ``handle`` (at the file's start) to the first line that starts at byte ``start`` or
    after it; answers how many lines lie before that one (those ending before byte ``start - 1``,
    counted a block at a time, and the line holding it) and the byte it starts at."""
    if start == 0:
        return 0, 0
    before, position = 0, 0
    while position < start - 1 and (block := handle.read(min(start - 1 - position, SKIP_BYTES))):
        before += block.count(b"\n")
        position += len(block)
    return before + 1, position + len(handle.readline())


class TaggedLines:
    """Decompressed bytes read a line at a time (``readline``, as from a file), each line with the
    count of compressed bytes read when its first byte came out (``line_tag``): what places it in a
    part of a compressed file. ``ended`` counts the lines read or passed to their end."""

    def __init__(self, pieces: Iterator[tuple[int, bytes]]):
        self._pieces = pieces
        self._data, self._at, self._tag = b"", 0, 0
        self._line_start = True
        self.line_tag = 0
        self.ended = 0

    def _next_piece(self) -> bool:
        for self._tag, self._data in self._pieces:
            self._at = 0
            return True
        return False

    def _more(self) -> bool:
        return self._at < len(self._data) or self._next_piece()

    def readline(self, limit: int) -> bytes:
        taken: list[bytes] = []
        while limit > 0 and self._more():
            if self._line_start:
                self.line_tag, self._line_start = self._tag, False
            newline = self._data.find(b"\n", self._at, self._at + limit)
            end = newline + 1 if newline >= 0 else min(len(self._data), self._at + limit)
            taken.append(self._data[self._at:end])
            limit, self._at = limit - (end - self._at), end
            if newline >= 0:
                self._line_start, self.ended = True, self.ended + 1
                break
        return b"".join(taken)

    def skip_through(self, tag: int) -> None:
        """Passes every line that begins in a piece tagged ``tag`` or less, a piece at a time."""
        while self._more():
            if self._tag > tag:
                while not self._line_start and self.readline(SKIP_BYTES):  # a line begun in an earlier piece
                    pass
                return
            self.ended += self._data.count(b"\n", self._at)
            self._line_start, self._at = self._data.endswith(b"\n"), len(self._data)


class CompressedParts:
    """The parts of one compressed JSONL file, read in order of their start by ``lines``: a part that
    lies after the last one read is read on from where that one stopped (the line past its end held
    for it); any other from the file's start. Close it to close the file."""

    def __init__(self, open_raw: Callable[[], BinaryIO], codec: str):
        self._open_raw, self._codec = open_raw, codec
        self._raw: BinaryIO | None = None
        self._lines: TaggedLines | None = None
        self._held: tuple[Line, int] | None = None  # a line read past the last part, and its tag
        self._read_to = 0  # the end of the last part read
        self.ended = 0  # once closed, the lines read or passed to their end: where an error broke

    def lines(self, part: ByteRange, limit: int) -> Iterator[Line]:
        """The numbered lines of ``part``; read to its end, the file stays open for the next part.
        Where the data breaks (one of ``DATA_ERRORS``), the part holding the compressed byte it broke
        at raises the error; the others end quietly where it stops them, so a broken file is named
        once, however many parts read it."""
        if self._lines is None or part.start < self._read_to:
            self._reopen()
        done = False
        try:
            yield from self._lines_of(part, limit)
            done = True
        except DATA_ERRORS:
            if part.start < self._raw.tell() <= part.end:
                raise
        finally:
            if not done:  # left midway or broken: the next part starts over
                self.close()

    def _lines_of(self, part: ByteRange, limit: int) -> Iterator[Line]:
        held, self._held = self._held, None
        self._read_to = part.end
        if held is None or held[1] <= part.start:
            self._lines.skip_through(part.start)
        elif held[1] > part.end:
            self._held = held
            return
        else:
            yield held[0]
        for number, raw in numbered_lines(self._lines, limit, self._lines.ended):
            if self._lines.line_tag > part.end:
                self._held = (number, raw), self._lines.line_tag
                return
            yield number, raw

    def _reopen(self) -> None:
        self.close()
        self._raw = self._open_raw()
        self._lines = TaggedLines(tagged_pieces(self._raw, self._codec))

    def close(self) -> None:
        if self._lines is not None:
            self.ended = self._lines.ended
        if self._raw is not None:
            self._raw.close()
        self._raw, self._lines, self._held, self._read_to = None, None, None, 0


class PartReaders:
    """Keeps the last compressed file read in parts open (``CompressedParts``) for its next part: a
    shard reads its parts of a file one after another, and decompresses the file once, not once a
    part; a Ray worker, whose tasks go out in input order, mostly reads on too."""

    def __init__(self) -> None:
        self._open: tuple[tuple, CompressedParts] | None = None

    def of(self, key: tuple, open_raw: Callable[[], BinaryIO], codec: str) -> CompressedParts:
        """The reader kept for ``key`` (what the file must still be), or a new one in its place."""
        if self._open is not None and self._open[0] == key:
            return self._open[1]
        self.close()
        self._open = key, CompressedParts(open_raw, codec)
        return self._open[1]

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None

    def __enter__(self) -> PartReaders:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
