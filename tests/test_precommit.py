"""The real pre-commit framework, pointed at this repository, runs the provenance-check hook on the
staged corpus files of a curator's repository.

pre-commit installs a hook from a commit of a repository, so the hook is taken from a commit of
this checkout's working tree (tracked and untracked files that git does not ignore), made in a
temporary repository, and the curator's configuration is the README's example; the hook's environment is installed once per session (PRE_COMMIT_HOME in a
temporary folder).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT
from corpus_repo import GIT_ENV, RESIDUE_HEAVY, git

SEED = "000_b80e25abf9b4de4d.txt"


def _snapshot(target: Path) -> str:
    """Commit this checkout's working tree into a new repository at ``target``; returns the commit."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot of the provenance checkout")
    return git(target, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory) -> tuple[Path, str, Path]:
    """(repository, commit, PRE_COMMIT_HOME) shared by the tests of a session."""
    source = tmp_path_factory.mktemp("provenance-src")
    return source, _snapshot(source), tmp_path_factory.mktemp("pre-commit-home")


def readme_config(repo: Path, rev: str) -> str:
    """The README's ``.pre-commit-config.yaml`` example, pointed at ``repo`` and ``rev``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"^### pre-commit\n.*?```yaml\n(.*?)```", readme, flags=re.S | re.M).group(1)
    example = re.sub(r"(?m)^(\s+- repo: )\S+", lambda m: f"{m.group(1)}{repo}", example)
    return re.sub(r"(?m)^(\s+rev: )\S+", lambda m: f"{m.group(1)}{rev}", example)


def _curator_repo(tmp_path: Path, repo: Path, rev: str) -> Path:
    curation = tmp_path / "curation"
    shutil.copytree(CORPUS, curation / "corpus", ignore=shutil.ignore_patterns(SEED))
    (curation / ".pre-commit-config.yaml").write_text(readme_config(repo, rev), encoding="utf-8")
    git(curation, "init", "-q", "-b", "main")
    git(curation, "add", "-A")
    git(curation, "commit", "-q", "-m", "corpus without one seed")
    return curation


def _pre_commit(curation: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never"], cwd=curation,
                          capture_output=True, text=True, env=env, timeout=600)


def test_hook_passes_on_a_staged_seed_and_fails_on_a_residue_heavy_page(tmp_path, hook_source):
    repo, rev, home = hook_source
    curation = _curator_repo(tmp_path, repo, rev)
    shutil.copy2(CORPUS / SEED, curation / "corpus" / SEED)
    (curation / "corpus" / ".gitkeep").write_text("", encoding="utf-8")  # not a document: never handed to check
    (curation / "corpus" / "index.csv").write_text("id,title\n", encoding="utf-8")
    git(curation, "add", f"corpus/{SEED}", "corpus/.gitkeep", "corpus/index.csv")
    passed = _pre_commit(curation, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "provenance check" in passed.stdout and "Passed" in passed.stdout

    git(curation, "commit", "-q", "--no-verify", "-m", "add the seed")
    (curation / "corpus" / "scraped-menu.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    git(curation, "add", "corpus/scraped-menu.txt")
    failed = _pre_commit(curation, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "scraped-menu.txt" in failed.stdout
    assert SEED not in failed.stdout, "only the staged file is checked"


def test_hook_skips_when_no_corpus_file_is_staged(tmp_path, hook_source):
    repo, rev, home = hook_source
    curation = _curator_repo(tmp_path, repo, rev)
    (curation / "notes.txt").write_text(RESIDUE_HEAVY, encoding="utf-8")
    git(curation, "add", "notes.txt")
    done = _pre_commit(curation, home)
    assert done.returncode == 0 and "no files to check" in done.stdout.lower()
