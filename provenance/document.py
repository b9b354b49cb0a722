"""The document model: normalised text, its lines with offsets, and the metadata that came with it.

Everything downstream (analyzers, scoring, reports) works on code-point offsets into ``Document.text``,
which is already decoded and newline-normalised, so offsets and hashes never depend on the platform
that saved the file.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

from provenance import accelerator
from provenance.prescan import known_to_re2

META_FIELDS = ("url", "title", "published", "author", "outlet")
NAME_LISTS = frozenset({"author"})  # may hold a list of names, as news-please's ``authors``: joined by commas
RECORD_FIELDS = ("text", "id", *META_FIELDS)  # what a JSON Lines record may hold (``sources.RecordShape``)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
T = TypeVar("T")


class cached_attribute(Generic[T]):
    """``functools.cached_property`` without the lock Python 3.11 takes on each first read (two
    thirds of its cost there; 3.12 dropped it): every document computes a dozen of these, once
    each. The value goes into the instance's ``__dict__``, which later reads find first."""

    def __init__(self, func: Callable[[Any], T]):
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``. A byte-order mark is the decoder's to drop
    (``sources.decode``); a second U+FEFF after it is text, and its offset counts."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


@dataclass(slots=True, unsafe_hash=True)
class Line:
    """One line of a document: 1-based number, offsets of its text (without the newline). Never
    changed, but not frozen (hashed all the same): a frozen dataclass sets each field through
    ``object.__setattr__``, which makes one three times as costly to build, and one is built for
    every line of every document."""

    number: int
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass
class Document:
    """A document to check. ``notes`` carry reading problems that are findings, not errors."""

    id: str
    path: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    line: int | None = None  # a JSON Lines record's line: names it where another document has its id

    def __getstate__(self) -> dict[str, Any]:
        """What a pool's worker receives: the fields, and the text's digest where this process found
        it (the result cache's key), but none of the larger values derived from the text here. The
        key's UTF-8, pickled beside the text, doubled the bytes sent to the workers (99.7 MB for the
        50 MB speed corpus, now 50.2), which encode the text again as they check."""
        state = {name: self.__dict__[name] for name in _FIELDS}
        if "sha256" in self.__dict__:
            state["sha256"] = self.__dict__["sha256"]
        return state

    @cached_attribute
    def sha256(self) -> str:
        return hashlib.sha256(self.utf8).hexdigest()

    @cached_attribute
    def line_texts(self) -> list[str]:
        """The lines' texts alone, for a pass that needs no offsets (the template pre-pass reads
        each document once: building its ``Line`` objects would be wasted)."""
        texts = self.text.split("\n")
        if len(texts) > 1 and not texts[-1]:
            texts.pop()  # the empty remainder after a final newline is not a line
        return texts

    @cached_attribute
    def lines(self) -> list[Line]:
        """Built by the C accelerator where it is there (``_fastpage.document_lines``), else by
        ``python_lines``, its reference: every document's every line is one of these."""
        if accelerator.fastpage is not None:
            return accelerator.fastpage.document_lines(self.line_texts, Line)
        return self.python_lines()

    def python_lines(self) -> list[Line]:
        """``lines`` in Python: the accelerator's reference."""
        out: list[Line] = []
        pos = 0
        for number, chunk in enumerate(self.line_texts, start=1):
            end = pos + len(chunk)
            out.append(Line(number, pos, end, chunk))
            pos = end + 1
        return out

    @cached_attribute
    def nonblank_lines(self) -> list[Line]:
        return [line for line in self.lines if line.text.strip()]

    @cached_attribute
    def utf8(self) -> bytes:
        """The text as UTF-8, encoded once for every byte-level matcher (lone surrogates kept)."""
        return self.text.encode("utf-8", "surrogatepass")

    @cached_attribute
    def has_lone_surrogates(self) -> bool:
        """Lone surrogates (escaped in JSON) have no UTF-8: byte-level matchers such as RE2 cannot read them.
        In ``utf8`` (surrogates passed through) each begins with the byte 0xED, which a text without
        one seldom holds (only U+D000-U+D7FF lead with it): a byte search spares most texts the scan."""
        return not self.text.isascii() and b"\xed" in self.utf8 and _LONE_SURROGATE.search(self.text) is not None

    @cached_attribute
    def re2_readable(self) -> bool:
        """Whether RE2 reads the text as ``regex`` does: it has UTF-8 (no lone surrogates) and RE2's
        Unicode tables hold each of its characters. Where it does not, RE2 copies of patterns cannot
        screen the text."""
        return self.text.isascii() or (not self.has_lone_surrogates and known_to_re2(self.utf8))

    def found_known_to_re2(self, known: bool) -> None:
        """Sets ``re2_readable`` from a search for ``prescan.UNKNOWN_TO_RE2`` through all of ``utf8``
        made elsewhere (``known``: none found), where it is not known yet: the signature engine's
        first Set holds that search, and the text is then not read once more for it."""
        if "re2_readable" not in self.__dict__:
            self.__dict__["re2_readable"] = self.text.isascii() or (not self.has_lone_surrogates and known)

    @property
    def re2_utf8(self) -> bytes | None:
        """The UTF-8 that RE2 copies of patterns may screen (``re2_readable``), None where they cannot:
        what ``prescan.finditer_where`` would otherwise encode and check on every whole-text scan."""
        return self.utf8 if self.re2_readable else None

    @cached_attribute
    def region_ranges(self) -> dict[tuple[str, int], tuple[tuple[int, int], ...]]:
        """The byte ranges of the text's head, tail and ends regions by region and size, each found
        once (``engine.region_spans``): every Set of a region and every signature of it asks."""
        return {}

    @cached_attribute
    def utf8_line_starts(self) -> list[int]:
        """Byte offset in ``utf8`` where each line starts: item ``n - 1`` is line ``n``. Found by the C
        accelerator where it is there (``_fastpage.utf8_line_starts``, a memchr per line), else by
        ``python_utf8_line_starts``, its reference: the signature stage asks on every document."""
        if accelerator.fastpage is not None:
            return accelerator.fastpage.utf8_line_starts(self.utf8, len(self.lines))
        return self.python_utf8_line_starts()

    def python_utf8_line_starts(self) -> list[int]:
        """``utf8_line_starts`` in Python: the accelerator's reference."""
        starts = [0]
        find = self.utf8.find
        for _ in range(len(self.lines) - 1):
            starts.append(find(b"\n", starts[-1]) + 1)
        return starts

    @cached_attribute
    def lower(self) -> str:
        return self.text.lower()

    @cached_attribute
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_at(self, offset: int) -> int:
        """1-based number of the line holding ``offset``."""
        return bisect_right(self._line_starts, offset) or 1

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """The first and last line of the span ``start``..``end`` (an empty span: the line holding it),
        as ``line_at`` finds them: every finding asks."""
        starts = self._line_starts
        return bisect_right(starts, start) or 1, bisect_right(starts, max(start, end - 1)) or 1

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        """Offsets covering lines ``first``..``last`` (1-based, inclusive)."""
        return self.lines[first - 1].start, self.lines[last - 1].end


_FIELDS = tuple(f.name for f in fields(Document))
