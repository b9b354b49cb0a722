"""An outlet profile's dateline and credit regexes are rule data too: a catastrophic one is bounded."""

from __future__ import annotations

import time

from provenance.config import Settings
from provenance.document import Document
from provenance.pipeline import check_document
from provenance.rulepack import load_rules

PACK = '''[pack]
name = "hostile-outlet"
description = "An outlet whose credit pattern backtracks catastrophically."

[[outlet]]
id = "hostile"
name = "Hostile Gazette"
credits = ['{credit}']
source = "test"
'''


def _overruns(tmp_path, credit: str) -> list[str]:
    (tmp_path / "hostile.toml").write_text(PACK.format(credit=credit), encoding="utf-8")
    rules = load_rules(extra_dirs=[tmp_path])
    doc = Document(id="d", path="d", text="a" * 5000 + "!\na\n")
    started = time.monotonic()
    report = check_document(doc, rules, Settings(regex_timeout=0.2))
    assert time.monotonic() - started < 20
    return [f.message for f in report.findings if f.rule == "RD002"]


def test_catastrophic_credit_pattern_is_reported_not_hung(tmp_path):
    # The pattern's RE2 copy, without the lookahead, lets it through and says it may match at each
    # of the first line's a's, where it backtracks.
    assert any("outlet datelines and credits" in m for m in _overruns(tmp_path, "(a+)+(?=b)"))


def test_a_credit_pattern_is_tried_only_where_its_copy_matches(tmp_path):
    # The copy of (a+)+$ matches on the last line alone: the first line's a's, where the pattern
    # would backtrack, are never tried.
    assert not any("outlet datelines and credits" in m for m in _overruns(tmp_path, "(a+)+$"))
