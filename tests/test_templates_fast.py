"""The C accelerator of the template pre-pass (``template_add``, ``template_counts`` and ``blake2b`` in
``provenance/_fastpage.c``) fills the count-min sketch exactly as the pure-Python ``TemplateCounts``
does, which stays the reference: same hash, same counters, same values."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.detectors import page
from provenance.document import Document
from provenance import templates
from provenance.templates import TemplateCounts, key_table, zeroed_counters

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

needs_accelerator = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

# Characters whose case-folding is longer (ß, ŉ, ΐ, İ), marks, digits that are or are not word characters.
PIECES = ["Sign up for our newsletter", "Share this", "café", "CAFÉ", "Straße", "STRASSE", "ﬁle", "İstanbul", "东京",
          "ŉ", "ΐ", "ǰ", "\u0345", "Ωμέγα", "ПРИВЕТ", "שָׁלוֹם", "\u0301", "😀", "\ud800", "\udfff", "\x00", "x_y",
          "it’s", "it's", "—", "•", "\u00a0", "«»", "\t", "\r", " ", "  ", "", "-", "2024", "a", "Ⅻ", "٣", "²"]
CHARS = st.one_of(st.characters(max_codepoint=127), st.sampled_from(page._PLAIN_PUNCTUATION),
                  st.characters(max_codepoint=0x800), st.characters())
PIECE = st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=12))
LINE = st.lists(PIECE, max_size=6).map(" ".join)
SHARED = ["Get the morning briefing in your inbox", "Follow us on Twitter and Facebook", "café au lait, 3 €",
          "东京 news desk", "\ud83d broken pair \ude00", "", "   "]
# A document: lines of its own and lines other documents share, sometimes twice; with or without a final newline.
TEXT = st.tuples(st.lists(st.one_of(LINE, st.sampled_from(SHARED)), max_size=8), st.sampled_from(["", "\n", "\n\n"])) \
    .map(lambda parts: "\n".join(parts[0]) + parts[1])
OUTLETS = st.sampled_from([None, "Example Daily", "EXAMPLE DAILY", "Café Times", "bad\udc80name"])
DOCS = st.lists(st.tuples(TEXT, OUTLETS), max_size=8)


def _document(n: int, text: str, outlet: str | None) -> Document:
    return Document(id=f"d{n}", path=f"d{n}", text=text, meta={"outlet": outlet} if outlet else {})


def _counted(docs: list[Document], width: int, depth: int, min_chars: int, accelerated: bool,
             max_words: int | None = None) -> TemplateCounts:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accelerator, "fastpage", _fastpage if accelerated else None)
        counts = TemplateCounts(width, depth, min_chars, max_words)
        for doc in docs:
            counts.add(doc)
    return counts


@needs_accelerator
@settings(max_examples=200, deadline=None)
@given(docs=DOCS, width=st.one_of(st.integers(1, 8), st.integers(1, 5000)), depth=st.integers(1, 8),
       min_chars=st.integers(0, 16), max_words=st.one_of(st.none(), st.integers(0, 6)))
def test_accelerated_tables_equal_the_python_tables(docs, width, depth, min_chars, max_words):
    """The tables, the lookups, and ``holdings_of`` (the keys ``add`` counts, in their order) are the
    same in C as in Python."""
    documents = [_document(n, text, outlet) for n, (text, outlet) in enumerate(docs)]
    fast = _counted(documents, width, depth, min_chars, True, max_words)
    slow = _counted(documents, width, depth, min_chars, False, max_words)
    assert fast.table == slow.table
    assert fast.group_docs == slow.group_docs
    with pytest.MonkeyPatch.context() as patch:
        lookups = [(doc, [page.line_key(text) for text in doc.line_texts]) for doc in documents]
        patch.setattr(accelerator, "fastpage", _fastpage)
        fast_counts = [fast.lookup_for(doc)(keys) for doc, keys in lookups]
        patch.setattr(accelerator, "fastpage", None)
        assert fast_counts == [slow.lookup_for(doc)(keys) for doc, keys in lookups]
        patch.setattr(accelerator, "fastpage", _fastpage)
        fast_holdings = [fast.holdings_of(doc, min_chars, max_words) for doc in documents]
        patch.setattr(accelerator, "fastpage", None)
        assert fast_holdings == [slow.holdings_of(doc, min_chars, max_words) for doc in documents]
        assert fast_holdings == [slow.counts(templates.document_group(doc), slow._keys(doc, min_chars, max_words))
                                 for doc in documents]


@needs_accelerator
@settings(max_examples=1000, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), st.binary(min_size=120, max_size=140)), digest_size=st.integers(1, 64))
def test_blake2b_in_c_is_hashlibs(data, digest_size):
    """Messages around a block's 128 bytes among them: the last block is the final one, even when full."""
    assert _fastpage.blake2b(data, digest_size) == hashlib.blake2b(data, digest_size=digest_size).digest()


@needs_accelerator
def test_every_character_of_the_key_table_keys_as_line_key_does():
    """Each character the table holds, and the plain punctuation, within and between words, on a line
    of its own and beside an ASCII word: one group per character, so that a wrong key misses its counters."""
    chars = [chr(c) for c in range(_fastpage.KEY_TABLE_CHARS)] + list(page._PLAIN_PUNCTUATION)
    documents = [_document(n, f"Ab{ch}Cd {ch}{ch}x_{ch}\n{ch}\n{ch}ÉTÉ {ch}", f"o{n}") for n, ch in enumerate(chars)]
    assert _counted(documents, 1 << 16, 2, 0, True).table == _counted(documents, 1 << 16, 2, 0, False).table


@needs_accelerator
def test_a_document_counts_each_line_once_whatever_its_wording():
    """'Café' on a line that is not plain and 'CAFÉ' on another have one key: the document counts once."""
    counts = TemplateCounts(64, 4, 0)
    counts.add(_document(0, "Café news today\nCAFÉ NEWS TODAY\ncafé — news — today\n", None))
    assert counts.counts("(corpus)", ["café news today"])[0] == 1
    assert counts.counts("(corpus)", [""])[0] == 0  # the empty remainder after the last newline is no line


@needs_accelerator
def test_the_accelerator_refuses_what_is_not_a_sketch():
    table, keys = array("I", [0]) * 8, key_table(_fastpage.KEY_TABLE_CHARS, _fastpage.KEY_SLOT)
    with pytest.raises(ValueError):
        _fastpage.template_add(table, 4, 3, 1, -1, b"g", "text", page.line_key, keys)  # 12 counters in a table of 8
    with pytest.raises(ValueError):
        _fastpage.template_add(array("H", [0]) * 8, 4, 2, 1, -1, b"g", "text", page.line_key, keys)
    with pytest.raises(ValueError):
        _fastpage.template_add(table, 4, 2, 1, -1, b"g", "text", page.line_key, keys[:-1])
    with pytest.raises(ValueError):
        _fastpage.template_counts(table, 1, 9, b"g", ["text"])
    with pytest.raises(TypeError):
        _fastpage.template_counts(table, 4, 2, b"g", ["text", b"text"])
    with pytest.raises(TypeError):
        _fastpage.template_add(table, 4, 2, 1, -1, "g", "text", page.line_key, keys)
    with pytest.raises(TypeError):
        _fastpage.template_add(table, 4, 2, 1, -1, b"g", "caf\u00e9 \u5b57", lambda line: None, keys)
    with pytest.raises(ValueError):
        _fastpage.blake2b(b"", 65)
    assert table == array("I", [0]) * 8


@settings(max_examples=500, deadline=None)
@given(line=LINE, most=st.integers(0, 8))
def test_a_line_over_the_word_limit_has_more_words_for_the_detector(line, most):
    """The pre-pass leaves out a line ``over_words`` says is over the limit: the template detector,
    which looks up only lines of at most ``max_words`` words (``page.words_of`` on the stripped line),
    never asks for it."""
    if templates.over_words(line, most):
        assert len(page.words_of(line.strip())) > most


@pytest.mark.parametrize("accelerated", [False, True] if _fastpage is not None else [False])
def test_a_line_over_the_word_limit_is_not_counted(accelerated):
    """A paragraph shared by five documents is counted with no limit and left out with one; a
    line of as many words as the limit is counted either way: the letters after an apostrophe, a
    hyphen or a non-ASCII letter open no word, so "it's well-known café" is 3 words, as for the detector."""
    docs = [_document(n, f"Story {n}\none two three four five six\nit's well-known café\n", "Example")
            for n in range(5)]
    keys = ["one two three four five six", "it s well known café"]
    assert _counted(docs, 64, 4, 5, accelerated).counts("outlet:example", keys) == [5, 5]
    assert _counted(docs, 64, 4, 5, accelerated, max_words=5).counts("outlet:example", keys)[0] == 0
    assert _counted(docs, 64, 4, 5, accelerated, max_words=3).counts("outlet:example", keys)[1] == 5
    assert _counted(docs, 64, 4, 5, accelerated, max_words=2).counts("outlet:example", keys)[1] == 0


def test_the_python_path_stays_available(monkeypatch):
    monkeypatch.setattr(accelerator, "fastpage", None)
    counts = TemplateCounts(64, 4, 5)
    for n in range(3):
        counts.add(_document(n, f"Story {n}\nShared footer line\n", "Example"))
    assert counts.counts("outlet:example", ["shared footer line"])[0] == 3


def test_counts_pickle_with_their_table_and_groups():
    """A pool's spawned workers and Ray's tasks take the counts pickled: the table, a view of
    anonymous memory, goes as bytes and comes back a table the accelerator counts in."""
    counts = TemplateCounts(64, 4, 5)
    for n in range(3):
        counts.add(_document(n, f"Story {n}\nShared footer line\n", "Example"))
    copy = pickle.loads(pickle.dumps(counts))
    assert copy.table == counts.table and copy.table.format == "I" and copy.group_docs == counts.group_docs
    copy.add(_document(3, "Shared footer line\n", "Example"))
    assert copy.counts("outlet:example", ["shared footer line"]) == [4]
    assert counts.counts("outlet:example", ["shared footer line"]) == [3]


@pytest.mark.parametrize("mapped", [True, False])
def test_a_new_table_is_zeros_of_its_size(monkeypatch, mapped):
    if not mapped:  # a Python without mmap: an array's memory
        monkeypatch.setattr(templates, "mmap", None)
    assert zeroed_counters(5).tolist() == [0] * 5 and len(zeroed_counters(0)) == 0
    table = zeroed_counters(3)
    table[1] = 7
    assert table.format == "I" and table.tolist() == [0, 7, 0]
    assert len(TemplateCounts(1 << 20, 4, 5).table) == 1 << 22


@pytest.mark.skipif(not hasattr(os, "fork") or templates.mmap is None, reason="needs fork and mmap")
@pytest.mark.parametrize("shared", [True, False])
def test_a_forked_process_counts_into_a_shared_table_alone(shared):
    table = zeroed_counters(4, shared)
    child = os.fork()
    if child == 0:  # the child writes and leaves at once, whatever happens
        try:
            table[2] = 9
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert table.tolist() == ([0, 0, 9, 0] if shared else [0, 0, 0, 0])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pre-pass forks only where the system can")
def test_the_forked_pre_pass_gives_the_counts_of_the_inline_one(tmp_path):
    """Two jobs without a cache run the pre-pass in a forked process, into shared memory; its table
    and group totals are those the pre-pass run inline counts."""
    from provenance.cli import build_parser
    from provenance.config import Settings
    from provenance.rulepack import load_rules
    from provenance.runner import run_templates

    lines = [json.dumps({"id": str(n), "text": f"Story {n} here.\nShare this article\nRelated posts:\n",
                         "outlet": "Example" if n % 2 else ""}) for n in range(40)]
    (tmp_path / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules, settings = load_rules(), Settings()
    counted = {}
    for jobs in ("1", "2"):
        args = build_parser().parse_args(["check", str(tmp_path), "--jobs", jobs, "--no-cache"])
        counted[jobs] = run_templates(args, settings, rules)
    assert bytes(counted["2"].table) == bytes(counted["1"].table) and any(counted["1"].table)
    assert counted["2"].group_docs == counted["1"].group_docs == {"outlet:example": 20, "(corpus)": 20}


@settings(max_examples=300, deadline=None)
@given(text=TEXT, max_words=st.integers(0, 30), min_chars=st.integers(0, 16))
def test_every_key_the_detector_looks_up_is_one_the_pre_pass_counts(text, max_words, min_chars):
    """The result cache keys a document by the counts of the pre-pass's keys of it
    (``templates.answers_for``): the template detector must never look up a key outside them."""
    doc = _document(0, text, None)
    looked_up = {line.key for line in page.build_page(doc, {}, None).lines
                 if len(line.key) >= min_chars and line.words <= max_words}
    assert looked_up <= set(TemplateCounts(8, 1, min_chars, max_words)._keys(doc, min_chars, max_words))
