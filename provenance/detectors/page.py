"""What structural detectors look at: the non-blank lines of a document with their features.

Features are computed once per document (one pass over its lines), so every detector stays linear
in the number of lines. A detector yields ``Decision``s: whole-line runs with the reason, in words,
that the finding's message carries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import TypeVar

import re2
import regex

from provenance import accelerator
from provenance.detectors.needs import needs
from provenance.document import Document, Line
from provenance.engine import INLINE_FLAGS, Untranslatable, prefilter_source, starts_copy
from provenance.prescan import UNKNOWN_TO_RE2, known_to_re2, match_start, re2_options, starts_pattern
from provenance.rulemodels import Detector

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’_-]*")
# Quote marks, dashes and symbols of English web text (arrows and triangles of menus, box drawing of
# tables) that no pattern here reads as a letter, a number or a word character, and that case-fold
# to themselves (a test checks each).
_PLAIN_PUNCTUATION = "’‘“”–—…•·«»\u00a0©®™€£°′″›‹│►▶▼→↓§¶─┼"
_NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{_PLAIN_PUNCTUATION}]")
# _WORD on plain text, where \p{L} is [A-Za-z] and \p{N} is [0-9]: stdlib re scans it twice as fast.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’_-]*")
_KEY_WORD = regex.compile(r"\w+")
# A line ends a sentence in one of these marks, then only closing quotes and brackets.
_SENTENCE_MARKS, CLOSERS = ".!?…。！？;:", "\"'”’»)]"
_STATEMENT_MARKS = ".;:。"  # a line ends like a statement in one of these, then only closing marks
_BULLET = regex.compile(r"^(?:[-–—•*·▪►»]|\d{1,3}[.)])\s")
# Table cells, menu separators and breadcrumb arrows that join items on one line.
_SEPARATOR = regex.compile(r"\s[|•·»›/]\s|^\||\|$|\s[|]|[|]\s")
_SPACELESS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
# A line ending in one of these (``[,\-–(]$`` on a stripped line) goes on in the next: a hard wrap.
OPEN_ENDS = (",", "-", "–", "(")


# ASCII bytes that are \w lower-cased, every other byte a space: the key of an ASCII line in C.
_ASCII_KEY = bytes(ord(chr(c).lower()) if chr(c).isascii() and (chr(c).isalnum() or c == ord("_")) else 32
                   for c in range(256))


def plain(text: str) -> bool:
    """Whether ``text`` is ASCII but for ``_PLAIN_PUNCTUATION``: its words are ASCII words."""
    return text.isascii() or _NOT_PLAIN.search(text) is None


def line_key(text: str) -> str:
    """A line's words, case-folded: two lines with the same key say the same thing. (For plain text,
    where case-folding is lower-casing and a word character is one of ``[a-z0-9_]`` after it, the
    same key by ``bytes.translate``, the punctuation encoded as a non-word ``?``.)"""
    if plain(text):
        return _plain_key(text.encode("ascii", "replace"))
    return " ".join(_KEY_WORD.findall(text.casefold()))


def _plain_key(data: bytes) -> str:
    """``line_key`` of a plain text from its ASCII bytes (other characters as ``?``)."""
    return b" ".join(data.translate(_ASCII_KEY).split()).decode("ascii")


@dataclass(slots=True)
class LineInfo:
    """One non-blank line and the features detectors read. Built once per line and never changed,
    but not frozen: a frozen dataclass sets each field through ``object.__setattr__``, which more
    than doubles the cost of building one for every line of every document. The accelerator's
    ``plain_lines`` fills a plain line's slots in C, as ``__init__`` does, and checks that each field
    is a slot."""

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


@dataclass(slots=True)
class Decision:
    """Lines ``first``..``last`` (1-based, inclusive) are residue, for ``reason``. Not frozen, as
    ``LineInfo``: detectors make tens of thousands a corpus MB, and none is changed."""

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


# A document's line keys -> (documents of its group holding each line, documents in the group, what
# the group is: "outlet", "domain" or "corpus"): templates.py.
TemplateLookup = Callable[[list[str]], tuple[list[int], int, str]]
T = TypeVar("T")
_UNREAD = object()


@dataclass
class Page:
    """A document as detectors see it: non-blank lines, features, and what is already known."""

    doc: Document
    lines: list[LineInfo]
    language: str | None
    stopwords: frozenset[str] = frozenset()
    decided: set[int] = field(default_factory=set)  # replaced, never changed in place: title_lines keys on it
    kept: set[int] = field(default_factory=set)  # the text's own lines, whatever a detector says (keepers)
    templates: TemplateLookup | None = None
    stoplists: dict[str, frozenset[str]] = field(default_factory=dict)  # every language's, for ``infos``
    texts: list[str] = field(default_factory=list)  # each line's text, in order: for passes over all of them
    _titles: tuple = field(default=(), init=False, repr=False)  # title_lines' last: (decided, thresholds, lines)

    def infos(self, texts: list[tuple[int, str]]) -> list[LineInfo]:
        """``line_info`` of stripped texts that are not lines of the page (paragraphs joined from
        hard-wrapped lines), with the page's stop list; plain texts by the accelerator, as in
        ``build_page``."""
        if not texts or not _accelerates(self.stoplists):
            return [line_info(number, text, self.stopwords) for number, text in texts]
        index = stop_index(self.stoplists)
        scanned, _, _ = accelerator.fastpage.plain_scan([text for _, text in texts], index.table)
        language = index.languages.index(self.language) if self.language else -1
        lines = accelerator.fastpage.plain_lines([number for number, _ in texts], scanned, language, LineInfo)
        return [line if line is not None else line_info(number, text, self.stopwords)
                for (number, text), line in zip(texts, lines)]

    def title_lines(self, max_words: int, min_overlap: float) -> frozenset[int]:
        """The headline and, right after it, its echo: the page title is often followed by the
        article's own heading, a shorter or longer form of it ('Site: Storm hits coast', then 'Storm
        hits coast'). The echo is the next line that no rule decided, when it is title-like and at
        least ``min_overlap`` of its words are in the headline. Found once for detectors of one stage,
        which read the same ``decided`` lines with the same thresholds."""
        last = self._titles
        if not last or last[0] is not self.decided or last[1] != (max_words, min_overlap):
            last = self._titles = (self.decided, (max_words, min_overlap),
                                   frozenset(self._title_lines(max_words, min_overlap)))
        return last[2]

    def _title_lines(self, max_words: int, min_overlap: float) -> set[int]:
        """The headline is the first line no other rule called residue, when it is title-like: the
        article's headline, which context rules never remove (its later copies are repeated-line's).
        A headline may ask or exclaim ('What now?'), but does not end like a statement. The keys are
        split only for an echo that is title-like: the line after a headline is mostly a paragraph."""
        decided = self.decided
        index = next((i for i, line in enumerate(self.lines) if line.number not in decided), None)
        if index is None:
            return set()
        head = self.lines[index]
        if head.words > max_words or ends_statement(head.text):
            return set()
        if index + 1 >= len(self.lines):
            return {head.number}
        echo = self.lines[index + 1]
        if echo.number in decided or echo.words > max_words or ends_statement(echo.text):
            return {head.number}
        words = set(head.key.split())
        echo_words = echo.key.split()
        if not echo_words or sum(map(words.__contains__, echo_words)) < min_overlap * len(echo_words):
            return {head.number}
        return {head.number, echo.number}


def line_info(number: int, raw: str, stopwords: frozenset[str]) -> LineInfo:
    text = raw.strip()
    words = words_of(text)
    return _features(number, text, words, casefolded(words), stopwords)


def words_of(text: str) -> list[str]:
    """``_WORD.findall(text)``; a plain text by the stdlib pattern that means the same there."""
    return _PLAIN_WORD.findall(text) if plain(text) else _WORD.findall(text)


def casefolded(words: list[str]) -> list[str]:
    """Each word case-folded, in one ``str.casefold`` call: words hold no space, and no character
    folds to one, so the joined words fold and split back into the same words folded one by one."""
    return " ".join(words).casefold().split(" ") if words else []


def ends_statement(text: str) -> bool:
    """Whether a stripped line ends like a statement (``[.;:。]["'”’»)\\]]*$``), without a regex, as
    ``ends_sentence``: a headline is looked for on every page, and a regex call costs more."""
    bare = text.rstrip(CLOSERS)
    return bare[-1:] in _STATEMENT_MARKS and bare != ""


def ends_sentence(text: str) -> bool:
    """Whether a stripped line ends a sentence (``[.!?…。！？;:]["'”’»)\\]]*$``), without a regex:
    after the closing marks come off, a sentence mark is last (the two sets share no character)."""
    bare = text.rstrip(CLOSERS)
    return bare[-1:] in _SENTENCE_MARKS and bare != ""


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_ASCII_CAPITALS = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LETTERS = _ASCII_CAPITALS + bytes(range(ord("a"), ord("z") + 1))
_ASCII_DIGITS = b"0123456789"
_SEPARATOR_CHARS = "|•·»›/"  # one of them is in every _SEPARATOR match
_FIRST = itemgetter(0)


def _features(number: int, text: str, words: list[str], folded: list[str], stopwords: frozenset[str]) -> LineInfo:
    """A stripped line's features from its words (and their case-folded forms). Letters and digits
    are counted in C: the ASCII characters by ``bytes.translate`` (there, ``isalpha`` is ``[A-Za-z]``
    and ``isdigit`` ``[0-9]``), only the others one by one, and only they can belong to a script
    without spaces; a line with no separator character skips that search; the words' first letters
    are counted by C iterators, not a loop per word; an ASCII line's key comes from the bytes
    already encoded: the features are the same."""
    data = text.encode("ascii", "ignore")
    letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
    digits = len(data) - len(data.translate(None, _ASCII_DIGITS))
    spaceless = False
    ascii_text = len(data) == len(text)
    if not ascii_text:
        others = _ASCII_RUNS.sub("", text)
        letters += sum(map(str.isalpha, others))
        digits += sum(map(str.isdigit, others))
        spaceless = bool(_SPACELESS.search(others))
    stops = sum(map(stopwords.__contains__, folded))
    separators = any(c in text for c in _SEPARATOR_CHARS)
    return LineInfo(
        number=number, text=text, chars=len(text), words=len(words),
        letter_share=letters / len(text) if text else 0.0,
        digit_share=digits / len(text) if text else 0.0,
        sentence_end=ends_sentence(text),
        stop_share=stops / len(words) if words else 0.0,
        capital_share=_capital_share(words),
        separators=len(_SEPARATOR.findall(text)) if separators else 0,
        bullet=bool(_BULLET.match(text)),
        spaceless=spaceless,
        key=_plain_key(data) if ascii_text else line_key(text),
    )


def _capital_share(words: list[str]) -> float:
    """Of the words starting with a letter, the share starting with a capital; ASCII first letters
    are counted by ``bytes.translate`` (there, ``isalpha`` is ``[A-Za-z]`` and ``isupper`` ``[A-Z]``)."""
    initials = "".join(map(_FIRST, words))
    if initials.isascii():
        data = initials.encode("ascii")
        letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
        capitals = len(data) - len(data.translate(None, _ASCII_CAPITALS))
    else:
        alphabetic = "".join(filter(str.isalpha, initials))
        letters, capitals = len(alphabetic), sum(map(str.isupper, alphabetic))
    return capitals / letters if letters else 0.0


def likeliest_language(folded_words: list[list[str]], stoplists: dict[str, frozenset[str]]) -> str | None:
    """The stopword list with the most hits among the document's (case-folded) words; None if none hits."""
    languages = sorted(stoplists)
    best = _most_hit(_stop_hits(folded_words, stoplists, languages))
    return None if best is None else languages[best]


def _stop_hits(folded_words: Iterable[list[str]], stoplists: dict[str, frozenset[str]],
               languages: list[str]) -> list[int]:
    """For each of ``languages``, how many of the (case-folded) words are in its stop list."""
    counts = Counter(chain.from_iterable(folded_words))
    return [sum(map(counts.__getitem__, counts.keys() & stoplists[language])) for language in languages]


def _most_hit(hits: list[int]) -> int | None:
    """The index of the largest count, the first of equal ones; None when every count is 0."""
    best, best_hits = None, 0
    for index, count in enumerate(hits):
        if count > best_hits:
            best, best_hits = index, count
    return best


def build_page(doc: Document, stoplists: dict[str, frozenset[str]], templates: TemplateLookup | None = None) -> Page:
    """The non-blank lines with their features; each line's words are found and case-folded once, for
    the language guess (over all the document's words: no word spans a newline) and the stopword share.
    Plain lines go to the C accelerator when it is there, and so do lines whose other characters are
    Latin-1 letters that case-fold to one (``é``, ``Ü``; not ``ß``), or, when no stop word is left
    out of its stop table, letters of Central European, Cyrillic and Greek words, Chinese and
    Japanese characters (``_fastpage.c`` lists them): their words and keys are read there as ``_WORD``
    and ``line_key`` read them. The others, or all without it, go to Python."""
    numbers, texts = nonblank_texts(doc)
    if _accelerates(stoplists):
        language, stops, lines = _accelerated_lines(numbers, texts, stoplists)
    else:
        language, stops, lines = _python_lines(numbers, texts, stoplists)
    return Page(doc=doc, lines=lines, language=language, stopwords=stops, templates=templates, stoplists=stoplists,
                texts=texts)


def nonblank_texts(doc: Document) -> tuple[list[int], list[str]]:
    """The numbers and stripped texts of the document's non-blank lines: by the accelerator's
    ``nonblank_texts`` where it is there (every line of every document is read), else by
    ``python_nonblank_texts``, its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.nonblank_texts(doc.lines, Line)
    return python_nonblank_texts(doc)


def python_nonblank_texts(doc: Document) -> tuple[list[int], list[str]]:
    texts = [(line.number, text) for line in doc.lines if (text := line.text.strip())]
    return [number for number, _ in texts], [text for _, text in texts]


def ending_with(texts: list[str], strip: str, endings: tuple[str, ...]) -> list[int]:
    """The indexes of the texts that end in one of ``endings`` once ``strip``'s characters are taken
    off their end: by the accelerator's ``ending_with`` where it is there (detectors ask it of every
    line, and nearly every line fails), else by ``python_ending_with``, its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.ending_with(texts, strip, endings)
    return python_ending_with(texts, strip, endings)


def python_ending_with(texts: list[str], strip: str, endings: tuple[str, ...]) -> list[int]:
    return [i for i, text in enumerate(texts) if text.rstrip(strip).endswith(endings)]


def titled_lines(lines: list[LineInfo], min_chars: int, max_words: int) -> list[int]:
    """The indexes of the lines that may be titles: a key of at least ``min_chars`` characters, at
    most ``max_words`` words, no sentence end. By the accelerator's ``titled_lines`` where it is there
    (teaser-block and repeated-line ask it of every line), else by ``python_titled_lines``, its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.titled_lines(lines, LineInfo, min_chars, max_words)
    return python_titled_lines(lines, min_chars, max_words)


def python_titled_lines(lines: list[LineInfo], min_chars: int, max_words: int) -> list[int]:
    return [i for i, x in enumerate(lines) if len(x.key) >= min_chars and x.words <= max_words and not x.sentence_end]


def _accelerates(stoplists: dict[str, frozenset[str]]) -> bool:
    """Whether plain lines go to the accelerator: it is there, and counts that many stop lists."""
    return accelerator.fastpage is not None and len(stoplists) <= accelerator.fastpage.MAX_LANGUAGES


def _python_lines(numbers: list[int], texts: list[str], stoplists: dict[str, frozenset[str]]):
    words = [words_of(text) for text in texts]
    folded = [casefolded(line_words) for line_words in words]
    language = likeliest_language(folded, stoplists)
    stops = stoplists.get(language, frozenset()) if language else frozenset()
    lines = [_features(number, text, line_words, line_folded, stops)
             for number, text, line_words, line_folded in zip(numbers, texts, words, folded)]
    return language, stops, lines


@dataclass(frozen=True)
class _StopIndex:
    """The stop lists as the accelerator reads them: a C table of each case-folded stop word -> a bit
    mask of the lists holding it, bit i for the i-th language in sorted order (``likeliest_language``'s
    order)."""

    stoplists: dict[str, frozenset[str]]
    languages: list[str]
    table: object  # accelerator.fastpage.stop_table's


_last_stop_index: list[_StopIndex] = []  # one rule set per process: the last index built is kept


def stop_index(stoplists: dict[str, frozenset[str]]) -> _StopIndex:
    """The index of ``stoplists``, built once for the same dict (the rule set's memo hands out one)."""
    if not _last_stop_index or _last_stop_index[0].stoplists is not stoplists:
        languages = sorted(stoplists)
        masks: dict[str, int] = {}
        for bit, language in enumerate(languages):
            for word in stoplists[language]:
                masks[word] = masks.get(word, 0) | 1 << bit
        _last_stop_index[:] = [_StopIndex(stoplists, languages, accelerator.fastpage.stop_table(masks, len(languages)))]
    return _last_stop_index[0]


def _accelerated_lines(numbers: list[int], texts: list[str], stoplists: dict[str, frozenset[str]]):
    """``_python_lines`` with the plain lines' features from C; the other lines' words are found and
    counted here, and the language is picked as ``likeliest_language`` does, over all lines. The
    other lines' features take their places (``plain_lines``' None) in the list, without a pass over
    all the lines."""
    index = stop_index(stoplists)
    scanned, hits, others_at = accelerator.fastpage.plain_scan(texts, index.table)
    others = {i: words_of(texts[i]) for i in others_at}
    folded = {i: casefolded(words) for i, words in others.items()}
    if folded:
        hits = [n + extra for n, extra in zip(hits, _stop_hits(folded.values(), stoplists, index.languages))]
    best = _most_hit(hits)
    language = index.languages[best] if best is not None else None
    stops = stoplists[language] if language else frozenset()
    lines = accelerator.fastpage.plain_lines(numbers, scanned, -1 if best is None else best, LineInfo)
    for i, words in others.items():
        lines[i] = _features(numbers[i], texts[i], words, folded[i], stops)
    return language, stops, lines


class Params:
    """A detector's thresholds, read from its rule; a missing one is a rule error, not a silent default."""

    def __init__(self, rule: Detector):
        self.rule = rule
        self._read: dict[Callable, object] = {}

    def once(self, read: Callable[[Params], T]) -> T:
        """``read(self)``, computed on the first call only: a detector runs on every document, and its
        thresholds, read from the rule and converted, are the same for all of them (the analyzer
        keeps one ``Params`` per rule). A read that fails is not kept: it fails again, naming the rule."""
        value = self._read.get(read, _UNREAD)
        if value is _UNREAD:
            value = self._read[read] = read(self)
        return value

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

    def pattern(self, key: str) -> Screened:
        """A ``*_pattern`` param, compiled once per process: detectors run on every document (the rule
        loader has already checked that it compiles)."""
        return _compiled(self.words(key)[0])


class Screened:
    """A ``*_pattern`` param's ``regex`` pattern, searched only in texts an RE2 copy of it matches.

    Detectors search their patterns on most lines of every document, and ``regex`` backtracks: on a
    line without a match, ``\\p{L}.*\\d`` is tried from every letter, to the end and back. The copy
    (``engine.prefilter_source``, searched with ``(?m)``) accepts every text the pattern accepts and
    reads a text in one linear pass, so where it finds nothing ``search`` answers None at once, and
    elsewhere ``regex`` gives the match: ``search`` returns what ``regex``'s search returns. Without a
    copy (RE2 cannot read the pattern, or it sets inline flags, which in ``regex`` reach the whole
    pattern) or for a text RE2 cannot read (lone surrogates have no UTF-8), ``regex`` searches alone.
    An RE2 Set holds the copy after a sentinel that matches every text: the Set is the cheapest RE2
    search to call, and the sentinel missing from its answer (a DFA out of memory) sends the text to
    ``regex`` too. Characters newer than RE2's Unicode tables are in no class there (``regex``'s tables
    are newer): a third pattern of the Set finds them, and a text holding one goes to ``regex`` as
    well. A pattern that opens with ``^`` and has no alternative is tried at the start of a text only,
    where ``regex`` answers faster than the screen: it has no copy. The Set is called through
    google-re2's private ``_set.Match``, as ``prescan.match_start`` calls a regexp: the public
    wrapper is a Python frame around it, and detectors screen about one text a line.

    Where the copy matches (and only it: no character unknown to RE2), ``regex`` searches from where
    the copy's leftmost match begins (``_locator``, one more linear RE2 search): every match of the
    pattern is one of the copy's, so none begins earlier, and ``regex``, started there with the whole
    text as its context, finds the same match without trying the positions before it, where
    ``\\p{L}.*\\d`` would run to the end of the text and back from each letter.

    Before either engine, a text must hold the characters every match holds and end as every match
    ends (``needs.needs``: ``'Sports (245)'``'s pattern needs a ``(`` and a closing ``)``), which
    ``str`` tests tell in a fraction of a regex call."""

    _NOTHING = [0]  # the Set's answer when only the sentinel matched
    _SCANNED_FROM = 9  # found_in's texts: fewer are searched one by one, which costs less (measured)
    _COPY_ONLY = [0, 1]  # the copy matched, and the text holds no character unknown to RE2

    def __init__(self, source: str):
        self.pattern = regex.compile(source)
        self._copy, self._locator = self._screen(source)
        self._lines_scan = starts_copy(source) if self._copy is not None else None  # found_in's, as the screen's
        clauses, tail = needs(source)
        self._needs = [(clause, None if len(clause) == 1 else re.compile(f"[{re.escape(clause)}]").search)
                       for clause in clauses]
        self._ends = tuple(end for c in tail for end in (c, c + "\n"))  # $ matches before a last newline too
        if self._copy is None and not self._needs and not self._ends:
            self.search = self.pattern.search  # nothing to screen: regex's own, without a call around it

    @classmethod
    def _screen(cls, source: str) -> tuple[Callable[[bytes], list[int]] | None, re2._Regexp | None]:
        if INLINE_FLAGS.search(source) or (source.startswith("^") and "|" not in source):
            return None, None
        try:
            copy = f"(?m)(?:{prefilter_source(source)})"
            screen = re2.Set.SearchSet(re2_options())
            screen.Add(r"\A")
            screen.Add(copy)
            screen.Add(UNKNOWN_TO_RE2)
            screen.Compile()
            return screen._set.Match, starts_pattern(copy)
        except (Untranslatable, re2.error):
            return None, None

    def found_in(self, texts: list[str]) -> list[bool]:
        """Whether ``search`` finds a match in each of ``texts``, which hold no newline: only in those
        that hold the characters every match needs, and among many texts, ``regex`` searches only
        those where ``_candidates`` says a match may be, from where it may begin."""
        if not self._needs and not self._ends:
            return self._found_in(texts)
        holding = self._holding(texts)
        found = [False] * len(texts)
        for i, hit in zip(holding, self._found_in([texts[i] for i in holding])):
            found[i] = hit
        return found

    def _holding(self, texts: list[str]) -> list[int]:
        """The indexes of ``texts`` that end as the pattern's matches need and hold a character of each
        of its clauses (``needs``)."""
        ends = self._ends
        holding: Iterable[int] = range(len(texts))
        if ends:
            holding = ending_with(texts, "", ends)
        for clause, holds in self._needs:
            if holds is None:
                holding = [i for i in holding if clause in texts[i]]
            else:
                holding = [i for i in holding if holds(texts[i]) is not None]
        return list(holding)

    def _holds_needs(self, text: str) -> bool:
        return (not self._ends or text.endswith(self._ends)) and all(
            clause in text if holds is None else holds(text) is not None for clause, holds in self._needs)

    def _found_in(self, texts: list[str]) -> list[bool]:
        candidates = self._candidates(texts) if len(texts) >= self._SCANNED_FROM else None
        if candidates is None:
            return [self._searched(text) is not None for text in texts]
        found = [False] * len(texts)
        search = self.pattern.search
        for i, start in candidates:
            found[i] = search(texts[i], start) is not None
        return found

    def _candidates(self, texts: list[str]) -> list[tuple[int, int]] | None:
        """The indexes of ``texts`` that may hold a match, each with the offset where its first match
        may begin, from one RE2 scan of all of them joined by newlines; None when they cannot be
        scanned so (no copy, no UTF-8, a character unknown to RE2, a text holding a newline).

        A match in a text alone is a match of the copy there, which the copy, with ``(?m)``, also
        makes in the joined texts: the copy holds no ``\\A`` or ``\\z`` (``prefilter_source`` declines
        them) and no ``\\b``, and its ``^`` and ``$`` read the newline beside a text as they read the
        text's edge. So the copy's leftmost match at or after a text's start begins no later than the
        first match in any text from there on: no text before the one where it begins holds a match,
        and in that one, none begins before it (as in ``_first_start``). The scan goes on from the
        next text's start."""
        if self._lines_scan is None:
            return None
        try:
            data = "\n".join(texts).encode("utf-8")
        except UnicodeEncodeError:
            return None
        if data.count(b"\n") != len(texts) - 1 or not known_to_re2(data):
            return None
        out: list[tuple[int, int]] = []
        index, counted, end = 0, 0, len(data)
        while (start := match_start(self._lines_scan, data, counted, end)) >= 0:
            index += data.count(b"\n", counted, start)
            line_start = data.rfind(b"\n", counted, start) + 1 or counted
            out.append((index, _characters(texts[index], data, line_start, start)))
            counted = data.find(b"\n", start) + 1
            if counted == 0:
                break
            index += 1
        return out

    def search(self, text: str) -> regex.Match | None:
        if (self._needs or self._ends) and not self._holds_needs(text):
            return None
        return self._searched(text)

    def _searched(self, text: str) -> regex.Match | None:
        """``search`` in a text that holds what every match needs (``found_in`` screens its texts
        all at once, and ``search`` one by one)."""
        if self._copy is None:
            return self.pattern.search(text)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return self.pattern.search(text)
        answer = self._copy(data)
        if answer == self._NOTHING:
            return None
        return self.pattern.search(text, self._first_start(text, data) if answer == self._COPY_ONLY else 0)

    def _first_start(self, text: str, data: bytes) -> int:
        """Where in ``text`` (``data`` its UTF-8) the copy's leftmost match begins; 0 if it has none.
        A byte offset inside a character (never seen) counts from that character's start."""
        start = match_start(self._locator, data, 0, len(data))
        if start <= 0:
            return 0
        return start if len(data) == len(text) else len(data[:start].decode("utf-8", "ignore"))


def _characters(text: str, data: bytes, begin: int, at: int) -> int:
    """The offset in ``text``, whose UTF-8 starts at ``data[begin]``, of the character at ``data[at]``."""
    return at - begin if text.isascii() else len(data[begin:at].decode("utf-8", "ignore"))


@lru_cache(maxsize=None)
def _compiled(source: str) -> Screened:
    return Screened(source)
