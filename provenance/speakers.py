"""Speaker attribution: who said each quotation, from the words around it.

A speaker is a phrase next to a speech verb: after the quotation ("…,” Qin said / “…,” said Wang),
before it in the same sentence (Wang said: “…” / he said that “…” / according to X, “…”), or at the
end of the previous paragraph when it ends with a colon. The phrase itself is read token by token
from the verb outwards, so titles and roles stay with the name ("Chinese Foreign Minister Wang Yi",
"Foreign Ministry spokesperson Wang Wenbin", "Mr. Lavrov") and dates or conjunctions never become
speakers. Every word list comes from ``rules/attribution/lexicons.toml``. When the words around a
quotation do not fit these shapes no speaker is given: a wrong speaker is worse than none.
"""

from __future__ import annotations

import re
import string
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import re2
import regex

from provenance import accelerator
from provenance.document import cached_attribute
from provenance.prescan import finditer_where, match_offsets, starts_pattern
from provenance.report import Span
from provenance.rulepack import RuleSet

_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}’'&.-]*")
_INITIALS = regex.compile(r"(?:\p{L}\.)+")
_SPACE_ONLY = regex.compile(r"[ \t\u00a0]+")
_SUBJECT_GAP = regex.compile(r"[ \t\u00a0]+|/")  # between the words of a would-be speaker (the 24/7 ferry pilot)
_LEAD_IN = regex.compile(r"[\s,;:—–-]*")
_SENTENCE_TAIL = regex.compile(r"[”’\"')\]\s]*", regex.REVERSE)  # what follows a sentence's last mark
_TRAILING_PARENTHESIS = regex.compile(r"\s*\([^()“”\"]{1,30}\)\s*$")
_ASIDE_OPENER = regex.compile(r"\p{Ll}|\p{N}|[RDI]-\p{Lu}")
_TRAILING_WORDS = regex.compile(r"\s*$")
_DASH_SIGNATURE = regex.compile(r"\s*[―—–]\s*(?P<name>\p{Lu}[\p{L}.’'-]*(?:\s+\p{Lu}[\p{L}.’'-]*){0,3})\s*$")
# ``_DASH_SIGNATURE`` after a plain hyphen with spaces after it, the name on one line
_HYPHEN_SIGNATURE = regex.compile(
    r"[ \t\u00a0]*-[ \t\u00a0]+(?P<name>\p{Lu}[\p{L}.’'-]*(?:[ \t\u00a0]+\p{Lu}[\p{L}.’'-]*){0,3})\s*$")
_SENTENCE_MARK = regex.compile(r"[.!?…][\s'\"’”]*$")  # a quotation's words ending a sentence
_ASIDE = regex.compile(r",[^“”\"‘’«»\n]{1,120},\s*(?:\p{Ll}+\s+){0,2}")
# ``_ASIDE`` where an apostrophe after a letter is a possessive's (the port’s director, Sanders’ aide)
_POSSESSIVE_ASIDE = regex.compile(r",(?:[^“”\"‘’«»\n]|(?<=\p{L})’){1,120},\s*(?:\p{Ll}+\s+){0,2}")
_APPOSITION = regex.compile(r",[ \t]*([^,“”\"‘«»\n]{1,60}),[ \t]*$")  # ``, Ana Lima,`` before the verb
_APOSTROPHES, _APOSTROPHE_S = ("’", "'"), ("’s", "'s")  # a possessive's endings (China’s, the players')
_SHORT_ABBREVIATION = regex.compile(r"\p{Lu}\p{Ll}{0,3}\.")
_CLOSING_SENTENCE = regex.compile(r"(?:\s+[\p{L}.’'-]+){0,6}?\s*[.!?]")
_OPEN_ENDED = ",!?—–-…:;"
_TAIL_BREAK = regex.compile(r"[;:()—–“”\"‘«»]")  # what never follows a trailing attribution (but commas, apostrophes)
_SENTENCE_CLOSE = regex.compile(r"\.[”’\"')\]]*\s*$")  # a paragraph's last sentence ending on a full stop
MAX_VERBS_BACK = 2  # speech verbs tried, nearest first, before a quotation
MAX_OBJECT = 4  # words of the object after a verb naming who was spoken to (told the harbour council)
MAX_DESCRIBING = 3  # lowercase words describing a speaker before the phrase its reader keeps (former senator)
MAX_LOWERCASE_AFTER = 3  # lowercase words in a row in a speaker phrase after its verb (said a senior party official)
MAX_HEADED_AFTER = 5  # as many, when a role or an unnamed source closes them (said a former senior police official)
MAX_SUBJECT = 8  # words of a would-be speaker between a quotation and its verb (the father of two replied)
WINDOW = 160  # how far from a quotation (characters) its speaker may be


@dataclass(frozen=True)
class Lexicons:
    """The word lists, compiled once per rule set."""

    verb: re.Pattern
    verb_starts: re2._Regexp | None  # the verbs' first words: every match of ``verb`` starts with one
    verb_groups: dict[str, tuple[str, ...]] | None  # ``_verb_groups``, as the accelerator tries ``verb``
    according: regex.Pattern
    pronouns: frozenset[str]
    roles: frozenset[str]
    not_names: frozenset[str]
    adverbs: frozenset[str]
    determiners: frozenset[str]
    stops: frozenset[str]
    prepositions: frozenset[str]
    bare_heads: frozenset[str]
    clause_openers: frozenset[str]
    links: frozenset[str]
    connectors: frozenset[str]
    tails: frozenset[str]  # what may follow an attribution closing its sentence (lexicon ``attribution-tails``)
    addressee_verbs: frozenset[str]  # verbs whose object names who was spoken to (lexicon ``addressee-verbs``)
    ordinals: frozenset[str]  # what may describe a speaker after a determiner (lexicon ``speaker-ordinals``)
    phrase_words: tuple[frozenset[str], ...]  # the sets the accelerator's phrase reader asks (``_PHRASE_WORDS``)
    abbreviations: tuple[str, ...]  # a period after one ends no sentence (lexicon ``sentence-abbreviations``)
    sentence_end: regex.Pattern  # ``_sentence_end`` of the abbreviations


def _words(rules: RuleSet, name: str) -> frozenset[str]:
    return frozenset(w.lower() for w in rules.lexicon(name))


def _verb_groups(verbs: list[str]) -> dict[str, tuple[str, ...]]:
    """The verbs by their first character, each group longest first (ties in the given order)."""
    groups: dict[str, list[str]] = {}
    for verb in sorted(verbs, key=len, reverse=True):
        groups.setdefault(verb[:1], []).append(verb)
    return {first: tuple(group) for first, group in groups.items()}


def _verb_alternation(verbs: list[str]) -> str:
    """The verbs, longest first, as an alternation grouped by first character (``s(?:aid|ays)|t(?:old)``),
    so that at each word start the engine tries one group, not every verb: the same matches as the
    flat alternation, since verbs that differ in their first character never compete, and within a
    group the order is kept. About three times faster to scan."""
    def escaped(text: str) -> str:
        return re.escape(text).replace(r"\ ", r"\s+")

    return "|".join(f"{escaped(first)}(?:{'|'.join(escaped(v[1:]) for v in group)})"
                    for first, group in _verb_groups(verbs).items())


def _first_words(verbs: list[str]) -> re2._Regexp | None:
    """The verbs' first words as one RE2 alternation (case-sensitive, as the verb pattern is): every
    match of the verb pattern begins with one. None when a verb is empty: a match may begin anywhere.

    A verb never follows a word character or a hyphen (``(?<![\\w-])``), so where its first word
    opens with an ASCII letter or digit, RE2's ``\\b`` (whose word characters are ASCII) holds
    before it: no verb is missed, and first words inside words (essays, denotes, masks: a third of
    the places they are found) are never tried."""
    if not all(verbs):
        return None
    return starts_pattern("|".join(_bounded(v.split(" ")[0]) for v in verbs))


def _bounded(word: str) -> str:
    return rf"\b{re.escape(word)}" if word[0].isascii() and (word[0].isalnum() or word[0] == "_") else re.escape(word)


def source_phrase(phrase: str) -> str:
    """A source phrase (lexicon ``source-phrases``, such as ``according to``) as a pattern: its words
    apart by any run of spaces."""
    return r"\s+".join(regex.escape(word) for word in phrase.split())


def _source_phrases(phrases: list[str]) -> regex.Pattern:
    """Any source phrase, in any case, with no letter on either side; with none (the lexicon turned
    off), a pattern that never matches."""
    alternation = "|".join(source_phrase(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)"
    return regex.compile(rf"(?<!\p{{L}})(?:{alternation})(?!\p{{L}})", regex.IGNORECASE)


def _sentence_end(abbreviations: tuple[str, ...]) -> regex.Pattern:
    """A sentence ends at ! ? … or a period that does not end a single capital (J.) or one of the
    ``abbreviations`` (Mr., U.S.), then closing marks and space before a capital or a digit. One
    pattern, the abbreviation a lookbehind: a search for it after every match cost as much again as
    the scan."""
    written = "".join(f"|\\b{regex.escape(a)}" for a in abbreviations)
    return regex.compile(
        rf"(?:\.(?<!(?:\b\p{{Lu}}{written})\.)|[!?…])[”’\"')\]]*\s+(?=[“‘\"'(\[]?[\p{{Lu}}\p{{N}}])", regex.V1)


def compile_lexicons(rules: RuleSet) -> Lexicons:
    verbs = [" ".join(v.split()) for v in rules.lexicon("speech-verbs")]
    abbreviations = tuple(rules.lexicon("sentence-abbreviations"))
    words = {
        "pronouns": _words(rules, "pronouns"),
        "roles": _words(rules, "role-words"),
        "not_names": _words(rules, "not-names"),
        "adverbs": frozenset(w for w in _words(rules, "speech-adverbs") if " " not in w),
        "determiners": _words(rules, "determiners"),
        "stops": _words(rules, "phrase-stops"),
        "prepositions": _words(rules, "prepositions"),
        "bare_heads": _words(rules, "anonymous-sources") | _words(rules, "vague-sources") | _words(rules, "organisation-words"),
        "clause_openers": _words(rules, "clause-openers"),
        "links": _words(rules, "phrase-links"),
        "connectors": _words(rules, "name-connectors"),
        "tails": _words(rules, "attribution-tails"),
        "addressee_verbs": _words(rules, "addressee-verbs"),
        "ordinals": _words(rules, "speaker-ordinals"),
    }
    return Lexicons(
        # the standard library's engine scans a plain alternation about twice as fast as ``regex``
        verb=re.compile(rf"(?<![\w-])(?:{_verb_alternation(verbs)})(?![\w-])"),
        verb_starts=_first_words(verbs),
        verb_groups=_verb_groups(verbs) if all(verbs) else None,
        according=_source_phrases(rules.lexicon("source-phrases")),
        phrase_words=tuple(words[name] for name in _PHRASE_WORDS),
        abbreviations=abbreviations,
        sentence_end=_sentence_end(abbreviations),
        **words,
    )


# The word sets of ``Lexicons.phrase_words``, in the order the accelerator reads them (``PHRASE_*``
# in provenance/_fastpage.c).
_PHRASE_WORDS = ("adverbs", "pronouns", "determiners", "links", "roles", "not_names", "prepositions", "connectors",
                 "stops", "clause_openers", "bare_heads", "ordinals")


@dataclass(slots=True)
class Token:
    """A word of the text. Never changed, but not frozen: a frozen dataclass sets each field through
    ``object.__setattr__``, which triples the cost of building one for every word read."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


class _CharClasses(dict):
    r"""What a character is, as the C accelerator's readers of words, names and sentences ask beyond
    ASCII: bits for \p{L}, \p{N}, \p{Lu}, \p{Ll} and \w (``TOKEN_*`` in provenance/_fastpage.c),
    each character judged by ``regex`` once, so the accelerator reads Unicode as the patterns here do."""

    def __missing__(self, ch: str) -> int:
        self[ch] = sum(bit for bit, pattern in _CLASS_BITS if pattern.match(ch))
        return self[ch]


_CLASS_BITS = tuple((1 << k, regex.compile(p)) for k, p in enumerate((r"\p{L}", r"\p{N}", r"\p{Lu}", r"\p{Ll}", r"\w")))
_CHAR_CLASSES = _CharClasses()


def _tokens(text: str, lo: int, hi: int) -> list[Token]:
    """Words of ``text[lo:hi]``; a sentence's final period is not part of its last word. Read by the
    C accelerator where it is built (``accelerator.fastpage``, looked up on each use: tests switch it off)."""
    if accelerator.fastpage is not None and 0 <= lo and hi <= len(text):
        return accelerator.fastpage.speaker_tokens(text, lo, hi, _CHAR_CLASSES, Token)
    return _tokens_python(text, lo, hi)


def _tokens_python(text: str, lo: int, hi: int) -> list[Token]:
    """``_tokens``, the accelerator's reference."""
    out = []
    for m in _TOKEN.finditer(text, lo, hi):
        word, start = m.group(), m.start()
        if word.endswith(".") and not _INITIALS.fullmatch(word) and not _SHORT_ABBREVIATION.fullmatch(word):
            word = word.rstrip(".")
        out.append(Token(word, start, start + len(word)))
    return out


def _joined(text: str, left: Token, right: Token | Span) -> bool:
    """Whether only spaces lie between two tokens (no comma, dash or quote mark)."""
    return _SPACE_ONLY.fullmatch(text, left.end, right.start) is not None


@dataclass(slots=True)
class Cue:
    """A speech verb (or ``according to``) found in the text (not frozen, as ``Token`` is not)."""

    start: int
    end: int
    text: str


_ASCII_WORD = re.compile(r"[0-9A-Za-z_]+")


@dataclass(frozen=True)
class WordPlaces:
    """Where any of some words begins with no ASCII word character before it, as RE2's ``\\b``
    finds the verbs' first words (``_first_words``): one RE2 scan serves the speech verbs and the
    relay detector's verbs alike. Every word is ASCII letters, digits and underscores, so no match
    holds a place where another begins: the matches' starts are all the places."""

    pattern: re.Pattern
    starts: re2._Regexp
    table: bytes | None  # the accelerator's (``place_table``), if it can read the words

    @classmethod
    def of(cls, words: Iterable[str]) -> WordPlaces | None:
        """None when a word is empty or holds another character: then no scan is shared."""
        longest_first = sorted(set(words), key=len, reverse=True)
        if not longest_first or not all(_ASCII_WORD.fullmatch(w) for w in longest_first):
            return None
        alternation = "|".join(re.escape(w) for w in longest_first)
        return cls(re.compile(rf"(?<![0-9A-Za-z_])(?:{alternation})"), starts_pattern(rf"\b(?:{alternation})"),
                   place_table(longest_first))

    @property
    def by_accelerator(self) -> bool:
        """Whether ``find`` is the C accelerator's (``accelerator.fastpage``, looked up on each use):
        its pass over the text's own characters costs less than RE2's scan of the UTF-8 (devb: 12.2
        -> 9.9 ms), and less than a narrower RE2 scan for fewer words."""
        return accelerator.fastpage is not None and self.table is not None

    def find(self, text: str, readable: bytes | None = None) -> list[int]:
        """By the C accelerator where it is built, else by ``_find_python``, its reference."""
        if self.by_accelerator:
            return accelerator.fastpage.word_places(text, self.table)
        return self._find_python(text, readable)

    def _find_python(self, text: str, readable: bytes | None = None) -> list[int]:
        """RE2's matches where it reads the text: there its ``\\b`` is the pattern's look-behind, and
        the pattern is tried only where it cannot."""
        places = match_offsets(self.starts, text, readable)
        return places if places is not None else [m.start() for m in self.pattern.finditer(text)]


# The characters of the words ``WordPlaces`` scans for in C, in the order the accelerator numbers them
# (``word_unit_code`` in provenance/_fastpage.c).
WORD_UNITS = string.digits + string.ascii_uppercase + string.ascii_lowercase + "_"


def place_table(words: list[str]) -> bytes | None:
    """What the accelerator's ``word_places`` reads for some words of ``WORD_UNITS``, each character
    numbered by its place there: the lowest and highest of the words' first characters, then of
    their second ones; a bitmap of the words' first three characters (bit ``4096 * first + 64 *
    second + third``); where the words opening with each pair of characters (``64 * first +
    second``) begin in the blob (4097 native 16-bit offsets); the blob, each pair's words in
    ascending order, each after a byte of its length (the accelerator passes over a word that
    differs from the text without reading it to its end) and ended by a NUL. None when a word is
    shorter than three characters (its places are left to RE2) or longer than 255, or the blob is
    too large."""
    if any(not 3 <= len(w) <= 255 for w in words):
        return None
    code = {ch: n for n, ch in enumerate(WORD_UNITS)}
    by_pair: dict[int, list[str]] = {}
    triples = bytearray(64 ** 3 // 8)
    for word in words:
        by_pair.setdefault(64 * code[word[0]] + code[word[1]], []).append(word)
        triple = 4096 * code[word[0]] + 64 * code[word[1]] + code[word[2]]
        triples[triple // 8] |= 1 << triple % 8
    starts, blob = array("H"), bytearray()
    for pair in range(64 * 64):
        starts.append(len(blob))
        for word in sorted(by_pair.get(pair, ())):
            blob += bytes([len(word)]) + word.encode("ascii") + b"\0"
    if len(blob) >= 1 << 16:
        return None
    starts.append(len(blob))
    ranges = bytes(ord(limit(w[k] for w in words)) for k in (0, 1) for limit in (min, max))
    return ranges + bytes(triples) + starts.tobytes() + bytes(blob)


def _matches_at(pattern: re.Pattern, places: list[int], text: str) -> list[re.Match]:
    """What ``finditer_where`` yields for a pattern that never matches empty, from places already
    found (in order, every place a match can start among them)."""
    found, end = [], 0
    for start in places:
        if start >= end and (m := pattern.match(text, start)) is not None:
            found.append(m)
            end = m.end()
    return found


def verb_bounds(lex: Lexicons, places: list[int], text: str) -> tuple[list[int], list[int]]:
    """The starts and ends of the speech verbs ``_matches_at`` finds from ``places``: by the C
    accelerator where it is built (``accelerator.fastpage``, looked up on each use), which tries the
    verbs themselves (``Lexicons.verb_groups``) at each place rather than a match of the pattern's
    (one per place, 2 of devb's 5 ms of cues); by ``_matches_at`` of the pattern, its reference."""
    if accelerator.fastpage is not None and lex.verb_groups is not None:
        return accelerator.fastpage.verbs_at(text, places, lex.verb_groups)
    found = _matches_at(lex.verb, places, text)
    return [m.start() for m in found], [m.end() for m in found]


def according_cues(text: str, lex: Lexicons) -> list[Cue]:
    """Every ``according to`` of the text."""
    return [Cue(m.start(), m.end(), m.group()) for m in lex.according.finditer(text)]


class _Cues:
    """Speech verbs and ``according to`` of a whole text, each found in one scan, so looking around
    every quotation costs a binary search rather than a scan of its window. Sentence ends are many
    more (a scan of the whole text for them costs more than the verbs' scan) and only those just
    before a quotation are asked for: they are found in that window alone."""

    def __init__(self, text: str, lex: Lexicons, readable: bytes | None = None, according: list[Cue] | None = None,
                 places: list[int] | None = None):
        self.text, self.lex = text, lex
        if places is None:
            verbs = list(finditer_where(lex.verb, lex.verb_starts, text, readable))
            self._verb_bounds = [m.start() for m in verbs], [m.end() for m in verbs]
        else:
            self._verb_bounds = verb_bounds(lex, places, text)
        self.according = according_cues(text, lex) if according is None else according
        self._last_ends: dict[tuple[int, int], int | None] = {}
        self._according_bounds = [c.start for c in self.according], [c.end for c in self.according]

    @cached_attribute
    def verbs(self) -> list[Cue]:
        """Made when first asked, by the Python readers: the accelerator reads the bounds alone."""
        return [Cue(start, end, self.text[start:end]) for start, end in zip(*self._verb_bounds)]

    @property
    def bounds(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """The starts and ends of the verbs, then of the ``according to``, as the accelerator reads them."""
        return (*self._verb_bounds, *self._according_bounds)

    def verbs_in(self, lo: int, hi: int) -> list[Cue]:
        return self._within(self.verbs, self._verb_bounds, lo, hi)

    def first_verb_in(self, lo: int, hi: int) -> Cue | None:
        """``verbs_in(lo, hi)[0]``, if any: made alone, where ``verbs_in`` makes every verb of the
        text once (the accelerated readers never ask for the list)."""
        first, past = self._range_within(self._verb_bounds, lo, hi)
        return self._verb(first) if first < past else None

    def last_verb_in(self, lo: int, hi: int) -> Cue | None:
        """``verbs_in(lo, hi)[-1]``, if any, made alone as ``first_verb_in``'s."""
        first, past = self._range_within(self._verb_bounds, lo, hi)
        return self._verb(past - 1) if first < past else None

    def _verb(self, i: int) -> Cue:
        start, end = self._verb_bounds[0][i], self._verb_bounds[1][i]
        return Cue(start, end, self.text[start:end])

    def according_in(self, lo: int, hi: int) -> list[Cue]:
        """Most texts never write ``according to``: for them, no search."""
        return self._within(self.according, self._according_bounds, lo, hi) if self.according else []

    def any_in(self, lo: int, hi: int) -> bool:
        """Whether a speech verb or ``according to`` lies within ``lo..hi``: asked for every quotation
        and paragraph, and answered without making the lists ``verbs_in`` and ``according_in`` would."""
        return self._any_within(self._verb_bounds, lo, hi) or self._any_within(self._according_bounds, lo, hi)

    @staticmethod
    def _any_within(bounds: tuple[list[int], list[int]], lo: int, hi: int) -> bool:
        """Whether ``_within`` finds any cue: the first starting at or after ``lo`` has the first end."""
        starts, ends = bounds
        i = bisect_left(starts, lo)
        return i < len(starts) and starts[i] < hi and ends[i] <= hi

    @staticmethod
    def _within(cues: list[Cue], bounds: tuple[list[int], list[int]], lo: int, hi: int) -> list[Cue]:
        """The cues starting at or after ``lo`` and ending by ``hi``: a slice, as cues never overlap,
        so their ends are in the order of their starts."""
        return cues[slice(*_Cues._range_within(bounds, lo, hi))]

    @staticmethod
    def _range_within(bounds: tuple[list[int], list[int]], lo: int, hi: int) -> tuple[int, int]:
        """The indexes of ``_within``'s slice: its first, and past its last."""
        starts, ends = bounds
        return bisect_left(starts, lo), min(bisect_left(starts, hi), bisect_right(ends, hi))

    def last_sentence_end(self, lo: int, pos: int) -> int | None:
        """Where the last sentence ending in ``lo..pos`` ends (asked twice for most quotations)."""
        if (lo, pos) not in self._last_ends:
            self._last_ends[lo, pos] = self._last_end(lo, pos)
        return self._last_ends[lo, pos]

    def _last_end(self, lo: int, pos: int) -> int | None:
        """Where the last sentence ending in ``lo..pos`` ends: by the C accelerator where it is built
        (``accelerator.fastpage``, looked up on each use)."""
        if accelerator.fastpage is not None and 0 <= lo <= len(self.text) and 0 <= pos <= len(self.text):
            return accelerator.fastpage.sentence_end(self.text, lo, pos, self.lex.abbreviations, _CHAR_CLASSES)
        return self._last_end_python(lo, pos)

    def _last_end_python(self, lo: int, pos: int) -> int | None:
        """``_last_end``, the accelerator's reference. The sentence ends tried from ``pos`` backwards,
        each where its first mark is, the last one first: the first found ending at or before ``pos``
        is the last, and most quotations follow one.

        A sentence end is told by its own characters alone, and after its first mark holds only
        closing marks and space, so none starts inside another: each mark is a match where
        ``Lexicons.sentence_end`` matches at it, as in a scan of the whole text. One that can reach ``lo``
        starts at most one character before the closing marks and spaces that end there; the look at
        the next sentence's start reaches two characters past ``pos``."""
        text, stop = self.text, pos + 2
        floor = max(0, _SENTENCE_TAIL.match(text, 0, lo).start() - 1)
        mark = stop
        while (mark := max(text.rfind(".", floor, mark), text.rfind("!", floor, mark),
                           text.rfind("?", floor, mark), text.rfind("…", floor, mark))) >= 0:
            found = self.lex.sentence_end.match(text, mark, stop)
            if found is not None and found.end() <= pos:
                return found.end() if found.end() >= lo else None
        return None


class SpeakerFinder:
    """Finds the speaker phrase of a quotation; all methods return a ``Span`` or None. ``readable``
    is the text's UTF-8 where RE2 reads it (``Document.re2_utf8``), for the scan of its verbs;
    ``places`` where the caller found the verbs' first words (``WordPlaces``), if it did."""

    def __init__(self, text: str, lex: Lexicons, readable: bytes | None = None, places: list[int] | None = None):
        self.text = text
        self.lex = lex
        self.readable = readable
        self.places = places

    @cached_attribute
    def cues(self) -> _Cues:
        """Scanned for on the first quotation: a text without quotations (a third of web pages)
        never pays for the scans."""
        return _Cues(self.text, self.lex, self.readable, self.according, self.places)

    @cached_attribute
    def according(self) -> list[Cue]:
        """``according to`` in the text (``according_cues``), scanned for once for the quotations'
        speakers and for the relay detector, which looks for outlets after it."""
        return according_cues(self.text, self.lex)

    def fast_arguments(self) -> tuple:
        """What the accelerator's reader of a document's speakers (``attribute_quotations``) takes
        after its quotations: the cues' bounds, the abbreviations a sentence never ends at, how far the speaker may be,
        the verbs tried back, the word sets and the character table."""
        return (*self.cues.bounds, self.lex.abbreviations, WINDOW, MAX_VERBS_BACK, self.lex.phrase_words, _CHAR_CLASSES)

    # -- phrases ---------------------------------------------------------------------------
    def _is_name_word(self, tok: Token) -> bool:
        return tok.capitalised and tok.lower not in self.lex.not_names and tok.lower not in self.lex.prepositions

    def _span(self, first: Token, last: Token) -> Span:
        return Span.computed(self.text[first.start:last.end], first.start, last.end)

    def _found(self, span: tuple[int, int] | None) -> Span | None:
        return None if span is None else Span.computed(self.text[span[0]:span[1]], span[0], span[1])

    def phrase_before(self, pos: int, floor: int, participle: bool = False) -> Span | None:
        """The speaker phrase that ends just before ``pos`` (the speech verb), read leftwards: by the
        C accelerator where it is built (``accelerator.fastpage``, looked up on each use)."""
        if accelerator.fastpage is not None and 0 <= floor and 0 <= pos <= len(self.text):
            return self._found(accelerator.fastpage.speaker_before(self.text, pos, floor, participle,
                                                                   self.lex.phrase_words, _CHAR_CLASSES))
        return self._phrase_before_python(pos, floor, participle)

    def _phrase_before_python(self, pos: int, floor: int, participle: bool = False) -> Span | None:
        """``phrase_before``, the accelerator's reference. The subject of a participle (saying,
        calling) must open its clause."""
        aside = _TRAILING_PARENTHESIS.search(self.text, max(floor, pos - 40), pos)
        if aside is not None:
            pos = aside.start()  # ``Harry Reid (D-Nev.) said``: the name before the parenthesis
        toks = _tokens(self.text, max(floor, pos - 120), pos)
        if not toks or _LEAD_IN.fullmatch(self.text, toks[-1].end, pos) is None or "," in self.text[toks[-1].end:pos]:
            return self._appositive_before(toks, pos, floor)
        i = len(toks) - 1
        skipped = 0
        while i >= 0 and toks[i].lower in self.lex.adverbs and skipped < 3:
            if i == 0 or not _joined(self.text, toks[i - 1], toks[i]):
                return None
            i, skipped = i - 1, skipped + 1
        if i < 0:
            return None
        if toks[i].lower in self.lex.pronouns:
            return self._span(toks[i], toks[i])
        return self._walk_left(toks, i, participle)

    def _appositive_before(self, toks: list[Token], pos: int, floor: int) -> Span | None:
        """``Clinton, the former secretary of state, said``: the name before a parenthetical that
        opens with a lowercase word (never ``Columbus, Ohio,``)."""
        if not toks or self.text[toks[-1].end:pos].strip() != ",":
            return None
        lo = max(floor, pos - 100)
        comma = self.text.rfind(",", lo, toks[-1].start)
        while comma >= 0:
            if any(c in self.text[comma:pos] for c in "“”\"‘’«»."):
                return None
            inner = [t for t in toks if t.end <= comma]
            following = next((t for t in toks if t.start > comma), None)
            opens_aside = following is not None and (_ASIDE_OPENER.match(following.text) is not None
                                                     or _possessive(following.text))
            if inner and opens_aside and not self.text[inner[-1].end:comma].strip():
                span = self._walk_left(inner, len(inner) - 1)
                return span if span is not None and self._is_name_word(inner[-1]) else None
            comma = self.text.rfind(",", lo, comma)
        return None

    def _walk_left(self, toks: list[Token], i: int, participle: bool = False) -> Span | None:
        head = toks[i]
        if not self._phrase_word(head) or _possessive(head.text):
            return None  # ``Pyongyang's claims``: a noun, not a speech verb
        first = i
        lowercase_run = 0
        j = i - 1
        while j >= 0 and _joined(self.text, toks[j], toks[j + 1]) and i - j < 8:
            tok = toks[j]
            if tok.lower in self.lex.determiners:
                if j >= 2 and toks[j - 1].lower in self.lex.links and _joined(self.text, toks[j - 1], tok) \
                        and self._phrase_word(toks[j - 2]) and _joined(self.text, toks[j - 2], toks[j - 1]):
                    first, j = j - 2, j - 3  # ``Mr. Morgan of the Sierra Club``, ``a narrator in the ad``
                    continue
                first = j
                break
            if self._is_name_word(tok) or tok.lower in self.lex.roles:
                lowercase_run = 0
            elif tok.lower in self.lex.connectors and j > 0 and toks[j - 1].capitalised:
                pass
            elif tok.text.islower() and lowercase_run < 2 and tok.lower not in self.lex.stops:
                lowercase_run += 1
            else:
                break
            first = j
            j -= 1
        if first > 0 and _joined(self.text, toks[first - 1], toks[first]):
            before = toks[first - 1].lower
            if before in self.lex.prepositions or (participle and before not in self.lex.clause_openers):
                return None  # an object (``to Wired``, ``a statement saying``), not the speaker
        return self._validated(toks[first:i + 1])

    def _phrase_word(self, tok: Token) -> bool:
        return self._is_name_word(tok) or (tok.text.islower() and tok.lower not in self.lex.not_names
                                          and tok.lower not in self.lex.stops and tok.lower not in self.lex.determiners)

    def _validated(self, words: list[Token]) -> Span | None:
        """Trim a phrase to where it can start: a determiner, a name or a role; None if nothing is
        left, unless it ends in a word that may stand alone (officials, critics, police)."""
        if words and words[-1].lower in self.lex.bare_heads and all(w.text.islower() for w in words):
            return self._span(words[0], words[-1])
        while words and not (words[0].lower in self.lex.determiners or self._is_name_word(words[0])
                             or words[0].lower in self.lex.roles):
            words = words[1:]
        while words and words[0].lower in self.lex.connectors and words[0].lower not in self.lex.determiners:
            words = words[1:]
        if not words or (len(words) == 1 and words[0].lower in self.lex.determiners):
            return None
        if (words[0].lower not in self.lex.determiners and words[-1].text.islower()
                and words[-1].lower not in self.lex.roles and words[-1].lower not in self.lex.bare_heads):
            return None  # ``Manafort comes with the right``: words after a name that are not its title
        if words[0].lower in self.lex.determiners and words[-1].capitalised is False and len(words) == 1:
            return None
        return self._span(words[0], words[-1])

    def phrase_after(self, pos: int, limit: int) -> Span | None:
        """The speaker phrase that starts just after ``pos`` (after the verb), read rightwards: by the
        C accelerator where it is built."""
        if accelerator.fastpage is not None and 0 <= pos <= len(self.text):
            return self._found(accelerator.fastpage.speaker_after(self.text, pos, limit, self.lex.phrase_words,
                                                                  _CHAR_CLASSES))
        return self._phrase_after_python(pos, limit)

    def _phrase_after_python(self, pos: int, limit: int) -> Span | None:
        """``phrase_after``, the accelerator's reference."""
        toks = _tokens(self.text, pos, min(limit, pos + 120))
        if not toks or _SPACE_ONLY.fullmatch(self.text, pos, toks[0].start) is None:
            return None
        if toks[0].lower in self.lex.pronouns:
            return self._span(toks[0], toks[0]) if self._ends_phrase(toks, 1, limit) else None
        last = -1
        lowercase_run = 0
        unheaded = False  # words read that a role, an unnamed source or a name must close
        for k, tok in enumerate(toks):
            if k and not _joined(self.text, toks[k - 1], tok):
                break
            if k == 0 and tok.lower in self.lex.determiners:
                continue
            if self._is_name_word(tok) or tok.lower in self.lex.roles:
                last, lowercase_run, unheaded = k, 0, False
            elif tok.lower in self.lex.connectors and k + 1 < len(toks) and toks[k + 1].capitalised and last >= 0:
                continue
            elif k == 1 and toks[0].lower in self.lex.determiners and self._ordinal(tok):
                last, unheaded = k, True
            elif (tok.text.islower() and lowercase_run < MAX_HEADED_AFTER and tok.lower not in self.lex.stops
                  and tok.lower not in self.lex.not_names):
                lowercase_run += 1
                last = k
                unheaded = unheaded or lowercase_run > MAX_LOWERCASE_AFTER
            else:
                break
        if last < 0 or not self._ends_phrase(toks, last + 1, limit):
            return None
        if unheaded and toks[last].lower not in self.lex.roles and toks[last].lower not in self.lex.bare_heads:
            return None
        return self._validated(toks[:last + 1])

    def _ordinal(self, tok: Token) -> bool:
        """``second`` (lexicon ``speaker-ordinals``) or a number (``2019``, not ``52-year-old``, a
        lowercase word): either may describe a speaker after a determiner (the second aide, a
        2019 council candidate), but says who only with a role, an unnamed source or a name after it."""
        return tok.lower in self.lex.ordinals or (tok.text[:1].isdigit() and not tok.text.islower())

    def _ends_phrase(self, toks: list[Token], k: int, limit: int) -> bool:
        """A phrase after its verb must be followed by punctuation, the paragraph's end or a stop word."""
        end = toks[k - 1].end
        rest = self.text[end:min(limit, end + 2)].lstrip(" ")
        if not rest or rest[0] in ".,;:!?—–)(\n" or rest[0] in "“”\"‘’":
            return True
        return k < len(toks) and toks[k].lower in self.lex.stops

    # -- positions around a quotation ---------------------------------------------------------
    def after(self, start: int, close: int, para_end: int) -> Span | None:
        """``“…,” Qin said`` / ``“…,” said Wang`` / ``“…,” according to X``, after the quotation
        whose words run from ``start`` to its closing mark at ``close``: by the C accelerator where
        it is built."""
        if accelerator.fastpage is not None and 0 <= start <= close < para_end <= len(self.text):
            return self._found(accelerator.fastpage.speaker_after_quotation(
                self.text, start, close, para_end, *self.cues.bounds, WINDOW, self.lex.phrase_words, _CHAR_CLASSES))
        return self._after_python(start, close, para_end)

    def _after_python(self, start: int, close: int, para_end: int) -> Span | None:
        """``after``, the accelerator's reference. Most quotations have no cue after them in their
        paragraph: their lead-in is never read."""
        if not self.cues.any_in(close + 1, para_end):
            return None
        lead = _LEAD_IN.match(self.text, close + 1, para_end).end()
        limit = min(para_end, lead + WINDOW)
        according = [c for c in self.cues.according_in(lead, limit) if c.start == lead]
        if according:
            return self.phrase_after(according[0].end, para_end)
        verbs = self.cues.verbs_in(lead, limit)
        if not verbs:
            return None
        verb = verbs[0]
        if not self._open_ended(start, close) and not self._closes_sentence(verb.end, para_end):
            return None
        if verb.start == lead:  # ``said Wang``; never ``, saying they…`` (the subject of what follows)
            return None if verb.text.endswith("ing") else self.phrase_after(verb.end, para_end)
        span = self.phrase_before(verb.start, lead)
        if span is not None and span.start == lead:
            return span
        return self._name_before_aside(lead, verb.start)

    def _open_ended(self, start: int, close: int) -> bool:
        """Whether the quotation's sentence goes on after it: its words end on a mark that leaves it
        open (a comma, a dash, a question), or a comma or a dash follows its closing mark."""
        return self.text[start:close].rstrip(" '\"’”")[-1:] in _OPEN_ENDED or self.text[close + 1:close + 2] in ",—–"

    def _name_before_aside(self, lead: int, verb: int, aside: regex.Pattern = _ASIDE) -> Span | None:
        """``“…,” Harry Bond, 30, of Raleigh, who was polled, said``: a name right after the
        quotation, then an aside between commas (``aside``), then the verb."""
        comma = self.text.find(",", lead, verb)
        if comma < 0 or not aside.fullmatch(self.text, comma, verb):
            return None
        toks = _tokens(self.text, lead, comma)
        if not toks or toks[0].start != lead or not all(self._is_name_word(t) or t.lower in self.lex.roles for t in toks):
            return None
        if any(not _joined(self.text, a, b) for a, b in zip(toks, toks[1:])) or not self._is_name_word(toks[-1]):
            return None
        return self._span(toks[0], toks[-1])

    def following(self, open_: int, close: int, para_end: int, floor: int) -> Span | None:
        """The speaker right after a quotation in shapes ``after`` leaves out, for the quotations no
        position gave one: its phrase opening with lowercase words that describe the speaker
        (``“…,” former state senator Ana Lima said``), an aside holding a possessive (``“…,” Ana
        Lima, the port’s director, said``), or the name in apposition to a role (``“…,” the port’s
        director, Ana Lima, said``), under ``after``'s conditions: the first verb after the
        quotation, not a participle, and the quotation's sentence going on past it or the verb's
        closing it. Else, after a quotation that ends its sentence, the speaker and the verb then a
        long tail (``_long_tail``), unless the quotation's own sentence holds a cue before it (its
        speaker was looked for there: ``“….” The aide declined to say more about …`` is no attribution)."""
        lead, verb = self._verb_after(close, para_end)
        if verb is None or verb.start == lead:
            return None
        if self._open_ended(open_ + 1, close) or self._closes_sentence(verb.end, para_end):
            return (self._described(lead, verb.start) or self._name_before_aside(lead, verb.start, _POSSESSIVE_ASIDE)
                    or self._apposition(lead, verb.start))
        if self._long_tail(verb, para_end) and not self.cues.any_in(self.sentence_start(open_, floor), open_):
            span = self.phrase_before(verb.start, lead)
            return span if span is not None and span.start == lead else None
        return None

    def attribution_after(self, start: int, close: int, para_end: int) -> bool:
        """Whether the quotation whose words run from ``start`` to its closing mark at ``close`` leaves
        its sentence open (``_open_ended``) on an attribution of its own, read or not: after the
        lead-in, a speech verb that is not a participle, right there (``“…,” said the mother of
        three``), or after a would-be speaker (``_subject_words``) and then ending the clause
        (``_verb_ends_clause``: ``“…,” the 52-year-old father of two replied.``). That attribution
        names who said the quotation: where the reader cannot, a speaker from a verb before the
        quotation would be another voice's (``Lima said the pier was safe, but “it is not,” the …``)."""
        if not self._open_ended(start, close):
            return False
        lead, verb = self._verb_after(close, para_end)
        if verb is None:
            return False
        return verb.start == lead or self._subject_words(lead, verb) and self._verb_ends_clause(verb, para_end)

    def _verb_after(self, close: int, para_end: int) -> tuple[int, Cue | None]:
        """Where the words after a quotation's closing mark at ``close`` start (past its lead-in), and the
        first speech verb within reach of them, None where there is none or it is a participle (``,
        saying …`` opens what follows, never an attribution)."""
        lead = _LEAD_IN.match(self.text, close + 1, para_end).end()
        verb = self.cues.first_verb_in(lead, min(para_end, lead + WINDOW))
        if verb is None or verb.text.endswith("ing"):
            return lead, None
        return lead, verb

    def _subject_words(self, lead: int, verb: Cue) -> bool:
        """Whether the words from ``lead`` to the verb may be its subject: one to ``MAX_SUBJECT`` words
        apart by spaces or a slash (``_SUBJECT_GAP``: a 24/7 ferry pilot), none a pronoun, nor a stop or a
        preposition but those joining a speaker to a body or a place (lexicon ``phrase-links``: the
        father of two, residents in the town); the first not a word never in a name (``though``,
        ``then``) unless a determiner."""
        words = _tokens(self.text, lead, verb.start)
        if not words or words[0].start != lead or len(words) > MAX_SUBJECT:
            return False
        if not all(_SUBJECT_GAP.fullmatch(self.text, a.end, b.start) for a, b in zip(words, [*words[1:], verb])):
            return False
        first = words[0].lower
        if first in self.lex.not_names and first not in self.lex.determiners:
            return False
        return not any(w.lower in self.lex.pronouns or (w.lower not in self.lex.links and (
            w.lower in self.lex.stops or w.lower in self.lex.prepositions)) for w in words)

    def _verb_ends_clause(self, verb: Cue, para_end: int) -> bool:
        """Whether the clause ends with the verb (``replied.``, ``said,``), its object if it names who
        was spoken to (lexicon ``addressee-verbs``), or a word opening a tail (lexicon
        ``attribution-tails``: ``said on Friday``): then no clause of its own follows it (``said the
        two cases differ``)."""
        end = self._object_end(verb.end, min(para_end, verb.end + WINDOW)) if verb.text in self.lex.addressee_verbs \
            else verb.end
        rest = _SPACE_ONLY.match(self.text, end, para_end)
        at = rest.end() if rest is not None else end
        if at >= para_end or self.text[at] in ".,;:!?—–":
            return True
        toks = _tokens(self.text, at, min(para_end, at + 40))
        return bool(toks) and toks[0].start == at and toks[0].lower in self.lex.tails

    def _long_tail(self, verb: Cue, para_end: int) -> bool:
        """``“….” Lima said in a statement released by her office on Monday.``: the words after the
        verb run to the sentence's full stop as a tail (``tail_after``), after the object of a verb
        naming who was spoken to (lexicon ``addressee-verbs``: ``told the harbour council during …``).
        The sentence's full stop is found as for a quotation closing where the verb ends."""
        stop = self._sentence_stop(verb.end - 1, para_end)
        if stop is None:
            return False
        if verb.text in self.lex.addressee_verbs:
            return self.tail_after(self._object_end(verb.end, stop), stop)
        return self.tail_after(verb.end, stop)

    def _object_end(self, pos: int, stop: int) -> int:
        """Where the object after a verb (``the harbour council``, ``reporters``, ``him``) ends: at most
        ``MAX_OBJECT`` words apart by spaces alone, up to a word opening a tail; none a pronoun
        that opens a clause of its own (``told them she would go``) or a stop. ``pos`` if there is none."""
        toks = _tokens(self.text, pos, stop)
        end, k = pos, 0
        while k < len(toks) and k < MAX_OBJECT and toks[k].lower not in self.lex.tails \
                and toks[k].lower not in self.lex.pronouns and toks[k].lower not in self.lex.stops \
                and _SPACE_ONLY.fullmatch(self.text, end, toks[k].start) is not None:
            end, k = toks[k].end, k + 1
        return end

    def _described(self, lead: int, verb: int) -> Span | None:
        """``former presidential candidate Ana Lima said``: the phrase the reader keeps before the verb
        (``candidate Ana Lima``) with the lowercase words before it, up to ``MAX_DESCRIBING``, apart by
        spaces alone from ``lead`` on, none a stop, a preposition, a pronoun or a word never in a name;
        a determiner may open them. Never a pronoun so described: words before one are no description
        (``“…,” including provisions he said would …``)."""
        span = self.phrase_before(verb, lead)
        if span is None or span.start <= lead or span.text.lower() in self.lex.pronouns:
            return None
        words = _tokens(self.text, lead, span.start)
        if not words or len(words) > MAX_DESCRIBING or words[0].start != lead or not _joined_to(self.text, words, span):
            return None
        if not all(self._describing(w, k == 0) for k, w in enumerate(words)):
            return None
        return Span.computed(self.text[lead:span.end], lead, span.end)

    def _describing(self, tok: Token, first: bool) -> bool:
        """Whether a word may describe the speaker before the name (``former``, ``campaign``): a
        lowercase word that neither ends a phrase nor opens a clause or an object; a determiner first."""
        lower = tok.lower
        if first and lower in self.lex.determiners:
            return True
        return tok.text.islower() and not any(lower in words for words in (
            self.lex.stops, self.lex.prepositions, self.lex.pronouns, self.lex.not_names, self.lex.determiners))

    def _apposition(self, lead: int, verb: int) -> Span | None:
        """``the port’s director, Ana Lima, said``: a description ending in a role word from ``lead``
        to a comma, then a name alone between that comma and one right before the verb."""
        found = _APPOSITION.search(self.text, lead, verb)
        if found is None:
            return None
        role = _tokens(self.text, lead, found.start())
        name = _tokens(self.text, found.start(1), found.end(1))
        if not role or role[0].start != lead or role[-1].lower not in self.lex.roles or not name:
            return None
        if not all(self._is_name_word(t) for t in name) or any(not _joined(self.text, a, b) for a, b in zip(name, name[1:])):
            return None
        return self._span(name[0], name[-1])

    def sentence_before(self, open_: int, floor: int) -> Span | None:
        """``…, Schiff said. “…”``: a quotation opening a sentence right after one that ends on its
        attribution (a comma, the speaker and the verb, a full stop)."""
        tail_end = self.text.rfind(".", max(floor, open_ - 4), open_)
        if tail_end < 0:
            return None
        verbs = self.cues.verbs_in(max(floor, tail_end - 60), tail_end)
        if not verbs or self.sentence_start(open_, floor) != open_:
            return None  # the verbs first: a binary search, where the sentence's start is a search back
        verb = verbs[-1]
        after = self.phrase_after(verb.end, tail_end + 1)
        if after is not None and after.end == _TRAILING_WORDS.search(self.text, verb.end, tail_end).start():
            span = after
        elif _TRAILING_WORDS.fullmatch(self.text, verb.end, tail_end):
            span = self.phrase_before(verb.start, max(floor, tail_end - 80))
        else:
            return None
        if span is None or not self.text[max(floor, span.start - 2):span.start].startswith(","):
            return None
        return span

    def trailing(self, open_: int, close: int, para_end: int, floor: int) -> Span | None:
        """``… “rock-solid” and will not change, Wang said on Sunday.``: the attribution that closes
        the quotation's sentence, a comma then the speaker and the verb (or the verb and the speaker),
        then at most a short tail (``tail_after``) before the full stop. Asked only for quotations the
        other positions left without a speaker. Precision first: not when the sentence before the
        quotation holds a cue (its speaker was looked for there, and another voice may be inside), nor
        for a participle (``, saying …`` opens what follows)."""
        stop = self._sentence_stop(close, para_end)
        verb = self.cues.last_verb_in(close + 1, stop) if stop is not None else None
        if verb is None or verb.text.endswith("ing"):
            return None
        if self.cues.any_in(self.sentence_start(open_, floor), open_):
            return None
        lead = self._clause_lead(open_, close, verb.start)
        if lead is None:
            return None
        if lead == verb.start:  # ``, said Wang Yi on Sunday.``
            span = self.phrase_after(verb.end, stop + 1)
            ok = span is not None and (self.tail_after(span.end, stop) or self._aside_after(span, stop))
            return span if ok else None
        span = self.phrase_before(verb.start, lead)
        return span if span is not None and span.start == lead and self.tail_after(verb.end, stop) else None

    def _sentence_stop(self, close: int, para_end: int) -> int | None:
        """The full stop ending the sentence a quotation closing at ``close`` stands in, if it goes on
        past the quotation and ends (within ``WINDOW * 2``) on a full stop: the sentence ends as
        ``Lexicons.sentence_end`` finds it (its abbreviations), or at the paragraph's end."""
        hi = min(para_end, close + WINDOW * 2)
        found = self.lex.sentence_end.search(self.text, max(close - 1, 0), hi)
        if found is not None:
            return found.start() if found.start() > close and self.text[found.start()] == "." else None
        last = _SENTENCE_CLOSE.search(self.text, close + 1, hi) if hi == para_end else None
        return last.start() if last is not None else None

    def _clause_lead(self, open_: int, close: int, verb: int) -> int | None:
        """Where the sentence's last clause, holding the attribution, begins: after the last comma
        between the quotation and the verb, else right after a quotation whose words end on a comma
        (``“…,” Wang said during his address at …``)."""
        comma = self.text.rfind(",", close + 1, verb)
        if comma < 0 and not self.text[open_ + 1:close].rstrip(" '\"’”").endswith(","):
            return None
        return _LEAD_IN.match(self.text, (comma if comma >= 0 else close) + 1, verb).end()

    def _aside_after(self, speaker: Span, stop: int) -> bool:
        """``, said Ana Lima, the port's director.``: after a name that follows its verb, an aside
        describing it may run to the full stop, as long as it opens no clause of its own (``, and
        …``, lexicon ``clause-openers``) and holds no break (``_TAIL_BREAK``) but commas."""
        lead = _LEAD_IN.match(self.text, speaker.end, stop).end()
        toks = _tokens(self.text, lead, stop)
        name = _tokens(self.text, speaker.start, speaker.end)
        return (self.text[speaker.end:lead].strip() == "," and bool(toks) and toks[0].start == lead
                and bool(name) and self._is_name_word(name[-1]) and toks[0].lower not in self.lex.clause_openers
                and stop - lead <= WINDOW and _TAIL_BREAK.search(self.text, lead, stop) is None)

    def tail_after(self, pos: int, stop: int) -> bool:
        """Whether the words from ``pos`` to the sentence's full stop at ``stop`` may follow an
        attribution: none, or at most ``WINDOW`` characters in pieces apart by commas (``on Sunday,
        without giving details``), each opening with a word of lexicon ``attribution-tails`` and none
        holding a dash, a colon or a quotation mark."""
        if not self.text[pos:stop].strip():
            return True
        if stop - pos > WINDOW or _TAIL_BREAK.search(self.text, pos, stop) is not None:
            return False
        pieces = _pieces(self.text, pos, stop)
        if not self.text[pieces[0][0]:pieces[0][1]].strip():
            pieces = pieces[1:]  # ``, Wang said, without giving details.``: no words before the first comma
        return all(self._tail_piece(lo, hi) for lo, hi in pieces)

    def _tail_piece(self, lo: int, hi: int) -> bool:
        """A piece of a tail: space, then a word of lexicon ``attribution-tails`` opening it."""
        toks = _tokens(self.text, lo, hi)
        return bool(toks) and _SPACE_ONLY.fullmatch(self.text, lo, toks[0].start) is not None \
            and toks[0].lower in self.lex.tails

    def dash_after(self, close: int, para_end: int) -> Span | None:
        """``”― Pamela Padilla``: a signature after a dash, alone to the end of the paragraph."""
        m = _DASH_SIGNATURE.match(self.text, close + 1, para_end)
        if m is None:
            return None
        return Span.computed(m.group("name"), m.start("name"), m.end("name"))

    def hyphen_after(self, para_start: int, open_: int, close: int, para_end: int) -> Span | None:
        """``“We will rebuild the pier.” - Ana Lima``: a signature after a plain hyphen (``_HYPHEN_SIGNATURE``),
        only where it cannot be anything else: the quotation opens its paragraph and ends a sentence
        (never a title: ``“Meet the Harbour” - Channel 4``), and the signature, alone to the
        paragraph's end, is one to four name words apart by spaces (a full stop after it left out)."""
        m = _HYPHEN_SIGNATURE.match(self.text, close + 1, para_end)
        if m is None or self.text[para_start:open_].strip() or not _SENTENCE_MARK.search(self.text, open_ + 1, close):
            return None
        words = _tokens(self.text, m.start("name"), m.end("name"))
        if not words or not all(self._is_name_word(w) for w in words):
            return None
        return self._span(words[0], words[-1])

    def _closes_sentence(self, pos: int, para_end: int) -> bool:
        """After a quotation that ends its sentence, ``Trump said.`` must be the whole next sentence."""
        rest = self.text[pos:min(para_end, pos + 60)]
        m = _CLOSING_SENTENCE.match(rest)
        return m is not None

    def before(self, open_: int, floor: int, quoted: tuple[tuple[int, int], ...] = ()) -> Span | None:
        """``Wang said: “…”`` / ``he said that “…”`` / ``according to X, “…”``, in the same sentence.
        Words inside the earlier quotations of the sentence (``quoted``) are not the writer's. Most
        quotations have no cue before them in their paragraph, so none in their sentence: their
        sentence is never looked for, nor for those whose cues all lie further back than a sentence can
        begin (``sentence_start``). By the C accelerator where it is built."""
        if accelerator.fastpage is not None and 0 <= floor and 0 <= open_ <= len(self.text):
            return self._found(accelerator.fastpage.speaker_before_quotation(
                self.text, open_, floor, quoted, *self.cues.bounds, self.lex.abbreviations, WINDOW, MAX_VERBS_BACK,
                self.lex.phrase_words, _CHAR_CLASSES))
        return self._before_python(open_, floor, quoted)

    def _before_python(self, open_: int, floor: int, quoted: tuple[tuple[int, int], ...] = ()) -> Span | None:
        """``before``, the accelerator's reference."""
        if not self.cues.any_in(max(floor, open_ - WINDOW * 2), open_):
            return None
        lo = self.sentence_start(open_, floor)
        accordings = self.cues.according_in(lo, open_)
        according = accordings[-1] if accordings else None
        verbs = [v for v in self.cues.verbs_in(lo, open_) if not any(a <= v.start < b for a, b in quoted)]
        if according is not None and (not verbs or according.start > verbs[-1].start):
            return self.phrase_after(according.end, open_)
        for verb in reversed(verbs[-MAX_VERBS_BACK:]):
            participle = verb.text.endswith("ing")
            span = self.phrase_before(verb.start, lo, participle)
            if span is None and verb.start == lo:
                span = self.phrase_after(verb.end, open_)
            if span is None and participle:
                span = self.subject_of_sentence(lo, verb.start)
            if span is not None:
                return span
        return None

    def subject_of_sentence(self, lo: int, verb: int) -> Span | None:
        """``On Saturday, Trump issued a statement saying…``: the subject a participle hangs on, a
        name or pronoun opening the sentence (after a short opening phrase) before its own verb."""
        comma = self.text.find(",", lo, min(verb, lo + 40))
        start = _LEAD_IN.match(self.text, comma + 1 if comma >= 0 else lo, verb).end()
        toks = _tokens(self.text, start, verb)
        if not toks or toks[0].start != start:
            return None
        if toks[0].lower in self.lex.pronouns:
            return self._span(toks[0], toks[0]) if len(toks) > 1 and toks[1].text.islower() else None
        k = 0
        while k < len(toks) and (self._is_name_word(toks[k]) or toks[k].lower in self.lex.roles) and (
                k == 0 or _joined(self.text, toks[k - 1], toks[k])):
            k += 1
        if k == 0 or k >= len(toks) or not self._is_name_word(toks[k - 1]) or not toks[k].text.islower():
            return None
        if not _joined(self.text, toks[k - 1], toks[k]) or toks[k].lower in self.lex.stops:
            return None
        return self._span(toks[0], toks[k - 1])

    def sentence_start(self, pos: int, floor: int) -> int:
        """Start of the sentence holding ``pos``, looking back no further than ``floor`` or WINDOW."""
        lo = max(floor, pos - WINDOW * 2)
        start = self.cues.last_sentence_end(lo, pos)
        return lo if start is None else start


def _joined_to(text: str, words: list[Token], span: Span) -> bool:
    """Whether only spaces lie between the words, and between the last and the span (``_joined``)."""
    return all(_joined(text, a, b) for a, b in zip(words, [*words[1:], span]))


def _pieces(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans of ``text[lo:hi]`` apart by commas, each starting after its comma."""
    bounds = [lo - 1, *(k for k in range(lo, hi) if text[k] == ","), hi]
    return [(a + 1, b) for a, b in zip(bounds, bounds[1:])]


class WholeWords:
    """Whether a span holds any of some words as a whole word (no letter on either side), in any
    case: ``pattern`` defines it, and the standard library's engine answers (twice as fast) where the
    span and the character before it are ASCII, as every word is: there a letter is an ASCII letter
    and case is ASCII case."""

    def __init__(self, words: list[str]):
        longest_first = sorted(words, key=len, reverse=True)
        alternation = "|".join(regex.escape(w) for w in longest_first)
        self.pattern = regex.compile(rf"(?<!\p{{L}})(?:{alternation})(?!\p{{L}})", regex.IGNORECASE)
        self.ascii = (re.compile(rf"(?<![A-Za-z])(?:{_by_first_letter(longest_first)})(?![A-Za-z])",
                                 re.IGNORECASE | re.ASCII) if all(w.isascii() for w in words) else None)

    def search(self, text: str, start: int = 0, end: int | None = None) -> bool:
        end = len(text) if end is None else end
        if self.ascii is not None and text[max(0, start - 1):end].isascii():
            return self.ascii.search(text, start, end) is not None
        return self.pattern.search(text, start, end) is not None


def _by_first_letter(words: list[str]) -> str:
    """ASCII words as an alternation grouped by their first letter in lower case (``m(?:inistry|emo)|a(?:gency)``),
    for a pattern that ignores ASCII case: the same matches, and at each position the engine tries
    a letter a group rather than every word (half the time of a search through a name)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[:1].lower(), []).append(word[1:])
    return "|".join(f"{re.escape(first)}(?:{'|'.join(re.escape(rest) for rest in group)})"
                    for first, group in groups.items())


_NAME_MENTION = regex.compile(r"(?<![\p{L}’'-])\p{Lu}[\p{L}’'.-]*(?:[ \t]+\p{Lu}[\p{L}’'.-]*)+")
MENTIONS_BACK = 60  # how many earlier name mentions a short name is checked against


class NameMentions:
    """Capitalised names of two words or more in a document, to give a short name (Wang, Mr.
    Lavrov) the fuller form the text used last before it (Wang Wenbin, Sergei Lavrov).

    A mention never runs over a line's end (nor does its look behind reach past the line's start),
    so each line's mentions are those a scan of the whole text finds there: they are found line by
    line, from a speaker back to where its fuller name is, never from the text's start."""

    def __init__(self, text: str, lex: Lexicons, not_person: WholeWords | None):
        self.lex = lex
        self.text = text
        self.not_person = not_person
        self._lines: dict[int, list[tuple[int, int]]] = {}  # the mentions of each line read, by its start
        self._persons: dict[int, tuple[int, int, tuple[str, ...]] | None] = {}  # by the mention's start
        self._fuller: dict[tuple[int, str], Span | None] = {}  # by the speaker's start and words

    def _line_mentions(self, start: int) -> list[tuple[int, int]]:
        """The spans of the mentions of the line starting at ``start``."""
        found = self._lines.get(start)
        if found is None:
            end = self.text.find("\n", start)
            found = self._lines[start] = _mention_spans(self.text, start, len(self.text) if end < 0 else end)
        return found

    def _mentions_back(self, pos: int, floor: int) -> Iterator[tuple[int, int]]:
        """The mentions starting before ``pos``, the last first, back to the line holding ``floor``."""
        line = self.text.rfind("\n", 0, pos) + 1
        while True:
            for m in reversed(self._line_mentions(line)):
                if m[0] < pos:
                    yield m
            if line <= floor:
                return
            line = self.text.rfind("\n", 0, line - 1) + 1

    def _person_of(self, m: tuple[int, int]) -> tuple[int, int, tuple[str, ...]] | None:
        """The personal name of a mention, judged when first asked: a speaker's fuller name is most
        often among the last few mentions before it."""
        if m[0] not in self._persons:
            self._persons[m[0]] = self._person(m, self.not_person)
        return self._persons[m[0]]

    def _person(self, m: tuple[int, int], not_person: WholeWords | None) -> tuple[int, int, tuple[str, ...]] | None:
        """The personal name at the end of a capitalised run (``Chinese Foreign Minister Wang Yi``
        -> ``Wang Yi``) spanning ``m``; None for places, bodies and possessives (``China’s Foreign Ministry``)."""
        mention = self.text[m[0]:m[1]]
        words = mention.split()  # the run's words are apart by spaces and tabs alone
        bare = [_bare(word) for word in words]
        first = 0
        for k, word in enumerate(bare):
            lower = word.lower()
            if lower in self.lex.roles or lower in self.lex.not_names:
                first = k + 1
        if len(words) - first < 2 or any(_possessive(w) for w in words[first:]):
            return None
        start = m[1] - len(mention.split(None, first)[-1])  # the name runs from its first word to the end
        end = m[1] - 1 if mention.endswith(".") else m[1]
        if not_person is not None and not_person.search(self.text, start, end):
            return None
        return start, end, tuple(bare[first:])

    def fuller(self, speaker: Span) -> Span | None:
        """``_fuller_name`` of each speaker, looked for once: a quarter of the named quotations share
        their speaker with one before (carried, or a quotation's pieces over paragraphs)."""
        key = speaker.start, speaker.text
        if key not in self._fuller:
            self._fuller[key] = self._fuller_name(speaker)
        return self._fuller[key]

    def _fuller_name(self, speaker: Span) -> Span | None:
        """The last fuller name before ``speaker`` that begins or ends with its surname, among the
        last ``MENTIONS_BACK`` personal names starting before it: by the C accelerator where it is
        built (``accelerator.fastpage``, looked up on each use)."""
        words = [w for w in speaker.text.split() if _bare(w).lower() not in self.lex.roles]
        if len(words) != 1:
            return None
        name = _bare(words[0])
        first = self.text.find(name, 0, speaker.start)
        if first < 0:
            return None  # a fuller name holds the short one, so the text before must: no names read
        if accelerator.fastpage is not None and speaker.start <= len(self.text):
            search = self.not_person.search if self.not_person is not None else None
            found = accelerator.fastpage.fuller_name(self.text, speaker.start, first, name, self._lines, self._persons,
                                                     self.lex.roles, self.lex.not_names, search, _CHAR_CLASSES,
                                                     MENTIONS_BACK)
        else:
            found = self._fuller_by_mentions(speaker.start, first, name)
        return None if found is None else Span.computed(self.text[found[0]:found[1]], found[0], found[1])

    def _fuller_by_mentions(self, pos: int, first: int, name: str) -> tuple[int, int] | None:
        """``fuller``'s search of the mentions before ``pos``, back to the line holding ``first``,
        the name's first occurrence: the accelerator's reference. Only a mention holding the name can
        be the fuller name: the others are judged (most of the cost) only when they may make the count."""
        persons, unjudged = 0, []
        for m in self._mentions_back(pos, first):
            if persons + len(unjudged) >= MENTIONS_BACK:
                persons += sum(1 for u in unjudged if self._is_person_before(u, pos))
                unjudged = []
                if persons >= MENTIONS_BACK:
                    return None
            if self.text.find(name, m[0], m[1]) < 0:
                unjudged.append(m)  # never the fuller name: judged only should the count need it
                continue
            if not self._is_person_before(m, pos):
                continue
            persons += 1
            start, end, tokens = self._person_of(m)
            if end <= pos and (tokens[0] == name or tokens[-1] == name) and len(tokens) > 1:
                return start, end
        return None

    def _is_person_before(self, m: tuple[int, int], pos: int) -> bool:
        """Whether a mention is a personal name starting before ``pos`` (one of the names counted)."""
        person = self._person_of(m)
        return person is not None and person[0] < pos


def _mention_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans of ``_NAME_MENTION``'s matches in ``text[lo:hi]``, found by the C accelerator where
    it is built (``accelerator.fastpage``)."""
    if accelerator.fastpage is not None and 0 <= lo and hi <= len(text):
        return accelerator.fastpage.name_mentions(text, lo, hi, _CHAR_CLASSES)
    return _mention_spans_python(text, lo, hi)


def _mention_spans_python(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """``_mention_spans``, the accelerator's reference."""
    return [m.span() for m in _NAME_MENTION.finditer(text, lo, hi)]


def _possessive(word: str) -> bool:
    """Whether a word ends as a possessive (``China’s``, ``players'``): what ``[’']s?$`` finds in
    a word, without a pattern's cost."""
    return word.endswith(_APOSTROPHE_S) or word.endswith(_APOSTROPHES)


def _bare(word: str) -> str:
    """A word without a possessive ending or a final period."""
    if word.endswith(_APOSTROPHE_S):
        word = word[:-2]
    elif word.endswith(_APOSTROPHES):
        word = word[:-1]
    return word.rstrip(".")
