"""Read the decision records and model cards teams already have, in the formats other
tools made popular, and say what they mean in the triad's terms.

One reader per format (`madr`, `madr2`, `nygard`, `huggingface`, `toolkit`); `read` picks
the reader from the file's content (and the kind its path has, when it has one), and
returns a `DecisionReading`, a `ModelCardReading`, or a `Skipped` for templates, indexes
and files that are neither. Reading never raises: a file that cannot be read is a
`Skipped` with the reason.

Importing this package is cheap: the readers (`mltriad.formats.reading`) load on first
use, and `reading_of` and `as_the_hub_reads` answer for a file in mltriad's own format
without them. The pre-commit hook checks such files, and starts faster for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mltriad.formats.names import (
    FORMAT_NAMES,
    SUFFIXES,
    has_hub_null,
    has_triad_keys,
    in_triad_format,
)

if TYPE_CHECKING:
    from mltriad.documents import Document
    from mltriad.formats.huggingface import HubMetadata
    from mltriad.formats.model import (
        DecisionReading,
        Found,
        HubResult,
        ModelCardReading,
        Note,
        Reading,
        Skipped,
    )
    from mltriad.formats.reading import read, read_document

__all__ = [
    "FORMAT_NAMES",
    "SUFFIXES",
    "DecisionReading",
    "Found",
    "HubResult",
    "ModelCardReading",
    "Note",
    "Reading",
    "Skipped",
    "as_the_hub_reads",
    "detect_kind",
    "in_triad_format",
    "read",
    "read_document",
    "reading_of",
]

# The names that load the readers, and the module each comes from.
_LAZY = {
    "read": "mltriad.formats.reading",
    "read_document": "mltriad.formats.reading",
    "DecisionReading": "mltriad.formats.model",
    "Found": "mltriad.formats.model",
    "HubResult": "mltriad.formats.model",
    "ModelCardReading": "mltriad.formats.model",
    "Note": "mltriad.formats.model",
    "Reading": "mltriad.formats.model",
    "Skipped": "mltriad.formats.model",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def detect_kind(path: str, raw: bytes) -> str | None:
    """'decision' or 'model-card' when the file is a record or card in a format mltriad
    reads (in its own format or another tool's), else None. For files no policy glob
    locates, such as a folder of records checked by path."""
    if not path.lower().endswith(SUFFIXES):
        return None
    from mltriad.formats import reading

    return reading.detect_kind(path, raw)


def reading_of(kind: str, path: str, doc: Document | None, raw: bytes) -> Reading | None:
    """The legacy reading of an artifact `check` loaded, or None when it is in mltriad's
    format (or a Markdown file without metadata, which MT008 reports).

    What is plainly None is answered here; the rest by `reading.reading_of`, which reads
    the file with the reader of its format."""
    json_card = kind == "model-card" and path.lower().endswith(".json")
    if not json_card:
        if doc is None or kind not in ("decision", "model-card"):
            return None
        if doc.has_front_matter or kind == "model-card":
            if not doc.has_front_matter or not isinstance(doc.data, dict):
                return None
            if kind == "decision" and in_triad_format(doc):
                return None
            if kind == "model-card" and has_triad_keys(doc.data):
                return None
    from mltriad.formats import reading

    return reading.reading_of(kind, path, doc, raw)


def as_the_hub_reads(doc: Document) -> Document | HubMetadata:
    """`doc` itself when none of the Hub's keys holds a null (most cards), else its
    metadata without them (`HubMetadata`)."""
    if not isinstance(doc.data, dict) or not has_hub_null(doc.data):
        return doc
    from mltriad.formats import huggingface

    return huggingface.as_the_hub_reads(doc)
