"""JSON and JSON Lines, as in the report contract. Keys keep model order, so output is byte-stable."""

from __future__ import annotations

from types import NoneType, UnionType
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel

from provenance import accelerator
from provenance.report import CorpusReport, DocumentReport, ErrorRecord, ReadError, Summary, Tool

# What a field holds, for the C writer (``_fastpage.model_json``, whose JSON_ codes these are): a
# scalar's code, a (LIST or OPTIONAL, kind) pair, or a model class.
STR, INT, FLOAT, BOOL, LIST, OPTIONAL = range(6)
# How the corpus report lays out its list of documents (``corpus_frame``, ``document_entry``).
_NO_DOCUMENTS = '\n  "documents": []'
_FIRST, _NEXT = "\n    ", ",\n    "
Plans = dict[type[BaseModel], tuple[tuple[str, object], ...]]


def render_corpus(report: CorpusReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def corpus_frame(tool: Tool, summary: Summary, errors: list[ReadError]) -> tuple[str, str]:
    """``render_corpus``'s text before its first document and after its last: the documents can then
    be written one at a time between them (``document_entry``), never all held at once."""
    return documents_frame(CorpusReport(tool=tool, summary=summary, documents=[], errors=errors))


def documents_frame(skeleton: BaseModel) -> tuple[str, str]:
    """The indented JSON of a model whose top-level ``documents`` list is empty (a corpus report,
    ``clean``'s map), cut where the list's entries go. Any key nested in the model is indented
    further, so the top-level ``documents`` key is found once."""
    head, tail = skeleton.model_dump_json(indent=2).split(_NO_DOCUMENTS, 1)
    return head + _NO_DOCUMENTS[:-1], "]" + tail + "\n"


def document_entry(doc: BaseModel, first: bool) -> str:
    """``doc`` as its model's indented JSON writes it in the ``documents`` list, after a comma but for
    the first (a string's own newlines are escaped in JSON, so every newline here is the layout's)."""
    return (_FIRST if first else _NEXT) + doc.model_dump_json(indent=2).replace("\n", _FIRST)


def documents_close(any_document: bool) -> str:
    """What ends the list before ``corpus_frame``'s tail: the indented line its ``]`` stands on."""
    return "\n  " if any_document else ""



def render_line(item: DocumentReport | ReadError) -> str:
    """One JSON Lines line: pydantic's ``model_dump_json``, written by the C writer where it is there
    (five times faster: every report of a run is one line), else by pydantic itself, the reference."""
    if isinstance(item, ReadError):
        item = ErrorRecord(error=item.message, path=item.path, line=item.line)
    elif accelerator.fastpage is not None and _REPORT_PLANS is not None:
        line = accelerator.fastpage.model_json(item, _REPORT_PLANS)
        if line is not None:
            return line
    return item.model_dump_json() + "\n"


def render_line_bytes(item: DocumentReport | ReadError) -> bytes:
    """``render_line``'s line encoded as UTF-8, the form it is written in: the C writer builds it so,
    and a run that only writes lines then never makes the str (a decode and an encode a line saved)."""
    if not isinstance(item, ReadError) and accelerator.fastpage is not None and _REPORT_PLANS is not None:
        line = accelerator.fastpage.model_json_bytes(item, _REPORT_PLANS)
        if line is not None:
            return line
    return render_line(item).encode()


def json_plan(model: type[BaseModel]) -> Plans | None:
    """Each model class reachable from ``model``, with its fields in order and what each holds: the
    C writer's reading of the models, which stay the one definition of the reports. None where a
    model holds what the writer does not know (a dict, a union of two types) or changes how pydantic
    writes it (an alias, an excluded field, a serializer of its own, extra fields)."""
    plans: Plans = {}
    try:
        _add_plan(model, plans)
    except TypeError:
        return None
    return plans


def _add_plan(model: type[BaseModel], plans: Plans) -> None:
    if model in plans:
        return
    decorators = model.__pydantic_decorators__
    if model.model_config.get("extra") != "forbid" or model.model_computed_fields \
            or decorators.field_serializers or decorators.model_serializers:
        raise TypeError(f"{model.__name__} is written in a way of its own")
    plans[model] = ()  # a model that holds itself reads the plan being made
    fields = model.model_fields.items()
    if any(f.alias or f.serialization_alias or f.exclude for _, f in fields):
        raise TypeError(f"{model.__name__} renames or leaves out a field")
    plans[model] = tuple((name, _kind(field.annotation, plans)) for name, field in fields)


def _kind(annotation: object, plans: Plans) -> object:
    origin, args = get_origin(annotation), get_args(annotation)
    scalar = {str: STR, int: INT, float: FLOAT, bool: BOOL}.get(annotation)
    if scalar is not None:
        return scalar
    if origin is Literal and all(type(a) is str for a in args):
        return STR
    if origin is list:
        return LIST, _kind(args[0], plans)
    if origin in (Union, UnionType) and len(args) == 2 and NoneType in args:
        return OPTIONAL, _kind(next(a for a in args if a is not NoneType), plans)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        _add_plan(annotation, plans)
        return annotation
    raise TypeError(f"no JSON plan for {annotation!r}")


_REPORT_PLANS = json_plan(DocumentReport)
