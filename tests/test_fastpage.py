"""The C accelerator of ``build_page`` (``provenance/_fastpage.c``) gives the pages of the pure-Python
code, which stays the reference; both paths stay tested, and CI builds the accelerator."""

from __future__ import annotations

import os
import shlex
import shutil
import sysconfig
from itertools import product
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import accelerator
from provenance.detectors import beyond, linescore, page
from provenance.document import Document, Line

try:
    from provenance import _fastpage
except ImportError:
    _fastpage = None

needs_accelerator = pytest.mark.skipif(_fastpage is None, reason="the C accelerator is not built")

STOPLISTS = {"en": frozenset({"the", "and", "of", "said", "it’s", "it's", "a"}),
             "fr": frozenset({"le", "et", "a", "à", "où", "ÿes"}),
             "de": frozenset({"und", "straße", "der", "für", "über"}),
             "pt": frozenset({"a", "não", "é"}), "cs": frozenset({"a", "že", "při"})}
PIECES = ["The", "the", "THE", "and", "said", "It’s", "it's", "Le", "et", "a", "A", "und", "der", "Straße", "café",
          "à", "À", "Où", "für", "FÜR", "Über", "é", "É", "ÿ", "×", "÷", "µ", "ª", "º", "¿", "§", "\xad",
          "非", "东京", "ﬁle", "İ", "٣", "²", "\u0301", "😀", "x_y", "_x", "-", "--", "'", "’", "‘", "“", "”", "—", "–",
          "…", "•", "·", "«", "»", "›", "‹", "│", "©", "®", "™", "€", "£", "°", "′", "″", "\u00a0", "|", "/", "*",
          "▪", "►", "1.", "2)", "123.", "1234)", "2024", "3rd", ".", "!", "?", ":", ";", ")", "]", '"', "",
          "Že", "při", "ČESKÝ", "Žluťoučký", "kůň", "Ÿes", "ŉ", "ſ", "ĸ", "ı", "Москва", "ЁЖ", "ひらがな", "カタカナー",
          "中文。", "（注）", "、", "「引用」", "【】", "！", "？", "ー", "Ελλάδα", "ΟΔΟΣ", "ς", "ΐ", "½", "¹",
          " ", "  ", "\t", "\n", "\n\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u2028", "\u3000", "。"]
CHARS = st.one_of(st.characters(max_codepoint=127), st.sampled_from(page._PLAIN_PUNCTUATION),
                  st.characters(max_codepoint=0x3000))
PIECE = st.one_of(st.sampled_from(PIECES), st.text(CHARS, max_size=8))
GAP = st.sampled_from(["", " ", " ", " ", "\u00a0", "\t"])
TEXT = st.lists(st.tuples(PIECE, GAP), max_size=60).map(lambda parts: "".join(p + gap for p, gap in parts))


def built(text: str, stoplists: dict, accelerated: bool) -> tuple:
    with pytest.MonkeyPatch.context() as patch:
        if not accelerated:
            patch.setattr(accelerator, "fastpage", None)
        result = page.build_page(Document(id="d", path="d", text=text), stoplists)
    return result.language, result.stopwords, [tuple(getattr(line, f) for f in line.__slots__) for line in result.lines]


@needs_accelerator
@settings(max_examples=1500, deadline=None)
@given(text=TEXT, languages=st.sets(st.sampled_from(sorted(STOPLISTS))))
def test_accelerated_pages_equal_the_python_pages(text, languages):
    stoplists = {language: STOPLISTS[language] for language in languages}
    fast, slow = built(text, stoplists, True), built(text, stoplists, False)
    assert fast == slow
    assert [type(v) for line in fast[2] for v in line] == [type(v) for line in slow[2] for v in line]


LATIN1_PIECE = st.one_of(st.sampled_from([p for p in PIECES if p.isascii() or max(map(ord, p)) <= 0xFF]),
                        st.text(st.characters(max_codepoint=0xFF), max_size=8))
LATIN1_TEXT = st.lists(st.tuples(LATIN1_PIECE, GAP), max_size=60).map(lambda parts: "".join(p + g for p, g in parts))


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(text=LATIN1_TEXT, languages=st.sets(st.sampled_from(sorted(STOPLISTS))))
def test_one_byte_lines_are_read_as_the_python_code_reads_them(text, languages):
    """Lines of ASCII and Latin-1 only are str of one byte a character, which the accelerator reads
    directly; TEXT's lines rarely are."""
    stoplists = {language: STOPLISTS[language] for language in languages}
    assert built(text, stoplists, True) == built(text, stoplists, False)


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(texts=st.lists(TEXT.map(str.strip), max_size=4), languages=st.sets(st.sampled_from(sorted(STOPLISTS))))
def test_a_page_reads_other_texts_as_the_python_code_does(texts, languages):
    """``Page.infos`` (the classifier's joined paragraphs) with the page's stop list, by the accelerator."""
    stoplists = {language: STOPLISTS[language] for language in languages}
    built = page.build_page(Document(id="d", path="d", text="The cat and the dog, le chat et le chien."), stoplists)
    numbered = [(n, text) for n, text in enumerate(texts, start=1) if text]
    expected = [page.line_info(n, text, built.stopwords) for n, text in numbered]
    assert [tuple(getattr(x, f) for f in x.__slots__) for x in built.infos(numbered)] == \
        [tuple(getattr(x, f) for f in x.__slots__) for x in expected]


ASCII_RUN = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), max_size=40)
RUN_BREAK = st.sampled_from(["", " ", "  ", "\n", "\n\n", "é", "É", "ß", "ÿ", "’", "'", "-", "_", "1", "²", ".", "Ж",
                             "ŉ", "非", "×", "\u00a0", "😀"])
STOP_WORD = st.sampled_from(sorted(set().union(*STOPLISTS.values()))).flatmap(
    lambda word: st.sampled_from([word, word.upper(), word.title()]))
RUNS_TEXT = st.lists(st.tuples(st.one_of(ASCII_RUN, STOP_WORD), RUN_BREAK), max_size=30).map(
    lambda parts: "".join(run + gap for run, gap in parts))


@needs_accelerator
@settings(max_examples=800, deadline=None)
@given(text=RUNS_TEXT, languages=st.sets(st.sampled_from(sorted(STOPLISTS))))
def test_runs_of_ascii_letters_are_read_as_the_python_code_reads_them(text, languages):
    """scan_chars reads a word's run of ASCII letters by a loop of its own (ascii_letters): runs longer
    than any stop word, stop words in any case, runs broken by a letter past ASCII, ’, ' or -, in lines
    of one byte a character and of two, and empty lines."""
    stoplists = {language: STOPLISTS[language] for language in languages}
    assert built(text, stoplists, True) == built(text, stoplists, False)


# Characters a plain line may hold when the stop table holds every stop word (the C code's EXTENDED
# and wide_class): Latin-1's other symbols, controls and numbers, letters whose case fold is their lower
# case, ideographs and kana, CJK punctuation.
WIDE = ([c for c in map(chr, range(0x80, 0xC0)) if c not in "\x85\xa0µ" + page._PLAIN_PUNCTUATION] + ["×", "÷"]
        + [c for c in map(chr, range(0x100, 0x180)) if c not in "İŉſ"] + [*map(chr, range(0x400, 0x460))]
        + [c for c in map(chr, range(0x386, 0x3CF)) if c not in "\u0387\u038b\u038d\u03a2ΐΰς"]
        + [*map(chr, range(0x4E00, 0xA000))] + [*map(chr, range(0x3041, 0x3097))] + [*map(chr, range(0x30A1, 0x30FB))]
        + ["ー", "、", "。", "〃", *map(chr, range(0x3008, 0x3012)), "！", "（", "）", "，", "：", "；", "？"])


def _one_latin1_letter(char: str) -> bool:
    """A Latin-1 letter past the ASCII and Latin-1 punctuation whose case fold is one Latin-1 letter."""
    fold = char.casefold()
    return "\u00c0" <= char <= "\u00ff" and char.isalpha() and len(fold) == 1 and fold <= "\u00ff"


@needs_accelerator
def test_the_accelerator_reads_plain_lines_and_latin1_letters():
    """Its list of plain punctuation is page._PLAIN_PUNCTUATION, and it reads the Latin-1 letters that
    case-fold to one Latin-1 letter, checked on every character of the BMP."""
    texts = [f"a{chr(c)}b" for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    wide = set(WIDE)
    for table, wide_lines in ((_fastpage.stop_table({}, 0), True), (_fastpage.stop_table({"že": 1}, 1), False),
                              (_fastpage.stop_table({"daß": 1}, 1), False)):
        _, _, others = _fastpage.plain_scan(texts, table)
        others = set(others)
        assert [i not in others for i in range(len(texts))] == [
            page.plain(text) or _one_latin1_letter(text[1]) or (wide_lines and text[1] in wide) for text in texts]


@needs_accelerator
def test_the_accelerator_reads_each_wide_character_as_the_python_code_does():
    """Every character ``WIDE`` names, alone, first in a word, inside one and beside a plain word."""
    shapes = ("{c}", "{c}{c}x Ab", "A{c}b {c}", "The {c}. 1) {c}", "| {c} | x")
    for start in range(0, len(WIDE), 2000):
        text = "\n".join(shape.format(c=c) for c in WIDE[start:start + 2000] for shape in shapes)
        assert _fastpage.plain_scan(text.split("\n"), _fastpage.stop_table({"the": 1}, 1))[2] == []
        for languages in ({}, {"en": STOPLISTS["en"]}, {"fr": STOPLISTS["fr"], "pt": STOPLISTS["pt"]}):
            assert built(text, languages, True) == built(text, languages, False)


def test_the_python_path_stays_available(monkeypatch):
    monkeypatch.setattr(accelerator, "fastpage", None)
    built = page.build_page(Document(id="d", path="d", text="The cat and the dog.\n\nle chat"), STOPLISTS)
    assert built.language == "en" and [line.words for line in built.lines] == [5, 2]


def test_pure_python_is_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("PROVENANCE_PURE_PYTHON", "1")
    assert accelerator.load() is None


def test_the_accelerator_is_built_where_a_compiler_is():
    """CI installs the package with a C compiler and Python's headers at hand: there, the accelerator
    must be in use. (Where either is missing, the install warns and the pure-Python code runs.)"""
    compiler = shlex.split(sysconfig.get_config_var("CC") or "")
    if not compiler or shutil.which(compiler[0]) is None:
        pytest.skip("no C compiler")
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        pytest.skip("no Python headers")
    if os.environ.get("PROVENANCE_PURE_PYTHON"):
        pytest.skip("PROVENANCE_PURE_PYTHON asks for the pure-Python path")
    assert _fastpage is not None, ("a C compiler is available, but provenance/_fastpage.c was not built: "
                                   "pip install -e . (or python hatch_build.py) builds it")
    assert accelerator.load() is not None, ("provenance/_fastpage.c changed since its module was built: "
                                             "pip install -e . (or python hatch_build.py) rebuilds it")


@needs_accelerator
def test_a_module_built_from_another_source_is_not_used(monkeypatch):
    monkeypatch.setattr(_fastpage, "SOURCE_DIGEST", "0" * 64)
    assert accelerator.load() is None


@needs_accelerator
def test_the_accelerator_takes_only_lists_of_str_and_its_stop_tables():
    table = _fastpage.stop_table({}, 0)
    with pytest.raises(TypeError):
        _fastpage.plain_scan(["a", b"b"], table)
    with pytest.raises(TypeError):
        _fastpage.plain_scan(("a",), table)
    with pytest.raises(ValueError):
        _fastpage.plain_scan(["a"], {})
    with pytest.raises(TypeError):
        _fastpage.stop_table([], 0)
    with pytest.raises(TypeError):
        _fastpage.stop_table({b"the": 1}, 1)
    with pytest.raises(ValueError):
        _fastpage.stop_table({}, _fastpage.MAX_LANGUAGES + 1)
    with pytest.raises(OverflowError):
        _fastpage.stop_table({"the": -1}, 1)


@needs_accelerator
def test_more_stop_lists_than_the_accelerator_counts_go_to_python():
    stoplists = {f"l{i:02}": frozenset({"the"}) for i in range(_fastpage.MAX_LANGUAGES + 1)}
    built = page.build_page(Document(id="d", path="d", text="the cat"), stoplists)
    assert built.language == "l00" and built.lines[0].stop_share == 0.5


@needs_accelerator
def test_separators_are_counted_as_the_pattern_counts_them():
    """Every string of up to five characters from the ones ``_SEPARATOR`` reads (and some it does not)."""
    alphabet = ["|", "/", "•", "·", "»", "›", " ", "\u00a0", "\t", "\n", "a", "\x1c"]
    texts = ["".join(chars) for size in range(6) for chars in product(alphabet, repeat=size)]
    scanned, _, _ = _fastpage.plain_scan(texts, _fastpage.stop_table({}, 0))
    lines = _fastpage.plain_lines(list(range(1, len(texts) + 1)), scanned, -1, page.LineInfo)
    assert [line.separators for line in lines] == [len(page._SEPARATOR.findall(text)) for text in texts]


WEIGHT = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e3, max_value=1e3)


def chances(built: page.Page, weights: dict, bias: float, smooth: float, edge_share: float, accelerated: bool):
    with pytest.MonkeyPatch.context() as patch:
        if not accelerated:
            patch.setattr(accelerator, "fastpage", None)
        return linescore.chances(built, weights, bias, smooth, edge_share)


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(text=TEXT, decided=st.sets(st.integers(1, 40)), weights=st.fixed_dictionaries({k: WEIGHT for k in linescore.FEATURES}),
       bias=WEIGHT, smooth=st.floats(0, 1), edge_share=st.floats(0, 1))
def test_line_scores_are_the_python_floats(text, decided, weights, bias, smooth, edge_share):
    """``line_chances`` adds as the running Python's ``sum`` adds (compensated from 3.12 on)."""
    built = page.build_page(Document(id="d", path="d", text=text), STOPLISTS)
    built.decided = decided
    assert chances(built, weights, bias, smooth, edge_share, True) == chances(built, weights, bias, smooth, edge_share, False)


def likely(built: page.Page, weights: dict, bias: float, smooth: float, edge_share: float, threshold: float,
           accelerated: bool):
    with pytest.MonkeyPatch.context() as patch:
        if not accelerated:
            patch.setattr(accelerator, "fastpage", None)
        return linescore.likely_lines(built, weights, bias, smooth, edge_share, threshold)


@needs_accelerator
@settings(max_examples=300, deadline=None)
@given(text=TEXT, decided=st.sets(st.integers(1, 40)), weights=st.fixed_dictionaries({k: WEIGHT for k in linescore.FEATURES}),
       bias=WEIGHT, smooth=st.floats(0, 1), edge_share=st.floats(0, 1),
       threshold=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0, float("nan")])))
def test_likely_lines_are_the_python_lines(text, decided, weights, bias, smooth, edge_share, threshold):
    """``likely_lines`` keeps the chances, and only those, that the Python comparison keeps."""
    built = page.build_page(Document(id="d", path="d", text=text), STOPLISTS)
    built.decided = decided
    expected = likely(built, weights, bias, smooth, edge_share, threshold, False)
    assert likely(built, weights, bias, smooth, edge_share, threshold, True) == expected
    assert expected == [(i, c) for i, c in enumerate(chances(built, weights, bias, smooth, edge_share, False))
                        if c >= threshold]


@needs_accelerator
def test_line_scores_read_other_objects_by_attribute():
    """Lines are read from the slots of the first line's class; an object of another class by its attributes."""
    built = page.build_page(Document(id="d", path="d", text="Home\n\nThe cat and the dog.\nNews | Sport"), STOPLISTS)
    weights = [0.5 - i / 10 for i in range(len(linescore.FEATURES))]
    mixed = [built.lines[0], SimpleNamespace(**{f: getattr(built.lines[1], f) for f in built.lines[1].__slots__}),
             built.lines[2]]
    others = [SimpleNamespace(**{f: getattr(line, f) for f in line.__slots__}) for line in built.lines]
    expected = _fastpage.line_chances(built.lines, {1}, weights, 0.1, 0.3, 0.2)
    assert _fastpage.line_chances(mixed, {1}, weights, 0.1, 0.3, 0.2) == expected
    assert _fastpage.line_chances(others, {1}, weights, 0.1, 0.3, 0.2) == expected
    with pytest.raises(AttributeError):
        _fastpage.line_chances([*built.lines, SimpleNamespace(number=9)], set(), weights, 0.1, 0.3, 0.2)


@needs_accelerator
def test_line_scores_take_one_weight_a_feature():
    built = page.build_page(Document(id="d", path="d", text="Home\nNews"), STOPLISTS)
    with pytest.raises(TypeError):
        _fastpage.line_chances(built.lines, set(), [1.0], 0.0, 0.3, 0.1)


def strongest(built: page.Page, index: int, weights: dict, edge_share: float, accelerated: bool) -> str:
    with pytest.MonkeyPatch.context() as patch:
        if not accelerated:
            patch.setattr(accelerator, "fastpage", None)
        return linescore.strongest(built, index, weights, [weights[k] for k in linescore.FEATURES], edge_share)


PUSH_WEIGHT = st.one_of(WEIGHT, st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5]))  # ties between features


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(text=TEXT, decided=st.sets(st.integers(1, 40)),
       weights=st.fixed_dictionaries({k: PUSH_WEIGHT for k in linescore.FEATURES}), edge_share=st.floats(0, 1),
       data=st.data())
def test_strongest_features_are_the_python_text(text, decided, weights, edge_share, data):
    """``strongest_features`` names the features ``_strongest`` names, in its order, with its digits."""
    built = page.build_page(Document(id="d", path="d", text=text), STOPLISTS)
    if not built.lines:
        return
    built.decided = decided
    index = data.draw(st.integers(0, len(built.lines) - 1))
    assert strongest(built, index, weights, edge_share, True) == strongest(built, index, weights, edge_share, False)


@needs_accelerator
def test_strongest_features_take_a_line_of_the_page():
    built = page.build_page(Document(id="d", path="d", text="Home\nNews"), STOPLISTS)
    weights = [1.0] * len(linescore.FEATURES)
    assert _fastpage.strongest_features(built.lines, set(), weights, linescore.FEATURES, 0.1, 1, 2).count("=") == 2
    with pytest.raises(ValueError):
        _fastpage.strongest_features(built.lines, set(), weights, linescore.FEATURES, 0.1, 2, 3)
    with pytest.raises(TypeError):
        _fastpage.strongest_features(built.lines, set(), [1.0], linescore.FEATURES, 0.1, 0, 3)


LINE_SIZES = st.lists(st.tuples(st.integers(0, 120), st.booleans()), max_size=40)


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(sizes=LINE_SIZES, min_chars=st.integers(-5, 100), min_score=st.integers(-50, 400))
def test_the_article_anchor_is_the_python_one(sizes, min_chars, min_score):
    """``article_anchor`` finds the run ``beyond.anchor`` finds, on lines of any size, decided or not."""
    lines = [SimpleNamespace(number=2 * i + 1, chars=chars) for i, (chars, _) in enumerate(sizes)]
    decided = {line.number for line, (_, is_decided) in zip(lines, sizes) if is_decided}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accelerator, "fastpage", None)
        expected = beyond.anchor(lines, decided, min_chars, min_score)
    assert _fastpage.article_anchor(lines, decided, min_chars, min_score) == expected


@needs_accelerator
@settings(max_examples=300, deadline=None)
@given(text=TEXT, decided=st.sets(st.integers(1, 40)), min_chars=st.integers(0, 40), min_score=st.integers(0, 80))
def test_the_article_anchor_reads_a_page_as_python_does(text, decided, min_chars, min_score):
    built = page.build_page(Document(id="d", path="d", text=text), STOPLISTS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accelerator, "fastpage", None)
        expected = beyond.anchor(built.lines, decided, min_chars, min_score)
    assert _fastpage.article_anchor(built.lines, decided, min_chars, min_score) == expected


BULLET_START = st.sampled_from(["-", "–", "—", "•", "*", "·", "»", "›", "1", "12", "123", "1234", "0", "a", ""])
BULLET_TEXT = st.tuples(BULLET_START, st.sampled_from(["", ".", ")", ":", ".)"]),
                        st.sampled_from(["", " ", "\u00a0", "\t", "\x0b", "\x1c", "x"]), st.sampled_from(["", "x", " y"]))


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(parts=BULLET_TEXT)
def test_plain_lines_start_bullets_where_the_pattern_does(parts):
    text = "".join(parts)
    table = _fastpage.stop_table({}, 0)
    scanned, _, _ = _fastpage.plain_scan([text], table)
    [line] = _fastpage.plain_lines([1], scanned, -1, page.LineInfo)
    assert line is None or line.bullet == bool(page._BULLET.match(text))


@needs_accelerator
def test_plain_lines_are_made_only_of_a_scan_and_a_class_with_their_slots():
    table = _fastpage.stop_table({"home": 1}, 1)
    scanned, _, _ = _fastpage.plain_scan(["Home"], table)
    with pytest.raises(AttributeError):
        _fastpage.plain_lines([1], scanned, -1, tuple)
    with pytest.raises(TypeError):  # the fields, but not slots
        _fastpage.plain_lines([1], scanned, -1, type("Line", (), dict.fromkeys(page.LineInfo.__slots__)))
    with pytest.raises(TypeError):
        _fastpage.plain_lines([1, 2], scanned, -1, page.LineInfo)
    with pytest.raises(TypeError):
        _fastpage.plain_lines([1], scanned, 1, page.LineInfo)
    with pytest.raises(ValueError):
        _fastpage.plain_lines([1], table, -1, page.LineInfo)
    assert _fastpage.plain_lines([1], scanned, 0, page.LineInfo)[0].stop_share == 1.0
    [line] = _fastpage.plain_lines([1], scanned, -1, page.LineInfo)
    assert line == page.line_info(1, "Home", frozenset())


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(text=TEXT)
def test_accelerated_document_lines_equal_the_python_lines(text):
    doc = Document(id="d", path="d", text=text)
    accelerated, reference = _fastpage.document_lines(doc.line_texts, Line), doc.python_lines()
    assert [type(line) for line in accelerated] == [Line] * len(reference)
    assert [(n.number, n.start, n.end, n.text) for n in accelerated] == [(n.number, n.start, n.end, n.text)
                                                                       for n in reference]
    assert accelerated == reference and [hash(n) for n in accelerated] == [hash(n) for n in reference]


def test_a_document_s_lines_come_from_the_accelerator_only_where_it_is_chosen(monkeypatch):
    monkeypatch.setattr(accelerator, "fastpage", None)
    assert Document(id="d", path="d", text="a\nb").lines == Document(id="d", path="d", text="a\nb").python_lines()


@needs_accelerator
@settings(max_examples=500, deadline=None)
@given(text=TEXT | st.text(st.sampled_from("a\u00e9\u20ac\U0001f600\n\r "), max_size=20))
def test_accelerated_utf8_line_starts_equal_the_python_starts(text):
    doc = Document(id="d", path="d", text=text)
    assert doc.utf8_line_starts == doc.python_utf8_line_starts()
    for count in range(4):  # the line count asked need not be the text's own
        reference = Document(id="d", path="d", text=text)
        reference.__dict__["lines"] = [None] * count
        assert _fastpage.utf8_line_starts(doc.utf8, count) == reference.python_utf8_line_starts()


def test_a_document_s_utf8_line_starts_come_from_the_accelerator_only_where_it_is_chosen(monkeypatch):
    monkeypatch.setattr(accelerator, "fastpage", None)
    doc = Document(id="d", path="d", text="\u00e9\nb\n")
    assert doc.utf8_line_starts == doc.python_utf8_line_starts() == [0, 3]


@needs_accelerator
def test_document_lines_takes_only_a_list_of_str_and_a_slots_class():
    with pytest.raises(TypeError):
        _fastpage.document_lines(["a", 1], Line)
    with pytest.raises(TypeError):
        _fastpage.document_lines(("a",), Line)

    class Unslotted:
        number = start = end = text = None

    with pytest.raises(TypeError):
        _fastpage.document_lines(["a"], Unslotted)
