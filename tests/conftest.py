from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from hypothesis import settings as hypothesis_settings

from provenance.config import Settings
from provenance.document import Document
from provenance.pipeline import check_document
from provenance.rulepack import load_rules

ROOT = Path(__file__).resolve().parent.parent

# No result cache in tests (subprocesses inherit this): a test that patches the checker must see it run.
# tests/test_cache.py names its cache folders with --cache-dir.
os.environ["PROVENANCE_NO_CACHE"] = "1"
CORPUS = ROOT / "corpus"

# Property tests have no per-example deadline: a shared CI machine may be slow, and slow is not wrong.
# Under the "ci" profile (.ci/run sets HYPOTHESIS_PROFILE=ci) the examples follow from each test's
# name, so a CI run can be repeated exactly and never fails on a seed nobody can replay; elsewhere
# they stay random, to go on finding new cases.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (pyproject's ``addopts``): one test process per core this run may use, counted as
    ``provenance check`` counts them (``runner.available_cores``: the CPU affinity and a container's
    CPU quota), where xdist would count every core of a CI runner's host."""
    from provenance.runner import available_cores

    return available_cores()


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def check(rules):
    def _check(text: str, **meta):
        return check_document(Document(id="t", path="t", text=text, meta=meta), rules, Settings())
    return _check


@pytest.fixture(scope="session")
def schema():
    def _load(name: str) -> jsonschema.Draft202012Validator:
        data = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        return jsonschema.Draft202012Validator(data)
    return _load


@pytest.fixture(scope="session")
def seed_reports(rules):
    from provenance.sources import read_documents
    return {d.id: check_document(d, rules, Settings()) for d in read_documents([CORPUS])}
