"""The gate: overall and per-dimension thresholds, blocking rules and outlet flags, warnings that
never block; ``passed`` in every report is the gate's verdict."""

from __future__ import annotations

import json
import shutil

import pytest

from provenance.config import Settings
from provenance.gate import Policy, judge, policy_from
from provenance.cli import main

from conftest import CORPUS
from corpus_repo import RESIDUE_HEAVY

EFE, RT1, TABLOID, AHED = ("000_b80e25abf9b4de4d.txt", "001_f2e18ad958418c56.txt",
                           "003_2fe322bd87738eb3.txt", "004_ce2b9602adbcc576.txt")


def policy(**kw) -> Policy:
    return Policy(threshold=kw.pop("threshold", 50.0), fail_under=kw.pop("fail_under", {}),
                  **{k: frozenset(v) for k, v in kw.items()})


def actions(report) -> list[tuple[str, str]]:
    return [(n.action, n.check) for n in report.gate]


def test_default_gate_is_the_overall_threshold(seed_reports):
    assert judge(seed_reports[EFE], policy(threshold=60)).passed
    failed = judge(seed_reports[TABLOID], policy(threshold=60))
    assert not failed.passed and actions(failed) == [("block", "overall")]
    assert f"{seed_reports[TABLOID].scores.overall:g} is under 60" in failed.gate[0].message


def test_dimension_threshold_fails_and_names_the_dimension(seed_reports):
    report = judge(seed_reports[AHED], policy(fail_under={"residue": 90}))
    assert not report.passed and ("block", "residue") in actions(report)
    assert judge(seed_reports[AHED], policy(fail_under={"residue": 60})).passed


def test_attribution_threshold_skips_documents_with_nothing_to_attribute(check):
    report = check("Home\nNews\nThe council met on Tuesday.\n")
    assert report.scores.attribution is None
    assert ("block", "attribution") not in actions(judge(report, policy(threshold=0, fail_under={"attribution": 99})))


def test_block_rule_fails_a_passing_document(seed_reports):
    report = judge(seed_reports[EFE], policy(block_rules={"RS010"}))
    assert not report.passed
    note = next(n for n in report.gate if n.check == "rule")
    assert (note.action, note.rule, note.line) == ("block", "RS010", 26)


def test_block_flag_fails_state_controlled_outlets(seed_reports):
    report = judge(seed_reports[RT1], policy(block_flags={"state-controlled"}))
    assert not report.passed and actions(report) == [("block", "flag")]
    assert "state-controlled" in report.gate[0].message
    assert judge(seed_reports[EFE], policy(block_flags={"state-controlled"})).passed


def test_warnings_never_block(seed_reports):
    report = judge(seed_reports[RT1], policy(block_flags={"state-controlled"}, warn_flags={"state-controlled"},
                                             block_rules={"RS022"}, warn_rules={"RS022"}))
    assert report.passed
    assert [(n.action, n.check) for n in report.gate] == [("warn", "flag"), ("warn", "rule")]


def test_error_severity_blocks_unless_it_is_a_warning_rule(seed_reports):
    base = seed_reports[EFE]
    finding = base.findings[0].model_copy(update={"severity": "error"})
    report = base.model_copy(update={"findings": [finding, *base.findings[1:]]})
    assert not judge(report, policy()).passed
    assert judge(report, policy(warn_rules={finding.rule})).passed


def test_flags_override_settings():
    settings = Settings(threshold=60, fail_under={"residue": 80}, block_rules=["RS010"])

    class Args:
        fail_under_residue = 95.0
        fail_under_provenance = None
        fail_under_attribution = None
        block_rule = ["RS011"]
        block_flag = ["deprecated"]
        warn_rule: list = []
        warn_flag: list = []

    p = policy_from(settings, Args())
    assert p.threshold == 60 and p.fail_under == {"residue": 95.0}
    assert p.block_rules == {"RS010", "RS011"} and p.block_flags == {"deprecated"}


def run_json(*args, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_cli_passed_reflects_the_gate_and_validates(capsys, schema):
    code, report = run_json(str(CORPUS), "--fail-under", "0", "--fail-under-residue", "90", capsys=capsys)
    schema("corpus-report.schema.json").validate(report)
    failed = {d["id"] for d in report["documents"] if not d["passed"]}
    assert failed == {AHED} and code == 1
    assert report["summary"]["failed"] == 1


def test_cli_block_flag_and_settings(tmp_path, capsys):
    (tmp_path / "provenance.toml").write_text('threshold = 0\nblock_flags = ["state-controlled"]\n'
                                              'warn_flags = ["party-affiliated"]\n', encoding="utf-8")
    code, report = run_json(str(CORPUS), "--config", str(tmp_path / "provenance.toml"), capsys=capsys)
    verdicts = {d["id"]: d["passed"] for d in report["documents"]}
    assert code == 1 and [k for k, v in verdicts.items() if not v] == [RT1, "002_b963d35d37b4f98e.txt"]
    ahed = next(d for d in report["documents"] if d["id"] == AHED)
    assert [n["action"] for n in ahed["gate"]] == ["warn"]


def test_jsonl_lines_carry_the_gate(capsys, schema):
    capsys.readouterr()
    main(["check", str(CORPUS), "--format", "jsonl", "--block-rule", "RS010"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for line in lines:
        schema("report-line.schema.json").validate(line)
    assert not next(line for line in lines if line["id"] == EFE)["passed"]


UNKNOWN_NAMES = [
    (["--block-rule", "ZZ999"], "--block-rule: unknown rule ZZ999"),
    (["--warn-rule", "ZZ999"], "--warn-rule: unknown rule ZZ999"),
    (["--block-flag", "state-controled"], "--block-flag: no outlet profile has the flag 'state-controled'"),
    (["--warn-flag", "state-controled"], "--warn-flag: no outlet profile has the flag 'state-controled'"),
]


@pytest.mark.parametrize("args,problem", UNKNOWN_NAMES)
def test_unknown_names_are_settings_errors(args, problem, capsys):
    capsys.readouterr()
    assert main(["check", str(CORPUS), *args]) == 2
    assert capsys.readouterr().err == f"provenance: settings error: {problem}\n"


@pytest.mark.parametrize("args,problem", UNKNOWN_NAMES)
def test_an_unknown_name_from_a_flag_is_not_blamed_on_the_settings_file(tmp_path, args, problem, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "pyproject.toml").write_text("[tool.provenance]\nthreshold = 60\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(corpus), *args]) == 2
    assert capsys.readouterr().err == f"provenance: settings error: {problem}\n"


def test_unknown_names_in_the_settings_file_name_the_file_and_key_one_line_each(tmp_path, capsys):
    settings = tmp_path / "provenance.toml"
    settings.write_text('block_rules = ["ZZ999"]\nwarn_flags = ["state-controled"]\n'
                        '[[ignore]]\npath = "x"\nrules = ["ZZ998"]\nreason = "r"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(CORPUS), "--config", str(settings), "--block-flag", "nope"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"provenance: settings error: {settings}: block_rules: unknown rule ZZ999",
        f"provenance: settings error: {settings}: warn_flags: no outlet profile has the flag 'state-controled'",
        f"provenance: settings error: {settings}: ignore[0].rules: unknown rule ZZ998",
        "provenance: settings error: --block-flag: no outlet profile has the flag 'nope'",
    ]


def test_residue_heavy_document_fails_the_default_gate(check):
    report = judge(check(RESIDUE_HEAVY), policy())
    assert not report.passed and report.scores.residue < 50
