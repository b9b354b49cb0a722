"""The run's fast paths give what their reference paths give: a gate applied where a report is
checked writes the line the parent would have written, a finding built from computed values is the
finding validation builds, and the detector index answers as a scan."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.analyzers import Context, collect_hits
from provenance.config import Settings
from provenance.document import Document
from provenance.gate import Policy, PolicyJudge, _rule_notes, _some_rule_acts, judge
from provenance.pipeline import _lines_cost, _with_residue_points, as_checked, check_document
from provenance.renderers.jsonout import render_line
from provenance.report import (
    DocumentReport,
    Facts,
    Finding,
    GateNote,
    ReadError,
    Scores,
    doc_blocked,
    python_unvalidated,
)
from provenance.rulepack import load_rules
from provenance.runner import Runner
from provenance.scoring import (
    PRIOR_RULE,
    _clamp,
    _dimension_scores,
    attribution_score,
    overall_score,
    provenance_score,
    residue_points,
)

LINES = st.sampled_from(["Cookie policy", "Share this article", "The council met on Tuesday.",
                         "\"We will appeal,\" the mayor said.", "By Jane Doe", "Reuters", "", "Read more"])
DOCUMENT = st.lists(LINES, max_size=12).map("\n".join)
POLICY = st.builds(
    Policy, threshold=st.sampled_from([0.0, 50.0, 90.0, 100.0]),
    fail_under=st.dictionaries(st.sampled_from(["provenance", "attribution", "residue"]),
                               st.sampled_from([10.0, 60.0, 99.0]), max_size=3),
    block_rules=st.frozensets(st.sampled_from(["RS011", "RS101", "PV090"]), max_size=2),
    warn_rules=st.frozensets(st.sampled_from(["RS011", "AT030"]), max_size=1),
)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=4), policy=POLICY)
def test_judging_where_checked_writes_the_lines_the_parent_would(rules, texts, policy):
    items = [Document(id=str(n), path=f"{n}.txt", text=t) for n, t in enumerate(texts)]
    items.append(ReadError(path="broken.jsonl", line=3, message="malformed JSON"))
    verdict = PolicyJudge(policy)
    where_checked = list(Runner(Settings(), rules, judge=verdict).outcomes(items))
    in_parent = [o.item() for o in Runner(Settings(), rules).outcomes(items)]
    expected = [r if isinstance(r, ReadError) else verdict(r) for r in in_parent]
    assert [o.line for o in where_checked] == [render_line(r).encode() for r in expected]
    assert [o.passed for o in where_checked] == [not isinstance(r, ReadError) and r.passed for r in expected]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=4), policy=POLICY, other=POLICY)
@pytest.mark.parametrize("order", [(0, 0, None, 1, None, 0), (None, None, 0, None, 1, 1)])
def test_a_runner_with_a_cache_gives_each_run_its_own_lines_whatever_wrote_them(rules, texts, policy, other, order):
    """Whichever policy judged the cached lines, or none, a runner gives the lines a run without the
    cache gives: judged by its own policy, or as checked without one (``None`` in ``order``). The cache
    keeps the lines of the last run with a policy; a run without one only adds those it checks."""
    from provenance.cache import ResultCache

    items = [Document(id=str(n), path=f"{n}.txt", text=t) for n, t in enumerate(texts)]
    checked = [o.item() for o in Runner(Settings(), rules).outcomes(items)]
    kept_as = None
    with tempfile.TemporaryDirectory() as folder:
        cache = ResultCache(Path(folder), "space")
        try:
            for verdict in (None if n is None else PolicyJudge((policy, other)[n]) for n in order):
                reports = checked if verdict is None else [verdict(r) for r in checked]
                outcomes = list(Runner(Settings(), rules, cache=cache, judge=verdict).outcomes(items))
                assert [o.line for o in outcomes] == [render_line(r).encode() for r in reports]
                assert [o.passed for o in outcomes] == [r.passed for r in reports]
                if verdict is not None or kept_as is None:
                    kept_as = sorted((render_line(r).encode(), r.passed, b"" if verdict is None else verdict.digest)
                                     for r in reports)
                assert sorted(cache.get_many([cache.key(d) for d in items]).values()) == kept_as
        finally:
            cache.close()


@given(policy=POLICY)
def test_equal_policies_have_equal_digests_and_a_judge_pickles(policy):
    same = Policy(policy.threshold, dict(reversed(policy.fail_under.items())), *(frozenset(sorted(s, reverse=True))
                  for s in (policy.block_rules, policy.block_flags, policy.warn_rules, policy.warn_flags)))
    assert PolicyJudge(same).digest == PolicyJudge(policy).digest
    assert pickle.loads(pickle.dumps(PolicyJudge(policy))) == PolicyJudge(policy)
    higher = Policy(policy.threshold + 1, policy.fail_under, policy.block_rules, policy.block_flags,
                    policy.warn_rules, policy.warn_flags)
    assert PolicyJudge(higher).digest != PolicyJudge(policy).digest


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(DOCUMENT, min_size=1, max_size=3), policy=POLICY)
def test_a_judged_report_brought_back_to_as_checked_is_the_checked_report(rules, texts, policy):
    """What the gate sets is all a judged line differs by: parsed and brought back, it renders as checked."""
    for r in (o.item() for o in Runner(Settings(), rules).outcomes(
            [Document(id=str(n), path=f"{n}.txt", text=t) for n, t in enumerate(texts)])):
        judged = DocumentReport.model_validate_json(render_line(judge(r, policy)))
        assert render_line(as_checked(judged, Settings())) == render_line(r)


@given(name=st.text(max_size=12))
def test_the_detector_index_answers_as_a_scan(rules, name):
    for asked in (name, *(d.detector for d in rules.detectors)):
        assert rules.detectors_named(asked) == [d for d in rules.detectors if d.detector == asked]


OFFSET = st.none() | st.integers(min_value=0, max_value=10**6)
LINE = st.none() | st.integers(min_value=1, max_value=10**5)
FINDING = st.fixed_dictionaries({
    "rule": st.text(max_size=8), "name": st.text(max_size=12),
    "dimension": st.sampled_from(["provenance", "attribution", "residue"]),
    "severity": st.sampled_from(["info", "warning", "error"]), "message": st.text(max_size=30),
    "line": LINE, "end_line": LINE, "start": OFFSET, "end": OFFSET, "excerpt": st.text(max_size=30),
    "points": st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-100, 100)),
})


@given(fields=FINDING)
def test_a_computed_finding_is_the_validated_finding(fields):
    computed, validated = Finding.computed(**fields), Finding(**fields)
    assert computed == validated
    assert computed.model_dump_json() == validated.model_dump_json()
    assert repr(computed) == repr(validated)
    assert computed.model_copy(update={"points": 1.5}) == validated.model_copy(update={"points": 1.5})


@given(fields=FINDING, points=st.floats(allow_nan=False, allow_infinity=False))
def test_a_priced_finding_is_the_copy_pydantic_makes(fields, points):
    for finding in (Finding.computed(**fields), Finding(**fields), Finding(rule="AT031", name="prior",
                                                                           dimension="attribution", severity="info",
                                                                           message=fields["message"])):
        before = finding.model_dump()
        priced, copied = finding.priced(points), finding.model_copy(update={"points": points})
        assert priced == copied
        assert priced.model_fields_set == copied.model_fields_set
        assert priced.model_dump_json() == copied.model_dump_json()
        assert repr(priced) == repr(copied)
        assert finding.model_dump() == before  # the original is left as it was


def test_the_parent_warms_signatures_only_while_the_pre_pass_runs(rules, monkeypatch):
    from concurrent.futures import Future

    from provenance import runner

    matched = []
    monkeypatch.setattr(runner, "collect_hits", lambda doc, *rest: matched.append(doc.id))
    docs = [Document(id=str(n), path=f"{n}.txt", text="The council met.") for n in range(runner.WARM_DOCS + 5)]
    done: Future = Future()
    done.set_result(None)
    runner._warm_signatures(iter(docs), rules, Settings(), done)
    assert matched == []
    runner._warm_signatures(iter(docs), rules, Settings(), Future())
    assert matched == [d.id for d in docs[:runner.WARM_DOCS]]


def test_blank_facts_are_the_validated_defaults():
    blank, validated = Facts.blank(), Facts()
    assert blank == validated
    assert blank.model_fields_set == validated.model_fields_set
    assert blank.model_dump_json() == validated.model_dump_json()
    assert repr(blank) == repr(validated)
    blank.wire.append("Reuters")
    assert Facts.blank().wire == []  # each has lists of its own


SCORE = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(provenance=SCORE, attribution=st.none() | SCORE, residue=SCORE, overall=SCORE)
def test_computed_scores_are_the_validated_scores(provenance, attribution, residue, overall):
    computed = Scores.computed(provenance, attribution, residue, overall)
    validated = Scores(provenance=provenance, attribution=attribution, residue=residue, overall=overall)
    assert computed == validated
    assert computed.model_fields_set == validated.model_fields_set
    assert computed.model_dump_json() == validated.model_dump_json()
    assert repr(computed) == repr(validated)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DOCUMENT, url=st.sampled_from([None, "https://www.rt.com/news/1", "https://example.org/a"]))
def test_a_computed_report_is_the_validated_report(rules, text, url):
    doc = Document(id="d", path="d.txt", text=text, meta={"url": url} if url else {})
    computed = check_document(doc, rules, Settings())
    fields = {name: getattr(computed, name) for name in computed.model_fields_set}
    validated = DocumentReport(**fields)
    assert computed == validated
    assert computed.model_fields_set == validated.model_fields_set
    assert computed.model_dump_json() == validated.model_dump_json()
    assert repr(computed) == repr(validated)


@given(text=DOCUMENT)
def test_the_hits_of_a_tag_are_those_a_scan_finds(rules, text):
    doc = Document(id="d", path="d.txt", text=text)
    ctx = Context(doc=doc, rules=rules, hits=collect_hits(doc, rules)[0])
    for tag in {t for s in rules.signatures for t in s.rule.tags} | {"no-such-tag"}:
        assert ctx.hits_tagged(tag) == [h for h in ctx.hits if tag in h.signature.tags]


@given(costs=st.dictionaries(st.integers(1, 8), st.floats(min_value=0, max_value=100, exclude_min=True), max_size=8),
       first=st.integers(1, 8), length=st.integers(0, 3))
def test_the_cost_of_a_finding_s_lines_is_their_sum(costs, first, length):
    last = first + length
    assert _lines_cost(costs, first, last) == sum(costs.get(n, 0.0) for n in range(first, last + 1))
    assert str(-round(_lines_cost(costs, first, last), 3)) == str(-round(sum(costs.get(n, 0.0) for n in range(first, last + 1)), 3))


@given(fields=FINDING)
def test_a_finding_again_is_the_copy_pydantic_makes(fields):
    for finding in (Finding.computed(**fields), Finding(**fields)):
        again, copied = finding.again(), finding.model_copy()
        assert again == copied and again is not finding
        assert again.model_fields_set == copied.model_fields_set
        assert again.model_dump_json() == copied.model_dump_json()
        assert repr(again) == repr(copied)
        again.__dict__["message"] = "changed"
        assert finding.message == fields["message"]  # the copy has fields of its own


@given(findings=st.lists(FINDING.map(lambda fields: Finding.computed(**fields)) | st.sampled_from(
    [Finding.computed("AT031", PRIOR_RULE, "attribution", "info", "prior", None, None, None, None, "", 60.0)]),
    max_size=8))
def test_the_dimension_scores_of_one_pass_are_the_reference_scores(findings):
    provenance, attribution = _dimension_scores(findings)
    assert (repr(provenance), repr(attribution)) == (repr(provenance_score(findings)), repr(attribution_score(findings)))


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.sampled_from(" \t\n\x0b\x0c\x1c\x85\u00a0\u2028\u3000\u200bax"), max_size=6))
def test_a_text_is_empty_where_stripping_leaves_nothing(rules, text):
    report = check_document(Document(id="d", path="d.txt", text=text), rules, Settings())
    assert any(f.name == "empty-text" for f in report.findings) == (not text.strip())


NOTE = st.fixed_dictionaries({
    "action": st.sampled_from(["block", "warn", "baselined"]),
    "check": st.sampled_from(["overall", "provenance", "attribution", "residue", "rule", "flag"]),
    "message": st.text(max_size=30), "rule": st.none() | st.text(max_size=8), "line": LINE,
})


@given(fields=NOTE)
def test_a_computed_gate_note_is_the_validated_note(fields):
    computed, validated = GateNote.computed(**fields), GateNote(**fields)
    assert computed == validated
    assert computed.model_dump_json() == validated.model_dump_json()
    assert repr(computed) == repr(validated)


@given(fields=FINDING, points=st.floats(allow_nan=False, allow_infinity=False), message=st.text(max_size=12))
def test_an_updated_model_is_the_copy_pydantic_makes(fields, points, message):
    for finding in (Finding.computed(**fields), Finding(**fields)):
        before = finding.model_dump()
        updated, copied = finding.updated(points=points, message=message), \
            finding.model_copy(update={"points": points, "message": message})
        assert updated == copied and updated is not finding
        assert updated.model_fields_set == copied.model_fields_set
        assert updated.model_dump_json() == copied.model_dump_json()
        assert repr(updated) == repr(copied)
        assert finding.model_dump() == before  # the original is left as it was


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DOCUMENT, policy=POLICY, severities=st.lists(st.sampled_from(["info", "warning", "error"]), max_size=4))
def test_a_report_no_rule_acts_on_draws_no_rule_note(rules, text, policy, severities):
    report = check_document(Document(id="d", path="d.txt", text=text), rules, Settings())
    findings = [f.updated(severity=s) for f, s in zip(report.findings, severities)] + report.findings[len(severities):]
    report = report.updated(findings=findings)
    for known in ([False] * len(findings), [True] * len(findings)):
        if not _some_rule_acts(findings, policy):
            assert list(_rule_notes(report, policy, known)) == []


@pytest.mark.skipif(accelerator.fastpage is None, reason="the C accelerator is not built")
@given(fields=FINDING, note=NOTE, unset=st.sets(st.sampled_from(sorted(Finding.model_fields)), max_size=3))
def test_an_unvalidated_model_of_the_accelerator_is_the_reference_s(fields, note, unset):
    for cls, values in ((Finding, fields), (GateNote, note), (Scores, {"provenance": 1.0, "attribution": None,
                                                                        "residue": 2.0, "overall": 3.0})):
        fields_set = set(values) - unset
        fast = accelerator.fastpage.unvalidated_model(cls, dict(values), set(fields_set))
        reference = python_unvalidated(cls, dict(values), set(fields_set))
        assert type(fast) is cls and fast == reference
        assert fast.model_fields_set == reference.model_fields_set == fields_set
        assert (fast.__pydantic_extra__, fast.__pydantic_private__) == (None, None)
        assert fast.model_dump_json() == reference.model_dump_json() and repr(fast) == repr(reference)
        assert fast.model_copy(update={"message": "x"}) == reference.model_copy(update={"message": "x"})


@given(value=st.floats() | st.integers(-1000, 1000))
def test_a_clamped_score_is_the_one_min_and_max_give(value):
    expected = round(min(100.0, max(0.0, value)), 1)
    assert repr(_clamp(value)) == repr(expected) and type(_clamp(value)) is type(expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DOCUMENT, policy=POLICY, severities=st.lists(st.sampled_from(["info", "warning", "error"]), max_size=4))
def test_which_findings_block_or_draw_notes_is_read_as_a_loop_reads_it(rules, text, policy, severities):
    report = check_document(Document(id="d", path="d.txt", text=text), rules, Settings())
    findings = [f.updated(severity=s) for f, s in zip(report.findings, severities)] + report.findings[len(severities):]
    listed = policy.warn_rules | policy.block_rules
    assert doc_blocked(findings) == any(f.severity == "error" for f in findings)
    assert _some_rule_acts(findings, policy) == any(f.severity == "error" or f.rule in listed for f in findings)


@settings(max_examples=40, deadline=None)
@given(text=DOCUMENT)
def test_residue_points_set_in_place_are_those_assignment_sets(text):
    doc = Document(id="d", path="d.txt", text=text)
    lines = set(range(1, len(doc.line_texts) + 1, 2))
    made = [Finding.computed("RS101", "menu", "residue", "info", "m", n, min(n + 1, len(doc.line_texts)), 0, 1, "", 0.0)
            for n in sorted(lines)]
    assigned = [f.again() for f in made]
    costs = residue_points(doc, lines)[1]
    found = _with_residue_points(doc, made, lines)[1]
    for f in assigned:
        f.points = -round(_lines_cost(costs, f.line, f.end_line), 3)
    assert found is made
    assert [(f.model_dump_json(), f.model_fields_set) for f in found] == \
        [(f.model_dump_json(), f.model_fields_set) for f in assigned]


def _overall_score_with_sums(provenance, attribution, residue, settings):
    """What ``overall_score`` gave when it added its parts by ``sum``."""
    w = settings.weights
    parts = [(provenance, w.provenance), (residue, w.residue)]
    if attribution is not None:
        parts.append((attribution, w.attribution))
    weight = sum(p[1] for p in parts)
    if weight == 0:
        return 0.0
    return _clamp(sum(score * wt for score, wt in parts) / weight)


SCORE_VALUE = st.sampled_from([0.0, -0.0, 100.0, 0.1]) | st.floats(0, 100)
WEIGHT = st.sampled_from([0.0, -0.0, 1.0, float("inf")]) | st.floats(0, 10)


@given(provenance=SCORE_VALUE, attribution=st.none() | SCORE_VALUE, residue=SCORE_VALUE,
       weights=st.tuples(WEIGHT, WEIGHT, WEIGHT))
def test_the_overall_score_is_the_one_sums_give(provenance, attribution, residue, weights):
    chosen = Settings(weights=dict(zip(("provenance", "attribution", "residue"), weights)))
    assert repr(overall_score(provenance, attribution, residue, chosen)) == \
        repr(_overall_score_with_sums(provenance, attribution, residue, chosen))


@given(text=DOCUMENT | st.text(st.sampled_from(" \t\nab"), max_size=8), lines=st.sets(st.integers(0, 14), max_size=6))
def test_residue_points_cost_each_residue_line_its_share_of_the_text(text, lines):
    """A residue line costs its share of the document's stripped characters, and a document without
    residue lines scores 100."""
    doc = Document(id="d", path="d.txt", text=text)
    assert residue_points(doc, set()) == (100.0, {})
    score, costs = residue_points(doc, lines)
    texts = doc.line_texts
    total = sum(len(line.strip()) for line in texts)
    assert costs == {n: 100.0 * len(texts[n - 1].strip()) / total
                     for n in lines if 1 <= n <= len(texts) and texts[n - 1].strip()}
    assert score == round(min(100.0, max(0.0, 100.0 - sum(costs.values()))), 1)
