"""Renderers turn finished reports into text; they never decide anything about a document.

``CORPUS_RENDERERS`` maps a ``--format`` name to a function that renders a whole corpus report to
text; the console renderer writes to a rich Console instead, and JSON Lines streams (see
``commands/check.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import ClassVar

from provenance.report import CorpusReport

Renderer = Callable[[CorpusReport], str]


def whole(score: float) -> str:
    """A score (kept to one decimal) as a whole number, halves rounded up as a reader rounds them:
    ``f"{score:.0f}"`` rounds them to even, so 86.5 showed as 86 and 87.5 as 88."""
    return str(math.floor(score + 0.5))


class _Renderers(Mapping[str, Renderer]):
    """Format name -> renderer, whose module is imported when it is first asked for: a JSON Lines
    run, which lists the names as ``--format`` choices, never loads the HTML or SARIF code."""

    _WHERE: ClassVar[dict[str, tuple[str, str]]] = {
        "json": ("provenance.renderers.jsonout", "render_corpus"),
        "html": ("provenance.renderers.html", "render_html"),
        "sarif": ("provenance.renderers.sarif", "render_corpus"),
        "github": ("provenance.renderers.github", "render_corpus"),
    }

    def __getitem__(self, name: str) -> Renderer:
        module, function = self._WHERE[name]
        return getattr(import_module(module), function)

    def __iter__(self) -> Iterator[str]:
        return iter(self._WHERE)

    def __len__(self) -> int:
        return len(self._WHERE)


CORPUS_RENDERERS: Mapping[str, Renderer] = _Renderers()
