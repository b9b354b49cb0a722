"""Outputs for machines: SARIF 2.1.0 that the official schema accepts, GitHub annotations, and
several outputs from one run."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.cli import main
from provenance.renderers.github import MAX_PER_LEVEL, command
from provenance.report import ReadError

from conftest import CORPUS, ROOT
from corpus_repo import RESIDUE_HEAVY

# ../shared beside the main checkout; a helper's worktree sits one level deeper.
SARIF_SCHEMA = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
                    ROOT.parent / "shared") / "reference" / "sarif" / "sarif-schema-2.1.0.json"
TABLOID = "003_2fe322bd87738eb3.txt"


def run(*args, capsys, monkeypatch, cwd=ROOT) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def sarif_validator():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the official SARIF schema is not here ({SARIF_SCHEMA}): ../shared is absent")
    return jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def seed_json():
    from provenance.rulepack import load_rules
    from provenance.pipeline import check_all
    from provenance.sources import read_documents
    from provenance.config import Settings
    return {r.id: r for r in check_all(read_documents([CORPUS]), load_rules(), Settings())}


def test_sarif_validates_against_the_official_schema(sarif_validator, capsys, monkeypatch):
    code, out, _ = run("corpus", "--format", "sarif", "--threshold", "60", capsys=capsys, monkeypatch=monkeypatch)
    sarif = json.loads(out)
    errors = sorted(sarif_validator.iter_errors(sarif), key=str)
    assert not errors, errors[0].message
    assert sarif["version"] == "2.1.0" and code == 1


def test_one_result_per_finding_with_its_location(seed_json, capsys, monkeypatch):
    _, out, _ = run("corpus", "--format", "sarif", capsys=capsys, monkeypatch=monkeypatch)
    run_ = json.loads(out)["runs"][0]
    results = run_["results"]
    assert len(results) == sum(len(r.findings) for r in seed_json.values())
    rules = run_["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    located = next(r for r in results if r["ruleId"] == "RS010")
    location = located["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "corpus/000_b80e25abf9b4de4d.txt"
    finding = next(f for f in seed_json["000_b80e25abf9b4de4d.txt"].findings if f.rule == "RS010")
    assert location["region"] == {"startLine": finding.line, "endLine": finding.end_line,
                                  "charOffset": finding.start, "charLength": finding.end - finding.start}
    text = (CORPUS / "000_b80e25abf9b4de4d.txt").read_text(encoding="utf-8")
    assert text[finding.start:finding.end] == "Back to top button"


def test_rules_are_described_with_their_why(capsys, monkeypatch):
    _, out, _ = run("corpus", "--format", "sarif", capsys=capsys, monkeypatch=monkeypatch)
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    rs010 = rules["RS010"]
    assert rs010["help"]["text"].startswith("A scroll-to-top button label, not article text.")
    assert "Back to top button" in rs010["help"]["text"]
    assert rs010["defaultConfiguration"]["level"] == "warning"


def test_blocking_rule_results_are_errors(capsys, monkeypatch):
    _, out, _ = run("corpus", "--format", "sarif", "--block-rule", "RS010", capsys=capsys, monkeypatch=monkeypatch)
    levels = {r["ruleId"]: r["level"] for r in json.loads(out)["runs"][0]["results"]}
    assert levels["RS010"] == "error" and levels["RS021"] == "warning"


def test_jsonl_records_are_located_at_their_file(tmp_path, sarif_validator, capsys, monkeypatch):
    (tmp_path / "batch.jsonl").write_text(json.dumps({"id": "r1", "text": RESIDUE_HEAVY}) + "\n", encoding="utf-8")
    _, out, _ = run("batch.jsonl", "--format", "sarif", capsys=capsys, monkeypatch=monkeypatch, cwd=tmp_path)
    sarif = json.loads(out)
    sarif_validator.validate(sarif)
    location = sarif["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"] == {"artifactLocation": {"uri": "batch.jsonl", "uriBaseId": "%SRCROOT%"}}
    assert location["logicalLocations"][0]["name"] == "r1"


def test_a_file_outside_the_working_directory_has_an_absolute_uri_and_no_base(tmp_path, capsys, monkeypatch):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    _, out, _ = run(str(tmp_path / "corpus"), "--format", "sarif", capsys=capsys, monkeypatch=monkeypatch,
                    cwd=tmp_path / "elsewhere")
    artifact = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "corpus" / "a.txt").resolve().as_uri()}  # a base would prefix it


def test_standard_input_s_records_are_located_as_records(tmp_path):
    record = json.dumps({"id": "r1", "text": RESIDUE_HEAVY}) + "\n"
    done = subprocess.run([sys.executable, "-m", "provenance", "check", "-", "--format", "sarif", "--no-cache"],
                          input=record, capture_output=True, text=True, cwd=tmp_path)
    location = json.loads(done.stdout)["runs"][0]["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"] and location["logicalLocations"][0]["name"] == "r1"


def test_github_annotations_point_at_failing_lines(seed_json, capsys, monkeypatch):
    code, out, _ = run("corpus", "--format", "github", "--threshold", "60", capsys=capsys, monkeypatch=monkeypatch)
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"::error file=corpus/{TABLOID},line=")
    assert f"fails: overall {seed_json[TABLOID].scores.overall:g} is under 60" in lines[0]
    assert any(line.startswith(f"::warning file=corpus/{TABLOID},line=42,endLine=42,title=RS021") for line in lines)
    assert all(sum(line.startswith(f"::{level}") for line in lines) <= MAX_PER_LEVEL
               for level in ("error", "warning", "notice"))
    assert lines[-1].startswith("provenance: 5 documents, 4 passed, 1 failed") and "more annotations not shown" in lines[-1]


def test_github_annotates_each_finding_at_its_severity(seed_json, capsys, monkeypatch):
    """A failing document's verdict is its one error; its findings keep the levels the SARIF report
    gives them, so a residue line is not shown as a reason to fail of its own."""
    _, out, _ = run("corpus", "--format", "github", "--threshold", "60", capsys=capsys, monkeypatch=monkeypatch)
    levels = {line.split("title=")[1].split()[0]: line.split()[0].lstrip(":")
              for line in out.splitlines() if "title=" in line and "title=provenance" not in line}
    findings = {f.rule: f.severity for f in seed_json[TABLOID].findings}
    assert levels and all(level == {"error": "error", "warning": "warning", "info": "notice"}[findings[rule]]
                          for rule, level in levels.items())
    assert sum(line.startswith("::error") for line in out.splitlines()) == 1


def test_github_shows_a_blocked_rule_s_findings_as_errors(capsys, monkeypatch):
    _, out, _ = run("corpus", "--format", "github", "--block-rule", "RS021", capsys=capsys, monkeypatch=monkeypatch)
    rs021 = [line for line in out.splitlines() if "title=RS021" in line]
    assert rs021 and all(line.startswith("::error") for line in rs021)


def test_github_warnings_and_cap(tmp_path, capsys, monkeypatch):
    for n in range(3):
        (tmp_path / f"menu{n}.txt").write_text(RESIDUE_HEAVY + f"Page {n}\n", encoding="utf-8")
    _, out, _ = run(str(tmp_path), str(CORPUS), "--format", "github", "--warn-flag", "state-controlled",
                    capsys=capsys, monkeypatch=monkeypatch)
    lines = out.splitlines()
    warnings = [line for line in lines if line.startswith("::warning")]
    assert len(warnings) == MAX_PER_LEVEL and "more annotations not shown" in lines[-1]
    assert ["outlet RT is flagged state-controlled" in line for line in warnings[:3]] == [True, True, False]


def test_github_names_every_failing_document_before_any_finding(tmp_path, capsys, monkeypatch):
    """The ten errors GitHub shows went to the first failing document's findings: a second one was
    never named."""
    for name in ("a_first.txt", "b_second.txt"):
        (tmp_path / name).write_text(RESIDUE_HEAVY, encoding="utf-8")
    _, out, _ = run(str(tmp_path), "--format", "github", capsys=capsys, monkeypatch=monkeypatch, cwd=tmp_path)
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    assert ["fails:" in line for line in errors[:2]] == [True, True]
    assert "a_first.txt" in errors[0] and "b_second.txt" in errors[1]


def test_github_command_escapes_values():
    assert command("error", "50% done\nnext", "a,b:c.txt", 3, 4, "T: x") == \
        "::error file=a%2Cb%3Ac.txt,line=3,endLine=4,title=T%3A x::50%25 done%0Anext"


def test_several_outputs_from_one_run(tmp_path, sarif_validator, schema, capsys, monkeypatch):
    code, out, _ = run("corpus", "--output-format", f"sarif:{tmp_path / 'out.sarif'}",
                       "--output-format", f"json:{tmp_path / 'report.json'}",
                       "--output-format", f"jsonl:{tmp_path / 'lines.jsonl'}",
                       "--output-format", f"console:{tmp_path / 'console.txt'}", "--threshold", "60",
                       capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1 and "5 documents: 4 passed, 1 failed" in out
    sarif_validator.validate(json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8")))
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    schema("corpus-report.schema.json").validate(report)
    lines = (tmp_path / "lines.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [d["id"] for d in report["documents"]]
    assert "5 documents: 4 passed, 1 failed" in (tmp_path / "console.txt").read_text(encoding="utf-8")


def test_jsonl_stream_with_an_extra_output(tmp_path, capsys, monkeypatch):
    _, out, _ = run("corpus", "--format", "jsonl", "--output-format", f"sarif:{tmp_path / 'x.sarif'}",
                    capsys=capsys, monkeypatch=monkeypatch)
    assert len(out.splitlines()) == 5 and (tmp_path / "x.sarif").is_file()


@pytest.mark.parametrize("spec", ["sarif", "nope:file.txt", "sarif:"])
def test_bad_output_format_is_a_usage_error(spec, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", str(CORPUS), "--output-format", spec])
    assert exc.value.code == 2 and "--output-format" in capsys.readouterr().err


def test_sarif_is_deterministic(capsys, monkeypatch):
    first = run("corpus", "--format", "sarif", capsys=capsys, monkeypatch=monkeypatch)[1]
    assert run("corpus", "--format", "sarif", capsys=capsys, monkeypatch=monkeypatch)[1] == first


def test_past_code_scanning_s_limit_the_least_severe_results_are_left_out(sarif_validator, capsys, monkeypatch):
    """GitHub rejects a run of more than 25,000 results: a large corpus keeps its most severe ones."""
    from provenance.renderers import sarif as sarif_renderer

    _, out, _ = run("corpus", "--format", "sarif", "--threshold", "60", capsys=capsys, monkeypatch=monkeypatch)
    every = json.loads(out)["runs"][0]["results"]
    levels = [r["level"] for r in every]
    severe = sum(level in ("error", "warning") for level in levels)
    assert 0 < severe < len(every) and "note" in levels
    monkeypatch.setattr(sarif_renderer, "MAX_RESULTS", severe + 1)
    _, out, _ = run("corpus", "--format", "sarif", "--threshold", "60", capsys=capsys, monkeypatch=monkeypatch)
    sarif = json.loads(out)
    kept = sarif["runs"][0]["results"]
    first_note = next(r for r in every if r["level"] == "note")
    assert kept == [r for r in every if r["level"] != "note" or r is first_note]  # report order kept
    notice = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][-1]
    assert notice["level"] == "warning"
    assert notice["message"]["text"].startswith(f"{len(every) - severe - 1:,} results of the least severe left out")
    assert not list(sarif_validator.iter_errors(sarif))


def _run_of(items, limit: int):
    from provenance.renderers.sarif import SarifRun
    run = SarifRun()
    run.limit = limit
    for item in items:
        run.add(item)
    return run


def _log(run, items) -> dict:
    from provenance.corpus import corpus_report
    report = corpus_report(items, 60, "digest")
    return json.loads("".join(run.chunks(report.summary, report.tool)))["runs"][0]


_RANK = {"error": 0, "warning": 1, "note": 2}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=10), st.integers(1, 40))
def test_a_run_keeps_the_most_severe_results_in_report_order_and_no_more(seed_reports, picks, limit):
    """Gathered a document at a time, the run holds at most ``limit`` results, and they are the ones
    sorting every result by severity (ties in report order) would choose, in report order."""
    reports = list(seed_reports.values())
    items = [reports[n] if n < len(reports) else ReadError(path="bad.jsonl", line=n, message="broken") for n in picks]
    every = _log(_run_of(items, 10**9), items)
    run = _run_of(items, limit)
    assert len(run.kept) <= limit
    capped = _log(run, items)
    chosen = sorted(range(len(every["results"])), key=lambda i: (_RANK[every["results"][i]["level"]], i))[:limit]
    assert capped["results"] == [every["results"][i] for i in sorted(chosen)]
    assert capped["tool"] == every["tool"]  # every rule a finding names is described, kept or not
    notes = capped["invocations"][0]["toolExecutionNotifications"]
    errors = [n for n in notes if n["level"] == "error"]
    assert errors == every["invocations"][0]["toolExecutionNotifications"]
    assert len(errors) == sum(isinstance(i, ReadError) for i in items)
    left = len(every["results"]) - len(chosen)
    assert (notes[len(errors):] != []) == (left > 0)


def test_github_annotations_hold_ten_of_a_kind_however_many_fail(seed_reports):
    from provenance.renderers.github import Annotations
    failing = next(r for r in seed_reports.values() if not r.passed)
    annotations = Annotations()
    for n in range(200):
        annotations.add(failing.model_copy(update={"id": f"copy-{n}"}))
        annotations.add(ReadError(path="bad.jsonl", line=n + 1, message="broken"))
    kinds = [annotations.unread, annotations.verdicts, annotations.gate_warnings, *annotations.findings.values()]
    assert all(len(kind.lines) <= MAX_PER_LEVEL for kind in kinds)
    assert annotations.verdicts.count == 200 and annotations.unread.count == 200
