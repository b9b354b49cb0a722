"""What the corpus views show beyond the report's summary: how the overall scores spread over bands
of ten points, and the readable name of each rule. Both are read off the documents' reports."""

from __future__ import annotations

from provenance.report import CorpusReport

BANDS = [(low, low + 9) for low in range(0, 90, 10)] + [(90, 100)]


def score_bands(report: CorpusReport) -> list[tuple[str, int, int]]:
    """(label, highest whole score in the band, documents) for 0–9, 10–19, ... 90–100."""
    counts = [0] * len(BANDS)
    for doc in report.documents:
        counts[min(int(doc.scores.overall // 10), len(BANDS) - 1)] += 1
    return [(f"{low}–{high}", high, count) for (low, high), count in zip(BANDS, counts)]


def rule_names(report: CorpusReport) -> dict[str, str]:
    return {f.rule: f.name for doc in report.documents for f in doc.findings}
