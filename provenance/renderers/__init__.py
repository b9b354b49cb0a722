"""Renderers turn finished reports into text; they never decide anything about a document.

``CORPUS_RENDERERS`` maps a ``--format`` name to a function that renders a whole corpus to text,
from what that format's ``outputs.Output`` gathered: the corpus report (JSON, SARIF, GitHub) or the
``Overview`` (HTML); the console renderer writes to a rich Console instead, and JSON Lines streams
(see ``commands/check.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import ClassVar

from provenance.overview import Overview

Renderer = Callable[..., str]


def whole(score: float) -> str:
    """A score (kept to one decimal) as a whole number, halves rounded up as a reader rounds them:
    ``f"{score:.0f}"`` rounds them to even, so 86.5 showed as 86 and 87.5 as 88."""
    return str(math.floor(score + 0.5))


def documents_title(view: Overview) -> str:
    """The title of the documents' table: what it lists of the corpus."""
    if not view.worst_only:
        return "Documents"
    shown, whole_corpus = len(view.documents), view.summary.documents
    return f"Documents: the {shown:,} worst of {whole_corpus:,} (failing first, then lowest overall)"


def more_text(count: int, what: str, jsonl_gives: str) -> str:
    """Where a list stopped at ``--rows``: how many it left out, and where to find them."""
    return f"… {count:,} {what}: --rows 0 lists every one; --format jsonl {jsonl_gives}"


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
