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
credits = ['(a+)+$']
source = "test"
'''


def test_catastrophic_credit_pattern_is_reported_not_hung(tmp_path):
    (tmp_path / "hostile.toml").write_text(PACK, encoding="utf-8")
    rules = load_rules(extra_dirs=[tmp_path])
    # The last line lets the pattern's RE2 prefilter through; the first makes it backtrack.
    doc = Document(id="d", path="d", text="a" * 5000 + "!\na\n")
    started = time.monotonic()
    report = check_document(doc, rules, Settings(regex_timeout=0.2))
    assert time.monotonic() - started < 20
    overran = [f.message for f in report.findings if f.rule == "RD002"]
    assert any("outlet datelines and credits" in m for m in overran)
