"""Structural residue detectors, one small module each, registered by name in ``DETECTORS``.

A detector reads a ``Page`` (the document's non-blank lines with their features) and its thresholds
(``Params``, from the rule's ``params`` in ``rules/residue/*.toml``) and yields ``Decision``s. Those in
``AFTER_EVIDENCE`` run last, because they read what the other rules decided (``Page.decided``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from provenance.detectors import classifier, linescore, menus, repeated, separators, symbols, teasers, template
from provenance.detectors.page import Decision, Page, Params

DetectorFunction = Callable[[Page, Params], Iterator[Decision]]

DETECTORS: dict[str, DetectorFunction] = {
    "repeated-line": repeated.detect,
    "symbol-line": symbols.detect,
    "separator-row": separators.detect,
    "menu-run": menus.detect,
    "template-line": template.detect,
    "teaser-block": teasers.detect,
    "context-classifier": classifier.detect,
    "line-score": linescore.detect,
}

AFTER_EVIDENCE = frozenset({"teaser-block", "context-classifier", "line-score"})
