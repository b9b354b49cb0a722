"""--since REV: only documents added or changed since REV, found with git, nothing checked out."""

from __future__ import annotations

import json

import pytest

from provenance.gitscope import changed_files

from corpus_repo import CLEAN, RESIDUE_HEAVY, check, check_json, git, make_repo

EFE = "000_b80e25abf9b4de4d.txt"


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path)


def ids(report: dict) -> list[str]:
    return [d["id"] for d in report["documents"]]


def test_nothing_changed_checks_nothing_and_passes(repo, capsys, monkeypatch):
    code, report = check_json(repo, "corpus", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and ids(report) == []


def test_residue_heavy_addition_fails_and_only_it_is_reported(repo, capsys, monkeypatch):
    (repo / "corpus" / "scraped-menu.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    code, report = check_json(repo, "corpus", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert ids(report) == ["scraped-menu.txt"] and not report["documents"][0]["passed"]


def test_clean_addition_passes(repo, capsys, monkeypatch):
    (repo / "corpus" / "bridge.txt").write_text(CLEAN, encoding="utf-8")
    code, report = check_json(repo, "corpus", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and ids(report) == ["bridge.txt"]


def test_committed_staged_modified_and_untracked_changes_count(repo, capsys, monkeypatch):
    corpus = repo / "corpus"
    start = git(repo, "rev-parse", "HEAD").strip()
    (corpus / "a-committed.txt").write_text(CLEAN, encoding="utf-8")
    git(repo, "add", "corpus/a-committed.txt")
    git(repo, "commit", "-q", "-m", "add a")
    (corpus / "b-staged.txt").write_text(CLEAN, encoding="utf-8")
    git(repo, "add", "corpus/b-staged.txt")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "c-untracked.md").write_text(CLEAN, encoding="utf-8")
    with (corpus / EFE).open("a", encoding="utf-8") as handle:
        handle.write("\nA line added in the working tree.\n")
    (corpus / "d-ignored.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    (repo / ".gitignore").write_text("d-ignored.txt\n", encoding="utf-8")
    git(repo, "rm", "-q", "corpus/001_f2e18ad958418c56.txt")
    code, report = check_json(repo, "corpus", "--since", start, capsys=capsys, monkeypatch=monkeypatch)
    assert ids(report) == [EFE, "a-committed.txt", "b-staged.txt", "sub/c-untracked.md"]
    assert code == 0
    assert git(repo, "status", "--porcelain").count("\n") >= 4, "the working tree is left as it was"


def test_changed_sidecar_brings_its_document(repo, capsys, monkeypatch):
    (repo / "corpus" / EFE.replace(".txt", ".meta.json")).write_text(json.dumps({"url": "https://www.efe.com/x"}),
                                                                      encoding="utf-8")
    _, report = check_json(repo, "corpus", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    assert ids(report) == [EFE]


def test_ids_match_a_full_run(repo, capsys, monkeypatch):
    (repo / "corpus" / "sub").mkdir()
    (repo / "corpus" / "sub" / "bridge.txt").write_text(CLEAN, encoding="utf-8")
    _, since = check_json(repo, "corpus", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    _, full = check_json(repo, "corpus", capsys=capsys, monkeypatch=monkeypatch)
    assert since["documents"] == [d for d in full["documents"] if d["id"] == "sub/bridge.txt"]


def test_a_template_of_the_corpus_counts_as_in_a_full_run(repo, capsys, monkeypatch):
    """The pre-pass counted the changed documents alone: the footer every page of the site carries was
    a template in the full run and none in the pull request's, which passed what the merge failed."""
    corpus = repo / "corpus" / "site"
    corpus.mkdir()
    for n in range(6):
        body = CLEAN.replace("Monday", f"day {n}").replace("harbour bridge", f"bridge number {n}")
        (corpus / f"story{n}.txt").write_text(f"{body}\nGet the Harbour Weekly newsletter every morning\n",
                                              encoding="utf-8")
        (corpus / f"story{n}.meta.json").write_text(json.dumps({"url": f"https://harbourweekly.example/{n}"}),
                                                    encoding="utf-8")
    git(repo, "add", "corpus")
    git(repo, "commit", "-q", "-m", "the site's stories")
    with (corpus / "story0.txt").open("a", encoding="utf-8") as handle:
        handle.write("A correction was added at the foot of the story.\n")
    for jobs in ("1", "2"):
        _, since = check_json(repo, "corpus", "--since", "HEAD", "--jobs", jobs, capsys=capsys, monkeypatch=monkeypatch)
        _, full = check_json(repo, "corpus", "--jobs", jobs, capsys=capsys, monkeypatch=monkeypatch)
        assert since["documents"] == [d for d in full["documents"] if d["id"] == "site/story0.txt"]
        assert "RS120" in {f["rule"] for f in since["documents"][0]["findings"]}


def test_changed_files_are_resolved_paths(repo):
    (repo / "corpus" / "new.txt").write_text("x", encoding="utf-8")
    assert changed_files([repo / "corpus"], "HEAD") == {(repo / "corpus" / "new.txt").resolve()}


@pytest.mark.parametrize("rev", ["0" * 40, "4b825dc642cb6eb9a060e54bf8d69288fbee4904"])
def test_the_all_zero_id_and_the_empty_tree_make_every_document_new(repo, capsys, monkeypatch, rev):
    """A branch's first push gives GitHub's ``before`` as forty zeros, and a first commit has no parent:
    both were refused as no commit, where every document is new."""
    _, since = check_json(repo, "corpus", "--since", rev, capsys=capsys, monkeypatch=monkeypatch)
    _, full = check_json(repo, "corpus", capsys=capsys, monkeypatch=monkeypatch)
    assert since["documents"] == full["documents"] and since["documents"]


@pytest.mark.parametrize("rev", ["no-such-branch", "HEAD~5", "0" * 12])
def test_unknown_revision_is_a_usage_error(repo, capsys, monkeypatch, rev):
    code, _, err = check(repo, "corpus", "--since", rev, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and rev in err and "not a commit" in err


def test_outside_a_repository_is_a_usage_error(tmp_path, capsys, monkeypatch):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text(CLEAN, encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = check(tmp_path, "plain", "--since", "HEAD", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "not inside a git repository" in err


def test_write_baseline_refuses_since(repo, capsys, monkeypatch):
    code, _, err = check(repo, "corpus", "--since", "HEAD", "--write-baseline", "b.json",
                         capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "--write-baseline" in err and not (repo / "b.json").exists()
