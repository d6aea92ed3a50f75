"""Hugging Face model cards: a README.md whose front matter is the Hub's metadata.

The Hub's `model-index` holds evaluation results; its documented required keys are a
model name, and per result a task type, a dataset type and name, and metrics with a type
and a value (which cards often write as text: '0.91', '91.2 %', '0.91 ± 0.02'). Older
cards use keys the Hub has since renamed (`languages`, `licenses`, `library_tag`, a text
`task`), and `model_index` is a common misspelling: each is read, and noted with the key
the Hub expects now. The Hub ignores `model_index`, so what is inside it is not judged.

The metadata is judged as the Hub reads it (`as_the_hub_reads`): a key of the Hub's whose
value is null (`thumbnail:` with nothing after it) is absent, and the Hub keeps keys of
its own beyond the documented ones (`sample_rate`, `duplicated_from`, ...), which a
Hugging Face card may have: each is noted, with no advice to rename it unless it plainly
misspells a Hub key.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mltriad.documents import Document
from mltriad.formats.model import Found, HubResult, ModelCardReading, Note
from mltriad.formats.names import (
    EXTRA_KEY,
    HUB_KEYS,
    HUGGING_FACE,
    LEGACY_KEY,
    TRIAD,
    has_hub_null,
    has_triad_keys,
)
from mltriad.schemas import schema
from mltriad.values import read_value, slug

# Older or misspelled keys, and the key the Hub reads instead.
LEGACY_KEYS = {
    "model_index": "model-index",
    "languages": "language",
    "licenses": "license",
    "library_tag": "library_name",
}
# Keys that say "this is a model card" even alone (a README with only `license: mit` is not).
_DISTINCTIVE = frozenset(
    {
        "model-index",
        "model_index",
        "pipeline_tag",
        "library_name",
        "library_tag",
        "base_model",
        "widget",
        "inference",
        "co2_eq_emissions",
        "datasets",
        "model_name",
    }
)
_README = re.compile(r"(?:^|[_.\- ])(?:readme|model[_-]?card)$", re.IGNORECASE)


@dataclass
class HubMetadata:
    """A card's front matter as the Hub reads it, where a null is absent: a key of the Hub's
    whose value is null, and at any depth of such a key's value a null entry or list item.

    It locates nodes as the document does (`data`, `path`, `locate`), in the document's own
    coordinates: an index into a list that lost a null item is mapped back."""

    doc: Document
    data: dict[str, Any]
    kept: dict[tuple[str | int, ...], list[int]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.doc.path

    def locate(self, where: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        original: list[str | int] = []
        for step in where:
            indices = self.kept.get(tuple(original))
            original.append(indices[step] if indices and isinstance(step, int) else step)
        return self.doc.locate(original, key=key)


def as_the_hub_reads(doc: Document) -> Document | HubMetadata:
    """`doc` itself when none of the Hub's keys holds a null (most cards), else its
    metadata without them (`HubMetadata`)."""
    if not isinstance(doc.data, dict):
        return doc
    kept: dict[tuple[str | int, ...], list[int]] = {}
    data = hub_metadata(doc.data, kept)
    return doc if data is doc.data else HubMetadata(doc, data, kept)


def hub_metadata(
    data: dict[str, Any], kept: dict[tuple[str | int, ...], list[int]] | None = None
) -> dict[str, Any]:
    """`data` with the Hub's keys as the Hub reads them, a null absent (`data` itself when
    none holds one). `kept` records, by the path of each list that lost a null item, the
    indices of the items it keeps."""
    if not has_hub_null(data):
        return data
    kept = {} if kept is None else kept
    read: dict[str, Any] = {}
    for key, value in data.items():
        if key not in HUB_KEYS:
            read[key] = value
        elif value is not None:
            read[key] = _without_nulls(value, (key,), kept)
    return read


def _without_nulls(
    value: Any, where: tuple[str | int, ...], kept: dict[tuple[str | int, ...], list[int]]
) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v, (*where, k), kept) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        indices = [i for i, item in enumerate(value) if item is not None]
        if len(indices) < len(value):
            kept[where] = indices
        return [_without_nulls(value[i], (*where, i), kept) for i in indices]
    return value


def is_hub_card(path: str, data: dict[str, Any]) -> bool:
    """Front matter that is a Hugging Face model card's metadata: a key only cards have, or
    any Hub key in a file named like a card (README.md, as the Hub names it)."""
    keys = set(data)
    if keys & _DISTINCTIVE or keys & set(LEGACY_KEYS):
        return True
    if "tags" in keys and keys & {"license", "language", "licenses", "languages"}:
        return True
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return bool(_README.search(stem)) and bool(keys & (HUB_KEYS | {"languages", "licenses"}))


def card_id(path: str, name: str | None = None) -> str:
    """The id a card gets: its file name ('README' dropped), else its folder, else its name."""
    folder, file_name = posixpath.split(path)
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    base = _README.sub("", stem)
    if not slug(base):
        base = posixpath.basename(folder)
    return slug(base) or slug(name or "") or "model"


def read(path: str, doc: Document) -> ModelCardReading:
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    fmt = TRIAD if has_triad_keys(data) else HUGGING_FACE
    reading = ModelCardReading(path, fmt, front_matter_keys=frozenset(data))
    index_key = "model-index" if "model-index" in data else "model_index"
    index = data.get(index_key)
    reading.name = _name(data, index, index_key, doc)
    reading.id = (
        data["id"] if isinstance(data.get("id"), str) else card_id(path, _text(reading.name))
    )
    reading.pipeline_tag = _pipeline_tag(data, doc)
    reading.license = _license(data, doc)
    reading.results = list(_results(index, index_key, doc))
    reading.notes.extend(_legacy_keys(data, doc))
    if fmt == HUGGING_FACE:
        reading.notes.extend(_extra_keys(data, doc))
    return reading


def _text(found: Found[str] | None) -> str | None:
    return found.value if found else None


def _name(data: dict[str, Any], index: Any, key: str, doc: Document) -> Found[str] | None:
    if isinstance(index, list) and index and isinstance(index[0], dict):
        name = index[0].get("name")
        if isinstance(name, str) and name.strip():
            return Found(name.strip(), doc.locate([key, 0, "name"])[0])
    name = data.get("model_name")
    if isinstance(name, str) and name.strip():
        return Found(name.strip(), doc.locate(["model_name"])[0])
    return None


def _pipeline_tag(data: dict[str, Any], doc: Document) -> Found[str] | None:
    for key in ("pipeline_tag", "task"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return Found(value.strip(), doc.locate([key])[0])
    return None


def _license(data: dict[str, Any], doc: Document) -> Found[str] | None:
    value = data.get("license")
    if isinstance(value, str) and value.strip():
        return Found(value.strip(), doc.locate(["license"])[0])
    legacy = data.get("licenses")
    if isinstance(legacy, str) and legacy.strip():
        return Found(legacy.strip(), doc.locate(["licenses"])[0])
    if isinstance(legacy, list) and len(legacy) == 1 and isinstance(legacy[0], str):
        return Found(legacy[0].strip(), doc.locate(["licenses", 0])[0])
    return None


def _legacy_keys(data: dict[str, Any], doc: Document) -> list[Note]:
    notes = []
    for old, new in LEGACY_KEYS.items():
        if old in data:
            notes.append(
                Note(
                    LEGACY_KEY,
                    f"`{old}` is not a key the Hub or mltriad reads; did you mean '{new}'?",
                    doc.locate([old], key=True)[0],
                    old,
                    new,
                )
            )
    if isinstance(data.get("task"), str):
        notes.append(
            Note(
                LEGACY_KEY,
                f"`task: {data['task']}` is the Hub's older name for `pipeline_tag`; did you mean "
                "'pipeline_tag'? (mltriad's `task` is a mapping with the model's input and output)",
                doc.locate(["task"], key=True)[0],
                "task",
                "pipeline_tag",
            )
        )
    return notes


def _results(index: Any, key: str, doc: Document) -> list[HubResult]:
    found: list[HubResult] = []
    for i, entry in enumerate(index if isinstance(index, list) else []):
        results = entry.get("results") if isinstance(entry, dict) else None
        for j, result in enumerate(results if isinstance(results, list) else []):
            if not isinstance(result, dict):
                continue
            task, dataset = result.get("task"), result.get("dataset")
            metrics = result.get("metrics")
            for k, metric in enumerate(metrics if isinstance(metrics, list) else []):
                if not isinstance(metric, dict):
                    continue
                value = metric.get("value")
                number = read_value(value)
                found.append(
                    HubResult(
                        task_type=_field(task, "type"),
                        dataset_type=_field(dataset, "type"),
                        dataset_name=_field(dataset, "name"),
                        metric_type=_field(metric, "type"),
                        value=number[0] if number else None,
                        text="" if value is None else str(value),
                        line=doc.locate([key, i, "results", j, "metrics", k, "value"])[0],
                    )
                )
    return found


def _extra_keys(data: dict[str, Any], doc: Document) -> list[Note]:
    """A note for each key that neither the Hub documents nor mltriad reads. The Hub keeps
    such keys, and tools read some of them, so the note suggests a Hub key only for what is
    plainly a misspelling of one ('licence', 'pipeline-tag', 'dataset')."""
    card = schema("model-card")
    known = set(card["properties"]) | set(LEGACY_KEYS)
    patterns = [re.compile(p) for p in card["patternProperties"]]
    notes = []
    for key in data:
        if not isinstance(key, str) or key in known or any(p.search(key) for p in patterns):
            continue
        spelled = hub_spelling(key)
        advice = (
            f", so neither uses it; did you mean '{spelled}'?"
            if spelled
            else ": mltriad leaves it alone, and the Hub keeps it in the card's metadata, "
            "where other tools may read it"
        )
        message = f"`{key}` is not a key the Hub documents or mltriad reads{advice}"
        line = doc.locate([key], key=True)[0]
        notes.append(Note(EXTRA_KEY, message, line, key, spelled))
    return notes


def hub_spelling(key: str) -> str | None:
    """The Hub key that `key` misspells: the same but for case, '-' for '_' or a plural
    's', or for one letter changed or two swapped in a word of five letters or more."""
    word = key.lower().replace("-", "_")
    for hub in sorted(HUB_KEYS):
        target = hub.replace("-", "_")
        if word in (target, target + "s") or word + "s" == target:
            return hub if hub != key else None
        if len(word) >= 5 and len(word) == len(target) and _one_slip(word, target):
            return hub
    return None


def _one_slip(word: str, target: str) -> bool:
    """One letter changed, or two neighbours swapped (`word` and `target` are as long)."""
    differ = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
    if len(differ) == 1:
        return True
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and word[differ[0]] == target[differ[1]]
        and word[differ[1]] == target[differ[0]]
    )


def _field(mapping: Any, name: str) -> str | None:
    value = mapping.get(name) if isinstance(mapping, dict) else None
    return (
        str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    )
