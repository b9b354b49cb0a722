"""The corpus-level template signal: a line that recurs across many documents of one outlet is the
outlet's template (menus, footers, sign-up prompts), whatever its wording.

A pre-pass over the inputs counts, for every (group, line) pair, how many documents hold the line,
in a count-min sketch of fixed size (``width`` x ``depth`` counters, conservative update), so memory
does not grow with the corpus. Counts can only be overestimated, by collisions; the detector's
thresholds (``rules/residue/structure.toml``, the ``template-line`` detector) keep that from
mattering. A document's group is its ``outlet``, else the registrable domain of its ``url``, else
the whole corpus.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from collections import Counter
from collections.abc import Callable, Iterable

from provenance.config import Settings
from provenance.detectors.page import line_key
from provenance.document import Document
from provenance.outlets import registrable_domain
from provenance.rulemodels import Detector
from provenance.report import ReadError
from provenance.rulepack import RuleSet

CORPUS_GROUP = "(corpus)"
DETECTOR = "template-line"


def document_group(doc: Document) -> str:
    if doc.meta.get("outlet"):
        return "outlet:" + doc.meta["outlet"].casefold()
    domain = registrable_domain(doc.meta["url"]) if doc.meta.get("url") else None
    return "domain:" + domain if domain else CORPUS_GROUP


class TemplateCounts:
    """Documents per group, and a count-min sketch of documents per (group, line)."""

    def __init__(self, width: int, depth: int, min_chars: int):
        self.width, self.depth, self.min_chars = width, depth, min_chars
        self.table = array("I", bytes(4 * width * depth))
        self.group_docs: Counter[str] = Counter()

    def _cells(self, group: str, key: str) -> list[int]:
        digest = hashlib.blake2b(f"{group}\0{key}".encode("utf-8", "surrogatepass"), digest_size=8 * self.depth).digest()
        width = self.width  # one little-endian 64-bit hash per row picks the row's counter
        return [row * width + h % width for row, h in enumerate(struct.unpack(f"<{self.depth}Q", digest))]

    def _keys(self, doc: Document) -> set[str]:
        keys = (line_key(text) for text in doc.line_texts)
        return {k for k in keys if len(k) >= self.min_chars}

    def add(self, doc: Document) -> None:
        group = document_group(doc)
        self.group_docs[group] += 1
        table = self.table
        for key in self._keys(doc):
            cells = self._cells(group, key)
            values = [table[c] for c in cells]
            floor = min(values) + 1
            for c, value in zip(cells, values):  # conservative update: raise only the cells below the new estimate
                if value < floor:
                    table[c] = floor

    def documents_with(self, group: str, key: str) -> int:
        return min(self.table[c] for c in self._cells(group, key))

    def lookup_for(self, doc: Document) -> Callable[[str], tuple[int, int]]:
        """For one document: line key -> (documents of its group holding the line, documents in the group)."""
        group = document_group(doc)
        total = self.group_docs[group]
        return lambda key: (self.documents_with(group, key), total)


def template_rule(rules: RuleSet) -> Detector | None:
    found = [d for d in rules.detectors_named(DETECTOR) if d.dimension == "residue"]
    return found[0] if found else None


def count_templates(documents: Iterable[Document], rule: Detector) -> TemplateCounts:
    """The pre-pass: one streaming read of every document, sized by the rule's params."""
    params = rule.params
    counts = TemplateCounts(int(params["sketch_width"]), int(params["sketch_depth"]), int(params["min_chars"]))
    for doc in documents:
        counts.add(doc)
    return counts


def corpus_templates(items: Iterable[Document | ReadError], settings: Settings, rules: RuleSet,
                     flag: bool | None = None) -> TemplateCounts | None:
    """Counts from a pre-pass over the inputs (a fresh stream of what the run will check), or None
    when the setting, the ``--no-templates`` flag or the rules turn it off."""
    rule = template_rule(rules)
    if rule is None or not (settings.templates if flag is None else flag):
        return None
    return count_templates((d for d in items if isinstance(d, Document)), rule)
