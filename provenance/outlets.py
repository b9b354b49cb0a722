"""Outlet lookup: registrable domains (through tldextract's bundled suffix list, never substrings)
and the names, aliases and mastheads that profiles give.

Everything here is built once per rule set (``outlet_index``): dictionaries keyed by host, domain
and normalised name, one combined pattern for every profile's dateline and credit regexes, and one
for the names a relay may cite, so a document costs a few lookups whatever the number of profiles.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import re2
import regex

from provenance import accelerator
from provenance.detectors.page import line_key
from provenance.document import Document
from provenance.engine import AlternationFilter, starts_copy
from provenance.prescan import finditer_where
from provenance.rulemodels import DomainRating, OutletProfile
from provenance.rulepack import RuleSet

if TYPE_CHECKING:  # imported by _extractor, where a run needs it
    import tldextract

# Names shorter than this are too ambiguous to look for in running text ("AP", "CBC" are used
# only where a profile lists them as a masthead or in a dateline credit).
MIN_RELAY_NAME = 3


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    """Imported here: tldextract (and the requests it imports) costs a twentieth of a second at start-up,
    which a run answered from the result cache never needs."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=8192)
def _parts(url_or_host: str) -> tuple[str, str, str]:
    """Subdomain, domain and public suffix. Memoized: a run asks about the same profile domains and
    sites again and again, and tldextract takes several microseconds an answer."""
    parts = _extractor()(url_or_host)
    return parts.subdomain, parts.domain, parts.suffix


def registrable_domain(url_or_host: str) -> str | None:
    """``https://www.rt.com/news/1`` -> ``rt.com``; None when there is no registrable domain."""
    _, domain, suffix = _parts(url_or_host.strip())
    if not domain or not suffix:
        return None
    return f"{domain}.{suffix}".lower()


def host_of(url_or_host: str) -> str:
    return ".".join(p for p in _parts(url_or_host.strip()) if p).lower().removeprefix("www.")


def domain_label(domain: str) -> str:
    """``everywhereist.com`` -> ``everywhereist``: the registrable domain without its public suffix."""
    return _parts(domain)[1].lower()


def name_key(name: str) -> str:
    """Case, punctuation and spacing do not distinguish names: ``"RT  EN"`` and ``"rt en"`` are one key.
    That is a line's key (``\\w+`` words of the case-folded text, joined by a space), with its fast paths;
    an ASCII name's in C where the accelerator is built (``ascii_key``)."""
    if accelerator.fastpage is not None and name.isascii():
        return accelerator.fastpage.ascii_key(name, len(name))
    return line_key(name)


def compact_key(name: str) -> str:
    """A site name as a domain label would spell it: ``"The Everywhereist"`` -> ``everywhereist``."""
    return _compacted(name_key(name))


def _compacted(key: str) -> str:
    return key.removeprefix("the ").replace(" ", "")


def compact_key_within(name: str, longest: int) -> str | None:
    """``compact_key``, or None where that is longer than ``longest``: a long text, often a
    paragraph, is not spelled out whole. A compact key is the key without its leading ``the `` and
    the spaces between its words, each a character at least, so a key longer than ``2 * longest + 5``
    has a compact key longer than ``longest``; the accelerator stops an ASCII text's key there."""
    if accelerator.fastpage is None or not name.isascii():
        return compact_key(name)
    key = accelerator.fastpage.ascii_key(name, 2 * longest + 5)
    return None if key is None else _compacted(key)


@dataclass
class OutletIndex:
    by_host: dict[str, OutletProfile] = field(default_factory=dict)
    by_domain: dict[str, OutletProfile] = field(default_factory=dict)
    by_name: dict[str, OutletProfile] = field(default_factory=dict)
    longest_key: int = 0  # of by_name
    by_curated_name: dict[str, OutletProfile] = field(default_factory=dict)  # by_name's curated profiles
    longest_curated_key: int = 0
    by_id: dict[str, OutletProfile] = field(default_factory=dict)
    by_handle: dict[str, OutletProfile] = field(default_factory=dict)
    ratings: dict[str, list[DomainRating]] = field(default_factory=dict)
    relay_names: tuple[str, ...] = ()
    names: NameFinder | None = None
    credits: AlternationFilter | None = None
    credit_owners: dict[str, tuple[OutletProfile, str]] = field(default_factory=dict)
    credit_starts: dict[str, re2._Regexp | None] = field(default_factory=dict)  # by credits' alternation source

    def for_url(self, url: str) -> OutletProfile | None:
        host = host_of(url)
        while host:
            if host in self.by_host:
                return self.by_host[host]
            host = host.partition(".")[2]
        domain = registrable_domain(url)
        return self.by_domain.get(domain) if domain else None

    def for_name(self, name: str) -> OutletProfile | None:
        """The profile ``name`` names."""
        return _named(name, self.by_name, self.longest_key)

    def for_curated_name(self, name: str) -> OutletProfile | None:
        """``for_name``'s profile if it is curated: the curated names' keys are shorter than the longest
        imported ones, so a long text is turned away sooner."""
        return _named(name, self.by_curated_name, self.longest_curated_key)

    def for_handle(self, handle: str) -> OutletProfile | None:
        """``@universetoday`` -> Universe Today: a social-media handle spelling a curated profile's name
        or domain label as one word."""
        return self.by_handle.get(handle.removeprefix("@").casefold())

    def credit_matches(self, doc: Document, timeout: float | None) -> list[regex.Match]:
        """What ``finditer`` finds in ``doc`` of the profiles' dateline and credit regexes (the alternation
        of those ``credits`` says can match), within ``timeout`` seconds in all, else ``TimeoutError``.
        The alternation is tried only where its RE2 copy says a match can begin: tried at every offset
        of a text, it costs several times that scan."""
        pattern = self.credits.pattern_for(doc) if self.credits is not None else None
        if pattern is None:
            return []
        if pattern.pattern not in self.credit_starts:
            self.credit_starts[pattern.pattern] = starts_copy(pattern.pattern)
        starts = self.credit_starts[pattern.pattern] if doc.re2_readable else None
        if starts is None:
            return list(pattern.finditer(doc.text, timeout=timeout))
        return list(finditer_where(TimedPattern(pattern, timeout), starts, doc.text, doc.re2_utf8))

    def ratings_for(self, domains: list[str]) -> list[DomainRating]:
        """Ratings of any of ``domains`` (hosts or registrable domains), each once, in a stable order."""
        found: dict[tuple[str, str], DomainRating] = {}
        for domain in domains:
            for key in dict.fromkeys([host_of(domain), registrable_domain(domain) or ""]):
                for rating in self.ratings.get(key, []):
                    found.setdefault((rating.source, rating.label), rating)
        return list(found.values())


def _named(name: str, by_key: dict[str, OutletProfile], longest: int) -> OutletProfile | None:
    """The profile of ``name``'s key in ``by_key``, whose keys are at most ``longest`` long. A long text
    (often a whole paragraph: a head line is tried as a masthead) is first judged by its opening,
    whose key is a prefix of the whole text's key: when that is already longer than every key, the
    text names no profile. (The accelerator reads an ASCII text only until its key grows too long.)"""
    if accelerator.fastpage is not None and name.isascii():
        key = accelerator.fastpage.ascii_key(name, longest)
        return by_key.get(key) if key is not None else None
    opening = name[:2 * longest]
    if len(opening) < len(name) and len(name_key(opening)) > longest:
        return None
    return by_key.get(name_key(name))


class TimedPattern:
    """A ``regex`` pattern whose matches share one time limit, as a ``finditer(timeout=...)`` shares
    it among the matches it finds: ``finditer_where`` over it stops as that would, with ``TimeoutError``."""

    def __init__(self, pattern: regex.Pattern, timeout: float | None):
        self.pattern = pattern
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def match(self, text: str, pos: int) -> regex.Match | None:
        return self.pattern.match(text, pos, timeout=self._left())

    def finditer(self, text: str, pos: int) -> Iterator[regex.Match]:
        return self.pattern.finditer(text, pos, timeout=self._left())

    def _left(self) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("regex time limit reached")
        return left


def _profile_names(profile: OutletProfile) -> list[str]:
    return [profile.name, *profile.aliases, *profile.mastheads]


def _unambiguous(profiles: list[OutletProfile], keys_of: Callable[[OutletProfile], set[str]]) -> dict[str, OutletProfile]:
    """Key -> profile; a key that two profiles of the same standing share names neither.

    Curated profiles win over imported ones ("RT" is the curated RT, not an imported RT asset).
    """
    owners: dict[str, dict[bool, set[str]]] = defaultdict(lambda: defaultdict(set))
    by_id = {p.id: p for p in profiles}
    for profile in profiles:
        for key in keys_of(profile) - {""}:
            owners[key][profile.curated].add(profile.id)
    out: dict[str, OutletProfile] = {}
    for key, standing in owners.items():
        ids = standing.get(True) or standing.get(False)
        if ids and len(ids) == 1:
            out[key] = by_id[next(iter(ids))]
    return out


def _unambiguous_names(profiles: list[OutletProfile]) -> dict[str, OutletProfile]:
    """Name key -> profile."""
    return _unambiguous(profiles, lambda p: {name_key(n) for n in _profile_names(p)})


def _handles(profiles: list[OutletProfile]) -> dict[str, OutletProfile]:
    """One-word spellings of curated profiles' names and domain labels -> profile."""
    return _unambiguous([p for p in profiles if p.curated],
                        lambda p: {compact_key(n) for n in _profile_names(p)} | {domain_label(d) for d in p.domains})


def _hosts(profiles: list[OutletProfile], index: OutletIndex) -> None:
    for curated in (True, False):
        for profile in profiles:
            if profile.curated != curated:
                continue
            for domain in profile.domains:
                host = host_of(domain)
                index.by_host.setdefault(host, profile)
                reg = registrable_domain(domain)
                if reg and reg == host:
                    index.by_domain.setdefault(reg, profile)


def _relay_names(by_name: dict[str, OutletProfile]) -> tuple[str, ...]:
    """Every unambiguous name as it would be written, longest first."""
    written: set[str] = set()
    profiles = {p.id: p for p in by_name.values()}
    for profile in profiles.values():
        for name in _profile_names(profile):
            if len(name) >= MIN_RELAY_NAME and by_name.get(name_key(name)) is profile:
                written.add(name)
    return tuple(sorted(written, key=lambda n: (-len(n), n)))


def names_pattern_source(names: tuple[str, ...]) -> str:
    """Any of ``names`` as a whole word, the longest that fits first; matched case-sensitively."""
    return r"(?<!\w)(?:" + "|".join(regex.escape(n) for n in names) + r")(?!\w)"


@dataclass(frozen=True)
class NameMatch:
    """Where a ``NameFinder`` found a name: what a regex match of its ``pattern`` would tell."""

    string: str
    bounds: tuple[int, int]

    def group(self) -> str:
        return self.string[self.bounds[0]:self.bounds[1]]

    def start(self) -> int:
        return self.bounds[0]

    def end(self) -> int:
        return self.bounds[1]

    def span(self) -> tuple[int, int]:
        return self.bounds


@dataclass(frozen=True)
class NameFinder:
    """The matches of ``pattern`` (every relay name as a whole word, the longest first), found by lookup.

    Compiled, the alternation of some 2,000 names costs a third of a second, and a search tries every
    name's first character at every position. A match can only start where a word starts (or, for the
    few names that open with a non-word character, at that character), and that word is the name's own
    first word, so only the names sharing it are tried, longest first, as the alternation tries them.
    """

    names: tuple[str, ...]
    by_lead: dict[str, tuple[str, ...]]  # names by their first word (or first character), longest first
    leads: regex.Pattern  # where a name can start
    word: regex.Pattern

    @classmethod
    def build(cls, names: tuple[str, ...]) -> NameFinder:
        word, first_word = regex.compile(r"\w"), regex.compile(r"\w+")
        by_lead: dict[str, list[str]] = defaultdict(list)
        for name in names:
            by_lead[_lead(name, first_word)].append(name)
        others = sorted({lead for lead in by_lead if not word.match(lead)})
        leads = r"(?<!\w)(?:\w+" + "".join("|" + regex.escape(c) for c in others) + ")"
        return cls(names, {k: tuple(v) for k, v in by_lead.items()}, regex.compile(leads), word)

    @property
    def pattern(self) -> str:
        """The equivalent regex (the definition the tests hold the finder to), built only when asked:
        escaping every name is a tenth of the finder's start-up."""
        return names_pattern_source(self.names)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[NameMatch]:
        """What ``regex.compile(self.pattern).finditer(text, pos, endpos)`` yields; as there, a
        negative ``pos`` or ``endpos`` counts from the end of the text, as a slice's bounds do."""
        at, end, _ = slice(pos, endpos).indices(len(text))
        while found := self._next_name(text, at, end):
            yield found
            at = found.end()

    def _next_name(self, text: str, pos: int, end: int) -> NameMatch | None:
        for lead in self.leads.finditer(text, pos, end):
            if lead.group() in self.by_lead:
                found = self._name_at(text, lead, end)
                if found is not None:
                    return found
        return None

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> NameMatch | None:
        return next(self.finditer(text, pos, endpos), None)

    def _name_at(self, text: str, lead: regex.Match, end: int) -> NameMatch | None:
        return next(self._names_from(text, lead.start(), lead.group(), end), None)

    def names_at(self, text: str, pos: int) -> Iterator[NameMatch]:
        """Every name matching at ``pos``, in the order the alternation tries them (the longest
        first): what a pattern that goes on after the names meets as it backtracks."""
        lead = self.leads.match(text, pos)
        if lead is not None and lead.group() in self.by_lead:
            yield from self._names_from(text, pos, lead.group(), len(text))

    def _names_from(self, text: str, start: int, lead: str, end: int) -> Iterator[NameMatch]:
        for name in self.by_lead[lead]:
            stop = start + len(name)
            if stop <= end and text.startswith(name, start) and not self.word.match(text, stop, end):
                yield NameMatch(text, (start, stop))


def _lead(name: str, first_word: regex.Pattern) -> str:
    """A name's first word, or its first character when that is no word character (``" state media"``)."""
    found = first_word.match(name)
    return found.group() if found is not None else name[:1]


def _name_finder(names: tuple[str, ...]) -> NameFinder | None:
    return NameFinder.build(names) if names else None


def _credit_pattern(profiles: list[OutletProfile], index: OutletIndex) -> None:
    """One pattern holding every profile's dateline and credit regexes, each as a named group; a
    document is searched only with those its RE2 prefilter says can match."""
    parts = []
    for profile in profiles:
        for kind, patterns in (("dateline", profile.datelines), ("credit", profile.credits)):
            for pattern in patterns:
                group = f"c{len(parts)}"
                index.credit_owners[group] = (profile, kind)
                parts.append(f"(?P<{group}>{pattern})")
    if parts:
        index.credits = AlternationFilter(parts, regex.MULTILINE | regex.VERSION0)


def build_index(rules: RuleSet) -> OutletIndex:
    index = OutletIndex(by_id={p.id: p for p in rules.outlets})
    _hosts(rules.outlets, index)
    index.by_name = _unambiguous_names(rules.outlets)
    index.longest_key = max(map(len, index.by_name), default=0)
    index.by_curated_name = {key: profile for key, profile in index.by_name.items() if profile.curated}
    index.longest_curated_key = max(map(len, index.by_curated_name), default=0)
    index.by_handle = _handles(rules.outlets)
    index.relay_names = _relay_names(index.by_name)
    index.names = _name_finder(index.relay_names)
    _credit_pattern(rules.outlets, index)
    ratings: dict[str, list[DomainRating]] = defaultdict(list)
    for rating in rules.ratings:
        ratings[host_of(rating.domain)].append(rating)
    index.ratings = dict(ratings)
    return index


def outlet_index(rules: RuleSet) -> OutletIndex:
    return rules.memo("outlet-index", build_index, kept=True)


def profile_ratings(index: OutletIndex, profile: OutletProfile) -> list[DomainRating]:
    """The domain-keyed ratings that apply to a profile, besides its own ``reliability``."""
    return index.ratings_for(list(profile.domains))


def search_profiles(rules: RuleSet, query: str | None) -> list[OutletProfile]:
    """Every profile when there is no query; for a URL or domain, the profiles on that registrable domain
    (never a substring: ``rt.com`` does not find ``support.com``); otherwise the profiles whose id, name,
    alias or masthead contains ``query`` (case-insensitive), those it names exactly first: ``rt``
    finds RT before the 168 profiles holding the letters."""
    if not query:
        return list(rules.outlets)
    domain = registrable_domain(query) if "." in query and " " not in query.strip() else None
    if domain:
        return [p for p in rules.outlets if any(registrable_domain(d) == domain for d in p.domains)]
    needle = query.casefold().strip()
    found = [p for p in rules.outlets if any(needle in text.casefold() for text in [p.id, *_profile_names(p)])]
    return sorted(found, key=lambda p: not any(needle == text.casefold() for text in [p.id, *_profile_names(p)]))
