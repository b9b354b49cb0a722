"""The characters a ``regex`` pattern's every match holds: a text without them needs no search.

A detector's pattern is searched on most lines of every page; ``'Sports (245)'``'s pattern cannot
match a line without ``(`` and ``)``, and a ``str`` containment test answers that for such a line
before any regex engine is called. ``needs`` reads the pattern's source: each clause it returns is
a set of characters of which every match holds one. A literal character or a class of literal
characters that a sequence cannot skip (no ``?``, ``*`` or ``{0,n}`` after it) gives a clause; a
group gives one when each of its alternatives does (the union of one clause of each), and so does
the whole pattern. When every alternative ends in such a character then ``$``, a text with a match
ends in one of them too (its ``tail``: ``)`` for the link pattern), which ``str.endswith`` tells at
once. Only clauses and tails without letters, digits or spaces are kept: nearly every line holds
those, and such a test would cost its call and turn no line away.

The reading is conservative: a construct it does not know (lookarounds and other ``(?`` groups,
back-references, inline flags, nested or POSIX classes, escapes past the common ones) gives no
clause for the whole pattern, so the search runs as before. Classes with ranges or escaped classes
(``[a-z]``, ``[\\d,]``) are read but give no clause.
"""

from __future__ import annotations

import re

# Escapes that match one character of a class (\d) or none (\b): no clause, and nothing more to read.
_CLASS_ESCAPES = frozenset("dDsSwW")
_EMPTY_ESCAPES = frozenset("bBAZ")
_QUANTIFIER = re.compile(r"\{(\d*)(?:,\d*)?\}")  # its least count
_PROPERTY = re.compile(r"[pP](?:\{[^}]*\}|[A-Za-z])")

Clauses = list[frozenset[str]]
_ONE, _END, _OTHER = "one", "end", "other"  # the kinds of atom


class Unread(Exception):
    """A construct ``needs`` does not read."""


def needs(source: str) -> tuple[list[str], str]:
    """The clauses of ``source``, each a string of characters of which every match holds one, and
    the characters one of which ends every text with a match (before a final newline, where ``$``
    also matches), when every alternative ends in one then ``$`` or ``\\Z``; both sorted, without
    letters, digits or spaces, and empty when none is known."""
    try:
        reader = _Reader(source)
        clauses, tail = reader.alternatives()
        if reader.at < len(source):
            raise Unread(source)
    except Unread:
        return [], ""
    kept = ["".join(sorted(clause)) for clause in clauses if _rare(clause)]
    return kept, "".join(sorted(tail)) if tail and _rare(tail) else ""


def _rare(clause: frozenset[str]) -> bool:
    return not any(c.isalnum() or c.isspace() for c in clause)


class _Reader:
    """A recursive reading of a pattern: ``alternatives`` reads ``a|b|...`` up to a ``)`` or the end.
    Each reading gives the clauses and the last characters (``tail``) the part read needs."""

    def __init__(self, source: str):
        self.source = source
        self.at = 0

    def alternatives(self) -> tuple[Clauses, frozenset[str] | None]:
        """The clauses every alternative holds: for one alternative its own, for several one union;
        the tail when each alternative has one."""
        branches = [self.sequence()]
        while self.at < len(self.source) and self.source[self.at] == "|":
            self.at += 1
            branches.append(self.sequence())
        tails = [tail for _, tail in branches]
        tail = None if None in tails else frozenset().union(*tails)
        if len(branches) == 1:
            return branches[0][0], tail
        if not all(clauses for clauses, _ in branches):
            return [], tail
        return [frozenset().union(*(_best(clauses) for clauses, _ in branches))], tail

    def sequence(self) -> tuple[Clauses, frozenset[str] | None]:
        """The clauses of a sequence's atoms that it cannot skip, and its tail: the characters of a
        one-character atom it cannot skip right before a closing ``$``."""
        clauses: Clauses = []
        last = tail = None
        while self.at < len(self.source) and self.source[self.at] not in "|)":
            atom, kind = self.atom()
            skips = self.quantified_may_skip()
            tail = last if kind == _END and not skips else None
            last = atom[0] if kind == _ONE and not skips else None
            if not skips:
                clauses += atom
        return clauses, tail

    def atom(self) -> tuple[Clauses, str]:
        """An atom's clauses and its kind: one literal character or class (``_ONE``), the text's end
        (``_END``), or another."""
        source, c = self.source, self.source[self.at]
        self.at += 1
        if c == "(":
            if source.startswith("?:", self.at):
                self.at += 2
            elif source.startswith("?", self.at):
                raise Unread(source)
            inner, _ = self.alternatives()
            if not source.startswith(")", self.at):
                raise Unread(source)
            self.at += 1
            return inner, _OTHER
        if c == "[":
            clauses = self.character_class()
        elif c == "\\":
            if source.startswith("Z", self.at):
                self.at += 1
                return [], _END
            clauses = self.escape()
        elif c in "*+?{":
            raise Unread(source)
        elif c in ".^":
            return [], _OTHER
        elif c == "$":
            return [], _END
        else:
            clauses = [frozenset(c)]
        return clauses, _ONE if clauses else _OTHER

    def escape(self) -> Clauses:
        source = self.source
        if self.at >= len(source):
            raise Unread(source)
        c = source[self.at]
        if not c.isascii() or not c.isalnum():
            self.at += 1
            return [frozenset(c)]
        if c in _CLASS_ESCAPES or c in _EMPTY_ESCAPES:
            self.at += 1
            return []
        prop = _PROPERTY.match(source, self.at)
        if prop is None:
            raise Unread(source)
        self.at = prop.end()
        return []

    def character_class(self) -> Clauses:
        """A class's characters, as a clause when they are literal ones; ``[^...]``, ranges and
        escaped classes give none. The class is read to its ``]``."""
        source = self.source
        negated = source.startswith("^", self.at)
        self.at += negated
        members: set[str] = set()
        literal, first = not negated, True
        while True:
            if self.at >= len(source):
                raise Unread(source)
            c = source[self.at]
            if c == "]" and not first:
                self.at += 1
                return [frozenset(members)] if literal and members else []
            if c == "[":
                raise Unread(source)
            if c == "\\":
                escaped = self.escape()
                literal &= bool(escaped)
                members.update(*escaped)
            else:
                literal &= c != "-" or first or source.startswith("]", self.at + 1)
                members.add(c)
                self.at += 1
            first = False

    def quantified_may_skip(self) -> bool:
        """Reads a quantifier after an atom, with its lazy ``?`` or possessive ``+``; True when it
        lets the atom match nothing."""
        source = self.source
        if self.at >= len(source) or source[self.at] not in "*+?{":
            return False
        c = source[self.at]
        if c == "{":
            bounds = _QUANTIFIER.match(source, self.at)
            if bounds is None:
                raise Unread(source)
            self.at = bounds.end()
            skips = not bounds.group(1) or int(bounds.group(1)) == 0
        else:
            self.at += 1
            skips = c != "+"
        if self.at < len(source) and source[self.at] in "?+":
            self.at += 1
        return skips


def _best(clauses: Clauses) -> frozenset[str]:
    """The clause of a sequence that turns most texts away: one without letters, digits or spaces if
    there is one, then the smallest, then the first."""
    return min(clauses, key=lambda clause: (any(c.isalnum() or c.isspace() for c in clause), len(clause)))
