"""Two-stage signature matching: a linear-time prefilter says which signatures can match a document,
then the reference matcher confirms only those and gives the exact Unicode spans.

Looping ``regex`` over every signature costs time for every signature on every line, although most
signatures never fire on a given document. An RE2 ``Set`` over all signatures scans the text once, in
linear time whatever the number of signatures, and names the ones that match somewhere. Its copy of
each pattern must accept everything the ``regex`` original accepts (it may accept more: the confirm
stage decides), so the translation only ever loosens:

- a counted repetition loses its upper bound (``{1,40}`` becomes ``{1,}``): RE2 compiles ``x{1,40}`` into
  forty copies of ``x``, which for a Unicode class makes programs and DFAs of tens of megabytes;
- ``\\b`` and ``\\B`` are dropped (RE2's are ASCII-only); ``\\w``, ``\\s``, ``\\d`` and their negations
  become Unicode classes as wide as or wider than ``regex``'s; ``\\w`` and the largest Unicode
  properties (``\\p{L}``, ``\\p{Lu}``, ...) outside negated classes become a few ranges, exact on
  ASCII and accepting most other characters (``loose_class``): RE2 compiles each property into
  hundreds of ranges, which made the engine's start-up four times longer;
- line-scoped signatures are searched over the whole text with ``(?m)``: a match inside a line is a
  match in the text, and anchors at line edges mean the same;
- full case folding (``ß`` = ``ss``, ``ﬁ`` = ``fi``) and case pairs that fold apart (``ı`` and ``I``)
  are beyond RE2, so a caseless signature is always confirmed on the lines holding such a character,
  and never prefiltered if its pattern holds one;
- anything else RE2 would read differently (lookarounds, backreferences, nested classes and set
  operations, fuzzy matching, ``\\A``/``\\Z``, unknown escapes) sends the signature straight to confirm.

A Set, which says no more than whether a copy matches somewhere, reads each copy without the
optional pieces at its ends (``existence_source``); the line locators read it whole. Where a pattern
opens with a negative lookbehind of one class, the offsets it rejects are passed over before
``regex`` is tried (``leading_lookbehind``). A chunk of documents is read Set by Set, then signature
by signature (``PrefilterEngine.hits_of``), which keeps each automaton in the processor's caches.

``ReferenceEngine`` is the plain loop; tests prove with hypothesis that both engines give the same hits.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import cache, cached_property, partial
from typing import NamedTuple

import re2
import regex

from provenance import accelerator
from provenance.document import Document, Line
from provenance.rulemodels import Signature
from provenance.matcher import CompiledSignature, Hit, NextStart, find_hits, in_scope, region_lines, time_left
from provenance.prescan import UNKNOWN_TO_RE2, PatternSet, match_start, re2_options, span_search, starts_pattern

# What regex's Unicode \s matches (the White_Space property; not \x1c-\x1f, which ``re`` and
# ``str.isspace`` count as space).
_SPACE = r"\t-\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_WORD_CORE = r"\p{L}\p{Nd}\p{M}\p{Pc}"  # certainly \w: its complement is a superset of \W
# Each class escape: its copy outside a class, inside a class, and inside a negated class (None:
# declined). A copy must accept at least what the escape accepts, so inside a negated class, whose
# complement is taken, it must accept at most that: \w is its core there (elsewhere ``loose_class``).
_CLASSES = {
    "s": (f"[{_SPACE}]", _SPACE, _SPACE), "S": (f"[^{_SPACE}]", None, None),
    "w": (None, None, _WORD_CORE), "W": (f"[^{_WORD_CORE}]", None, None),
    "d": (r"\p{Nd}", r"\p{Nd}", r"\p{Nd}"), "D": (r"\P{Nd}", r"\P{Nd}", r"\P{Nd}"),
}
_PASS_ESCAPES = set("tnrfvae") | {"x", "p", "P"}
# Unicode properties whose copies are loosened (``loose_class``): RE2 compiles each into hundreds of
# byte ranges, a third to a whole millisecond every time one is met, twice for every signature.
_LOOSENED = frozenset({"L", "Lu", "Ll", "M", "P", "S", "So"})
# Latin-1's and General Punctuation's code points: quotes, dashes and symbols frequent in text
# otherwise ASCII, which a loosened class still tells apart. Every other non-ASCII one it accepts.
_SPARED = ((0x80, 0xBF), (0x2000, 0x206F))
_UNSPARED = ((0xC0, 0x1FFF), (0x2070, 0x10FFFF))
_ASSERTIONS = ("(?=", "(?!", "(?<=", "(?<!")
_DECLINED_GROUPS = ("(?|", "(?#", "(?R", "(?&", "(?(", "(?P>", "(?P=")
INLINE_FLAGS = regex.compile(r"\(\?(?!P[<=>])[\^a-zA-Z]")  # in VERSION0 they reach the whole pattern
# Inline flags that turn multi-line mode off: ^ and $ in the copy would then read the whole text,
# where a line-scoped signature's read one line.
_MULTILINE_OFF = regex.compile(r"\(\?[a-zA-Z]*-[a-zA-Z]*m|\(\?\^")
_CAPTURING_GROUP = regex.compile(r"\((?!\?)|\(\?P?<\w+>")  # plain or named, never a lookbehind
_INLINE_CASELESS = regex.compile(r"\(\?[a-zA-Z]*i")
_INLINE_VERBOSE = regex.compile(r"\(\?[a-zA-Z^]*x")
_FUZZY = regex.compile(r"\{\s*[edis]")
_BOUNDED = regex.compile(r"\{(\d*)(?:,\d*)?\}(?<=\d\}|\d,\d*\})")  # {n}, {m,n}, {,n}: a counted repetition
# Per RE2 object. The Set's DFA needs room for its states: at 32 or 64 MB it thrashes (10x slower on
# the shipped rules), at 128 MB it settles at about 60 MB; beyond the budget it may give up (_SENTINEL).
_RE2_MAX_MEM = 128 << 20
# Matches every text. RE2's Set reports a DFA that ran out of memory as "no match"; the sentinel
# missing from the answer tells that apart, and the document is then confirmed in full. It matches
# at the start only: a pattern matching everywhere (``(?:)``) makes every DFA state a match state,
# whose matches the scan records at every byte, a third of a Set's time.
_SENTINEL = r"\A"
# A Set's patterns: at most this many, and at most this many RE2 instructions in all (but for a
# single pattern over it). Each Set is one pass over the text, so fewer Sets scan faster once warm;
# a Set over patterns that keep many partial matches alive at once grows DFA states without end on
# fresh text, as many as the products of theirs. Which patterns share a Set is decided first
# (``PrefilterEngine._set_kind``); within a kind they are packed smallest first by instruction count.
# On the shipped rules every kind fits one Set.
_SET_SIZE = 48
_SET_INSTRUCTIONS = 30000
# A line locator is one RE2 object per signature: a small DFA budget keeps dozens of them from
# holding a hundred megabytes; past it RE2 finishes the search with its NFA, slower but exact.
_LOCATOR_MAX_MEM = 16 << 20
# In a Set's slot map, which names no signature: the sentinel's slot, ``unfolded_class``'s, and
# ``UNKNOWN_TO_RE2``'s (``PrefilterEngine._region_sets``).
_SENTINEL_SLOT = -1
_FOLDS = -2
_UNKNOWN = -3
# A line-scoped signature's copy in one document, line by line (``PrefilterEngine._lines_for``):
# where its first match in the line starts (code points from the line's start; -1: unknown), and
# whether it is alone.
LineFirsts = dict[int, tuple[int, bool]]


def unfolded(char: str) -> bool:
    """Whether ``regex`` may match ``char`` case-insensitively where RE2's simple case folding cannot:
    its full case fold is more than one character (``ß`` = ``ss``, ``ﬁ`` = ``fi``), or it has a
    capital or small form that folds elsewhere (``ı``, whose capital is ``I``, folds to itself)."""
    fold = char.casefold()
    return len(fold) > 1 or any(len(other) == 1 and other.casefold() != fold
                                for other in (char.upper(), char.lower(), char.title()))


def case_mapped(chars: str) -> bool:
    """Whether some character of ``chars`` has a case mapping or fold other than itself: one that
    has none is never ``unfolded``. Whole strings map character by character (no mapping is empty,
    and the one contextual mapping, final sigma, is of a character that lower-cases to another), and
    ``title`` makes each character of the spaced string a word's first, so the strings equal their
    mappings exactly when every character does."""
    spaced = " ".join(chars)
    return chars.casefold() != chars or chars.upper() != chars or chars.lower() != chars or spaced.title() != spaced


def folds_alike(chars: str) -> bool:
    """Whether no character of ``chars`` is ``unfolded``, told from whole strings where it can be: the
    case fold and each mapping of the spaced string (every character alone between spaces, as
    ``case_mapped`` reads it) keep its length, so each character folds and maps to one character
    (none to nothing), and the mappings fold as the string does, so each character's do as its own.
    False where that does not hold: some character may be unfolded, and each is asked."""
    spaced = " ".join(chars)
    fold = spaced.casefold()
    return len(fold) == len(spaced) and all(len(mapped) == len(spaced) and mapped.casefold() == fold
                                            for mapped in (spaced.upper(), spaced.lower(), spaced.title()))


_CHUNK = 64


def _plane() -> str:
    """The Basic Multilingual Plane but its surrogates, decoded from its code units (a tenth of the
    time ``chr`` takes over each)."""
    units = array("H", range(0xD800)) + array("H", range(0xE000, 0x10000))
    return units.tobytes().decode(f"utf-16-{sys.byteorder[0]}e")


@cache
def _unfolded() -> str:
    """Every ``unfolded`` character; all lie in the Basic Multilingual Plane (a test checks this for
    the running Python). Found on first use, by the engine; the plane is read in chunks, and only
    those with a case-mapped character that do not fold alike one by one (10 -> 6 ms)."""
    plane = _plane()
    chunks = (plane[i:i + _CHUNK] for i in range(0, len(plane), _CHUNK))
    return "".join(c for chunk in chunks if case_mapped(chunk) and not folds_alike(chunk) for c in chunk if unfolded(c))


@cache
def unfolded_characters() -> re.Pattern:
    """One class of every ``unfolded`` character."""
    return re.compile("[" + re.escape(_unfolded()) + "]")  # stdlib re: 10x faster on one class


def unfolded_class() -> str:
    """The RE2 class of every ``unfolded`` character."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _unfolded()) + "]"


@cache
def unfolded_locator() -> re2._Regexp:
    """``unfolded_class`` compiled alone, to find the lines holding one in a text's UTF-8: the
    stdlib class reads a text three times as slowly (0.48 against 0.16 ms on a text of 170,000
    characters). Its code points are all given, so RE2's Unicode tables do not count."""
    return re2.compile(unfolded_class(), re2_options())


class Untranslatable(ValueError):
    """A pattern whose RE2 copy could reject a text the original accepts."""


def starts_copy(source: str) -> re2._Regexp | None:
    """The RE2 copy of a multi-line ``regex`` pattern, which tells ``finditer_where`` where its matches
    may start; None where it has inline flags (in VERSION0 they reach every alternative) or RE2
    cannot take it."""
    if INLINE_FLAGS.search(source):
        return None
    try:
        return starts_pattern(f"(?m)(?:{prefilter_source(source)})")
    except (Untranslatable, re2.error):
        return None


def prefilter_source(source: str) -> str:
    """The loosened RE2 copy of a ``regex`` pattern, or ``Untranslatable``."""
    if _MULTILINE_OFF.search(source):
        raise Untranslatable("multi-line mode turned off")
    out: list[str] = []
    i, in_class, n = 0, "", len(source)  # in_class: the class being read opened with "[" or "[^"
    while i < n:
        ch = source[i]
        if ch == "\\":
            piece, i = _escape(source, i, in_class)
            out.append(piece)
            continue
        if in_class:
            if ch == "[" or source.startswith(("&&", "--", "||", "~~"), i):
                raise Untranslatable("nested class or set operation")
            in_class = "" if ch == "]" else in_class
        elif ch == "[":
            i, in_class = _open_class(source, i, out)
            continue
        elif source.startswith(_ASSERTIONS, i):
            out.append("(?:)")  # an assertion only ever narrows a match: an empty group loosens
            i = _skip_group(source, i)
            continue
        elif source.startswith("(?>", i):
            out.append("(?:")  # an atomic group only ever narrows a match too
            i += 3
            continue
        elif ch == "(" and source.startswith(_DECLINED_GROUPS, i):
            raise Untranslatable("branch reset, recursion, comment or conditional")
        elif ch == "(" and (group := _CAPTURING_GROUP.match(source, i)):
            out.append("(?:")  # where a match starts needs no groups: RE2 finds spans faster without
            i = group.end()
            continue
        elif ch == "{" and regex.match(r"\{\s*[edis]", source[i:]):
            raise Untranslatable("fuzzy matching")
        elif ch == "{" and (bound := _BOUNDED.match(source, i)):
            out.extend(f"{{{bound.group(1) or 0},}}")  # no upper bound: RE2 would copy the atom that many times
            i = bound.end()
            continue
        elif ch == "+" and out and out[-1] in ("*", "+", "?", "}"):
            i += 1  # a possessive quantifier narrows; the plain one loosens
            continue
        out.append(ch)
        i += 1
    if in_class:
        raise Untranslatable("unclosed class")
    return "".join(out)


def _open_class(source: str, i: int, out: list[str]) -> tuple[int, str]:
    """Copies the class opening at ``i``; the offset after it, and ``"["`` or ``"[^"`` (negated)."""
    opening = "[^" if source.startswith("[^", i) else "["
    out.append(opening)
    i += len(opening)
    if source.startswith("]", i):
        out.append(r"\]")
        i += 1
    return i, opening


def _skip_group(source: str, i: int) -> int:
    """The offset after the group opening at ``i`` (escapes and classes respected)."""
    depth, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 + source.startswith("^", i + 1)
            i += source.startswith("]", i)
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise Untranslatable("unbalanced group")


@cache
def loose_class(escape: str) -> str:
    """The body of an RE2 class accepting every character the ``regex`` class escape ``escape``
    (``\\w``, ``\\p{Lu}``) accepts, in a few ranges: its ASCII members, its members in the
    ``_SPARED`` blocks with or without regard to case, and every other non-ASCII character. Computed
    from ``regex``'s own tables: a superset, exact on ASCII text with regard to case. Without regard
    to case RE2 folds the ASCII members, as it folded the property's (every ASCII letter's other
    case is ASCII), and may fold the Kelvin sign and the long s of the wide ranges to ``k`` and ``s``."""
    exact = regex.compile(escape, regex.VERSION1)
    caseless = regex.compile(escape, regex.VERSION1 | regex.IGNORECASE | regex.FULLCASE)
    ascii_members = [code for code in range(0x80) if exact.fullmatch(chr(code))]
    spared_members = [code for low, high in _SPARED for code in range(low, high + 1)
                      if exact.fullmatch(chr(code)) or caseless.fullmatch(chr(code))]
    ranges = [(code, code) for code in ascii_members + spared_members] + list(_UNSPARED)
    return "".join(f"\\x{{{low:x}}}" if low == high else f"\\x{{{low:x}}}-\\x{{{high:x}}}"
                   for low, high in _merged(sorted(ranges)))


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted code point ranges with adjacent ones joined."""
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(high, out[-1][1]))
        else:
            out.append((low, high))
    return out


def _loosened(escape: str, in_class: str) -> str | None:
    """The copy of a class escape by ``loose_class``, or None where it stays as it is: inside a
    negated class, whose complement is taken, a copy may not accept more."""
    if in_class == "[^":
        return None
    body = loose_class(escape)
    return body if in_class else f"[{body}]"


def _escape(source: str, i: int, in_class: str) -> tuple[str, int]:
    if i + 1 >= len(source):
        raise Untranslatable("trailing backslash")
    letter = source[i + 1]
    if letter in "bB":
        if in_class:
            raise Untranslatable(r"\b inside a class")
        return "(?:)", i + 2
    if letter == "w" and (copy := _loosened(r"\w", in_class)):
        return copy, i + 2
    if letter in _CLASSES:
        copy = _CLASSES[letter][("", "[", "[^").index(in_class)]
        if copy is None:
            raise Untranslatable(f"\\{letter} inside a class")
        return copy, i + 2
    if letter in "uU":
        width = 4 if letter == "u" else 8
        digits = source[i + 2:i + 2 + width]
        if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise Untranslatable("bad \\u escape")
        return f"\\x{{{digits}}}", i + 2 + width
    if letter.isalnum() and letter not in _PASS_ESCAPES:
        raise Untranslatable(f"\\{letter}")
    if letter.isalpha() and source.startswith("{", i + 2):
        # One piece with its braces (\p{L}, \x{e9}), so a '+' after it is not read as possessive.
        close = source.find("}", i + 2)
        if close < 0:
            raise Untranslatable(f"unclosed \\{letter}{{")
        name = source[i + 3:close]
        if letter == "p" and name in _LOOSENED and (copy := _loosened(f"\\p{{{name}}}", in_class)):
            return copy, close + 1
        return source[i:close + 1], close + 1
    return source[i:i + 2], i + 2


# The pieces of an RE2 copy as ``prefilter_source`` writes it (``existence_source``): an escape
# (braced, \pL and \xHH too), a class, one character; a quantifier; what tells the groups'
# structure, with escapes and classes read whole so that their brackets and bars do not count.
_ESCAPE_ATOM = r"\\(?:[pPx]\{[^}]*\}|[pP].|x[0-9a-fA-F]{2}|.)"
_CLASS_ATOM = r"\[\^?\]?(?:[^\]\\]+|\\.)*\]"
_ATOM = re.compile(f"{_ESCAPE_ATOM}|{_CLASS_ATOM}|.", re.DOTALL)
_QUANTIFIER = re.compile(r"(?:([*?])|\+|\{(\d+)(?:,\d*)?\})\??")
_STRUCTURE = re.compile(f"{_ESCAPE_ATOM}|{_CLASS_ATOM}|([()|])", re.DOTALL)
_PLAIN_GROUP = re.compile(r"\(\?[a-zA-Z]*:")  # non-capturing, perhaps with flags
_TOP = -1  # the top level, in ``_structure``'s maps


class _Element(NamedTuple):
    """One element of an alternative: an atom and its quantifier, by their offsets in the copy."""

    start: int
    atom_end: int
    end: int
    optional: bool  # it matches the empty string wherever it stands


def existence_source(copy: str) -> str:
    """An RE2 pattern matching somewhere in exactly the texts that the RE2 ``copy`` matches somewhere
    in, for a Set, which answers no more: each alternative without the elements at its ends that
    may match empty anywhere (quantified from zero, or the empty group standing for an assertion),
    and an alternative left with one group alone read the same way inside it.

    Such an element never decides whether a match exists: a match of the rest is a match of the
    whole with the element empty, and a match of the whole holds one of the rest. Tracking it costs
    a Set's DFA dearly: an unanchored optional run of capitalised words keeps threads alive through
    every such run, multiplying the states of the patterns beside it, which take time to build on
    new text and room in the processor's caches on any (the Sets' first pass over dev-A 335 -> 268
    ms CPU, dev-B 200 -> 166; the engine's hits once warm, dev-A 533 -> 485, dev-B 177 -> 169)."""
    return existence_and_anchoring(copy)[0]


def existence_and_anchoring(copy: str) -> tuple[str, bool]:
    """``existence_source``, and whether every match of it (searched with ``(?m)``) begins at a line
    start: each of its alternatives begins with ``^``, or is one plain group whose alternatives all
    do. Read in the same pass: reading the copy's structure again cost more than the rest of it."""
    ends, bars = _structure(copy)
    return _existence(copy, 0, len(copy), bars[_TOP], ends, bars)


def _structure(copy: str) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Where each group of an RE2 copy ends, and the bars between the alternatives of each group and
    of the top level, by the offset of the group's opening parenthesis (``_TOP``)."""
    ends: dict[int, int] = {}
    bars: dict[int, list[int]] = {_TOP: []}
    opened = [_TOP]
    for token in _STRUCTURE.finditer(copy):
        at = token.start(1)
        if at < 0:
            continue
        if token.group(1) == "(":
            opened.append(at)
            bars[at] = []
        elif token.group(1) == ")":
            ends[opened.pop()] = at + 1
        else:
            bars[opened[-1]].append(at)
    return ends, bars


def _existence(copy: str, start: int, stop: int, own_bars: list[int], ends: dict[int, int],
               bars: dict[int, list[int]]) -> tuple[str, bool]:
    """``existence_and_anchoring`` of ``copy[start:stop]``, whose top-level bars are ``own_bars``."""
    out: list[str] = []
    anchored = True
    for first, last in zip([start, *(bar + 1 for bar in own_bars)], [*own_bars, stop]):
        kept = _elements(copy, first, last, ends)
        while kept and kept[0].optional:
            kept.pop(0)
        while kept and kept[-1].optional:
            kept.pop()
        if not kept:
            out.append(copy[first:last])  # it matches empty anywhere, and so does the whole
            anchored = False
        elif len(kept) == 1 and kept[0].atom_end == kept[0].end and (
                opening := _PLAIN_GROUP.match(copy, kept[0].start, kept[0].end)):
            inner, inner_anchored = _existence(copy, opening.end(), kept[0].end - 1, bars[kept[0].start], ends, bars)
            out.append(f"{opening.group()}{inner})")
            anchored = anchored and inner_anchored
        else:
            out.append(copy[kept[0].start:kept[-1].end])
            anchored = anchored and copy[kept[0].start:kept[0].end] == "^"
    return "|".join(out), anchored


def _elements(copy: str, start: int, stop: int, ends: dict[int, int]) -> list[_Element]:
    """The elements of one alternative, ``copy[start:stop]``."""
    out: list[_Element] = []
    while start < stop:
        atom_end = ends[start] if copy[start] == "(" else _ATOM.match(copy, start).end()
        quantifier = _QUANTIFIER.match(copy, atom_end, stop)
        if quantifier is None:
            out.append(_Element(start, atom_end, atom_end, copy[start:atom_end] == "(?:)"))
        else:
            optional = quantifier.group(1) is not None or int(quantifier.group(2) or 1) == 0
            out.append(_Element(start, atom_end, quantifier.end(), optional))
        start = out[-1].end
    return out


# A pattern opening with a negative lookbehind of one plain class (``(?<![\w@.-])``), read inside the
# group ``signature_source`` wraps a single pattern in; not a quantified one (``(?<![a-z])?``), which
# a match need not pass.
_LEADING_LOOKBEHIND = re.compile(r"\(\?:\(\?<!(\[(?!\^)(?:[^\[\]\\]|\\.)*\])\)(?![?*+{])")
# A negated member of a class (``\P{Lu}``, ``\p{^Lu}``, ``\W``, ``[:^alpha:]``): without regard to case
# ``regex`` may accept fewer characters for it than with regard to case.
_NEGATED_MEMBER = re.compile(r"\\[A-Z]|\\p\{\^|\[:\^")


def leading_lookbehind(sig: CompiledSignature) -> regex.Pattern | None:
    """A pattern matching a run of characters of the class in a negative lookbehind that every match
    of ``sig`` begins with, or None. No match starts just after such a character, and so none at any
    offset inside or just after the run (``CopyStarts``' screen): RE2's copy drops the lookbehind and
    names every one of those offsets, each of which ``regex`` would otherwise be tried at.

    The run is matched with regard to case, one character at a time: a character the class accepts
    so is accepted without regard to case too (a class, not negated, accepts a character when it
    accepts the character itself or another case of it), and the lookbehind sees it. Declined on
    a negated class, or one holding a negated member in a caseless pattern (without regard to case
    ``regex`` accepts fewer characters for those: ``\\P{Lu}`` neither ``a`` nor ``A``), a quantified
    lookbehind, inline flags, set operations, an alternative beside the lookbehind's, and a source
    RE2 cannot copy (``prefilter_source`` rejects nested classes, which would misread the structure)."""
    source = sig.source
    opening = _LEADING_LOOKBEHIND.match(source)
    if opening is None or INLINE_FLAGS.search(source) or any(op in opening.group(1) for op in ("&&", "--", "||", "~~")):
        return None
    if sig.regex.flags & regex.IGNORECASE and _NEGATED_MEMBER.search(opening.group(1)):
        return None
    try:
        prefilter_source(source)
    except Untranslatable:
        return None
    ends, bars = _structure(source)
    if ends.get(0) != len(source) or bars[_TOP] or bars[0]:
        return None
    return regex.compile(f"{opening.group(1)}+", sig.regex.flags & ~(regex.IGNORECASE | regex.FULLCASE))


def is_caseless(sig: CompiledSignature) -> bool:
    """Whether any part of the signature matches without regard to case (flag or inline ``(?i)``)."""
    return not sig.rule.case_sensitive or _INLINE_CASELESS.search(sig.source) is not None


# Escapes that never match a newline, in a class or out of one; out of one, single characters too.
_LINE_ESCAPES = set("wdS") | {c for c in map(chr, range(0x20, 0x7f)) if not c.isalnum()}
_CHAR_ESCAPES = set("bBAZtrfae")


def may_cross_lines(source: str) -> bool:
    """Whether a match of the ``regex`` pattern ``source`` may hold a newline. Only a pattern of
    plain characters, non-negated classes and the escapes above surely cannot: anything else
    (``.``, ``[^...]``, ``\\s``, ``\\W``, ``\\p{...}``, code point escapes, verbose mode, fuzzy
    matching, control characters, which could end a range) answers True."""
    if any(ord(ch) < 0x20 for ch in source) or _INLINE_VERBOSE.search(source) or _FUZZY.search(source):
        return True
    i, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            escaped = source[i + 1:i + 2]
            if escaped not in _LINE_ESCAPES and (in_class or escaped not in _CHAR_ESCAPES):
                return True
            i += 2
            continue
        if in_class:
            if ch == "[":
                return True  # a nested class or set operation
            in_class = ch != "]"
        elif ch == "[":
            if source.startswith("^", i + 1):
                return True
            in_class = True
            i += 1 + source.startswith("]", i + 1)
            continue
        elif ch == ".":
            return True
        i += 1
    return False


def _prefilter_copy(sig: CompiledSignature) -> tuple[str, re2._Regexp, bool] | None:
    """The RE2 pattern for one signature's Set (``existence_source``), its compiled copy and whether
    every match of that pattern begins at a line start (``existence_and_anchoring``), or None when it
    must always be confirmed. The copy is compiled once, on the line locator's budget: that compile
    is both the test that RE2 reads the pattern and the locator itself."""
    source = sig.source
    if is_caseless(sig) and unfolded_characters().search(source):
        return None
    try:
        translated = prefilter_source(source)
        flags = "(?m)" if sig.rule.case_sensitive else "(?mi)"
        locator = re2.compile(f"{flags}(?:{translated})", re2_options(_LOCATOR_MAX_MEM))
        existence, anchored = existence_and_anchoring(translated)
        return f"{flags}(?:{existence})", locator, anchored
    except (Untranslatable, re2.error):
        return None


def _compiled_set(patterns: list[tuple[int, str]]) -> tuple[PatternSet, list[int]]:
    """An RE2 Set of ``patterns`` after the sentinel, and its slot -> signature index map."""
    found = PatternSet([_SENTINEL, *(pattern for _, pattern in patterns)], re2_options(_RE2_MAX_MEM))
    return found, [_SENTINEL_SLOT, *(index for index, _ in patterns)]


def _packed(patterns: list[tuple[int, str, int]]) -> list[list[tuple[int, str]]]:
    """``(index, pattern, instructions)`` packed into Sets' worth of ``(index, pattern)``, smallest
    first, each within ``_SET_SIZE`` patterns and ``_SET_INSTRUCTIONS`` instructions."""
    groups: list[list[tuple[int, str]]] = []
    room = 0
    for index, pattern, size in sorted(patterns, key=lambda p: (p[2], p[0])):
        if not groups or len(groups[-1]) == _SET_SIZE or size > room:
            groups.append([])
            room = _SET_INSTRUCTIONS
        groups[-1].append((index, pattern))
        room -= size
    return groups


class AlternationFilter:
    """The alternatives of one case-sensitive ``regex`` alternation that can match a text: an RE2
    Set over their loosened copies names them, and the alternation of just those (compiled once
    per subset) stands in for the whole.

    At every position the whole alternation tries its alternatives in order and the first that
    matches wins; an alternative that matches nowhere in the text never wins, so the smaller
    alternation finds the same matches, with the same group names. Where that could fail the
    filter stands aside and gives the whole pattern: an alternative without a faithful RE2 copy,
    inline flags (in VERSION0 they reach every alternative), flags the copies do not share, a text
    RE2 cannot read as ``regex`` does (``Document.re2_readable``), or a DFA that ran out of memory.
    """

    _SAFE_FLAGS = regex.MULTILINE | regex.VERSION0 | regex.VERSION1

    def __init__(self, alternatives: list[str], flags: int):
        self.alternatives, self.flags = alternatives, flags
        self._subsets: dict[tuple[int, ...], regex.Pattern] = {}
        self._set: tuple[PatternSet, list[int]] | None = None
        if flags & ~self._SAFE_FLAGS:
            return
        try:  # one copy RE2 cannot take fails the Set, and the filter stands aside
            self._set = _compiled_set([(i, self._copy(alternative)) for i, alternative in enumerate(alternatives)])
        except (Untranslatable, re2.error):
            return

    @cached_property
    def whole(self) -> regex.Pattern:
        """The whole alternation, compiled when first asked for: only a text the Set cannot screen
        needs it (none of dev-A's or dev-B's), and it is a tenth of the outlet index's build."""
        return regex.compile("|".join(self.alternatives), self.flags)

    def _copy(self, alternative: str) -> str:
        if INLINE_FLAGS.search(alternative):
            raise Untranslatable("inline flags")
        return f"(?m)(?:{prefilter_source(alternative)})"

    def pattern_for(self, doc: Document) -> regex.Pattern | None:
        """The alternation to search ``doc`` with; None when no alternative can match it."""
        if self._set is None or not doc.re2_readable:
            return self.whole
        found, slots = self._set
        matched = found.Match(doc.utf8) or ()
        if 0 not in matched:
            return self.whole
        chosen = tuple(sorted(slots[i] for i in matched if i))
        if not chosen:
            return None
        if chosen not in self._subsets:
            self._subsets[chosen] = regex.compile("|".join(self.alternatives[i] for i in chosen), self.flags)
        return self._subsets[chosen]


class ReferenceEngine:
    """Every signature tried on every document: the yardstick."""

    name = "reference"

    def __init__(self, signatures: Iterable[CompiledSignature]):
        self.signatures = list(signatures)

    def candidates(self, doc: Document) -> list[CompiledSignature]:
        return self.signatures

    def hits(self, doc: Document, timeout: float | None = None) -> tuple[list[Hit], list[str]]:
        """Every hit in text order, and the ids of signatures that ran out of time."""
        return self.hits_of([doc], timeout)[0]

    def hits_of(self, docs: list[Document], timeout: float | None = None) -> list[tuple[list[Hit], list[str]]]:
        """``hits`` of each document."""
        found = [_DocumentHits() for _ in docs]
        for doc, into in zip(docs, found):
            for sig in self.candidates(doc):
                into.add(sig, doc, timeout)
        return [into.result() for into in found]


class _DocumentHits:
    """One document's hits and overruns, as signatures are tried on it."""

    __slots__ = ("hits", "overruns")

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.overruns: list[str] = []

    def add(self, sig: CompiledSignature, doc: Document, timeout: float | None,
            lines: set[int] | None = None, starts: CopyStarts | None = None) -> None:
        """``sig``'s hits, all or nothing: partial hits would depend on speed."""
        try:
            self.hits.extend(list(find_hits(sig, doc, timeout, lines, starts)))
        except TimeoutError:
            self.overruns.append(sig.rule.id)

    def result(self) -> tuple[list[Hit], list[str]]:
        """The hits in text order, and the overruns."""
        self.hits.sort(key=hit_order)
        return self.hits, self.overruns


def hit_order(hit: Hit) -> tuple[int, str]:
    """The order of a document's hits: in the text, then by rule id."""
    return hit.start, hit.signature.id


class PrefilterEngine(ReferenceEngine):
    """An RE2 ``Set`` names the signatures that can match; only those are confirmed, and a
    line-scoped one only on the lines its RE2 copy accepts."""

    name = "prefilter"

    def __init__(self, signatures: Iterable[CompiledSignature]):
        super().__init__(signatures)
        self._locators: dict[int, re2._Regexp] = {}  # signature index -> its RE2 copy, for line scope
        self._behind: dict[int, regex.Pattern] = {}  # signature index -> its ``leading_lookbehind``
        always: list[int] = []
        caseless: list[int] = []
        patterns: list[tuple[int, str, int, bool]] = []
        for index, sig in enumerate(self.signatures):
            copy = _prefilter_copy(sig)
            if copy is None:
                always.append(index)
                continue
            pattern, locator, anchored = copy
            patterns.append((index, pattern, locator.programsize, anchored))
            if sig.rule.scope == "line" or sig.rule.region == "any":
                self._locators[index] = locator
                if (behind := leading_lookbehind(sig)) is not None:
                    self._behind[index] = behind
            if is_caseless(sig):
                caseless.append(index)
        self.always = frozenset(always)
        self.caseless = frozenset(caseless)
        self._sets = self._region_sets(patterns)
        self._folds_in_set = any(_FOLDS in slots for _, slots, _, _ in self._sets)
        self._reads_known = any(_UNKNOWN in slots for _, slots, _, _ in self._sets)
        # Caseless signatures whose matches never hold a newline: on the lines without an unfolded
        # character their RE2 copy still tells where a match may start.
        self._line_bound = frozenset(i for i in caseless if self.signatures[i].by_line
                                     or not may_cross_lines(self.signatures[i].source))

    def _region_sets(self, patterns: list[tuple[int, str, int, bool]]) -> list[tuple[PatternSet, list[int], str, int]]:
        """Sets packed by kind (``_set_kind``), each with the region it reads and its size: a
        signature of the first or last lines alone needs no pass over the rest of the text. The
        first Set over the whole text also holds ``unfolded_class`` when a signature is caseless (and
        the flag says so): few texts hold an unfolded character, and that Set tells which do; and
        ``UNKNOWN_TO_RE2``, which tells whether RE2 reads the text (``Document.re2_readable``) in
        the same pass, where a search of its own read every text that is not ASCII once more (5% of
        the signature stage on dev-B)."""
        by_kind: dict[tuple[str, ...], list[tuple[int, str, int]]] = {}
        for index, pattern, size, anchored in patterns:
            by_kind.setdefault(self._set_kind(index, anchored), []).append((index, pattern, size))
        groups = [(kind[0], group) for kind, members in by_kind.items() for group in _packed(members)]
        whole = next((group for region, group in groups if region == "any"), None)
        if whole is not None:
            if self.caseless:
                whole.append((_FOLDS, unfolded_class()))
            whole.append((_UNKNOWN, UNKNOWN_TO_RE2))
        return [(*_compiled_set(group), region, max(self.signatures[i].rule.region_lines for i, _ in group if i >= 0))
                for region, group in groups]

    def _set_kind(self, index: int, anchored: bool) -> tuple[str, ...]:
        """Which signatures' copies a signature's copy shares its Sets with, the region they read
        first. The signatures of the first or last lines share Sets that read both ends (``ends``,
        at the largest size among them): the head's and the tail's lines lie in it, so a copy found
        there may match in its own region, and one found at the other end costs a confirmation that
        finds nothing. One Set call a document where a head's, a tail's and an ends' Set took three
        (each over its own bytes), for 2.7% more signatures confirmed on the speed corpus; the
        signature stage in instructions (callgrind): 5 MB of the speed corpus once warm 1,096 -> 1,008
        M, 6.3 MB of other texts after it 1,374 -> 1,314 M, but the same texts read first in a process
        2,754 -> 2,837 M (the larger DFA's states are built once). A region's Sets read a few lines of
        each document, where a pass more costs more than the DFA states it would save.

        Over the whole text a Set's DFA holds about the product of its patterns' partial matches
        alive at once, so those that keep many (the rules say which: ``Signature.prefilter``) are
        packed apart from the rest, caseless and case-sensitive together; the rest split into copies
        anchored at a line start (``existence_and_anchoring``), whose partial matches die within a
        line's first bytes, and the others, caseless and case-sensitive apart (more states build
        where they meet). On the shipped rules 5 Sets over the whole text where 7 packed by case and
        instruction count: all the Sets' passes over dev-B 55.7 -> 43.6 ms warm, 131 -> 115 on the
        first pass; dev-A 84.5 -> 66.3 and 216 -> 185. Which rules to mark is measured: taking each
        pattern out of its Set in turn and timing the Set's first pass shows its weight there. The
        kept-apart signatures then made two Sets, one of each case; one Set of them (4 Sets over the
        whole text) took the signature stage 1,008 -> 920 M instructions on 5 MB of the speed corpus
        warm, 1,314 -> 1,236 M on 6.3 MB of other texts after it and 2,835 -> 2,858 M on those read
        first. One Set for the open copies of both cases too would take 825 and 1,197 M, but 3,047 M
        read first: not done."""
        rule = self.signatures[index].rule
        if rule.region != "any":
            return ("ends",)
        if rule.prefilter == "apart":
            return rule.region, rule.prefilter
        if anchored:
            return rule.region, "anchored"
        return rule.region, "open", "caseless" if index in self.caseless else "cased"

    def _fold_lines(self, doc: Document) -> set[int]:
        """The lines holding an ``unfolded`` character, where a caseless signature's RE2 copy does
        not count; asked of a text with UTF-8 alone (``re2_readable``). After each one found the
        search goes on from the next line."""
        if not self.caseless or doc.text.isascii():
            return set()
        locator, data, starts = unfolded_locator(), doc.utf8, doc.utf8_line_starts
        lines: set[int] = set()
        found = match_start(locator, data, 0, len(data))
        while found >= 0:
            lines.add(number := bisect_right(starts, found))
            found = match_start(locator, data, starts[number], len(data)) if number < len(starts) else -1
        return lines

    def _choices(self, docs: list[Document]) -> list[_Choice]:
        """The signatures to confirm on each document, and whether each one's RE2 copy matches
        somewhere; and the lines holding an ``unfolded`` character (``_fold_lines``), which a Set
        tells whether to look for. Each Set reads every document before the next Set starts: read
        one document after another, between the rest of the check, a Set's DFA falls out of the
        processor's caches and its passes cost twice as much.

        A caseless signature is also confirmed on every line holding an ``unfolded`` character, where
        RE2's answer does not count (where its copy matches nowhere, on those lines alone: a text
        holding one such character otherwise had every caseless copy searched through it); a
        document RE2 cannot read as ``regex`` does (``Document.re2_readable``), or one RE2's DFA
        gave up on, is checked in full (no line then needs RE2's answer but for ``_starts``, which
        declines on a text RE2 cannot read). Whether RE2 reads it the first Set over the whole text
        tells where it holds ``UNKNOWN_TO_RE2``: until then a text with UTF-8 is read by every Set.
        """
        matches: list[list[int] | None] = [[] if self._may_read(doc) else None for doc in docs]
        for found, slots, region, size in self._sets:
            for n, doc in enumerate(docs):
                chosen = matches[n]
                if chosen is not None:
                    matched = found.Match(doc.utf8 if region == "any" else _region_data(doc, region, size))
                    if matched and 0 in matched:
                        chosen.extend(map(slots.__getitem__, matched))
                    else:
                        matches[n] = None
        if self._reads_known:
            for doc, matched in zip(docs, matches):
                if matched is not None:
                    doc.found_known_to_re2(_UNKNOWN not in matched)
        return [self._choice(doc, chosen if doc.re2_readable else None) for doc, chosen in zip(docs, matches)]

    def _may_read(self, doc: Document) -> bool:
        """Whether the Sets read ``doc``: where one of them tells ``re2_readable``, each text with UTF-8."""
        return not doc.has_lone_surrogates if self._reads_known else doc.re2_readable

    def _choice(self, doc: Document, matched: list[int] | None) -> _Choice:
        """``_choices``' answer for one document, from the slots its Sets matched (None: check it in full)."""
        if matched is None:
            return _Choice([(i, True) for i in range(len(self.signatures))], self._fold_lines(doc) if doc.re2_readable
                           else set(), True)
        chosen = set(self.always)
        chosen.update(matched)
        fold_lines = self._fold_lines(doc) if _FOLDS in chosen or not self._folds_in_set else set()
        chosen.difference_update((_SENTINEL_SLOT, _FOLDS, _UNKNOWN))
        unmatched = self.caseless - chosen if fold_lines else frozenset()
        return _Choice([(i, i not in unmatched) for i in sorted(chosen | unmatched)], fold_lines, False)

    def _confirm_lines(self, index: int, doc: Document, choice: _Choice, found: bool) -> tuple[set[int] | None, LineFirsts]:
        if choice.in_full:
            return None, {}
        return self._lines_for(index, doc, choice.fold_lines, found)

    def _lines_for(self, index: int, doc: Document, fold_lines: set[int],
                   found: bool = True) -> tuple[set[int] | None, LineFirsts]:
        """Every line of its region where the RE2 copy matches within the line, found in one pass;
        and, line by line, where the first match found there starts (code points from the line's
        start, as ``CopyStarts`` reads them) when it also ends there (the copy's first match in that
        line alone starts there too), and whether no other match of the copy starts in that line
        after it.

        A match that lies inside a line is a match in the whole text (``(?m)`` anchors mean the same
        there), and the search restarts at the next line after each hit, so a match running on past
        a line end cannot hide a later line's own match. The first match found in a line starts
        before or where the line's own first match does; lying in the line, it is that one. The
        search from just after it answers whether it is alone: when the next match starts in a later
        line, that match is the later line's first, as a search from that line's start would find,
        so a line with one match costs no more searches than before. A copy a Set did not
        ``found`` is not searched for: it matches in no line.
        """
        locator = self._locators.get(index)
        rule = self.signatures[index].rule
        if locator is None or rule.scope != "line":
            return None, {}
        if not found:
            return fold_lines if index in self.caseless else set(), {}
        firsts: LineFirsts = {}
        for pos, end in region_spans(doc, rule.region, rule.region_lines):
            firsts.update(line_firsts(span_search(locator), doc.utf8, doc.utf8_line_starts, pos, end))
        lines = set(firsts)
        return lines | fold_lines if index in self.caseless else lines, firsts

    def _starts(self, index: int, doc: Document, fold_lines: set[int], firsts: LineFirsts,
                found: bool) -> CopyStarts | None:
        """Where the signature's RE2 copy matches, so ``regex`` is tried only there (None: everywhere,
        as when RE2 cannot read the text, or misses a full case fold in a match that may run over
        the ``fold_lines``); nowhere but on the ``fold_lines`` for a copy a Set did not find."""
        locator = self._locators.get(index)
        if locator is None or not doc.re2_readable:
            return None
        folds = fold_lines if index in self.caseless else set()
        if folds and index not in self._line_bound:
            return None
        return CopyStarts(locator if found else None, doc, folds, firsts, self._behind.get(index))

    def candidates(self, doc: Document) -> list[CompiledSignature]:
        return [self.signatures[i] for i, _ in self._choices([doc])[0].chosen]

    def hits_of(self, docs: list[Document], timeout: float | None = None) -> list[tuple[list[Hit], list[str]]]:
        """Each signature is confirmed on every document that needs it before the next one is, for
        the reason ``_choices`` gives: its RE2 copy's DFA and its ``regex`` program stay in the
        caches. Each document's hits and overruns come out as ``hits`` finds them alone."""
        choices = self._choices(docs)
        takers: dict[int, list[tuple[int, bool]]] = {}
        for n, choice in enumerate(choices):
            for index, found in choice.chosen:
                takers.setdefault(index, []).append((n, found))
        results = [_DocumentHits() for _ in docs]
        for index in sorted(takers):
            sig = self.signatures[index]
            for n, found in takers[index]:
                doc, choice = docs[n], choices[n]
                lines, firsts = self._confirm_lines(index, doc, choice, found)
                results[n].add(sig, doc, timeout, lines, self._starts(index, doc, choice.fold_lines, firsts, found))
        return [hits.result() for hits in results]


def line_firsts(search: Callable[[bytes, int, int], list[tuple[int, int]]], data: bytes, starts: list[int],
                pos: int, end: int) -> LineFirsts:
    """``PrefilterEngine._lines_for``'s search loop over ``data[pos:end]``, ``search`` a locator's
    ``span_search`` and ``starts`` the lines' byte offsets: in C where the accelerator is built
    (``line_firsts``), which calls the same searches without the Python around each of them (a
    document's line-scoped signatures make thousands a MB)."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.line_firsts(search, data, starts, pos, end)
    return python_line_firsts(search, data, starts, pos, end)


def python_line_firsts(search: Callable[[bytes, int, int], list[tuple[int, int]]], data: bytes, starts: list[int],
                       pos: int, end: int) -> LineFirsts:
    """``line_firsts`` in Python: the accelerator's reference."""
    last_end = len(data) - data.endswith(b"\n")  # the last line's end: a final newline ends no line
    ascii = data.isascii()  # then a byte offset is a code-point offset, with no slice to decode
    firsts: LineFirsts = {}
    start, stop = search(data, pos, end)[0]
    while start >= 0:
        number = bisect_right(starts, start)
        next_line = starts[number] if number < len(starts) else len(data) + 1
        if stop <= next_line - 1 and stop <= last_end:
            following, following_stop = search(data, start + 1, end)[0]
            alone = not start < following < next_line
            base = starts[number - 1]
            firsts[number] = start - base if ascii else len(data[base:start].decode("utf-8", "surrogatepass")), alone
            if alone:
                start, stop = following, following_stop
                continue
        else:
            firsts[number] = -1, False
        if number == len(starts):
            break
        start, stop = search(data, next_line, end)[0]
    return firsts


class _Choice(NamedTuple):
    """``PrefilterEngine._choices``' answer for one document."""

    chosen: list[tuple[int, bool]]  # signature index, and whether its RE2 copy matches somewhere
    fold_lines: set[int]
    in_full: bool  # checked in full: RE2 cannot read the text, or its DFA gave up


def _region_data(doc: Document, region: str, size: int) -> bytes | memoryview:
    """The bytes of a region's lines (``region_spans``): all of them in a short text; for ``ends``
    whose head and tail lie apart, the two joined by a newline, so that each line keeps its edges."""
    spans = region_spans(doc, region, size)
    if len(spans) > 1:
        return b"\n".join(doc.utf8[start:end] for start, end in spans)
    start, end = spans[0]
    return doc.utf8 if start == 0 and end == len(doc.utf8) else memoryview(doc.utf8)[start:end]


def region_spans(doc: Document, region: str, size: int) -> tuple[tuple[int, int], ...]:
    """The ranges of ``doc.utf8`` holding a region's lines (``matcher.region_lines``), each from a
    line's start to a line's end: one, but for ``ends`` whose head and tail lines are not next to
    each other, one each. Searched alone, a range's edges are line edges, as ``(?m)`` anchors read
    them; a match inside one of its lines is a match in the range. Found once for each region and
    size (``Document.region_ranges``)."""
    if region == "any":
        return ((0, len(doc.utf8)),)
    ranges = doc.region_ranges
    if (region, size) not in ranges:
        ranges[region, size] = _region_spans(doc, region, size)
    return ranges[region, size]


def _region_spans(doc: Document, region: str, size: int) -> tuple[tuple[int, int], ...]:
    """``region_spans`` of a head, tail or ends region (whose head and tail lie apart when the text
    has more than twice ``size`` non-blank lines)."""
    lines = region_lines(doc, region, size)
    if region == "ends" and len(doc.nonblank_lines) > 2 * size:
        return _lines_span(doc, lines[:size]), _lines_span(doc, lines[size:])
    return (_lines_span(doc, lines),)


def _lines_span(doc: Document, lines: list[Line]) -> tuple[int, int]:
    """The range of ``doc.utf8`` from the first of ``lines``' start to the last one's end."""
    if not lines:
        return 0, 0
    starts, last = doc.utf8_line_starts, lines[-1].number
    return starts[lines[0].number - 1], starts[last] - 1 if last < len(starts) else len(doc.utf8)


class CopyStarts:
    """Where a signature's RE2 copy matches in one document, in code-point offsets: RE2 reads the
    UTF-8 bytes, and offsets are converted from a line's start, which both encodings share, or in
    the text from the last start found (``_byte_at``). A match inside a line is a match in the text
    (``(?m)`` anchors mean the same there), as for ``PrefilterEngine._lines_for``, whose ``firsts``
    answer a line's first search, and every search after it in a line where the first match is
    alone. On the ``fold_lines`` every offset may start a match: RE2 misses the full case folds
    there, and the signature's matches never leave a line. No ``locator``: the copy matches nowhere
    (a Set said so). ``behind``: the signature's ``leading_lookbehind``, whose runs no match starts
    in or just after; the offsets there are passed over without trying ``regex``."""

    def __init__(self, locator: re2._Regexp | None, doc: Document, fold_lines: set[int], firsts: LineFirsts,
                 behind: regex.Pattern | None = None):
        self.locator, self.doc, self.data, self.fold_lines = locator, doc, doc.utf8, fold_lines
        self.firsts, self.behind = firsts, behind
        self.ascii = len(self.data) == len(doc.text)  # a byte is a character
        self._last = 0, 0  # the last start found, in code points and in bytes
        folded = [doc.lines[n - 1] for n in sorted(fold_lines)] if fold_lines else []
        self._fold_starts, self._fold_ends = [line.start for line in folded], [line.end for line in folded]

    def in_text(self, pos: int) -> int | None:
        """``_in_text``, with the offsets the ``behind`` screen rejects passed over."""
        if self.behind is None:
            return self._in_text(pos)
        return _first_unrejected(self._in_text, self.behind, self.doc.text, pos)

    def _in_text(self, pos: int) -> int | None:
        if pos > len(self.doc.text):
            return None
        start = self._copy_start(pos)
        k = bisect_left(self._fold_ends, pos)  # the first line holding a fold that ends at or after pos
        if k == len(self._fold_ends):
            return start
        fold = max(pos, self._fold_starts[k])
        return fold if start is None or fold < start else start

    def _copy_start(self, pos: int) -> int | None:
        data = self.data
        if self.locator is None:
            return None
        if self.ascii:
            start = match_start(self.locator, data, pos, len(data))
            return None if start < 0 else start
        byte = self._byte_at(pos)
        start = match_start(self.locator, data, byte, len(data))
        if start < 0:
            return None
        char = pos + len(data[byte:start].decode("utf-8", "surrogatepass"))
        self._last = char, start
        return char

    def _byte_at(self, pos: int) -> int:
        """The UTF-8 offset of ``pos``, counted on from the last start found: the searches go
        forward, from just after it or from the end of a match there, so the text between two
        searches is encoded or decoded once (from the start of its line once more when a line
        holding a fold took the search back before it)."""
        char, byte = self._last
        if pos < char:
            line = self.doc.lines[self.doc.line_at(pos) - 1]
            char, byte = line.start, self.doc.utf8_line_starts[line.number - 1]
        # the text, not the line: after a final newline pos lies past the last line's end
        return byte + _utf8_len(self.doc.text[char:pos])

    def in_line(self, line: Line) -> NextStart | int | None:
        """``_in_line``, with the offsets the ``behind`` screen rejects passed over."""
        next_start = self._in_line(line)
        if self.behind is None or next_start is None:
            return next_start
        if isinstance(next_start, int):
            return _nowhere if next_start and self.behind.match(line.text, next_start - 1) else next_start
        return partial(_first_unrejected, next_start, self.behind, line.text)

    def line_hits(self, sig: CompiledSignature, lines: list[Line], deadline: float | None,
                  each_line: Callable[[Line], list[Hit]]) -> list[Hit]:
        """``Starts.line_hits``: a line whose first match is alone (``firsts``; most lines confirmed)
        is tried at that offset alone, as ``in_line`` answers it, by ``line_hits`` (in C where the
        accelerator is built, without a Python call, a generator and a ``Hit.__init__`` around each
        match); the others by ``each_line``."""
        behind = None if self.behind is None else self.behind.match
        args = (sig.regex.match, behind, sig.rule, lines, self.firsts, self.fold_lines, sig.rule.max_line_chars or 0,
                deadline, each_line)
        if accelerator.fastpage is not None:
            return accelerator.fastpage.line_hits(Hit, *args)
        return python_line_hits(*args)

    def _in_line(self, line: Line) -> NextStart | int | None:
        """Searches the line's bytes alone: past its end the regex, which reads the line alone,
        cannot match. The offset of a first match found alone; None on a line holding a fold."""
        if line.number in self.fold_lines:
            return None
        if self.locator is None:
            return _nowhere
        first, alone = self.firsts.get(line.number, (-1, False))
        if alone:
            return first
        locator, data, text = self.locator, self.data, line.text
        base = self.doc.utf8_line_starts[line.number - 1]
        if self.ascii or text.isascii():
            end = base + len(text)

            def next_ascii(pos: int) -> int | None:
                if pos <= first:
                    return first
                start = match_start(locator, data, base + pos, end) if pos <= len(text) else -1
                return None if start < 0 else start - base

            return next_ascii
        end = base + _utf8_len(text)

        def next_start(pos: int) -> int | None:
            if pos <= first:
                return first
            start = match_start(locator, data, base + _utf8_len(text[:pos]), end) if pos <= len(text) else -1
            return None if start < 0 else len(data[base:start].decode("utf-8", "surrogatepass"))

        return next_start


def python_line_hits(match: Callable[..., regex.Match | None], behind: Callable[[str, int], regex.Match | None] | None,
                     rule: Signature, lines: list[Line], firsts: LineFirsts, fold_lines: set[int], limit: int,
                     deadline: float | None, each_line: Callable[[Line], list[Hit]]) -> list[Hit]:
    """``CopyStarts.line_hits`` in Python: the accelerator's reference. ``match`` is the signature's
    ``regex`` match, ``behind`` its ``leading_lookbehind``'s, and an empty match at the first offset
    leaves the line to ``each_line``, which takes ``finditer``'s rules after it."""
    hits: list[Hit] = []
    for line in lines:
        if not in_scope(line, limit):
            continue
        first, alone = firsts.get(line.number, (-1, False))
        if alone and line.number not in fold_lines:
            if first and behind is not None and behind(line.text, first - 1):
                continue
            m = match(line.text, first, None, None, False, time_left(deadline))
            if m is None:
                continue
            start, end = m.span()
            if end != first:
                if end > start:
                    hits.append(Hit(rule, line.start + start, line.start + end, line.number, line.number))
                continue
        hits.extend(each_line(line))
    return hits


def _first_unrejected(next_start: NextStart, behind: regex.Pattern, text: str, pos: int) -> int | None:
    """``next_start(pos)`` passing over the offsets inside or just after a run of ``behind`` in
    ``text``, where a leading lookbehind rejects every match (``leading_lookbehind``). A function of
    its own, not a closure kept on ``CopyStarts``: one holding its bound method would make a cycle,
    and a cycle keeps its document (text, UTF-8, lines) alive until the collector runs."""
    start = next_start(pos)
    while start and (run := behind.match(text, start - 1)):
        start = next_start(run.end() + 1)
    return start


def _nowhere(pos: int) -> None:
    """No offset may start a match."""
    return


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


ENGINES = {"prefilter": PrefilterEngine, "reference": ReferenceEngine}
DEFAULT_ENGINE = "prefilter"


def build_engine(signatures: Iterable[CompiledSignature], name: str = DEFAULT_ENGINE) -> ReferenceEngine:
    return ENGINES[name](signatures)
