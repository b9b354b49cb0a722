"""Residue detectors: what each structural rule removes, and what it must leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.analyzers import Context, collect_hits, make_finding, residue
from provenance.document import Document
from provenance.templates import TemplateCounts, count_templates, template_rule

ARTICLE = ("The council met on Monday and approved the new budget after a long debate, members said, "
           "and the mayor promised to publish the figures before the end of the month.")
SECOND = ("Opposition members criticised the plan because it cuts spending on libraries, and they asked "
          "for a second vote that the council is expected to hold in the spring.")


def residue_rules(report) -> dict[int, str]:
    return {n: f.rule for f in report.findings if f.dimension == "residue" for n in range(f.line, f.end_line + 1)}


def test_article_paragraphs_are_never_residue(check):
    text = f"Council passes budget\n\n{ARTICLE}\n\nWhat happens next\n\n{SECOND}\n"
    assert residue_rules(check(text)) == {}


def test_menu_run_is_removed_but_subheading_kept(check):
    menu = "\n".join(["World", "Business", "Sport", "Culture", "Weather", "Travel"])
    found = residue_rules(check(f"{menu}\n{ARTICLE}\nWhat happens next\n{SECOND}\n"))
    assert {found.get(n) for n in range(1, 7)} == {"RS103"}
    assert 8 not in found and 9 not in found and 7 not in found


def test_menu_run_keeps_its_lines_around_a_signature_hit(check):
    menu = "\n".join(["World", "Business", "Home", "Sport", "Culture", "Weather", "Travel"])
    found = residue_rules(check(f"{ARTICLE}\n{SECOND}\n{menu}\n"))
    assert {found.get(n) for n in (3, 4, 6, 7, 8, 9)} == {"RS103"} and 5 in found


def test_category_links_with_counts_are_a_menu(check):
    links = "\n".join(f"{name} ({count})" for name, count in
                      [("Travel", 12), ("Food and drink", 7), ("Local history", 31), ("Gardens", 4), ("Music", 9)])
    found = residue_rules(check(f"{ARTICLE}\n{SECOND}\nCategories\n{links}\n"))
    assert {found.get(n) for n in range(4, 9)} == {"RS103"}


def test_figures_in_the_text_are_not_symbol_lines(check):
    text = f"Sample statistics\n{ARTICLE}\nThe mean was\n4.3333\nand the share\n59.1%\n{SECOND}\n"
    found = residue_rules(check(text))
    assert found.get(4) != "RS101" and found.get(6) != "RS101"


def test_separator_row_and_symbol_line(check):
    found = residue_rules(check(f"Home | News | Sport | Contact\n{ARTICLE}\n| | |\n{SECOND}\n"))
    assert found.get(1) == "RS102" and found.get(3) == "RS101"
    assert 2 not in found and 4 not in found


def test_repeated_headline_later_copy_only(check):
    text = f"Council passes budget plan\n{ARTICLE}\n{SECOND}\nCouncil passes budget plan\n"
    found = residue_rules(check(text))
    assert found.get(4) == "RS100" and 1 not in found


def test_repeated_sentence_is_not_residue(check):
    quote = "The budget is fair and it is balanced, the mayor said."
    text = f"Budget news\n{quote}\n{ARTICLE}\n{quote}\n{SECOND}\n"
    assert residue_rules(check(text)) == {}


def test_teaser_card_both_copies(check):
    text = (f"Council passes budget\n{ARTICLE}\n{SECOND}\nRead more\nBridge reopens after long repairs\n3 hours ago\n"
            "Bridge reopens after long repairs\n")
    found = residue_rules(check(text))
    assert found.get(5) == "RS104" and found.get(7) in {"RS104", "RS100"} and 1 not in found


def test_foot_run_after_last_paragraph(check):
    text = f"{ARTICLE}\n{SECOND}\nweather sport jobs\nLeave a Reply\n"
    found = residue_rules(check(text))
    assert found.get(3) in {"RS110", "RS111"} and found.get(4) == "RS020"


FOOTER = ["Leave a Reply", "Privacy Policy", "Terms of Use", "Our Journalists", "Newsletters"]


def test_teaser_title_past_the_footer_barrier_is_residue(check):
    teaser = "Bridge reopens after two years of repairs and a fight over the cost"
    lines = ["Storm hits coast", ARTICLE, SECOND, *FOOTER[:2], teaser, *FOOTER[2:]]
    found = residue_rules(check("\n".join(lines) + "\n"))
    assert found.get(6) == "RS112"
    assert not {1, 2, 3} & set(found)


def test_beyond_article_keeps_a_headline_shown_again_later():
    from provenance.detectors.beyond import detect
    from provenance.detectors.page import Params, build_page
    from provenance.rulepack import load_rules

    head = "Storm hits coast tonight"
    lines = ["weather desk", "search", "close", head, "Opinion", head, "Share", "Tweet", ARTICLE, SECOND, *FOOTER]
    page = build_page(Document(id="t", path="t", text="\n".join(lines) + "\n"), {"en": frozenset({"the", "and"})})
    page.decided = {2, 3, 6, 7, 8, 11, 12}
    [rule] = [r for r in load_rules().detectors if r.id == "RS112"]
    taken = {n for d in detect(page, Params(rule)) for n in range(d.first, d.last + 1)}
    assert taken == {5}  # 1 is kept as the headline by place, 4 as the first copy of the one shown again


def test_more_posts_past_the_barrier_are_left_alone(check):
    post = "I was there that night and the wind was stronger than anything I had seen in thirty years here."
    reply = "The roads were closed for two days and the buses did not run until Thursday morning, as I recall."
    lines = ["Storm hits coast", ARTICLE, SECOND, *FOOTER[:2], post, "Wendy", reply, "Tom", post, reply]
    found = residue_rules(check("\n".join(lines) + "\n"))
    assert "RS112" not in found.values()


def test_every_residue_finding_explains_itself(check):
    menu = "\n".join(["World", "Business", "Sport", "Culture", "Weather"])
    report = check(f"{menu}\n{ARTICLE}\nweather sport jobs\n")
    for f in report.findings:
        if f.dimension == "residue":
            assert f.line is not None and f.end_line >= f.line and f.message and f.points <= 0


def test_residue_score_is_share_of_characters(check):
    report = check(f"{ARTICLE}\nLeave a Reply\n")
    residue_chars = len("Leave a Reply")
    expected = round(100 - 100 * residue_chars / (len(ARTICLE) + residue_chars), 1)
    assert report.scores.residue == expected


def test_french_signatures(check):
    found = residue_rules(check(f"{ARTICLE}\nLaisser un commentaire\nPartager sur Facebook\n"))
    assert found.get(2) and found.get(3)


@pytest.fixture
def rule(rules):
    return template_rule(rules)


def _doc(n: int, outlet: str, body: str) -> Document:
    return Document(id=f"d{n}", path=f"d{n}", text=body, meta={"outlet": outlet})


def test_template_line_recurs_across_one_outlet(rules, rule):
    footer = "Get the morning briefing from Example Daily in your inbox"
    docs = [_doc(n, "example", f"Story number {n} about the harbour\n{ARTICLE.replace('Monday', f'day {n}')}\n{footer}\n")
            for n in range(8)]
    other = _doc(99, "other", f"{ARTICLE}\n{footer}\n")
    counts = count_templates([*docs, other], rule)
    from provenance.config import Settings
    from provenance.pipeline import check_document
    report = check_document(docs[0], rules, Settings(), counts)
    assert residue_rules(report).get(3) == "RS120"
    assert residue_rules(check_document(other, rules, Settings(), counts)).get(2) != "RS120"  # another outlet
    assert 2 not in residue_rules(report)


def test_template_sketch_has_fixed_size(rule):
    counts = TemplateCounts(width=64, depth=3, min_chars=5)
    before = len(counts.table)
    for n in range(500):
        counts.add(Document(id=str(n), path="x", text=f"unique line number {n}\nshared footer line\n"))
    assert len(counts.table) == before
    assert counts.counts("(corpus)", ["shared footer line"])[0] >= 500


ROADS = ["Harbour Road", "Mill Lane", "Station Street", "Old Quay", "North Parade"]


def test_a_list_that_a_sentence_introduces_is_kept(check):
    intro = "The council said that these are the roads that will stay closed until Friday:"
    found = residue_rules(check("\n".join([ARTICLE, intro, *ROADS, SECOND]) + "\n"))
    assert found == {}


def test_the_same_list_under_a_label_is_still_a_menu(check):
    found = residue_rules(check("\n".join([ARTICLE, SECOND, "Sections:", *ROADS]) + "\n"))
    assert {found.get(n) for n in range(4, 9)} == {"RS103"}


def test_a_signature_inside_an_introduced_list_still_fires(check):
    intro = "The council said that these are the roads that will stay closed until Friday:"
    found = residue_rules(check("\n".join([ARTICLE, intro, *ROADS[:3], "Back to top", *ROADS[3:], SECOND]) + "\n"))
    assert found == {6: "RS010"}


def test_shop_tiles_and_forum_index_lines_are_residue(check):
    lines = [ARTICLE, SECOND, "Camp Mug, 12 oz. EUR 14.50 EUR 11.60", "Wool Beanie $24 $19 and up",
             "Posted on Town Talk Jump to Post - View Topic - Replies (4)", "- Talk:Harbour Road (← links)"]
    found = residue_rules(check("\n".join(lines) + "\n"))
    assert [found.get(n) for n in range(3, 7)] == ["RS040", "RS040", "RS042", "RS043"]
    assert 1 not in found and 2 not in found


def test_comment_system_notices_and_stamps_are_residue(check):
    lines = [ARTICLE, SECOND, "{ 4 comments… read them below or add one }", "(May 2, 2011 -- 09:14 PM EDT // link)",
             "Comment number 3.", "Report this comment (Comment number 3)", "Your comment could not be posted. Error type:",
             "You can follow this conversation by subscribing to the comment feed for this post.",
             "No comments yet... Be the first to leave a reply!"]
    found = residue_rules(check("\n".join(lines) + "\n"))
    assert [found.get(n) for n in range(3, 10)] == ["RS035", "RS034", "RS035", "RS035", "RS035", "RS035", "RS035"]
    assert 1 not in found and 2 not in found


def test_helpfulness_votes_archive_months_and_sidebar_headers_are_residue(check):
    lines = [ARTICLE, SECOND, "- 41 of 47 people found this review helpful", "Recent Comments", "Most Read Stories",
             "- June 2009", "- May 2009", "· April 6, 2009", "Posted in Local news, Roads | Leave a Comment »"]
    found = residue_rules(check("\n".join(lines) + "\n"))
    assert [found.get(n) for n in range(3, 10)] == ["RS036", "RS021", "RS021", "RS037", "RS037", "RS037", "RS031"]
    assert 1 not in found and 2 not in found


def test_breadcrumbs_form_labels_and_player_notices_are_residue(check):
    lines = ["You are here: Home > Local > Roads", ARTICLE, SECOND, "This video is no longer available.",
             "Your Information", "Name *", "Email Address"]
    found = residue_rules(check("\n".join(lines) + "\n"))
    assert [found.get(n) for n in (1, 4, 5, 6, 7)] == ["RS018", "RS012", "RS020", "RS020", "RS020"]
    assert 2 not in found and 3 not in found


def test_menu_paths_in_instructions_are_not_breadcrumbs(check):
    lines = [ARTICLE, "To turn it off, open the phone's settings and follow this path:", "- Tap Settings > Privacy > Location",
             SECOND]
    assert residue_rules(check("\n".join(lines) + "\n")) == {}


def test_prose_about_comments_votes_and_dates_is_not_residue(check):
    lines = [ARTICLE, "No comments yet from the ministry, which was asked about the closure on Friday.",
             "- March 2008: the plant closed and 300 jobs went", SECOND,
             "Nine of ten people found this approach helpful, the survey of carers showed."]
    assert residue_rules(check("\n".join(lines) + "\n")) == {}


def test_a_ranked_list_with_counts_is_not_a_menu(check):
    ranks = [f"{votes} {road}" for votes, road in zip((57, 55, 47, 46, 45), ROADS)]
    found = residue_rules(check("\n".join([ARTICLE, SECOND, *ranks, ARTICLE.replace("Monday", "Friday")]) + "\n"))
    assert not {found.get(n) for n in range(3, 8)} & {"RS103"}


def test_a_cut_off_copy_of_a_paragraph_is_residue_and_the_paragraph_is_kept(check):
    teaser = ARTICLE[:70].rstrip() + "..."
    found = residue_rules(check("\n".join([ARTICLE, SECOND, teaser]) + "\n"))
    assert found == {3: "RS105"}


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from("ab \n\r"), max_size=30), data=st.data())
def test_a_detector_finding_is_the_whole_lines_finding_of_make_finding(rules, text, data):
    """Residue builds a detector's finding from its line numbers, without finding them again."""
    from provenance.analyzers import make_finding
    from provenance.analyzers.residue import _lines_finding

    doc = Document(id="d", path="d", text=text)
    first = data.draw(st.integers(1, len(doc.lines)))
    last = data.draw(st.integers(first, len(doc.lines)))
    rule = rules.detectors[0]
    start, end = doc.line_span(first, last)
    expected = make_finding(rule, doc, start, end, message="m (why)", whole_lines=True)
    assert _lines_finding(rule, doc, first, last, "m (why)").model_dump() == expected.model_dump()


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from("ab \n"), max_size=30), data=st.data())
def test_the_lines_of_the_kept_findings_are_the_lines_they_cover(rules, text, data):
    """``_first_decision_per_line`` gives the lines its kept findings cover without reading them again."""
    from provenance.analyzers.residue import _covered, _first_decision_per_line, _lines_finding

    doc = Document(id="d", path="d", text=text)
    spans = data.draw(st.lists(st.tuples(st.integers(1, len(doc.lines)), st.integers(0, 4)), max_size=8))
    rule = rules.detectors[0]
    findings = [_lines_finding(rule, doc, first, min(first + more, len(doc.lines)), "m") for first, more in spans]
    kept, lines = _first_decision_per_line(findings, doc)
    assert lines == _covered(kept)


def test_thresholds_are_read_once_a_rule_and_a_missing_one_still_names_the_rule():
    from provenance.detectors.page import Params
    from provenance.rulepack import load_rules

    rule = next(r for r in load_rules().detectors if r.detector == "menu-run")
    reads = []

    def read(params: Params) -> int:
        reads.append(1)
        return params.int("min_run")

    params = Params(rule)
    assert params.once(read) == params.once(read) == int(rule.params["min_run"]) and len(reads) == 1
    broken = Params(rule.model_copy(update={"params": {}}))
    for _ in range(2):  # a failed read is not kept
        with pytest.raises(KeyError, match=f"{rule.id}: detector 'menu-run' needs params.min_run"):
            broken.once(read)


RESIDUE_PIECES = ["Share this article", "Follow us on Twitter", "Read more", "Advertisement", "Home", "\n", "\n\n",
                  "Sign up for our newsletter", ARTICLE, " ", "Comments", "Copyright 2024", "\u2028", "é"]


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(RESIDUE_PIECES), max_size=20))
def test_signature_findings_cover_the_lines_make_finding_finds(rules, parts):
    """``residue._signature_findings`` takes a hit's lines from the hit; ``make_finding`` finds them
    from its offsets."""
    doc = Document(id="d", path="d", text="".join(parts))
    hits, overruns = collect_hits(doc, rules)
    ctx = Context(doc=doc, rules=rules, hits=hits, overruns=overruns)
    expected = [make_finding(hit.signature, doc, hit.start, hit.end, whole_lines=True)
                for hit in ctx.hits_for("residue")]
    assert list(residue._signature_findings(ctx)) == expected


MENU_LINES = ["World", "Business", "Sport", "Culture", "March 2011 (4)", "Sports (245)", "Editor: Jane Roe",
              "57 The Long Road", "BREAKING NEWS TODAY", "HOME", "What happens next", "东京", "Jobs (1,204)", "",
              "6. Team - Region", ARTICLE, "The storm reached the coast.", "Madison at Oxford, 7 p.m.", "a (3)"]


def _menu_runs_by_line(page, params) -> list[tuple[int, int, str]]:
    """menu-run as its docstring reads: every line is an item or not, and runs of ``min_run`` items are menus."""
    from provenance.detectors import menus

    max_words, _, min_capitals, entry, link = params.once(menus._thresholds)
    min_run = params.int("min_run")
    out, run = [], []
    for line, title in zip([*page.lines, None], [*menus.menu_shaped(page.lines, max_words, min_capitals), False]):
        if line is not None and ((title and not entry.search(line.text)) or link.search(line.text)):
            run.append(line.number)
            continue
        if len(run) >= min_run:
            out.append((run[0], run[-1], f"{len(run)} short title-like lines in a row"))
        run = []
    return out


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(MENU_LINES), max_size=30))
def test_menu_runs_search_lists_only_where_a_run_can_be(rules, lines):
    """menu-run searches the list-entry pattern only in stretches of lines that may be items: it finds
    the runs of the line-by-line reading."""
    from provenance.analyzers.residue import stoplists
    from provenance.detectors import menus
    from provenance.detectors.page import Params, build_page

    params = Params(next(r for r in rules.detectors if r.detector == "menu-run"))
    page = build_page(Document(id="d", path="d", text="\n".join(lines)), rules.memo("residue-stoplists", stoplists))
    assert [(d.first, d.last, d.reason) for d in menus.detect(page, params)] == _menu_runs_by_line(page, params)


CHUNK_LINES = [*RESIDUE_PIECES, *MENU_LINES, "Here is what the committee asked the minister for:", "More teachers",
               "Smaller classes", "| | |", "Home | News | Sport | Contact", "Talks resume in Geneva", "2 hours ago"]


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(CHUNK_LINES), max_size=25).map("\n".join), max_size=5),
       group_chars=st.sampled_from([1, 200, residue.GROUP_CHARS]))
def test_a_chunk_gives_each_document_the_residue_it_gives_alone(rules, texts, group_chars):
    """``analyze_chunk`` runs each detector over all the pages of a group before the next: each page
    still reads only what was decided on it, whatever the groups."""
    def contexts() -> list[Context]:
        docs = [Document(id=str(i), path="d", text=text) for i, text in enumerate(texts)]
        return [Context(doc=doc, rules=rules, hits=collect_hits(doc, rules)[0]) for doc in docs]

    alone = [(residue.analyze(ctx), ctx.residue_lines) for ctx in contexts()]
    chunk = contexts()
    shipped, residue.GROUP_CHARS = residue.GROUP_CHARS, group_chars
    try:
        results = residue.analyze_chunk(chunk)
    finally:
        residue.GROUP_CHARS = shipped
    assert list(zip(results, [ctx.residue_lines for ctx in chunk])) == alone


def _beyond_by_side(page, params) -> list[tuple[int, int, str]]:
    """beyond-article as its docstring reads: every side past a barrier, every line there judged."""
    from provenance.detectors import beyond
    from provenance.detectors.page import runs

    t, lines, decided = params.once(beyond._thresholds), page.lines, page.decided
    span = beyond.anchor(lines, decided, t.anchor_chars, t.anchor_score)
    if span is None:
        return []
    titles = page.title_lines(t.headline_words, t.echo_overlap) | beyond.shown_again(lines[:span[0]], lines)
    out = []
    for where, side in (("after", lines[span[1] + 1:]), ("before", lines[:span[0]][::-1])):
        past = beyond.past_barrier(side, decided, t.barrier, t.share)
        found = [x.number for x in past if x.number not in decided and x.number not in titles
                 and not beyond.prose(x, t.prose, where == "before")]
        out += [(first, last, where) for first, last in runs(sorted(found))]
    return out


BEYOND_LINES = [ARTICLE, SECOND, "Leave a Reply", "Privacy Policy", "Bridge reopens after two years of repairs",
                "Storm hits coast", "Terms of Use", "I was there that night and the wind was stronger than anything."]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(BEYOND_LINES), st.booleans()), max_size=20))
def test_beyond_article_passes_over_only_pages_it_cannot_fire_on(rules, rows):
    """beyond-article passes over a page with fewer decided lines than a barrier, and finds the
    headline and the lines shown again only where lines are left to judge: it decides what it decides
    reading every page whole."""
    from provenance.detectors import beyond
    from provenance.detectors.page import Params, build_page

    text = "\n".join(line for line, _ in rows)
    page = build_page(Document(id="d", path="d", text=text), rules.memo("residue-stoplists", residue.stoplists))
    page.decided = {n for n, (_, decided) in enumerate(rows, 1) if decided}
    params = Params(next(r for r in rules.detectors if r.detector == "beyond-article"))
    got = [(d.first, d.last, d.reason.split(" ")[0]) for d in beyond.detect(page, params)]
    assert got == _beyond_by_side(page, params)


def test_copies_of_one_article_do_not_make_its_lines_templates(rules, rule):
    """Six copies of one article (the same page scraped again) are one text: its headline and
    paragraphs stay the article's own. Three other stories of the outlet with the same footer make
    the footer a template of the outlet's four distinct texts."""
    footer = "Get the morning briefing from Example Daily in your inbox"
    article = _doc(0, "example", f"Harbour wall plan approved\n{ARTICLE}\n{footer}\n")
    others = [_doc(n, "example", f"Story number {n} about the market\n{SECOND.replace('the', f'the {n}', 1)}\n{footer}\n")
              for n in range(1, 5)]
    copies = [Document(id=f"copy{n}", path=f"copy{n}", text=article.text, meta=article.meta) for n in range(5)]
    counts = count_templates([article, *copies, *others], rule)
    from provenance.config import Settings
    from provenance.pipeline import check_document
    found = residue_rules(check_document(article, rules, Settings(), counts))
    assert found.get(3) == "RS120"
    assert 1 not in found and 2 not in found
    assert counts.group_docs["outlet:example"] == 5


def test_a_template_of_a_corpus_without_metadata_says_so(rules, rule):
    footer = "Get the morning briefing from Example Daily in your inbox"
    docs = [Document(id=f"d{n}", path=f"d{n}", text=f"Story number {n}\n{ARTICLE.replace('Monday', f'day {n}')}\n{footer}\n")
            for n in range(6)]
    from provenance.config import Settings
    from provenance.pipeline import check_document
    report = check_document(docs[0], rules, Settings(), count_templates(docs, rule))
    assert [f.message for f in report.findings if f.rule == "RS120"] == [
        "line recurs across many documents of the same outlet, domain or corpus (template) "
        "(in about 6 of 6 documents of the corpus)"]


def test_a_one_line_text_is_not_scored_as_residue_by_its_edges(check):
    """A text's edges count as residue neighbours in the line score (RS110): a text of one line was
    all edges, and a sentence with its quotation was judged residue whole."""
    report = check('The ferry ran late again. "We waited an hour," said Ann Lee.\n')
    assert residue_rules(report) == {} and report.scores.residue == 100 and report.quotes


def test_a_short_sentence_between_residue_is_not_scored_as_residue(check):
    """The line score (RS110) reads a short line among share bars and comment forms as furniture; a
    sentence with stopwords there is prose, as the context classifier reads it, and is kept."""
    report = check(f"Council passes budget\n{ARTICLE}\n{SECOND}\nTags: council, budget\n"
                   "The vote is now set for the first week of May.\nLeave a Reply\n")
    assert 5 not in residue_rules(report)


@pytest.mark.parametrize("opening", ["totals AS (", "hosts: ["])
def test_a_code_line_left_open_by_a_bracket_is_not_residue(check, opening):
    """A line ending in an opening bracket goes on below it (a query's or a list's first line):
    code, which the context rules leave alone, however few stopwords it has."""
    report = check(f"Counting requests\n{ARTICLE}\n{SECOND}\nTags: council, budget\n{opening}\nLeave a Reply\n")
    assert 5 not in residue_rules(report)
