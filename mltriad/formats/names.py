"""What the readers share, without the readers: the names of the formats, of the reasons a
file is skipped and of the notes a reader leaves, the keys that tell mltriad's own format
from another tool's, and the tests on them.

The pre-commit hook checks files in mltriad's format; these tests tell it so without
loading a reader (`mltriad.formats.reading` and the readers load when a file is in
another tool's format).
"""

from __future__ import annotations

from typing import Any

from mltriad.documents import Document

# The files a reader reads.
SUFFIXES = (".md", ".markdown", ".json")

# Decision-record formats.
MADR = "madr"
MADR2 = "madr2"
NYGARD = "nygard"
PLAIN = "plain"
# Model-card formats.
HUGGING_FACE = "huggingface"
MODEL_CARD_TOOLKIT = "model-card-toolkit"
# Already in mltriad's own format (either kind).
TRIAD = "triad"

FORMAT_NAMES = {
    MADR: "MADR front matter",
    MADR2: "MADR 2 / log4brains",
    NYGARD: "Nygard / adr-tools",
    PLAIN: "Markdown without metadata",
    HUGGING_FACE: "Hugging Face model card",
    MODEL_CARD_TOOLKIT: "Model Card Toolkit JSON",
    TRIAD: "mltriad",
}

# Why a file is skipped.
TEMPLATE = "template"
INDEX = "index"
UNRECOGNISED = "unrecognised"
UNREADABLE = "unreadable"

# What a reader notes (`Note.kind`).
LEGACY_KEY = "legacy-key"
LEGACY_VALUE = "legacy-value"
# A Hugging Face card's key that neither the Hub documents nor mltriad reads.
EXTRA_KEY = "extra-key"

# Keys only mltriad's model cards have (a mapping `task` is mltriad's too).
CARD_TRIAD_KEYS = frozenset(
    {
        "id",
        "version",
        "status",
        "owners",
        "intended_use",
        "out_of_scope",
        "training_data",
        "eval_sets",
        "targets",
        "confusion",
        "results",
        "failure_modes",
        "constraints",
        "decisions",
    }
)
# Keys the Hub reads today.
HUB_KEYS = frozenset(
    {
        "license",
        "license_name",
        "license_link",
        "tags",
        "datasets",
        "metrics",
        "base_model",
        "base_model_relation",
        "new_version",
        "language",
        "library_name",
        "pipeline_tag",
        "thumbnail",
        "widget",
        "inference",
        "co2_eq_emissions",
        "model_name",
        "model-index",
    }
)
# Keys only mltriad's decision records have.
RECORD_TRIAD_KEYS = frozenset(
    {"driver", "approvers", "supersedes", "superseded-by", "models", "revisit-when"}
)


def has_triad_keys(data: dict[str, Any]) -> bool:
    """Keys only mltriad's model cards have (a decision record has a `status` too)."""
    return bool(set(data) & (CARD_TRIAD_KEYS - {"status"})) or isinstance(data.get("task"), dict)


def in_triad_format(doc: Document) -> bool:
    """Whether a decision record's front matter has any of the triad's own keys."""
    return (
        doc.has_front_matter
        and isinstance(doc.data, dict)
        and bool(set(doc.data) & RECORD_TRIAD_KEYS)
    )


def has_hub_null(data: dict[str, Any]) -> bool:
    """Whether one of the Hub's keys holds a null, at any depth (the Hub reads it as absent)."""
    return any(_has_null(v) for k, v in data.items() if k in HUB_KEYS)


def _has_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_null(v) for v in value)
    return False
