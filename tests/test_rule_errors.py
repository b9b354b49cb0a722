"""Broken and hostile rule packs: exit 2 with one line per problem naming the file, the rule and the
key; a catastrophic pattern is cut off by the time limit, reported as RD002, and the run goes on."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

from provenance import matcher
from provenance.analyzers import Context, collect_hits, on_demand_engine
from provenance.cli import main
from provenance.config import Settings
from provenance.document import Document
from provenance.matcher import find_hits
from provenance.pipeline import check_document
from provenance.rulepack import RuleLoadError, load_rules

from conftest import ROOT

PACK = '[pack]\nname = "user"\ndescription = "Rules of a user."\n'


def signature(rule_id: str = "ZZ001", **keys: str) -> str:
    fields = {"id": f'"{rule_id}"', "name": '"user-rule"', "dimension": '"residue"', "message": '"m"',
              "phrases": '["Read more"]', "examples.match": '["Read more"]', "examples.no_match": '["Read on."]'}
    fields.update(keys)
    return "\n[[signature]]\n" + "\n".join(f"{k} = {v}" for k, v in fields.items() if v is not None) + "\n"


def rule_folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(RuleLoadError) as exc:
        load_rules(extra_dirs=[folder])
    return exc.value.problems


def test_a_fact_signature_reading_fewer_lines_than_facts_count_in_is_a_rule_error(tmp_path):
    # the outlet rule counts dates in the first 12 and last 6 non-blank lines: a date signature
    # reading the first 5 alone would miss the others' dates without a word
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(
        "PV010", dimension='"provenance"', tags='["date"]', region='"head"', region_lines="5")})
    head, tail = problems(folder)
    assert head.startswith(f"{folder / 'a.toml'}: signature (PV010).region: reads head 5, but a date counts in "
                           "the head's 12 non-blank lines (params.fact_head_lines of PV001 in ")
    assert "but a date counts in the tail's 6 non-blank lines (params.fact_tail_lines of PV001" in tail


@pytest.mark.parametrize("keys", [{}, {"dimension": '"provenance"'}, {"tags": '["menu"]'}],
                         ids=["residue", "untagged", "residue-tagged"])
def test_a_signature_found_on_demand_must_be_a_provenance_one_read_by_its_tags(tmp_path, keys):
    """Only the provenance analyzer asks for hits by tag: a residue signature, or one without tags,
    found on demand would silently never be found."""
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(on_demand="true", **keys)})
    assert problems(folder) == [f"{folder / 'a.toml'}: signature[0] (ZZ001).on_demand: only a provenance signature "
                                "with tags can be found on demand (its hits are read by tag)"]


def test_malformed_toml_names_the_file_and_where(tmp_path):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + '\n[[signature]]\nid = "ZZ001\n'})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.toml'}: malformed TOML: ") and "line 6" in line


def test_malformed_json_pack_names_the_file_and_where(tmp_path):
    folder = rule_folder(tmp_path, **{"a.json": '{"pack": {"name": "user",\n "description": "x"'})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.json'}: malformed JSON: ") and "(line 2, column" in line


def test_a_json_pack_must_be_one_object(tmp_path):
    folder = rule_folder(tmp_path, **{"a.json": "[]"})
    assert problems(folder) == [f"{folder / 'a.json'}: malformed JSON: a pack is one object, with the tables as its keys"]


@pytest.mark.parametrize(("name", "text", "kind"), [
    ("a.json", "[" * 100_000 + "]" * 100_000, "JSON"),
    ("a.toml", "a = " + "[" * 50_000 + "]" * 50_000, "TOML"),
])
def test_a_pack_nested_too_deep_is_a_rule_error_not_a_crash(tmp_path, name, text, kind):
    folder = rule_folder(tmp_path, **{name: text})
    assert problems(folder) == [f"{folder / name}: malformed {kind}: nested deeper than Python's parser can read"]


def test_a_json_pack_is_checked_and_reported_as_a_toml_one_is(tmp_path):
    rule = {"id": "ZZ001", "name": "user-rule", "dimension": "residue", "message": "m", "severity": "fatal",
            "phrases": ["Read more"], "examples": {"match": ["Read more"], "no_match": ["Read on."]}}
    pack = {"pack": {"name": "user", "description": "Rules of a user."}, "signature": [rule]}
    folder = rule_folder(tmp_path, **{"a.json": json.dumps(pack)})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.json'}: signature[0] (ZZ001).severity: 'fatal' is not one of")


def test_a_json_pack_loads_the_rules_its_toml_twin_does(tmp_path):
    import tomllib

    text = PACK + signature()
    (tmp_path / "t").mkdir()
    (tmp_path / "j").mkdir()
    toml_rules = load_rules(extra_dirs=[rule_folder(tmp_path / "t", **{"a.toml": text})], include_shipped=False)
    json_rules = load_rules(extra_dirs=[rule_folder(tmp_path / "j", **{"a.json": json.dumps(tomllib.loads(text))})],
                            include_shipped=False)
    assert [s.rule for s in json_rules.signatures] == [s.rule for s in toml_rules.signatures]


@pytest.mark.parametrize(("keys", "where", "words"), [
    ({"message": None}, "signature[0] (ZZ001)", "'message' is a required property"),
    ({"colour": '"red"'}, "signature[0] (ZZ001)", "'colour' was unexpected"),
    ({"severity": '"fatal"'}, "signature[0] (ZZ001).severity", "'fatal' is not one of"),
    ({"weight": "-1"}, "signature[0] (ZZ001).weight", "minimum"),
    ({"scope": "3"}, "signature[0] (ZZ001).scope", "3 is not one of ['line', 'text']"),
    ({"weight": '"heavy"'}, "signature[0] (ZZ001).weight", "'heavy' is not of type 'number'"),
    ({"examples.match": "[]"}, "signature[0] (ZZ001).examples.match", "should be non-empty"),
], ids=["missing-key", "unknown-key", "bad-enum", "negative-weight", "not-a-choice", "wrong-type", "no-examples"])
def test_a_schema_violation_names_the_file_the_rule_and_the_key(tmp_path, keys, where, words):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(**keys)})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.toml'}: {where}: ") and words in line


def test_a_misspelt_detector_is_a_rule_error_not_a_rule_that_does_nothing(tmp_path):
    rule = ('\n[[detector]]\nid = "ZZ002"\nname = "user-menus"\ndimension = "residue"\nmessage = "m"\n'
            'detector = "menu_run"\nexamples.match = ["a"]\nexamples.no_match = ["b"]\n')
    [line] = problems(rule_folder(tmp_path, **{"d.toml": PACK + rule}))
    assert "detector[0] (ZZ002).detector: 'menu_run' is not one of" in line and "'menu-run'" in line


def test_a_detector_rule_without_the_params_its_detector_reads_is_a_rule_error(tmp_path):
    rule = ('\n[[detector]]\nid = "ZZ003"\nname = "user-menus"\ndimension = "residue"\nmessage = "m"\n'
            'detector = "menu-run"\nparams.min_run = 3\nexamples.match = ["a"]\nexamples.no_match = ["b"]\n')
    [line] = problems(rule_folder(tmp_path, **{"d.toml": PACK + rule}))
    assert "detector[0] (ZZ003).params: missing " in line and "max_words" in line and "min_run" not in line


def test_a_detector_pattern_param_that_does_not_compile_is_a_rule_error(tmp_path):
    rule = ('\n[[detector]]\nid = "ZZ004"\nname = "user-menus"\ndimension = "residue"\nmessage = "m"\n'
            'detector = "menu-run"\nparams.max_words = 4\nparams.min_run = 3\nparams.min_capital_share = 0.5\n'
            'params.list_entry_pattern = "("\nparams.link_item_pattern = "x"\n'
            'examples.match = ["a"]\nexamples.no_match = ["b"]\n')
    [line] = problems(rule_folder(tmp_path, **{"d.toml": PACK + rule}))
    assert "detector[0] (ZZ004).params.list_entry_pattern: invalid regex '('" in line


def test_every_detector_name_the_rules_may_use_is_read_by_the_code():
    """The names in ``DetectorName`` are the rule language's vocabulary: each must be one the code acts on."""
    from typing import get_args

    from provenance.rulemodels import DetectorName
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "provenance").rglob("*.py")
                     if p.name != "rulemodels.py")
    unread = [name for name in get_args(DetectorName) if f'"{name}"' not in code]
    assert not unread


def test_a_bad_rule_id_is_named_by_its_position(tmp_path):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature("rs1")})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.toml'}: signature[0] (rs1).id: ") and "does not match" in line


def test_an_invalid_regex_names_the_pattern_that_does_not_compile(tmp_path):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(patterns="['^ok$', '(unclosed']")})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.toml'}: signature[0] (ZZ001).patterns[1]: invalid regex '(unclosed': ")
    assert "missing )" in line


def test_an_invalid_outlet_regex_is_a_rule_error_not_a_crash_later(tmp_path):
    outlet = '\n[[outlet]]\nid = "example"\nname = "Example"\nsource = "test"\ndatelines = ["ok", "[unclosed"]\n'
    folder = rule_folder(tmp_path, **{"a.toml": PACK + outlet})
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.toml'}: outlet[0] (example).datelines[1]: invalid regex '[unclosed': ")


def test_duplicate_ids_in_one_folder_name_both_files(tmp_path):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(), "b.toml": PACK + signature() + signature()})
    assert problems(folder) == [
        f"{folder / 'b.toml'}: signature[0] (ZZ001).id: duplicate id (also in {folder / 'a.toml'})",
        f"{folder / 'b.toml'}: signature[1] (ZZ001).id: duplicate id (also in {folder / 'a.toml'})",
    ]


def test_a_user_rule_may_replace_a_shipped_one(tmp_path):
    shipped = load_rules().signatures[0].rule.id
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(shipped)})
    assert load_rules(extra_dirs=[folder]).origins[shipped] == str(folder / "a.toml")


def test_every_problem_in_every_file_is_listed_at_once(tmp_path):
    folder = rule_folder(tmp_path, **{
        "a.toml": PACK + signature(patterns="['(']"),
        "b.toml": "not toml at all [",
        "c.toml": PACK + signature("ZZ002", message=None),
    })
    lines = problems(folder)
    assert [Path(line.split(": ")[0]).name for line in lines] == ["a.toml", "b.toml", "c.toml"]


def test_an_unreadable_rule_file_is_a_rule_error(tmp_path, monkeypatch):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature()})
    real = Path.read_bytes

    def refuse(self):
        if self.name == "a.toml":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", lambda self, **_: refuse(self).decode())
    [line] = problems(folder)
    assert line.startswith(f"{folder / 'a.toml'}: cannot read: ")


def test_a_missing_rule_folder(tmp_path):
    assert problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: rule folder not found"]


def test_a_rule_file_named_as_the_folder_and_an_empty_folder_are_errors(tmp_path):
    (tmp_path / "pack.toml").write_text(PACK, encoding="utf-8")
    (tmp_path / "empty").mkdir()
    assert problems(tmp_path / "pack.toml") == [
        f"{tmp_path / 'pack.toml'}: a file, not a rule folder (--rules names the folder holding packs)"]
    assert problems(tmp_path / "empty") == [f"{tmp_path / 'empty'}: rule folder holds no rule pack (.json, .toml files)"]


def test_the_command_line_exits_2_with_one_line_per_problem(tmp_path, capsys):
    folder = rule_folder(tmp_path, **{"a.toml": PACK + signature(patterns="['(']") + signature("ZZ002", weight="-1")})
    (tmp_path / "doc.txt").write_text("Text.\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "doc.txt"), "--rules", str(folder)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"provenance: rule error: {folder / 'a.toml'}: ") for line in lines)
    assert "(ZZ002).weight" in lines[0] and "(ZZ001).patterns[0]: invalid regex '('" in lines[1]


# Catastrophic patterns -------------------------------------------------------------------------

CATASTROPHIC = signature("ZZ901", phrases=None, patterns="['(a+)+$']", **{"examples.match": '["aaa"]',
                                                                          "examples.no_match": '["b"]'})


def test_a_catastrophic_pattern_is_cut_off_reported_and_the_run_goes_on(tmp_path):
    folder = rule_folder(tmp_path, **{"hostile.toml": PACK + CATASTROPHIC})
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "long.txt").write_text("Read more\n" + "a" * 20_000 + "!\nShare this:\n", encoding="utf-8")
    (corpus / "short.txt").write_text("Read more\naaa\n", encoding="utf-8")
    (tmp_path / "provenance.toml").write_text("regex_timeout = 0.3\n", encoding="utf-8")
    # the reference engine runs the pattern on every line; the prefilter never runs it on a line RE2 rejects
    result = subprocess.run(
        [sys.executable, "-m", "provenance", "check", str(corpus), "--rules", str(folder),
         "--config", str(tmp_path / "provenance.toml"), "--format", "jsonl", "--engine", "reference"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode in (0, 1) and result.stderr == ""
    reports = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    long_rules = [f["rule"] for f in reports["long.txt"]["findings"]]
    overrun = [f for f in reports["long.txt"]["findings"] if f["rule"] == "RD002"]
    assert len(overrun) == 1 and overrun[0]["message"].endswith(": ZZ901")
    assert "ZZ901" not in long_rules and any(rule.startswith("PV") for rule in long_rules)
    assert "ZZ901" in [f["rule"] for f in reports["short.txt"]["findings"]]
    assert "RD002" not in [f["rule"] for f in reports["short.txt"]["findings"]]


@pytest.fixture(scope="module")
def hostile_rules(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.toml").write_text(PACK + CATASTROPHIC, encoding="utf-8")
    return load_rules(extra_dirs=[folder], enabled_only=["ZZ901", "RD002"])


def test_the_time_limit_holds_for_the_whole_document_not_each_line(hostile_rules):
    # each line alone ends well inside the limit; together they do not
    doc = Document(id="d", path="d", text=("a" * 200 + "!\n") * 60)
    with pytest.raises(TimeoutError):
        list(find_hits(hostile_rules.signatures[0], doc, timeout=0.3))


def test_an_on_demand_signature_is_found_for_its_own_tags_alone_and_overruns_once(tmp_path, monkeypatch):
    """Each tag asked for finds its own on-demand signatures and no others'; a signature of two tags,
    found for each, that runs out of time is one overrun."""
    hostile = signature("ZZ902", dimension='"provenance"', tags='["slow", "slower"]', on_demand="true",
                        phrases=None, patterns="['(a+)+$']", **{"examples.match": '["aaa"]',
                                                                  "examples.no_match": '["b"]'})
    rules = load_rules(extra_dirs=[rule_folder(tmp_path, **{"a.toml": PACK + hostile})])
    doc = Document(id="d", path="d", text="Read more at example-site.com\n" + "a" * 20_000 + "!\n")
    ctx = Context(doc=doc, rules=rules, hits=collect_hits(doc, rules, timeout=0.3, engine="reference")[0],
                  timeout=0.3, engine="reference")
    slow = on_demand_engine(rules, "slow", "reference")
    monkeypatch.setattr(slow, "hits_of", lambda *_: pytest.fail("found for another tag"))
    assert [doc.text[hit.start:hit.end] for hit in ctx.hits_tagged("domain-mention")] == ["example-site.com"]
    monkeypatch.undo()
    assert ctx.hits_tagged("slow") == [] and ctx.hits_tagged("slower") == []
    assert ctx.overruns == ["ZZ902"]


def test_an_overrun_rule_keeps_none_of_its_hits(hostile_rules):
    doc = Document(id="d", path="d", text="aaa\n" + "a" * 20_000 + "!\n")
    hits, overruns = collect_hits(doc, hostile_rules, timeout=0.3, engine="reference")
    assert hits == [] and overruns == ["ZZ901"]
    report = check_document(doc, hostile_rules, Settings(regex_timeout=0.3, engine="reference"))
    assert [f.rule for f in report.findings] == ["RD002"]


def test_rules_test_stops_a_catastrophic_example_with_a_rule_error(tmp_path, monkeypatch, capsys):
    slow = signature("ZZ902", phrases=None, patterns="['(a+)+$']",
                     **{"examples.match": '["aaa"]', "examples.no_match": f'["{"a" * 20_000}!"]'})
    folder = rule_folder(tmp_path, **{"hostile.toml": PACK + slow})
    monkeypatch.setattr(matcher.example_fires, "__defaults__", (0.3,))
    assert main(["rules", "test", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("provenance: rule error: ZZ902: ran out of time (0.3 s) on its example 'aaaa")
    assert err.count("\n") == 1
