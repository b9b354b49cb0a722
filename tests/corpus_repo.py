"""A curator's corpus in a temporary git repository, and documents to add to it (written for these
tests: a page that is mostly scraping residue, and a clean article)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from provenance.cli import main

from conftest import CORPUS

GIT_ENV = {"GIT_AUTHOR_NAME": "Curator", "GIT_AUTHOR_EMAIL": "curator@example.org",
           "GIT_COMMITTER_NAME": "Curator", "GIT_COMMITTER_EMAIL": "curator@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

RESIDUE_HEAVY = """Home
News
Sport
Share on Facebook
Share on Twitter
Leave a Reply
Your email address will not be published. Required fields are marked *
Related posts:
Views: 0
Back to top button
Read more
Source link
The council met on Tuesday.
Related Articles
Please wait…
"""

CLEAN = """Harbour bridge reopens after eight months of repairs

By Maria Lindqvist

GOTHENBURG, March 4, 2024 - The city's harbour bridge reopened to traffic on Monday after eight months of \
repairs, the regional transport department said in a statement.

"We finished two weeks ahead of schedule and under budget," said Anders Berg, the department's chief \
engineer, at a news conference at the northern ramp.

Commuters had faced detours of up to forty minutes while the deck was replaced. Berg said the new surface \
should last at least thirty years with ordinary maintenance.

The city council approved the repair plan in 2022 after inspectors found corrosion in several steel \
girders. Council member Eva Holm said the reopening would ease traffic in the eastern districts.

"People have been patient, and we thank them for that," Holm said.
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV})
    return done.stdout


CURATOR_THRESHOLD = 60  # the republished tabloid seed (overall about 55) fails it; the other seeds pass


def make_repo(tmp_path: Path) -> Path:
    """A git repository holding the seed corpus under ``corpus/`` and the curator's threshold, committed."""
    repo = tmp_path / "curation"
    shutil.copytree(CORPUS, repo / "corpus")
    (repo / "pyproject.toml").write_text(f"[tool.provenance]\nthreshold = {CURATOR_THRESHOLD}\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "seed corpus")
    return repo


def check(repo: Path, *args: str, capsys, monkeypatch) -> tuple[int, str, str]:
    """``provenance check`` run in ``repo``: (exit code, stdout, stderr)."""
    monkeypatch.chdir(repo)
    capsys.readouterr()
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(repo: Path, *args: str, capsys, monkeypatch) -> tuple[int, dict]:
    code, out, _ = check(repo, *args, "--format", "json", capsys=capsys, monkeypatch=monkeypatch)
    return code, json.loads(out)


def site_sharing_a_footer(folder: Path) -> Path:
    """Six pages of one site sharing a footer, a template line of the corpus (RS120)."""
    folder.mkdir()
    for n in range(6):
        (folder / f"d{n}.txt").write_text(
            f"Headline number {n} about the harbour\n\nThe harbour authority said on Monday that ship number {n} "
            "had docked after a long voyage across the sea, carrying grain.\n\nGet the Harbour Weekly newsletter "
            "every single morning\n", encoding="utf-8")
        (folder / f"d{n}.meta.json").write_text(json.dumps({"url": f"https://harbourweekly.example/{n}"}),
                                                encoding="utf-8")
    return folder
