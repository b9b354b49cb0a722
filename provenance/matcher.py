"""Signature matching: compile each signature once, then find its hits in a document.

This is the reference engine: every enabled signature is tried on every document. It is exact
(Unicode word boundaries, per-line scope, whole-line anchoring) and is the yardstick any faster
engine must agree with.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Protocol

import regex

from provenance.document import Document, Line
from provenance.rulemodels import Signature

# Spaces, punctuation and symbols that may surround a whole-line match ("Related posts:", "• Home").
_EDGE = r"[\p{Zs}\t\p{P}\p{S}]*"


class PatternError(ValueError):
    """A signature whose phrases or patterns do not compile; ``key`` names the offending key."""

    def __init__(self, message: str, key: str = "patterns"):
        super().__init__(message)
        self.key = key


# An example is a line or two: a pattern still matching one after this long is catastrophic.
EXAMPLE_TIMEOUT = 10.0


class ExampleTimeout(TimeoutError):
    """A rule's own example ran out of time: the rule is broken, not the run."""


@dataclass(slots=True, unsafe_hash=True)
class Hit:
    """One match of a signature: the match span and the lines it lies on. Never changed, but not
    frozen (hashed all the same), as ``document.Line``: a frozen dataclass costs six times as much
    to build, and one is built for every hit."""

    signature: Signature
    start: int
    end: int
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class CompiledSignature:
    rule: Signature
    regex: regex.Pattern

    @property
    def source(self) -> str:
        """``signature_source(rule)``, as compiled: kept by the pattern, where building it again would
        escape and test every phrase again (the engine asks three times a signature as it is built)."""
        return self.regex.pattern

    @property
    def by_line(self) -> bool:
        """Whether its matches are looked for line by line: a line scope, or a region of lines."""
        return self.rule.scope == "line" or self.rule.region != "any"

    def lines_to_scan(self, doc: Document, only: set[int] | None = None) -> list[Line]:
        """The lines this signature looks at: its region, narrowed to the line numbers ``only``."""
        if self.rule.region == "any":
            lines = doc.lines
            return lines if only is None else [lines[n - 1] for n in sorted(only) if n <= len(lines)]
        region = region_lines(doc, self.rule.region, self.rule.region_lines)
        return region if only is None else [line for line in region if line.number in only]


def region_lines(doc: Document, region: str, size: int) -> list[Line]:
    """The lines of a region: every line (``any``), or the first (``head``) or last (``tail``)
    ``size`` non-blank ones, or both (``ends``: each line once, in order)."""
    if region == "any":
        return doc.lines
    nonblank = doc.nonblank_lines
    if region == "ends":
        return nonblank[:size] + nonblank[size:][-size:]
    return nonblank[:size] if region == "head" else nonblank[-size:]


def signature_source(rule: Signature) -> str:
    """The regular expression a signature stands for (before flags)."""
    parts = [_literal(p) for p in rule.phrases] + [f"(?:{p})" for p in rule.patterns]
    body = "|".join(parts)
    if rule.whole_line:
        return f"^{_EDGE}(?:{body}){_EDGE}$"
    return body


def _literal(phrase: str) -> str:
    escaped = regex.escape(phrase.strip(), special_only=True)
    escaped = regex.sub(r"(?:\\ )+| +", r"\\s+", escaped)
    left = r"\b" if regex.match(r"\w", phrase.strip()) else ""
    right = r"\b" if regex.search(r"\w$", phrase.strip()) else ""
    return f"(?:{left}{escaped}{right})"


def compile_signature(rule: Signature) -> CompiledSignature:
    if not rule.phrases and not rule.patterns:
        raise PatternError("a signature needs `phrases` or `patterns`", key="phrases")
    flags = regex.VERSION1 | regex.MULTILINE
    if not rule.case_sensitive:
        flags |= regex.IGNORECASE | regex.FULLCASE
    try:
        compiled = regex.compile(signature_source(rule), flags)
    except regex.error as exc:
        raise _culprit(rule, flags) or PatternError(f"invalid regex: {exc}") from None
    return CompiledSignature(rule, compiled)


def _culprit(rule: Signature, flags: int) -> PatternError | None:
    """The error of the first pattern that does not compile on its own, keyed ``patterns[N]``."""
    for index, pattern in enumerate(rule.patterns):
        problem = pattern_problem(pattern, flags)
        if problem:
            return PatternError(problem, key=f"patterns[{index}]")
    return None


def pattern_problem(pattern: str, flags: int = regex.VERSION1 | regex.MULTILINE) -> str | None:
    """Why ``pattern`` does not compile (``invalid regex '(': missing ) at position 1``), or None."""
    try:
        regex.compile(pattern, flags)
    except regex.error as exc:
        return f"invalid regex {pattern!r}: {exc}"
    return None


NextStart = Callable[[int], "int | None"]


class Starts(Protocol):
    """Where a signature's match may start in one document (a prefilter's answer): for an offset,
    the first offset at or after it where a match may start, or None where none can."""

    def in_text(self, pos: int) -> int | None:
        """In the whole text (document offsets)."""

    def in_line(self, line: Line) -> NextStart | int | None:
        """Inside ``line`` alone (offsets in ``line.text``), or the one offset where a match may
        start in it; None where any offset may."""

    def line_hits(self, sig: CompiledSignature, lines: list[Line], deadline: float | None,
                  each_line: Callable[[Line], list[Hit]]) -> list[Hit]:
        """The hits of ``sig`` in the ``lines`` it reads (``in_scope``), in line order: those of a
        line these starts do not answer at once by ``each_line``."""


def find_hits(sig: CompiledSignature, doc: Document, timeout: float | None = None,
              only_lines: set[int] | None = None, starts: Starts | None = None) -> Iterator[Hit]:
    """All hits of one signature in one document, in text order; a line-scoped signature looks only
    at ``only_lines`` when given (a prefilter's answer: the other lines cannot match), and either
    scope only where ``starts`` says a match may start.

    ``timeout`` bounds the seconds this signature may spend on the whole document (over all its
    lines); past it the regex module raises ``TimeoutError``.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    if not sig.by_line:
        matches = (sig.regex.finditer(doc.text, timeout=time_left(deadline)) if starts is None
                   else _matches_from(sig.regex, doc.text, starts.in_text, deadline))
        for m in matches:
            if m.end() > m.start():
                yield Hit(sig.rule, m.start(), m.end(), doc.line_at(m.start()), doc.line_at(max(m.start(), m.end() - 1)))
        return
    lines = sig.lines_to_scan(doc, only_lines)
    if starts is not None:
        yield from starts.line_hits(sig, lines, deadline, partial(hits_where_starts_say, sig, starts.in_line, deadline))
        return
    limit = sig.rule.max_line_chars
    for line in lines:
        if in_scope(line, limit):
            yield from _line_hits(sig.rule, line, sig.regex.finditer(line.text, timeout=time_left(deadline)))


def in_scope(line: Line, limit: int | None) -> bool:
    """Whether a line-scoped signature reads ``line``: one not blank, within ``limit`` characters
    (None or 0: any length)."""
    text = line.text
    return bool(text.strip()) and not (limit and len(text) > limit)


def hits_where_starts_say(sig: CompiledSignature, in_line: Callable[[Line], NextStart | int | None],
                          deadline: float | None, line: Line) -> list[Hit]:
    """The hits of ``sig`` in one line it reads, tried only where ``in_line`` (``Starts.in_line``)
    says a match may start."""
    pattern, text = sig.regex, line.text
    next_start = in_line(line)
    if next_start is None:
        matches = pattern.finditer(text, timeout=time_left(deadline))
    elif isinstance(next_start, int):
        matches = _matches_at(pattern, text, next_start, deadline)
    else:
        matches = _matches_from(pattern, text, next_start, deadline)
    return list(_line_hits(sig.rule, line, matches))


def _line_hits(rule: Signature, line: Line, matches: Iterable[regex.Match]) -> Iterator[Hit]:
    """The hits of a line's matches (offsets in ``line.text``), empty matches left out."""
    for m in matches:
        start, end = m.span()
        if end > start:
            yield Hit(rule, line.start + start, line.start + end, line.number, line.number)


def _matches_from(pattern: regex.Pattern, text: str, next_start: NextStart,
                  deadline: float | None) -> Iterator[regex.Match]:
    """What ``pattern.finditer(text)`` yields, trying the pattern only at the offsets ``next_start``
    gives: for a position, the first offset at or after it where a match may start (None: none).

    ``finditer`` finds each match by searching on from the end of the last, that is at the first
    offset where the pattern matches; trying the possible offsets in order finds the same one. After
    an empty match ``finditer``'s own rules for the next one take over.
    """
    pos = 0
    while (start := next_start(pos)) is not None:
        m = pattern.match(text, start, None, None, False, time_left(deadline))  # positional: ``_matches_at``
        if m is None:
            pos = start + 1
        elif m.end() == start:
            yield from pattern.finditer(text, start, timeout=time_left(deadline))
            return
        else:
            yield m
            pos = m.end()


def _matches_at(pattern: regex.Pattern, text: str, start: int, deadline: float | None) -> Iterable[regex.Match]:
    """``_matches_from`` where ``start`` is the only offset a match may start at: the pattern is
    tried there once, with no search for a next offset after it. Not a generator: it is called for
    most lines a signature is confirmed on, and its answer is most often one match or none. The
    arguments are given by position (string, pos, endpos, concurrent, partial, timeout): ``regex``
    reading a keyword costs a fifth of a short match (0.2 of 1.1 us on dev-B's lines; a test holds
    the order)."""
    m = pattern.match(text, start, None, None, False, time_left(deadline))
    if m is None:
        return ()
    if m.end() == start:
        return pattern.finditer(text, start, timeout=time_left(deadline))
    return (m,)


def time_left(deadline: float | None) -> float | None:
    """Seconds left before ``deadline``; raises ``TimeoutError`` once it has passed."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("regex time limit reached")
    return left


def example_fires(sig: CompiledSignature, text: str, timeout: float = EXAMPLE_TIMEOUT) -> bool:
    """Whether a signature fires anywhere in an example text (used by rule tests)."""
    doc = Document(id="example", path="example", text=text)
    try:
        return next(find_hits(sig, doc, timeout), None) is not None
    except TimeoutError:
        raise ExampleTimeout(f"{sig.rule.id}: ran out of time ({timeout:g} s) on its example {text[:60]!r}; "
                             "the pattern backtracks without end") from None
