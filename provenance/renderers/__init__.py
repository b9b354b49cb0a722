"""Renderers turn finished reports into text; they never decide anything about a document.

``CORPUS_RENDERERS`` maps a ``--format`` name to a function that renders a whole corpus report to
text; the console renderer writes to a rich Console instead, and JSON Lines streams (see
``commands/check.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from provenance.renderers import github, sarif
from provenance.renderers.html import render_html
from provenance.renderers.jsonout import render_corpus
from provenance.report import CorpusReport

CORPUS_RENDERERS: dict[str, Callable[[CorpusReport], str]] = {
    "json": render_corpus,
    "html": render_html,
    "sarif": sarif.render_corpus,
    "github": github.render_corpus,
}
