"""The corpus-level template signal: a line that recurs across many documents of one outlet is the
outlet's template (menus, footers, sign-up prompts), whatever its wording.

A pre-pass over the inputs counts, for every (group, line) pair, how many documents hold the line
(of the lines the detector may look up: not those over its ``max_words``), in a count-min sketch of
fixed size (``width`` x ``depth`` counters, conservative update), so memory does not grow with the
corpus. A text met again in its group (the same page scraped twice, a mirror) counts once: copies
of one article are not many pages sharing a template, and counted, they made the article's own
headline and paragraphs template lines wherever it was copied often enough. Counts can only be
overestimated, by collisions; the detector's thresholds (``rules/residue/structure.toml``, the
``template-line`` detector) keep that from mattering. A document's group is its ``outlet``, else the registrable domain of its ``url``, else
the whole corpus.
"""

from __future__ import annotations

import hashlib
import re
import struct
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache

from provenance import accelerator
from provenance.config import Settings
from provenance.detectors.page import _KEY_WORD, Params, TemplateLookup, line_key
from provenance.detectors.template import templated, thresholds
from provenance.document import Document
from provenance.outlets import registrable_domain
from provenance.report import ReadError
from provenance.rulemodels import Detector
from provenance.rulepack import RuleSet

try:
    import mmap
except ImportError:  # CPython's WebAssembly builds have no mmap
    mmap = None

CORPUS_GROUP = "(corpus)"
_WORD_OPENING = re.compile(r"(?:^|(?<=[ \t\v\f\r]))[A-Za-z0-9]")
DETECTOR = "template-line"


def document_group(doc: Document) -> str:
    if doc.meta.get("outlet"):
        return "outlet:" + doc.meta["outlet"].casefold()
    domain = registrable_domain(doc.meta["url"]) if doc.meta.get("url") else None
    return "domain:" + domain if domain else CORPUS_GROUP


def group_kind(group: str) -> str:
    """What ``document_group`` grouped by: "outlet", "domain" or "corpus"."""
    return "corpus" if group == CORPUS_GROUP else group.partition(":")[0]


class TemplateCounts:
    """Documents per group, and a count-min sketch of documents per (group, line).

    The C accelerator (``_fastpage.template_add``, ``template_counts``), when it is there, keys, hashes
    and counts as the Python code here does, which stays the reference: the tables are the same."""

    def __init__(self, width: int, depth: int, min_chars: int, max_words: int | None = None, shared: bool = False):
        self.width, self.depth, self.min_chars, self.max_words = width, depth, min_chars, max_words
        self.table = zeroed_counters(width * depth, shared)
        self.group_docs: Counter[str] = Counter()

    def __getstate__(self) -> dict:
        """The table as bytes: a view of anonymous memory does not pickle (a pool's spawned workers
        and Ray's tasks take the counts pickled)."""
        return {**self.__dict__, "table": self.table.tobytes()}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.table = zeroed_counters(len(state["table"]) // 4)
        self.table[:] = memoryview(state["table"]).cast("I")

    def _accelerator(self):
        """``accelerator.fastpage`` (looked up on each use: tests switch it off), when it takes this sketch's
        shape: hashlib's BLAKE2b digests are at most 64 bytes, 8 rows."""
        return accelerator.fastpage if accelerator.fastpage is not None and self.width >= 1 and 1 <= self.depth <= 8 else None

    def _cells(self, group: str, key: str) -> list[int]:
        digest = hashlib.blake2b(_utf8(f"{group}\0{key}"), digest_size=8 * self.depth).digest()
        width = self.width  # one little-endian 64-bit hash per row picks the row's counter
        return [row * width + h % width for row, h in enumerate(struct.unpack(f"<{self.depth}Q", digest))]

    def _keys(self, doc: Document, min_chars: int, most: int | None) -> list[str]:
        """The document's distinct keys (of ``min_chars`` characters or more, of lines not over ``most``
        words), in the order of their first line: where two keys share a counter, the conservative
        update's result depends on their order, and a set's order would change with ``PYTHONHASHSEED``."""
        keys = (line_key(text) for text in doc.line_texts if most is None or not over_words(text, most))
        return list(dict.fromkeys(k for k in keys if len(k) >= min_chars))

    def add(self, doc: Document) -> None:
        group = document_group(doc)
        self.group_docs[group] += 1
        fast = self._accelerator()
        if fast is not None:
            fast.template_add(self.table, self.width, self.depth, self.min_chars,
                              -1 if self.max_words is None else self.max_words, _utf8(group), doc.text, line_key,
                              key_table(fast.KEY_TABLE_CHARS, fast.KEY_SLOT))
            return
        table = self.table
        for key in self._keys(doc, self.min_chars, self.max_words):
            cells = self._cells(group, key)
            values = [table[c] for c in cells]
            floor = min(values) + 1
            for c, value in zip(cells, values):  # conservative update: raise only the cells below the new estimate
                if value < floor:
                    table[c] = floor

    def holdings_of(self, doc: Document, min_chars: int, max_words: int | None) -> list[int]:
        """The counts of ``doc``'s distinct line keys of ``min_chars`` characters or more, of lines not
        over ``max_words`` words (under the sketch's own limits, the keys ``add`` counts), in the order
        of their first lines, the table only read: by the accelerator's ``template_holdings`` where it
        is there, else by ``counts``."""
        fast = self._accelerator()
        if fast is not None:
            return fast.template_holdings(self.table, self.width, self.depth, min_chars,
                                          -1 if max_words is None else max_words, _utf8(document_group(doc)),
                                          doc.text, line_key, key_table(fast.KEY_TABLE_CHARS, fast.KEY_SLOT))
        return self.counts(document_group(doc), self._keys(doc, min_chars, max_words))

    def counts(self, group: str, keys: list[str]) -> list[int]:
        """For each line key, the documents of ``group`` holding the line (an estimate never too low):
        a document's keys at once, in one call of the accelerator."""
        fast = self._accelerator()
        if fast is not None:
            return fast.template_counts(self.table, self.width, self.depth, _utf8(group), keys)
        table = self.table
        return [min(table[c] for c in self._cells(group, key)) for key in keys]

    def lookup_for(self, doc: Document) -> TemplateLookup:
        """For one document: its line keys -> (documents of its group holding each line, documents in
        the group, what the group is)."""
        group = document_group(doc)
        total, kind = self.group_docs[group], group_kind(group)
        return lambda keys: (self.counts(group, keys), total, kind)


def over_words(line: str, most: int) -> bool:
    """Whether ``line`` has more than ``most`` words for certain, by a count that never exceeds the
    template detector's (``page._WORD`` on the stripped line): an ASCII letter or digit opening the
    line or following an ASCII space, tab, vertical tab, form feed or carriage return opens a word. A
    line over the detector's ``max_words`` is never looked up, so the pre-pass leaves it out of the
    sketch: most of a text's bytes are in such lines (paragraphs), which cost the most to hash, and
    each key fewer in the sketch is a collision fewer for the keys looked up."""
    return len(_WORD_OPENING.findall(line)) > most


def zeroed_counters(count: int, shared: bool = False) -> memoryview:
    """``count`` unsigned 32-bit counters at zero, in anonymous memory, whose pages the system zeroes
    as they are first written: an ``array`` of zeros was written whole before the first document (the
    shipped sketch's 16 MB: 8 ms of a one-document run, in page faults and memory traffic more than in
    instructions), though a small run writes few of them. A private mapping, as an array's memory is:
    a forked process's counts stay its own; ``shared``, a process forked afterwards counts into this
    one's memory (``runner.run_templates``: the pre-pass's table then never crosses a pipe). Without
    ``mmap``, that array; where the system has no ``MAP_SHARED``, private."""
    if mmap is None:
        return memoryview(array("I", [0]) * count)
    flag = "MAP_SHARED" if shared else "MAP_PRIVATE"
    flags = {"flags": getattr(mmap, flag)} if hasattr(mmap, flag) else {}  # Windows': private already
    return memoryview(mmap.mmap(-1, 4 * max(count, 1), **flags)).cast("I")[:count]


@cache
def key_table(chars: int, slot: int) -> bytes:
    """What each character below ``chars`` adds to a line key, for the accelerator: ``line_key`` is
    the words (``\\w+``) of the case-folded line, and case-folding goes character by character, so a
    character adds its case-folded characters, a word character's in UTF-8, one that is not a word
    character as a byte that UTF-8 never has (0xFF). One slot of ``slot`` bytes per character: the
    length, then the bytes; a length of 0xFF when they do not fit (the accelerator then leaves the
    line to ``line_key``). Built once per process (about 2 ms)."""
    slots = []
    for c in range(chars):
        added = b"".join(f.encode() if _KEY_WORD.fullmatch(f) else b"\xff" for f in chr(c).casefold())
        slots.append(bytes([len(added)]) + added.ljust(slot - 1, b"\0") if len(added) < slot else b"\xff" * slot)
    return b"".join(slots)


def _utf8(text: str) -> bytes:
    """What BLAKE2b hashes of a group and key; a lone surrogate (from a JSON escape) passes as it is."""
    return text.encode("utf-8", "surrogatepass")


def template_rules(rules: RuleSet) -> list[Detector]:
    """The residue rules of the template detector: the first one sizes the pre-pass (``template_rule``)."""
    return [d for d in rules.detectors_named(DETECTOR) if d.dimension == "residue"]


def template_rule(rules: RuleSet) -> Detector | None:
    found = template_rules(rules)
    return found[0] if found else None


def empty_counts(rule: Detector, shared: bool = False) -> TemplateCounts:
    """The pre-pass's counts before any document, sized by the rule's params (``shared``: see
    ``zeroed_counters``)."""
    params = rule.params
    most = params.get("max_words")
    return TemplateCounts(int(params["sketch_width"]), int(params["sketch_depth"]), int(params["min_chars"]),
                          None if most is None else int(most), shared)


def count_templates(documents: Iterable[Document], rule: Detector,
                    counts: TemplateCounts | None = None) -> TemplateCounts:
    """The pre-pass: one streaming read of every document, into ``counts`` (new ones when None), each
    text once in its group (``CopyFilter``)."""
    counts = empty_counts(rule) if counts is None else counts
    copies = CopyFilter(Params(rule).int("copy_filter_bits"))
    for doc in documents:
        if copies.first(document_group(doc), doc.text):
            counts.add(doc)
    return counts


class CopyFilter:
    """Which (group, text) pairs the pre-pass has met, in a Bloom filter of fixed size (``bits``, four
    bits a text), so memory does not grow with the corpus. A text it wrongly takes for one met before
    is not counted, so its lines' counts are too low by one: a template line may then be missed, never
    a line of one article made one."""

    def __init__(self, bits: int):
        self.bits = max(8, bits)
        self.table = bytearray((self.bits + 7) // 8)

    def first(self, group: str, text: str) -> bool:
        """Whether ``text`` is met in ``group`` for the first time (then it is marked as met)."""
        hashed = hashlib.sha1(_utf8(group) + b"\0", usedforsecurity=False)  # the fastest here: 0.1 us a kB
        hashed.update(_utf8(text))
        new = False
        for (h,) in struct.iter_unpack("<I", hashed.digest()[:16]):
            byte, bit = divmod(h % self.bits, 8)
            if not self.table[byte] >> bit & 1:
                self.table[byte] |= 1 << bit
                new = True
        return new


def corpus_templates(items: Iterable[Document | ReadError], settings: Settings, rules: RuleSet,
                     flag: bool | None = None) -> TemplateCounts | None:
    """Counts from a pre-pass over the inputs (a fresh stream of what the run will check), or None
    when the setting, the ``--no-templates`` flag or the rules turn it off."""
    if not prepass_runs(settings, rules, flag):
        return None
    return count_templates((d for d in items if isinstance(d, Document)), template_rule(rules))


def answers_for(counts: TemplateCounts, rules: list[Detector]) -> Callable[[Document], str]:
    """For a document, what the corpus's counts tell the template detector's ``rules`` about it: for
    each rule, which of the document's lines are templates, each with the documents holding it; and
    the documents of its group; empty when no line is. A report depends on the rest of the corpus
    through this alone, so the result cache keys a document by it (``runner.open_cache``): a change
    elsewhere in the corpus leaves a document's report cached unless it changes which of the
    document's lines are templates or, where it has some, their counts. The keys read are those of
    the lines the widest of the rules' limits passes, which hold every key a rule looks up
    (``over_words`` never leaves out a line the detector would read)."""
    limits = [Params(rule).once(thresholds) for rule in rules]
    min_chars, max_words = min(limit[0] for limit in limits), max(limit[3] for limit in limits)

    def answers(doc: Document) -> str:
        holdings = counts.holdings_of(doc, min_chars, max_words)
        total = counts.group_docs[document_group(doc)]
        held = [templated(holdings, total, min_docs, min_share) for _, min_docs, min_share, _ in limits]
        return repr((total, [[(i, holdings[i]) for i in rule_held] for rule_held in held])) if any(held) else ""

    return answers


def prepass_runs(settings: Settings, rules: RuleSet, flag: bool | None = None) -> bool:
    """Whether a run counts templates before checking: a template rule is on, and neither the
    setting nor the ``--no-templates`` flag turns the pre-pass off. Such a run reads its corpus twice."""
    return template_rule(rules) is not None and (settings.templates if flag is None else flag)
