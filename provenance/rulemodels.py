"""Rule-pack models: the single definition of what a TOML file under ``rules/`` may hold.

A pack file has a ``[pack]`` table and arrays of rules: ``[[signature]]`` (phrases or regexes),
``[[detector]]`` (structural detectors whose thresholds are data), ``[[lexicon]]`` (word lists that
analyzers read, such as speech verbs), ``[[outlet]]`` (outlet profiles) and ``[[rating]]`` (reliability
ratings keyed by domain, merged into outlet reports at lookup). Every rule carries
examples it must match and must not match; ``provenance rules test`` and the test suite run them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from provenance.report import Dimension, Severity

RULE_ID = r"^[A-Z]{2}[0-9]{3}$"
NAME = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Model(BaseModel):
    # Validators built on first use: a run answered from the rules cache validates no pack, and
    # one that reads the packs validates ``RulePack`` alone, whose validator holds every other.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ExampleDocument(_Model):
    """An example that needs metadata beside its text (e.g. the page URL)."""

    text: str
    url: str | None = None
    outlet: str | None = None


Example = str | ExampleDocument


class Examples(_Model):
    match: list[Example] = Field(min_length=1, description="Texts the rule must fire on")
    no_match: list[Example] = Field(min_length=1, description="Texts the rule must not fire on")


class _Rule(_Model):
    id: str = Field(pattern=RULE_ID, description="Stable code; never reused for another meaning")
    name: str = Field(pattern=NAME, description="Readable kebab-case name")
    dimension: Dimension
    severity: Severity = "warning"
    weight: float = Field(1.0, ge=0, description="How much a hit counts in its dimension's score")
    message: str = Field(min_length=1)
    why: str = Field("", description="Why this matters to a curator (shown by `provenance explain`)")
    tags: list[str] = Field(default_factory=list, description="Labels analyzers read, e.g. republisher")
    enabled: bool = True
    examples: Examples


class Signature(_Rule):
    """Literal phrases and/or regular expressions (``regex`` module syntax)."""

    phrases: list[str] = Field(default_factory=list, description="Literal phrases, matched on word boundaries")
    patterns: list[str] = Field(default_factory=list, description="Regular expressions")
    scope: Literal["line", "text"] = Field("line", description="Match within one line, or over the text")
    whole_line: bool = Field(False, description="The line must be the match alone (spaces and punctuation aside)")
    case_sensitive: bool = False
    region: Literal["any", "head", "tail", "ends"] = Field(
        "any", description="Only in the first lines (head), the last (tail), or both (ends)")
    region_lines: int = Field(8, ge=1, description="How many non-blank lines make the head or tail (each, for ends)")
    max_line_chars: int | None = Field(None, ge=1, description="Skip lines longer than this")
    prefilter: Literal["shared", "apart"] = Field(
        "shared", description="How the RE2 prefilter packs it: 'apart' only with other 'apart' signatures, for a "
        "pattern with many partial matches on ordinary text (common words, runs of capitalised words, unbounded runs)")
    on_demand: bool = Field(
        False, description="Found only in a document whose analysis asks for one of its tags, not in the pass over "
        "every document: for a provenance signature (the analyzer reads those by tag) that is costly and needed by "
        "few documents (one needed by most costs more found a document at a time)")


ParamValue = float | int | bool | str | list[str]


DetectorName = Literal[
    # residue structure (provenance/detectors/)
    "repeated-line", "snippet-copy", "symbol-line", "separator-row", "menu-run", "template-line", "teaser-block",
    "context-classifier", "line-score", "beyond-article", "introduced-list",
    # provenance facts (provenance/analyzers/provenance.py)
    "outlet", "outlet-conflict", "wire-carriage", "republished", "original", "missing-fact", "metadata-fact",
    # attribution (provenance/analyzers/attribution.py, scoring.py)
    "quote-attribution", "attribution-prior", "scare-quote", "relayed-report",
    # reading the input (provenance/pipeline.py)
    "decoding-fallback", "empty-text", "rule-timeout",
]
"""The algorithms built into provenance that a ``[[detector]]`` rule can name: a misspelt one is a rule
error, never a rule that silently does nothing."""


class Detector(_Rule):
    """A structural detector implemented in Python; its thresholds live here."""

    detector: DetectorName = Field(description="Which detector algorithm, e.g. repeated-line")
    params: dict[str, ParamValue] = Field(default_factory=dict)


class Lexicon(_Model):
    """A word or phrase list that analyzers read (speech verbs, anonymous sources, ...)."""

    id: str = Field(pattern=RULE_ID)
    name: str = Field(pattern=NAME)
    dimension: Dimension
    description: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)
    case_sensitive: bool = False
    examples: Examples


class ReliabilityLabel(_Model):
    label: str
    source: str = Field(description="Who gives this rating")
    date: str = Field("", description="When the rating was read (YYYY-MM-DD)")
    url: str = ""


OutletKind = Literal[
    "wire-agency", "broadcaster", "newspaper", "tabloid", "aggregator", "republisher",
    "magazine", "blog", "government", "digital", "other",
]


class OutletProfile(_Model):
    id: str = Field(pattern=r"^[a-z0-9]+([._-][a-z0-9]+)*$")
    name: str
    aliases: list[str] = Field(default_factory=list, description="Other names used in text")
    mastheads: list[str] = Field(default_factory=list, description="Title-line or credit forms, e.g. 'RT EN', '(EFE)'")
    domains: list[str] = Field(default_factory=list, description="Registrable domains (or hosts) it publishes on")
    country: str | None = None
    kind: OutletKind = "other"
    ownership: str | None = Field(None, description="Ownership typology, e.g. SC (state-controlled)")
    flags: list[str] = Field(default_factory=list, description="e.g. state-controlled, deprecated")
    reliability: list[ReliabilityLabel] = Field(default_factory=list)
    datelines: list[str] = Field(default_factory=list, description="Regexes for this outlet's dateline credit, "
                                 "counted in the head lines (the outlet rule's fact_head_lines) alone")
    credits: list[str] = Field(default_factory=list, description="Regexes for credits and sign-offs")
    signatures: list[str] = Field(default_factory=list, description="Ids of boilerplate signatures it is known for")
    source: str = Field(description="Where the profile's facts come from")
    curated: bool = Field(True, description="Hand-curated (true) or imported by a script (false); curated profiles win name clashes")
    examples: Examples | None = None


class DomainRating(_Model):
    """A reliability rating keyed by domain, merged into the outlet report of any page on that domain."""

    domain: str = Field(description="Registrable domain (or host) the rating is about")
    label: str = Field(description="The rating as its source words it")
    source: str = Field(description="Who gives this rating")
    date: str = Field("", description="When the rating was read (YYYY-MM-DD)")
    url: str = ""
    flags: list[str] = Field(default_factory=list, description="Flags it implies, e.g. deprecated")


class PackInfo(_Model):
    name: str = Field(pattern=NAME)
    description: str
    language: str = "en"
    source: str = ""
    license: str = ""


class RulePack(_Model):
    pack: PackInfo
    signature: list[Signature] = Field(default_factory=list)
    detector: list[Detector] = Field(default_factory=list)
    lexicon: list[Lexicon] = Field(default_factory=list)
    outlet: list[OutletProfile] = Field(default_factory=list)
    rating: list[DomainRating] = Field(default_factory=list)
