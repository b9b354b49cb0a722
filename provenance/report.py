"""Report models: the single definition of what ``provenance check`` writes.

The JSON Schemas in ``schemas/`` are generated from these models (``python -m provenance.schemas``);
``../shared/docs/report-contract.md`` names the fields that CI jobs and evaluators rely on.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from provenance import accelerator

SCHEMA_VERSION = "1.0"

Dimension = Literal["provenance", "attribution", "residue"]
Severity = Literal["info", "warning", "error"]
QuoteKind = Literal["named", "pronoun", "organisation", "relayed", "anonymous", "vague", "unattributed"]
GateAction = Literal["block", "warn", "baselined"]
GateCheck = Literal["overall", "provenance", "attribution", "residue", "rule", "flag"]


class _Model(BaseModel):
    # Validators and serializers are built on first use: a JSON Lines check builds reports without
    # validating them (``_unvalidated``) and writes them through the C writer, so it never needs
    # most of them (4 ms of start-up).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    def updated(self, **changes) -> Self:
        """This model with ``changes`` laid over its fields: ``model_copy(update=changes)`` without
        pydantic's generic copy (a third of the cost), as the gate judges every report."""
        fields = self.__dict__.copy()
        fields.update(changes)
        return _unvalidated(type(self), fields, self.__pydantic_fields_set__.union(changes))


class Finding(_Model):
    """One rule hit. Residue findings always cover whole lines (``line``..``end_line``)."""

    rule: str = Field(description="Stable rule id, e.g. RS101")
    name: str = Field(description="Readable rule name")
    dimension: Dimension
    severity: Severity
    message: str
    line: int | None = Field(None, ge=1, description="First line, 1-based; null for document-level findings")
    end_line: int | None = Field(None, ge=1, description="Last line, inclusive")
    start: int | None = Field(None, ge=0, description="Start offset (code points)")
    end: int | None = Field(None, ge=0, description="End offset (exclusive)")
    excerpt: str = ""
    points: float = Field(0.0, description="Effect of this finding on its dimension's score")

    @classmethod
    def computed(cls, rule: str, name: str, dimension: Dimension, severity: Severity, message: str,
                 line: int | None, end_line: int | None, start: int | None, end: int | None, excerpt: str,
                 points: float) -> Finding:
        """A finding from values the analyzers computed rather than read (rule fields validated when
        the rules were loaded, offsets and line numbers from the document), built without validating
        them again: validation is most of the cost of a finding, and a corpus MB makes thousands."""
        return _unvalidated(cls, {"rule": rule, "name": name, "dimension": dimension, "severity": severity,
                                  "message": message, "line": line, "end_line": end_line, "start": start, "end": end,
                                  "excerpt": excerpt, "points": float(points)}, set(_FINDING_FIELDS))

    def again(self) -> Finding:
        """A copy of this finding, as ``model_copy()`` makes it, without pydantic's generic copy: a
        document-level finding that is the same on every document is built once per rule set and
        copied into each report."""
        return _unvalidated(Finding, self.__dict__.copy(), set(self.__pydantic_fields_set__))

    def priced(self, points: float) -> Finding:
        """This finding with its ``points`` set: ``model_copy(update={"points": points})`` without
        pydantic's generic copy, as scoring prices every residue finding and attribution unit."""
        fields = self.__dict__.copy()
        fields["points"] = points
        return _unvalidated(Finding, fields, self.__pydantic_fields_set__ | _POINTS)


_FINDING_FIELDS = frozenset(Finding.model_fields)
_SEVERITY = attrgetter("severity")


def doc_blocked(findings: list[Finding]) -> bool:
    """A finding of severity ``error`` blocks the document whatever its score. The severities are read
    by ``attrgetter`` and compared by ``in``, without a generator's step per finding."""
    return "error" in map(_SEVERITY, findings)


_POINTS = frozenset({"points"})
# The slots every pydantic model instance has, set directly: ``object.__setattr__`` looks each up by name.
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def _unvalidated(cls: type[_Model], fields: dict, fields_set: set[str]) -> _Model:
    """An instance of ``cls`` holding ``fields`` as they are, as pydantic's own unvalidated copies are
    made: by the C accelerator where it is there (``_fastpage.unvalidated_model``, twice as fast; a
    document's report is a few dozen models), else by ``python_unvalidated``, its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.unvalidated_model(cls, fields, fields_set)
    return python_unvalidated(cls, fields, fields_set)


def python_unvalidated(cls: type[_Model], fields: dict, fields_set: set[str]) -> _Model:
    """``_unvalidated`` in Python: the accelerator's reference."""
    model = object.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    _SET_FIELDS_SET(model, fields_set)
    _SET_EXTRA(model, None)
    _SET_PRIVATE(model, None)
    return model


class Span(_Model):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @classmethod
    def computed(cls, text: str, start: int, end: int) -> Span:
        """A span of a document's text at offsets the analyzers found, built without validating them
        again, as ``Finding.computed``: the attribution makes one for every speaker."""
        return _unvalidated(cls, {"text": text, "start": start, "end": end}, set(_SPAN_FIELDS))


_SPAN_FIELDS = frozenset(Span.model_fields)


class Quote(_Model):
    """A direct quotation: offsets of the quoted words, inside the quote marks."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    speaker: Span | None
    kind: QuoteKind
    resolved: Span | None = Field(None, description="For a pronoun or a short name: the fuller named speaker it refers to")
    line: int = Field(ge=1)

    @classmethod
    def computed(cls, start: int, end: int, text: str, speaker: Span | None, kind: QuoteKind, resolved: Span | None,
                 line: int) -> Quote:
        """A quotation from values the attribution computed (offsets, line and spans from the
        document, a kind of ``QuoteKind``), built without validating them again, as ``Finding.computed``."""
        return _unvalidated(cls, {"start": start, "end": end, "text": text, "speaker": speaker, "kind": kind,
                                  "resolved": resolved, "line": line}, set(_QUOTE_FIELDS))


_QUOTE_FIELDS = frozenset(Quote.model_fields)


class Reliability(_Model):
    label: str
    source: str
    date: str = ""
    url: str = ""

    @classmethod
    def computed(cls, label: str, source: str, date: str, url: str) -> Reliability:
        """A rating read from the validated rules, built without validating it again, as
        ``Outlet.computed`` builds the outlet that carries it."""
        return _unvalidated(cls, {"label": label, "source": source, "date": date, "url": url},
                            set(_RELIABILITY_FIELDS))


_RELIABILITY_FIELDS = frozenset(Reliability.model_fields)


class Outlet(_Model):
    """The outlet a document is attributed to. ``id`` and ``name`` are null when only a domain is known."""

    id: str | None
    name: str | None
    domain: str | None
    confidence: float = Field(ge=0, le=1)
    evidence: list[str]
    kind: str | None = None
    country: str | None = None
    ownership: str | None = None
    flags: list[str] = Field(default_factory=list)
    reliability: list[Reliability] = Field(default_factory=list)

    @classmethod
    def computed(cls, id: str | None, name: str | None, domain: str | None, confidence: float, evidence: list[str],
                 kind: str | None, country: str | None, ownership: str | None, flags: list[str],
                 reliability: list[Reliability]) -> Outlet:
        """An outlet the provenance analyzer computed from a validated profile (a confidence between 0
        and 1, fresh lists), built without validating it again: validation is most of its cost."""
        return _unvalidated(cls, {"id": id, "name": name, "domain": domain, "confidence": confidence,
                                  "evidence": evidence, "kind": kind, "country": country, "ownership": ownership,
                                  "flags": flags, "reliability": reliability}, set(_OUTLET_FIELDS))


_OUTLET_FIELDS = frozenset(Outlet.model_fields)


class Facts(_Model):
    """What the document says about its own provenance: its text, else (for the date and byline) its
    metadata, which a finding then names (PV015, PV016)."""

    published: str | None = None
    published_text: str | None = None
    byline: str | None = None
    dateline: str | None = None
    republished: bool = False
    chain: list[str] = Field(default_factory=list)
    published_partial: str | None = Field(None, description="Day and month without a year, as --MM-DD")
    byline_kind: Literal["person", "generic"] | None = None
    dateline_place: str | None = None
    dateline_credit: str | None = Field(None, description="The agency credited in the dateline")
    wire: list[str] = Field(default_factory=list, description="Agencies whose copy this outlet carries")
    relays: list[str] = Field(default_factory=list, description="Outlets whose reporting the text relays")

    @classmethod
    def blank(cls) -> Facts:
        """``Facts()``, without validating its defaults (each factory's list made anew): the provenance
        analyzer starts every document from one and fills it in."""
        fields = _BLANK_FACTS.copy()
        for name, factory in _FACTS_FACTORIES:
            fields[name] = factory()
        return _unvalidated(cls, fields, set())


_BLANK_FACTS = Facts().__dict__
_FACTS_FACTORIES = [(name, f.default_factory) for name, f in Facts.model_fields.items() if f.default_factory]


class Scores(_Model):
    provenance: float = Field(ge=0, le=100)
    attribution: float | None = Field(ge=0, le=100)
    residue: float = Field(ge=0, le=100)
    overall: float = Field(ge=0, le=100)

    @classmethod
    def computed(cls, provenance: float, attribution: float | None, residue: float, overall: float) -> Scores:
        """Scores that scoring computed (each clamped to 0-100 there), built without validating them
        again, as ``Finding.computed`` builds findings: every document has its scores."""
        return _unvalidated(cls, {"provenance": provenance, "attribution": attribution, "residue": residue,
                                  "overall": overall}, set(_SCORES_FIELDS))


_SCORES_FIELDS = frozenset(Scores.model_fields)


class GateNote(_Model):
    """One decision of the gate: a reason the document fails (``block``), a warning that never blocks
    (``warn``), or a failure the baseline already records (``baselined``)."""

    action: GateAction
    check: GateCheck
    message: str
    rule: str | None = Field(None, description="The rule, for a rule check")
    line: int | None = Field(None, ge=1, description="First line of the first finding concerned")

    @classmethod
    def computed(cls, action: GateAction, check: GateCheck, message: str,
                 rule: str | None = None, line: int | None = None) -> GateNote:
        """A note of the gate's own making (its actions and checks, a finding's rule and line),
        built without validating them again, as ``Finding.computed``."""
        return _unvalidated(cls, {"action": action, "check": check, "message": message, "rule": rule, "line": line},
                            set(_GATE_NOTE_FIELDS))


_GATE_NOTE_FIELDS = frozenset(GateNote.model_fields)


class Suppressed(_Model):
    """A suppression from the settings' ignore list that applies to this document."""

    path: str = Field(description="The ignore entry's path pattern")
    rules: list[str]
    reason: str
    findings: int = Field(ge=0, description="How many findings it removed (0: unused here)")


class DocumentReport(_Model):
    id: str
    path: str
    sha256: str
    scores: Scores
    passed: bool
    outlet: Outlet | None
    facts: Facts
    quotes: list[Quote]
    findings: list[Finding]
    chars: int = Field(ge=0)
    lines: int = Field(ge=0)
    gate: list[GateNote] = Field(default_factory=list, description="Why the document failed, and warnings")
    suppressed: list[Suppressed] = Field(default_factory=list, description="Suppressions applied to this document")

    @classmethod
    def computed(cls, id: str, path: str, sha256: str, scores: Scores, passed: bool, outlet: Outlet | None,
                 facts: Facts, quotes: list[Quote], findings: list[Finding], chars: int, lines: int) -> DocumentReport:
        """A report of parts the pipeline built (models themselves, or counts), without validating them
        again, as ``Finding.computed`` builds findings; the gate and suppressions are left unset."""
        return _unvalidated(cls, {"id": id, "path": path, "sha256": sha256, "scores": scores, "passed": passed,
                                  "outlet": outlet, "facts": facts, "quotes": quotes, "findings": findings,
                                  "chars": chars, "lines": lines, "gate": [], "suppressed": []},
                            set(_REPORT_COMPUTED_FIELDS))


_REPORT_COMPUTED_FIELDS = frozenset(DocumentReport.model_fields) - {"gate", "suppressed"}


class ReadError(_Model):
    """A document (or record) that could not be read."""

    path: str
    line: int | None = None
    message: str


class ErrorRecord(_Model):
    """What ``--format jsonl`` writes for a document that could not be read."""

    error: str
    path: str
    line: int | None = None


class Tool(_Model):
    name: str = "provenance"
    version: str
    rules_digest: str


class Summary(_Model):
    documents: int
    passed: int
    failed: int
    errors: int
    threshold: float
    mean_scores: dict[str, float | None]
    rules: dict[str, int] = Field(description="How many findings each rule produced")
    outlets: dict[str, int] = Field(description="Documents per outlet id (or domain, or 'unknown')")


class CorpusReport(_Model):
    schema_version: str = SCHEMA_VERSION
    tool: Tool
    summary: Summary
    documents: list[DocumentReport]
    errors: list[ReadError]
