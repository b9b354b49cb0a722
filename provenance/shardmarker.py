"""The completion marker a shard leaves beside its reports (``shard-IIIII-of-NNNNN.done``): the one
definition of what ``check --shard`` writes and ``merge`` reads, and of its JSON Schema
(``schemas/shard-marker.schema.json``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, ValidationError, model_validator

from provenance.atomic import write_atomic


class ShardMarker(BaseModel):
    """What a finished shard ran under and holds. Strict: a marker edited by hand into another
    shape (``"shard": ["0", "3"]``, a count of ``true``) is no marker, where it would otherwise fail
    merge midway."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rules_digest: str = Field(description="the digest of the rule set the shard was checked with")
    settings: str = Field(description="the digest of the settings that change reports")
    rules_in_force: list[str] | None = Field(
        None, description="the ids of the rules the shard ran (none in older markers), so that merge's SARIF "
                          "describes them only when the rules it finds are these")
    version: str = Field(description="the provenance version that checked the shard")
    part_bytes: PositiveInt | None = Field(
        None, description="--part-size: JSONL files larger than this were read in parts of it "
                          "(none in markers older than the option: whole files)")
    compressed_read_bytes: PositiveInt | None = Field(
        None, description="compressed JSONL files were cut into parts by their compressed bytes, read this "
                          "many at a time (none in markers older than that: each compressed file was one unit)")
    shard: tuple[NonNegativeInt, PositiveInt] = Field(description="[I, N]: shard I of N, 0 <= I < N")
    threshold: float = Field(50.0, description="the pass threshold of the run")
    inputs: list[str] = Field(default_factory=list, description="the PATHs the run was given")
    units: list[NonNegativeInt] = Field(description="the reports of each input unit the shard held, in input "
                                                    "order (units I, I+N, I+2N...: files, or parts of files)")
    exit: int = Field(description="the shard run's exit code")
    reports: str | None = Field(None, description="the reports file beside the marker (none in older markers: "
                                                  "shard-IIIII-of-NNNNN.jsonl)")
    record_fields: dict[str, str] = Field(
        default_factory=dict, description="where the records keep their fields (record_fields), for merge's HTML "
                                          "report to read the texts again; empty: under their own names")

    @model_validator(mode="after")
    def _index_within_count(self) -> ShardMarker:
        if self.shard[0] >= self.shard[1]:
            raise ValueError("shard: I must be less than N")
        return self


def read_marker(path: Path) -> ShardMarker | None:
    """The marker at ``path``; None where there is none, or what is there is no marker."""
    try:
        return ShardMarker.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, RecursionError):
        return None


def write_marker(path: Path, marker: ShardMarker) -> None:
    write_atomic(path, marker.model_dump_json(indent=1) + "\n")
