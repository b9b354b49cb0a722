"""Outlet profiles and lookup: registrable domains (never substrings), names, merged ratings, the
generated rule files and the ``provenance outlets`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.cli import main
from provenance.detectors.page import line_key
from provenance.document import Document
from provenance.outlets import (NameFinder, compact_key, compact_key_within, name_key, outlet_index, registrable_domain,
                               search_profiles)

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "import_outlets.py"
GENERATED = ("state-media-matrix.json", "wikipedia-perennial.json")


@pytest.fixture(scope="module")
def index(rules):
    return outlet_index(rules)


@pytest.mark.parametrize("url,domain", [
    ("https://www.rt.com/news/1", "rt.com"),
    ("http://news.bbc.co.uk/2/hi/world", "bbc.co.uk"),
    ("actualidad.rt.com", "rt.com"),
    ("https://example.blogspot.com/2012/post", "blogspot.com"),  # ICANN suffixes only, as scorers use
])
def test_registrable_domain_uses_the_suffix_list(url, domain):
    assert registrable_domain(url) == domain


@pytest.mark.parametrize("url", ["https://support.com/help", "https://art.com/", "https://rt.com.evil.example/x",
                                 "https://www.smart.com/"])
def test_domains_never_match_by_substring(index, url):
    profile = index.for_url(url)
    assert profile is None or profile.id != "rt"


def test_subdomain_of_a_profiled_domain_finds_the_profile(index):
    assert index.for_url("https://de.rt.com/inland/1").id == "rt"


def test_url_of_lookalike_domain_names_only_that_domain(check):
    report = check("Some story\n\nText of the story.", url="https://support.com/a")
    assert report.outlet.domain == "support.com" and report.outlet.id is None


def test_every_profile_domain_is_a_registrable_domain_or_host(rules):
    for profile in rules.outlets:
        for domain in profile.domains:
            assert registrable_domain(domain), (profile.id, domain)


def test_names_shared_by_two_imported_profiles_name_neither(rules, index):
    imported = [p for p in rules.outlets if not p.curated]
    names = {}
    for p in imported:
        names.setdefault(p.name.casefold(), set()).add(p.id)
    shared = next(name for name, ids in sorted(names.items()) if len(ids) > 1)
    found = index.for_name(shared)
    assert found is None or found.curated


def test_curated_profile_wins_a_name_over_imported_ones(index):
    assert index.for_name("RT").id == "rt"


def test_ratings_keyed_by_domain_merge_into_the_outlet(check):
    outlet = check("A story\n\nText.", url="https://www.dailymail.co.uk/news/1").outlet
    assert "deprecated" in outlet.flags
    labels = {(r.label, r.source) for r in outlet.reliability}
    assert any("Perennial sources" in source for _, source in labels)
    assert all(r.source and r.date for r in outlet.reliability)


def test_unprofiled_domain_with_a_rating_reports_it(check):
    outlet = check("A story\n\nText.", url="https://112.ua/news/story").outlet
    assert outlet.id is None and outlet.domain == "112.ua"
    assert [r.label for r in outlet.reliability] == ["generally unreliable or deprecated"]


def test_a_profiled_domain_also_carries_its_domain_rating(check):
    outlet = check("A story\n\nText.", url="https://www.alternet.org/2020/01/story").outlet
    assert outlet.id == "alternet" and outlet.kind == "digital"
    assert [r.label for r in outlet.reliability] == ["generally unreliable or deprecated"]


@pytest.mark.parametrize("url,outlet_id", [
    ("https://www.inquirer.com/news/story.html", "inquirer"),
    ("https://economictimes.indiatimes.com/markets/story", "economictimes"),  # its host, not indiatimes.com
    ("https://sports.yahoo.com/nba/story", "yahoosports"),
    ("https://www.radionz.co.nz/news/world/1", "rnz"),
])
def test_leading_profiles_are_found_by_domain_or_host(index, url, outlet_id):
    assert index.for_url(url).id == outlet_id


def test_a_leading_profile_replacing_a_state_media_asset_keeps_its_typology(index):
    sbs = index.for_url("https://www.sbs.com.au/news/article/x")
    assert sbs.id == "sbs" and sbs.curated and sbs.ownership == "ISF"


def test_a_leading_masthead_closing_a_title_names_the_outlet(check):
    outlet = check("Council votes on the new budget | The Philadelphia Inquirer\n\nThe council voted.").outlet
    assert outlet is not None and outlet.id == "inquirer"


@pytest.mark.parametrize("text", [
    "A question of reason\n\nIt was stuff and fortune, the Royal Mint reported, not the federalist view.",
    "New York\n\nThe Australian Government reported a surplus, according to West Australian police.",
    "Deadline\n\nThe Foreign Affairs Minister said so, according to Foreign Policy experts and the U.S. Mint.",
])
def test_ordinary_words_in_a_passing_mention_name_no_outlet(check, text):
    report = check(text)
    assert report.outlet is None or report.outlet.id is None
    assert report.facts.relays == []


def test_state_media_assets_are_imported_with_their_typology(rules):
    imported = [p for p in rules.outlets if not p.curated]
    assert len(imported) > 900
    assert all(p.ownership is None or p.reliability for p in imported)
    assert all(r.source.startswith("State Media Matrix") for p in imported for r in p.reliability)


def test_imported_profiles_leave_curated_domains_alone(rules):
    curated = {registrable_domain(d) for p in rules.outlets if p.curated for d in p.domains}
    for profile in rules.outlets:
        if not profile.curated:
            assert not {registrable_domain(d) for d in profile.domains} & curated, profile.id


def test_search_by_domain_is_exact(rules):
    assert [p.id for p in search_profiles(rules, "https://www.rt.com/news/1")] == ["rt"]
    assert search_profiles(rules, "support.com") == []


def test_search_by_name(rules):
    assert "xinhua" in [p.id for p in search_profiles(rules, "xinhua")]


def test_search_puts_the_profiles_a_query_names_exactly_first(rules):
    found = search_profiles(rules, "RT")
    exact = [p.id for p in found if any(n.casefold() == "rt" for n in [p.id, p.name, *p.aliases, *p.mastheads])]
    assert "rt" in exact and len(found) > 100  # every profile holding the letters follows
    assert [p.id for p in found[:len(exact)]] == exact
    rest = [p.id for p in found[len(exact):]]
    assert rest == [p.id for p in rules.outlets if p.id in set(rest)]  # in the rules' order


@pytest.mark.skipif(not (ROOT.parent / "shared").is_dir() and not (ROOT.parent.parent / "shared").is_dir(),
                    reason="the reference data lives outside the project")
def test_import_script_reproduces_the_committed_files(tmp_path):
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        subprocess.run([sys.executable, str(TOOL), "--out", str(out)], check=True, capture_output=True)
    for name in GENERATED:
        first, second = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert first == second
        assert first == (ROOT / "rules" / "outlets" / name).read_bytes(), f"{name} is stale: re-run {TOOL.name}"


def test_perennial_pack_carries_its_attribution():
    text = (ROOT / "rules" / "outlets" / "wikipedia-perennial.json").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in text and "Perennial_sources" in text


def test_matrix_pack_carries_its_licence_text():
    pack = json.loads((ROOT / "rules" / "outlets" / "state-media-matrix.json").read_text(encoding="utf-8"))["pack"]
    assert "Copyright (c) 2023 ASD-at-GMF" in pack["license"] and "permission notice shall be included" in pack["license"]


def _outlets_cli(capsys, *args: str) -> tuple[int, str]:
    code = main(["outlets", *args])
    return code, capsys.readouterr().out


def test_outlets_command_json_lists_matches_with_sources(capsys):
    code, out = _outlets_cli(capsys, "rt.com", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [o["id"] for o in data["outlets"]] == ["rt"]
    assert "state-controlled" in data["outlets"][0]["flags"]
    assert all(r["source"] for r in data["outlets"][0]["reliability"])


def test_outlets_command_without_match_exits_1(capsys):
    assert _outlets_cli(capsys, "no-such-outlet-anywhere")[0] == 1


def test_a_kind_or_flag_no_profile_has_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["outlets", "--kind", "wire-service"])
    assert exit_.value.code == 2 and "invalid choice: 'wire-service'" in capsys.readouterr().err
    assert main(["outlets", "--flag", "state-controled"]) == 2
    assert "no outlet profile has the flag 'state-controled'" in capsys.readouterr().err
    assert _outlets_cli(capsys, "--flag", "unreliable", "--format", "json")[0] == 0  # a rating list's flag


def test_outlets_command_console_lists_profiles(capsys):
    code, out = _outlets_cli(capsys, "--kind", "wire-agency", "--format", "json")
    assert code == 0 and {"reuters", "ap", "xinhua", "efe"} <= {o["id"] for o in json.loads(out)["outlets"]}
    code, out = _outlets_cli(capsys, "reuters")
    assert code == 0 and "Reuters" in out


@settings(max_examples=300, deadline=None)
@given(name=st.one_of(st.text(max_size=30), st.text(st.sampled_from("RT EN-’“é.ß İ&"), max_size=20)))
def test_name_keys_are_the_case_folded_words(name):
    assert name_key(name) == " ".join(regex.findall(r"\w+", name.casefold()))


def test_outlets_console_notes_each_label_source_once(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out = _outlets_cli(capsys, "xinhua")
    notes = [line for line in out.splitlines() if line.startswith("[")]
    assert code == 0 and "Xinhua News Agency" in out
    assert any("State Media Matrix" in n for n in notes) and any("Perennial sources" in n for n in notes)
    assert len(notes) == len(set(n.split("] ", 1)[1] for n in notes))
    assert "SC (state-controlled) [1]" in out


def test_outlets_console_prints_brackets_in_names_as_written(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "odd.toml").write_text(
        '[pack]\nname = "odd"\ndescription = "a profile with brackets"\nlanguage = "any"\nsource = "test"\n\n'
        '[[outlet]]\nid = "odd-outlet"\nname = "The [b]Odd[/b] Times"\ndomains = ["odd-times.example"]\n'
        'kind = "newspaper"\nsource = "test"\n', encoding="utf-8")
    code, out = _outlets_cli(capsys, "odd-outlet", "--rules", str(tmp_path))
    assert code == 0 and "The [b]Odd[/b] Times" in out


_NAME_CHARS = "Aab Bé-’(.)x\u0301_1"


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@settings(max_examples=400, deadline=None)
@given(names=st.lists(st.text(_NAME_CHARS, min_size=1, max_size=6), min_size=1, max_size=8, unique=True),
       text=st.text(_NAME_CHARS + "\n", max_size=40), pos=st.integers(-2, 45), endpos=st.none() | st.integers(-2, 45))
@example(names=["1"], text="11", pos=0, endpos=-1)  # a negative bound counts from the end, as regex counts it
@example(names=["1"], text="111", pos=-2, endpos=None)
def test_name_finder_finds_what_its_pattern_finds(names, text, pos, endpos):
    """Names sharing first words, opening or closing with non-word characters, inside and across the window."""
    names = tuple(sorted(names, key=lambda n: (-len(n), n)))
    finder = NameFinder.build(names)
    pattern = regex.compile(finder.pattern)
    expected = _spans(pattern.finditer(text, pos) if endpos is None else pattern.finditer(text, pos, endpos))
    assert _spans(finder.finditer(text, pos, endpos)) == expected
    found = finder.search(text, pos, endpos)
    assert (found.span() if found else None) == (expected[0] if expected else None)


@pytest.fixture(scope="module")
def relay_pattern(index):
    return regex.compile(index.names.pattern)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_name_finder_finds_the_relay_names_the_alternation_finds(index, relay_pattern, data):
    names = data.draw(st.lists(st.sampled_from(index.relay_names), max_size=4))
    glue = st.text(" ,.(\n’s-Ae", max_size=4)
    text = "".join(name + data.draw(glue) for name in names)
    cut = data.draw(st.integers(0, len(text)))
    for piece in (text, text[cut:], text[:cut]):
        assert _spans(index.names.finditer(piece)) == _spans(relay_pattern.finditer(piece))


_KEY_TEXT = st.text(st.sampled_from("RT en-’“é.ß İ&ﬁΣς \u0301x"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(text=_KEY_TEXT, cut=st.integers(0, 60))
def test_the_key_of_an_opening_is_never_longer_than_the_whole_key(text, cut):
    assert len(name_key(text[:cut])) <= len(name_key(text))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_for_name_of_a_long_text_is_the_lookup_of_its_key(index, data):
    name = data.draw(st.sampled_from(sorted(index.by_name)))
    text = name + data.draw(st.text(st.sampled_from(" .,-|…"), max_size=3 * index.longest_key)) + data.draw(_KEY_TEXT)
    assert index.for_name(text) is index.by_name.get(name_key(text))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_curated_name_is_a_name_naming_a_curated_profile(index, data):
    names = sorted(index.by_name)
    pad = st.text(st.sampled_from(" -*|.’é"), max_size=3)
    name = data.draw(st.one_of(st.text(max_size=120),
                               st.builds(lambda a, n, b, tail: a + n.upper() + b + tail, pad, st.sampled_from(names), pad,
                                         st.sampled_from(["", " x" * 30, "." * 90]))))
    named = index.for_name(name)
    assert index.for_curated_name(name) == (named if named is not None and named.curated else None)
    assert named == index.by_name.get(name_key(name))


@given(data=st.data())
def test_a_name_is_looked_up_alike_with_the_white_space_around_it(index, data):
    """The masthead lines are looked up unstripped: a key has no white space at either end."""
    space = st.text(st.sampled_from(" \t\u00a0\u2003\x1c\n"), max_size=4)
    name = data.draw(st.one_of(st.sampled_from(sorted(index.by_name)), st.text(max_size=40)))
    padded = data.draw(space) + name + data.draw(space)
    assert index.for_curated_name(padded) == index.for_curated_name(padded.strip())
    assert index.for_name(padded) == index.for_name(padded.strip())


@settings(max_examples=300, deadline=None)
@given(name=st.one_of(st.text(max_size=60), st.text(" _-.Ab9zZé", max_size=60),
                      st.builds("the {}".format, st.text(" .aZ", max_size=30))),
       longest=st.integers(0, 40))
def test_a_compact_key_within_a_length_is_the_compact_key_or_a_longer_one(name, longest):
    """``compact_key_within`` spells a label out in full unless it is longer than asked: then it may
    stop (None), and a label that ``longest`` characters hold is never missed."""
    whole, within = compact_key(name), compact_key_within(name, longest)
    assert within == whole or (within is None and len(whole) > longest)


needs_accelerator = pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.text(st.characters(max_codepoint=127), max_size=60), st.text(" _-.Ab9zZ", max_size=60)),
       limit=st.integers(0, 70))
def test_the_accelerators_ascii_key_is_the_line_key_within_its_limit(text, limit):
    key = line_key(text)
    assert accelerator.fastpage.ascii_key(text, limit) == (key if len(key) <= limit else None)


@needs_accelerator
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_names_are_looked_up_alike_with_and_without_the_accelerator(index, data):
    pad = st.text(st.sampled_from(" -*|._’é"), max_size=3)
    named = st.builds(lambda a, n, b, tail: a + n + b + tail, pad, st.sampled_from(sorted(index.by_name)), pad,
                      st.sampled_from(["", " x" * 30, "." * 90]))
    name = data.draw(st.one_of(st.text(max_size=120), st.text(st.characters(max_codepoint=127), max_size=120), named))
    with_c = name_key(name), index.for_name(name), index.for_curated_name(name)
    saved, accelerator.fastpage = accelerator.fastpage, None
    try:
        assert (name_key(name), index.for_name(name), index.for_curated_name(name)) == with_c
    finally:
        accelerator.fastpage = saved


_CREDIT_PIECES = ["LONDON (Reuters) - ", "MADRID, Mar 7 (EFE).- ", "BEIJING, Jan. 3 (Xinhua) -- ", "(AP) — ",
                  "(AFP) -", "Copyright 2021 The Associated Press", "said. EFE", "© 2020 The Washington Post", "The ",
                  "Talks ", "resume", "NEW YORK", ", ", "(CNN Business) ", "/TASS/. ", "é", "’", "\n", "\n\n", "  ",
                  "\t", "!"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_CREDIT_PIECES), max_size=14))
def test_credit_matches_are_the_whole_alternations_matches(index, pieces):
    """Tried only where its RE2 copy says a match can begin, the chosen alternation finds what the
    alternation of every profile's datelines and credits finds."""
    doc = Document(id="c", path="c", text="".join(pieces))
    found = [(m.span(), m.lastgroup) for m in index.credit_matches(doc, None)]
    assert found == [(m.span(), m.lastgroup) for m in index.credits.whole.finditer(doc.text)]
