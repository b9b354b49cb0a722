"""The corpus summary, built up one document at a time so a stream needs no second pass."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from provenance import __version__
from provenance.report import CorpusReport, DocumentReport, ReadError, Summary, Tool

DIMENSIONS = ("provenance", "attribution", "residue", "overall")


def outlet_key(report: DocumentReport) -> str:
    if report.outlet is None:
        return "unknown"
    return report.outlet.id or report.outlet.domain or "unknown"


@dataclass
class SummaryBuilder:
    threshold: float
    documents: int = 0
    passed: int = 0
    errors: int = 0
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))
    rules: Counter = field(default_factory=Counter)
    outlets: Counter = field(default_factory=Counter)

    def add(self, item: DocumentReport | ReadError) -> None:
        if isinstance(item, ReadError):
            self.errors += 1
            return
        self.documents += 1
        self.passed += item.passed
        for dim in DIMENSIONS:
            value = getattr(item.scores, dim)
            if value is not None:
                self.sums[dim] += value
                self.counts[dim] += 1
        self.rules.update(f.rule for f in item.findings)
        self.outlets[outlet_key(item)] += 1

    @property
    def exit_code(self) -> int:
        """0 when every input was read and every document passed, 1 otherwise: every format's."""
        return 0 if self.passed == self.documents and not self.errors else 1

    def summary(self) -> Summary:
        means = {d: (round(self.sums[d] / self.counts[d], 1) if self.counts[d] else None) for d in DIMENSIONS}
        return Summary(
            documents=self.documents, passed=self.passed, failed=self.documents - self.passed, errors=self.errors,
            threshold=self.threshold, mean_scores=means,
            rules=dict(sorted(self.rules.items())), outlets=dict(sorted(self.outlets.items())),
        )


def corpus_report(items: list[DocumentReport | ReadError], threshold: float, rules_digest: str) -> CorpusReport:
    builder = SummaryBuilder(threshold)
    for item in items:
        builder.add(item)
    return CorpusReport(
        tool=Tool(version=__version__, rules_digest=rules_digest),
        summary=builder.summary(),
        documents=[i for i in items if isinstance(i, DocumentReport)],
        errors=[i for i in items if isinstance(i, ReadError)],
    )
