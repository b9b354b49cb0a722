"""For rule authors: ``explain RULE``, ``explain DOC`` (whose arithmetic must give the report's scores),
``rules list`` and ``rules test [DIR]``."""

from __future__ import annotations

import json
import re

import pytest

from provenance.cli import main

from conftest import CORPUS
from corpus_repo import RESIDUE_HEAVY

TABLOID = CORPUS / "003_2fe322bd87738eb3.txt"


def run(*args, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_rule_shows_what_why_and_examples(capsys):
    code, out, _ = run("explain", "RS010", capsys=capsys)
    assert code == 0
    assert out.startswith("RS010 back-to-top: signature, residue, severity warning")
    assert "What it looks for:" in out and "'Back to top button'" in out
    assert "Why it matters:\n  A scroll-to-top button label, not article text." in out
    assert "ok   fires on        'Back to top button'" in out
    assert "ok   does not fire on 'He went back to top form after the injury.'" in out


def test_explain_detector_shows_its_params(capsys):
    code, out, _ = run("explain", "RS100", capsys=capsys)
    assert code == 0 and "detector 'repeated-line'" in out and "min_chars = 12" in out


def test_explain_outlet_profile(capsys):
    code, out, _ = run("explain", "rt", capsys=capsys)
    assert code == 0 and "flags: state-controlled, unreliable" in out and "domains: rt.com" in out
    assert "rated 'generally unreliable or deprecated' by Wikipedia" in out  # keyed by domain, as reports show


@pytest.mark.parametrize("target", ["ZZ999", "no-such-thing.txt"])
def test_explain_unknown_target_is_a_usage_error(target, capsys):
    code, _, err = run("explain", target, capsys=capsys)
    assert code == 2 and target in err


def test_explain_disabled_rule_says_so(capsys):
    code, _, err = run("explain", "RS010", "--disable", "RS010", capsys=capsys)
    assert code == 2 and "disabled" in err


def test_explain_document_steps_reach_the_reported_scores(capsys, seed_reports):
    report = seed_reports[TABLOID.name]
    code, out, _ = run("explain", str(TABLOID), "--threshold", "60", capsys=capsys)
    assert code == 1, "the document fails the gate, and explain says so with its exit code"
    s = report.scores
    assert f"-> {s.provenance:g}\n" in out and f"-> {s.residue:g}\n" in out
    assert f"-> {s.attribution:g}\n" in out and f"-> {s.overall:g}\n" in out
    assert f"gate: FAILS (overall threshold 60)\n  block: overall {s.overall:g} is under 60" in out
    for finding in report.findings:
        if finding.dimension == "residue":
            assert f"{finding.rule} {finding.message} (line {finding.line})" in out
    quotes = re.findall(r"^\s+\d\.\d\d  quote at line \d+", out, flags=re.M)
    assert len(quotes) == len(report.quotes)


def test_explain_document_provenance_sum(capsys, seed_reports):
    report = seed_reports["000_b80e25abf9b4de4d.txt"]
    _, out, _ = run("explain", str(CORPUS / "000_b80e25abf9b4de4d.txt"), capsys=capsys)
    total = sum(f.points for f in report.findings if f.dimension == "provenance")
    assert f"  = {total:.2f} -> {report.scores.provenance:g}" in out
    assert "outlet: Agencia EFE (id efe" in out and "flags: state-funded" in out


def test_explain_a_jsonl_record(tmp_path, capsys):
    lines = [json.dumps({"id": "menu", "text": RESIDUE_HEAVY}), json.dumps({"id": "other", "text": "Text."})]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run("explain", f"{tmp_path / 'batch.jsonl'}#menu", capsys=capsys)
    assert code == 1 and out.startswith("menu (")
    code, out, _ = run("explain", f"{tmp_path / 'batch.jsonl'}#2", capsys=capsys)
    assert code == 0 and out.startswith("other (")
    code, _, err = run("explain", str(tmp_path / "batch.jsonl"), capsys=capsys)
    assert code == 2 and "holds 2 records" in err


def test_rules_list(capsys):
    code, out, _ = run("rules", "list", capsys=capsys)
    assert code == 0 and "RS010" in out and "back-to-top" in out


PACK = """[pack]
name = "my-footers"
description = "Footers of the sites we scrape."

[[signature]]
id = "RS901"
name = "example-footer"
dimension = "residue"
message = "site footer"
why = "Footers are the site's, not the article's."
phrases = ["Powered by Example CMS"]
whole_line = true
examples.match = ["Powered by Example CMS"]
examples.no_match = ["The site was powered by volunteers."]

[[signature]]
id = "RS902"
name = "never-fires"
dimension = "residue"
message = "a rule whose examples do not match it"
phrases = ["Sponsored content"]
whole_line = true
examples.match = ["This is sponsored content from a partner."]
examples.no_match = ["Plain text."]
"""


def test_rules_test_dir_reports_rules_that_never_fire(tmp_path, capsys):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    code, out, _ = run("rules", "test", str(tmp_path), capsys=capsys)
    assert code == 1
    assert "never fires RS902" in out and "FAIL RS902 should fire on" in out
    assert "RS901" not in out, "a rule whose examples behave is not mentioned"
    assert "2 rules, 4 examples: 3 passed, 1 failed, 1 rules never fire" in out


def test_rules_test_passes_on_shipped_rules(capsys):
    code, out, _ = run("rules", "test", capsys=capsys)
    assert code == 0 and "0 failed, 0 rules never fire" in out


def test_rules_test_missing_dir_is_a_rule_error(tmp_path, capsys):
    code, _, err = run("rules", "test", str(tmp_path / "nope"), capsys=capsys)
    assert code == 2 and "rule folder not found" in err


def test_explain_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["explain", "--help"])
    assert exc.value.code == 0 and "RULE|DOC" in capsys.readouterr().out


def test_explain_counts_template_lines_over_the_corpus_given(tmp_path, capsys):
    from corpus_repo import site_sharing_a_footer
    site = site_sharing_a_footer(tmp_path / "site")
    code, out, err = run("explain", str(site / "d0.txt"), "--corpus", str(site), capsys=capsys)
    assert "RS120" in out and "note" not in err
    code, out, err = run("explain", str(site / "d0.txt"), capsys=capsys)
    assert "RS120" not in out and "template lines (RS120) are not counted" in err


def test_rules_list_as_json_holds_every_rule_whole(capsys):
    """Piped, the table wrapped its cells at 80 columns, where grep and scripts could not read them."""
    from provenance.rulepack import load_rules
    code, out, _ = run("rules", "list", "--format", "json", capsys=capsys)
    listed = json.loads(out)
    assert code == 0 and [r["id"] for r in listed["rules"]] == [r.id for r in load_rules().all_rules()]
    assert next(r for r in listed["rules"] if r["id"] == "RS120") == {
        "id": "RS120", "name": "template-line", "dimension": "residue", "kind": "detector", "severity": "warning",
        "weight": 1.0, "file": "rules/residue/structure.toml"}


def test_explain_lists_every_attribution_finding_even_at_no_points(capsys, seed_reports):
    """A scare quote or a loaded verb moves no point, and ``explain`` left them out, where ``show`` and
    the report list them: the steps now name every attribution finding."""
    report = seed_reports["002_b963d35d37b4f98e.txt"]
    code, out, _ = run("explain", str(CORPUS / "002_b963d35d37b4f98e.txt"), capsys=capsys)
    for f in report.findings:
        if f.dimension == "attribution":
            assert f"{f.points:+7.2f}  {f.rule}" in out
