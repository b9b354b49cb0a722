"""Output files are written to a temporary file beside the target and renamed into place, so a
reader (a CI job, a dashboard) never sees half a report, and a run that fails leaves the previous
report as it was. A name ending in ``.gz`` or ``.zst`` (any case, as inputs are read) is written
compressed, as it is streamed."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO, TextIO

from provenance.compression import codec_of_name, compressing, require_codec
from provenance.sources import open_bytes

class OutputError(Exception):
    """An output file that cannot be written (missing permission, full disk, a folder in the way)."""


def atomic_writer(path: Path) -> contextlib.AbstractContextManager[TextIO]:
    """A text handle whose content replaces ``path`` only when the block ends without an error."""
    return open_atomic(path)


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets the usual mode under the umask
    (``mkstemp`` alone would leave it readable by its owner only)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


@contextmanager
def open_atomic(path: Path, binary: bool = False) -> Iterator[IO]:
    """A handle (bytes with ``binary``) whose content replaces ``path`` only when the block ends
    without an error; the partial file is dropped otherwise, and the old one kept. A target that
    exists and is no regular file (``/dev/null``, a named pipe) is written in place: a rename would
    put a file where the device or pipe was."""
    path = Path(path)
    if _special(path):
        with _opened(path, binary) as handle:
            yield handle
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as raw:
            with _encoded(raw, path, binary) as handle:
                yield handle
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(path: Path) -> None:
    """Raise ``OutputError`` now if ``path`` could not be written later. Outputs are written as a run
    ends: tried first, a file that cannot be written costs no run, and no report claims what the
    lost file would have held (a baseline taken). A probe file is made and removed in the folder
    ``open_atomic`` would write into, or the nearest one that exists (which it would create it in)."""
    path = Path(path)
    if _special(path):
        return
    if path.is_dir():
        raise OutputError(f"{path}: cannot write: {os.strerror(errno.EISDIR)}")
    try:
        require_codec(codec_of_name(path.name))
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=_nearest_existing(path.parent))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder (a folder in the way stays an error)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextmanager
def _opened(path: Path, binary: bool) -> Iterator[IO]:
    try:
        with open(path, "wb") as raw, _encoded(raw, path, binary) as handle:
            yield handle
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def read_written(path: Path) -> str:
    """A file the tool writes, read back as text (a baseline): decompressed where its name ends in
    ``.gz`` or ``.zst``, as it was written (raising one of ``compression.DATA_ERRORS`` where it is
    corrupt)."""
    with open_bytes(Path(path)) as handle:
        return handle.read().decode("utf-8")


@contextmanager
def _encoded(raw: BinaryIO, path: Path, binary: bool) -> Iterator[IO]:
    """The handle that writes ``path``'s content into ``raw``: compressed where the name ends in
    ``.gz`` or ``.zst`` (``compression.compressing``: the same content gives the same bytes), and text
    as UTF-8 with ``\n`` line ends unless ``binary``. The stream's end is written when the block
    ends; ``raw`` stays open for its owner to sync and close."""
    stream: BinaryIO = compressing(raw, codec_of_name(path.name))  # as ``sources.open_bytes`` reads it back
    text = None if binary else io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
    try:
        yield stream if text is None else text
    finally:  # also after an error: a handle left to the collector would write into a closed file
        if text is not None:
            text.detach()  # flushes, and leaves ``stream`` open
        if stream is not raw:
            stream.close()
