"""Generate the JSON Schemas in ``schemas/`` from the pydantic models.

Run ``python -m provenance.schemas`` after changing a model; a test fails when the checked-in
schemas drift from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from provenance.baseline import Baseline
from provenance.clean import CleanMap
from provenance.countsfile import CountsHeader
from provenance.quoteindex import QuoteIndex
from provenance.report import CorpusReport, DocumentReport, ErrorRecord
from provenance.rulemodels import RulePack
from provenance.shardmarker import ShardMarker

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema(title: str, schema: dict) -> dict:
    return {"$schema": _DIALECT, "title": title, **schema}


def generated() -> dict[str, dict]:
    """File name -> schema, for every JSON the tool reads or writes."""
    line = TypeAdapter(DocumentReport | ErrorRecord).json_schema()
    models: dict[str, type[BaseModel]] = {
        "rule-pack.schema.json": RulePack,
        "corpus-report.schema.json": CorpusReport,
        "document-report.schema.json": DocumentReport,
        "quote-index.schema.json": QuoteIndex,
        "baseline.schema.json": Baseline,
        "clean-map.schema.json": CleanMap,
        "shard-marker.schema.json": ShardMarker,
        "template-counts-header.schema.json": CountsHeader,
    }
    out = {name: _schema(model.__name__, model.model_json_schema()) for name, model in models.items()}
    out["report-line.schema.json"] = _schema("ReportLine", line)
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_model(model: BaseModel) -> str:
    """A model as the JSON the tool writes: indented, keys in model order, UTF-8 kept."""
    return model.model_dump_json(indent=2) + "\n"


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generated().items():
        path = directory / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "schemas"
    for path in write_all(target):
        print(path)
