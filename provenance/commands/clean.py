"""``provenance clean PATH... --out DIR``: cleaned copies of the inputs, and a map of what was removed.

Outputs keep the inputs' relative names under DIR (a folder's files relative to it, a file by its
name); ``.jsonl`` records keep every field but ``text``. Nothing is ever written into an input: DIR
may not lie inside one, nor hold one. Every file, and the map, is written atomically.

The cleaner and the map's models are imported when the command runs: every other command's start-up
(``check`` above all) would otherwise pay for them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from provenance import __version__
from provenance.atomic import open_atomic, write_atomic
from provenance.commands.common import add_paths_argument, add_rule_options, add_templates_option, settings_and_rules
from provenance.config import Settings, UsageError
from provenance.document import Document, normalise_newlines
from provenance.report import ReadError, Tool
from provenance.rulepack import RuleSet
from provenance.sources import (JSONL_SUFFIXES, SIDECAR_SUFFIX, STDIN, TOO_DEEP, discover, open_bytes, read_documents,
                                read_text_file)
from provenance.templates import TemplateCounts, corpus_templates

if TYPE_CHECKING:
    from provenance.clean import CleanedDocument

MAP_NAME = "clean-map.json"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("clean", help="write copies of the documents without residue lines",
                              description="Write cleaned copies of PATH... under DIR, and a JSON map of what was removed and why.")
    add_paths_argument(p)
    p.add_argument("--out", "--output", dest="out", required=True, type=Path, metavar="DIR",
                   help="folder for the cleaned copies (not inside an input)")
    p.add_argument("--map", type=Path, metavar="FILE", help=f"where to write the map (default: DIR/{MAP_NAME})")
    add_templates_option(p)
    add_rule_options(p)
    p.set_defaults(run=run)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out_dir(out: Path, inputs: list[Path]) -> None:
    if STDIN in inputs:
        raise UsageError("clean names each copy after its input: save standard input (-) to a .jsonl file first")
    target = out.resolve()
    for path in inputs:
        source = path.resolve()
        if _inside(target, source if source.is_dir() else source.parent) or _inside(source, target):
            raise UsageError(f"--out {out} overlaps the input {path}; choose a folder outside the corpus")


class _Cleaner:
    def __init__(self, out: Path, settings: Settings, rules: RuleSet, templates: TemplateCounts | None):
        self.out, self.settings, self.rules, self.templates = out, settings, rules, templates
        self.documents: list[CleanedDocument] = []
        self.errors: list[ReadError] = []

    def _entry(self, doc: Document, source: Path, target: Path, record: int | None) -> str:
        from provenance.clean import CleanedDocument, clean_document

        cleaned = clean_document(doc, self.rules, self.settings, self.templates)
        self.documents.append(CleanedDocument(
            id=doc.id, source=str(source), record=record, output=str(target), removed=cleaned.removed,
            chars_before=len(doc.text), chars_after=len(cleaned.text)))
        return cleaned.text

    def text_file(self, path: Path, rel: str) -> None:
        target = self.out / rel
        for item in read_text_file(path, rel, self.settings.max_bytes):
            if isinstance(item, ReadError):
                self.errors.append(item)
                continue
            write_atomic(target, self._entry(item, path, target, None))
            sidecar = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)
            if sidecar.is_file():
                shutil.copyfile(sidecar, target.with_name(sidecar.name))

    def jsonl_file(self, path: Path, rel: str) -> None:
        target = self.out / rel
        try:  # a target ending in .gz is written gzipped (open_atomic)
            with open_bytes(path) as handle, open_atomic(target, binary=True) as sink:
                for line in self._records(handle, path, rel, target):
                    sink.write(line)
        except (OSError, EOFError) as exc:
            self.errors.append(ReadError(path=str(path), message=f"cannot read: {exc}"))

    def _records(self, handle, path: Path, rel: str, target: Path) -> Iterator[bytes]:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                yield raw
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
                problem = TOO_DEEP if isinstance(exc, RecursionError) else exc
                self.errors.append(ReadError(path=str(path), line=number, message=f"malformed JSON: {problem}; copied unchanged"))
                yield raw
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                self.errors.append(ReadError(path=str(path), line=number, message="record has no string `text`; copied unchanged"))
                yield raw
                continue
            rid = record.get("id")
            ident = str(rid) if rid not in (None, "") else f"{rel}#{number}"
            meta = {k: str(record[k]) for k in ("url", "title", "published", "author", "outlet") if record.get(k) not in (None, "")}
            doc = Document(id=ident, path=str(path), text=normalise_newlines(record["text"]), meta=meta)
            record["text"] = self._entry(doc, path, target, number)
            yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def run(args: argparse.Namespace) -> int:
    from provenance.clean import CleanMap
    from provenance.schemas import render_model

    check_out_dir(args.out, args.paths)
    settings, rules = settings_and_rules(args, args.paths[0])
    templates = corpus_templates(read_documents(args.paths, settings.max_bytes), settings, rules, args.templates)
    cleaner = _Cleaner(args.out, settings, rules, templates)
    for found in discover(args.paths):
        if isinstance(found, ReadError):
            cleaner.errors.append(found)
            continue
        path, rel = found
        (cleaner.jsonl_file if path.name.lower().endswith(JSONL_SUFFIXES) else cleaner.text_file)(path, rel)
    clean_map = CleanMap(tool=Tool(version=__version__, rules_digest=rules.digest),
                         documents=cleaner.documents, errors=cleaner.errors)
    write_atomic(args.map or args.out / MAP_NAME, render_model(clean_map))
    for error in cleaner.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        print(f"provenance: {where}: {error.message}", file=sys.stderr)
    return 1 if cleaner.errors else 0
