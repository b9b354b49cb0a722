"""Provenance clarity: which outlet published the document, when, who wrote it, where from,
and whether this copy is the original or a republication relaying someone else.

Facts come from signature hits tagged ``date``, ``partial-date``, ``relative-date``, ``byline``,
``dateline``, ``republisher``, ``relay``, ``outlet-cue`` and ``domain-mention`` (their named groups
say which part of the match is the value), and from outlet profiles; detectors in
``rules/provenance/`` turn them into scored findings (credit for each fact found, a penalty for a
copy), so the score is the sum of its findings. Outlet flags and ratings are reported, never scored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import re2
import regex

from provenance.analyzers import Context, document_finding, make_finding
from provenance.document import Document, Line, cached_attribute
from provenance.engine import Untranslatable, prefilter_source
from provenance.matcher import Hit
from provenance.outlets import OutletIndex, compact_key_within, domain_label, name_key, outlet_index, registrable_domain
from provenance.prescan import finditer_where, known_to_re2, match_start, starts_pattern
from provenance.report import Facts, Finding, Outlet, Reliability
from provenance.rulemodels import Detector, OutletProfile, Signature
from provenance.rulepack import RuleSet
from provenance.speakers import WholeWords


@dataclass
class ProvenanceResult:
    findings: list[Finding]
    outlet: Outlet | None
    facts: Facts


@dataclass
class Cue:
    """One piece of evidence naming an outlet (a profile, a bare domain, or both), with its strength."""

    kind: str
    strength: float
    start: int
    end: int
    profile: OutletProfile | None = None
    domain: str | None = None

    @property
    def key(self) -> str:
        return self.profile.id if self.profile else f"domain:{self.domain}"


@dataclass
class Identified:
    profile: OutletProfile | None
    domain: str | None
    confidence: float
    cues: list[Cue]


@dataclass(frozen=True)
class Plan:
    """What the analyzer reads from the rules on every document, gathered once per rule set: its
    detectors, the outlet rule's line counts, the title separators, the lexicons it parses with, and
    the findings that are the same on every document. Looked up anew on each document, they cost
    more than the rest of the work on a document that states no provenance fact."""

    outlet: Detector | None
    conflict: Detector | None
    copy: Detector | None
    wire: Detector | None
    split: TitleSplit | None
    title_lines: int
    masthead_window: int
    head_lines: int
    tail_lines: int
    months: dict[str, int]
    tail_date_cues: WholeWords | None
    generic: frozenset[str]
    joins: regex.Pattern
    original: list[Finding]
    missing: list[tuple[str, Finding]]
    metadata: dict[str, tuple[str, Detector]]  # a fact -> the metadata field giving it, and its rule
    date_signatures: list[str]  # the ids of the signatures that read an absolute date
    standings: dict[tuple[str, str | None], tuple[list[dict[str, str]], list[str]]] = field(default_factory=dict)
    registered: dict[str, list[str | None]] = field(default_factory=dict)

    def registrable_domains(self, profile: OutletProfile) -> list[str | None]:
        """The registrable domain of each of ``profile``'s domains, kept by profile: the same outlets'
        cues come back document after document."""
        if profile.id not in self.registered:
            self.registered[profile.id] = [registrable_domain(d) for d in profile.domains]
        return self.registered[profile.id]

    @classmethod
    def of(cls, rules: RuleSet) -> Plan:
        outlet = _detector(rules, "outlet")
        params = outlet.params if outlet else {}
        return cls(
            outlet=outlet, conflict=_detector(rules, "outlet-conflict"), copy=_detector(rules, "republished"),
            wire=_detector(rules, "wire-carriage"), split=_title_split(params) if outlet else None,
            title_lines=int(params.get("title_lines", 3)), masthead_window=int(params.get("masthead_window", 8)),
            head_lines=_fact_lines(params, "head"), tail_lines=_fact_lines(params, "tail"),
            months=_month_numbers(rules.lexicon("month-names")),
            tail_date_cues=WholeWords(cues) if (cues := rules.lexicon("tail-date-cues")) else None,
            generic=_generic_bylines(rules),
            joins=_byline_joins(rules), original=_original_findings(rules), missing=_missing_findings(rules),
            metadata=_metadata_rules(rules),
            date_signatures=[s.rule.id for s in rules.signatures
                             if s.rule.dimension == "provenance" and "date" in s.rule.tags],
        )


# The tags of the facts counted in the head lines, and of those counted in the tail lines too.
_HEAD_FACTS = frozenset({"date", "partial-date", "byline", "dateline"})
_TAIL_FACTS = frozenset({"date", "byline"})


def fact_region_problems(rules: RuleSet) -> list[str]:
    """A provenance signature of a fact that does not read every line the fact counts in (the outlet
    rule's ``fact_head_lines`` and ``fact_tail_lines``), whose facts there would be missed without a
    word: a rule error (``rulepack.load_rules``)."""
    outlet = _detector(rules, "outlet")
    counted = {part: _fact_lines(outlet.params if outlet else {}, part) for part in ("head", "tail")}
    problems = []
    for sig in rules.signatures:
        rule = sig.rule
        for tag in sorted(_HEAD_FACTS.intersection(rule.tags) if rule.dimension == "provenance" else ()):
            for part in ("head", "tail") if tag in _TAIL_FACTS else ("head",):
                if counted[part] and not _reads(rule, part, counted[part]):
                    problems.append(f"{rules.origins[rule.id]}: signature ({rule.id}).region: reads "
                                    f"{_region_name(rule)}, but a {tag} counts in the {part}'s {counted[part]} "
                                    f"non-blank lines ({_counted_where(rules, outlet, part)})")
    return problems


def _fact_lines(params: dict, part: str) -> int:
    """How many of the first (``head``) or last (``tail``) non-blank lines facts count in."""
    return int(params.get(f"fact_{part}_lines", 12 if part == "head" else 6))


def _reads(rule: Signature, part: str, lines: int) -> bool:
    return rule.region == "any" or (rule.region in (part, "ends") and rule.region_lines >= lines)


def _region_name(rule: Signature) -> str:
    return "every line" if rule.region == "any" else f"{rule.region} {rule.region_lines}"


def _counted_where(rules: RuleSet, outlet: Detector | None, part: str) -> str:
    if outlet is None:
        return f"the default fact_{part}_lines: no outlet rule"
    return f"params.fact_{part}_lines of {outlet.id} in {rules.origins[outlet.id]}"


def _plan(ctx: Context) -> Plan:
    return ctx.rules.memo("provenance-plan", Plan.of)


def _detector(rules: RuleSet, name: str) -> Detector | None:
    found = rules.detectors_named(name)
    return found[0] if found else None


class FactRegions:
    """The numbers of the first and last non-blank lines, where dates, bylines and datelines count;
    each set made only when a document has a hit to place in it."""

    def __init__(self, doc: Document, head: int, tail: int):
        self.doc, self.head_lines, self.tail_lines = doc, head, tail

    @cached_attribute
    def head(self) -> set[int]:
        return {line.number for line in self.doc.nonblank_lines[:self.head_lines]}

    @cached_attribute
    def tail(self) -> set[int]:
        return {line.number for line in self.doc.nonblank_lines[-self.tail_lines:]} if self.tail_lines else set()


def _compiled(ctx: Context) -> dict[str, tuple[regex.Pattern, tuple[tuple[str, int], ...]]]:
    """Each signature's pattern and its named groups' numbers, by rule id."""
    return ctx.rules.memo("signatures-by-id", lambda rules: {s.rule.id: (s.regex, tuple(s.regex.groupindex.items()))
                                                             for s in rules.signatures})


def _groups(ctx: Context, hit: Hit) -> dict[str, tuple[str, int, int]]:
    """The named groups of a hit: name -> (text, start, end), for groups that took part (and are not
    empty). Read by number: asked by name, ``regex`` takes several times as long over every group."""
    pattern, named = _compiled(ctx).get(hit.signature.id, (None, ()))
    m = pattern.search(ctx.doc.text, hit.start, hit.end) if pattern is not None else None
    if m is None:
        return {}
    text, found = ctx.doc.text, {}
    for name, number in named:
        start, end = m.span(number)
        if end > start:
            found[name] = (text[start:end], start, end)
    return found


# --- outlet cues -------------------------------------------------------------------------------


def _mentioned_domains(ctx: Context) -> dict[str, tuple[int, int]]:
    """Registrable domains the text writes out (``example.com``), with where each is first seen."""
    found: dict[str, tuple[int, int]] = {}
    for hit in ctx.hits_tagged("domain-mention"):
        text, start, end = _groups(ctx, hit).get("domain", ("", hit.start, hit.end))
        domain = registrable_domain(text) if text.isascii() else None
        if domain:
            found.setdefault(domain, (start, end))
    return found


class Mentioned:
    """The registrable domains the text writes out, found only when a cue asks for them and the text
    may hold what it asks for: most documents have no cue that does, and the mentions are found on
    demand (their signature's rule field ``on_demand``), each costing a search for its groups."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def labelled(self, name: str) -> str | None:
        """The first domain written with ``name`` as its label, spelled as a label (``compact_key``).
        A domain's label, and the dot after it, are part of its mention's text, so a label that no
        mention's text holds (lower-cased) needs no domain read, nor one the text does not hold
        (``_may_write``). A name whose label is longer than the text is spelled no further than that."""
        label = compact_key_within(name, len(self.ctx.doc.text))
        if label is None or not self._may_write(label + ".") or label not in self.written:
            return None
        return self.labels.get(label)

    def wrote(self, domain: str | None) -> bool:
        """Whether the text writes out the registrable ``domain``: as ``labelled``, only a domain
        that a mention's text holds is looked for among the domains read."""
        return domain is not None and self._may_write(domain) and domain in self.written and domain in self.domains

    def _may_write(self, part: str) -> bool:
        """Whether the text holds ``part`` of a domain (lower-case) in ASCII letters of either case: a
        mention's text is ASCII and a substring of the text, so a part that the text does not hold, no
        mention's text holds either, and the mentions need not be found (they are found on demand,
        rule field ``on_demand``: most title lines name a site the text never writes as a domain)."""
        return part.encode() in self._ascii_lowered

    @cached_attribute
    def _ascii_lowered(self) -> bytes:
        """The text's UTF-8 with its ASCII letters lower-cased: a tenth of what lower-casing the text
        costs where it holds other characters (most texts)."""
        return self.ctx.doc.utf8.lower()

    @cached_attribute
    def written(self) -> str:
        """The texts of the domain mentions, lower-cased, one a line."""
        text = self.ctx.doc.text
        return "\n".join(text[hit.start:hit.end] for hit in self.ctx.hits_tagged("domain-mention")).lower()

    @cached_attribute
    def domains(self) -> dict[str, tuple[int, int]]:
        return _mentioned_domains(self.ctx)

    @cached_attribute
    def labels(self) -> dict[str, str]:
        """Domain label -> the first domain written with it."""
        labels: dict[str, str] = {}
        for domain in self.domains:
            labels.setdefault(domain_label(domain), domain)
        return labels


def _title_cues(ctx: Context, index: OutletIndex, plan: Plan, mentioned: Mentioned) -> Iterator[Cue]:
    """Site names closing or opening a title line: a profile's name, or the label of a domain the text
    writes out. A line with no separator has one part at most, and names nothing."""
    params, split = plan.outlet.params, plan.split
    for line in split.splittable(ctx.doc, ctx.doc.nonblank_lines[:plan.title_lines]):
        bounds = _segments(line, split)
        if len(bounds) < 2:
            continue
        for start, end in (bounds[-1], bounds[0]):
            segment = ctx.doc.text[start:end]
            profile = index.for_name(segment)
            if profile is not None:
                yield Cue("masthead", float(params.get("masthead", 0.9)), start, end, profile=profile)
                continue
            labelled = mentioned.labelled(segment)
            if labelled is not None or _domain_shaped(segment):
                domain = labelled or registrable_domain(segment)
                yield Cue("title-site", float(params.get("title_site", 0.85)), start, end,
                          profile=index.for_url(domain), domain=domain)


def _masthead_lines(ctx: Context, index: OutletIndex, plan: Plan) -> list[Cue]:
    """Head lines that are nothing but a curated profile's name or masthead ("Example Blog" above the headline).

    Imported profiles' short aliases ("RSS") are menu words as often as names, so they do not count; and
    when the opening lines name several outlets, one a line, they are a network's menu of sister sites,
    not the page's masthead, so none counts. Only a name among the title lines counts, so without
    one the lines after them are not read.
    """
    lines = ctx.doc.nonblank_lines[:plan.masthead_window]
    found = _curated_names(index, lines[:plan.title_lines])
    if not found:
        return []
    found += _curated_names(index, lines[plan.title_lines:])
    if len({profile.id for *_, profile in found}) != 1:
        return []
    line, text, profile = found[0]
    start = line.start + line.text.index(text)
    strength = float(plan.outlet.params.get("masthead_line", 0.8))
    return [Cue("masthead-line", strength, start, start + len(text), profile=profile)]


def _curated_names(index: OutletIndex, lines: list[Line]) -> list[tuple[Line, str, OutletProfile]]:
    """The lines that are a curated profile's name, with their stripped text and the profile. A name's
    key has no white space at either end, so a line is looked up as it is: most lines name no profile,
    and a long one (a paragraph) is then never copied to be stripped."""
    found = []
    for line in lines:
        profile = index.for_curated_name(line.text)
        if profile is not None:
            found.append((line, line.text.strip(), profile))
    return found


def _domain_shaped(segment: str) -> bool:
    """A site named by its domain ("... | Example.com"): one ASCII token with a public suffix."""
    token = segment.strip()
    return token.isascii() and " " not in token and "." in token and registrable_domain(token) is not None


# Measured on dev-B's and dev-A's title lines: below 200 characters ``regex`` alone finds a line's
# separators sooner (1.4 against 4.1 us under 40 characters), above it the RE2 copy's offsets do.
SHORT_LINE = 200


@dataclass(frozen=True)
class TitleSplit:
    """The title separators, and where RE2 says one can begin (None when RE2 cannot copy the pattern).

    The opening lines are often whole paragraphs, where ``regex`` would try the pattern at every
    offset; tried only where its RE2 copy matches, it finds the same separators in a fraction of the
    time. On a line shorter than ``SHORT_LINE`` characters (most title lines) the RE2 search and the
    encoding before it cost more than ``regex``'s own search, which then searches alone.
    ``run`` is that copy in multi-line mode, to search the title lines at once in the document's
    UTF-8 (None where the copy anchors at the text's start or end, which a line's own search sees
    and the run's does not)."""

    pattern: regex.Pattern
    starts: re2._Regexp | None
    run: re2._Regexp | None = None

    def finditer(self, text: str) -> Iterator[regex.Match]:
        if self.starts is None or len(text) < SHORT_LINE:
            return self.pattern.finditer(text)
        return finditer_where(self.pattern, self.starts, text)

    def splittable(self, doc: Document, lines: list[Line]) -> list[Line]:
        """The ``lines`` where a separator may begin (``may_split``), found by searching their run in
        the document's UTF-8: a line's own search finds nothing sooner than the run's from that line
        on, so the lines before the place found have no separator, and the search goes on from the
        line after the one that holds it. Most documents' title lines have no separator, and one
        search replaces their three; where RE2 cannot read the text, each line is asked on its own."""
        data = doc.re2_utf8
        if self.run is None or data is None:
            return [line for line in lines if self.may_split(line.text)]
        starts, found, i = doc.utf8_line_starts, [], 0
        run_end = _line_end(starts, data, lines[-1]) if lines else 0
        while i < len(lines):
            first = match_start(self.run, data, starts[lines[i].number - 1], run_end)
            if first < 0:
                break
            while _line_end(starts, data, lines[i]) < first:
                i += 1
            found.append(lines[i])
            i += 1
        return found

    def may_split(self, text: str) -> bool:
        """False when ``finditer`` finds nothing in ``text`` because its RE2 copy finds no place where a
        separator can begin: one search, where most title lines have no separator."""
        if self.starts is None:
            return True
        try:
            data = text.encode()
        except UnicodeEncodeError:
            return True
        return not known_to_re2(data) or match_start(self.starts, data, 0, len(data)) >= 0


def _line_end(starts: list[int], data: bytes, line: Line) -> int:
    """The byte offset in ``data`` where ``line`` ends (before its newline)."""
    return starts[line.number] - 1 if line.number < len(starts) else len(data)


def _title_split(params: dict) -> TitleSplit:
    source = str(params.get("title_split", r"\s+\|\s+"))
    try:
        copy = prefilter_source(source)
        starts = starts_pattern(copy)
    except (Untranslatable, re2.error):
        return TitleSplit(regex.compile(source), None)
    run = None if "\\A" in copy or "\\z" in copy else starts_pattern(f"(?m)(?:{copy})")
    return TitleSplit(regex.compile(source), starts, run)


def _segments(line: Line, split: TitleSplit) -> list[tuple[int, int]]:
    """Offsets of the non-empty parts of a title line between separators."""
    bounds, pos = [], 0
    for m in [*split.finditer(line.text), None]:
        end = m.start() if m else len(line.text)
        piece = line.text[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            bounds.append((line.start + pos + lead, line.start + pos + len(piece.rstrip())))
        pos = m.end() if m else pos
    return bounds


def _signature_cues(ctx: Context, index: OutletIndex, params: dict) -> Iterator[Cue]:
    """Generic cue rules (copyright lines, sign-offs, agency credits): their ``outlet``, ``handle`` or ``domain``
    group names it."""
    for hit in ctx.hits_tagged("outlet-cue"):
        strength = float(params.get(hit.signature.id, params.get("cue", 0.75)))
        groups = _groups(ctx, hit)
        if "outlet" in groups:
            text, start, end = groups["outlet"]
            profile = index.for_name(text)
            if profile is not None:
                yield Cue(hit.signature.name, strength, start, end, profile=profile)
        if "handle" in groups:
            text, start, end = groups["handle"]
            profile = index.for_handle(text)
            if profile is not None:
                yield Cue(hit.signature.name, strength, start, end, profile=profile)
        if "domain" in groups:
            text, start, end = groups["domain"]
            domain = registrable_domain(text) if text.isascii() else None
            if domain:
                yield Cue(hit.signature.name, strength, start, end, profile=index.for_url(domain), domain=domain)


def _profile_cues(ctx: Context, index: OutletIndex, params: dict, head_lines: int) -> list[Cue]:
    """Each profile's own dateline and credit regexes, all tried in one pass, within the rule time
    limit: they are rule data, and a catastrophic one must not hang a run (it is reported as RD002).
    A dateline counts in the ``head_lines`` alone, where a story's own stands, as for the dateline
    fact: one further down is quoted (a column citing an agency's alert)."""
    try:
        matches = index.credit_matches(ctx.doc, ctx.timeout)
    except TimeoutError:
        ctx.overruns.append("outlet datelines and credits")
        return []
    owned = [(m, *index.credit_owners[m.lastgroup]) for m in matches]
    head_end = _head_end(ctx, head_lines) if any(kind == "dateline" for _, _, kind in owned) else 0
    return [Cue(kind, float(params.get(kind, 0.8)), m.start(), m.end(), profile=profile)
            for m, profile, kind in owned if kind != "dateline" or m.start() < head_end]


def _head_end(ctx: Context, head_lines: int) -> int:
    """Where the first ``head_lines`` non-blank lines of the text, residue aside, end (0 with none)."""
    head = [line for line in ctx.doc.nonblank_lines if line.number not in ctx.residue_lines][:head_lines]
    return head[-1].end if head else 0


def _resolve(cues: list[Cue], params: dict) -> Identified | None:
    """The outlet the cues agree on, or None when they are weak or point two ways."""
    belief: dict[str, float] = {}
    for cue in cues:
        belief[cue.key] = 1 - (1 - belief.get(cue.key, 0.0)) * (1 - cue.strength)
    if not belief:
        return None
    ranked = sorted(belief.items(), key=lambda kv: (-kv[1], kv[0]))
    top_key, top = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    if top < float(params.get("min_confidence", 0.6)) or top - runner < float(params.get("min_margin", 0.2)):
        return None
    chosen = [c for c in cues if c.key == top_key]
    domain = next((c.domain for c in chosen if c.domain), None)
    return Identified(chosen[0].profile, domain, round(top, 3), chosen)


# --- the outlet --------------------------------------------------------------------------------


def _default_domain(profile: OutletProfile) -> str | None:
    return registrable_domain(profile.domains[0]) if profile.domains else None


def _outlet_model(index: OutletIndex, plan: Plan, found: Identified, evidence: list[str]) -> Outlet:
    profile = found.profile
    domain = found.domain or (_default_domain(profile) if profile else None)
    if profile is None:
        reliability, flags = _standing(index, None, domain)
    else:
        key = (profile.id, domain)
        if key not in plan.standings:
            plan.standings[key] = _standing(index, profile, domain)
        reliability, flags = plan.standings[key]
    confidence = round(found.confidence, 3)
    # Strengths outside 0..1 in a rule's params are the only way to a confidence outside them: the
    # validating constructor then refuses it, as it did before ``computed``.
    build = Outlet.computed if 0.0 <= confidence <= 1.0 else Outlet
    return build(
        id=profile.id if profile else None, name=profile.name if profile else None, domain=domain,
        confidence=confidence, evidence=evidence, kind=profile.kind if profile else None,
        country=profile.country if profile else None, ownership=profile.ownership if profile else None,
        flags=list(flags), reliability=[Reliability.computed(**fields) for fields in reliability],
    )


def _standing(index: OutletIndex, profile: OutletProfile | None,
              domain: str | None) -> tuple[list[dict[str, str]], list[str]]:
    """An outlet's reliability ratings (as ``Reliability`` fields) and flags: its profile's, then those its
    domains are rated with. Kept for each profile and domain in ``Plan.standings``, as the same outlets
    come back document after document."""
    rated = [d for d in [domain, *(profile.domains if profile else [])] if d]
    ratings = index.ratings_for(rated)
    reliability = [r.model_dump() for r in (profile.reliability if profile else [])]
    reliability += [{"label": r.label, "source": r.source, "date": r.date, "url": r.url} for r in ratings
                    if all((x["label"], x["source"]) != (r.label, r.source) for x in reliability)]
    flags = list(dict.fromkeys([*(profile.flags if profile else []), *(f for r in ratings for f in r.flags)]))
    return reliability, flags


def _evidence(doc: Document, cues: list[Cue]) -> list[str]:
    return list(dict.fromkeys(f"{c.kind}:{doc.text[c.start:c.end].strip()}" for c in cues))


def _from_metadata(ctx: Context, index: OutletIndex, params: dict) -> tuple[Identified | None, list[str]]:
    url, named = ctx.doc.meta.get("url"), ctx.doc.meta.get("outlet")
    if url:
        profile, domain = index.for_url(url), registrable_domain(url)
        if profile is None and domain is None:
            return None, []
        confidence = 1.0 if profile else float(params.get("domain_only", 0.5))
        return Identified(profile, domain, confidence, []), [f"url:{domain}"]
    profile = index.for_name(named) if named else None
    if profile is not None:
        return Identified(profile, None, 1.0, []), [f"metadata outlet:{named}"]
    return None, []


def _text_cues(ctxs: list[Context], index: OutletIndex, plan: Plan) -> list[list[Cue]]:
    """The cues each document's text gives (none without an outlet rule), read stage by stage over
    the chunk: a stage's patterns, Set and tables then stay in the caches from one document to the
    next. Where a text writes out no domain, no cue is reported on a written one."""
    if plan.outlet is None:
        return [[] for _ in ctxs]
    mentioned, params = [Mentioned(ctx) for ctx in ctxs], plan.outlet.params
    titles = [[*_title_cues(ctx, index, plan, m)] for ctx, m in zip(ctxs, mentioned)]
    mastheads = [_masthead_lines(ctx, index, plan) for ctx in ctxs]
    signatures = [[*_signature_cues(ctx, index, params)] for ctx in ctxs]
    profiles = [_profile_cues(ctx, index, params, plan.head_lines) for ctx in ctxs]
    return [_on_written_domains([*title, *masthead, *signature, *profile], m, plan)
            for title, masthead, signature, profile, m in zip(titles, mastheads, signatures, profiles, mentioned)]


def _on_written_domains(cues: list[Cue], mentioned: Mentioned, plan: Plan) -> list[Cue]:
    """``cues``, each on the domain the text writes out (``_with_written_domain``)."""
    return [_with_written_domain(c, mentioned, plan) for c in cues]


def _with_written_domain(cue: Cue, mentioned: Mentioned, plan: Plan) -> Cue:
    """An outlet with several domains is reported on the one the text writes out, if any (HuffPost's old
    huffingtonpost.com rather than its first-listed huffpost.com)."""
    if cue.domain or cue.profile is None:
        return cue
    written = [d for d in plan.registrable_domains(cue.profile) if mentioned.wrote(d)]
    if written:
        cue.domain = written[0]
    return cue


def _identify_outlet(ctx: Context, index: OutletIndex, plan: Plan,
                     cues: list[Cue]) -> tuple[Outlet | None, Identified | None, list[Finding]]:
    """The page's outlet (metadata first, then the text's ``cues``), the outlet the text itself names,
    and their findings."""
    rule = plan.outlet
    if rule is None:
        return None, None, []
    params, doc, findings = rule.params, ctx.doc, []
    from_text = _resolve(cues, params)
    from_meta, meta_evidence = _from_metadata(ctx, index, params)
    chosen = from_meta or from_text
    if chosen is None:
        return None, None, []
    evidence = meta_evidence if from_meta else _evidence(doc, chosen.cues)
    outlet = _outlet_model(index, plan, chosen, evidence)
    conflict = plan.conflict
    if conflict and from_meta and from_text and _differ(from_meta, from_text):
        cue = from_text.cues[0]
        msg = f"metadata says {_label(from_meta)}, the text says {_label(from_text)}"
        findings.append(make_finding(conflict, doc, cue.start, cue.end, message=msg, points=-conflict.weight))
    start, end = (chosen.cues[0].start, chosen.cues[0].end) if chosen.cues else (None, None)
    msg = f"outlet: {_label(chosen)} ({', '.join(evidence)})"
    findings.append(make_finding(rule, doc, start, end, message=msg, points=rule.weight * outlet.confidence))
    return outlet, from_text, findings


def _label(found: Identified) -> str:
    return found.profile.name if found.profile else str(found.domain)


def _differ(a: Identified, b: Identified) -> bool:
    if a.profile and b.profile:
        return a.profile.id != b.profile.id
    da, db = a.domain or (_default_domain(a.profile) if a.profile else None), b.domain or (_default_domain(b.profile) if b.profile else None)
    return bool(da and db and da != db)


# --- dates, bylines, datelines -----------------------------------------------------------------


def _first_in(hits: list[Hit], lines: set[int]) -> Hit | None:
    return next((h for h in hits if h.line in lines), None)


def _provenance_hits(ctx: Context, tag: str) -> list[Hit]:
    return [h for h in ctx.hits_tagged(tag) if h.signature.dimension == "provenance"]


def _fact_hit(ctx: Context, tag: str, regions: FactRegions, tail: bool = True) -> Hit | None:
    """The first provenance hit of ``tag`` in the head lines, else (if ``tail``) in the tail lines."""
    hits = _provenance_hits(ctx, tag)
    if not hits:  # no regions worked out
        return None
    return _first_in(hits, regions.head) or (_first_in(hits, regions.tail) if tail else None)


def _month_numbers(months: list[str]) -> dict[str, int]:
    """The first three letters (case-folded) of each month name -> the number of the first month they begin."""
    numbers: dict[str, int] = {}
    for number, name in enumerate(months, 1):
        prefix = name.casefold()[:3]
        if len(prefix) == 3:
            numbers.setdefault(prefix, number)
    return numbers


def _month_number(word: str, months: dict[str, int]) -> int | None:
    """The month a word's first three letters begin the name of (``_month_numbers``)."""
    prefix = word.casefold()[:3]
    return months.get(prefix) if len(prefix) == 3 else None


def _iso_date(groups: dict[str, tuple[str, int, int]], months: dict[str, int]) -> str | None:
    """``day``/``month``/``year`` groups (month as a number or a name) -> ``YYYY-MM-DD``; None if impossible."""
    day, month, year = (groups.get(k, ("",))[0] for k in ("day", "month", "year"))
    number = int(month) if month.isdigit() else _month_number(month, months)
    if not (day.isdigit() and number):
        return None
    d, m = int(day), number
    if m > 12 and d <= 12:  # "12/25/2022": a month-first numeric date
        d, m = m, d
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{year}-{m:02d}-{d:02d}" if year else f"--{m:02d}-{d:02d}"


def _tail_date_hit(ctx: Context, regions: FactRegions, cues: WholeWords | None) -> Hit | None:
    """The first date in the tail lines on a line that says what it dates (lexicon ``tail-date-cues``:
    'Last updated', 'modified'): a bare date there is as often a comment's or a related article's."""
    if cues is None:
        return None
    for hit in _provenance_hits(ctx, "date"):
        if hit.line in regions.tail and cues.search(ctx.doc.lines[hit.line - 1].text):
            return hit
    return None


def _date_findings(ctx: Context, facts: Facts, regions: FactRegions, plan: Plan) -> Iterator[Finding]:
    hit = _fact_hit(ctx, "date", regions, tail=False) or _tail_date_hit(ctx, regions, plan.tail_date_cues)
    if hit is not None:
        facts.published_text = ctx.doc.text[hit.start:hit.end].strip()
        facts.published = _iso_date(_groups(ctx, hit), plan.months)
        msg = f"publication date {facts.published or facts.published_text}"
        yield make_finding(hit.signature, ctx.doc, hit.start, hit.end, message=msg, points=hit.signature.weight)
        return
    partial = _fact_hit(ctx, "partial-date", regions, tail=False)
    if partial is not None:
        facts.published_partial = _iso_date(_groups(ctx, partial), plan.months)
        facts.published_text = ctx.doc.text[partial.start:partial.end].strip()
        yield make_finding(partial.signature, ctx.doc, partial.start, partial.end, points=partial.signature.weight)
    for rel in ctx.hits_tagged("relative-date")[:1]:
        yield make_finding(rel.signature, ctx.doc, rel.start, rel.end, points=0.0)


def _byline_findings(ctx: Context, facts: Facts, regions: FactRegions, plan: Plan) -> Iterator[Finding]:
    hit = _fact_hit(ctx, "byline", regions)
    if hit is None:
        return
    name = _tidy_name(_groups(ctx, hit).get("name", (ctx.doc.text[hit.start:hit.end],))[0])
    facts.byline, facts.byline_kind = name, _byline_kind(name, plan)
    msg = f"byline ({facts.byline_kind}): {name}"
    yield make_finding(hit.signature, ctx.doc, hit.start, hit.end, message=msg, points=hit.signature.weight)


def _metadata_findings(ctx: Context, facts: Facts, plan: Plan) -> Iterator[Finding]:
    """The date and byline the document's metadata gives (a sidecar's or a record's fields, as the
    ``metadata-fact`` rules name them) where its text states none: the scraper read them from the
    page, as it read the outlet. A date counts when one of the date signatures reads it."""
    meta = ctx.doc.meta
    date_rule = plan.metadata.get("date")
    if date_rule and not facts.published_text and (value := meta.get(date_rule[0], "").strip()):
        published = _metadata_date(ctx, value, plan)
        if published is not None:
            facts.published, facts.published_text = published, value
            rule = date_rule[1]
            yield document_finding(rule, message=f"{rule.message}: {published}", points=rule.weight)
    byline_rule = plan.metadata.get("byline")
    if byline_rule and not facts.byline and (name := _tidy_name(meta.get(byline_rule[0], ""))):
        facts.byline, facts.byline_kind = name, _byline_kind(name, plan)
        rule = byline_rule[1]
        yield document_finding(rule, message=f"{rule.message} ({facts.byline_kind}): {name}", points=rule.weight)


def _metadata_date(ctx: Context, value: str, plan: Plan) -> str | None:
    """``value`` as ``YYYY-MM-DD``, read by the first date signature that finds a whole date in it."""
    compiled = _compiled(ctx)
    for sig_id in plan.date_signatures:
        pattern, named = compiled[sig_id]
        m = pattern.search(value)
        if m is not None:
            groups = {name: (m.group(number), *m.span(number)) for name, number in named if m.group(number)}
            if (iso := _iso_date(groups, plan.months)) is not None and not iso.startswith("--"):
                return iso
    return None


def _metadata_rules(rules: RuleSet) -> dict[str, tuple[str, Detector]]:
    """Each ``metadata-fact`` rule by the fact it gives (``date`` or ``byline``), with the metadata field
    it reads; the first rule of a fact wins."""
    found: dict[str, tuple[str, Detector]] = {}
    for rule in rules.detectors_named("metadata-fact"):
        found.setdefault(str(rule.params.get("fact")), (str(rule.params.get("field")), rule))
    return found


def _tidy_name(name: str) -> str:
    """A byline's name with its runs of whitespace (no-break spaces too, which pages put after a
    credit) made one space, and no comma or space at either end."""
    return " ".join(name.split()).strip(" ,")


def _byline_kind(name: str, plan: Plan) -> str:
    """A byline's kind: ``generic`` when every name it joins is a generic credit ('Staff', 'Agencies')."""
    parts = [p for p in plan.joins.split(name) if p.strip()]
    return "generic" if parts and all(name_key(p) in plan.generic for p in parts) else "person"


def _byline_joins(rules: RuleSet) -> regex.Pattern:
    """What splits a shared byline into its names (lexicon ``byline-joins``), with the spaces around:
    a join that is a word only as a whole word."""
    joins = [rf"\b{regex.escape(w)}\b" if regex.match(r"\w", w) else regex.escape(w) for w in rules.lexicon("byline-joins")]
    return regex.compile(rf"\s*(?:{'|'.join(joins) or '(?!)'})\s*")


def _generic_bylines(rules: RuleSet) -> frozenset[str]:
    """The generic credits' name keys, built once per rule set rather than on every byline."""
    return frozenset(name_key(w) for w in rules.lexicon("generic-bylines"))


def _dateline_findings(ctx: Context, facts: Facts, regions: FactRegions) -> Iterator[Finding]:
    hit = _fact_hit(ctx, "dateline", regions, tail=False)
    if hit is None:
        return
    groups = _groups(ctx, hit)
    # A pattern that reads past the dateline to tell it from a heading in capitals says in its
    # ``dateline`` group where the dateline itself ends.
    facts.dateline = groups.get("dateline", (ctx.doc.text[hit.start:hit.end],))[0].strip()
    facts.dateline_place = groups.get("place", (None,))[0]
    facts.dateline_credit = groups.get("credit", (None,))[0]
    where = facts.dateline_place or facts.dateline
    msg = f"dateline: {where}" + (f", filed by {facts.dateline_credit}" if facts.dateline_credit else "")
    yield make_finding(hit.signature, ctx.doc, hit.start, hit.end, message=msg, points=hit.signature.weight)


# --- copies, wire carriage and relays ----------------------------------------------------------


def _republication(ctx: Context, facts: Facts, plan: Plan) -> Iterator[Finding]:
    markers = ctx.hits_tagged("republisher")
    copy_rule = plan.copy
    if markers and copy_rule:
        facts.republished = True
        m = markers[0]
        msg = f"republished copy: {ctx.doc.text[m.start:m.end].strip()!r} marks a republisher"
        yield make_finding(copy_rule, ctx.doc, m.start, m.end, message=msg, points=-copy_rule.weight)
    elif not markers and ctx.doc.text and not ctx.doc.text.isspace():  # a blank text is no one's original
        yield from (f.again() for f in plan.original)


def _original_findings(rules: RuleSet) -> list[Finding]:
    """The credit for a copy no republisher marks, the same on every document, built once per rule set."""
    return [document_finding(rule, points=rule.weight) for rule in rules.detectors_named("original")[:1]]


def _wire(ctx: Context, index: OutletIndex, facts: Facts, outlet: Outlet | None, plan: Plan) -> Iterator[Finding]:
    """An agency credited in the dateline of another outlet's page: the page carries the agency's copy."""
    rule = plan.wire
    agency = index.for_name(facts.dateline_credit) if facts.dateline_credit else None
    if rule is None or agency is None or outlet is None or outlet.id == agency.id:
        return
    facts.wire.append(agency.name)
    msg = f"{outlet.name or outlet.domain} carries {agency.name} copy"
    yield make_finding(rule, ctx.doc, None, None, message=msg, points=0.0)


def _relays(ctx: Context, index: OutletIndex, own: set[str]) -> Iterator[tuple[Hit, OutletProfile]]:
    if index.names is None:
        return
    for hit in ctx.hits_tagged("relay"):
        for m in index.names.finditer(ctx.doc.text, hit.start, hit.end):
            profile = index.for_name(m.group())
            if profile is not None and profile.id not in own:
                yield hit, profile
                break


def _missing(facts: Facts, outlet: Outlet | None, plan: Plan) -> Iterator[Finding]:
    present = {"date": facts.published_text, "byline": facts.byline, "dateline": facts.dateline,
               "outlet": outlet and (outlet.name or outlet.domain)}
    for fact, finding in plan.missing:
        if not present.get(fact):
            yield finding.again()


def _missing_findings(rules: RuleSet) -> list[tuple[str, Finding]]:
    """Each ``missing-fact`` rule's fact and its finding, the same on every document that lacks the
    fact: built once per rule set."""
    return [(str(rule.params.get("fact")), document_finding(rule))
            for rule in rules.detectors_named("missing-fact")]


UNKNOWN_REPUBLISHER, UNKNOWN_ORIGINAL = "unknown republisher", "unknown original"  # a chain's unnamed links


def _chain(facts: Facts, outlet: Outlet | None, text_named: Identified | None, relayed: list[str]) -> list[str]:
    """Who copied whom, outermost first: republisher -> original outlet -> agencies and relayed outlets;
    ``unknown original`` holds the original's place where nothing names it and a relayed outlet follows."""
    page = (outlet.name or outlet.domain) if outlet else None
    original = _label(text_named) if text_named else page
    chain: list[str] = []
    if facts.republished:
        chain.append(page if page and page != original else UNKNOWN_REPUBLISHER)
    elif page and original and page != original:
        chain.append(page)
    if original:
        chain.append(original)
    elif facts.wire or relayed:  # a relayed outlet alone after the page read as the page's original
        chain.append(UNKNOWN_ORIGINAL)
    for name in [*facts.wire, *relayed]:
        if name not in chain:
            chain.append(name)
    return chain


def analyze(ctx: Context) -> ProvenanceResult:
    return analyze_chunk([ctx])[0]


def analyze_chunk(ctxs: list[Context]) -> list[ProvenanceResult]:
    """``analyze`` of each of a chunk's documents, all checked with the same rules. The outlet cues
    (``_text_cues``) and the stated facts (``_stated_facts``) are read over the whole chunk one kind
    after another, each kind's patterns and tables then staying in the caches from one document to
    the next; the outlets they make and the copies are judged document by document."""
    if not ctxs:
        return []
    plan, index = _plan(ctxs[0]), outlet_index(ctxs[0].rules)
    identified = [_identify_outlet(ctx, index, plan, cues) for ctx, cues in zip(ctxs, _text_cues(ctxs, index, plan))]
    return [_analyzed(ctx, plan, index, *outlet, *stated)
            for ctx, outlet, stated in zip(ctxs, identified, _stated_facts(ctxs, plan))]


def _stated_facts(ctxs: list[Context], plan: Plan) -> list[tuple[Facts, list[Finding]]]:
    """Each document's facts as its date, byline and dateline state them, with their findings."""
    facts = [Facts.blank() for _ in ctxs]
    regions = [FactRegions(ctx.doc, plan.head_lines, plan.tail_lines) for ctx in ctxs]
    dates = [[*_date_findings(ctx, f, r, plan)] for ctx, f, r in zip(ctxs, facts, regions)]
    bylines = [[*_byline_findings(ctx, f, r, plan)] for ctx, f, r in zip(ctxs, facts, regions)]
    datelines = [[*_dateline_findings(ctx, f, r)] for ctx, f, r in zip(ctxs, facts, regions)]
    metadata = [[*_metadata_findings(ctx, f, plan)] if ctx.doc.meta else [] for ctx, f in zip(ctxs, facts)]
    return [(f, [*date, *byline, *dateline, *meta])
            for f, date, byline, dateline, meta in zip(facts, dates, bylines, datelines, metadata)]


def _analyzed(ctx: Context, plan: Plan, index: OutletIndex, outlet: Outlet | None, text_named: Identified | None,
              findings: list[Finding], facts: Facts, stated: list[Finding]) -> ProvenanceResult:
    """A document's result from its outlet, the outlet its text names, their findings and the facts
    it states: the copies, wire carriage and relays it shows, and the facts it lacks."""
    findings += stated
    findings += _republication(ctx, facts, plan)
    findings += _wire(ctx, index, facts, outlet, plan)
    own = {p.id for p in (index.by_id.get(outlet.id) if outlet and outlet.id else None,
                          text_named.profile if text_named else None) if p}
    for hit, profile in _relays(ctx, index, own):
        if profile.name not in facts.relays:
            facts.relays.append(profile.name)
            findings.append(make_finding(hit.signature, ctx.doc, hit.start, hit.end,
                                         message=f"relays {profile.name}", points=0.0))
    findings += _missing(facts, outlet, plan)
    facts.chain = _chain(facts, outlet, text_named, facts.relays)
    return ProvenanceResult(sorted(findings, key=_order), outlet, facts)


def _order(f: Finding) -> tuple:
    return (f.start if f.start is not None else 10**12, f.rule)
