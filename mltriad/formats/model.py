"""What a reader makes of a file: a decision record, a model card, or a reason to skip it.

Every value keeps the line it was read from, so that a finding can point at it and
`mltriad adopt` can say where each field of the new front matter came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from mltriad.formats.names import TRIAD

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value read from a file, the line it is on, and the text as written there."""

    value: T
    line: int
    text: str = ""


@dataclass(frozen=True)
class Note:
    """Something in a legacy form: a key from an older format version, or a value that is
    read differently from how it is written; or a key of another tool's that mltriad does
    not read. `key` is the front-matter key it concerns."""

    kind: str  # LEGACY_KEY, LEGACY_VALUE or EXTRA_KEY
    message: str
    line: int
    key: str | None = None
    replacement: str | None = None


@dataclass
class DecisionReading:
    """A decision record in any of the formats, in the triad's terms."""

    path: str
    format: str
    title: Found[str] | None = None
    number: int | None = None
    status: Found[str] | None = None  # proposed, accepted, ... or 'superseded by REF'
    date: Found[str] | None = None  # YYYY-MM-DD
    decision_makers: Found[list[str]] | None = None
    consulted: Found[list[str]] | None = None
    informed: Found[list[str]] | None = None
    tags: Found[list[str]] | None = None
    superseded_by: Found[str] | None = None  # a record's file name without .md, or a number
    supersedes: list[Found[str]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    front_matter_keys: frozenset[str] = frozenset()

    kind = "decision"

    @property
    def is_legacy(self) -> bool:
        return self.format != TRIAD


@dataclass(frozen=True)
class HubResult:
    """One metric of a Hugging Face `model-index` entry (the value may be written as text)."""

    task_type: str | None
    dataset_type: str | None
    dataset_name: str | None
    metric_type: str | None
    value: float | None
    text: str
    line: int


@dataclass
class ModelCardReading:
    """A model card in any of the formats, in the triad's terms."""

    path: str
    format: str
    id: str = ""
    name: Found[str] | None = None
    version: Found[str] | None = None
    pipeline_tag: Found[str] | None = None
    task_input: Found[str] | None = None
    task_output: Found[str] | None = None
    intended_use: Found[list[str]] | None = None
    out_of_scope: Found[list[str]] | None = None
    training_data: Found[str] | None = None
    training_sources: list[str] = field(default_factory=list)
    license: Found[str] | None = None
    results: list[HubResult] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, contact), no role
    schema_version: str | None = None
    source: dict[str, Any] = field(default_factory=dict)  # the parsed JSON of a toolkit card
    notes: list[Note] = field(default_factory=list)
    front_matter_keys: frozenset[str] = frozenset()

    kind = "model-card"

    @property
    def is_legacy(self) -> bool:
        return self.format != TRIAD


@dataclass(frozen=True)
class Skipped:
    """A file that is not a record to read: a template, an index, or something else."""

    path: str
    reason: str  # TEMPLATE, INDEX, UNRECOGNISED or UNREADABLE
    message: str
    line: int = 1

    kind = None


Reading = DecisionReading | ModelCardReading | Skipped
