"""Attribution: speakers, kinds, scare quotes, sourcing findings and the score they add up to."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers.attribution import (
    ENDING, SCREEN_AFTER, SCREEN_FOLLOWING, SCREEN_HYPHEN, SCREEN_TRAILING, WHITE_SPACE, RelayFinder, _Found,
    _UNSCREENED, analyze, analyze_chunk, _Paragraph, _attribute, _attribute_python, _lead_starts, _give_speakers,
    _screens,
    _lengths_by_ending, _compile_kinds,
    _is_scare, _is_title_case, _locate, _locate_python, _paragraphs, _paragraphs_python, _relay_pattern, _scare_flags,
    _scare_limits, _verb_places,
)
from provenance import pipeline
from provenance.config import Settings
from provenance.document import Document, Line
from provenance.outlets import outlet_index
from provenance.prescan import finditer_where
from provenance.quotes import RawQuote, paragraph_quotes
from provenance.sources import read_documents
from provenance import speakers as speakers_module
from provenance.speakers import (
    _CHAR_CLASSES, _NAME_MENTION, MENTIONS_BACK, NameMentions, Token, WholeWords, WordPlaces, _bare,
    _Cues, _first_words, _matches_at, _mention_spans_python, _possessive, _tokens_python, _verb_alternation,
    _verb_groups, according_cues, compile_lexicons, verb_bounds,
)
from provenance.report import Quote, Span
from provenance.scoring import QUOTE_KINDS, attribution_score

from conftest import CORPUS


def speakers(report) -> list[tuple[str | None, str]]:
    return [(q.speaker.text if q.speaker else None, q.kind) for q in report.quotes]


@pytest.mark.parametrize("text,speaker", [
    ("“The bridge will open in May,” Mayor Ana Lima said on Friday.", "Mayor Ana Lima"),
    ("“The bridge will open in May,” said Tom Berg, the city engineer.", "Tom Berg"),
    ("“The bridge will open in May,” Berg also said.", "Berg"),
    ("Engineer Tom Berg told reporters: “The bridge will open in May.”", "Engineer Tom Berg"),
    ("Tom Berg said that “the bridge will open in May.”", "Tom Berg"),
    ("Transport Ministry spokesperson Ana Lima said: “The bridge will open in May.”",
     "Transport Ministry spokesperson Ana Lima"),
    ("“The bridge will open in May,” Mr. Berg said.", "Mr. Berg"),
    ("Tom Berg, the city engineer, said: “The bridge will open in May.”", "Tom Berg"),
    ("“The bridge will open in May,” Senator Ana Lima (D-Ore.) said.", "Senator Ana Lima"),
    ("According to Tom Berg, “the bridge will open in May.”", "Tom Berg"),
    ("“The bridge will open in May,” according to the city engineer.", "the city engineer"),
])
def test_speaker_found_beside_the_quote(check, text, speaker):
    assert speakers(check(text))[0][0] == speaker


def test_speaker_on_the_paragraph_before_a_colon(check):
    report = check("Tom Berg, the city engineer, told the council:\n\n“The bridge will open in May.”\n")
    assert speakers(report) == [("Tom Berg", "named")]


@pytest.mark.parametrize("text,speaker", [
    ("The ferry service will resume ‘within a fortnight’ once the pier is repaired, Lima said.", "Lima"),
    ("Ties between the two ports are “steady and deep” and will stay so, Harbour Commissioner Ana Lima said on Friday.",
     "Harbour Commissioner Ana Lima"),
    ("The new pier is “sturdier and safer” than the old one, Berg stated during his visit to the Dock Street works.",
     "Berg"),
    ("Repairs are “well ahead of schedule” this spring, said Tom Berg, the city’s chief engineer.", "Tom Berg"),
    ("The ferry will run “as soon as the weather allows” across the bay, Lima said, without naming a date.", "Lima"),
])
def test_an_attribution_closing_the_quotations_sentence_names_its_speaker(check, text, speaker):
    """``… “partial quote” …, Wang said.``, the commonest attribution in news writing: a short quoted
    phrase so attributed is speech, not a scare quote (AT020)."""
    report = check(text)
    assert speakers(report)[0][0] == speaker
    assert not [f for f in report.findings if f.rule == "AT020"]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@pytest.mark.parametrize("text, expected", [
    ("Ties are “steady and deep” and will stay so, Harbour Commissioner Ana Lima said on Friday. "
     "“The piers have served each other well” over the season, she added.\n"
     "Repairs are “well ahead of schedule” this spring, said Tom Berg, the city’s chief engineer.",
     [("Harbour Commissioner Ana Lima", "trailing"), ("she", "trailing"), ("Tom Berg", "trailing")]),
    ("“The pier will reopen in May,” former harbour commissioner Ana Lima said.\n"
     "“The road follows in June,” Tom Berg, the port’s chief engineer, said.\n"
     "“The rail comes last.” Ana Lima told the harbour council on Monday during a long session at the town hall.",
     [("former harbour commissioner Ana Lima", "following"), ("Tom Berg", "following"), ("Ana Lima", "following")]),
    ("Berg said the pier was safe, but “it is not,” the 52-year-old father of two replied.\n"
     "“The pier is safe,” Berg said. “It is not,” the father of two replied on Friday.\n"
     "Berg told the council that “it is not safe,” harbour pilot Ana Lima said.",
     [(None, "unread"), ("Berg", "after"), (None, "unread"), ("harbour pilot Ana Lima", "following")]),
    ("“The pier will reopen in May,” said a former senior harbour safety official.\n"
     "“The road follows in June,” said the second aide.\n"
     "“The rail comes last,” said a 2019 council candidate.\n"
     "“Not soon,” said the first time.",
     [("a former senior harbour safety official", "after"), ("the second aide", "after"),
      ("a 2019 council candidate", "after"), (None, "unread")]),
    ("“We will rebuild the pier.” - Ana Lima\n“Meet the Harbour” - Channel Four",
     [("Ana Lima", "dash"), (None, "dash")]),
])
def test_the_speakers_found_after_the_first_reading_are_alike_with_and_without_the_accelerator(rules, text, expected):
    """The passes run after ``_attribute`` on either side, reading phrases through their C or Python readers."""
    starts = [0, *(k + 1 for k, c in enumerate(text) if c == "\n")]
    paras = list(zip(starts, [k - 1 for k in starts[1:]] + [len(text)]))
    assert _speakers_both_ways(text, rules.memo("attribution-lexicons", compile_lexicons), paras) == expected


def _speakers_both_ways(text: str, lex, paras: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """Each quotation's speaker and how it was found, with the accelerator, checked to be what the
    pure-Python readers give."""
    def given() -> list[tuple]:
        found = _locate(list(paragraph_quotes(text, paras)), paras)
        _give_speakers(speakers_module.SpeakerFinder(text, lex), found, paras)
        return [(q.speaker, q.how) for q in found]

    fast = given()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accelerator, "fastpage", None)
        assert given() == fast
    return [(span.text if span is not None else None, how) for span, how in fast]


def test_a_trailing_attribution_carries_a_pronoun_to_the_speaker_before(check):
    """``“…” during the period, he added.``: the pronoun resolves as any other speaker's does."""
    text = ("The harbour has become “busier and calmer” this year, Ana Lima said at the council.\n\n"
            "“The two piers have served each other well” over the season, she added.\n")
    quotes = check(text).quotes
    assert [(q.speaker.text, q.kind) for q in quotes] == [("Ana Lima", "named"), ("she", "pronoun")]
    assert quotes[1].resolved is not None and quotes[1].resolved.text == "Ana Lima"


@pytest.mark.parametrize("text", [
    "The film “Meet the Harbour” drew record crowds last summer, the report said.",  # a title, said by nobody
    "The pier is “close to collapse” after the storm, he said he feared.",  # a clause of its own after the verb
    "The pier is “close to collapse” after the storm, he said, but the council disagreed.",  # not the last clause
    "The pier is “close to collapse” after the storm. The ferry still sails daily, Lima said.",  # another sentence
    "The pier is “close to collapse” after the storm, Lima said, adding that repairs would start soon.",  # a participle
])
def test_no_speaker_from_a_clause_that_is_not_the_quotations_trailing_attribution(check, text):
    """Precision first: a wrong speaker costs more than a miss, so only the sentence's own last clause
    counts, with nothing after the speaker and verb but a short tail."""
    assert all(who is None for who, _ in speakers(check(text)))


@pytest.mark.parametrize("text,speaker", [
    ("“The pier will reopen in May,” former harbour commissioner Ana Lima said.", "former harbour commissioner Ana Lima"),
    ("“The pier will reopen in May,” harbour safety expert Tom Berg said on Friday.", "harbour safety expert Tom Berg"),
    ("“The pier will reopen in May,” Tom Berg, the port’s chief engineer, said on Friday.", "Tom Berg"),
    ("“The pier will reopen in May,” the port’s director, Tom Berg, said.", "Tom Berg"),
    ("“The pier will reopen in May.” Ana Lima told the harbour council on Monday during a long session at the town hall.",
     "Ana Lima"),
    ("“The pier will reopen in May.” Ana Lima said in a statement released by her office late on Monday night.",
     "Ana Lima"),
    ("“The pier will reopen in May,” Lima fumed.", "Lima"),
    ("“The pier will reopen in May,” Berg points out.", "Berg"),
])
def test_the_speaker_right_after_a_quotation_in_the_shapes_beside_it(check, text, speaker):
    """``SpeakerFinder.following``: words describing the speaker before the name, a possessive in an
    aside, a name in apposition to a role, and a long tail after a quotation that ends its sentence."""
    assert speakers(check(text)) == [(speaker, "named")]


@pytest.mark.parametrize("text", [
    "“The pier will reopen in May,” and the mayor of Oslo said nothing about the repairs.",  # another clause
    "“The pier will reopen in May,” the harbour board, Tom Berg, said.",  # a body, not a role, before the name
    "“The pier will reopen in May,” the harbour board and Tom Berg said.",  # two speakers
    "“The pier will reopen in May.” Ana Lima told the council she would resign at the end of the summer season.",
    "“The pier will reopen in May.” Ana Lima said the council would vote on the plan again at its next meeting.",
    "Berg said on Monday: “The pier will reopen in May.” Lima told the council on Monday during a long session at the "
    "town hall.",  # the quotation's own sentence names its speaker first
])
def test_no_speaker_from_the_words_after_a_quotation_that_are_not_its_attribution(check, text):
    """Precision first: the words after the quotation name its speaker only in an attribution's own
    shape; what opens a clause of its own (a stop, a pronoun subject, words past a tail) names nobody."""
    found = speakers(check(text))
    assert found[0][0] in (None, "Berg")
    assert all(who not in ("Ana Lima", "Lima", "the mayor of Oslo", "Tom Berg") for who, _ in found)


@pytest.mark.parametrize("text", [
    "Berg said the pier was safe, but “it is not,” the 52-year-old father of two replied.",  # before
    "“The pier is safe,” Berg said. “It is not,” the father of two replied on Friday.",  # carried
    "“The pier is safe,” Berg said, “and the road,” the father of two replied.",  # before, past a quotation
    # carried; a number read as a word
    "“The pier is safe,” Berg said. “It is not,” 24/7 ferry pilot Ana Lima said.",
    "Tom Berg, the city engineer, told the council:\n\n“It is not,” the father of two replied.\n",  # colon
])
def test_no_speaker_reached_back_past_an_attribution_after_the_quotation_that_cannot_be_read(check, text):
    """Precision first: ``“…,” the father of two replied`` names who spoke even where the reader
    cannot read it; a voice before the quotation is then another's, and nobody is named."""
    assert speakers(check(text))[-1] == (None, "unattributed")


@pytest.mark.parametrize("text,speaker", [
    ("Berg said he hoped the plan would be “the best of all,” giving states more power.", "Berg"),
    ("Even as Berg claimed that “the pier is safe,” one of the port’s engineers said the two cases differ.",
     "Berg"),
    ("Berg said the pier “is safe,” though he said more tests would follow.", "Berg"),
    ("Berg said the pier “is safe,” which residents said was untrue.", "Berg"),
    ("Berg told the council on Monday that “it is not safe,” harbour pilot Ana Lima said.",
     "harbour pilot Ana Lima"),
])
def test_a_speaker_before_the_quotation_stays_when_no_attribution_of_its_own_follows(check, text, speaker):
    """Words after the quotation that open a clause of their own (a participle, a stop, a pronoun, a
    verb with its own object) are no attribution: the speaker before it stands; one the reader can
    name after it is named."""
    assert speakers(check(text))[0][0] == speaker


@pytest.mark.parametrize("text,speaker", [
    ("“The pier will reopen in May,” said a former senior harbour safety official.",
     "a former senior harbour safety official"),
    ("“The pier will reopen in May,” said two former senior harbour safety officials on Friday.",
     "two former senior harbour safety officials"),
    ("“The pier will reopen in May,” said the second aide.", "the second aide"),
    ("“The pier will reopen in May,” said a third witness, who asked not to be named.", "a third witness"),
    ("“The pier will reopen in May,” said a 2019 council candidate.", "a 2019 council candidate"),
])
def test_a_speaker_after_its_verb_described_at_length_or_by_an_ordinal(check, text, speaker):
    """``SpeakerFinder.phrase_after``: up to ``MAX_HEADED_AFTER`` lowercase words, or an ordinal or a
    number after the determiner, when a role or an unnamed source closes them."""
    assert speakers(check(text))[0][0] == speaker


@pytest.mark.parametrize("text", [
    "“The pier will reopen in May,” read the second line of the notice.",
    "“The pier will reopen in May,” said the first time.",
    "“The pier will reopen in May,” said a former senior harbour works engineer.",  # no role closes the run
    "“The pier will reopen in May,” said a 2019 survey of the harbour.",
])
def test_no_speaker_after_its_verb_from_words_no_role_closes(check, text):
    """Precision first: a long lowercase run, an ordinal or a number says who spoke only with a role
    or an unnamed source after it."""
    assert speakers(check(text)) == [(None, "unattributed")]


@pytest.mark.parametrize("text,speaker", [
    ("“We will rebuild the pier.” - Ana Lima\n", "Ana Lima"),
    ("“We will rebuild the pier!” - Sanderson.\n", "Sanderson"),
    ("“We will rebuild the pier.” - J. Lima\n", "J. Lima"),
    ("“Meet the Harbour” - Channel Four\n", None),  # a title, not a saying
    ("The mayor called it “a fine day.” - Ana Lima\n", "The mayor"),  # the quotation does not open its paragraph
    ("“We will rebuild the pier.” - and then the rain came\n", None),
    ("“We will rebuild the pier.” - The End\n", None),
])
def test_a_signature_after_a_plain_hyphen_only_where_it_is_one(check, text, speaker):
    """``SpeakerFinder.hyphen_after``: a plain hyphen is a signature only after a saying that opens its
    paragraph, with name words alone to its end (a title is no quotation at all)."""
    found = speakers(check(text))
    assert (found[0][0] if found else None) == speaker


def test_words_before_a_pronoun_never_describe_it_as_a_speaker(check):
    """``SpeakerFinder.following`` reads lowercase words before a name as its description, never before a pronoun."""
    text = "The plan holds “some unneeded parts of the old law,” including provisions he said would hurt towns."
    assert speakers(check(text)) == [(None, "unattributed")]


def test_split_quote_keeps_its_speaker(check):
    report = check("“The bridge will open in May,” Tom Berg said. “The road follows in June.”")
    assert speakers(report) == [("Tom Berg", "named"), ("Tom Berg", "named")]


def test_pronoun_keeps_its_span_and_resolves_to_the_last_named_speaker(check):
    text = ("“The bridge will open in May,” Tom Berg said.\n\nThe council met.\n\n"
            "“The road follows in June,” he added.\n")
    quote = check(text).quotes[1]
    assert quote.kind == "pronoun"
    assert quote.speaker == Span(text="he", start=text.index("he added"), end=text.index("he added") + 2)
    assert quote.resolved is not None and quote.resolved.text == "Tom Berg"


def test_pronoun_too_far_from_any_name_stays_unresolved(check):
    quote = check("A long day.\n\n“The road follows in June,” she said.\n").quotes[0]
    assert quote.kind == "pronoun" and quote.resolved is None


def test_short_name_resolves_to_the_fuller_name_used_before(check):
    text = "Finance Minister Ana Lima spoke in Oslo.\n\n“Rates will stay,” Lima said.\n"
    quote = check(text).quotes[0]
    assert quote.speaker.text == "Lima" and quote.resolved.text == "Ana Lima"


def test_a_lone_paragraph_quote_continues_the_speaker_before_it(check):
    text = "“The bridge will open in May,” Tom Berg said.\n\n“Then the road follows in June.”\n"
    assert speakers(check(text))[1] == ("Tom Berg", "named")


def test_no_speaker_is_guessed_from_unrelated_words(check):
    report = check("The bridge will open in May. “Then the road follows in June and the rail after it.”")
    assert speakers(report) == [(None, "unattributed")]


def test_a_date_after_the_verb_is_never_the_speaker(check):
    report = check("The bridge opened, the council said Tuesday, and “the road follows in June and July too.”")
    assert all(s != "Tuesday" for s, _ in speakers(report))


@pytest.mark.parametrize("text,kind", [
    ("“Rates will stay where they are,” an official said.", "anonymous"),
    ("“Rates will stay where they are,” sources said.", "anonymous"),
    ("“Rates will stay where they are,” critics say.", "vague"),
    ("“Rates will stay where they are,” the finance ministry said.", "organisation"),
    ("“Rates will stay where they are,” the Daily Planet newspaper reported.", "relayed"),
    ("“Rates will stay where they are,” Ana Lima said.", "named"),
    ("“Rates will stay where they are,” she said.", "pronoun"),
])
def test_kind_of_speaker(check, text, kind):
    assert speakers(check(text))[0][1] == kind


def test_titles_and_scare_quotes_are_marked_not_counted(check):
    report = check("He spoke on “Morning Coffee Hour,” praising the ‘green plan’ of the so-called “reformers”.")
    assert report.quotes == []
    assert sum(f.rule == "AT020" for f in report.findings) == 3


def test_sourcing_findings(check):
    text = ("It was reported last week that the plant would close. The claim could not be independently verified. "
            "According to The Daily Planet, talks failed. Officials said the deal was off.")
    rules = {f.rule for f in check(text).findings}
    assert {"AT010", "AT014", "AT015", "AT012"} <= rules


def test_nothing_to_attribute_gives_no_score(check):
    assert check("The bridge opened on Friday.").scores.attribution is None


def test_attribution_score_is_the_sum_of_its_findings_points(check):
    report = check("“Rates will stay,” Ana Lima said. “They may rise,” sources said. It was reported that they fell.")
    points = sum(f.points for f in report.findings if f.dimension == "attribution")
    assert report.scores.attribution == pytest.approx(points, abs=0.05)
    assert attribution_score(report.findings) == report.scores.attribution


def test_score_shrinks_toward_the_prior_with_few_units(check):
    one = check("“Rates will stay where they are,” Ana Lima said.").scores.attribution
    many = check(" ".join(f"“Rates will stay where they are {n},” Ana Lima said." for n in range(12))).scores.attribution
    assert 60 < one < many < 100


def test_each_kind_of_quote_is_explained_by_a_finding(check):
    report = check("“Rates will stay,” Ana Lima said. “They may rise,” sources said. “Or fall,” Lima said.")
    explained = {f.message.split()[1]: f for f in report.findings if f.rule == "AT030"}
    assert set(explained) == {"named", "anonymous"}
    assert explained["named"].message.startswith("2 named quotations") and "Ana Lima" in explained["named"].message
    assert explained["named"].points > 0 > explained["anonymous"].points


def test_quote_index_command_writes_json_that_validates(tmp_path, schema):
    import json
    import subprocess
    import sys

    from conftest import CORPUS, ROOT
    out = tmp_path / "index.json"
    run = subprocess.run([sys.executable, "-m", "provenance", "quotes", str(CORPUS), "--format", "json",
                          "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    index = json.loads(out.read_text(encoding="utf-8"))
    schema("quote-index.schema.json").validate(index)
    names = {entry["name"] for entry in index["speakers"]}
    assert {"Qin Gang", "Wang Yi", "Wang Wenbin"} <= names
    assert index["quotations"] == sum(len(e["quotations"]) for e in index["speakers"]) + len(index["unattributed"])


def test_quote_index_console_table_names_the_speakers():
    import subprocess
    import sys

    from conftest import CORPUS, ROOT
    run = subprocess.run([sys.executable, "-m", "provenance", "quotes", str(CORPUS), "--limit", "0"],
                         capture_output=True, text=True, cwd=ROOT, env={"COLUMNS": "160", "PATH": ""})
    assert run.returncode == 0, run.stderr
    assert "Wang Wenbin" in run.stdout and "quotations without a speaker" in run.stdout


def test_quote_index_skips_quotes_on_template_lines_as_check_does(tmp_path):
    """`quotes` runs the corpus template pre-pass too, so a site-wide quoted slogan is residue for both."""
    import json
    import subprocess
    import sys

    from conftest import ROOT
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    slogan = '"Fearless reporting since 1901," says the Harbour Gazette motto.'
    for n in range(8):
        body = (f"Council votes on harbour plan number {n}\n"
                f'"We will rebuild pier {n} this year," said Mayor Ana Ruiz on Monday.\n{slogan}\n')
        (corpus / f"d{n}.txt").write_text(body, encoding="utf-8")
        (corpus / f"d{n}.meta.json").write_text('{"url": "https://harbourgazette.example.org/a%d"}' % n)

    def speakers(*extra: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "provenance", "quotes", str(corpus), "--format", "json", *extra],
                              capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    with_templates, without = speakers(), speakers("--no-templates")
    assert with_templates["quotations"] == 8
    assert without["quotations"] == 16



def test_quote_index_on_two_cores_and_from_the_result_cache_is_one_core_s(tmp_path):
    """`quotes` checks through the runner, as `check` does: a pool of workers, and the result cache,
    from which a corpus checked before is indexed without checking it again."""
    from test_runner import make_corpus, run
    corpus, cache = make_corpus(tmp_path / "corpus", records=150), tmp_path / "cache"
    runs = [run("quotes", str(corpus), "--format", "json", *flags)
            for flags in (["--jobs", "1", "--no-cache"], ["--jobs", "2", "--no-cache"],
                          ["--jobs", "2", "--cache-dir", str(cache)], ["--jobs", "1", "--cache-dir", str(cache)])]
    assert all(done.returncode == 1 for done in runs), runs[0].stderr  # the JSONL file's last line is no record
    assert len({done.stdout for done in runs}) == 1 and '"quotations": ' in runs[0].stdout
    assert "--shard" in run("quotes", str(corpus), "--shard", "0/2").stderr  # one index: no shards


RELAY_PIECES = ["Reuters", "The New York Times", "Xinhua News Agency", "ANSA", "News", "Daily", "Cnn", "Report By",
                "Mcdonald", "O'Neil", "the", "The", "Ég", "ǅ", "Ⓐ", "x", "said", "says", "reported", "reports",
                "wrote", "claims", "saidx", "According to", "according to the", "ACCORDING TO", "xaccording to", "’s",
                ".", ",", "-"]
RELAY_GAPS = ["", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2028", "\x1c"]
RELAY_TEXT = st.lists(st.tuples(st.sampled_from(RELAY_PIECES), st.sampled_from(RELAY_GAPS)), max_size=25).map(
    lambda parts: "".join(piece + gap for piece, gap in parts))


@pytest.fixture(scope="module")
def relay_finder(rules) -> RelayFinder:
    rule = next(iter(rules.detectors_named("relayed-report")))
    return RelayFinder.build(rules, rule, _compile_kinds(rules))


@pytest.fixture(scope="module")
def relay_pattern(rules) -> regex.Pattern:
    rule = next(iter(rules.detectors_named("relayed-report")))
    return _relay_pattern(rules, rule, _compile_kinds(rules))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RELAY_TEXT)
def test_relay_finder_finds_what_the_pattern_finds_everywhere(relay_finder, relay_pattern, text):
    assert list(relay_finder.finditer(text)) == [m.span() for m in relay_pattern.finditer(text)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RELAY_TEXT)
def test_relay_finder_given_the_speakers_according_to_finds_the_same(rules, relay_finder, text):
    according = [c.start for c in according_cues(text, rules.memo("attribution-lexicons", compile_lexicons))]
    assert list(relay_finder.finditer(text, None, according)) == list(relay_finder.finditer(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RELAY_TEXT)
def test_relay_finder_given_the_shared_verb_places_finds_the_same(rules, relay_finder, text):
    places = _verb_places(rules).find(text)
    assert list(relay_finder.finditer(text, None, None, places)) == list(relay_finder.finditer(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.frozensets(st.text(alphabet="abAB ", min_size=1, max_size=7), min_size=1, max_size=12),
       media=st.frozensets(st.text(alphabet="abAB ", min_size=1, max_size=7), max_size=6),
       text=st.text(alphabet="abAB ", max_size=40))
def test_relay_finder_tries_every_name_ending_at_a_position(relay_finder, names, media, text):
    """Names and media words of every length, as short as one character: each found by its ending
    wherever it ends, a media word with the capitalised words before it."""
    words = names | media
    finder = replace(relay_finder, names=names, media=media, lengths=_lengths_by_ending(words),
                     ending_sizes=tuple(sorted({len(word[-ENDING:]) for word in words})))
    for end in range(len(text) + 1):
        ending = [end - len(word) for word in words if len(word) <= end and text.startswith(word, end - len(word))]
        expected = set(ending)
        for start in ending:
            if text[start:end] in media and (before := relay_finder.outlet_words.match(text, 0, start)):
                expected.update(c.start() for c in relay_finder.capital.finditer(text, before.start(), start))
        found: set[int] = set()
        finder._add_outlets_ending(text, end, found)
        assert found == expected


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RELAY_TEXT, data=st.data())
def test_the_accelerator_finds_the_spaces_before_the_verbs_the_python_code_finds(relay_finder, text, data):
    places = sorted(data.draw(st.sets(st.integers(min_value=0, max_value=len(text)))))
    assert accelerator.fastpage.verb_spaces(text, places, relay_finder.verb_words) == list(
        relay_finder._spaces_before_places(text, places))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_accelerator_reads_white_space_as_the_relay_pattern_does(relay_finder):
    """Every character, before a verb: the accelerator's white space is regex's ``\\s``."""
    verb = relay_finder.verb_words[0]
    text = verb.join(chr(c) for c in range(0x110000))
    places = [1 + k * (len(verb) + 1) for k in range(0x110000 - 1)]  # each after chr(k)
    found = accelerator.fastpage.verb_spaces(text, places, relay_finder.verb_words)
    assert found == list(relay_finder._spaces_before_places(text, places))
    assert len(found) == len(regex.findall(r"\s", "".join(chr(c) for c in range(0x110000)), regex.V1))


def _with_source_phrases(rules, phrases: list[str], article: str):
    """A copy of the rules whose ``source-phrases`` lexicon and relay article are these (a rule
    author's own), with the relay detector read from it."""
    lexicon = rules.lexicons["source-phrases"].model_copy(update={"words": phrases})
    rule = next(iter(rules.detectors_named("relayed-report")))
    rule = rule.model_copy(update={"params": {**rule.params, "article": article}})
    changed = replace(rules, lexicons={**rules.lexicons, "source-phrases": lexicon},
                      detectors=[rule if d.id == rule.id else d for d in rules.detectors], _memo={})
    return changed, rule


AUTHORED_PHRASES = [(["citing", "according to"], "the"), (["as reported by"], "a"), (["according to"], ""), ([], "the")]
AUTHORED_TEXT = st.lists(st.tuples(st.sampled_from([*RELAY_PIECES, "citing", "Citing", "as reported by",
                                                    "As reported by", "a", "A"]), st.sampled_from(RELAY_GAPS)),
                         max_size=20).map(lambda parts: "".join(piece + gap for piece, gap in parts))


@pytest.mark.parametrize(("phrases", "article"), AUTHORED_PHRASES)
def test_relay_finder_follows_the_rule_authors_source_phrases(rules, phrases, article):
    changed, rule = _with_source_phrases(rules, phrases, article)
    kinds = _compile_kinds(changed)
    finder, pattern = RelayFinder.build(changed, rule, kinds), _relay_pattern(changed, rule, kinds)
    lexicons = compile_lexicons(changed)

    @settings(max_examples=150, deadline=None)
    @given(text=AUTHORED_TEXT)
    def agree(text):
        found = list(finder.finditer(text))
        assert found == [m.span() for m in pattern.finditer(text)]
        assert list(finder.finditer(text, None, [c.start for c in according_cues(text, lexicons)])) == found

    agree()
    if phrases == ["citing", "according to"]:
        assert list(finder.finditer("Citing Reuters, officials left.")) == [(0, 14)]
    if not phrases:
        assert list(finder.finditer("according to Reuters, the talks ended.")) == []


# Names that make the pattern backtrack: one opening with a space (after ``according to`` and two
# spaces), names that open with ``The`` (after ``according to the``) or extend a shorter name.
RELAY_NAMES = [" state media", "theguardian.com", "The Associated Press", "The Times", "The Sunday Times",
               "The Times & The Sunday Times", "News Agency of Nigeria (NAN)", "CBS", "CBS News", "The New York Times en Español",
               "Reason", "Reason magazine"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(["according to", "According to", "the", "said", "reported", "News",
                                                  "Daily", "x", *RELAY_NAMES]), st.sampled_from(RELAY_GAPS)), max_size=8))
def test_relay_finder_backtracks_as_the_pattern_does(relay_finder, relay_pattern, parts):
    text = "".join(piece + gap for piece, gap in parts)
    assert list(relay_finder.finditer(text)) == [m.span() for m in relay_pattern.finditer(text)]


def test_the_relay_names_that_make_the_pattern_backtrack_are_relay_names(rules):
    names = set(outlet_index(rules).relay_names)
    assert [n for n in RELAY_NAMES if n not in names] == []


def test_the_stdlib_white_space_class_is_regex_s_on_every_code_point():
    spaces, stdlib = regex.compile(r"\s", regex.V1), re.compile(WHITE_SPACE)
    assert [c for c in range(0x110000) if bool(spaces.match(chr(c))) != bool(stdlib.match(chr(c)))] == []


def test_relay_finder_on_the_seed_corpus(relay_finder, relay_pattern):
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for text in texts:
        assert list(relay_finder.finditer(text)) == [m.span() for m in relay_pattern.finditer(text)]


VERBS = ["said", "says", "saying", "told", "told reporters", "stated", "asked", "added", "a", "s"]


@settings(max_examples=300, deadline=None)
@given(verbs=st.lists(st.sampled_from(VERBS), min_size=1, max_size=6, unique=True),
       parts=st.lists(st.tuples(st.sampled_from([*VERBS, "x", "-", "Said", "é"]), st.sampled_from(RELAY_GAPS)),
                      max_size=20))
def test_verbs_grouped_by_first_letter_match_as_the_flat_alternation(verbs, parts):
    text = "".join(piece + gap for piece, gap in parts)
    flat = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(verbs, key=len, reverse=True))
    expected = [m.span() for m in re.finditer(rf"(?<![\w-])(?:{flat})(?![\w-])", text)]
    assert [m.span() for m in re.finditer(rf"(?<![\w-])(?:{_verb_alternation(verbs)})(?![\w-])", text)] == expected


@settings(max_examples=300, deadline=None)
@given(verbs=st.lists(st.sampled_from([*VERBS, "", "заявил", "_x"]), min_size=1, max_size=6, unique=True),
       parts=st.lists(st.tuples(st.sampled_from([*VERBS, "x", "-", "Said", "é", "“", "東京", "\ud800", "заявил", "_",
                                                 "1", "_x"]),
                                st.sampled_from(RELAY_GAPS)), max_size=20))
def test_verbs_found_from_their_first_words_are_what_finditer_finds(verbs, parts):
    text = "".join(piece + gap for piece, gap in parts)
    pattern = re.compile(rf"(?<![\w-])(?:{_verb_alternation(verbs)})(?![\w-])")
    expected = [m.span() for m in pattern.finditer(text)]
    assert [m.span() for m in finditer_where(pattern, _first_words(verbs), text)] == expected
    readable = Document(id="d", path="d", text=text).re2_utf8  # the bytes a document hands over, checked once
    assert [m.span() for m in finditer_where(pattern, _first_words(verbs), text, readable)] == expected


# Verbs sharing first characters and words, one of several words, one beyond ASCII; pieces around
# them that are word characters to the standard library's \w (digits, numerals) or not (a combining
# accent, a zero-width space), and gaps of its white space (\x1c is, to it).
AT_VERBS = [*VERBS, "told them", "заявил", "Said", "said-so"]
AT_PIECES = [*AT_VERBS, "x", "-", "_", "é", "²", "Ⅻ", "\u0301", "\u200b", "“", "\ud800", "told  them"]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=500, deadline=None)
@given(verbs=st.lists(st.sampled_from(AT_VERBS), min_size=1, max_size=8, unique=True),
       parts=st.lists(st.tuples(st.sampled_from(AT_PIECES), st.sampled_from([*RELAY_GAPS, "\u3000", "\x85"])),
                      max_size=20),
       data=st.data())
def test_the_accelerator_finds_the_verbs_at_places_the_pattern_finds(verbs, parts, data):
    text = "".join(piece + gap for piece, gap in parts)
    places = sorted(data.draw(st.sets(st.integers(min_value=0, max_value=len(text)))))
    pattern = re.compile(rf"(?<![\w-])(?:{_verb_alternation(verbs)})(?![\w-])")
    found = _matches_at(pattern, places, text)
    assert accelerator.fastpage.verbs_at(text, places, _verb_groups(verbs)) == (
        [m.start() for m in found], [m.end() for m in found])


def test_verb_bounds_are_the_verbs_pattern_finds(rules):
    lex = rules.memo("attribution-lexicons", compile_lexicons)
    text = "“We will,” she said. Officials told  reporters, and he asked-not; he added\u2028that"
    places = list(range(len(text) + 1))
    found = _matches_at(lex.verb, places, text)
    assert verb_bounds(lex, places, text) == ([m.start() for m in found], [m.end() for m in found])
    assert len(found) == 3


PLACE_WORDS = ["said", "says", "told", "a", "s", "_x", "9", "cited"]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from([*PLACE_WORDS, "xsaid", "é", "-", "Said", "\ud800"]),
                                st.sampled_from(["", " ", "_", "é", "1"])), max_size=20))
def test_word_places_are_where_a_word_begins_after_no_ascii_word_character(parts):
    text = "".join(piece + gap for piece, gap in parts)
    heads = re.compile(rf"(?<![0-9A-Za-z_])(?=(?:{'|'.join(PLACE_WORDS)}))")
    expected = [m.start() for m in heads.finditer(text)]
    places = WordPlaces.of(PLACE_WORDS)
    assert places.find(text) == expected
    readable = Document(id="d", path="d", text=text).re2_utf8
    assert places.find(text, readable) == expected


# Words of three characters or more sharing their first two or three (the accelerator's table groups
# them so), pieces that hold one inside a word or after a character beyond ASCII (some whose low
# byte is a word's letter: two-byte units are narrowed to bytes, ``\u0173`` ending in ``s``), and gaps
# of one, two and four bytes a character; up to 40 parts make texts long enough to be read a block
# at a time.
ACCELERATED_WORDS = ["said", "sai", "says", "saying", "told", "tol", "Zed", "_x9", "999", "cited", "citez", "cit_"]
PLACE_PIECES = [*ACCELERATED_WORDS, "xsaid", "Said", "sa", "ci", "é", "-", "\ud800", "ſaid", "saidé", "\u0173aid",
                "s\u0161id", "\u8073aid"]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(PLACE_PIECES),
                                st.sampled_from(["", " ", "_", "é", "1", "\u2019", "😀", "\n", "a b c d e f g h"])),
                      max_size=40))
def test_the_accelerator_finds_the_word_places_the_python_code_finds(parts):
    text = "".join(piece + gap for piece, gap in parts)
    places = WordPlaces.of(ACCELERATED_WORDS)
    assert places.by_accelerator
    assert places.find(text) == places._find_python(text)


def test_the_accelerator_reads_words_of_three_characters_or_more():
    assert WordPlaces.of(["said", "tol"]).table is not None
    assert WordPlaces.of(["said", "to"]).table is None


def test_word_places_are_shared_only_by_ascii_words():
    assert WordPlaces.of(["said", "dit"]) is not None
    assert WordPlaces.of(["said", "sagte", "été"]) is None
    assert WordPlaces.of(["said", ""]) is None
    assert WordPlaces.of(["went on"]) is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RELAY_TEXT)
def test_cues_from_the_shared_verb_places_are_the_cues(rules, text):
    lex = rules.memo("attribution-lexicons", compile_lexicons)
    shared, scanned = _Cues(text, lex, places=_verb_places(rules).find(text)), _Cues(text, lex)
    assert [(c.start, c.end, c.text) for c in shared.verbs] == [(c.start, c.end, c.text) for c in scanned.verbs]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from([*VERBS, "according to", "x", "Said"]), st.sampled_from(RELAY_GAPS)),
                      max_size=20),
       bounds=st.lists(st.tuples(st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=120)),
                       max_size=6))
def test_cues_within_a_range_are_those_starting_and_ending_in_it(rules, parts, bounds):
    text = "".join(piece + gap for piece, gap in parts)
    cues = _Cues(text, compile_lexicons(rules))
    for lo, hi in bounds:
        assert cues.verbs_in(lo, hi) == [c for c in cues.verbs if lo <= c.start < hi and c.end <= hi]
        assert cues.according_in(lo, hi) == [c for c in cues.according if lo <= c.start < hi and c.end <= hi]
        assert cues.any_in(lo, hi) == bool(cues.verbs_in(lo, hi) or cues.according_in(lo, hi))


NAME_PIECES = ["Wang", "Yi", "Wang Yi", "Mr.", "Lavrov", "Sergei", "Minister", "China’s", "Ministry", "the", "said",
               "Berg", "Tom", "News", "O'Neil", ".", ",", "Minister Wang Yi", "Wang Yi."]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(NAME_PIECES), st.sampled_from([" ", "  ", "\n", "\t", ", "])), max_size=30),
       picks=st.lists(st.integers(min_value=0, max_value=29), max_size=8))
def test_names_read_line_by_line_back_from_a_speaker_are_those_of_the_whole_text(rules, parts, picks):
    text = "".join(piece + gap for piece, gap in parts)
    lex, kinds = compile_lexicons(rules), _compile_kinds(rules)
    whole = [m.span() for m in _NAME_MENTION.finditer(text)]
    for pos in [*picks, len(text)]:
        names = NameMentions(text, lex, kinds.not_person)
        back = list(names._mentions_back(min(pos, len(text)), 0))
        assert back == [span for span in reversed(whole) if span[0] < pos]


def fuller_by_definition(text: str, lex, not_person, speaker: Span, back: int) -> Span | None:
    """``NameMentions.fuller`` as defined: every personal name of the text found first, the last
    ``back`` of those starting before the speaker searched, the last first."""
    mentions = NameMentions(text, lex, not_person)
    persons = [p for m in _NAME_MENTION.finditer(text) if (p := mentions._person(m.span(), not_person)) is not None]
    words = [w for w in speaker.text.split() if _bare(w).lower() not in lex.roles]
    if len(words) != 1:
        return None
    name = _bare(words[0])
    for start, end, tokens in reversed([p for p in persons if p[0] < speaker.start][-back:]):
        if end <= speaker.start and (tokens[0] == name or tokens[-1] == name) and len(tokens) > 1:
            return Span(text=text[start:end], start=start, end=end)
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(NAME_PIECES), st.sampled_from([" ", "  ", "\n", "\t", ", "])), max_size=30),
       picks=st.lists(st.integers(min_value=0, max_value=29), max_size=8), back=st.sampled_from([1, 2, 3, MENTIONS_BACK]))
@example(parts=[("Wang Yi", " "), ("said", " "), ("Minister Wang Yi", " ")], picks=[4], back=1)  # a name after the run's start
def test_names_judged_from_the_speaker_backwards_resolve_as_defined(rules, parts, picks, back):
    text = "".join(piece + gap for piece, gap in parts)
    lex, kinds = compile_lexicons(rules), _compile_kinds(rules)
    words = [m for m in regex.finditer(r"\S+", text)]
    speakers = [Span(text=words[k].group(), start=words[k].start(), end=words[k].end()) for k in picks if k < len(words)]
    names = NameMentions(text, lex, kinds.not_person)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(speakers_module, "MENTIONS_BACK", back)
        assert [names.fuller(s) for s in speakers] == [fuller_by_definition(text, lex, kinds.not_person, s, back)
                                                       for s in speakers]


# Names beyond ASCII (İ lowercases to two characters), possessives, initials, roles and words never
# a name, and separators a mention does not run over.
FULLER_PIECES = [*NAME_PIECES, "Élise", "Dupont", "İlker", "President", "April", "The", "players'", "Berg’s", "J.",
                 "Ana", "Lima", "Times", "News Agency", "—", "\u00a0", "Dr.", "Yi’"]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(FULLER_PIECES), st.sampled_from([" ", "  ", "\n", "\t", ", "])),
                      max_size=40),
       picks=st.lists(st.integers(min_value=0, max_value=39), max_size=8), back=st.sampled_from([1, 2, 3, MENTIONS_BACK]))
def test_the_accelerator_resolves_the_names_the_python_code_resolves(rules, parts, picks, back):
    text = "".join(piece + gap for piece, gap in parts)
    lex, kinds = compile_lexicons(rules), _compile_kinds(rules)
    words = [m for m in regex.finditer(r"\S+", text)]
    speakers = [Span(text=words[k].group(), start=words[k].start(), end=words[k].end()) for k in picks if k < len(words)]
    fast, python = NameMentions(text, lex, kinds.not_person), NameMentions(text, lex, kinds.not_person)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(speakers_module, "MENTIONS_BACK", back)
        found = [fast.fuller(s) for s in speakers]
        patch.setattr(accelerator, "fastpage", None)
        assert [python.fuller(s) for s in speakers] == found
    assert (fast._lines, fast._persons) == (python._lines, python._persons)  # the same names judged alike


WORD_PIECES = ["ministry", "Ministry", "MINISTRY", "foreign ministry", "Foreign  Ministry", "times", "Times", "un", "UN",
               "union", "x", "é", "É", "ſ", "K", "1", "’", "-", " ", "\t"]


@settings(max_examples=500, deadline=None)
@given(words=st.lists(st.sampled_from(["ministry", "foreign ministry", "times", "un", "union", "ad", "state media",
                                       "café", "Memo", "Unit", "AD"]), min_size=1, max_size=5, unique=True),
       pieces=st.lists(st.sampled_from(WORD_PIECES), max_size=12), start=st.integers(min_value=0, max_value=60),
       length=st.one_of(st.none(), st.integers(min_value=0, max_value=60)))
@example(words=["un"], pieces=["é", "un"], start=1, length=None)  # a letter, not ASCII, just before the span
def test_whole_words_are_found_as_their_pattern_finds_them(words, pieces, start, length):
    text = "".join(pieces)
    screen = WholeWords(words)
    end = None if length is None else start + length
    assert screen.search(text, start, end) == (screen.pattern.search(text, start, len(text) if end is None else end)
                                               is not None)


SENTENCE_PIECES = ["Mr.", "U.S.", "J.", "No.", "end.", "Yes!", "why?", "so…", "”", "’", "\"", "'", ")", "]", "The", "1999",
                   "(", "“Quote", "‘a", "x", "É.", "é."]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(SENTENCE_PIECES), st.sampled_from(["", " ", "  ", "\n", "\u00a0", "\t"])),
                      max_size=25),
       floors=st.lists(st.integers(min_value=0, max_value=150), max_size=3))
def test_sentence_ends_found_near_a_position_are_those_of_the_whole_text(rules, parts, floors):
    text = "".join(piece + gap for piece, gap in parts)
    plain = regex.compile(r"[.!?…][”’\"')\]]*\s+(?=[“‘\"'(\[]?[\p{Lu}\p{N}])", regex.V1)
    written = "|".join(regex.escape(word) for word in rules.lexicon("sentence-abbreviations"))
    abbreviation = regex.compile(rf"(?:\b\p{{Lu}}|\b(?:{written}))\.$")
    ends = [m.end() for m in plain.finditer(text) if not abbreviation.search(text, max(0, m.start() - 6), m.start() + 1)]
    cues = _Cues(text, compile_lexicons(rules))
    for floor in floors:
        for pos in range(min(floor, len(text)), len(text) + 1):
            before = [e for e in ends if floor <= e <= pos]
            assert cues.last_sentence_end(floor, pos) == (before[-1] if before else None)


# Abbreviations after a word character or not (\b: _, a digit, a letter beyond ASCII, ², which is
# no \w), capitals and digits beyond ASCII after a sentence's end.
SENTENCE_EDGES = [*SENTENCE_PIECES, "_Mr.", "xMr.", "ÉU.S.", "²Mr.", "²J.", "_J.", "İ.", "ǅ.", "Ж", "٣", "Vs.", "vs.", "St"]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(SENTENCE_EDGES), st.sampled_from(["", " ", "\n", "\u00a0", "\x1c"])),
                      max_size=25),
       lo=st.integers(min_value=0, max_value=150))
def test_the_accelerator_finds_the_sentence_ends_the_python_code_finds(rules, parts, lo):
    text = "".join(piece + gap for piece, gap in parts)
    cues = _Cues(text, rules.memo("attribution-lexicons", compile_lexicons))
    lo = min(lo, len(text))
    for pos in range(len(text) + 1):
        assert cues._last_end(lo, pos) == cues._last_end_python(lo, pos)


def _with_abbreviations(rules, words: list[str]):
    """A copy of the rules whose ``sentence-abbreviations`` lexicon is these words (a rule author's own)."""
    lexicon = rules.lexicons["sentence-abbreviations"].model_copy(update={"words": words})
    return replace(rules, lexicons={**rules.lexicons, "sentence-abbreviations": lexicon}, _memo={})


def test_a_sentence_ends_after_an_abbreviation_the_lexicon_leaves_out(rules):
    text = "Mr. Smith spoke. Sen. Warren said"
    for lexicons in (compile_lexicons(rules), compile_lexicons(_with_abbreviations(rules, ["Sen"]))):
        assert _Cues(text, lexicons).last_sentence_end(0, text.index("Warren")) == text.index("Sen")
    assert _Cues(text, compile_lexicons(_with_abbreviations(rules, ["Dr"]))).last_sentence_end(
        0, text.index("Warren")) == text.index("Warren")
    assert _Cues(text, compile_lexicons(_with_abbreviations(rules, ["Sen"]))).last_sentence_end(
        0, text.index("spoke")) == text.index("Smith")


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(SENTENCE_EDGES), st.sampled_from(["", " ", "\n"])), max_size=20),
       words=st.lists(st.sampled_from(["Mr", "Vs", "St", "U.S", "É", "x"]), min_size=1, max_size=3, unique=True))
def test_the_accelerator_reads_an_authored_abbreviation_list_as_the_python_code(rules, parts, words):
    text = "".join(piece + gap for piece, gap in parts)
    cues = _Cues(text, compile_lexicons(_with_abbreviations(rules, words)))
    for pos in range(len(text) + 1):
        assert cues._last_end(0, pos) == cues._last_end_python(0, pos)


@given(word=st.text(alphabet="aS’'s.", max_size=6))  # a word: never a space in it
def test_possessive_endings_are_the_possessive_pattern(word):
    possessive = regex.compile(r"[’']s?$")
    assert _possessive(word) == (possessive.search(word) is not None)
    assert _bare(word) == possessive.sub("", word).rstrip(".")


SPAN = st.none() | st.builds(Span, text=st.text(max_size=12), start=st.integers(0, 10**6), end=st.integers(0, 10**6))


@given(start=st.integers(0, 10**6), end=st.integers(0, 10**6), text=st.text(max_size=30), speaker=SPAN,
       kind=st.sampled_from(QUOTE_KINDS), resolved=SPAN, line=st.integers(1, 10**5))
def test_a_computed_quote_is_the_validated_quote(start, end, text, speaker, kind, resolved, line):
    computed = Quote.computed(start, end, text, speaker, kind, resolved, line)
    validated = Quote(start=start, end=end, text=text, speaker=speaker, kind=kind, resolved=resolved, line=line)
    assert computed == validated
    assert computed.model_fields_set == validated.model_fields_set
    assert computed.model_dump_json() == validated.model_dump_json()
    assert repr(computed) == repr(validated)


@given(text=st.text(max_size=30), start=st.integers(0, 10**6), end=st.integers(0, 10**6))
def test_a_computed_span_is_the_validated_span(text, start, end):
    computed, validated = Span.computed(text, start, end), Span(text=text, start=start, end=end)
    assert computed == validated
    assert computed.model_fields_set == validated.model_fields_set
    assert computed.model_dump_json() == validated.model_dump_json()
    assert repr(computed) == repr(validated)


@given(text=st.text(alphabet="Aacording ccAording-Ss", max_size=60))
def test_source_phrases_first_words_are_found_where_a_pattern_finds_them(text):
    assert _lead_starts(text, ("according", "s")) == {m.start() for m in regex.finditer(r"[Aa]ccording|[Ss]", text)}


# The characters a word is read from and cut at: letters and digits within ASCII and beyond it
# (upper, lower, neither: ª is lowercase to Python but no \p{Ll}), the marks inside words, periods
# of initials and abbreviations, and characters of one, two and four bytes.
TOKEN_TEXT = st.text(alphabet="aAbZ09 .’'&-,—“ÉéßªЖж中٣²\u0301😀\n", max_size=60)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1500, deadline=None)
@given(text=TOKEN_TEXT, lo=st.integers(0, 60), hi=st.integers(0, 60))
def test_the_accelerator_reads_the_words_the_python_code_reads(text, lo, hi):
    lo, hi = min(lo, len(text)), min(hi, len(text))
    fast = accelerator.fastpage.speaker_tokens(text, lo, hi, _CHAR_CLASSES, Token)
    assert fast == _tokens_python(text, lo, hi)
    assert all(type(t.start) is int and type(t.end) is int for t in fast)


# The characters a name mention is read from: capitals and other letters within ASCII and beyond
# it, the marks inside names (’ ' . -), spaces and tabs between words, and other separators.
MENTION_TEXT = st.text(alphabet="AaZz .’'-\t,ÉéЖж中ǅ\n😀", max_size=60)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1500, deadline=None)
@given(text=MENTION_TEXT, lo=st.integers(0, 60), hi=st.integers(0, 60))
def test_the_accelerator_finds_the_name_mentions_the_pattern_finds(text, lo, hi):
    lo, hi = min(lo, len(text)), min(hi, len(text))
    assert accelerator.fastpage.name_mentions(text, lo, hi, _CHAR_CLASSES) == _mention_spans_python(text, lo, hi)


def title_case_by_definition(words: list[str], limits) -> bool:
    """``_is_title_case`` as defined: two words or more, every major word capitalised (or not opening
    with a letter), at least one major word, and no pronoun first."""
    major = [w for w in words if w.strip(".,!?:;").lower() not in limits.minor_words]
    return (len(words) >= 2 and bool(major) and all(w[:1].isupper() or not w[:1].isalpha() for w in major)
            and words[0].lower().strip(".,") not in limits.pronouns)


TITLE_WORDS = ["Meet", "the", "The", "Nation", "of", "I", "We", "we", "said", "1990", "“No", "É", "é", "and,", "A.", ""]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(TITLE_WORDS), max_size=7))
def test_title_case_is_told_as_defined(rules, words):
    limits = _scare_limits(rules)
    assert _is_title_case(words, limits) == title_case_by_definition(words, limits)


# The pieces a speaker phrase is read from: words of every lexicon the reader asks (in either case),
# ordinals and numbers, lowercase runs long enough to need a role closing them, names, initials and
# abbreviations, possessives, words beyond ASCII (İ lowercases to two
# characters; ǅ is titlecase), and the marks and spaces it stops or goes on at, regex's \s and
# Python's whitespace apart (U+001C).
PHRASE_PIECES = [
    "said", "Wang", "Yi", "Mr.", "U.S.", "J.", "Sen.", "Harry", "Reid", "(D-Nev.)", "(R-Ore.)", "D-Nev", "I-Vt",
    "the", "The", "a", "his", "of", "Sierra", "Club", "in", "ad", "told", "Wired", "to", "and", "And", "but",
    "he", "He", "she", "they", "also", "again", "officials", "police", "spokesperson", "minister", "Minister",
    "foreign", "Foreign", "former", "secretary", "state", "Clinton", "Ohio", "Columbus", "China’s", "players'",
    "its", "30", "who", "was", "polled", "al", "bin", "de", "Élise", "ǅemal", "жена", "İstanbul", "Straße", "ª",
    "second", "First", "third", "2019", "52-year-old", "²", "senior", "harbour", "police", "safety", "works", "time",
    ",", ".", ":", ";", "—", "–", "-", "(", ")", "“", "”", "\"", "‘", "’", "'", "«", "!", "?", "\n",
]
PHRASE_SEPARATORS = st.sampled_from([" ", " ", " ", "", "  ", "\t", "\xa0", "\n", "\x1c", "\u2003", ", "])
PHRASE_TEXT = st.lists(st.tuples(st.sampled_from(PHRASE_PIECES), PHRASE_SEPARATORS), max_size=30).map(
    lambda pieces: "".join(piece + separator for piece, separator in pieces))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=PHRASE_TEXT, floor=st.integers(0, 40))
def test_the_accelerator_reads_the_speaker_phrases_the_python_code_reads(rules, text, floor):
    finder = speakers_module.SpeakerFinder(text, compile_lexicons(rules))
    floor = min(floor, len(text))
    for pos in range(len(text) + 1):
        for participle in (False, True):
            assert finder.phrase_before(pos, floor, participle) == finder._phrase_before_python(pos, floor, participle)
        assert finder.phrase_after(pos, len(text) - floor) == finder._phrase_after_python(pos, len(text) - floor)


# What follows a quotation: its closing marks, the marks that leave it open or close its sentence,
# speech verbs (a participle too) and ``according to`` before or after the speaker, asides between
# commas, and the speaker phrases' own pieces.
AFTER_PIECES = [*PHRASE_PIECES, "”", "”", ",”", ".”", "?”", "’", "said", "says", "saying", "added", "according to",
                "According to", ", 30, of Raleigh, who was polled,", ", who was polled, also", "Bond", "…", "—",
                ",” Wang said.", "” said Tom Berg,", ",” the foreign minister said", "” according to Wang Yi",
                ",” Harry Bond, 30, of Raleigh, who was polled, said.", "?” he said", "” Berg said, adding"]
AFTER_TEXT = st.lists(st.tuples(st.sampled_from(AFTER_PIECES), PHRASE_SEPARATORS), max_size=30).map(
    lambda pieces: "".join(piece + separator for piece, separator in pieces))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=AFTER_TEXT, start=st.integers(0, 200), end=st.integers(0, 40))
def test_the_accelerator_finds_the_speaker_after_a_quotation_the_python_code_finds(rules, text, start, end):
    finder = speakers_module.SpeakerFinder(text, rules.memo("attribution-lexicons", compile_lexicons))
    para_end = max(0, len(text) - end)
    for close in range(min(start, para_end), para_end):
        assert finder.after(min(start, close), close, para_end) == finder._after_python(min(start, close), close, para_end)


# What comes before a quotation: sentences ending (or not, after an abbreviation), speech verbs with
# their speakers before or after them, participles after a sentence's subject, ``according to``, and
# earlier quotations in the sentence whose verbs are not the writer's.
BEFORE_PIECES = [*AFTER_PIECES, "“", "“", "Wang said: “", "he said that “", "According to Tom Berg, “", "Mr.", "U.S.",
                 "On Saturday, Trump issued a statement saying", "Trump issued", "Schiff said. “", "told reporters",
                 "“I said no,” she said. “"]
BEFORE_TEXT = st.lists(st.tuples(st.sampled_from(BEFORE_PIECES), PHRASE_SEPARATORS), max_size=30).map(
    lambda pieces: "".join(piece + separator for piece, separator in pieces))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=BEFORE_TEXT, floor=st.integers(0, 60),
       quoted=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=3).map(tuple))
def test_the_accelerator_finds_the_speaker_before_a_quotation_the_python_code_finds(rules, text, floor, quoted):
    finder = speakers_module.SpeakerFinder(text, rules.memo("attribution-lexicons", compile_lexicons))
    for opened in range(len(text) + 1):
        assert finder.before(opened, floor, quoted) == finder._before_python(opened, floor, quoted)


# Paragraphs of quotations with speakers before, after and between them, signatures after a dash,
# quotations left open, and paragraphs ending on a colon before a quotation.
QUOTATION_LEADS = ["", "", "Wang said: ", "he said that ", "According to Tom Berg, ", "Schiff said. ", "Mr. Berg said: ",
                   "On Saturday, Trump issued a statement saying ", "the minister, who was polled, said ", "“No,” she said. ",
                   "The plan failed, Schiff said. ", "It will pass, said Tom Berg. "]
QUOTATION_WORDS = ["The bridge will open in May", "no", "Meet the Nation", "we will win", "I said", "It is over."]
QUOTATION_ENDS = ["”", ",”", ".”", "?”", "", "” "]
QUOTATION_TAILS = ["", "", " Wang said.", " said Tom Berg, the city engineer.", " ― Pamela Padilla", "— Tom Berg Jr",
                   " according to Wang Yi.", " he said. “More words”", ", Harry Bond, 30, of Raleigh, who was polled, said.",
                   " Berg said, adding", " the foreign minister told reporters", " - Ana Lima", " -Ana Lima",
                   "\u00a0- Tom",
                   " and will not change, Wang said on Sunday.", " former state senator Ana Lima said.",
                   " the port’s director, Ana Lima, said.", " the 52-year-old father of two replied.",
                   " Lima said in a statement released by her office on Monday."]
PARAGRAPH = st.one_of(
    st.tuples(*(st.sampled_from(pieces) for pieces in (QUOTATION_LEADS, QUOTATION_WORDS, QUOTATION_ENDS, QUOTATION_TAILS)))
    .map(lambda parts: f"{parts[0]}“{''.join(parts[1:])}"),
    st.sampled_from(["Tom Berg, the city engineer, told the council:", "Officials said:", "No quotation here."]))
DOCUMENT_TEXT = st.lists(st.tuples(PARAGRAPH, st.sampled_from(["\n", "\n\n", " "])), max_size=8).map(
    lambda paragraphs: "".join(paragraph + separator for paragraph, separator in paragraphs))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DOCUMENT_TEXT)
def test_the_accelerator_gives_a_documents_quotations_the_speakers_the_python_code_gives(rules, text):
    lex = rules.memo("attribution-lexicons", compile_lexicons)
    paras, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            paras.append((start, start + len(line)))
        start += len(line) + 1
    fast, python = (_locate(list(paragraph_quotes(text, paras)), paras) for _ in range(2))
    _attribute(speakers_module.SpeakerFinder(text, lex), fast, paras)
    _attribute_python(speakers_module.SpeakerFinder(text, lex), python, paras)
    assert [(q.speaker, q.how) for q in fast] == [(q.speaker, q.how) for q in python]


def _screened_out(finder, q, screen: int) -> list[str]:
    """The methods a quotation's screen passes over (its bit clear) that would give it something."""
    asked = {
        SCREEN_AFTER: lambda: finder.attribution_after(q.raw.start, q.raw.close, q.para.end),
        SCREEN_TRAILING: lambda: finder.trailing(q.raw.open, q.raw.close, q.para.end, q.para.start),
        SCREEN_FOLLOWING: lambda: finder.following(q.raw.open, q.raw.close, q.para.end, q.para.start),
        SCREEN_HYPHEN: lambda: finder.hyphen_after(q.para.start, q.raw.open, q.raw.close, q.para.end),
    }
    return [name for bit, name in ((SCREEN_AFTER, "attribution_after"), (SCREEN_TRAILING, "trailing"),
                                   (SCREEN_FOLLOWING, "following"), (SCREEN_HYPHEN, "hyphen_after"))
            if not screen & bit and asked[bit]() not in (None, False)]


def _assert_screens_hold(text: str, lex, paras: list[tuple[int, int]]) -> list[int]:
    """Every quotation's screen (``_screens``) passes over no method that would answer; the screens."""
    found = _locate(list(paragraph_quotes(text, paras)), paras)
    finder = speakers_module.SpeakerFinder(text, lex)
    screens = list(_screens(finder, found, paras))
    for q, screen in zip(found, screens):
        if q.raw.close is None:
            assert screen == 0
        else:
            assert _screened_out(finder, q, screen) == [], text[q.para.start:q.para.end]
    return screens


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DOCUMENT_TEXT)
def test_a_quotations_screen_passes_over_only_the_methods_that_find_nothing(rules, text):
    paras, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            paras.append((start, start + len(line)))
        start += len(line) + 1
    _assert_screens_hold(text, rules.memo("attribution-lexicons", compile_lexicons), paras)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_screens_pass_over_no_speaker_in_the_corpus(rules):
    lex = rules.memo("attribution-lexicons", compile_lexicons)
    screened = 0
    for doc in read_documents([CORPUS]):
        screens = _assert_screens_hold(doc.text, lex, _paragraphs(doc, set()))
        screened += sum(screen != _UNSCREENED for screen in screens)
    assert screened > 0  # the screens spare the seeds' quotations some methods


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_screens_name_the_methods_that_may_answer(rules):
    lex = rules.memo("attribution-lexicons", compile_lexicons)
    text = "“The pier is safe,” Lima said.\n“It is over.” - Ana Lima\n“Done.” Nothing more.\n“Left open"
    starts = [0, *(k + 1 for k, c in enumerate(text) if c == "\n")]
    paras = list(zip(starts, [k - 1 for k in starts[1:]] + [len(text)]))
    said, hyphen, closed, left_open = _assert_screens_hold(text, lex, paras)
    assert said == SCREEN_AFTER | SCREEN_TRAILING | SCREEN_FOLLOWING
    assert (hyphen, closed, left_open) == (SCREEN_HYPHEN, 0, 0)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_screens_read_only_quotations_of_the_classes_given_and_paired_verb_bounds(rules):
    text = "“a,” he said"
    paras = [(0, len(text))]
    found = _locate(list(paragraph_quotes(text, paras)), paras)
    screens = accelerator.fastpage.quotation_screens
    said = screens(text, found, _Found, RawQuote, _Paragraph, paras, [8], [12], 160)
    assert said == bytes([SCREEN_AFTER | SCREEN_TRAILING | SCREEN_FOLLOWING])
    assert screens(text, found, _Found, RawQuote, _Paragraph, paras, [], [], 160) == bytes([0])
    for bad in ((text, found, Token, RawQuote, _Paragraph, paras, [], [], 160),
                (text, [("x",)], _Found, RawQuote, _Paragraph, paras, [], [], 160),
                (text, found, _Found, RawQuote, _Paragraph, paras, [8], [], 160),
                (text, found, _Found, RawQuote, _Paragraph, paras, [], [], -1)):
        with pytest.raises((TypeError, ValueError, AttributeError)):
            screens(*bad)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(["", " ", "a", "“b”", "\t c ", "Ж"]), max_size=12),
       skip=st.sets(st.integers(0, 14)))
def test_the_accelerator_reads_the_paragraphs_the_python_code_reads(lines, skip):
    doc = Document(id="d", path="d", text="\n".join(lines))
    assert _paragraphs(doc, skip) == _paragraphs_python(doc, skip)


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_accelerator_reads_only_lines_and_a_set_of_their_numbers():
    lines = [Line(1, 0, 1, "a")]
    assert accelerator.fastpage.paragraph_bounds(lines, Line, {2}) == [(0, 1)]
    assert accelerator.fastpage.paragraph_bounds(lines, Line, frozenset({1})) == []
    for bad in (([(0, 1)], Line, set()), (lines, Line, [1]), (lines, Token, set())):
        with pytest.raises((TypeError, AttributeError)):
            accelerator.fastpage.paragraph_bounds(*bad)


def _located(found: list[_Found]) -> list[tuple]:
    """What a located quotation holds, its paragraph told by the first quotation sharing the object."""
    firsts = {id(q.para): n for n, q in reversed(list(enumerate(found)))}
    return [(q.raw, q.para.index, q.para.start, q.para.end, firsts[id(q.para)], q.speaker, q.how) for q in found]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=500, deadline=None)
@given(text=DOCUMENT_TEXT)
def test_the_accelerator_locates_the_quotations_as_the_python_code_does(text):
    paras, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            paras.append((start, start + len(line)))
        start += len(line) + 1
    found = list(paragraph_quotes(text, paras))
    assert _located(_locate(found, paras)) == _located(_locate_python(found, paras))


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
def test_the_accelerator_locates_only_quotations_of_the_paragraphs_given():
    raw = RawQuote(1, 2, 0, 2, 1)
    for found in ([(1, raw)], [(-1, raw)], [raw], [("0", raw)]):
        with pytest.raises((ValueError, TypeError)):
            accelerator.fastpage.located_quotations(found, [(0, 3)], _Found, _Paragraph)


@pytest.mark.parametrize("between, carried", [("", True), ("The talks went on.\n", False)])
def test_a_paragraph_of_quotations_alone_goes_on_in_the_voice_that_closed_the_paragraph_before(rules, between,
                                                                                                carried):
    lex = rules.memo("attribution-lexicons", compile_lexicons)
    text = f"“We will not yield,” Qin said.\n{between}“Nor will we bend.” “Never.”\n“Later.”"
    paras, start = [], 0
    for line in text.split("\n"):
        paras.append((start, start + len(line)))
        start += len(line) + 1
    found = _locate(list(paragraph_quotes(text, paras)), paras)
    _give_speakers(speakers_module.SpeakerFinder(text, lex), found, paras)
    hows = [(q.speaker.text if q.speaker else None, q.how) for q in found]
    assert hows[0] == ("Qin", "after")
    assert hows[1:3] == [("Qin", "next")] * 2 if carried else [who for who, _ in hows[1:3]] == [None, None]
    assert hows[3][0] is None  # the voice goes on one paragraph only, from a quotation attributed after it


# Words of titles and terms (minor words, pronouns, the term openers in either case, ſ folding to s
# as regex's case-insensitive match folds it), marks a quotation may end on, and separators, regex's
# \s and Python's whitespace apart (U+001C).
SCARE_PIECES = [*TITLE_WORDS, "so-called", "So-Called", "ſo-called", "xthe", "-the", "Éthe", "…", "!", "?", "İ", "ǅ", "é."]


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.tuples(st.sampled_from(SCARE_PIECES), st.sampled_from([" ", "", "\n", "\u2003", "\x1c"])),
                       max_size=12),
       quotes=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80), st.booleans()), max_size=6),
       words=st.tuples(st.integers(0, 4), st.integers(0, 7), st.integers(0, 4)))
def test_the_accelerator_judges_scare_quotes_as_the_python_code_does(rules, pieces, quotes, words):
    text = "".join(piece + gap for piece, gap in pieces)
    limits = replace(_scare_limits(rules), max_words=words[0], title_words=words[1], term_words=words[2])
    found = []
    for a, b, spoken in quotes:
        opened, end = sorted((min(a, len(text)), min(b, len(text))))
        raw = RawQuote(min(opened + 1, end), end, opened, end, 1)
        found.append(_Found(raw, _Paragraph(0, 0, len(text)), Span(text="x", start=0, end=1) if spoken else None))
    assert _scare_flags(text, found, limits) == [_is_scare(text, q, limits) for q in found]


def test_a_chunk_is_analyzed_as_each_of_its_documents_alone(rules):
    """``analyze_chunk`` reads the rule set once for the chunk: each result is ``analyze``'s."""
    texts = ["“The bridge will open in May,” Mayor Ana Lima said.", "No quotation here.",
             "Xinhua News Agency reported the ‘Ukraine situation’. “It is late,” he said. “Very late.”", ""]
    settings = Settings()
    ctxs = [pipeline.context(Document(id=str(n), path=str(n), text=t), rules, settings) for n, t in enumerate(texts)]
    assert analyze_chunk(ctxs) == [analyze(ctx) for ctx in ctxs]
