"""Provenance facts and findings: outlet from text cues, dates, bylines, datelines, copies, wire
carriage, relays, and a score that is the sum of its findings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.analyzers import Context, collect_hits, on_demand_engine
from provenance.analyzers.provenance import Mentioned, _groups, _title_split, analyze, analyze_chunk
from provenance.config import Settings
from provenance.document import Document
from provenance.pipeline import check_document
from provenance.outlets import compact_key, registrable_domain
from provenance.prescan import finditer_where
from provenance.report import Outlet, Reliability
from provenance.scoring import provenance_score
from provenance.sources import read_documents

from conftest import CORPUS


def rules_fired(report) -> set[str]:
    return {f.rule for f in report.findings}


@pytest.mark.parametrize("head,iso", [
    ("8 mar 2022 09:01 am", "2022-03-08"),
    ("December 25, 2022", "2022-12-25"),
    ("Posted 2023-09-19", "2023-09-19"),
    ("Last update: 19-09-2023", "2023-09-19"),
    ("12/25/2022", "2022-12-25"),
    ("by janedoe on June 9, 2014", "2014-06-09"),
    ("Last updated on Feb 8, 2020.", "2020-02-08"),
    ("9:05 am on May 14, 2015 | Permalink", "2015-05-14"),
    # a date that running text leads up to is an event's
    ("The plant was opened on April 2, 1961 by the mayor.", None),
    ("Prices have risen since March 1, 2016, the report says.", None),
])
def test_absolute_dates_in_the_head_are_normalised(check, head, iso):
    report = check(f"Council votes\n{head}\n\nThe council voted on the budget.")
    assert report.facts.published == iso
    assert ("PV010" in rules_fired(report)) is (iso is not None)


@pytest.mark.parametrize("last,iso", [
    ("Last updated: 3 May 2021", "2021-05-03"),
    ("Page last modified: 14-02-2011 09:40", "2011-02-14"),
    ("Posted by: jane | March 2, 2016 at 08:15 PM", None),
    ("By Jane Roe June 3, 2017", None),
])
def test_a_date_in_the_last_lines_counts_where_its_line_says_what_it_dates(check, last, iso):
    body = "\n".join(["A paragraph of the story that goes on."] * 15)
    report = check(f"Council votes\n\n{body}\n{last}")
    assert report.facts.published == iso


def test_partial_date_is_partial_not_published(check):
    report = check("Talks go on\n\nLisbon, Jun 4 (EFE).- The talks went on.")
    assert report.facts.published is None
    assert report.facts.published_partial == "--06-04"
    assert "PV013" in rules_fired(report) and "PV010" not in rules_fired(report)


@pytest.mark.parametrize("head", [
    # a day and month that running text leads up to are an event's
    "The wedding took place on June 14 at the lake.", "He spoke at a Nov. 12 rally.",
    "The poll ran from Oct. 3 to 6, the pollster said.",
    # a word that a month's name begins is no month
    "The city was marking 40 years of rule.", "Fans, maybe 3 of every 4, stayed.", "Prices passed the 29 mark again.",
])
def test_heads_without_a_partial_date(check, head):
    report = check(f"Council votes\n{head}\n\nThe council voted on the budget.")
    assert report.facts.published_partial is None and "PV013" not in rules_fired(report)


@pytest.mark.parametrize("relative", ["access_time 2 hours ago", "Today", "Monday"])
def test_relative_dates_do_not_count(check, relative):
    report = check(f"Council votes\n{relative}\n\nThe council voted on the budget.")
    assert report.facts.published is None and report.facts.published_partial is None
    assert {"PV014", "PV091"} <= rules_fired(report)


def test_body_dates_are_not_publication_dates(check):
    body = "\n".join(["A paragraph of the story that goes on."] * 15)
    report = check(f"Council votes\n\n{body}\nThe plant opened on March 3, 2001, he said.\n{body}")
    assert report.facts.published is None


@pytest.mark.parametrize("fact,line,read", [
    (lambda facts: facts.published, "Published 8 March 2022", "2022-03-08"),
    (lambda facts: facts.published_partial, "Lisbon, Jun 4 (EFE).- The talks went on.", "--06-04"),
    (lambda facts: facts.byline, "By Jane Roe", "Jane Roe"),
    (lambda facts: facts.dateline_place, "OSLO (AP) — The minister resigned.", "OSLO"),
])
@pytest.mark.parametrize("place,counted", [(12, True), (13, False), (-7, False)])
def test_facts_count_up_to_the_twelfth_line(check, fact, line, read, place, counted):
    # fact_head_lines 12 and fact_tail_lines 6 (the first 12 and last 6 non-blank lines), which the
    # facts' signatures read whole: a region of theirs smaller than these would miss the edge lines
    lines = [f"Paragraph {n} of the story goes on." for n in range(30)]
    lines[place - 1 if place > 0 else place] = line
    assert fact(check("\n\n".join(lines)).facts) == (read if counted else None)


@pytest.mark.parametrize("fact,line,read", [
    (lambda facts: facts.published, "Last updated 8 March 2022", "2022-03-08"),
    (lambda facts: facts.byline, "By Jane Roe", "Jane Roe"),
])
def test_a_cued_date_and_a_byline_count_in_the_last_six_lines(check, fact, line, read):
    lines = [f"Paragraph {n} of the story goes on." for n in range(30)]
    lines[-6] = line
    assert fact(check("\n".join(lines)).facts) == read


@pytest.mark.parametrize("line,kind,name", [
    ("By Staff, Agencies", "generic", "Staff, Agencies"),
    ("By Jane Doe", "person", "Jane Doe"),
    ("By Staff", "generic", "Staff"),
    ("Posted on March 3, 2019 by Jane Roe Here’s what the council decided.", "person", "Jane Roe"),
    ("Posted on March 3, 2019 by Jane Roe\nThe council met at nine.", "person", "Jane Roe"),
])
def test_bylines_named_or_generic(check, line, kind, name):
    report = check(f"Council votes\n\n{line}\n\nThe council voted on the budget.")
    assert report.facts.byline == name and report.facts.byline_kind == kind


@pytest.mark.parametrize("head,dateline,place,credit", [
    ("Beijing, Mar 7 (EFE).- Ties held, the minister said.", "Beijing, Mar 7 (EFE).-", "Beijing", "EFE"),
    ("MILL CREEK, W.Va. (AP) - Residents cleared the roads.", "MILL CREEK, W.Va. (AP) -", "MILL CREEK, W.Va.", "AP"),
    ("HOUSTON — NASA said on Monday that the launch would wait.", "HOUSTON —", "HOUSTON", None),
    ("ROME -- I was there when the vote came.", "ROME --", "ROME", None),
    ("OSLO—The minister resigned on Monday.", "OSLO—", "OSLO", None),
    # a line in capitals is a heading, not a dateline
    ("ROUND THREE – SATURDAY\nThe home side won by a goal.", None, None, None),
    ("PART ONE -- THE VOTE\nThe council met at nine.", None, None, None),
])
def test_datelines_end_at_their_dash(check, head, dateline, place, credit):
    report = check(f"News of the day\n\n{head}")
    assert (report.facts.dateline, report.facts.dateline_place, report.facts.dateline_credit) == (dateline, place, credit)
    assert ("PV012" in rules_fired(report)) is (dateline is not None)


def test_agency_dateline_names_the_agency_from_text(check):
    report = check("Rates held\n\nLONDON (Reuters) - The bank held rates on Thursday.")
    assert report.outlet.id == "reuters" and report.outlet.domain == "reuters.com"


def test_an_agency_dateline_quoted_in_the_body_names_no_outlet(check):
    body = "\n".join(f"Paragraph {n} of the column on the night's corrections goes on." for n in range(14))
    report = check(f"Corrections of the night\n\n{body}\nThe wire service later sent this note:\n"
                   "DENVER (AP) — A recount changed the result.\nThe column goes on.")
    assert report.outlet is None


def test_an_agency_dateline_after_the_pages_menus_still_names_the_agency(check):
    menu = "\n".join(["Home", "World", "Business", "Markets", "Tech", "Sport", "Culture", "Video",
                      "Opinion", "Podcasts", "Weather", "Newsletters", "Search"])
    report = check(f"{menu}\n\nRates held\n\nLONDON (Reuters) - The bank held rates on Thursday.\n"
                   "The decision was expected by most economists.")
    assert report.outlet.id == "reuters"


def test_agency_credit_on_another_outlets_page_is_wire_carriage(check):
    report = check("Rates held\n\nLONDON (Reuters) - The bank held rates on Thursday.",
                   url="https://www.theguardian.com/business/1")
    assert report.outlet.id == "guardian"
    assert report.facts.wire == ["Reuters"]
    assert report.facts.chain == ["The Guardian", "Reuters"]
    assert "PV031" in rules_fired(report)


def test_relay_of_an_agency(check):
    report = check("Talks end\n\nThe talks ended on Monday, according to TASS, after two days.")
    assert report.facts.relays == ["TASS"]


def test_metadata_and_text_disagreeing_is_a_finding(check):
    report = check("Talks resume — RT EN\n\nText of the story.", url="https://www.efe.com/news/1")
    assert report.outlet.id == "efe"
    conflict = [f for f in report.findings if f.rule == "PV002"]
    assert conflict and "RT" in conflict[0].message


def test_masthead_closing_the_title_line(check):
    report = check("Senate passes the bill - The New York Times\n\nThe Senate passed the bill.")
    assert report.outlet.id == "nytimes" and report.outlet.confidence >= 0.6


def test_copyright_line_naming_a_domain(check):
    report = check("A recipe for bread\n\nMix the flour.\n\n© 2012 Bakingcorner-example.com. All rights reserved.")
    assert report.outlet.domain == "bakingcorner-example.com" and report.outlet.id is None


def test_title_site_name_confirmed_by_a_written_domain(check):
    report = check("Ten garden tips | The Greenpatch Diary\n\nTips follow. Visit greenpatchdiary.net for more.")
    assert report.outlet.domain == "greenpatchdiary.net"


def test_title_site_named_by_its_domain(check):
    report = check("Ten garden tips | Greenpatch-Example.com\n\nTips follow.")
    assert report.outlet.domain == "greenpatch-example.com"


@pytest.mark.parametrize("text", [
    "A story\n\nThe minister told Reuters the talks would go on.",
    "A story\n\nCNN and the BBC both covered the talks.",
    "A story\n\nRead more at sample-site.com and other-site.org.",
])
def test_weak_evidence_names_no_outlet(check, text):
    assert check(text).outlet is None


def test_domain_mentions_are_found_only_where_the_text_may_write_what_a_cue_asks_for(rules, monkeypatch):
    """The domain mentions (PV046, found on demand) are looked for only in a text that holds a title
    site name's label followed by a dot, or a cue's domain: most title lines name a site the text
    never writes as a domain, and then no mention is searched for."""
    engine = on_demand_engine(rules, "domain-mention")
    asked: list[str] = []

    def counted(docs, timeout=None, found=engine.hits_of):
        asked.extend(doc.id for doc in docs)
        return found(docs, timeout)

    monkeypatch.setattr(engine, "hits_of", counted)
    title = "Ten garden tips | The Greenpatch Diary\n\nTips follow."
    assert check_document(Document(id="never", path="n", text=title), rules, Settings()).outlet is None
    written = check_document(Document(id="written", path="w", text=title + " Visit GreenpatchDiary.net."),
                             rules, Settings())
    assert asked == ["written"] and written.outlet.domain == "greenpatchdiary.net"


def test_domain_is_reported_for_any_url(check):
    outlet = check("A story\n\nText.", url="https://blog.unprofiled-example.org/a").outlet
    assert outlet.domain == "unprofiled-example.org" and outlet.id is None and outlet.name is None


def test_flags_do_not_lower_the_score(check):
    text = "A story\n8 mar 2022\n\nBy Jane Doe\n\nText of the story."
    flagged = check(text, url="https://www.rt.com/news/1")
    plain = check(text, url="https://www.bbc.co.uk/news/1")
    assert flagged.outlet.flags and not {"state-controlled"} & set(plain.outlet.flags)
    assert flagged.scores.provenance == plain.scores.provenance


def test_score_is_the_sum_of_provenance_findings(check):
    report = check("Talks resume — RT EN\n8 mar 2022\n\nBy Jane Doe\n\nText.\n\nSource link")
    assert report.scores.provenance == provenance_score(report.findings)
    explained = sum(f.points for f in report.findings if f.dimension == "provenance")
    assert report.scores.provenance == round(min(100, max(0, explained)), 1)


def test_republished_copy_chain_starts_with_the_republisher(check):
    report = check("Talks resume — RT EN\n\nChina's Xinhua News Agency reported the talks.\n\nSource link",
                   url="https://copies-example.net/a")
    assert report.facts.republished
    assert report.facts.chain == ["copies-example.net", "RT", "Xinhua News Agency"]


@pytest.mark.parametrize("line,copy", [
    ("Originally published at sample-herald.com on May 3, 2011.", True),
    ("Originally published by The Example Review.", True),
    ("Quote:\nOriginally posted by forum_user42:", False),
    ("First published in 1987 by a small press in Leeds.", False),
])
def test_only_a_notice_naming_another_venue_makes_a_copy(check, line, copy):
    report = check(f"A tale of two towns\n\nThe towns grew apart over the years, the author writes.\n\n{line}")
    assert report.facts.republished is copy


@pytest.mark.parametrize("text,outlet", [
    ("TED Blog\nA new talk on memory\n\nThe speaker said memory is a habit.", "ted"),
    ("A new synthesizer\n\nI will review it every week here on Mashable, with video.", "mashable"),
    ("Rocket tests resume\nWant more? Follow @universetoday on Twitter\n\nThe test went well.", "universetoday"),
    ("Chip sales fall\n[ Keep up with InfoWorld's daily headlines newsletter. ]\n\nSales fell.", "infoworld"),
    ("A game crashes servers\n\nThe flaw is old. Ars has asked the developer for comment.", "arstechnica"),
])
def test_the_page_naming_its_own_site(check, text, outlet):
    assert check(text).outlet.id == outlet


def test_feedback_address_names_the_domain(check):
    text = "Our new app\n\nIt is out today.\n\nPlease e-mail apps@sample-herald.com with your comments."
    assert check(text).outlet.domain == "sample-herald.com"


@pytest.mark.parametrize("text", [
    "A story\nGawker\nDeadspin\nKotaku\n\nText of the story.",  # a network's menu of sister sites
    "A story\nRSS\n\nText of the story.",  # an imported profile's short alias is a menu word here
    "A story\n\nFollow @janedoe on Twitter for more.",  # a person's handle
    "A story\n\nThe campaign wrote from info@campaign-example.org with its demands.",
])
def test_menus_handles_and_cited_addresses_name_no_outlet(check, text):
    assert check(text).outlet is None


@pytest.fixture(scope="module")
def title_split(rules):
    return _title_split(rules.detectors_named("outlet")[0].params)


@given(text=st.text(st.sampled_from("ab :|»·-—–~\t\u00a0\u2003é"), max_size=30),
       repeat=st.sampled_from([1, 3, 12]))
def test_title_separators_found_where_re2_allows_are_all_the_separators(title_split, text, repeat):
    """Short lines are searched by ``regex`` alone, long ones where the RE2 copy allows: both find
    every separator."""
    text *= repeat
    assert title_split.starts is not None
    expected = [m.span() for m in title_split.pattern.finditer(text)]
    assert [m.span() for m in title_split.finditer(text)] == expected
    assert [m.span() for m in finditer_where(title_split.pattern, title_split.starts, text)] == expected


@given(lines=st.lists(st.text(st.sampled_from("ab :|»·-—–~\t\u00a0\u2003é"), max_size=12), max_size=6),
       title_lines=st.integers(0, 4))
def test_title_lines_searched_as_a_run_keep_every_line_with_a_separator(title_split, lines, title_lines):
    """``splittable`` searches the title lines' run at once: it keeps some of them, in order, and
    among them every line that has a separator."""
    doc = Document(id="t", path="t", text="\n".join(lines))
    heads = doc.nonblank_lines[:title_lines]
    kept = title_split.splittable(doc, heads)
    assert title_split.run is not None and doc.re2_utf8 is not None
    assert [line.number for line in kept] == [line.number for line in heads if line in kept]
    assert [line for line in heads if title_split.pattern.search(line.text)] == \
        [line for line in kept if title_split.pattern.search(line.text)]


def test_a_hits_groups_read_by_number_are_those_read_by_name(rules):
    """``_groups`` reads each named group by its number; ``regex`` asked by name gives the same."""
    patterns = {s.rule.id: s.regex for s in rules.signatures}
    texts = [e if isinstance(e, str) else e.text
             for s in rules.signatures if s.regex.groupindex for e in [*s.rule.examples.match, *s.rule.examples.no_match]]
    assert texts
    for text in texts:
        doc = Document(id="e", path="e", text=text)
        ctx = Context(doc=doc, rules=rules, hits=collect_hits(doc, rules)[0])
        for hit in ctx.hits:
            m = patterns[hit.signature.id].search(text, hit.start, hit.end)
            assert _groups(ctx, hit) == {n: (m.group(n), m.start(n), m.end(n)) for n in m.groupdict() if m.group(n)}


_HOST_LABEL = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,6}[A-Za-z0-9])?", fullmatch=True)
_MENTION = st.builds(
    "{}{}{}.{}".format,
    st.sampled_from(["", "http://", "HTTPS://", "www.", "https://WWW."]),
    st.lists(_HOST_LABEL.map("{}.".format), max_size=2).map("".join),
    _HOST_LABEL,
    st.sampled_from(["com", "CO.UK", "org", "de", "com.au", "blogspot.com", "zz", "Info"]),
)


@given(mentions=st.lists(_MENTION, max_size=4),
       words=st.lists(st.sampled_from(["Said", "the", "e.g.", "é", "news", "\u212aite.com", "\u0130n.", "NEWS."])),
       asked=st.lists(st.one_of(_HOST_LABEL, st.text(" .aZé", max_size=40)), max_size=3))
def test_what_no_mention_writes_names_no_written_domain(rules, mentions, words, asked):
    """``Mentioned.labelled`` and ``wrote`` read the mentions' domains only for a label or domain their
    texts hold (and spell no label where there is no mention): they find what a look-up among every
    mention's label or domain finds."""
    text = " ".join([*words, *mentions, "end."])
    doc = Document(id="m", path="m", text=text)
    mentioned = Mentioned(Context(doc=doc, rules=rules, hits=collect_hits(doc, rules)[0]))
    for label in [*mentioned.labels, *(a.lower() for a in asked), ""]:
        assert mentioned.labelled(label) == mentioned.labels.get(compact_key(label))
    for domain in [*mentioned.domains, *(registrable_domain(m) for m in mentions), None]:
        assert mentioned.wrote(domain) == (domain in mentioned.domains)


_CHUNK_TEXTS = [
    "Fed holds rates | Reuters\n\nWASHINGTON (Reuters) - The Fed held rates, officials said.",
    "Example Blog\nA post about bread\nBy Jane Doe\nIt rose. Visit example.com for more.",
    "Talks resume - Example.com\n\nSee example.com and news.example.co.uk.\n(c) 2021 Example.com",
    "BEIJING, Mar 7 (EFE).- Talks resumed.\n\n\"We are ready,\" he said. EFE",
    "",
]


@pytest.fixture(scope="module")
def chunk_contexts(rules):
    docs = [*read_documents([CORPUS]), *(Document(id=f"c{i}", path="c", text=t) for i, t in enumerate(_CHUNK_TEXTS))]
    return [Context(doc=doc, rules=rules, hits=collect_hits(doc, rules)[0]) for doc in docs]


@given(data=st.data())
def test_a_chunk_is_analyzed_as_its_documents_one_by_one(chunk_contexts, data):
    """``analyze_chunk`` reads the outlet cues stage by stage over the chunk: each document's result
    is what ``analyze`` gives it alone, whatever the chunk's other documents and their order."""
    chunk = data.draw(st.lists(st.sampled_from(chunk_contexts), max_size=8))
    assert analyze_chunk(chunk) == [analyze(ctx) for ctx in chunk]


def test_an_outlet_built_unvalidated_is_the_outlet_pydantic_validates(chunk_contexts):
    """``Outlet.computed`` skips validation: each outlet the analyzer reports is what validating its
    fields gives, with the same fields set."""
    outlets = [result.outlet for result in analyze_chunk(chunk_contexts) if result.outlet is not None]
    assert any(outlet.reliability for outlet in outlets)
    for outlet in outlets:
        validated = Outlet(**{name: getattr(outlet, name) for name in Outlet.model_fields})
        assert outlet == validated and outlet.model_dump_json() == validated.model_dump_json()
        assert outlet.model_fields_set == validated.model_fields_set
        assert all(r.model_fields_set == Reliability(**r.model_dump()).model_fields_set for r in outlet.reliability)


_UNDATED = ("The council met and approved the new budget after a long debate, members said, and the vote "
            "was close.\n")


@pytest.mark.parametrize("published,iso", [
    ("2022-03-07", "2022-03-07"),
    ("2022-03-07T10:15:00Z", "2022-03-07"),
    ("Mon, 07 Mar 2022 10:15:00 GMT", "2022-03-07"),
    ("March 7, 2022", "2022-03-07"),
])
def test_metadata_dates_a_text_that_states_no_date(rules, published, iso):
    report = check_document(Document(id="d", path="d", text=_UNDATED, meta={"published": published}), rules, Settings())
    assert report.facts.published == iso and report.facts.published_text == published
    dated = [f for f in report.findings if f.rule == "PV015"]
    assert [(f.message, f.points, f.line) for f in dated] == [(f"publication date from metadata: {iso}", 20.0, None)]
    assert "PV091" not in rules_fired(report)


def test_a_metadata_date_no_date_signature_reads_gives_nothing(rules):
    report = check_document(Document(id="d", path="d", text=_UNDATED, meta={"published": "last week"}), rules, Settings())
    assert report.facts.published is None
    assert {"PV015"} & rules_fired(report) == set() and "PV091" in rules_fired(report)


def test_the_text_s_own_date_and_byline_win_over_metadata(rules):
    text = "By Jane Doe\nDecember 25, 2022\n" + _UNDATED
    report = check_document(Document(id="d", path="d", text=text,
                                     meta={"published": "2021-01-01", "author": "John Roe"}), rules, Settings())
    assert (report.facts.published, report.facts.byline) == ("2022-12-25", "Jane Doe")
    assert not {"PV015", "PV016"} & rules_fired(report)


def test_metadata_names_the_author_of_a_text_without_byline(rules):
    plain = check_document(Document(id="d", path="d", text=_UNDATED), rules, Settings())
    report = check_document(Document(id="d", path="d", text=_UNDATED, meta={"author": "Staff, Agencies "}),
                            rules, Settings())
    assert (report.facts.byline, report.facts.byline_kind) == ("Staff, Agencies", "generic")
    assert "PV092" in rules_fired(plain) and "PV092" not in rules_fired(report)
    assert report.scores.provenance == plain.scores.provenance + 15


def test_a_sidecar_s_published_and_author_reach_the_report(tmp_path):
    (tmp_path / "a.txt").write_text(_UNDATED, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"published": "2022-03-07", "author": "Jane Doe"}', encoding="utf-8")
    (doc,) = read_documents([tmp_path])
    from provenance.rulepack import load_rules
    report = check_document(doc, load_rules(), Settings())
    assert (report.facts.published, report.facts.byline) == ("2022-03-07", "Jane Doe")


def test_a_sidecar_s_list_of_authors_is_one_byline(tmp_path, rules):
    (tmp_path / "a.txt").write_text(_UNDATED, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"author": ["Jane Doe", "John Roe"]}', encoding="utf-8")
    (doc,) = read_documents([tmp_path])
    assert check_document(doc, rules, Settings()).facts.byline == "Jane Doe, John Roe"


def test_a_byline_s_no_break_spaces_are_not_part_of_its_name(rules):
    report = check_document(Document(id="d", path="d", text="By Staff,\u00a0Agencies\u00a0\n" + _UNDATED), rules, Settings())
    assert (report.facts.byline, report.facts.byline_kind) == ("Staff, Agencies", "generic")


@pytest.mark.parametrize("text", ["", " \n\t\n"])
def test_an_empty_text_gets_no_credit_as_an_original(rules, text):
    report = check_document(Document(id="d", path="d", text=text), rules, Settings())
    assert "PV021" not in rules_fired(report) and report.scores.provenance == 0 and not report.passed
