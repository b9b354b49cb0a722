"""Signature matching: compile each signature once, then find its hits in a document.

This is the reference engine: every enabled signature is tried on every document. It is exact
(Unicode word boundaries, per-line scope, whole-line anchoring) and is the yardstick any faster
engine must agree with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from provenance.document import Document, Line
from provenance.rulemodels import Signature

# Spaces, punctuation and symbols that may surround a whole-line match ("Related posts:", "• Home").
_EDGE = r"[\p{Zs}\t\p{P}\p{S}]*"


class PatternError(ValueError):
    """A signature whose phrases or patterns do not compile."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One match of a signature: the match span and the lines it lies on."""

    signature: Signature
    start: int
    end: int
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class CompiledSignature:
    rule: Signature
    regex: regex.Pattern

    def lines_to_scan(self, doc: Document, only: set[int] | None = None) -> list[Line]:
        """The lines this signature looks at: its region, narrowed to the line numbers ``only``."""
        lines = doc.lines
        if self.rule.region == "any":
            return lines if only is None else [lines[n - 1] for n in sorted(only) if n <= len(lines)]
        nonblank = doc.nonblank_lines
        n = self.rule.region_lines
        region = nonblank[:n] if self.rule.region == "head" else nonblank[-n:]
        return region if only is None else [line for line in region if line.number in only]


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
        raise PatternError("a signature needs `phrases` or `patterns`")
    flags = regex.VERSION1 | regex.MULTILINE
    if not rule.case_sensitive:
        flags |= regex.IGNORECASE | regex.FULLCASE
    try:
        compiled = regex.compile(signature_source(rule), flags)
    except regex.error as exc:
        raise PatternError(f"invalid regex: {exc}") from None
    return CompiledSignature(rule, compiled)


def find_hits(sig: CompiledSignature, doc: Document, timeout: float | None = None,
              only_lines: set[int] | None = None) -> Iterator[Hit]:
    """All hits of one signature in one document, in text order; a line-scoped signature looks only
    at ``only_lines`` when given (a prefilter's answer: the other lines cannot match)."""
    if sig.rule.scope == "text" and sig.rule.region == "any":
        for m in sig.regex.finditer(doc.text, timeout=timeout):
            if m.end() > m.start():
                yield Hit(sig.rule, m.start(), m.end(), doc.line_at(m.start()), doc.line_at(max(m.start(), m.end() - 1)))
        return
    limit = sig.rule.max_line_chars
    for line in sig.lines_to_scan(doc, only_lines):
        if not line.text.strip() or (limit and len(line.text) > limit):
            continue
        for m in sig.regex.finditer(line.text, timeout=timeout):
            if m.end() > m.start():
                yield Hit(sig.rule, line.start + m.start(), line.start + m.end(), line.number, line.number)


def example_fires(sig: CompiledSignature, text: str) -> bool:
    """Whether a signature fires anywhere in an example text (used by rule tests)."""
    doc = Document(id="example", path="example", text=text)
    return next(find_hits(sig, doc), None) is not None
