"""Settings: from ``provenance.toml`` or ``[tool.provenance]`` in ``pyproject.toml``, found upward
from the first checked path; command-line flags override them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from provenance.sources import DEFAULT_MAX_BYTES


class ConfigError(Exception):
    """A settings file that cannot be used."""


class Weights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provenance: float = Field(0.3, ge=0)
    attribution: float = Field(0.3, ge=0)
    residue: float = Field(0.4, ge=0)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(50.0, ge=0, le=100, description="Overall score a document needs to pass")
    weights: Weights = Field(default_factory=Weights)
    rules: list[str] = Field(default_factory=list, description="Extra rule folders, relative to the settings file")
    enable: list[str] = Field(default_factory=list, description="If set, only these rule ids run")
    disable: list[str] = Field(default_factory=list, description="Rule ids that never run")
    max_bytes: int = Field(DEFAULT_MAX_BYTES, ge=1, description="Files or records larger than this are skipped")
    regex_timeout: float = Field(2.0, gt=0, description="Seconds one pattern may spend on one document")
    engine: Literal["prefilter", "reference"] = Field(
        "prefilter", description="Signature matcher: RE2 prefilter then regex confirm, or regex alone (same findings)")
    source: str | None = Field(None, description="The settings file these came from")


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
    if nested:
        data = data.get("tool", {}).get("provenance", {})
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {key}: {first['msg']}") from None
    settings.rules = [str((path.parent / r).resolve()) for r in settings.rules]
    settings.source = str(path)
    return settings
