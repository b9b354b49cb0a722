"""Provenance on the seed documents: outlets from text alone, the RT copy's chain, the tabloid copy last."""

from __future__ import annotations

EFE, RT1, RT2, TABLOID, AHED = (
    "000_b80e25abf9b4de4d.txt", "001_f2e18ad958418c56.txt", "002_b963d35d37b4f98e.txt",
    "003_2fe322bd87738eb3.txt", "004_ce2b9602adbcc576.txt",
)


def test_efe_from_dateline_and_sign_off(seed_reports):
    report = seed_reports[EFE]
    assert report.outlet.id == "efe" and report.outlet.confidence >= 0.9
    assert report.facts.dateline_place == "Beijing" and report.facts.dateline_credit == "EFE"
    assert report.facts.published_partial == "--03-07"


def test_rt_copy_chain(seed_reports):
    facts = seed_reports[RT1].facts
    assert facts.published == "2022-03-08"
    assert facts.chain == ["unknown republisher", "RT", "Xinhua News Agency"]
    assert any(f.rule == "PV020" for f in seed_reports[RT1].findings)


def test_rt_original_from_lead_credit(seed_reports):
    report = seed_reports[RT2]
    assert report.outlet.id == "rt" and not report.facts.republished
    assert report.facts.published == "2022-12-25"
    assert "state-controlled" in report.outlet.flags


def test_alahed_facts(seed_reports):
    report = seed_reports[AHED]
    assert report.outlet.id == "alahednews"
    assert report.facts.published == "2023-09-19"
    assert report.facts.byline_kind == "generic"


def test_tabloid_copy_is_strictly_lowest(seed_reports):
    tabloid = seed_reports[TABLOID].scores.provenance
    assert all(tabloid < r.scores.provenance for name, r in seed_reports.items() if name != TABLOID)


def test_a_relayed_outlet_never_stands_in_the_unnamed_original_s_place(seed_reports):
    """The tabloid copy reports on a New York Times article: its chain read ``unknown republisher ->
    The New York Times``, as if the Times were the page copied."""
    facts = seed_reports["003_2fe322bd87738eb3.txt"].facts
    assert facts.chain == ["unknown republisher", "unknown original", "The New York Times"]
    assert facts.relays == ["The New York Times"]
