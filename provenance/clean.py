"""Cleaning: the text without its residue lines, and a map of what was removed and why.

Removing lines changes the neighbours and runs the detectors see, so a line can only be judged
residue once the lines around it are gone. Cleaning therefore repeats the residue analysis until it
finds nothing more (each round removes at least one line, so it ends); the result has no residue
left, and cleaning it again changes nothing. Line numbers in the map are those of the input text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import chain, islice

from pydantic import BaseModel, ConfigDict, Field

from provenance import runner
from provenance.analyzers import Context, collect_hits, residue
from provenance.config import Settings
from provenance.document import Document
from provenance.report import ReadError, Tool
from provenance.rulepack import RuleSet
from provenance.templates import TemplateCounts


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RemovedLine(_Model):
    line: int = Field(ge=1, description="Line number in the input text, 1-based")
    text: str
    rule: str = Field(description="Id of the rule that decided, e.g. RS020")
    message: str = Field(description="Why, with the features that decided")
    round: int = Field(1, ge=1, description="Cleaning round that removed it (later rounds see the text without earlier residue)")


class CleanedDocument(_Model):
    id: str
    source: str = Field(description="The input file")
    record: int | None = Field(None, ge=1, description="Line of the record in a .jsonl input")
    output: str = Field(description="The cleaned file it was written to")
    removed: list[RemovedLine] = Field(default_factory=list)
    chars_before: int
    chars_after: int


class CleanMap(_Model):
    """What `provenance clean` removed from each document, and why."""

    tool: Tool
    documents: list[CleanedDocument] = Field(default_factory=list)
    errors: list[ReadError] = Field(default_factory=list)


@dataclass(frozen=True)
class Cleaned:
    text: str
    removed: list[RemovedLine]


def _residue_round(doc: Document, rules: RuleSet, settings: Settings, templates: TemplateCounts | None):
    hits, overruns = collect_hits(doc, rules, settings.regex_timeout)
    ctx = Context(doc=doc, rules=rules, hits=hits, overruns=overruns, templates=templates)
    return residue.analyze(ctx).findings


def clean_document(doc: Document, rules: RuleSet, settings: Settings,
                   templates: TemplateCounts | None = None) -> Cleaned:
    """The document without residue lines, cleaned to a fixed point."""
    numbers = [line.number for line in doc.lines]  # input line number of each current line
    current = doc
    removed: list[RemovedLine] = []
    for round_number in range(1, len(numbers) + 1):
        findings = _residue_round(current, rules, settings, templates)
        if not findings:
            break
        drop: dict[int, tuple[str, str]] = {}
        for f in findings:
            for n in range(f.line, f.end_line + 1):
                drop.setdefault(n, (f.rule, f.message))
        removed += [RemovedLine(line=numbers[n - 1], text=current.lines[n - 1].text, rule=rule, message=message,
                                round=round_number)
                    for n, (rule, message) in sorted(drop.items()) if current.lines[n - 1].text.strip()]
        kept = [line for line in current.lines if line.number not in drop]
        numbers = [numbers[line.number - 1] for line in kept]
        text = "\n".join(line.text for line in kept) + ("\n" if current.text.endswith("\n") and kept else "")
        current = Document(id=doc.id, path=doc.path, text=text, meta=doc.meta)
    return Cleaned(current.text, sorted(removed, key=lambda r: r.line))


def cleaned_in_order(docs: Iterable[Document], rules: RuleSet, settings: Settings, templates: TemplateCounts | None,
                     jobs: int) -> Iterator[tuple[str, Cleaned]]:
    """Each document's id and ``clean_document``, in input order: on ``jobs`` worker processes (the
    runner's, sharing the rules), which clean the next few chunks while the caller writes; here where
    there is one job or one chunk (a pool would start slower than one chunk is cleaned)."""
    chunks = runner.chunks_of(docs)
    head = list(islice(chunks, 2))
    if jobs == 1 or len(head) < 2:
        yield from ((doc.id, clean_document(doc, rules, settings, templates)) for chunk in chain(head, chunks)
                    for doc in chunk)
        return
    pool = runner.worker_pool(settings, rules, templates, jobs)
    try:
        pending: deque[Future] = deque()
        for chunk in chain(head, chunks):
            pending.append(pool.submit(clean_chunk, settings, chunk))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        runner.stop_pool(pool, cancel_futures=True)


def clean_chunk(settings: Settings, docs: list[Document]) -> list[tuple[str, Cleaned]]:
    """A worker's ``clean_document`` of each document, with its id."""
    rules, templates = runner.rules_for(settings), runner.worker_templates()
    return [(doc.id, clean_document(doc, rules, settings, templates)) for doc in docs]
