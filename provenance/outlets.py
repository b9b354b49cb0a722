"""Outlet lookup: registrable domains (through tldextract's bundled suffix list, never substrings)
and the names, aliases and mastheads that profiles give."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex
import tldextract

from provenance.rulemodels import OutletProfile
from provenance.rulepack import RuleSet


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(url_or_host: str) -> str | None:
    """``https://www.rt.com/news/1`` -> ``rt.com``; None when there is no registrable domain."""
    parts = _extractor()(url_or_host.strip())
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}".lower()


def host_of(url_or_host: str) -> str:
    parts = _extractor()(url_or_host.strip())
    return ".".join(p for p in (parts.subdomain, parts.domain, parts.suffix) if p).lower().removeprefix("www.")


@dataclass
class OutletIndex:
    by_host: dict[str, OutletProfile] = field(default_factory=dict)
    by_domain: dict[str, OutletProfile] = field(default_factory=dict)
    by_name: dict[str, OutletProfile] = field(default_factory=dict)
    names: regex.Pattern | None = None

    def for_url(self, url: str) -> OutletProfile | None:
        host = host_of(url)
        while host:
            if host in self.by_host:
                return self.by_host[host]
            host = host.partition(".")[2]
        domain = registrable_domain(url)
        return self.by_domain.get(domain) if domain else None

    def for_name(self, name: str) -> OutletProfile | None:
        return self.by_name.get(_name_key(name))


def _name_key(name: str) -> str:
    return " ".join(regex.findall(r"\w+", name.casefold()))


def build_index(rules: RuleSet) -> OutletIndex:
    index = OutletIndex()
    for profile in rules.outlets:
        for domain in profile.domains:
            host = host_of(domain)
            index.by_host.setdefault(host, profile)
            reg = registrable_domain(domain)
            if reg and reg == host:
                index.by_domain.setdefault(reg, profile)
        for name in [profile.name, *profile.aliases]:
            index.by_name.setdefault(_name_key(name), profile)
    names = sorted({n for p in rules.outlets for n in [p.name, *p.aliases] if len(n) >= 2}, key=len, reverse=True)
    if names:
        index.names = regex.compile(r"\b(?:" + "|".join(regex.escape(n) for n in names) + r")\b")
    return index


def outlet_index(rules: RuleSet) -> OutletIndex:
    return rules.memo("outlet-index", build_index)
