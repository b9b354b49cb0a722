"""Suppressions: a per-path ignore list in the settings, each entry with a reason; unused ones reported."""

from __future__ import annotations

import json
import shutil

import pytest

from provenance.cli import main
from provenance.suppress import _glob

from conftest import CORPUS

AHED = "004_ce2b9602adbcc576.txt"


@pytest.fixture
def project(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


def settings(project, text: str) -> None:
    (project / "provenance.toml").write_text(text, encoding="utf-8")


def run(project, *args, capsys, monkeypatch) -> tuple[int, dict, str]:
    monkeypatch.chdir(project)
    capsys.readouterr()
    code = main(["check", "corpus", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


def doc(report: dict, doc_id: str) -> dict:
    return next(d for d in report["documents"] if d["id"] == doc_id)


def test_suppressed_rules_do_not_run_on_the_path(project, capsys, monkeypatch, schema):
    _, before, _ = run(project, capsys=capsys, monkeypatch=monkeypatch)
    settings(project, f'[[ignore]]\npath = "corpus/{AHED}"\nrules = ["RS011", "RS014"]\n'
                      'reason = "site menu kept on purpose for a layout study"\n')
    _, after, err = run(project, capsys=capsys, monkeypatch=monkeypatch)
    schema("corpus-report.schema.json").validate(after)
    rules_after = {f["rule"] for f in doc(after, AHED)["findings"]}
    assert {"RS011", "RS014"} & {f["rule"] for f in doc(before, AHED)["findings"]}
    assert not {"RS011", "RS014"} & rules_after
    assert doc(after, AHED)["scores"]["residue"] > doc(before, AHED)["scores"]["residue"]
    [note] = doc(after, AHED)["suppressed"]
    assert note["reason"].startswith("site menu") and note["findings"] > 0
    assert doc(after, "000_b80e25abf9b4de4d.txt") == doc(before, "000_b80e25abf9b4de4d.txt")
    assert "unused suppression" not in err


def test_unused_suppressions_are_reported(project, capsys, monkeypatch):
    settings(project, '[[ignore]]\npath = "corpus/000_*.txt"\nrules = ["RS024"]\nreason = "never fires there"\n\n'
                      '[[ignore]]\npath = "elsewhere/**"\nrules = ["RS010"]\nreason = "a folder that is not there"\n')
    code, _, err = run(project, capsys=capsys, monkeypatch=monkeypatch)
    assert "unused suppression ignore[0]" in err and "removed no finding" in err
    assert "unused suppression ignore[1]" in err and "matched no document" in err


@pytest.mark.parametrize("entry,problem", [
    ('path = "corpus"\nrules = ["RS010"]\n', "ignore.0.reason: Field required"),
    ('path = "corpus"\nrules = []\nreason = "r"\n', "ignore.0.rules"),
    ('path = "corpus"\nrules = ["ZZ999"]\nreason = "r"\n', "ignore[0].rules: unknown rule ZZ999"),
])
def test_bad_suppressions_are_settings_errors(project, capsys, monkeypatch, entry, problem):
    settings(project, f"[[ignore]]\n{entry}")
    code, _, err = run(project, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and problem in err and "provenance.toml" in err


@pytest.mark.parametrize("pattern,path,matches", [
    ("corpus", "corpus/a.txt", True),
    ("corpus/", "corpus/sub/a.txt", True),
    ("corpus/*.txt", "corpus/a.txt", True),
    ("corpus/*.txt", "corpus/sub/a.txt", False),
    ("corpus/**/a.txt", "corpus/a.txt", True),
    ("corpus/**/a.txt", "corpus/x/y/a.txt", True),
    ("**/*.md", "deep/down/b.md", True),
    ("corp", "corpus/a.txt", False),
])
def test_ignore_paths_are_globs(pattern, path, matches):
    assert bool(_glob(pattern).fullmatch(path)) is matches
