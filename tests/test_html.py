"""The HTML page: self-contained, deterministic, every document's text marked up, all text escaped."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from provenance import __version__
from provenance.overview import overview_of
from provenance.renderers import CORPUS_RENDERERS
from provenance.renderers.html import render_page
from provenance.report import Tool

from conftest import CORPUS, ROOT
from test_show import QUOTED, with_named_speaker

TOOL = Tool(version=__version__, rules_digest="d")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "report.html"
    result = subprocess.run([sys.executable, "-m", "provenance", "check", str(CORPUS), "--format", "html",
                             "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    return out.read_text(encoding="utf-8")


def test_registered_as_a_corpus_format():
    assert "html" in CORPUS_RENDERERS


def test_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc=|@import|url\(|https?://", page)
    assert page.count("<script>") == 1 and page.count("<style>") == 1


def test_every_seed_document_with_scores_text_and_findings(page, seed_reports):
    for doc in seed_reports.values():
        assert page.count(f">{doc.id}</a>") == 2  # corpus table row and the document's heading
        assert f'data-value="{doc.scores.overall:g}"' in page
        for f in doc.findings:
            assert f">{f.rule}</td>" in page
    assert "not available" not in page


def test_residue_lines_and_quotes_are_marked(page, seed_reports):
    residue = sum(len({n for f in d.findings if f.dimension == "residue" for n in range(f.line, f.end_line + 1)})
                  for d in seed_reports.values())
    assert page.count('class="line residue"') == residue
    quotes = sum(len(d.quotes) for d in seed_reports.values())
    assert page.count('<span class="who ') == quotes
    assert '<mark class="quote ' in page


def test_deterministic(page, seed_reports):
    view = overview_of(list(seed_reports.values()), 50)
    texts = {d.sha256: (CORPUS / d.id).read_text(encoding="utf-8") for d in seed_reports.values()}
    assert render_page(view, TOOL, texts) == render_page(view, TOOL, dict(reversed(texts.items())))


HOSTILE = ('<script>alert(1)</script>\n'
           '“<b onmouseover=alert(2)>We</b> mean it,” said <img src=x onerror=alert(3)> "quoted" & more.\n'
           '\x1b[31m</div></article><style>body{display:none}</style>\n')


def test_hostile_text_is_escaped(check):
    doc = check(HOSTILE)
    doc = doc.model_copy(update={"id": '"><script>alert(4)</script>'})
    page = render_page(overview_of([doc], 50), TOOL, {doc.sha256: HOSTILE})
    assert page.count("<script>") == 1 and page.count("<style>") == 1
    assert "<img" not in page and "<b " not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/div&gt;&lt;/article&gt;" in page
    assert page.count("<article") == page.count("</article>") == 1


def test_text_that_changed_since_the_check_is_said_missing(seed_reports):
    doc = next(iter(seed_reports.values()))
    page = render_page(overview_of([doc], 50), TOOL, {})
    assert "not available" in page


def test_quotes_carry_their_speaker_in_a_tooltip_and_a_label(check):
    doc = with_named_speaker(check(QUOTED), QUOTED)
    page = render_page(overview_of([doc], 50), TOOL, {doc.sha256: QUOTED})
    assert '<mark class="quote named" title="speaker: Jane Smith (named)">We will not give up,</mark>' in page
    assert '<span class="who named">Jane Smith (named)</span>' in page
    assert '<span class="speaker" title="speaker of the quotation on line 3">Jane Smith</span>' in page
