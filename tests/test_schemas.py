"""The checked-in schemas are generated from the models, and real output validates against them."""

from __future__ import annotations

import json

from provenance.corpus import corpus_report
from provenance.renderers.jsonout import render_corpus, render_line
from provenance.report import ReadError
from provenance.rulepack import pack_files
from provenance.schemas import generated, render

from conftest import ROOT


def test_schemas_match_models():
    for name, schema in generated().items():
        on_disk = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert on_disk == render(schema), f"schemas/{name} drifted: run python -m provenance.schemas"


def test_corpus_report_validates(seed_reports, schema):
    items = [*seed_reports.values(), ReadError(path="x.jsonl", line=3, message="malformed JSON")]
    report = json.loads(render_corpus(corpus_report(items, 50, "digest")))
    schema("corpus-report.schema.json").validate(report)
    assert report["summary"]["errors"] == 1


def test_report_lines_validate(seed_reports, schema):
    validator = schema("report-line.schema.json")
    for item in [*seed_reports.values(), ReadError(path="x.txt", message="binary file")]:
        validator.validate(json.loads(render_line(item)))


def test_rule_files_validate_against_rule_pack_schema(schema):
    import tomllib
    validator = schema("rule-pack.schema.json")
    for path in pack_files(ROOT / "rules"):
        text = path.read_text(encoding="utf-8")
        validator.validate(json.loads(text) if path.suffix == ".json" else tomllib.loads(text))
