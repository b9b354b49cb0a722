"""What structural detectors look at: the non-blank lines of a document with their features.

Features are computed once per document (one pass over its lines), so every detector stays linear
in the number of lines. A detector yields ``Decision``s: whole-line runs with the reason, in words,
that the finding's message carries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from provenance.document import Document
from provenance.rulemodels import Detector

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’_-]*")
_KEY_WORD = regex.compile(r"\w+")
_SENTENCE_END = regex.compile(r"[.!?…。！？;:][\"'”’»)\]]*$")
_STATEMENT_END = regex.compile(r"[.;:。][\"'”’»)\]]*$")
_BULLET = regex.compile(r"^(?:[-–—•*·▪►»]|\d{1,3}[.)])\s")
# Table cells, menu separators and breadcrumb arrows that join items on one line.
_SEPARATOR = regex.compile(r"\s[|•·»›/]\s|^\||\|$|\s[|]|[|]\s")
_SPACELESS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")


# ASCII bytes that are \w once lower-cased kept, every other byte a space: the key of an ASCII line in C.
_ASCII_KEY = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == ord("_")) and not chr(c).isupper() else 32
                   for c in range(256))


def line_key(text: str) -> str:
    """A line's words, case-folded: two lines with the same key say the same thing. (For ASCII, where
    case-folding is lower-casing and a word character is one of ``[a-z0-9_]`` after it, the same key
    by ``bytes.translate``.)"""
    if text.isascii():
        return b" ".join(text.encode("ascii").lower().translate(_ASCII_KEY).split()).decode("ascii")
    return " ".join(_KEY_WORD.findall(text.casefold()))


@dataclass(frozen=True, slots=True)
class LineInfo:
    """One non-blank line and the features detectors read."""

    number: int
    text: str
    chars: int
    words: int
    letter_share: float
    digit_share: float
    sentence_end: bool
    stop_share: float
    capital_share: float
    separators: int
    bullet: bool
    spaceless: bool
    key: str  # line_key(text), read many times by the repetition detectors


@dataclass(frozen=True, slots=True)
class Decision:
    """Lines ``first``..``last`` (1-based, inclusive) are residue, for ``reason``."""

    first: int
    last: int
    reason: str


def runs(numbers: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Ascending line numbers as (first, last) runs of consecutive ones: a blank line between two
    lines breaks their run."""
    start = prev = None
    for n in numbers:
        if prev is not None and n != prev + 1:
            yield start, prev
            start = None
        start = n if start is None else start
        prev = n
    if prev is not None:
        yield start, prev


TemplateLookup = Callable[[str], tuple[int, int]]


@dataclass
class Page:
    """A document as detectors see it: non-blank lines, features, and what is already known."""

    doc: Document
    lines: list[LineInfo]
    language: str | None
    stopwords: frozenset[str] = frozenset()
    decided: set[int] = field(default_factory=set)
    kept: set[int] = field(default_factory=set)  # the text's own lines, whatever a detector says (keepers)
    templates: TemplateLookup | None = None

    def headline(self, max_words: int) -> int | None:
        """The first line no other rule called residue, when it is title-like: the article's headline,
        which context rules never remove (its later copies are repeated-line's). A headline may ask
        or exclaim ('What now?'), but does not end like a statement."""
        first = next((line for line in self.lines if line.number not in self.decided), None)
        if first is None or first.words > max_words or _STATEMENT_END.search(first.text):
            return None
        return first.number

    def title_lines(self, max_words: int, min_overlap: float) -> set[int]:
        """The headline and, right after it, its echo: the page title is often followed by the
        article's own heading, a shorter or longer form of it ('Site: Storm hits coast', then 'Storm
        hits coast'). The echo is the next line that no rule decided, when it is title-like and at
        least ``min_overlap`` of its words are in the headline."""
        first = self.headline(max_words)
        if first is None:
            return set()
        index = next(i for i, line in enumerate(self.lines) if line.number == first)
        if index + 1 >= len(self.lines):
            return {first}
        head, echo = self.lines[index], self.lines[index + 1]
        words = set(head.key.split())
        echo_words = echo.key.split()
        if (echo.number in self.decided or echo.words > max_words or _STATEMENT_END.search(echo.text)
                or not echo_words or sum(w in words for w in echo_words) < min_overlap * len(echo_words)):
            return {first}
        return {first, echo.number}


def line_info(number: int, raw: str, stopwords: frozenset[str]) -> LineInfo:
    text = raw.strip()
    words = _WORD.findall(text)
    return _features(number, text, words, [w.casefold() for w in words], stopwords)


_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_ASCII_DIGITS = b"0123456789"
_SEPARATOR_CHARS = "|•·»›/"  # one of them is in every _SEPARATOR match


def _features(number: int, text: str, words: list[str], folded: list[str], stopwords: frozenset[str]) -> LineInfo:
    """A stripped line's features from its words (and their case-folded forms). ASCII lines, the
    usual case, count letters and digits in C (``bytes.translate``) and skip the scripts without
    spaces; a line with no separator character skips that search: the features are the same."""
    if text.isascii():
        data = text.encode("ascii")
        letters = len(text) - len(data.translate(None, _ASCII_LETTERS))
        digits = len(text) - len(data.translate(None, _ASCII_DIGITS))
        spaceless = False
    else:
        letters, digits = sum(map(str.isalpha, text)), sum(map(str.isdigit, text))
        spaceless = bool(_SPACELESS.search(text))
    alpha_words = [w for w in words if w[0].isalpha()]
    stops = sum(map(stopwords.__contains__, folded))
    separators = any(c in text for c in _SEPARATOR_CHARS)
    return LineInfo(
        number=number, text=text, chars=len(text), words=len(words),
        letter_share=letters / len(text) if text else 0.0,
        digit_share=digits / len(text) if text else 0.0,
        sentence_end=bool(_SENTENCE_END.search(text)),
        stop_share=stops / len(words) if words else 0.0,
        capital_share=sum(w[0].isupper() for w in alpha_words) / len(alpha_words) if alpha_words else 0.0,
        separators=len(_SEPARATOR.findall(text)) if separators else 0,
        bullet=bool(_BULLET.match(text)),
        spaceless=spaceless,
        key=line_key(text),
    )


def likeliest_language(folded_words: list[list[str]], stoplists: dict[str, frozenset[str]]) -> str | None:
    """The stopword list with the most hits among the document's (case-folded) words; None if none hits."""
    counts = Counter(w for words in folded_words for w in words)
    best, best_hits = None, 0
    for language, stops in sorted(stoplists.items()):
        hits = sum(n for w, n in counts.items() if w in stops)
        if hits > best_hits:
            best, best_hits = language, hits
    return best


def build_page(doc: Document, stoplists: dict[str, frozenset[str]], templates: TemplateLookup | None = None) -> Page:
    """The non-blank lines with their features; each line's words are found and case-folded once, for
    the language guess (over all the document's words: no word spans a newline) and the stopword share."""
    texts = [(line.number, text) for line in doc.lines if (text := line.text.strip())]
    words = [_WORD.findall(text) for _, text in texts]
    folded = [[w.casefold() for w in line_words] for line_words in words]
    language = likeliest_language(folded, stoplists)
    stops = stoplists.get(language, frozenset()) if language else frozenset()
    lines = [_features(number, text, line_words, line_folded, stops)
             for (number, text), line_words, line_folded in zip(texts, words, folded)]
    return Page(doc=doc, lines=lines, language=language, stopwords=stops, templates=templates)


class Params:
    """A detector's thresholds, read from its rule; a missing one is a rule error, not a silent default."""

    def __init__(self, rule: Detector):
        self.rule = rule

    def _get(self, key: str):
        if key not in self.rule.params:
            raise KeyError(f"{self.rule.id}: detector '{self.rule.detector}' needs params.{key}")
        return self.rule.params[key]

    def int(self, key: str) -> int:
        return int(self._get(key))

    def float(self, key: str) -> float:
        return float(self._get(key))

    def bool(self, key: str) -> bool:
        return bool(self._get(key))

    def words(self, key: str) -> list[str]:
        value = self._get(key)
        return [value] if isinstance(value, str) else list(value)

    def pattern(self, key: str) -> regex.Pattern:
        """A ``*_pattern`` param, compiled once per process: detectors run on every document (the rule
        loader has already checked that it compiles)."""
        return _compiled(self.words(key)[0])


@lru_cache(maxsize=None)
def _compiled(source: str) -> regex.Pattern:
    return regex.compile(source)
