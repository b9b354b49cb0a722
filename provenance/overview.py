"""What the console report and the HTML page show of a corpus, gathered as the reports stream past:
the summary, the spread of overall scores, the rules' names, and at most ``rows`` documents, gate
notes and errors. A run over millions of documents then holds a few dozen reports, not every one of
them, and a reviewer gets a page to read, not a table of a million rows.

Up to ``rows`` documents they list them all, in input order, as a small corpus always was; past
that, the ``rows`` worst: the failing ones first, then by overall score, ties in input order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from provenance.corpus import SummaryBuilder
from provenance.report import DocumentReport, GateNote, ReadError, Summary

BANDS = [(low, low + 9) for low in range(0, 90, 10)] + [(90, 100)]
DEFAULT_ROWS = 50
SHOWN_NOTES = ("warn", "baselined")  # the gate's notes a page lists (a block is the failure itself)


def band_of(overall: float) -> int:
    """The band of ten points an overall score falls in (floored: 59.9 is in 50–59, under a threshold of 60)."""
    return min(int(overall // 10), len(BANDS) - 1)


def labelled_bands(counts: list[int]) -> list[tuple[str, int, int]]:
    """(label, highest whole score in the band, documents) for 0–9, 10–19, ... 90–100."""
    return [(f"{low}–{high}", high, count) for (low, high), count in zip(BANDS, counts)]


@dataclass
class Overview:
    """A page's view of a corpus; ``more_*``: how many of each were left out past ``rows``."""

    summary: Summary
    bands: list[tuple[str, int, int]]
    rule_names: dict[str, str]
    documents: list[DocumentReport]
    worst_only: bool  # ``documents`` are the worst ones, not every one
    gate_notes: list[tuple[str, GateNote]]
    more_gate_notes: int
    errors: list[ReadError]
    more_errors: int

    @property
    def more_documents(self) -> int:
        return self.summary.documents - len(self.documents)

    @property
    def failing_not_shown(self) -> int:
        return self.summary.failed - sum(not doc.passed for doc in self.documents)


@dataclass
class OverviewBuilder:
    """An ``Overview`` built up one report at a time. ``rows`` 0: every document, note and error."""

    threshold: float
    rows: int = DEFAULT_ROWS
    summary: SummaryBuilder = field(init=False)
    band_counts: list[int] = field(default_factory=lambda: [0] * len(BANDS))
    names: dict[str, str] = field(default_factory=dict)
    kept: list[tuple[int, float, int, DocumentReport]] = field(default_factory=list)  # a heap, least bad on top
    gate_notes: list[tuple[str, GateNote]] = field(default_factory=list)
    more_gate_notes: int = 0
    errors: list[ReadError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.summary = SummaryBuilder(self.threshold)

    def add_all(self, items: Iterable[DocumentReport | ReadError]) -> OverviewBuilder:
        for item in items:
            self.add(item)
        return self

    def add(self, item: DocumentReport | ReadError) -> None:
        self.summary.add(item)
        if isinstance(item, ReadError):
            if self._room(len(self.errors)):
                self.errors.append(item)
            return
        self.band_counts[band_of(item.scores.overall)] += 1
        for f in item.findings:
            self.names.setdefault(f.rule, f.name)
        self._keep(item)
        self._note(item)

    def _room(self, held: int) -> bool:
        return not self.rows or held < self.rows

    def _keep(self, doc: DocumentReport) -> None:
        """``doc`` among the kept, and the least bad one dropped once more than ``rows`` are: keyed
        negated (passed, overall, order), so the heap's top is the one to drop."""
        heapq.heappush(self.kept, (-doc.passed, -doc.scores.overall, -self.summary.documents, doc))
        if not self._room(len(self.kept) - 1):
            heapq.heappop(self.kept)

    def _note(self, doc: DocumentReport) -> None:
        for note in doc.gate:
            if note.action not in SHOWN_NOTES:
                continue
            if self._room(len(self.gate_notes)):
                self.gate_notes.append((doc.id, note))
            else:
                self.more_gate_notes += 1

    def overview(self) -> Overview:
        summary = self.summary.summary()
        worst_only = len(self.kept) < summary.documents
        # input order while every document is kept; worst first once some were dropped
        key = (lambda k: (-k[0], -k[1], -k[2])) if worst_only else (lambda k: -k[2])
        documents = [k[3] for k in sorted(self.kept, key=key)]
        return Overview(summary, labelled_bands(self.band_counts), dict(sorted(self.names.items())), documents,
                        worst_only, self.gate_notes, self.more_gate_notes, self.errors,
                        summary.errors - len(self.errors))


def overview_of(items: Iterable[DocumentReport | ReadError], threshold: float, rows: int = DEFAULT_ROWS) -> Overview:
    return OverviewBuilder(threshold, rows).add_all(items).overview()
