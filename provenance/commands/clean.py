"""``provenance clean PATH... --out DIR``: cleaned copies of the inputs, and a map of what was removed.

Outputs keep the inputs' ids as names under DIR (a folder's files relative to it, a file by its name;
under several PATHs, relative to the folder they share, so no two copies share a name); ``.jsonl`` records keep every
field but ``text``. Nothing is ever written into an input: DIR may not lie inside an input folder,
nor hold an input, and the map may not be a document in one. Every file, and the map, is written
atomically.

The cleaner and the map's models are imported when the command runs: every other command's start-up
(``check`` above all) would otherwise pay for them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import closing
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from provenance import __version__, runner
from provenance.atomic import open_atomic, write_atomic
from provenance.commands.common import (add_paths_argument, add_rule_options, add_templates_option,
                                        refuse_writing_into_the_corpus, settings_and_rules)
from provenance.config import Settings, UsageError, reading_of
from provenance.document import Document
from provenance.renderers.jsonout import document_entry, documents_close, documents_frame
from provenance.report import ReadError, Tool
from provenance.sources import (STDIN, NotARecord, corpus_root_holding, discover_naming_empty_paths, is_jsonl_file,
                                jsonl_lines, over_max_bytes, parse_record, read_documents, read_text_file,
                                record_document, shown, sidecar_of, without_surrogates)
from provenance.templates import corpus_templates

if TYPE_CHECKING:
    from provenance.clean import Cleaned, CleanedDocument

MAP_NAME = "clean-map.json"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("clean", help="write copies of the documents without residue lines",
                              description="Write cleaned copies of PATH... under DIR, and a JSON map of what was removed and why.")
    add_paths_argument(p, stdin=False)
    p.add_argument("--out", "--output", dest="out", required=True, type=Path, metavar="DIR",
                   help="folder for the cleaned copies (not inside an input)")
    p.add_argument("--map", type=Path, metavar="FILE", help=f"where to write the map (default: DIR/{MAP_NAME})")
    add_templates_option(p)
    add_rule_options(p)
    runner.add_jobs_option(p.add_argument_group("speed"))
    p.set_defaults(run=run)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out_dir(out: Path, inputs: list[Path]) -> None:
    """``out`` may not lie inside an input folder (the copies would be read as documents next time) nor
    hold an input (a copy would replace it); beside an input file, copies land in no input."""
    if STDIN in inputs:
        raise UsageError("clean names each copy after its input: save standard input (-) to a .jsonl file first")
    target = out.resolve()
    for path in inputs:
        source = path.resolve()
        if _inside(target, source) or _inside(source, target):
            raise UsageError(f"--out {out} overlaps the input {path}; choose a folder outside the corpus")


def _refuse_map_among_copies(map_path: Path | None, out: Path) -> None:
    """A map named like a document among the copies would be read as one when they are checked."""
    if map_path is not None and corpus_root_holding(map_path, [out]) is not None:
        raise UsageError(f"{map_path}: would be read as a document among the copies in {out}; name a file outside it")


def _check_outputs(args: argparse.Namespace) -> None:
    """Every output path is checked before anything is written: a run refused halfway would leave
    some copies written and no map."""
    check_out_dir(args.out, args.paths)
    refuse_writing_into_the_corpus([args.map], args.paths, "cleaned")
    _refuse_map_among_copies(args.map, args.out)


class _MapWriter:
    """The map, written as the documents are cleaned: its ``documents`` entries one at a time between
    the text before and after them (``jsonout.documents_frame``), so a crawl's map is never held
    whole; the unreadable inputs, which come after the list, are held until the end."""

    def __init__(self, handle: TextIO, tool: Tool):
        from provenance.clean import CleanMap

        self.handle, self.tool, self.entries = handle, tool, 0
        self.handle.write(documents_frame(CleanMap(tool=tool))[0])

    def add(self, entry: CleanedDocument) -> None:
        self.handle.write(document_entry(entry, first=self.entries == 0))
        self.entries += 1

    def close(self, errors: list[ReadError]) -> None:
        from provenance.clean import CleanMap

        tail = documents_frame(CleanMap(tool=self.tool, errors=errors))[1]
        self.handle.write(documents_close(self.entries > 0) + tail)


class _Cleaner:
    """Writes each input's copy as the documents' cleaned texts come (``cleaned``: the documents of
    a second reading of the inputs, cleaned in order, on the worker processes), and their map entries."""

    def __init__(self, out: Path, settings: Settings, cleaned: Iterator[tuple[str, Cleaned]], clean_map: _MapWriter):
        self.out, self.settings, self.cleaned, self.clean_map = out, settings, cleaned, clean_map
        self.shape = reading_of(settings).shape
        self.errors: list[ReadError] = []

    def _entry(self, doc: Document, source: Path, target: Path, record: int | None) -> str:
        from provenance.clean import CleanedDocument

        doc_id, cleaned = next(self.cleaned, ("", None))
        if doc_id != doc.id or cleaned is None:
            raise UsageError(f"{shown(source)}: changed while it was being cleaned ({doc.id} is not the document read "
                             "there before); clean it again once nothing writes to it")
        self.clean_map.add(CleanedDocument(
            id=doc.id, source=shown(source), record=record, output=shown(target), removed=cleaned.removed,
            chars_before=len(doc.text), chars_after=len(cleaned.text)))
        return cleaned.text

    def text_file(self, path: Path, rel: str) -> None:
        target = self.out / rel
        for item in read_text_file(path, rel, self.settings.max_bytes):
            if isinstance(item, ReadError):
                self.errors.append(item)
                continue
            write_atomic(target, self._entry(item, path, target, None))
            _copy_sidecar(path, target)

    def jsonl_file(self, path: Path, rel: str) -> None:
        """The copy holds the file's lines up to where it breaks, if it does (cut short, corrupt): the
        records before the break are cleaned, as ``check`` reads them. A file that breaks before its
        first line (not of its codec at all, unreadable) gets no copy, as an unreadable text file gets none."""
        lines = jsonl_lines(path, self.settings.max_bytes)
        first = next(lines, None)
        if isinstance(first, ReadError):
            self.errors.append(first)
            return
        target = self.out / rel
        with open_atomic(target, binary=True) as sink:  # a target ending in .gz or .zst is written so
            for line in self._records(lines if first is None else chain([first], lines), path, rel, target):
                sink.write(line)

    def _records(self, lines: Iterable[tuple[int, bytes | None] | ReadError], path: Path, rel: str,
                 target: Path) -> Iterator[bytes]:
        for line in lines:
            if isinstance(line, ReadError):
                self.errors.append(line)
                continue
            number, raw = line
            if raw is None:
                self.errors.append(ReadError(path=shown(path), line=number, message=over_max_bytes(
                    self.settings.max_bytes, "left out of the copy")))
            elif not raw.strip():
                yield raw
            else:
                yield self._record(raw, number, path, rel, target)

    def _record(self, raw: bytes, number: int, path: Path, rel: str, target: Path) -> bytes:
        """The record on line ``number`` with its text cleaned, or the line unchanged where it holds none."""
        where = shown(path)
        try:
            record = parse_record(raw, self.shape)
        except NotARecord as problem:
            self.errors.append(ReadError(path=where, line=number, message=f"{problem}; copied unchanged"))
            return raw
        cleaned = self._entry(record_document(record, where, rel, number, self.shape), path, target, number)
        self.shape.put(record, "text", cleaned)
        return _json_line(record)


def _copy_sidecar(path: Path, target: Path) -> None:
    """The sidecar beside ``target``, as it is (atomically, as every output); one that cannot be read
    is not copied, and ``read_text_file`` has reported it already."""
    sidecar = sidecar_of(path)
    if not sidecar.is_file():
        return
    try:
        data = sidecar.read_bytes()
    except OSError:
        return
    with open_atomic(target.with_name(sidecar.name), binary=True) as sink:
        sink.write(data)


def _json_line(record: dict) -> bytes:
    """A record as a line of UTF-8: lone surrogates (JSON can escape them, UTF-8 cannot hold them)
    become U+FFFD in every field, as ``check`` reads them in ``text`` and the metadata."""
    return (without_surrogates(json.dumps(record, ensure_ascii=False))[0] + "\n").encode("utf-8")


def run(args: argparse.Namespace) -> int:
    from provenance.clean import cleaned_in_order

    _check_outputs(args)
    settings, rules = settings_and_rules(args, args.paths[0])
    reading = reading_of(settings)
    templates = corpus_templates(read_documents(args.paths, reading), settings, rules, args.templates)
    documents = (item for item in read_documents(args.paths, reading) if isinstance(item, Document))
    cleaned = cleaned_in_order(documents, rules, settings, templates, runner.jobs_of(args))
    with runner.few_collections(), closing(cleaned), open_atomic(args.map or args.out / MAP_NAME) as handle:
        clean_map = _MapWriter(handle, Tool(version=__version__, rules_digest=rules.digest))
        cleaner = _Cleaner(args.out, settings, cleaned, clean_map)
        for found in discover_naming_empty_paths(args.paths):
            if isinstance(found, ReadError):
                cleaner.errors.append(found)
                continue
            path, rel = found
            (cleaner.jsonl_file if is_jsonl_file(path) else cleaner.text_file)(path, rel)
        clean_map.close(cleaner.errors)
    for error in cleaner.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        print(f"provenance: {where}: {error.message}", file=sys.stderr)
    return 1 if cleaner.errors else 0
