"""The two-stage engine gives exactly the reference engine's hits, on the shipped rules and on
generated signatures built to probe where RE2 and ``regex`` differ (word boundaries, Unicode
classes, full case folding, lookarounds, anchors, line scope)."""

from __future__ import annotations

import gc
import re
import sys
import time
import weakref
from functools import partial
from pathlib import Path

import pytest
import re2
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers import Context, collect_hits, on_demand_tags
from provenance.config import Settings, Suppression
from provenance.document import Document
from provenance.engine import (
    _SET_INSTRUCTIONS,
    _SET_SIZE,
    AlternationFilter,
    PrefilterEngine,
    ReferenceEngine,
    Untranslatable,
    _LOOSENED,
    _packed,
    _plane,
    _prefilter_copy,
    case_mapped,
    existence_and_anchoring,
    existence_source,
    folds_alike,
    leading_lookbehind,
    line_firsts,
    loose_class,
    may_cross_lines,
    prefilter_source,
    python_line_firsts,
    python_line_hits,
    region_spans,
    unfolded,
    unfolded_characters,
)
from provenance.matcher import (
    Hit,
    _matches_at,
    _matches_from,
    compile_signature,
    find_hits,
    hits_where_starts_say,
    signature_source,
)
from provenance.pipeline import check_document, check_documents
from provenance.prescan import UNKNOWN_TO_RE2, match_start, span_search
from provenance.renderers.jsonout import render_line
from provenance.rulemodels import Signature
from provenance.rulepack import load_rules
from provenance.sources import read_documents

from conftest import CORPUS

TRICKY = ["ß", "SS", "ss", "ẞ", "ﬁ", "fi", "FI", "İ", "i", "ı", "é", "É", "\u0301", "\u00a0", "\u2028", "\t",
          "\n", "\n\n", " ", ".", ",", "-", "_", "’", "“", "Ⓐ", "²", "٣", "1", "22", "😀", "\u200d", "\x1c", "\x1f",
          "\u088f"]  # U+088F: a letter to regex, unknown to RE2's older tables
WORDS = ["Source", "source", "link", "Home", "Views", "said", "Back to top", "Straße", "STRASSE", "file",
         "ﬁle", "İstanbul", "istanbul", "café", "CAFÉ", "share", "2 hours ago", "Tags:", "©"]
TEXT = st.lists(st.sampled_from(TRICKY + WORDS), max_size=30).map("".join)

ATOMS = [r"\b", r"\B", r"\w+", r"\W", r"\s+", r"\S+", r"\d{1,2}", r"\D", ".", r"[^a]", r"[\w-]+", r"[A-Z]",
         r"[^\s]", r"[^\w-]", r"[^\d]",
         "^", "$", r"(?=\p{Lu})", r"(?!x)", r"(?<=\s)", r"(?<!a)", "(?:link|Home)", "a++", r"(?>fi|f)", r"\p{L}",
         r"\u00e9", "ss", "SS", "fi", "ß", "İ", "i", "café", "Source", " ", r"\.", "-", "source link", "x?",
         "(ss|k)"]
PATTERN = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4).map("".join)


def signature(patterns=(), phrases=(), **options) -> Signature:
    return Signature(id="RS999", name="probe", dimension="residue", message="probe",
                     examples={"match": ["x"], "no_match": ["y"]}, patterns=list(patterns), phrases=list(phrases),
                     **options)


SIGNATURE_OPTIONS = st.fixed_dictionaries({
    "scope": st.sampled_from(["line", "text"]),
    "whole_line": st.booleans(),
    "case_sensitive": st.booleans(),
    "region": st.sampled_from(["any", "any", "head", "tail", "ends"]),
    "region_lines": st.integers(1, 3),
    "max_line_chars": st.sampled_from([None, None, 12]),
    "prefilter": st.sampled_from(["shared", "shared", "apart"]),
})


def plan_of(engine: PrefilterEngine, doc: Document) -> tuple[list, set[int]]:
    """The signatures the engine confirms on ``doc``, each with the lines it confirms it on, the
    first starts found there and whether its RE2 copy matches somewhere; and the ``fold_lines``."""
    choice = engine._choices([doc])[0]
    return ([(i, *engine._confirm_lines(i, doc, choice, found), found) for i, found in choice.chosen],
            choice.fold_lines)


SAME_HITS_TIMEOUT = 5.0


def same_hits(sigs, text: str, engines: tuple[ReferenceEngine, PrefilterEngine] | None = None) -> None:
    """Both engines (built over ``sigs``, or the ``engines`` given, as a run reuses them from one
    document to the next) give the same hits. Each pattern gets ``SAME_HITS_TIMEOUT`` seconds, as a
    run gives ``regex_timeout``: with none, a random draw once kept this test busy for over five
    minutes (a drawn pattern can backtrack far on a drawn text); where the reference overruns, the
    draw tells nothing and is dropped."""
    reference_engine, prefilter_engine = engines or (ReferenceEngine(sigs), PrefilterEngine(sigs))
    doc = Document(id="d", path="d", text=text)
    reference = reference_engine.hits(doc, timeout=SAME_HITS_TIMEOUT)
    if reference[1]:
        assume(False)
    fast = prefilter_engine.hits(Document(id="d", path="d", text=text), timeout=SAME_HITS_TIMEOUT)
    assert [(h.signature.id, h.start, h.end, h.line, h.end_line) for h in fast[0]] == \
        [(h.signature.id, h.start, h.end, h.line, h.end_line) for h in reference[0]]
    assert fast[1] == reference[1]


@settings(max_examples=150, deadline=None)
@given(patterns=st.lists(PATTERN, min_size=1, max_size=2), phrases=st.lists(st.sampled_from(WORDS), max_size=2),
       options=SIGNATURE_OPTIONS, text=TEXT)
def test_generated_signatures_give_the_same_hits(patterns, phrases, options, text):
    try:
        compiled = compile_signature(signature(patterns, phrases, **options))
    except Exception:  # noqa: BLE001 - a generated pattern regex itself rejects is no test
        assume(False)
    same_hits([compiled], text)


@settings(max_examples=150, deadline=None)
@given(specs=st.lists(st.tuples(PATTERN, SIGNATURE_OPTIONS), min_size=2, max_size=4),
       text=st.lists(TEXT, max_size=6).map("\n".join))
def test_generated_signatures_sharing_sets_give_the_same_hits(specs, text):
    # the Sets of the first and last lines read both ends for the largest size among their signatures
    try:
        compiled = [compile_signature(signature([pattern], **options).model_copy(update={"id": f"RS{900 + n}"}))
                    for n, (pattern, options) in enumerate(specs)]
    except Exception:  # noqa: BLE001 - a generated pattern regex itself rejects is no test
        assume(False)
    same_hits(compiled, text)


@settings(max_examples=100, deadline=None)
@given(regions=st.lists(st.sampled_from(["any", "head", "tail", "ends"]), min_size=1, max_size=3),
       text=st.lists(TEXT, max_size=6).map("\n".join))
def test_the_set_holding_the_unfolded_class_finds_the_lines_a_scan_finds(regions, text):
    """Lines with an unfolded character are looked for only where a Set saw one (or no Set reads
    the whole text): they are the lines the scan of the whole text finds, on a text RE2 can read
    (on another no line needs RE2's answer)."""
    sigs = [compile_signature(signature(["source"], region=region).model_copy(update={"id": f"RS{900 + n}"}))
            for n, region in enumerate(regions)]
    engine = PrefilterEngine(sigs)
    doc = Document(id="d", path="d", text=text)
    assert plan_of(engine, doc)[1] == (engine._fold_lines(doc) if doc.re2_readable else set())


@settings(max_examples=200, deadline=None)
@given(text=st.lists(TEXT, max_size=8).map("\n".join))
def test_the_lines_holding_a_fold_are_those_the_stdlib_class_finds(text):
    engine = PrefilterEngine([compile_signature(signature(["source"]))])
    doc = Document(id="d", path="d", text=text)
    assert engine._fold_lines(doc) == {doc.line_at(m.start()) for m in unfolded_characters().finditer(text)}


@pytest.mark.parametrize("region", ["head", "tail"])
def test_a_set_reads_the_largest_region_among_its_signatures(region):
    near, far = (compile_signature(signature([pattern], region=region, region_lines=size).model_copy(update={"id": rid}))
                 for pattern, size, rid in (("near", 1, "RS901"), ("far", 3, "RS902")))
    lines = ["x", "", "y", "far", "near"] if region == "head" else ["near", "far", "y", "", "x"]
    hits, _ = PrefilterEngine([near, far]).hits(Document(id="d", path="d", text="\n".join(lines)))
    assert [(h.signature.id, h.line) for h in hits] == [("RS902", 4 if region == "head" else 2)]
    same_hits([near, far], "\n".join(lines))


@pytest.fixture(scope="module")
def shipped_engines(rules) -> tuple[ReferenceEngine, PrefilterEngine]:
    return ReferenceEngine(rules.signatures), PrefilterEngine(rules.signatures)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(TEXT, st.sampled_from(["example"])), max_size=6))
def test_shipped_rules_give_the_same_hits(rules, shipped_engines, parts):
    examples = [e if isinstance(e, str) else e.text
                for s in rules.signatures for e in [*s.rule.examples.match, *s.rule.examples.no_match]]
    text = "\n".join(examples[hash(p) % len(examples)] if p == "example" else p for p in parts)
    same_hits(rules.signatures, text, shipped_engines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.one_of(TEXT, st.integers(0, 10**6)), max_size=5), max_size=5))
def test_documents_checked_together_get_the_hits_each_gets_alone(rules, texts):
    """Sets and signatures go over a chunk's documents together (``hits_of``): no document's hits
    depend on the others beside it, and they are the reference's. (A number stands for a rule's example.)"""
    examples = [e if isinstance(e, str) else e.text
                for s in rules.signatures for e in [*s.rule.examples.match, *s.rule.examples.no_match]]
    docs = [Document(id=str(n), path="d", text="\n".join(examples[p % len(examples)] if isinstance(p, int) else p
                                                         for p in parts)) for n, parts in enumerate(texts)]
    engine = PrefilterEngine(rules.signatures)
    together = engine.hits_of(docs)
    assert together == [engine.hits(doc) for doc in docs]
    assert together == ReferenceEngine(rules.signatures).hits_of(docs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(TEXT, st.sampled_from(["example"])), max_size=6))
def test_on_demand_signatures_give_each_tag_the_hits_a_pass_over_every_signature_finds(rules, parts):
    """A signature found on demand (rule field ``on_demand``: the domain mentions) is left out of the
    pass over every document and found when one of its tags is asked for: each tag's hits, in order,
    and the overruns are those of one engine over every signature."""
    examples = [e if isinstance(e, str) else e.text
                for s in rules.signatures for e in [*s.rule.examples.match, *s.rule.examples.no_match]]
    doc = Document(id="d", path="d", text="\n".join(examples[hash(p) % len(examples)] if p == "example" else p
                                                    for p in parts))
    hits, overruns = collect_hits(doc, rules)
    assert not any(hit.signature.on_demand for hit in hits)
    ctx = Context(doc=doc, rules=rules, hits=hits, overruns=overruns)
    every, every_overruns = PrefilterEngine(rules.signatures).hits(doc)
    for tag in sorted({tag for sig in rules.signatures for tag in sig.rule.tags}):
        assert ctx.hits_tagged(tag) == [hit for hit in every if tag in hit.signature.tags]
    assert sorted(ctx.overruns) == sorted(every_overruns)


def test_the_shipped_rules_find_the_domain_mentions_on_demand(rules):
    assert [s.rule.id for s in rules.signatures if s.rule.on_demand] == ["PV046"]
    assert on_demand_tags(rules) == {"domain-mention"}


def test_every_rule_example_gives_the_same_hits(rules, shipped_engines):
    for sig in rules.signatures:
        for example in [*sig.rule.examples.match, *sig.rule.examples.no_match]:
            same_hits(rules.signatures, example if isinstance(example, str) else example.text, shipped_engines)


def test_seed_reports_are_identical_byte_for_byte(rules):
    for doc in read_documents([CORPUS]):
        fast = render_line(check_document(doc, rules, Settings(engine="prefilter")))
        again = Document(id=doc.id, path=doc.path, text=doc.text, meta=doc.meta, notes=doc.notes)
        assert fast == render_line(check_document(again, rules, Settings(engine="reference")))


@pytest.mark.parametrize("suppressing", [False, True])
def test_a_chunk_of_documents_gets_the_reports_each_gets_alone(rules, suppressing):
    """In any order, repeated or not, with suppressions that remove findings or without."""
    docs = list(read_documents([CORPUS]))
    config = Settings()
    if suppressing:
        fired = [f.rule for doc in docs for f in check_document(doc, rules, config).findings]
        source = CORPUS.resolve().parent / "provenance.toml"
        first = Path(docs[0].path).resolve().relative_to(source.parent).as_posix()
        config = Settings(source=str(source), ignore=[Suppression(path="**", rules=fired[:2], reason="r"),
                                                        Suppression(path=first, rules=fired[2:4], reason="r")])
    alone = [render_line(check_document(doc, rules, config)) for doc in docs]
    order = [3, 0, 4, 1, 2, 0, 3]
    fresh = [Document(id=docs[i].id, path=docs[i].path, text=docs[i].text, meta=docs[i].meta) for i in order]
    assert [render_line(r) for r in check_documents(fresh, rules, config)] == [alone[i] for i in order]
    assert not suppressing or any('"suppressed":[{' in line for line in alone)


def test_checked_documents_are_freed_without_the_collector(rules):
    """No cycle keeps a checked document (its text, UTF-8 and lines) alive until the collector runs:
    one did, through a screen kept on ``CopyStarts`` that held its bound method, and the run's
    documents then lingered in memory and made every collection longer."""
    docs = [Document(id=d.id, path=d.path, text=d.text, meta=d.meta) for d in read_documents([CORPUS])]
    docs.append(Document(id="u", path="u", text="Ünïcode «quoted» text, said the Agency.\nRelated posts:\n"))
    alive = [weakref.ref(doc) for doc in docs]
    gc.collect()
    gc.disable()
    try:
        reports = check_documents(docs, rules, Settings())
        del docs
        assert reports and not any(ref() for ref in alive)
    finally:
        gc.enable()


def test_prefilter_skips_signatures_that_cannot_match(rules):
    engine = PrefilterEngine(rules.signatures)
    quiet = Document(id="d", path="d", text="A plain sentence about the weather, with nothing else in it.")
    assert len(engine.candidates(quiet)) < len(rules.signatures) // 2
    assert not engine.always, "every shipped signature should have an RE2 copy"


@pytest.mark.parametrize(("source", "expected"), [
    (r"\bword\b", "(?:)word(?:)"),
    (r"a(?=\p{Lu})", "a(?:)"),
    (r"a(?<!x(?:y))b", "a(?:)b"),
    (r"(?>ab|a)c", "(?:ab|a)c"),
    (r"a++", "a+"),
    (r"\p{L}+s", "[" + loose_class(r"\p{L}") + "]+s"),  # a '+' after an escape's closing brace is a plain quantifier
    (r"\p{Zs}+s", r"\p{Zs}+s"),
    (r"[^\p{L}\w]\P{Lu}", r"[^\p{L}\p{L}\p{Nd}\p{M}\p{Pc}]\P{Lu}"),  # a negated class may not accept more
    (r"\x{e9}+", r"\x{e9}+"),
    (r"\u00e9", r"\x{00e9}"),
    (r"[\w.]", "[" + loose_class(r"\w") + ".]"),
    (r"\p{Nd}+\x{e9}+", r"\p{Nd}+\x{e9}+"),
    (r"[\p{L}.]{1,40}x{3}y{,2}", "[" + loose_class(r"\p{L}") + r".]{1,}x{3,}y{0,}"),
    (r"a{2,3}+b{}", "a{2,}b{}"),
    (r"(a)(?P<b>c)(?<d>e)[(](?:f)\(", "(?:a)(?:c)(?:e)[(](?:f)\\("),
])
def test_translation_only_loosens(source, expected):
    assert prefilter_source(source) == expected


EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@pytest.mark.parametrize("escape", [r"\w", *(rf"\p{{{name}}}" for name in sorted(_LOOSENED))])
@pytest.mark.parametrize("flags", ["", "(?i)"])
def test_a_loosened_class_accepts_every_character_the_escape_does(escape, flags):
    """Over every code point, with and without regard to case; and on ASCII, with regard to case,
    exactly those (without, RE2 may fold the Kelvin sign and the long s to ASCII letters)."""
    caseless = regex.IGNORECASE | regex.FULLCASE if flags else 0
    accepted = set(regex.findall(escape, EVERY_CHARACTER, flags=regex.VERSION1 | caseless))
    # what the class refuses, a few matches where what it accepts is a million (and minutes to list)
    loose = set(EVERY_CHARACTER) - set(re2.findall(f"{flags}[^{loose_class(escape)}]", EVERY_CHARACTER))
    assert accepted <= loose
    if not flags:
        assert {c for c in loose if c.isascii()} == {c for c in accepted if c.isascii()}


def test_shipped_copies_have_no_capturing_groups(rules):
    # match_start asks RE2 for the span of group 0 alone: with other groups it runs a slower engine
    for sig in rules.signatures:
        assert re2.compile(f"(?:{prefilter_source(signature_source(sig.rule))})").groups == 0, sig.rule.id


@pytest.mark.parametrize(("copy", "expected"), [
    (r"(?:x){0,}(?:a|b)?\s*(?:reported|said)(?:)", "(?:reported|said)"),  # a group left alone is read inside
    (r"(?:)abc(?:)|d*", "abc|d*"),  # an alternative matching empty anywhere stays whole
    (r"\pL*ab\x41?c\x{42}??", r"ab\x41?c"),
    (r"[\]a(]?b[^]x|]*", "b"),
    (r"(?i:(?:a)?b)|^x?", "(?i:b)|^"),
    (r"a{0,}b{2,}c{,3}d+", "b{2,}c{,3}d+"),  # RE2 reads {,3} as characters
    (r"(?:^x)?(?:y|z)(?:)", "(?:y|z)"),
])
def test_a_sets_copy_drops_what_never_decides_whether_a_match_exists(copy, expected):
    assert existence_source(copy) == expected


OPTIONAL = PATTERN.flatmap(lambda p: st.sampled_from([p, f"(?:{p})?", f"(?:{p})*", f"(?:{p}){{0,3}}", f"(?:{p})??"]))
SPLICED = st.lists(OPTIONAL, min_size=1, max_size=4).map("".join)
ALTERNATIVES = st.one_of(st.lists(SPLICED, min_size=1, max_size=3).map("|".join), SPLICED.map("(?:{})x?".format))


@settings(max_examples=400, deadline=None)
@given(pattern=ALTERNATIVES, flags=st.sampled_from(["(?m)", "(?mi)"]), text=TEXT)
def test_a_sets_copy_matches_somewhere_exactly_where_the_locator_does(pattern, flags, text):
    try:
        copy = prefilter_source(pattern)
        locator = re2.compile(f"{flags}(?:{copy})")
    except (Untranslatable, re2.error):
        assume(False)
    found = re2.compile(f"{flags}(?:{existence_source(copy)})")
    assert (found.search(text) is None) == (locator.search(text) is None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(st.tuples(ALTERNATIVES, SIGNATURE_OPTIONS), min_size=1, max_size=4),
       text=st.lists(TEXT, max_size=6).map("\n".join))
def test_sets_of_whole_copies_make_the_same_plan(specs, text, monkeypatch):
    try:
        compiled = [compile_signature(signature([pattern], **options).model_copy(update={"id": f"RS{900 + n}"}))
                    for n, (pattern, options) in enumerate(specs)]
    except Exception:  # noqa: BLE001 - a generated pattern regex itself rejects is no test
        assume(False)
    plan = plan_of(PrefilterEngine(compiled), Document(id="d", path="d", text=text))
    with monkeypatch.context() as patched:
        patched.setattr("provenance.engine.existence_and_anchoring", lambda copy: (copy, False))
        whole = plan_of(PrefilterEngine(compiled), Document(id="d", path="d", text=text))
    assert plan == whole


@pytest.mark.parametrize(("copy", "anchored"), [
    ("^a|^b", True),
    ("(?:^a|(?i:^b))|^c", True),
    ("(?:(?:^a)|^b)", True),
    ("x?(?:)^a*b", True),  # what existence_source drops does not count
    ("a|^b", False),
    ("(?:^a)?b", False),
    ("(?:^a|^b)c", False),  # a group followed by more is not read inside
    ("^+a", False),
    ("^a|x?", False),
    (r"\^a|[\^]b|[^^]", False),
    ("(?m)^a", False),  # flags alone are a group of their own: never taken for an anchor
])
def test_a_copy_is_line_anchored_when_every_alternative_begins_at_a_line_start(copy, anchored):
    assert existence_and_anchoring(copy)[1] == anchored


ANCHORED = st.lists(st.tuples(st.booleans(), SPLICED), min_size=1, max_size=3).map(
    lambda alternatives: "|".join(("^" if anchor else "") + part for anchor, part in alternatives))


@settings(max_examples=300, deadline=None)
@given(pattern=st.one_of(ANCHORED, ANCHORED.map("(?:{})x?".format)), flags=st.sampled_from(["(?m)", "(?mi)"]),
       text=st.lists(TEXT, max_size=4).map("\n".join))
def test_a_line_anchored_copy_matches_only_at_line_starts(pattern, flags, text):
    try:
        copy, anchored = existence_and_anchoring(prefilter_source(pattern))
        found = re2.compile(f"{flags}(?:{copy})")
    except (Untranslatable, re2.error):
        assume(False)
    assume(anchored)
    data = text.encode("utf-8", "surrogatepass")
    starts = {match_start(found, data, pos, len(data)) for pos in range(len(data) + 1)} - {-1}
    assert all(start == 0 or data[start - 1:start] == b"\n" for start in starts)


def test_signatures_kept_apart_share_sets_only_with_each_other(rules):
    engine = PrefilterEngine(rules.signatures)
    apart = {i for i, sig in enumerate(engine.signatures) if sig.rule.prefilter == "apart"}
    assert apart
    for _, slots, _, _ in engine._sets:
        members = {i for i in slots if i >= 0}
        assert members <= apart or not members & apart


def test_signatures_kept_apart_share_one_set_whatever_their_case():
    sigs = [compile_signature(signature([pattern], prefilter="apart", case_sensitive=cased)
                              .model_copy(update={"id": f"RS{900 + n}"}))
            for n, (pattern, cased) in enumerate([(r"(?:\p{Lu}\w+ ){2,}said", True), (r"\w+ of the \w+", False)])]
    engine = PrefilterEngine(sigs)
    assert [sorted(i for i in slots if i >= 0) for _, slots, region, _ in engine._sets if region == "any"] == [[0, 1]]
    same_hits(sigs, "Jane Roe Smith said the head of the office\nleft.")


def test_shipped_sets_copies_match_somewhere_exactly_where_their_locators_do(rules):
    examples = [e if isinstance(e, str) else e.text
                for s in rules.signatures for e in [*s.rule.examples.match, *s.rule.examples.no_match]]
    for sig in rules.signatures:
        pattern, locator, _ = _prefilter_copy(sig)
        found = re2.compile(pattern)
        for text in examples:
            assert (found.search(text) is None) == (locator.search(text) is None), (sig.rule.id, text)


@pytest.fixture(scope="module")
def every_character() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


@pytest.mark.parametrize("source", [r"\s", r"\S", r"\w", r"\W", r"\d", r"\D", r"\p{L}", r"\p{Ll}", r"\p{Sc}", r"[^\s]",
                                    r"[^\w]", r"[^\d]", r"[^\D]", r"[\w-]", r"[^\w-]", r"[^\p{L}\s]", r"[^a]", "."])
def test_a_class_copy_misses_no_character_that_re2_knows(source, every_character):
    """On every code point: a character a class matches and its RE2 copy does not is one RE2's
    Unicode tables do not hold (``known_to_re2``): a text holding one is not screened by RE2.
    (``regex``'s \\S takes \\x1c-\\x1f, which ``re`` counts as space; inside a negated class
    a copy must narrow, not loosen.)"""
    copy = re2.compile(f"(?:{prefilter_source(source)}|{UNKNOWN_TO_RE2})*")  # one character each
    assert copy.fullmatch("".join(regex.findall(source, every_character))), source


@pytest.mark.parametrize("source", [r"[[a-z]--[aeiou]]", r"(?:color){e<=1}", r"(a)\1", r"\Aa", r"[\W]", r"[\b]",
                                    r"(?|a|b)", "[a"])
def test_untranslatable_patterns_are_declined(source):
    with pytest.raises(Untranslatable):
        prefilter_source(source)


def test_full_case_folding_is_not_lost():
    sig = compile_signature(signature(phrases=["STRASSE", "file"]))
    for text in ("Straße", "ﬁle", "a line\nStraße\nanother"):
        same_hits([sig], text)
        assert ReferenceEngine([sig]).hits(Document(id="d", path="d", text=text))[0]


def test_a_caseless_copy_matching_nowhere_is_confirmed_on_the_lines_holding_a_fold_alone():
    # the Set finds neither copy in the text; the lines holding ß are confirmed all the same, and
    # no copy is searched for through the rest
    sigs = [compile_signature(signature(phrases=["STRASSE"], scope=scope)) for scope in ("line", "text")]
    text = "a line\nStraße and strasse\nanother Straße"
    same_hits(sigs, text)
    engine, doc = PrefilterEngine(sigs), Document(id="d", path="d", text=text)
    assert [(index, lines, found) for index, lines, _, found in plan_of(engine, doc)[0]] == [(0, {2, 3}, True),
                                                                                         (1, None, True)]
    assert len(engine.hits(doc)[0]) == 6
    text = "a line\nStraße\nanother Straße"
    same_hits(sigs, text)
    doc = Document(id="d", path="d", text=text)
    assert [(index, lines, found) for index, lines, _, found in plan_of(engine, doc)[0]] == [(0, {2, 3}, False),
                                                                                         (1, None, False)]
    assert len(engine.hits(doc)[0]) == 4


def test_unfolded_characters_all_lie_in_the_bmp():
    beyond = [c for c in range(0x10000, sys.maxunicode + 1) if unfolded(chr(c))]
    assert not beyond
    assert all(unfolded_characters().search(c) for c in "ßﬁı")
    assert not unfolded_characters().search("Iiks")


def test_unfolded_characters_are_every_unfolded_character_of_the_plane():
    """The chunked scan finds what testing every character of the plane one by one finds."""
    plane = (chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    assert unfolded_characters().pattern == "[" + re.escape("".join(c for c in plane if unfolded(c))) + "]"


@given(st.lists(st.one_of(st.sampled_from(TRICKY + ["Σ", "ǅ", "ǆ", "Ǆ", "ŉ", "ΐ", "ᾳ", "µ", "ς", "ẞ", "K"]),
                          st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",))), max_size=8).map("".join))
def test_a_string_folds_alike_only_when_no_character_is_unfolded(chars):
    """A chunk the scan passes over as folding alike holds no ``unfolded`` character."""
    assert not (folds_alike(chars) and any(unfolded(c) for c in chars))


def test_folding_alike_is_told_from_the_whole_string():
    assert folds_alike("Abc Σ déjà ПРИВЕТ") and folds_alike("")
    assert not any(folds_alike(f"ab{c}") for c in "ßﬁı")


def test_the_plane_is_every_character_below_u10000_but_the_surrogates():
    assert _plane() == "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)


def test_a_compiled_signature_keeps_its_source():
    for sig in load_rules().signatures:
        assert sig.source == signature_source(sig.rule)


@given(st.lists(st.one_of(st.sampled_from(TRICKY + ["Σ", "ǅ", "ǆ", "Ǆ", "ŉ", "ΐ", "ᾳ", "µ"]),
                          st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",))), max_size=8).map("".join))
def test_a_string_is_case_mapped_when_one_of_its_characters_is(chars):
    """A chunk the scan skips holds no character with a case mapping, so none ``unfolded``."""
    assert case_mapped(chars) == any(case_mapped(c) for c in chars)
    assert all(case_mapped(c) for c in chars if unfolded(c))


def test_a_caseless_class_matching_dotless_i_is_confirmed():
    """``regex`` matches ``ı`` to ``[A-Z]`` without regard to case (its capital is ``I``); RE2's simple
    case folding does not, so the prefilter must not rule the signature out."""
    sig = compile_signature(signature(patterns=[r"[A-Z]"]))
    for text in ("ı", "x\nKadıköy"):
        same_hits([sig], text)
    assert ReferenceEngine([sig]).hits(Document(id="d", path="d", text="ı"))[0]


def test_lone_surrogates_fall_back_to_the_reference():
    sig = compile_signature(signature(patterns=[r"a.b"]))
    same_hits([sig], "x a\ud800b y")
    assert regex.search("a.b", "a\ud800b")


@pytest.mark.parametrize("pattern, text", [
    (r"x\S+y", "x\x1fy"),  # regex's \S takes \x1c-\x1f
    (r"x[^\w]y", "x©y"),  # © is in \w's wide copy: a negated class takes its core
    (r"^\p{L}+$", "\u088f"),  # a letter newer than RE2's tables
    (r"(?i)^\w+ link$", "\u088f link"),
])
def test_characters_re2_reads_otherwise_fall_back_to_the_reference(pattern, text):
    sig = compile_signature(signature(patterns=[pattern], scope="line"))
    assert ReferenceEngine([sig]).hits(Document(id="d", path="d", text=text))[0]
    same_hits([sig], text)


@settings(max_examples=150, deadline=None)
@given(text=st.lists(TEXT, max_size=6).map("\n".join), lone=st.booleans(),
       regions=st.lists(st.sampled_from(["any", "head", "tail", "ends"]), min_size=1, max_size=3))
def test_the_sets_tell_whether_re2_reads_a_text_as_its_own_search_does(text, lone, regions):
    text += "\ud800" if lone else ""  # a lone surrogate has no UTF-8
    sigs = [compile_signature(signature(["source"], region=region).model_copy(update={"id": f"RS{900 + n}"}))
            for n, region in enumerate(regions)]
    doc = Document(id="d", path="d", text=text)
    PrefilterEngine(sigs)._choices([doc])
    assert "re2_readable" in doc.__dict__
    assert doc.re2_readable == Document(id="d", path="d", text=text).re2_readable


def test_a_text_the_first_set_read_is_not_searched_again_for_characters_unknown_to_re2(monkeypatch):
    engine = PrefilterEngine([compile_signature(signature(["source"]))])
    docs = [Document(id="d", path="d", text=text) for text in ("café source", "a \u088f b", "x a\ud800b y")]

    def searched(data):
        raise AssertionError("searched again")

    monkeypatch.setattr("provenance.document.known_to_re2", searched)
    engine._choices(docs)
    assert [doc.re2_readable for doc in docs] == [True, False, False]


def test_a_line_scoped_pattern_turning_multiline_mode_off_is_confirmed_on_every_line():
    """``^`` in ``(?-m:^foo)`` starts the text, but a line-scoped signature reads each line alone."""
    sig = compile_signature(signature(patterns=[r"(?-m:^foo)"], scope="line"))
    same_hits([sig], "x\nfoo")
    assert ReferenceEngine([sig]).hits(Document(id="d", path="d", text="x\nfoo"))[0]


def test_a_set_that_gives_up_falls_back_to_every_signature(rules, monkeypatch):
    engine = PrefilterEngine(rules.signatures)
    doc = Document(id="d", path="d", text="Home\nShare this article\nReportedly, critics say so.")
    expected = ReferenceEngine(rules.signatures).hits(doc)

    class GaveUp:  # what RE2's Set answers when its DFA runs out of memory: no match at all
        @staticmethod
        def Match(data):
            return None

    monkeypatch.setattr(engine, "_sets", [(GaveUp(), [-1], "any", 8)])
    assert engine.candidates(doc) == rules.signatures
    assert engine.hits(doc) == expected


@given(sizes=st.lists(st.integers(1, 40000), max_size=60))
def test_packed_sets_hold_every_pattern_once_within_their_limits(sizes):
    groups = _packed([(index, f"p{index}", size) for index, size in enumerate(sizes)])
    assert sorted(index for group in groups for index, _ in group) == list(range(len(sizes)))
    for group in groups:
        assert 1 <= len(group) <= _SET_SIZE
        assert len(group) == 1 or sum(sizes[i] for i, _ in group) <= _SET_INSTRUCTIONS


def test_prefilter_never_runs_a_pattern_on_lines_re2_rejects():
    # (a+)+$ backtracks for ages on a long run of a's that does not end the line; RE2 rejects that
    # line in linear time, so the prefilter confirms only the short line and finishes in time
    sig = compile_signature(signature(patterns=["(a+)+$"]))
    doc = Document(id="d", path="d", text="aaa\n" + "a" * 20_000 + "!\n")
    hits, overruns = PrefilterEngine([sig]).hits(doc, timeout=0.3)
    assert [(h.line, h.start, h.end) for h in hits] == [(1, 0, 3)] and overruns == []


def test_a_quantifier_after_a_braced_escape_is_kept():
    for scope in ("line", "text"):
        sig = compile_signature(signature(patterns=[r"^\p{Nd}+$", r"(?<=\s)\p{Ll}+x"], scope=scope))
        same_hits([sig], "12\n345\n a ééx\n")
        assert len(PrefilterEngine([sig]).hits(Document(id="d", path="d", text="12\n345\n a ééx\n"))[0]) == 3


def test_text_scope_signatures_are_tried_only_where_re2_matches_in_any_encoding():
    for pattern in (r"(?<=\s)b\w*c", r"b.c|^$", r"\bb"):
        sig = compile_signature(signature(patterns=[pattern], scope="text"))
        same_hits([sig], "é😀 bxc\nabc é b😀c bc\n\n  bzzc ß b")
        same_hits([sig], "plain bc text\nb-c and bxc\n")


def test_a_text_scope_search_taken_back_by_a_fold_counts_its_offsets_again():
    # the offsets of a text-scope search are counted on from the last start found; a line holding a
    # fold before that start takes the search back, and its offsets are counted from its line
    for pattern in ("ss", r"ss\w", "é"):
        sig = compile_signature(signature(patterns=[pattern], scope="text"))
        same_hits([sig], "é Straße é ss\n😀 ss ß é\nSS é ss😀 ß")


def test_a_text_scope_search_after_a_final_newline_starts_there():
    # the offset after a final newline lies past the last line: converted through that line's text
    # alone, it fell back onto the newline, which matched again and again without end
    sig = compile_signature(signature(patterns=[r"\W"], scope="text"))
    text = "\nStraße“\n"
    fast = PrefilterEngine([sig]).hits(Document(id="d", path="d", text=text), timeout=2.0)
    assert fast == ReferenceEngine([sig]).hits(Document(id="d", path="d", text=text), timeout=2.0)


BEHIND = st.sampled_from([r"(?<![\w@.-])", r"(?<![a-z])", r"(?<![ßs])", r"(?<![\s\d])", r"(?<![é\p{Lu}])",
                          r"(?<![\P{Lu}])", r"(?<![\p{^Ll}\d])", r"(?<![a-z])?", r"(?<![a-z])*", r"(?<![a-z]){0}"])


@settings(max_examples=300, deadline=None)
@given(behind=BEHIND, pattern=PATTERN, options=SIGNATURE_OPTIONS, text=TEXT)
def test_offsets_a_leading_lookbehind_rejects_are_passed_over_exactly(behind, pattern, options, text):
    try:
        compiled = compile_signature(signature([behind + pattern], **options))
    except Exception:  # noqa: BLE001 - a generated pattern regex itself rejects is no test
        assume(False)
    same_hits([compiled], text)


@pytest.mark.parametrize(("pattern", "screened"), [
    (r"(?<![\w@.-])(?:www\.)?\w+\.com", True),
    (r"(?<![^a])b", False),  # negated: without regard to case it accepts fewer characters
    (r"(?<![\P{Lu}])b", False),  # a negated member: likewise
    (r"(?<![a-z])?b", False),  # quantified: a match need not pass it
    (r"(?<![a-z])b|c", False),  # an alternative without the lookbehind
    (r"(?<![a-z])b(?i)", False),
    (r"(?<![a--z])b", False),
    (r"(?<!a)b", False),
])
def test_a_leading_lookbehind_screens_only_where_every_match_begins_with_it(pattern, screened):
    sig = compile_signature(signature([pattern], case_sensitive=False))
    assert (leading_lookbehind(sig) is not None) == screened


def test_line_scope_signatures_are_tried_only_where_re2_matches_in_any_encoding():
    for pattern in (r"(?<=\s)b\w*c", r"b.c|^$", r"\bb", r"c$", r"(?:\p{Lu}\w*\s+){0,2}bc"):
        sig = compile_signature(signature(patterns=[pattern], scope="line"))
        same_hits([sig], "é😀 bxc\nabc é b😀c bc\n\n  bzzc ß b\nBé Xy bc bc")
        same_hits([sig], "plain bc text\nb-c and bxc\nbc\n")


@pytest.mark.parametrize("lines,found", [
    # the first and last two non-blank lines; the lines between them are not read
    (["x", "", "hit", "hit", "hit", "y", "hit"], [3, 7]),
    # head and tail next to each other, or one over the other: each line read once
    (["hit", "", "hit", "hit"], [1, 3, 4]),
    (["hit", "y"], [1]),
    # the head's and the tail's bytes read by one Set, joined: no match across the join
    (["a", "b", "hi", "t", "c", "d"], []),
])
def test_an_ends_signature_reads_the_head_and_tail_lines_alone(lines, found):
    sig = compile_signature(signature(["^hit$", "^hi\\nt$"], region="ends", region_lines=2, scope="text"))
    text = "\n".join(lines)
    hits, _ = PrefilterEngine([sig]).hits(Document(id="d", path="d", text=text))
    assert [h.line for h in hits] == found
    same_hits([sig], text)


def test_head_and_tail_signatures_share_one_set_over_both_ends_and_hit_only_in_their_own_region():
    """A copy the ends' Set finds at the other end (a tail phrase in the head lines, a head phrase in
    the tail lines) is confirmed there on no line."""
    head, tail = (compile_signature(signature([phrase], region=region, region_lines=2).model_copy(update={"id": rule}))
                  for phrase, region, rule in (("source link", "head", "RS901"), ("read more", "tail", "RS902")))
    engine = PrefilterEngine([head, tail])
    assert [region for _, _, region, _ in engine._sets] == ["ends"]
    text = "Title\nread more\nBody one.\nBody two.\nBody three.\nsource link\nread more"
    hits, _ = engine.hits(Document(id="d", path="d", text=text))
    assert [(h.signature.id, h.line) for h in hits] == [("RS902", 7)]
    same_hits([head, tail], text)


@settings(max_examples=300, deadline=None)
@given(pattern=PATTERN, options=SIGNATURE_OPTIONS, text=TEXT)
def test_a_lines_first_match_is_where_a_search_of_the_line_alone_finds_one(pattern, options, text):
    # and a first match said to be alone is the last a search of the line alone finds, in every
    # line of the signature's region (the only lines it reads)
    sig = compile_signature(signature(patterns=[pattern], **{**options, "scope": "line"}))
    engine, doc = PrefilterEngine([sig]), Document(id="d", path="d", text=text)
    assume(0 in engine._locators and doc.re2_readable)
    locator, data, starts = engine._locators[0], doc.utf8, doc.utf8_line_starts
    region = {line.number for line in sig.lines_to_scan(doc)}
    for number, (first, alone) in engine._lines_for(0, doc, set())[1].items():
        if number not in region:
            continue
        base, text = starts[number - 1], doc.lines[number - 1].text
        end, at = base + len(text.encode()), base + len(text[:first].encode())  # first: code points in the line
        if first >= 0:
            assert match_start(locator, data, base, end) == at
        if alone:
            assert first >= 0 and (at == end or match_start(locator, data, at + 1, end) < 0)


@settings(max_examples=300, deadline=None)
@given(pattern=PATTERN, options=SIGNATURE_OPTIONS, text=TEXT)
def test_the_accelerator_finds_a_locator_s_line_firsts_as_python_does(pattern, options, text):
    sig = compile_signature(signature(patterns=[pattern], **{**options, "scope": "line"}))
    engine, doc = PrefilterEngine([sig]), Document(id="d", path="d", text=text)
    assume(0 in engine._locators and not doc.has_lone_surrogates)
    search = span_search(engine._locators[0])
    for pos, end in region_spans(doc, sig.rule.region, sig.rule.region_lines):
        found = line_firsts(search, doc.utf8, doc.utf8_line_starts, pos, end)
        assert found == python_line_firsts(search, doc.utf8, doc.utf8_line_starts, pos, end)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(accelerator, "fastpage", None)
            assert line_firsts(search, doc.utf8, doc.utf8_line_starts, pos, end) == found


@settings(max_examples=300, deadline=None)
@given(behind=st.one_of(st.just(""), BEHIND), pattern=PATTERN, options=SIGNATURE_OPTIONS,
       text=TEXT)
def test_the_accelerator_finds_a_signature_s_line_hits_as_python_does(behind, pattern, options, text):
    try:
        sig = compile_signature(signature([behind + pattern], **{**options, "scope": "line"}))
    except Exception:  # noqa: BLE001 - a generated pattern regex itself rejects is no test
        assume(False)
    engine, doc = PrefilterEngine([sig]), Document(id="d", path="d", text=text)
    choice = engine._choices([doc])[0]
    assume(choice.chosen and not choice.in_full)
    found = choice.chosen[0][1]
    lines, firsts = engine._confirm_lines(0, doc, choice, found)
    starts = engine._starts(0, doc, choice.fold_lines, firsts, found)
    assume(starts is not None)
    each_line = partial(hits_where_starts_say, sig, starts.in_line, None)
    args = (sig.regex.match, None if starts.behind is None else starts.behind.match, sig.rule,
            sig.lines_to_scan(doc, lines), starts.firsts, starts.fold_lines, sig.rule.max_line_chars or 0, None,
            each_line)
    python = python_line_hits(*args)
    assert python == list(find_hits(sig, doc, None, lines, starts))
    if accelerator.fastpage is not None:
        assert accelerator.fastpage.line_hits(Hit, *args) == python


def test_line_hits_keeps_regex_s_timeout():
    sig = compile_signature(signature([r"(a|aa)+!"], scope="line"))
    line = Document(id="d", path="d", text="a" * 30 + "b").lines[0]
    args = (sig.regex.match, None, sig.rule, [line], {1: (0, True)}, set(), 0)
    for line_hits in [python_line_hits, *([partial(accelerator.fastpage.line_hits, Hit)] if accelerator.fastpage else [])]:
        with pytest.raises(TimeoutError):
            line_hits(*args, time.monotonic() - 1, lambda line: [])
        with pytest.raises(TimeoutError):
            line_hits(*args, time.monotonic() + 0.05, lambda line: [])


def test_line_firsts_refuses_a_search_answering_otherwise():
    if accelerator.fastpage is None:
        pytest.skip("the C accelerator is not built")
    with pytest.raises(TypeError, match="pair of ints"):
        accelerator.fastpage.line_firsts(lambda data, pos, end: [], b"ab", [0], 0, 2)
    with pytest.raises(ZeroDivisionError):
        accelerator.fastpage.line_firsts(lambda data, pos, end: 1 / 0, b"ab", [0], 0, 2)


@settings(max_examples=300, deadline=None)
@given(pattern=PATTERN, text=TEXT, cut=st.integers(0, 40))
def test_matching_at_one_offset_finds_what_a_search_of_that_offset_alone_finds(pattern, text, cut):
    compiled, start = regex.compile(pattern, regex.VERSION1 | regex.MULTILINE), min(cut, len(text))
    one = _matches_from(compiled, text, lambda pos: start if pos <= start else None, None)
    assert [m.span() for m in _matches_at(compiled, text, start, None)] == [m.span() for m in one]


def test_one_offset_is_tried_with_regex_s_arguments_by_position_as_their_names_give_them():
    # _matches_at and _matches_from pass pos, endpos, concurrent, partial and timeout by position:
    # a regex release that reorders them would find partial matches or lose the time limit
    compiled = regex.compile(r"abc|(a+)+$", regex.VERSION1)
    assert _matches_at(compiled, "xab", 1, None) == ()
    assert [m.span() for m in _matches_from(compiled, "xabc", lambda pos: 1 if pos <= 1 else None, None)] == [(1, 4)]
    with pytest.raises(TimeoutError):
        _matches_at(compiled, "a" * 20_000 + "!", 0, time.monotonic() + 0.05)


@settings(max_examples=300, deadline=None)
@given(pattern=PATTERN, group=st.sampled_from(["{}", "({})", "(?P<g>{})x?"]), text=TEXT,
       cut=st.tuples(st.integers(0, 80), st.integers(0, 80)))
def test_match_start_is_where_the_public_search_begins(pattern, group, text, cut):
    # match_start reaches into google-re2's private API: this pins it to the public one
    try:
        locator = re2.compile("(?m)" + group.format(prefilter_source(pattern)))
    except (Untranslatable, re2.error):
        assume(False)
    data = text.encode("utf-8")
    pos, endpos = sorted(min(c, len(data)) for c in cut)
    found = locator.search(data, pos, endpos)
    assert match_start(locator, data, pos, endpos) == (-1 if found is None else found.start())
    assert span_search(locator)(data, pos, endpos)[0] == ((-1, -1) if found is None else found.span())


@pytest.mark.parametrize(("source", "crosses"), [
    (r"(?<![\w@.-])(?:https?://)?(?P<domain>(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w-])", False),
    (r"[]a]\t\S+\d", False), (r"[\w--\d]", False),
    ("a.b", True), (r"a\sb", True), (r"\W", True), (r"\D", True), ("[^a]", True), (r"[]\n]", True),
    (r"[\t-\r]", True), (r"\x0a", True), (r"\p{L}", True), (r"\N{LINE FEED}", True), ("a\nb", True),
    ("(?x)a b", True), ("(?:ab){e<=1}", True), (r"(a)\1", True), ("[[:alpha:]]", True),
])
def test_may_cross_lines(source, crosses):
    assert may_cross_lines(source) is crosses


@settings(max_examples=300, deadline=None)
@given(pattern=PATTERN, text=TEXT)
def test_a_pattern_said_to_stay_in_a_line_never_matches_a_newline(pattern, text):
    assume(not may_cross_lines(pattern))
    compiled = regex.compile(pattern, regex.VERSION1 | regex.MULTILINE | regex.IGNORECASE | regex.FULLCASE)
    assert all("\n" not in m.group() for start in range(len(text) + 1) if (m := compiled.match(text, start)))


def same_alternation_matches(alternatives: list[str], text: str, flags: int) -> None:
    parts = [f"(?P<c{n}>{a})" for n, a in enumerate(alternatives)]
    try:
        whole = regex.compile("|".join(parts), flags)
    except regex.error:
        assume(False)
    chosen = AlternationFilter(parts, flags).pattern_for(Document(id="d", path="d", text=text))
    found = [] if chosen is None else [(m.span(), m.lastgroup) for m in chosen.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in whole.finditer(text)]


@settings(max_examples=200, deadline=None)
@given(alternatives=st.lists(PATTERN, min_size=1, max_size=4), text=TEXT,
       flags=st.sampled_from([regex.MULTILINE | regex.VERSION0, regex.MULTILINE | regex.VERSION1, regex.VERSION0]))
def test_an_alternation_filter_finds_what_the_whole_alternation_finds(alternatives, text, flags):
    same_alternation_matches(alternatives, text, flags)


def test_an_alternation_filter_stands_aside_for_inline_flags():
    parts = ["(?P<c0>abc)", "(?P<c1>(?i)x)"]
    assert AlternationFilter(parts, regex.VERSION0).pattern_for(Document(id="d", path="d", text="ABC")).pattern \
        == "|".join(parts)
    same_alternation_matches(["abc", "(?i)x"], "ABC abc", regex.VERSION0)


def test_an_alternation_filter_stands_aside_for_a_copy_re2_cannot_take():
    parts = ["(?P<c0>abc)", r"(?P<c1>\p{Emoji}x)"]  # regex knows the property, RE2 does not
    filtered = AlternationFilter(parts, regex.MULTILINE)
    assert filtered.pattern_for(Document(id="d", path="d", text="nothing here")).pattern == "|".join(parts)


def test_an_alternation_filter_reads_line_anchors_as_the_alternation_does():
    same_alternation_matches(["^Home", "x$", r"\bsource\b"], "a\nHome\nx\nb source", regex.MULTILINE)
    same_alternation_matches(["^Home", "x$"], "a\nHome\nx\nb", regex.VERSION0)


def test_an_alternation_filter_skips_what_cannot_match():
    parts = ["(?P<c0>^Dateline)", "(?P<c1>Credit$)"]
    filtered = AlternationFilter(parts, regex.MULTILINE)
    assert filtered.pattern_for(Document(id="d", path="d", text="nothing here")) is None
    assert filtered.pattern_for(Document(id="d", path="d", text="a Credit")).pattern == "(?P<c1>Credit$)"
