"""Settings: from ``provenance.toml`` or ``[tool.provenance]`` in ``pyproject.toml``, found upward
from the first checked path; command-line flags override them."""

from __future__ import annotations

import argparse
import math
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from provenance.sources import DEFAULT_MAX_BYTES, TOO_DEEP, Reading, RecordShape


class ConfigError(Exception):
    """Settings that cannot be used (from a file or a flag); ``problems`` holds one line per problem."""

    def __init__(self, *problems: str):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class UsageError(Exception):
    """Options that cannot be used together or name something that is not there (exit code 2)."""


class Weights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provenance: float = Field(0.3, ge=0)
    attribution: float = Field(0.3, ge=0)
    residue: float = Field(0.4, ge=0)


class DimensionThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provenance: float | None = Field(None, ge=0, le=100)
    attribution: float | None = Field(None, ge=0, le=100, description="Not applied when there is nothing to attribute")
    residue: float | None = Field(None, ge=0, le=100)


class Suppression(BaseModel):
    """``rules`` do not run on the documents under ``path``; ``reason`` says why (required)."""

    model_config = ConfigDict(extra="forbid")
    path: str = Field(min_length=1, description="Glob relative to the settings file (** any depth); a folder covers what it holds")
    rules: list[str] = Field(min_length=1, description="Rule ids to suppress there")
    reason: str = Field(min_length=1, description="Why these findings are accepted there")


class RecordFields(BaseModel):
    """Where a JSON Lines record keeps each field, for crawls that name them otherwise (OSCAR's
    ``content``, RedPajama's ``raw_content``, news-please's ``maintext``); a dotted key reaches into a
    nested object (``metadata.url``)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field("text", description="The document's text (required in every record)")
    id: str = Field("id", description="The document's id (else FILE#LINE)")
    url: str = Field("url", description="The page's URL")
    title: str = Field("title", description="The page's title")
    published: str = Field("published", description="The publication date, where the text states none")
    author: str = Field("author", description="The byline, where the text states none (a string, or a list of names)")
    outlet: str = Field("outlet", description="The outlet's name")

    @field_validator("*")
    @classmethod
    def _a_key_or_a_dotted_path(cls, key: str) -> str:
        if not key or "" in key.split("."):
            raise ValueError("a key, or keys joined by single dots (metadata.url)")
        return key


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(60.0, ge=0, le=100, description="Overall score a document needs to pass")
    weights: Weights = Field(default_factory=Weights)
    rules: list[str] = Field(default_factory=list, description="Extra rule folders, relative to the settings file")
    enable: list[str] = Field(default_factory=list, description="If set, only these rule ids run")
    disable: list[str] = Field(default_factory=list, description="Rule ids that never run")
    max_bytes: int = Field(DEFAULT_MAX_BYTES, ge=1, description="Files or records larger than this are skipped")
    record_fields: RecordFields = Field(default_factory=RecordFields,
                                        description="Where JSON Lines records keep their fields (--record-field)")
    regex_timeout: float = Field(2.0, gt=0, description="Seconds one pattern may spend on one document")
    engine: Literal["prefilter", "reference"] = Field(
        "prefilter", description="Signature matcher: RE2 prefilter then regex confirm, or regex alone (same findings)")
    templates: bool = Field(True, description="Count lines recurring across the corpus first (template residue)")
    fail_under: DimensionThresholds = Field(default_factory=DimensionThresholds,
                                            description="Score each dimension needs to pass")
    block_rules: list[str] = Field(default_factory=list, description="Rule ids whose findings fail a document")
    block_flags: list[str] = Field(default_factory=list, description="Outlet flags that fail a document, e.g. deprecated")
    warn_rules: list[str] = Field(default_factory=list, description="Rule ids reported as warnings that never block")
    warn_flags: list[str] = Field(default_factory=list, description="Outlet flags reported as warnings that never block")
    ignore: list[Suppression] = Field(default_factory=list, description="Per-path suppressions, each with a reason")
    baseline: str | None = Field(None, description="Baseline file, relative to the settings file (--baseline)")
    source: str | None = Field(None, description="The settings file these came from")


def reading_of(settings: Settings) -> Reading:
    """How the documents are read under ``settings``: the size cap and the records' fields."""
    return Reading(settings.max_bytes, RecordShape(settings.record_fields.model_dump()))


def file_key(settings: Settings, key: str) -> str:
    """``key`` as a problem with its value names it: after the settings file, so the line says where to fix it."""
    return f"{settings.source}: {key}" if settings.source else key


def parse_score(text: str) -> float:
    """A score flag's value (``--threshold``, ``--fail-under-residue``, ...): 0 to 100, as in a settings
    file. Scores never leave that range, so a minimum above it would fail every document and one
    below it none, whatever they hold."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a score (0 to 100)")
    return value


def find_settings_file(start: Path) -> tuple[Path, bool] | None:
    """The nearest ``provenance.toml`` or ``pyproject.toml`` with ``[tool.provenance]``, upward from ``start``."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in [here, *here.parents]:
        own = folder / "provenance.toml"
        if own.is_file():
            return own, False
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.provenance" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject, True
    return None


def load_settings(start: Path, explicit: Path | None = None) -> Settings:
    found = (explicit, explicit.name == "pyproject.toml") if explicit else find_settings_file(start)
    if not found:
        return Settings()
    path, nested = found
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read settings: not valid UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise ConfigError(f"{path}: cannot read settings: {TOO_DEEP}") from None
    if nested:
        data = data.get("tool", {}).get("provenance", {})
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {key}: {first['msg']}") from None
    settings.rules = [str((path.parent / r).resolve()) for r in settings.rules]
    if settings.baseline:
        settings.baseline = str((path.parent / settings.baseline).resolve())
    settings.source = str(path)
    return settings
