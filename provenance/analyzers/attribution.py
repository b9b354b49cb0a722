"""Attribution: every direct quotation found and given to its speaker, and sourcing judged.

Quote marks are paired per paragraph (curly, guillemets, low-high and straight quotes; a single
curly quote between two letters is an apostrophe, never a quote boundary). Speakers are found next
to the quote through the speech-verb lexicon; pronouns resolve to the last named speaker within two
paragraphs. Short quoted phrases with no speaker are scare quotes or titles: reported as such, not
counted as speech. Sourcing signatures (``rules/attribution/``) add the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from provenance.analyzers import Context, make_finding
from provenance.document import Document
from provenance.outlets import outlet_index
from provenance.report import Finding, Quote, QuoteKind, Span
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet

PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "‹": "›"}
_LETTER = regex.compile(r"\p{L}|\p{N}")
_NAME = r"(?:[\p{Lu}][\p{L}’'.-]+)(?:\s+(?:[\p{Lu}][\p{L}’'.-]+|de|van|von|al|bin|da))*"


@dataclass
class AttributionResult:
    findings: list[Finding]
    quotes: list[Quote]


@dataclass
class RawQuote:
    start: int  # first quoted character
    end: int  # after the last quoted character
    open: int  # offset of the opening mark
    close: int  # offset of the closing mark


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return bool(_LETTER.match(before)) and bool(_LETTER.match(after))


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not _LETTER.match(before) and not after.isspace()


def _can_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not _LETTER.match(after)


def find_quotes(text: str, start: int, end: int) -> Iterator[RawQuote]:
    """Quotations within ``text[start:end]`` (one paragraph), outermost pairs only."""
    i = start
    while i < end:
        ch = text[i]
        closer = PAIRS.get(ch)
        if closer and _can_open(text, i) and not (ch in "‘'" and _is_apostrophe(text, i)):
            j = i + 1
            while j < end:
                if text[j] == closer and _can_close(text, j) and not (closer in "’'" and _is_apostrophe(text, j)):
                    break
                j += 1
            if j < end and j > i + 1:
                yield RawQuote(i + 1, j, i, j)
                i = j + 1
                continue
        i += 1


def _paragraph_quotes(doc: Document, skip: set[int]) -> Iterator[RawQuote]:
    """Quotes in every non-residue line; an unclosed “ that runs into the next paragraph continues there."""
    pending: RawQuote | None = None
    for line in doc.lines:
        if line.number in skip or not line.text.strip():
            continue
        text = doc.text
        found = list(find_quotes(text, line.start, line.end))
        if pending and text[line.start:line.end].lstrip().startswith("“"):
            pending = None  # a new paragraph opening with “ continues the quotation: handled below
        yield from found
        opened = text.rfind("“", line.start, line.end)
        if opened >= 0 and "”" not in text[opened:line.end] and not any(q.open == opened for q in found):
            body_end = line.end
            yield RawQuote(opened + 1, body_end, opened, body_end)


@dataclass
class Patterns:
    after: regex.Pattern
    before: regex.Pattern
    according: regex.Pattern
    pronouns: set[str]
    anonymous: regex.Pattern | None
    vague: regex.Pattern | None
    organisations: regex.Pattern | None


def _alternation(words: list[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


def _word_pattern(words: list[str]) -> regex.Pattern | None:
    return regex.compile(rf"\b(?:{_alternation(words)})\b", regex.IGNORECASE) if words else None


def _compile(rules: RuleSet) -> Patterns:
    verbs = _alternation(rules.lexicon("speech-verbs") or ["said"])
    pronouns = rules.lexicon("pronouns") or ["he", "she", "they"]
    pron = _alternation(pronouns)
    speaker = rf"(?P<speaker>{_NAME}|{pron}|(?:the|a|an)\s+[\p{{L}} -]{{2,40}}?)"
    after = regex.compile(
        rf"^[\s,]*(?:(?:{verbs})\s+{speaker}|{speaker}\s+(?:has\s+|had\s+)?(?:{verbs}))\b", regex.IGNORECASE | regex.V1
    )
    before = regex.compile(
        rf"{speaker}\s+(?:has\s+|had\s+)?(?:{verbs})(?:\s+(?:that|on \w+|at \w+[\w ]*))?\s*[:,]?\s*$", regex.IGNORECASE | regex.V1
    )
    according = regex.compile(rf"\baccording to\s+{speaker}", regex.IGNORECASE | regex.V1)
    return Patterns(after, before, according, {p.lower() for p in pronouns},
                    _word_pattern(rules.lexicon("anonymous-sources")), _word_pattern(rules.lexicon("vague-sources")),
                    _word_pattern(rules.lexicon("organisation-words")))


def _speaker(doc: Document, q: RawQuote, pats: Patterns) -> Span | None:
    text = doc.text
    line_start, line_end = text.rfind("\n", 0, q.open) + 1, text.find("\n", q.close)
    line_end = len(text) if line_end < 0 else line_end
    m = pats.after.search(text, q.close + 1, min(line_end, q.close + 120))
    if not m:
        m = pats.before.search(text, max(line_start, q.open - 160), q.open)
    if not m:
        m = pats.according.search(text, line_start, line_end)
    if not m:
        return None
    s, e = m.span("speaker")
    return Span(text=text[s:e], start=s, end=e)


def _kind(speaker: Span | None, pats: Patterns, outlet_names: regex.Pattern | None) -> QuoteKind:
    if speaker is None:
        return "unattributed"
    words = speaker.text
    if words.lower() in pats.pronouns:
        return "pronoun"
    if outlet_names is not None and outlet_names.search(words):
        return "relayed"
    for pattern, kind in ((pats.anonymous, "anonymous"), (pats.vague, "vague"), (pats.organisations, "organisation")):
        if pattern is not None and pattern.search(words):
            return kind
    if not words[:1].isupper():
        return "vague"
    return "named"


def _is_scare(doc: Document, q: RawQuote, speaker: Span | None, rule: Detector | None) -> bool:
    if speaker is not None or rule is None:
        return False
    body = doc.text[q.start:q.end]
    return len(body.split()) <= int(rule.params.get("max_words", 4)) and not regex.search(r"[.!?,]$", body.strip())


def analyze(ctx: Context) -> AttributionResult:
    pats = ctx.rules.memo("attribution-patterns", _compile)
    scare_rule = next(iter(ctx.rules.detectors_named("scare-quote")), None)
    names = outlet_index(ctx.rules).names
    quotes: list[Quote] = []
    findings: list[Finding] = []
    last_named: tuple[Span, int] | None = None
    for q in _paragraph_quotes(ctx.doc, ctx.residue_lines):
        speaker = _speaker(ctx.doc, q, pats)
        if _is_scare(ctx.doc, q, speaker, scare_rule):
            findings.append(make_finding(scare_rule, ctx.doc, q.start, q.end))
            continue
        kind = _kind(speaker, pats, names)
        line = ctx.doc.line_at(q.start)
        resolved = None
        if kind == "named":
            last_named = (speaker, line)
        elif kind == "pronoun" and last_named and line - last_named[1] <= 4:
            resolved = last_named[0]
        quotes.append(Quote(start=q.start, end=q.end, text=ctx.doc.text[q.start:q.end], speaker=speaker,
                            kind=kind, resolved=resolved, line=line))
    findings += [make_finding(h.signature, ctx.doc, h.start, h.end, points=-h.signature.weight)
                 for h in ctx.hits_for("attribution") if ctx.doc.line_at(h.start) not in ctx.residue_lines]
    return AttributionResult(sorted(findings, key=lambda f: (f.start or 0, f.rule)), quotes)
