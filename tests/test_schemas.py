"""The packaged JSON Schemas: valid 2020-12, stable ids, documented properties, Hub rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mltriad import schemas
from mltriad.data import data_dir

KINDS = sorted(schemas.KINDS)


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from properties(item, f"{where}[{i}]")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12_with_a_stable_id(kind: str) -> None:
    schema = schemas.schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://mltriad.dev/schemas/v1/")
    assert schema["$id"].endswith(schemas.KINDS[kind])
    assert schema["title"] and schema["description"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_title_and_description(kind: str) -> None:
    missing = [
        where
        for where, sub in properties(schemas.schema(kind))
        if not (sub.get("title") and sub.get("description"))
    ]
    assert missing == []


def test_schema_files_at_the_root_are_the_packaged_ones() -> None:
    for kind, name in schemas.KINDS.items():
        assert json.loads(schemas.schema_text(kind)) == schemas.schema(kind)
        assert (data_dir("schemas") / name).is_file()


def card(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "m",
        "version": "1",
        "status": "draft",
        "owners": {"ml-engineer": "a@b.c"},
        "task": {"input": "x", "output": "y"},
        "intended_use": "z",
        "eval_sets": [],
        "targets": [],
    }
    base.update(extra)
    return base


@pytest.mark.parametrize(
    ("extra", "valid"),
    [
        ({"license": "apache-2.0"}, True),
        ({"license": "Apache 2.0"}, False),
        ({"language": ["en", "pt-BR", "yue"]}, True),
        ({"language": "english"}, False),
        ({"pipeline_tag": "text-classification"}, True),
        ({"pipeline_tag": "classify-text"}, False),
        (
            {
                "model-index": [
                    {
                        "name": "m",
                        "results": [
                            {
                                "task": {"type": "t"},
                                "dataset": {"type": "d", "name": "D"},
                                "metrics": [{"type": "acc", "value": "0.9 ± 0.1"}],
                            }
                        ],
                    }
                ]
            },
            True,
        ),
        (
            {
                "model-index": [
                    {
                        "name": "m",
                        "results": [
                            {"task": {"type": "t"}, "dataset": {"type": "d"}, "metrics": []}
                        ],
                    }
                ]
            },
            False,
        ),
        ({"tags": ["a", 1]}, True),
        ({"x-team": {"anything": True}}, True),
    ],
)
def test_hugging_face_keys_follow_the_hub_rules(extra: dict[str, Any], valid: bool) -> None:
    assert schemas.validator("model-card").is_valid(card(**extra)) is valid
