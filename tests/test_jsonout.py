"""The JSON Lines writer: the C writer (``_fastpage.model_json``) writes each report as pydantic's
``model_dump_json``, the reference, does, or leaves it to pydantic; the plan it reads follows the models."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from provenance import accelerator
from provenance.config import Settings
from provenance.document import Document
from provenance.gate import Policy, judge
from provenance.pipeline import check_document
from provenance.renderers import jsonout
from provenance.report import (
    DocumentReport,
    Facts,
    Finding,
    GateNote,
    Outlet,
    Quote,
    Reliability,
    Scores,
    Span,
)
from provenance.rulepack import load_rules

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

needs_accelerator = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

# Every kind of character the writer treats apart: escaped ones, ASCII, one to four bytes of UTF-8
# from each width of str, and lone surrogates, which pydantic refuses.
TEXT = st.text(st.one_of(st.sampled_from('"\\\b\f\n\r\t\x00\x1f\x7f\x80éÿ€\u2028\ufeff😀\ud800\udfff'),
                         st.characters()), max_size=12)
PLAIN_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
FLOAT = st.one_of(st.floats(), st.floats(-1e16, 1e16), st.integers(-10**6, 10**6).map(lambda n: n / 1000),
                  st.sampled_from([0.0, -0.0, 1e15, 1e16, -1e15, 1e-4, 1e-5, 0.1 + 0.2, 5e-324]))
INT = st.one_of(st.integers(0, 10**6), st.integers(0, 2**70))
SMALL_INT = st.integers(0, 2**63 - 1)


def spans(text: st.SearchStrategy, integer: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(Span.model_construct, text=text, start=integer, end=integer)


def findings(text: st.SearchStrategy, number: st.SearchStrategy, integer: st.SearchStrategy) -> st.SearchStrategy:
    line = st.none() | integer
    return st.builds(Finding.computed, rule=text, name=text, dimension=st.sampled_from(["provenance", "residue"]),
                     severity=st.sampled_from(["info", "error"]), message=text, line=line, end_line=line,
                     start=line, end=line, excerpt=text, points=number)


def reports(text: st.SearchStrategy, number: st.SearchStrategy, integer: st.SearchStrategy = INT) -> st.SearchStrategy:
    outlet = st.builds(Outlet.model_construct, id=st.none() | text, name=st.none() | text, domain=st.none() | text,
                       confidence=number, evidence=st.lists(text, max_size=2), kind=st.none() | text,
                       country=st.none() | text, ownership=st.none() | text, flags=st.lists(text, max_size=2),
                       reliability=st.lists(st.builds(Reliability.model_construct, label=text, source=text, date=text,
                                                      url=text), max_size=2))
    quote = st.builds(Quote.computed, start=integer, end=integer, text=text, speaker=st.none() | spans(text, integer),
                      kind=st.sampled_from(["named", "vague"]), resolved=st.none() | spans(text, integer),
                      line=integer)
    scores = st.builds(Scores.computed, provenance=number, attribution=st.none() | number, residue=number,
                       overall=number)
    report = st.builds(DocumentReport.computed, id=text, path=text, sha256=text, scores=scores, passed=st.booleans(),
                       outlet=st.none() | outlet, facts=st.just(Facts.blank()),
                       quotes=st.lists(quote, max_size=2), findings=st.lists(findings(text, number, integer),
                                                                             max_size=3),
                       chars=integer, lines=integer)
    notes = st.lists(st.builds(GateNote.computed, action=st.sampled_from(["block", "warn"]),
                               check=st.sampled_from(["overall", "rule"]), message=text, rule=st.none() | text,
                               line=st.none() | integer), max_size=2)
    return st.builds(lambda r, gate: r.updated(gate=gate), report, notes)


def _pydantic_line(model: BaseModel) -> str | None:
    try:
        return model.model_dump_json() + "\n"
    except Exception:  # noqa: BLE001 - pydantic refuses a lone surrogate; the C writer must leave it to it
        return None


@needs_accelerator
@settings(max_examples=300, deadline=None)
@given(report=reports(TEXT, FLOAT))
def test_the_c_writer_writes_what_pydantic_writes_or_leaves_the_report_to_it(report):
    line = _fastpage.model_json(report, jsonout._REPORT_PLANS)
    assert line is None or line == _pydantic_line(report)


@needs_accelerator
@settings(max_examples=200, deadline=None)
@given(report=reports(PLAIN_TEXT, st.integers(-10**9, 10**9).map(lambda n: n / 1000)
                      | st.integers(-10**14, 10**14).map(float), SMALL_INT))
def test_the_c_writer_writes_every_report_of_plain_strings_and_numbers(report):
    assert _fastpage.model_json(report, jsonout._REPORT_PLANS) == report.model_dump_json() + "\n"


@needs_accelerator
@settings(max_examples=300, deadline=None)
@given(report=reports(TEXT, FLOAT))
def test_the_c_writer_s_bytes_are_its_line_in_utf8(report):
    line = _fastpage.model_json(report, jsonout._REPORT_PLANS)
    data = _fastpage.model_json_bytes(report, jsonout._REPORT_PLANS)
    assert (data is None and line is None) or data == line.encode()


@needs_accelerator
@given(points=st.integers(-5, 5) | st.booleans(), line=st.booleans() | st.just(2**64) | st.floats(1, 9),
       text=st.sampled_from([b"bytes", 5, None]))
def test_a_value_the_plan_does_not_foresee_is_left_to_pydantic(points, line, text):
    finding = Finding.computed("R1", "rule", "residue", "info", "m", 1, 1, 0, 1, "x", 1.0)
    report = DocumentReport.computed("d", "d.txt", "0", Scores.computed(1.0, None, 1.0, 1.0), True, None,
                                     Facts.blank(), [], [finding], 1, 1)
    for changed in ({"points": points}, {"line": line}, {"excerpt": text}):
        odd = finding.updated(**changed)
        assert _fastpage.model_json(report.updated(findings=[odd]), jsonout._REPORT_PLANS) is None
    odd_dict = finding.updated()
    odd_dict.__dict__["extra"] = 1
    assert _fastpage.model_json(report.updated(findings=[odd_dict]), jsonout._REPORT_PLANS) is None
    assert _fastpage.model_json(finding, jsonout._REPORT_PLANS) is not None
    assert _fastpage.model_json(Policy(threshold=1, fail_under={}), jsonout._REPORT_PLANS) is None


@pytest.fixture(scope="module")
def rules():
    return load_rules()


LINES = st.sampled_from(["Cookie policy", "Share this article", "The council met on Tuesday.", "“Ça suffit,” dit-il.",
                         "\"We will appeal,\" the mayor said.", "By Jane Doe", "Reuters", "", "東京 — 😀 \t tab"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, max_size=10), url=st.sampled_from([None, "https://www.rt.com/news/1"]),
       threshold=st.sampled_from([0.0, 90.0]))
def test_a_checked_report_s_line_is_pydantic_s(rules, lines, url, threshold):
    doc = Document(id="d", path="d.txt", text="\n".join(lines), meta={"url": url} if url else {})
    report = judge(check_document(doc, rules, Settings()), Policy(threshold=threshold, fail_under={},
                                                                   block_flags=frozenset({"state-controlled"})))
    fast, fast_bytes = jsonout.render_line(report), jsonout.render_line_bytes(report)
    saved, accelerator.fastpage = accelerator.fastpage, None
    try:
        assert fast == jsonout.render_line(report) == report.model_dump_json() + "\n"
        assert fast_bytes == jsonout.render_line_bytes(report) == fast.encode()
    finally:
        accelerator.fastpage = saved


def test_the_plan_reads_every_model_of_a_report_in_field_order():
    plans = jsonout.json_plan(DocumentReport)
    assert plans is jsonout._REPORT_PLANS or plans == jsonout._REPORT_PLANS
    for model, plan in plans.items():
        assert [name for name, _ in plan] == list(model.model_fields)
    assert {Finding, Quote, Span, Outlet, Reliability, Scores, GateNote} <= plans.keys()


class _Renamed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int = Field(serialization_alias="v")


class _Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: dict[str, int]


class _Open(BaseModel):
    value: int


@pytest.mark.parametrize("model", [_Renamed, _Mapping, _Open])
def test_a_model_written_otherwise_has_no_plan(model):
    assert jsonout.json_plan(model) is None
