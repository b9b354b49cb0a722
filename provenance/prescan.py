"""A stdlib ``re`` pattern's ``finditer``, with the pattern tried only where an RE2 pattern says a
match can begin.

Without a literal prefix the stdlib engine tries a pattern at every offset of a text; RE2 finds the
offsets where a match can begin in one linear scan of the UTF-8 bytes, and the stdlib pattern is
then tried at those alone. ``finditer`` finds each match at the first offset, after the last match,
where the pattern matches; trying the possible offsets in order finds the same one. After an empty
match ``finditer``'s own rules for the next one take over.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, partial

import re2

from provenance import accelerator

_UNANCHORED = re2._Anchor.UNANCHORED


def re2_options(max_mem: int | None = None) -> re2.Options:
    """RE2 options that never log (a pattern RE2 cannot read is the caller's to handle), with a
    memory budget per object (None: RE2's own default)."""
    options = re2.Options()
    if max_mem is not None:
        options.max_mem = max_mem
    options.log_errors = False
    return options


# --- RE2 objects that pickle -------------------------------------------------------------------------
# google-re2's objects do not pickle; the rules cache keeps structures holding them (``rulecache``),
# so it writes each as what compiles it again: its pattern(s) and the values of its options.

_OPTION_FIELDS = ("max_mem", "encoding", "posix_syntax", "longest_match", "log_errors", "literal", "never_nl",
                  "dot_nl", "never_capture", "case_sensitive", "perl_classes", "word_boundary", "one_line")


def option_values(options: re2.Options) -> tuple:
    return tuple(getattr(options, name) for name in _OPTION_FIELDS)


def _options_of(values: tuple) -> re2.Options:
    options = re2.Options()
    for name, value in zip(_OPTION_FIELDS, values):
        setattr(options, name, value)
    return options


def regexp_again(pattern: str, values: tuple) -> re2._Regexp:
    return re2.compile(pattern, _options_of(values))


def regexp_reduction(regexp: re2._Regexp) -> tuple:
    """What a pickler writes for an RE2 regexp (``pickle.Pickler.reducer_override``'s answer)."""
    return regexp_again, (regexp.pattern, option_values(regexp.options))


class PatternSet(re2.Set):
    """An unanchored RE2 Set of ``patterns``, compiled; pickled as its patterns and options. A
    pattern RE2 cannot read raises ``re2.error``, as ``Add`` does."""

    __slots__ = ("patterns", "values")

    def __init__(self, patterns: Iterable[str], options: re2.Options):
        super().__init__(_UNANCHORED, options)
        self.patterns, self.values = tuple(patterns), option_values(options)
        for pattern in self.patterns:
            self.Add(pattern)
        self.Compile()

    def __reduce__(self) -> tuple:
        return _set_again, (self.patterns, self.values)


def _set_again(patterns: tuple[str, ...], values: tuple) -> PatternSet:
    return PatternSet(patterns, _options_of(values))


# A character in none of RE2's general categories: unassigned in its Unicode tables, as characters
# newer than them are. ``regex`` and ``re``, whose tables are newer, may take one for a letter or a
# digit, which an RE2 copy of a pattern would then not accept.
UNKNOWN_TO_RE2 = r"[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Z}\p{C}]"


def known_to_re2(data: bytes) -> bool:
    """Whether RE2's Unicode tables hold every character of the UTF-8 ``data`` (by ``match_start``:
    the public ``search`` costs more than the scan on a short text)."""
    return data.isascii() or match_start(_unknown(), data, 0, len(data)) < 0


@cache
def _unknown() -> re2._Regexp:
    return re2.compile(UNKNOWN_TO_RE2, re2_options())


def match_start(locator: re2._Regexp, data: bytes, pos: int, endpos: int) -> int:
    """Where the first match of ``locator`` in ``data[pos:endpos]`` begins, -1 for none; the bytes
    around that range are its context (``^`` and ``$`` read them), as for ``search``.

    The same as ``locator.search(data, pos, endpos).start()`` for ``0 <= pos <= endpos <= len(data)``,
    through google-re2's private API: the public ``search`` builds a generator, a match object and
    its group spans for every call, which costs more than the search itself on the thousands of
    short searches a document (the engine's line locators, ``finditer_where``).
    ``tests/test_engine.py`` pins the two as equal, so a google-re2 release that changes the
    private API fails the tests.
    """
    return locator._regexp.Match(_UNANCHORED, data, pos, endpos)[0][0]


def span_search(locator: re2._Regexp) -> Callable[[bytes, int, int], list[tuple[int, int]]]:
    """A loop's search with one locator: RE2's private ``Match`` with the anchor bound, whose answer's
    first item is where the first match in ``data[pos:endpos]`` begins and ends, ``(-1, -1)`` for none
    (the same as ``locator.search(...).span()``; the loop saves a Python call around each search)."""
    return partial(locator._regexp.Match, _UNANCHORED)


def starts_pattern(source: str) -> re2._Regexp:
    """An RE2 pattern for ``finditer_where``: it must match wherever a match of the stdlib pattern
    begins (it may match elsewhere too)."""
    return re2.compile(source, re2_options())


def finditer_where(pattern: re.Pattern, starts: re2._Regexp | None, text: str,
                   readable: bytes | None = None) -> Iterator[re.Match]:
    """What ``pattern.finditer(text)`` yields, the pattern tried only where ``starts`` matches
    (everywhere when it is None). ``readable`` is the text's UTF-8 where the caller already knows
    RE2 reads it (``Document.re2_utf8``): a whole document is then neither encoded nor checked again."""
    end = 0
    for start in _offsets(starts, text, readable):
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is None:
            continue
        if m.end() == start:
            yield from pattern.finditer(text, start)
            return
        yield m
        end = m.end()


def match_offsets(starts: re2._Regexp, text: str, readable: bytes | None = None) -> list[int] | None:
    """Every offset (code points) where ``starts`` matches in ``text``, overlapping matches too, as
    ``finditer_where`` tries them; None for a text RE2 cannot read. For a caller whose stdlib pattern
    matches wherever the RE2 one does: it need not be tried there."""
    offsets = _offsets(starts, text, readable)
    return None if isinstance(offsets, range) else offsets


def _offsets(starts: re2._Regexp | None, text: str, readable: bytes | None = None) -> Iterable[int]:
    """Every offset (code points) where ``starts`` matches in ``text``, overlapping matches too:
    each search begins a byte after the last match's start. No pattern, or a text RE2 cannot read
    (lone surrogates have no UTF-8) or may read otherwise (``known_to_re2``), gives every offset.
    All are found before the first is used: ``finditer_where`` reads them to the end but after an
    empty match, and a list costs less per offset than a generator around ``match_start``."""
    data = None if starts is None else readable if readable is not None else _readable_utf8(text)
    if data is None:
        return range(len(text) + 1)
    search, size = starts._regexp.Match, len(data)  # match_start's call, without a call around it
    found: list[int] = []
    pos = 0
    while pos <= size and (start := search(_UNANCHORED, data, pos, size)[0][0]) >= 0:
        found.append(start)
        pos = start + 1
    return found if size == len(text) else _characters(data, found)  # ASCII: a byte is a character


def _characters(data: bytes, offsets: list[int]) -> list[int]:
    """The code-point offsets of ascending byte offsets, at character boundaries, into the UTF-8
    ``data``: in C where the accelerator is built (``utf8_offsets``), which counts the bytes that
    start a character without decoding a slice for each offset."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.utf8_offsets(data, offsets)
    return characters_by_decoding(data, offsets)


def characters_by_decoding(data: bytes, offsets: list[int]) -> list[int]:
    """``_characters`` in Python, the accelerator's reference."""
    out: list[int] = []
    byte = char = 0
    for start in offsets:
        char += len(data[byte:start].decode("utf-8"))
        byte = start
        out.append(char)
    return out


def _readable_utf8(text: str) -> bytes | None:
    """The UTF-8 of ``text`` where RE2 reads it as ``re`` does, else None."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return data if known_to_re2(data) else None
