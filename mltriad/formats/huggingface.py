"""Hugging Face model cards: a README.md whose front matter is the Hub's metadata.

The Hub's `model-index` holds evaluation results; its documented required keys are a
model name, and per result a task type, a dataset type and name, and metrics with a type
and a value (which cards often write as text: '0.91', '91.2 %', '0.91 ± 0.02'). Older
cards use keys the Hub has since renamed (`languages`, `licenses`, `library_tag`, a text
`task`), and `model_index` is a common misspelling: each is read, and noted with the key
the Hub expects now.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from mltriad.documents import Document
from mltriad.formats.model import (
    HUB_REQUIRED,
    HUGGING_FACE,
    LEGACY_KEY,
    LEGACY_VALUE,
    TRIAD,
    Found,
    HubResult,
    ModelCardReading,
    Note,
)
from mltriad.values import read_value, slug

# Keys only mltriad's model cards have (a mapping `task` is mltriad's too).
TRIAD_KEYS = frozenset(
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


def has_triad_keys(data: dict[str, Any]) -> bool:
    """Keys only mltriad's model cards have (a decision record has a `status` too)."""
    return bool(set(data) & (TRIAD_KEYS - {"status"})) or isinstance(data.get("task"), dict)


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
    if index_key == "model_index":  # the schema checks `model-index`, not its misspelling
        reading.notes.extend(_hub_required(index, index_key, doc))
    if isinstance(data.get("tags"), str):
        reading.notes.append(
            Note(
                LEGACY_VALUE,
                "`tags` is a single text; the Hub and mltriad read a list of tags",
                doc.locate(["tags"])[0],
                "tags",
            )
        )
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


# The keys the Hub documents as required in `model-index`, by level.
_REQUIRED = {
    "entry": ("name", "results"),
    "result": ("task", "dataset", "metrics"),
    "task": ("type",),
    "dataset": ("type", "name"),
    "metric": ("type", "value"),
}


def _hub_required(index: Any, key: str, doc: Document) -> list[Note]:
    """A note for each key the Hub requires that a `model_index` lacks."""
    notes: list[Note] = []

    def lacks(value: Any, level: str, where: list[str | int]) -> None:
        for name in _REQUIRED[level]:
            if not isinstance(value, dict) or name not in value:
                label = key + "".join(
                    f"[{w}]" if isinstance(w, int) else f".{w}" for w in where[1:]
                )
                notes.append(
                    Note(
                        HUB_REQUIRED,
                        f"missing required field '{name}' in {label}",
                        doc.locate(where)[0],
                        key,
                    )
                )

    for i, entry in enumerate(index if isinstance(index, list) else []):
        lacks(entry, "entry", [key, i])
        results = entry.get("results") if isinstance(entry, dict) else None
        for j, result in enumerate(results if isinstance(results, list) else []):
            where: list[str | int] = [key, i, "results", j]
            lacks(result, "result", where)
            if not isinstance(result, dict):
                continue
            for level in ("task", "dataset"):
                if level in result:
                    lacks(result[level], level, [*where, level])
            metrics = result.get("metrics")
            for k, metric in enumerate(metrics if isinstance(metrics, list) else []):
                lacks(metric, "metric", [*where, "metrics", k])
    return notes


def _field(mapping: Any, name: str) -> str | None:
    value = mapping.get(name) if isinstance(mapping, dict) else None
    return (
        str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    )
