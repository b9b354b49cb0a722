"""The quote index: who is quoted across a corpus, saying what, and where.

Built from finished document reports, one at a time, so any stream of reports can feed it. A
quotation is filed under the fullest name the report gives its speaker (the ``resolved`` name for a
pronoun or a short name, else the speaker as written); quotations without a speaker, and pronouns
that resolve to nobody, are listed apart rather than guessed at.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from provenance import __version__
from provenance.report import SCHEMA_VERSION, DocumentReport, QuoteKind, ReadError, Span, Tool


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexedQuote(_Model):
    """One quotation and where it appears."""

    document: str = Field(description="Id of the document it appears in")
    line: int = Field(ge=1)
    start: int = Field(ge=0, description="Offsets of the quoted words, inside the quote marks")
    end: int = Field(ge=0)
    text: str
    kind: QuoteKind
    speaker: Span | None = Field(description="The speaker as written beside this quotation")


class SpeakerEntry(_Model):
    name: str = Field(description="The fullest name the reports give this speaker")
    kinds: list[QuoteKind] = Field(description="Kinds of attribution of this speaker's quotations")
    documents: int = Field(ge=0, description="How many documents quote this speaker")
    quotations: list[IndexedQuote]


class QuoteIndex(_Model):
    schema_version: str = SCHEMA_VERSION
    tool: Tool
    documents: int = Field(ge=0)
    quotations: int = Field(ge=0)
    speakers: list[SpeakerEntry] = Field(description="Most quoted first, then by name")
    unattributed: list[IndexedQuote] = Field(description="Quotations with no speaker, or a pronoun resolving to nobody")
    errors: list[ReadError]


def speaker_name(speaker: Span | None, resolved: Span | None) -> str | None:
    """The name a quotation is filed under; None when nobody can be named."""
    if resolved is not None:
        return " ".join(resolved.text.split())
    return " ".join(speaker.text.split()) if speaker is not None else None


@dataclass
class QuoteIndexBuilder:
    rules_digest: str
    documents: int = 0
    by_key: dict[str, list[IndexedQuote]] = field(default_factory=dict)
    names: dict[str, Counter] = field(default_factory=dict)
    unattributed: list[IndexedQuote] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)

    def add(self, item: DocumentReport | ReadError) -> None:
        if isinstance(item, ReadError):
            self.errors.append(item)
            return
        self.documents += 1
        for q in item.quotes:
            entry = IndexedQuote(document=item.id, line=q.line, start=q.start, end=q.end, text=q.text,
                                 kind=q.kind, speaker=q.speaker)
            name = speaker_name(q.speaker, q.resolved)
            if name is None or (q.kind == "pronoun" and q.resolved is None):
                self.unattributed.append(entry)
                continue
            key = name.casefold()
            self.by_key.setdefault(key, []).append(entry)
            self.names.setdefault(key, Counter())[name] += 1

    def build(self) -> QuoteIndex:
        entries = [self._entry(key, quotes) for key, quotes in self.by_key.items()]
        entries.sort(key=lambda e: (-len(e.quotations), e.name.casefold(), e.name))
        total = sum(len(q) for q in self.by_key.values()) + len(self.unattributed)
        return QuoteIndex(tool=Tool(version=__version__, rules_digest=self.rules_digest), documents=self.documents,
                          quotations=total, speakers=entries, unattributed=self.unattributed, errors=self.errors)

    def _entry(self, key: str, quotes: list[IndexedQuote]) -> SpeakerEntry:
        name = sorted(self.names[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        kinds = sorted({q.kind for q in quotes})
        return SpeakerEntry(name=name, kinds=kinds, documents=len({q.document for q in quotes}), quotations=quotes)
