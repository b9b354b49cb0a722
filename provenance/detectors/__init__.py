"""Structural residue detectors, one small module each, registered by name in ``DETECTORS``.

A detector reads a ``Page`` (the document's non-blank lines with their features) and its thresholds
(``Params``, from the rule's ``params`` in ``rules/residue/*.toml``) and yields ``Decision``s. Those in
``AFTER_EVIDENCE`` run after the others, because they read what those decided (``Page.decided``);
those in ``AFTER_ALL`` run last and read every other rule's decisions. ``KEEPERS`` run first, after
the signatures: their runs are lines of the text that no detector may call residue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from provenance.detectors import beyond, classifier, linescore, lists, menus, repeated, separators, snippets
from provenance.detectors import symbols, teasers, template
from provenance.detectors.page import Decision, Page, Params

DetectorFunction = Callable[[Page, Params], Iterator[Decision]]

DETECTORS: dict[str, DetectorFunction] = {
    "repeated-line": repeated.detect,
    "snippet-copy": snippets.detect,
    "symbol-line": symbols.detect,
    "separator-row": separators.detect,
    "menu-run": menus.detect,
    "template-line": template.detect,
    "teaser-block": teasers.detect,
    "context-classifier": classifier.detect,
    "line-score": linescore.detect,
    "beyond-article": beyond.detect,
}

KEEPERS: dict[str, DetectorFunction] = {
    "introduced-list": lists.detect,
}

AFTER_EVIDENCE = frozenset({"teaser-block", "context-classifier", "line-score"})
AFTER_ALL = frozenset({"beyond-article"})
