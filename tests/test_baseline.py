"""Baselines: today's findings are accepted, new ones fail, fingerprints survive moves, stale entries show."""

from __future__ import annotations

import errno
import gzip
import json
import tempfile

import pytest

from provenance.baseline import fingerprints
from provenance.report import DocumentReport

from corpus_repo import CLEAN, RESIDUE_HEAVY, check, check_json, make_repo


@pytest.fixture
def repo(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path)
    code, _, err = check(repo, "corpus", "--write-baseline", "baseline.json", "--quiet",
                         capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    assert "baseline written to baseline.json" in err
    return repo


def test_seed_corpus_fails_without_a_baseline(repo, capsys, monkeypatch):
    code, report = check_json(repo, "corpus", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1 and report["summary"]["failed"] >= 1


def test_baseline_taken_today_passes_and_validates(repo, capsys, monkeypatch, schema):
    baseline = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    schema("baseline.schema.json").validate(baseline)
    assert len(baseline["documents"]) == 5
    code, report = check_json(repo, "corpus", "--baseline", "baseline.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0
    schema("corpus-report.schema.json").validate(report)
    assert all(d["passed"] for d in report["documents"])
    accepted = [n for d in report["documents"] for n in d["gate"] if n["action"] == "baselined"]
    assert accepted, "the failing seed document should be accepted by the baseline, and say so"


def test_residue_heavy_addition_fails_and_clean_addition_passes(repo, capsys, monkeypatch):
    (repo / "corpus" / "scraped-menu.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    (repo / "corpus" / "bridge.txt").write_text(CLEAN, encoding="utf-8")
    code, report = check_json(repo, "corpus", "--baseline", "baseline.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    verdicts = {d["id"]: d["passed"] for d in report["documents"]}
    assert verdicts.pop("scraped-menu.txt") is False
    assert all(verdicts.values()), verdicts
    bad = next(d for d in report["documents"] if d["id"] == "scraped-menu.txt")
    assert any(n["action"] == "block" and n["check"] == "overall" for n in bad["gate"])


def test_clean_addition_alone_passes(repo, capsys, monkeypatch):
    (repo / "corpus" / "bridge.txt").write_text(CLEAN, encoding="utf-8")
    code, _, _ = check(repo, "corpus", "--baseline", "baseline.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0


def test_moved_document_keeps_its_fingerprints(repo, capsys, monkeypatch):
    (repo / "corpus" / "archive").mkdir()
    (repo / "corpus" / "003_2fe322bd87738eb3.txt").rename(repo / "corpus" / "archive" / "renamed.txt")
    code, out, err = check(repo, "corpus", "--baseline", "baseline.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, out


def test_edited_document_is_judged_afresh_and_its_old_entries_are_stale(repo, capsys, monkeypatch):
    path = repo / "corpus" / "003_2fe322bd87738eb3.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nShare on Facebook\n", encoding="utf-8")
    code, out, err = check(repo, "corpus", "--baseline", "baseline.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert "stale entries" in err and "003_2fe322bd87738eb3.txt" in err


def test_fingerprints_ignore_line_numbers(seed_reports):
    report = seed_reports["002_b963d35d37b4f98e.txt"]
    shifted = report.model_copy(update={"findings": [
        f.model_copy(update={"line": f.line + 5, "end_line": f.end_line + 5}) if f.line else f for f in report.findings
    ]})
    assert fingerprints(shifted) == fingerprints(report)
    assert len(set(fingerprints(report))) == len(report.findings)


def test_fingerprints_depend_on_document_text(seed_reports):
    report: DocumentReport = seed_reports["002_b963d35d37b4f98e.txt"]
    other = report.model_copy(update={"sha256": "0" * 64})
    assert not set(fingerprints(other)) & set(fingerprints(report))


@pytest.mark.parametrize("content,problem", [
    ("{not json", "cannot read baseline"),
    ('{"documents": []}', "not a provenance baseline"),
])
def test_bad_baseline_is_a_usage_error(repo, capsys, monkeypatch, content, problem):
    (repo / "broken.json").write_text(content, encoding="utf-8")
    code, _, err = check(repo, "corpus", "--baseline", "broken.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and problem in err and "broken.json" in err and "Traceback" not in err


def test_a_gzipped_baseline_is_read_back(repo, capsys, monkeypatch):
    check(repo, "corpus", "--write-baseline", "baseline.json.gz", "--quiet", capsys=capsys, monkeypatch=monkeypatch)
    assert gzip.decompress((repo / "baseline.json.gz").read_bytes()) == (repo / "baseline.json").read_bytes()
    code, _, err = check(repo, "corpus", "--baseline", "baseline.json.gz", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    (repo / "cut.json.gz").write_bytes((repo / "baseline.json.gz").read_bytes()[:40])
    code, _, err = check(repo, "corpus", "--baseline", "cut.json.gz", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "cut.json.gz: cannot read baseline" in err and "Traceback" not in err


def test_missing_baseline_says_how_to_make_one(repo, capsys, monkeypatch):
    code, _, err = check(repo, "corpus", "--baseline", "nowhere.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "--write-baseline" in err


def test_baseline_from_settings(repo, capsys, monkeypatch):
    (repo / "provenance.toml").write_text('baseline = "baseline.json"\n', encoding="utf-8")
    assert check(repo, "corpus", capsys=capsys, monkeypatch=monkeypatch)[0] == 0
    (repo / "corpus" / "scraped-menu.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    assert check(repo, "corpus", capsys=capsys, monkeypatch=monkeypatch)[0] == 1


def test_baseline_file_is_byte_stable(repo, capsys, monkeypatch):
    first = (repo / "baseline.json").read_bytes()
    check(repo, "corpus", "--write-baseline", "again.json", capsys=capsys, monkeypatch=monkeypatch)
    assert (repo / "again.json").read_bytes() == first


def test_checking_single_files_reports_no_stale_entries_for_the_others(repo, capsys, monkeypatch):
    (repo / "corpus" / "bridge.txt").write_text(CLEAN, encoding="utf-8")
    code, _, err = check(repo, "corpus/bridge.txt", "corpus/000_b80e25abf9b4de4d.txt", "--baseline", "baseline.json",
                         capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "stale" not in err


def test_removed_document_leaves_stale_entries_in_a_full_run(repo, capsys, monkeypatch):
    (repo / "corpus" / "000_b80e25abf9b4de4d.txt").unlink()
    entries = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]
    removed = sum(e["document"] == "000_b80e25abf9b4de4d.txt" for e in entries)
    code, _, err = check(repo, "corpus", "--baseline", "baseline.json", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and f"{removed} stale entries" in err and "  000_b80e25abf9b4de4d.txt: " in err


def _denied(*args, **kwargs):
    raise PermissionError(errno.EACCES, "Permission denied")


def test_a_baseline_that_cannot_be_written_is_refused_before_any_report(repo, capsys, monkeypatch):
    """Not a report saying 'baselined' and every document passed, then the error."""
    monkeypatch.setattr(tempfile, "mkstemp", _denied)
    code, out, err = check(repo, "corpus", "--write-baseline", "new.json", capsys=capsys, monkeypatch=monkeypatch)
    assert (code, out) == (2, "")
    assert err == "provenance: output error: new.json: cannot write: Permission denied\n"


@pytest.mark.parametrize("option", ["--write-baseline", "--output", "--output-format"])
@pytest.mark.parametrize(("target", "reason"), [("a-file/out.json", "Not a directory"),
                                                 ("a-folder", "Is a directory")])
def test_an_output_that_cannot_be_written_is_refused_before_the_run(repo, capsys, monkeypatch, option, target, reason):
    (repo / "a-file").write_text("", encoding="utf-8")
    (repo / "a-folder").mkdir()
    value = f"sarif:{target}" if option == "--output-format" else target
    code, out, err = check(repo, "corpus", option, value, capsys=capsys, monkeypatch=monkeypatch)
    assert (code, out) == (2, "")
    assert err == f"provenance: output error: {target}: cannot write: {reason}\n"


def test_trying_an_output_first_leaves_nothing_behind(repo, capsys, monkeypatch):
    before = sorted(p.name for p in repo.iterdir())
    code, _, err = check(repo, "corpus", "--write-baseline", "new/dir/baseline.json", "--quiet",
                         capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    assert sorted(p.name for p in repo.iterdir()) == sorted([*before, "new"])
    assert [p.name for p in (repo / "new" / "dir").iterdir()] == ["baseline.json"]


def test_records_sharing_an_id_keep_their_entries_apart_in_a_partial_run(repo, capsys, monkeypatch):
    for name, text in (("a.jsonl", RESIDUE_HEAVY), ("b.jsonl", RESIDUE_HEAVY + "\nShare this article\n")):
        (repo / "corpus" / name).write_text(json.dumps({"id": "r1", "text": text}) + "\n", encoding="utf-8")
    code, _, err = check(repo, "corpus", "--write-baseline", "shared.json", "--quiet", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "provenance: warning: corpus/b.jsonl:1: id 'r1' is also the id of corpus/a.jsonl:1" in err
    entries = json.loads((repo / "shared.json").read_text(encoding="utf-8"))["findings"]
    assert sum(e["document"] == "r1" for e in entries) >= 2
    code, _, err = check(repo, "corpus/b.jsonl", "--baseline", "shared.json", "--quiet", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and "stale" not in err, "a.jsonl's record was not checked: its entries are not stale"


def test_a_baseline_written_over_the_corpus_reads_the_same_over_two_of_its_folders(repo, capsys, monkeypatch):
    for folder in ("x", "y"):
        (repo / "corpus" / folder).mkdir()
        (repo / "corpus" / folder / "menu.txt").write_text(RESIDUE_HEAVY + f"\nSection {folder}\n", encoding="utf-8")
    check(repo, "corpus", "--write-baseline", "nested.json", "--quiet", capsys=capsys, monkeypatch=monkeypatch)
    documents = {d["id"] for d in json.loads((repo / "nested.json").read_text(encoding="utf-8"))["documents"]}
    code, report = check_json(repo, "corpus/x/menu.txt", "corpus/y/menu.txt", "--baseline", "nested.json",
                              capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and [d["id"] for d in report["documents"]] == ["x/menu.txt", "y/menu.txt"]
    assert {"x/menu.txt", "y/menu.txt"} <= documents
