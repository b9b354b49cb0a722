"""Attribution: every direct quotation found and given to its speaker, and sourcing judged.

Quotations come from ``provenance.quotes`` (mark pairing) and their speakers from
``provenance.speakers`` (phrases beside speech verbs). This module decides what the rest of a
document needs: the pieces of one quotation over several paragraphs share a speaker; a quotation
right after an attributed one in the same paragraph ("“…,” he said. “…”") keeps that speaker; a
pronoun resolves to the last named speaker within two paragraphs; each quotation gets a kind
(named, pronoun, organisation, relayed, anonymous, vague, unattributed). Short quoted phrases
without a speaker are scare quotes or titles (AT020), reported and not counted as speech. Every
quotation also yields an info finding (AT030) carrying its effect on the score, so the score is
explained quotation by quotation; the sourcing signatures and the relay detector add the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial

import re2
import regex

from provenance import accelerator
from provenance.analyzers import Context, make_finding, make_findings
from provenance.document import Document, Line
from provenance.outlets import NameFinder, NameMatch, outlet_index
from provenance.prescan import finditer_where, starts_pattern
from provenance.quotes import RawQuote, paragraph_quotes
from provenance.report import Finding, Quote, QuoteKind, Span
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet
from provenance.scoring import (
    PRIOR_RULE, QUOTE_KINDS, QUOTE_RULE, AttributionPrices, attribution_prices, price_attribution,
)
from provenance.speakers import (
    WINDOW, Lexicons, NameMentions, SpeakerFinder, WholeWords, WordPlaces, compile_lexicons, source_phrase,
)

MAX_LISTED = 12  # lines and speakers named in a quote-kind finding's message
_TERMINAL = regex.compile(r"[.!?,;:…]\s*$")
_CARRIED_GAP = regex.compile(r"[^“”\"‘’«»]{0,200}[.:,;]\s*")
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


@dataclass
class AttributionResult:
    findings: list[Finding]
    quotes: list[Quote]


@dataclass(slots=True)
class _Paragraph:
    index: int
    start: int
    end: int


@dataclass(slots=True)
class _Found:
    raw: RawQuote
    para: _Paragraph
    speaker: Span | None = None
    how: str = ""


@dataclass
class _Kinds:
    """Word lists that tell kinds of speaker apart."""

    pronouns: frozenset[str]
    roles: frozenset[str]
    determiners: frozenset[str]
    anonymous: frozenset[str]
    vague: frozenset[str]
    organisation: WholeWords | None
    media: WholeWords | None
    outlets: NameFinder | None
    not_person: WholeWords | None
    indefinite: frozenset[str]


def _whole_words(words: list[str]) -> WholeWords | None:
    return WholeWords(words) if words else None


def _compile_kinds(rules: RuleSet) -> _Kinds:
    lower = lambda name: frozenset(w.lower() for w in rules.lexicon(name))  # noqa: E731
    determiners = lower("determiners")
    return _Kinds(
        pronouns=lower("pronouns"), roles=lower("role-words"), determiners=determiners,
        anonymous=lower("anonymous-sources"), vague=lower("vague-sources"),
        organisation=_whole_words(rules.lexicon("organisation-words")),
        media=_whole_words(rules.lexicon("media-words")), outlets=outlet_index(rules).names,
        not_person=_whole_words(rules.lexicon("organisation-words") + rules.lexicon("media-words")),
        indefinite=determiners - lower("definite-determiners"),
    )


KINDS_KEPT = 4096  # speakers' kinds kept from one document to the next


def _kind_reader(rules: RuleSet) -> Callable[[str], QuoteKind]:
    """``_kind_of_words`` of the rule set's kinds, each speaker's words judged once while they are among
    the last ``KINDS_KEPT`` asked: a kind depends on the words alone, and a corpus quotes the same
    speakers again and again (the outlet names' search is slow)."""
    kinds: _Kinds = rules.memo("attribution-kinds", _compile_kinds)
    return lru_cache(maxsize=KINDS_KEPT)(partial(_kind_of_words, kinds=kinds))


def _kind_of_words(text: str, kinds: _Kinds) -> QuoteKind:
    """The kind of a speaker phrase: who stands behind the words, and can a reader check them."""
    words = text.split()
    first, head = words[0].lower(), words[-1].strip(".,’'").lower()
    if len(words) == 1 and first in kinds.pronouns:
        return "pronoun"
    if (kinds.outlets is not None and kinds.outlets.search(text)) or (kinds.media and kinds.media.search(text)
                                                                    and not _ends_in_person(words, kinds)):
        return "relayed"
    if _ends_in_person(words, kinds) or (head in kinds.roles and _qualified(words, kinds)):
        return "named"  # ``Wang Yi``; ``China’s foreign minister`` names one person by office
    if head in kinds.anonymous or (first in kinds.indefinite and head in kinds.roles):
        return "anonymous"
    if head in kinds.vague or first in kinds.vague:
        return "vague"
    if kinds.organisation is not None and kinds.organisation.search(text):
        return "organisation"
    if first in kinds.determiners and head in kinds.roles:
        return "pronoun"  # a definite description (the senator) refers back like a pronoun
    return "vague"


def _qualified(words: list[str], kinds: _Kinds) -> bool:
    """A role tied to a named place or body (China’s foreign minister, the Chinese foreign minister)."""
    rest = words[1:] if words[0].lower() in kinds.determiners else words
    return len(rest) >= 2 and rest[0][:1].isupper()


def _ends_in_person(words: list[str], kinds: _Kinds) -> bool:
    """A phrase naming a person ends in a capitalised name that is neither a role nor an organisation word."""
    head = words[-1]
    if not head[:1].isupper() or head.lower().strip(".") in kinds.roles:
        return False
    tail = " ".join(words[-2:])
    return not (kinds.organisation and kinds.organisation.search(head)) and not (kinds.media and kinds.media.search(tail))


def _paragraphs(doc: Document, skip: set[int]) -> list[tuple[int, int]]:
    """The paragraphs' offsets; a ``_Paragraph`` is made only for those holding a quotation (``_locate``).
    By the C accelerator where it is built (``accelerator.fastpage``, looked up on each use), which
    reads the lines' slots: a Python loop over every line of every document cost more than pairing
    the quotation marks of those holding one."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.paragraph_bounds(doc.nonblank_lines, Line, skip)
    return _paragraphs_python(doc, skip)


def _paragraphs_python(doc: Document, skip: set[int]) -> list[tuple[int, int]]:
    """``_paragraphs``, the accelerator's reference."""
    return [(ln.start, ln.end) for ln in doc.nonblank_lines if ln.number not in skip]


def _locate(found: list[tuple[int, RawQuote]], paras: list[tuple[int, int]]) -> list[_Found]:
    """The quotations (``paragraph_quotes``), each with its paragraph, one made for the quotations it
    holds: by the C accelerator where it is built (``accelerator.fastpage``, looked up on each use),
    which fills the objects' slots, where a dataclass's ``__init__`` cost more than finding them."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.located_quotations(found, paras, _Found, _Paragraph)
    return _locate_python(found, paras)


def _locate_python(found: list[tuple[int, RawQuote]], paras: list[tuple[int, int]]) -> list[_Found]:
    """``_locate``, the accelerator's reference."""
    out = []
    para: _Paragraph | None = None
    for k, raw in found:
        if para is None or para.index != k:
            para = _Paragraph(k, *paras[k])
        out.append(_Found(raw, para))
    return out


def _give_speakers(finder: SpeakerFinder, quotes: list[_Found], paras: list[tuple[int, int]]) -> None:
    """Each quotation's speaker: the one beside it, else one carried from a quotation before it."""
    _attribute(finder, quotes, paras)
    screens = _screens(finder, quotes, paras)
    _unreached_back(finder, quotes, screens)
    _attribute_left_over(finder, quotes, screens)
    _carry_in_paragraph(finder.text, quotes)
    _share_within_groups(quotes)
    _carry_to_next_paragraph(finder.text, quotes)


def _attribute(finder: SpeakerFinder, quotes: list[_Found], paras: list[tuple[int, int]]) -> None:
    """Give each quotation the speaker beside it, where there is one: by the C accelerator where it
    is built (``accelerator.fastpage``, looked up on each use), which reads a document's quotations
    (their slots) in one call."""
    if accelerator.fastpage is None or not quotes:
        _attribute_python(finder, quotes, paras)
        return
    found = accelerator.fastpage.attribute_quotations(finder.text, quotes, _Found, RawQuote, _Paragraph, paras,
                                                      *finder.fast_arguments())
    for q, (how, span) in zip(quotes, found):
        q.how = how
        if span is not None:
            q.speaker = Span.computed(finder.text[span[0]:span[1]], span[0], span[1])


def _attribute_python(finder: SpeakerFinder, quotes: list[_Found], paras: list[tuple[int, int]]) -> None:
    """``_attribute``, the accelerator's reference. The speaker after, before or
    in the sentence before a quotation stands beside a speech verb or ``according to`` of its
    paragraph: in a paragraph without one (that of a third of the quotations) those are not looked for."""
    text = finder.text
    cued: dict[int, bool] = {}
    for n, q in enumerate(quotes):
        if q.para.index not in cued:
            cued[q.para.index] = finder.cues.any_in(q.para.start, q.para.end)
        if cued[q.para.index]:
            _attribute_by_cues(finder, quotes, n)
        if q.speaker is None and q.raw.close is not None:
            q.speaker, q.how = finder.dash_after(q.raw.close, q.para.end), "dash"
        if q.speaker is None and not text[q.para.start:q.raw.open].strip() and q.para.index > 0:
            prior_start, prior_end = paras[q.para.index - 1]
            if text[max(prior_start, prior_end - 8):prior_end].rstrip().endswith(":"):
                q.speaker, q.how = finder.before(prior_end, prior_start), "colon"


def _attribute_by_cues(finder: SpeakerFinder, quotes: list[_Found], n: int) -> None:
    """The ``n``-th quotation's speaker after it, before it, or in the sentence before it."""
    q = quotes[n]
    if q.raw.close is not None:
        q.speaker, q.how = finder.after(q.raw.start, q.raw.close, q.para.end), "after"
    if q.speaker is None:
        q.speaker, q.how = finder.before(q.raw.open, q.para.start, _quoted_before(quotes, n)), "before"
    if q.speaker is None:
        q.speaker, q.how = finder.sentence_before(q.raw.open, q.para.start), "previous"


# The ``SpeakerFinder`` methods that may give a quotation something after ``_attribute``, a bit each
# (``_screens``).
SCREEN_AFTER, SCREEN_TRAILING, SCREEN_FOLLOWING, SCREEN_HYPHEN = 1, 2, 4, 8
_UNSCREENED = SCREEN_AFTER | SCREEN_TRAILING | SCREEN_FOLLOWING | SCREEN_HYPHEN


def _screens(finder: SpeakerFinder, quotes: list[_Found], paras: list[tuple[int, int]]) -> bytes:
    """For each quotation, the methods that ``_unreached_back`` and ``_attribute_left_over`` may find
    something with, from their first looks (the words close their sentence, no verb or hyphen follows),
    which fail for nearly every quotation: taken by the accelerator's ``quotation_screens`` for a
    document in one call where it is built; else every method is asked, and answers alone. None is
    asked of a quotation left open at its paragraph's end."""
    if accelerator.fastpage is None or not quotes:
        return bytes(_UNSCREENED if q.raw.close is not None else 0 for q in quotes)
    return accelerator.fastpage.quotation_screens(finder.text, quotes, _Found, RawQuote, _Paragraph, paras,
                                                   *finder.cues.bounds[:2], WINDOW)


REACHED_BACK = ("before", "previous", "colon")  # how a speaker found before its quotation was found (``_attribute``)


def _unreached_back(finder: SpeakerFinder, quotes: list[_Found], screens: bytes) -> None:
    """Mark ``unread`` a quotation left without a speaker, or given one from before it, that goes on to
    an attribution of its own the reader could not name (``SpeakerFinder.attribution_after``: ``Lima
    said the pier was safe, but “it is not,” the 52-year-old father of two replied``): that
    attribution says who spoke, so a voice before the quotation is another's. Its speaker is taken
    back and none is carried to it (``_carry_in_paragraph``); the passes reading the words after it
    may still name one. In Python after ``_attribute``, whether the accelerator or its reference gave
    those, so the two agree; asked only where ``screens`` say it may answer."""
    for q, screen in zip(quotes, screens):
        if screen & SCREEN_AFTER and (q.speaker is None or q.how in REACHED_BACK) \
                and finder.attribution_after(q.raw.start, q.raw.close, q.para.end):
            q.speaker, q.how = None, "unread"


def _attribute_left_over(finder: SpeakerFinder, quotes: list[_Found], screens: bytes) -> None:
    """The quotations the positions beside them left without a speaker, read in one pass: ``… “rock-solid”
    and will not change, Wang said.``, the attribution closing a quotation's sentence
    (``SpeakerFinder.trailing``), the commonest in news writing; else ``“…,” former state senator Ana
    Lima said``, the speaker right after it in the shapes the reading beside it leaves out
    (``SpeakerFinder.following``); else ``“….” - Ana Lima``, a signature after a plain hyphen
    (``SpeakerFinder.hyphen_after``). In Python after ``_attribute``, whether the accelerator or its
    reference gave those, so the two agree; each method is asked only where ``screens`` say it may
    answer (a quotation left open at its paragraph's end has no bit set)."""
    for q, screen in zip(quotes, screens):
        if q.speaker is None and screen & (SCREEN_TRAILING | SCREEN_FOLLOWING) \
                and finder.cues.any_in(q.raw.close + 1, q.para.end):
            span = finder.trailing(q.raw.open, q.raw.close, q.para.end, q.para.start) if screen & SCREEN_TRAILING \
                else None
            if span is not None:
                q.speaker, q.how = span, "trailing"
                continue
            span = finder.following(q.raw.open, q.raw.close, q.para.end, q.para.start) \
                if screen & SCREEN_FOLLOWING else None
            if span is not None:
                q.speaker, q.how = span, "following"
        if q.speaker is None and screen & SCREEN_HYPHEN:
            span = finder.hyphen_after(q.para.start, q.raw.open, q.raw.close, q.para.end)
            if span is not None:
                q.speaker, q.how = span, "dash"


def _quoted_before(quotes: list[_Found], n: int) -> tuple[tuple[int, int], ...]:
    """The spans of the (up to four) quotations before the ``n``-th in its paragraph. Quotations
    are in text order: when the one before is in another paragraph, so are all the earlier ones,
    as for most quotations, which open their paragraph."""
    q = quotes[n]
    if n == 0 or quotes[n - 1].para is not q.para:
        return ()
    return tuple((o.raw.start, o.raw.end) for o in quotes[max(0, n - 4):n] if o.para is q.para)


def _share_within_groups(quotes: list[_Found]) -> None:
    """Pieces of one quotation over several paragraphs share its speaker."""
    speakers: dict[int, Span] = {}
    for q in quotes:
        if q.speaker is not None:
            speakers.setdefault(q.raw.group, q.speaker)
    for q in quotes:
        if q.speaker is None and q.raw.group in speakers:
            q.speaker, q.how = speakers[q.raw.group], "group"


def _carry_in_paragraph(text: str, quotes: list[_Found]) -> None:
    """``“…,” he said. “…”``: a quotation with nothing but its speaker's words before it keeps that speaker."""
    for n in range(1, len(quotes)):
        q, prev = quotes[n], quotes[n - 1]
        if q.speaker is not None or q.how == "unread" or prev.speaker is None or prev.para is not q.para \
                or prev.raw.close is None:
            continue
        between = text[prev.raw.close + 1:q.raw.open]
        if prev.speaker.start > prev.raw.close and prev.speaker.end <= q.raw.open and _CARRIED_GAP.fullmatch(between):
            q.speaker, q.how = prev.speaker, "carry"


def _carry_to_next_paragraph(text: str, quotes: list[_Found]) -> None:
    """``“…,” Qin said.`` then a paragraph that is nothing but a quotation: the same voice goes on.
    Only when the paragraph before ends on a quotation attributed right after it (“…,” Qin said.)."""
    start, last = 0, None  # where a paragraph's quotations begin; the last quotation before them
    while start < len(quotes):
        index = quotes[start].para.index
        end = start + 1
        while end < len(quotes) and quotes[end].para.index == index:
            end += 1
        mine = quotes[start:end]
        if (last is not None and last.para.index == index - 1 and last.speaker is not None and last.how == "after"
                and last.raw.close is not None and last.para.end - last.raw.close <= 60
                and all(q.speaker is None for q in mine) and _only_quotes(text, mine)):
            for q in mine:  # the paragraph's own words read last: most paragraphs before fail first
                q.speaker, q.how = last.speaker, "next"
        start, last = end, quotes[end - 1]


def _only_quotes(text: str, mine: list[_Found]) -> bool:
    """Whether a paragraph holds nothing but its quotations (and punctuation between them)."""
    para, pos = mine[0].para, mine[0].para.start
    for q in mine:
        if _LETTER_OR_DIGIT.search(text[pos:q.raw.open]):
            return False
        pos = q.raw.end + 1 if q.raw.close is not None else para.end
    return not _LETTER_OR_DIGIT.search(text[pos:para.end])


def _split_scare(text: str, found: list[_Found], limits: "_ScareLimits | None") -> tuple[list[_Found], list[_Found]]:
    """The scare quotes and titles, and the speech: each quotation judged once."""
    if limits is None:
        return [], list(found)
    scare: list[_Found] = []
    speech: list[_Found] = []
    for q, is_scare in zip(found, _scare_flags(text, found, limits)):
        (scare if is_scare else speech).append(q)
    return scare, speech


def _scare_flags(text: str, found: list[_Found], limits: "_ScareLimits") -> list[bool]:
    """``_is_scare`` of each quotation: by the C accelerator where it is built (``accelerator.fastpage``,
    looked up on each use), which judges a document's quotations (their slots) in one call."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.scare_quotes(text, found, _Found, RawQuote, limits.max_words, limits.title_words,
                                                 limits.term_words, limits.term_before.search, limits.minor_words,
                                                 limits.pronouns)
    return [_is_scare(text, q, limits) for q in found]


def _is_scare(text: str, q: _Found, limits: "_ScareLimits") -> bool:
    """A title (Title Case, a few words) or a short quoted phrase with no speaker: not speech."""
    body = text[q.raw.start:q.raw.end].strip()
    words = body.split(None, limits.most_words)  # all the words, or more than any limit: never split to the end
    if len(words) <= limits.title_words and _is_title_case(words, limits):
        return True
    if len(words) <= limits.term_words and limits.term_before.search(text, max(0, q.raw.open - 12), q.raw.open):
        return True
    if q.speaker is not None:
        return False
    return (len(words) <= limits.max_words and not _TERMINAL.search(body))


def _is_title_case(words: list[str], limits: "_ScareLimits") -> bool:
    """``Meet the Nation``: every word but the minor ones capitalised (a sentence opening with I or We is speech)."""
    if len(words) < 2 or words[0].lower().strip(".,") in limits.pronouns:
        return False
    majors = 0
    for word in words:
        if word.strip(".,!?:;").lower() in limits.minor_words:
            continue
        if word[:1].isalpha() and not word[:1].isupper():
            return False  # a lowercase word that is not minor: most quotations, told at their first
        majors += 1
    return majors > 0


@dataclass(frozen=True)
class _ScareLimits:
    max_words: int
    title_words: int
    term_words: int
    term_before: regex.Pattern
    minor_words: frozenset[str]
    pronouns: frozenset[str]

    @property
    def most_words(self) -> int:
        return max(self.max_words, self.title_words, self.term_words)


def _words_before(words: list[str]) -> regex.Pattern:
    """Any of ``words`` right before a position (``the ‘Ukraine situation’``)."""
    alternation = "|".join(regex.escape(str(w)) for w in words)
    return regex.compile(rf"(?<![\p{{L}}-])(?:{alternation})\s+$", regex.IGNORECASE)


def _scare_limits(rules: RuleSet) -> _ScareLimits | None:
    rule = next(iter(rules.detectors_named("scare-quote")), None)
    if rule is None:
        return None
    p = rule.params
    return _ScareLimits(int(p["max_words"]), int(p["title_words"]), int(p["term_words"]),
                        _words_before(p["term_openers"]),
                        frozenset(str(w).lower() for w in p["minor_words"]),
                        frozenset(w.lower() for w in rules.lexicon("pronouns")))


@dataclass(frozen=True)
class _Detectors:
    """The rules of the attribution detectors (None where a rule set leaves one out), and how many
    paragraphs back a pronoun finds its speaker: looked up once per rule set, not on every document."""

    scare: Detector | None
    quote: Detector | None
    prior: Detector | None
    relay: Detector | None
    window: int


def _first_named(rules: RuleSet, name: str) -> Detector | None:
    return next(iter(rules.detectors_named(name)), None)


def _detectors(rules: RuleSet) -> _Detectors:
    quote = _first_named(rules, QUOTE_RULE)
    window = int(quote.params.get("pronoun_paragraphs", 2)) if quote else 2
    return _Detectors(_first_named(rules, "scare-quote"), quote, _first_named(rules, PRIOR_RULE),
                      _first_named(rules, "relayed-report"), window)


@dataclass(frozen=True)
class _Tools:
    """Everything the analyzer derives from a rule set, gathered by one look-up per chunk of
    documents rather than eight per document (``RuleSet.memo``)."""

    lex: Lexicons
    kinds: _Kinds
    shared: WordPlaces | None  # ``_verb_places``
    detectors: _Detectors
    limits: _ScareLimits | None
    kind_of: Callable[[str], QuoteKind]  # ``_kind_reader``
    prices: AttributionPrices | None


def _tools(rules: RuleSet) -> _Tools:
    return _Tools(rules.memo("attribution-lexicons", compile_lexicons), rules.memo("attribution-kinds", _compile_kinds),
                  rules.memo("attribution-verb-places", _verb_places), rules.memo("attribution-detectors", _detectors),
                  rules.memo("attribution-scare", _scare_limits), rules.memo("attribution-kind-reader", _kind_reader),
                  rules.memo("attribution-prices", attribution_prices))


def analyze(ctx: Context) -> AttributionResult:
    return analyze_chunk([ctx])[0]


def analyze_chunk(ctxs: list[Context]) -> list[AttributionResult]:
    """``analyze`` of each document of a chunk, which shares one rule set. The quotations of every
    document are found first, then the words' places, then the rest: each pass keeps its tables in
    the processor's caches from one document to the next."""
    if not ctxs:
        return []
    tools: _Tools = ctxs[0].rules.memo("attribution-tools", _tools)
    located = [_quotations(ctx) for ctx in ctxs]
    places = [_places(tools, ctx.doc, found) for ctx, (_, found) in zip(ctxs, located)]
    return [_analyze(ctx, tools, paras, found, where) for ctx, (paras, found), where in zip(ctxs, located, places)]


def _quotations(ctx: Context) -> tuple[list[tuple[int, int]], list[_Found]]:
    """A document's paragraphs and the quotations in them."""
    paras = _paragraphs(ctx.doc, ctx.residue_lines)
    return paras, _locate(list(paragraph_quotes(ctx.doc.text, paras)), paras)


def _places(tools: _Tools, doc: Document, found: list[_Found]) -> list[int] | None:
    """Where the speech verbs' first words and the relay verbs begin (``_verb_places``): the speakers'
    scan serves the relay detector too, where there are quotations to find speakers for or the
    accelerator scans; else the detector's own RE2 scan is narrower."""
    shared = tools.shared
    return shared.find(doc.text, doc.re2_utf8) if shared is not None and (found or shared.by_accelerator) else None


def _analyze(ctx: Context, tools: _Tools, paras: list[tuple[int, int]], found: list[_Found],
             places: list[int] | None) -> AttributionResult:
    lex, kinds, detectors, prices = tools.lex, tools.kinds, tools.detectors, tools.prices
    doc = ctx.doc
    finder = SpeakerFinder(doc.text, lex, doc.re2_utf8, places)
    if found:
        _give_speakers(finder, found, paras)
    scare, speech = _split_scare(doc.text, found, tools.limits) if found else ([], [])
    quotes, said = _quotes(doc, speech, tools.kind_of, NameMentions(doc.text, lex, kinds.not_person),
                           detectors.window) if speech else ([], [])
    units = [(make_finding(h.signature, doc, h.start, h.end), max(0.0, 1.0 - h.signature.weight), 1)
             for h in ctx.hits_for("attribution") if doc.line_at(h.start) not in ctx.residue_lines]
    units += list(_relay_units(ctx, detectors.relay, kinds, [c.start for c in finder.according] if found else None,
                               places))
    others = [u for u in units if u[0].severity == "info"]
    units = [u for u in units if u[0].severity != "info"]
    if detectors.quote is not None and prices is not None:
        units += list(_quote_units(detectors.quote, said, prices))
    informative = [f for f, _, _ in others]
    if detectors.scare is not None:
        informative += make_findings(detectors.scare, doc, [(q.raw.start, q.raw.end) for q in scare])
    findings = price_attribution(units, informative, prices, detectors.prior)
    return AttributionResult(sorted(findings, key=lambda f: (f.start if f.start is not None else -1, f.rule, f.end or 0)),
                             quotes)


def _quotes(doc: Document, found: list[_Found], kind_of: Callable[[str], QuoteKind], names: NameMentions,
            window: int) -> tuple[list[Quote], list[_Said]]:
    """Quotes with their kinds (``kind_of`` a speaker's words, ``_kind_reader``), and what the quote
    units say of each (``_Said``). A short name resolves to the fuller name the text used last; a
    pronoun to the last named speaker, if that speaker was named or referred to within ``window``
    paragraphs that hold quotations."""
    quotes: list[Quote] = []
    said: list[_Said] = []
    last: tuple[Span, int] | None = None
    ordinal, para = 0, -1
    for q in found:
        if q.para.index != para:
            ordinal, para = ordinal + 1, q.para.index
        kind = kind_of(q.speaker.text) if q.speaker is not None else "unattributed"
        resolved = None
        if kind == "named":
            resolved = names.fuller(q.speaker)
            last = (resolved or q.speaker, ordinal)
        elif kind == "pronoun" and last is not None and ordinal - last[1] <= window:
            resolved = last[0]
            last = (resolved, ordinal)
        line = doc.line_at(q.raw.start)
        quotes.append(Quote.computed(q.raw.start, q.raw.end, doc.text[q.raw.start:q.raw.end], q.speaker, kind, resolved,
                                     line))
        said.append((kind, line, None if q.speaker is None else (resolved or q.speaker).text))
    return quotes, said


# A quotation as its kind's unit lists it: its kind, its line and its speaker's (resolved) words, if any,
# read where the quote is made rather than from it (a model's fields are slower to read).
_Said = tuple[str, int, str | None]


def _quote_units(rule: Detector, said: list[_Said], prices: AttributionPrices) -> Iterator[tuple[Finding, float, int]]:
    """One finding per kind of quotation in the document: how many, where, who, and their quality."""
    by_kind: dict[str, list[_Said]] = {}
    for q in said:
        by_kind.setdefault(q[0], []).append(q)
    for kind in QUOTE_KINDS:
        mine = by_kind.get(kind)
        if not mine:
            continue
        lines = ", ".join(str(line) for _, line, _ in mine[:MAX_LISTED]) + (", ..." if len(mine) > MAX_LISTED else "")
        names = sorted({who for _, _, who in mine if who is not None})
        who = f"; {', '.join(names[:MAX_LISTED])}" + (", ..." if len(names) > MAX_LISTED else "") if names else ""
        plural = "quotation" if len(mine) == 1 else "quotations"
        message = f"{len(mine)} {kind} {plural} (quality {prices.quality[kind]:g} each; lines {lines}{who})"
        finding = Finding.computed(rule.id, rule.name, "attribution", rule.severity, message,
                                   None, None, None, None, "", 0.0)
        yield finding, prices.quality[kind], len(mine)


def _verb_places(rules: RuleSet) -> WordPlaces | None:
    """The speech verbs' first words and the relay detector's verbs, found in one scan for both."""
    words = [next(iter(v.split()), "") for v in rules.lexicon("speech-verbs")]  # an empty verb: none shared
    relay = next(iter(rules.detectors_named("relayed-report")), None)
    return WordPlaces.of(words + ([str(v) for v in relay.params["verbs"]] if relay is not None else []))


def _relay_units(ctx: Context, rule: Detector | None, kinds: _Kinds, according: list[int] | None,
                 places: list[int] | None) -> Iterator[tuple[Finding, float, int]]:
    """``Xinhua News Agency reported`` / ``according to The New York Times``: another outlet's word,
    by the relay detector's ``rule``. ``according`` holds where the speakers' ``according to`` begin
    (``SpeakerFinder.according``), ``places`` where their verbs' first words and the detector's verbs
    begin (``_verb_places``), where the speakers found them."""
    if rule is None:
        return
    finder: RelayFinder = ctx.rules.memo("attribution-relay", lambda rules: RelayFinder.build(rules, rule, kinds))
    for start, end in finder.finditer(ctx.doc.text, ctx.doc.re2_utf8, according, places):
        if ctx.doc.line_at(start) not in ctx.residue_lines:
            yield make_finding(rule, ctx.doc, start, end), max(0.0, 1.0 - rule.weight), 1


def _relay_pattern(rules: RuleSet, rule: Detector, kinds: _Kinds) -> regex.Pattern:
    """The relay detector's definition: an outlet (a profile's name, or capitalised words ending in a
    media word: The Daily Planet) after ``according to``, or before a verb. ``RelayFinder`` finds its
    matches without compiling it (every outlet name makes it a tenth of a second's work); the tests
    check the two against each other."""
    outlet = _generic_outlet(rules)
    if kinds.outlets is not None:
        outlet = f"(?:{kinds.outlets.pattern}|{outlet})"
    # ``according to the OUTLET|OUTLET verb`` written with the outlet once: the empty alternative is
    # tried after every way of the first failed, and the condition asks for the verb only then.
    article = rf"(?:{regex.escape(_article(rule))}\s+)?" if _article(rule) else ""
    lead = rf"\b(?:{_relay_lead(rules)})\s+{article}"
    return regex.compile(rf"(?:({lead})|){outlet}(?(1)|{_relay_verb(rule)})", regex.V1)


def _relay_lead(rules: RuleSet) -> str:
    """The source phrases (lexicon ``source-phrases``) as the relay detector reads them: the first
    letter in either case, the rest as written; with none, a pattern that never matches."""
    return "|".join(_first_letter_either_case(source_phrase(p)) for p in _lead_phrases(rules)) or "(?!)"


def _lead_phrases(rules: RuleSet) -> list[str]:
    return sorted(rules.lexicon("source-phrases"), key=len, reverse=True)


def _first_letter_either_case(pattern: str) -> str:
    first = pattern[0]
    return f"[{first.upper()}{first.lower()}]{pattern[1:]}" if first.isalpha() else pattern


def _article(rule: Detector) -> str:
    """The word that may stand between a source phrase and the outlet (``according to the Times``)."""
    return str(rule.params.get("article", ""))


def _generic_outlet(rules: RuleSet) -> str:
    """Capitalised words ending in a media word (The Daily Planet, Xinhua News Agency)."""
    media = "|".join(regex.escape(w) for w in _media_titles(rules))
    return rf"(?:\p{{Lu}}[\p{{L}}’'.-]*\s+){{0,{MAX_OUTLET_WORDS}}}(?:{media})\b"


def _relay_verb(rule: Detector) -> str:
    """Space and one of the rule's verbs, in their order, right after an outlet."""
    return rf"\s+(?:{'|'.join(regex.escape(str(v)) for v in rule.params['verbs'])})\b"


def _media_titles(rules: RuleSet) -> list[str]:
    """The media words as an outlet's name ends in them (``News Agency``), longest first."""
    return [w.title() for w in sorted(rules.lexicon("media-words"), key=len, reverse=True)]


MAX_OUTLET_WORDS = 4  # capitalised words before a media word in an outlet's name
ENDING = 4  # the characters an outlet name or media word is looked up by (``_lengths_by_ending``)
# regex's \s (the White_Space property) as a class for the standard library's engine, which scans
# the relay's verbs twice as fast; a test checks it against regex over every code point.
WHITE_SPACE = "[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


@dataclass(frozen=True)
class RelayFinder:
    """The relay pattern's matches (``_relay_pattern``), found without compiling it or trying it at
    every position.

    Every match either starts with ``according`` or ends in whitespace and a speech verb right after
    an outlet name or a media word, so the positions a match can start at follow from those anchors:
    the name or media word is looked up by its length in a set, and the capitalised words before a
    media word are bounded by a reversed search. At those positions only, in order, the pattern's
    alternatives are tried in the order it tries them: the outlet names through the ``NameFinder``,
    the rest through small patterns. A match skips the positions it covers, as ``finditer`` does:
    the matches are the same.
    """

    outlets: NameFinder | None
    according_to: regex.Pattern  # a source phrase (``_relay_lead``)
    lead_words: tuple[str, ...]  # the source phrases' first words (``_lead_starts``)
    article: str
    spaces: regex.Pattern
    generic: regex.Pattern  # capitalised words ending in a media word
    generic_then_verb: regex.Pattern
    verb_after: regex.Pattern
    verbs: re.Pattern
    verb_starts: re2._Regexp  # the same pattern for RE2, which finds where ``verbs`` can match in one scan
    verb_words: tuple[str, ...]
    space_run: regex.Pattern  # the spaces ending at a position, read backwards
    outlet_words: regex.Pattern
    capital: regex.Pattern
    names: frozenset[str]
    media: frozenset[str]
    lengths: dict[str, tuple[int, ...]]  # of the names and media words, by their endings (``_lengths_by_ending``)
    ending_sizes: tuple[int, ...]  # the sizes of those endings

    @classmethod
    def build(cls, rules: RuleSet, rule: Detector, kinds: _Kinds) -> RelayFinder:
        names = frozenset(outlet_index(rules).relay_names)
        media = frozenset(_media_titles(rules))
        stdlib_verbs = "|".join(re.escape(str(v)) for v in rule.params["verbs"])
        generic, verb = _generic_outlet(rules), _relay_verb(rule)
        return cls(
            outlets=kinds.outlets, according_to=regex.compile(rf"\b(?:{_relay_lead(rules)})", regex.V1),
            lead_words=tuple(p.split()[0] for p in _lead_phrases(rules)), article=_article(rule),
            spaces=regex.compile(r"\s+", regex.V1), generic=regex.compile(generic, regex.V1),
            generic_then_verb=regex.compile(generic + verb, regex.V1), verb_after=regex.compile(verb, regex.V1),
            verbs=re.compile(rf"({WHITE_SPACE}+)(?:{stdlib_verbs})"),
            verb_starts=starts_pattern(rf"{WHITE_SPACE}+(?:{stdlib_verbs})"),
            verb_words=tuple(str(v) for v in rule.params["verbs"]),
            space_run=regex.compile(r"\s+", regex.V1 | regex.REVERSE),
            outlet_words=regex.compile(rf"(?r)(?:[\p{{L}}’'.-]+\s+){{1,{MAX_OUTLET_WORDS}}}", regex.V1),
            capital=regex.compile(r"\p{Lu}", regex.V1),
            names=names, media=media, lengths=_lengths_by_ending(names | media),
            ending_sizes=tuple(sorted({len(word[-ENDING:]) for word in names | media})))

    def finditer(self, text: str, readable: bytes | None = None, according: list[int] | None = None,
                 places: list[int] | None = None) -> Iterator[tuple[int, int]]:
        """The spans of what ``_relay_pattern(...).finditer(text)`` yields; ``readable`` is the text's
        UTF-8 where RE2 reads it (``Document.re2_utf8``); ``according`` where the caller found
        ``according to`` (any match of ours starting there ends in a space after ``to``, so has no
        letter on either side: the speakers' pattern finds it), else found here; ``places`` where
        the caller found words that include every verb following a space (``_verb_places``)."""
        end = 0
        for start in sorted(self._starts(text, readable, according, places)):
            if start < end:
                continue
            found = self._match_end(text, start)
            if found is not None:
                yield start, found
                end = found

    def _match_end(self, text: str, start: int) -> int | None:
        """Where the pattern's match at ``start`` ends, None for none: first an outlet after each way
        ``according to`` can end, then an outlet followed by a verb."""
        for at in self._after_according(text, start):
            end = self._outlet_end(text, at)
            if end is not None:
                return end
        for name in self._names_at(text, start):
            verb = self.verb_after.match(text, name.end())
            if verb is not None:
                return verb.end()
        found = self.generic_then_verb.match(text, start)
        return found.end() if found is not None else None

    def _after_according(self, text: str, start: int) -> list[int]:
        """Where a source phrase (and the article) starting at ``start`` can end, in the order the
        pattern's greedy spaces and optional article try them: the fewer spaces, the later."""
        found = self.according_to.match(text, start)
        space = self.spaces.match(text, found.end()) if found is not None else None
        if space is None:
            return []
        after_to, ends, article = space.end(), [], len(self.article)
        if text.startswith(self.article, after_to) and (after_the := self.spaces.match(text, after_to + article)) is not None:
            ends += range(after_the.end(), after_to + article, -1)
        return [*ends, *range(after_to, found.end(), -1)]

    def _outlet_end(self, text: str, at: int) -> int | None:
        name = next(self._names_at(text, at), None)
        if name is not None:
            return name.end()
        found = self.generic.match(text, at)
        return found.end() if found is not None else None

    def _names_at(self, text: str, at: int) -> Iterator[NameMatch]:
        return self.outlets.names_at(text, at) if self.outlets is not None else iter(())

    def _starts(self, text: str, readable: bytes | None, according: list[int] | None,
                places: list[int] | None) -> set[int]:
        """Every position a match can start at (and some where none does)."""
        starts = _lead_starts(text, self.lead_words) if according is None else set(according)
        for lo, hi in self._spaces_before_verbs(text, readable, places):
            for end in range(lo, hi):
                self._add_outlets_ending(text, end, starts)
        return starts

    def _spaces_before_verbs(self, text: str, readable: bytes | None,
                             places: list[int] | None) -> Iterator[tuple[int, int]]:
        """The spaces before each verb (``verbs``' first group), from the places of the verbs where
        the caller found them: a verb after a space ends the space's run, which opens the match."""
        if places is None:
            yield from (verb.span(1) for verb in finditer_where(self.verbs, self.verb_starts, text, readable))
        elif accelerator.fastpage is not None:
            yield from accelerator.fastpage.verb_spaces(text, places, self.verb_words)
        else:
            yield from self._spaces_before_places(text, places)

    def _spaces_before_places(self, text: str, places: list[int]) -> Iterator[tuple[int, int]]:
        """The spaces ending at each place where a verb begins: the reference of the accelerator's
        ``verb_spaces`` (devb: 2.3 -> 0.9 ms, most of it reading the text at the places)."""
        for place in places:
            if text.startswith(self.verb_words, place) and (run := self.space_run.match(text, 0, place)) is not None:
                yield run.start(), place

    def _add_outlets_ending(self, text: str, end: int, starts: set[int]) -> None:
        """Add to ``starts`` where an outlet name, or a media word with the capitalised words before it,
        ending at ``end`` starts (the lengths of both tried at once). Only the lengths of the words
        ending as the text does there are tried (``_lengths_by_ending``): a word ends with its ending."""
        for size in self.ending_sizes:
            for length in self.lengths.get(text[end - size:end], ()) if size <= end else ():
                if length > end:
                    continue
                start = end - length
                word = text[start:end]
                if word in self.names:
                    starts.add(start)
                if word in self.media:
                    starts.add(start)
                    before = self.outlet_words.match(text, 0, start)
                    if before:
                        starts.update(c.start() for c in self.capital.finditer(text, before.start(), start))


def _lead_starts(text: str, words: tuple[str, ...]) -> set[int]:
    """Where any of the words begins, its first letter in either case (``[Aa]ccording``): where the
    source phrases opening with them may begin. Found by ``str.find`` of the rest of each word, ten
    times faster than a pattern's scan."""
    starts = set()
    for word in words:
        first, rest = {word[0].upper(), word[0].lower()}, word[1:]
        if not rest:
            starts.update(i for i, ch in enumerate(text) if ch in first)
            continue
        at = text.find(rest, 1)
        while at >= 0:
            if text[at - 1] in first:
                starts.add(at - 1)
            at = text.find(rest, at + 1)
    return starts


def _lengths_by_ending(words: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """The lengths of the words, by their last ``ENDING`` characters (a shorter word: by itself):
    only words ending as the text does before a position can end there, so only their lengths need
    trying there (one or two of them, where the last two characters leave three, and up to 25)."""
    lengths: dict[str, set[int]] = {}
    for word in words:
        lengths.setdefault(word[-ENDING:], set()).add(len(word))
    return {ending: tuple(sorted(found)) for ending, found in lengths.items()}
