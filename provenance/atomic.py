"""Output files are written to a temporary file beside the target and renamed into place, so a
reader never sees half a report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def write_atomic(path: Path, text: str) -> None:
    with open_atomic(path) as handle:
        handle.write(text)


@contextmanager
def open_atomic(path: Path) -> Iterator[TextIO]:
    """A text file to stream into; it replaces ``path`` only when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
