"""The fast paths the benchmarks led to give exactly the answers of the slow ones.

- the compiled schema validator agrees with jsonschema on valid, invalid and odd data;
- look-ups by id and decision number agree with a linear scan in path order;
- the working tree resolves symlinks as os.path.realpath does, one folder at a time;
- the check runs without the cyclic garbage collector and restores it.
"""

from __future__ import annotations

import copy
import gc
import importlib.util
import json
import os
import posixpath
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mltriad import documents, schemas
from mltriad.artifacts import Repository, decision_number, parse, parse_decision_ref, stem
from mltriad.commands.check import check
from mltriad.findings import ParseError
from mltriad.policy import read_policy
from mltriad.snapshot import WorkTree, normalize
from mltriad.values import collector_paused
from tests.helpers import EXAMPLE_REPO, TESTS

ROOT = TESTS.parent
KIND_OF_FOLDER = {
    "model-cards": "model-card",
    "decisions": "decision",
    "eval-sets": "eval-set",
    "signoffs": "signoff",
    "model-card": "model-card",
    "decision": "decision",
    "eval-set": "eval-set",
}


def jsonschema_valid(schema: dict[str, Any], instance: Any) -> bool:
    checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return bool(checker.is_valid(instance))


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def seed_documents() -> list[tuple[str, Any]]:
    """Valid and invalid documents of every kind: the examples and a generated repository."""
    found: list[tuple[str, Any]] = []
    for path in sorted((TESTS / "examples").rglob("*")):
        kind = KIND_OF_FOLDER.get(path.relative_to(TESTS / "examples").parts[0])
        if kind and path.is_file():
            artifact = parse(kind, path.name, path.read_bytes())
            if artifact.doc is not None:
                found.append((kind, artifact.data))
    for rel, text in load_generator().Writer(40, seed=3).build().items():
        kind = "policy" if rel == "triad.yaml" else KIND_OF_FOLDER.get(rel.split("/", 1)[0])
        if kind:
            found.append((kind, parse(kind, rel, text.encode()).data))
    return found


SEEDS = seed_documents()


def vocabulary() -> tuple[list[str], list[Any]]:
    """Every property name and enum value of the packaged schemas, to build likely data."""
    keys: set[str] = {"x-note", "extra_gated_prompt", "Unknown Key", ""}
    values: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(k for k in node.get("properties", {}) if isinstance(k, str))
            values.extend(node.get("enum", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for kind in schemas.KINDS:
        walk(schemas.schema(kind))
    return sorted(keys), values


KEYS, ENUM_VALUES = vocabulary()
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 1.0, 2.0, -0.0, 1e300]),
    st.sampled_from(ENUM_VALUES),
    st.sampled_from(
        [
            "",
            "x",
            "A B",
            "ml-engineer",
            "ada@example.org",
            "not an email",
            "2026-01-31",
            "2026-02-30",
            "2026-1-1",
            "2026-01-01\n",
            "sha256:" + "a" * 64,
            "removed:sha256:" + "0" * 64,
            "superseded by 0003",
            "Superseded by x",
            "-----BEGIN SSH SIGNATURE-----",
            "fraud-detector",
            "Fraud_Detector",
        ]
    ),
    st.text(max_size=6),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in children:
        yield from paths(value, (*prefix, key))


def mutate(document: Any, data: st.DataObject) -> Any:
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(list(paths(document))))
        if not where:
            continue
        parent = document
        for step in where[:-1]:
            parent = parent[step]
        target = parent[where[-1]]
        operation = data.draw(st.sampled_from(["replace", "delete", "add", "append"]))
        if operation == "replace":
            parent[where[-1]] = data.draw(VALUES)
        elif operation == "delete":
            del parent[where[-1]]
        elif operation == "add" and isinstance(target, dict):
            target[data.draw(st.sampled_from(KEYS))] = data.draw(VALUES)
        elif operation == "append" and isinstance(target, list):
            again = bool(target) and data.draw(st.booleans())
            target.append(copy.deepcopy(target[0]) if again else data.draw(VALUES))
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_compiled_validator_agrees_with_jsonschema_on_mutated_artifacts(
    data: st.DataObject,
) -> None:
    kind, document = data.draw(st.sampled_from(SEEDS))
    mutated = mutate(document, data)
    fast = schemas.fast_validator(kind)
    assert fast is not None
    assert fast(mutated) == jsonschema_valid(schemas.schema(kind), mutated), json.dumps(
        mutated, default=str
    )


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(list(schemas.KINDS)), value=VALUES)
def test_compiled_validator_agrees_with_jsonschema_on_arbitrary_data(kind: str, value: Any) -> None:
    fast = schemas.fast_validator(kind)
    assert fast is not None
    assert fast(value) == jsonschema_valid(schemas.schema(kind), value)


def test_every_packaged_schema_compiles() -> None:
    assert all(schemas.fast_validator(kind) is not None for kind in schemas.KINDS)


def test_seed_documents_include_valid_and_invalid_ones() -> None:
    verdicts = {jsonschema_valid(schemas.schema(kind), doc) for kind, doc in SEEDS}
    assert verdicts == {True, False}
    for kind, doc in SEEDS:
        assert schemas.is_valid(kind, doc) == jsonschema_valid(schemas.schema(kind), doc)


RECURSIVE = {
    "$defs": {
        "node": {
            "type": "object",
            "properties": {"next": {"$ref": "#/$defs/node"}, "n": {"type": "integer"}},
        }
    },
    "$ref": "#/$defs/node",
}
SEMANTICS: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1", None, float("inf")]),
    ({"type": "number"}, [1, 0.5, True, False, "0"]),
    ({"type": ["string", "null"]}, ["", None, 0, []]),
    ({"const": 1}, [1, 1.0, True, "1"]),
    ({"const": [1, {"a": False}]}, [[1, {"a": False}], [True, {"a": 0}], [1.0, {"a": False}]]),
    ({"enum": [1, "a", None]}, [True, 1.0, "a", None, False]),
    ({"enum": ["a", "b"]}, ["a", "c", 1, ["a"]]),
    (
        {"uniqueItems": True},
        [[1, True], [1, 1.0], [[1], [True]], [{"a": 1}, {"a": 1}], ["a", "a"], "aa"],
    ),
    ({"uniqueItems": False}, [[1, 1]]),
    (
        {"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False},
        [{"x-a": 1}, {"x-a": "s"}, {"b": 1}, {}, "not an object"],
    ),
    (
        {"properties": {"a": {"type": "string"}}, "patternProperties": {"a": {"minLength": 2}}},
        [{"a": "x"}, {"a": "xy"}, {"ab": "x"}],
    ),
    (
        {"properties": {"a": {}}, "additionalProperties": {"type": "integer"}},
        [{"a": "s", "b": 1}, {"b": "x"}],
    ),
    ({"additionalProperties": {"type": "integer"}}, [{"a": 1, "b": "x"}, {"a": 1}]),
    (
        {"patternProperties": {"^a": {"type": "integer"}, "b$": {"minimum": 3}}},
        [{"ab": 2}, {"ab": 3}, {"ab": "x"}],
    ),
    (RECURSIVE, [{"next": {"next": {"n": 1}}}, {"next": {"next": {"n": "x"}}}, {"next": 3}]),
    (
        {"type": "string", "format": "date"},
        ["2026-01-31", "2026-02-30", "2026-1-1", "2026-01-01\n", "x"],
    ),
    ({"format": "date"}, [20260101, None, "\uff12\uff10\uff12\uff16-01-01"]),
    ({"minimum": 0, "maximum": 1}, [-1, 2, True, "x", 0.5, float("nan")]),
    ({"minLength": 1, "minItems": 1, "minProperties": 1}, ["", [], {}, "a", [0], {"a": 1}, 0]),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"A": 1}, {"ab": 1}, []]),
    ({"items": {"type": "string"}}, [["a", 1], ["a"], "not a list"]),
    ({"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}, [{}, {"min": 1}, [], "x"]),
    ({"required": ["a"], "type": "object"}, [{"a": None}, {}, []]),
    ({"title": "only annotations", "description": "d", "x-hint": "h", "default": 1}, [1, None]),
    (True, [1]),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("schema", "instances"), SEMANTICS)
def test_compiled_keywords_follow_jsonschema_semantics(
    schema: dict[str, Any], instances: list[Any]
) -> None:
    compiled = schemas.compile_schema(schema)
    assert compiled is not None
    for instance in instances:
        assert compiled(instance) == jsonschema_valid(schema, instance), (schema, instance)


@pytest.mark.parametrize(
    "schema",
    [
        {"not": {"type": "string"}},
        {"format": "email"},
        {"prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
        {"properties": {"a": {"$id": "https://example.org/a", "type": "string"}}},
        {"$ref": "https://example.org/other.json"},
        {"$ref": "#/$defs/missing"},
        {"type": "strange"},
        {"unevaluatedProperties": False},
    ],
)
def test_schemas_with_unsupported_keywords_are_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert schemas.compile_schema(schema) is None


def test_validate_still_explains_invalid_documents() -> None:
    found = schemas.validate("model-card", {"status": "shipped"}, None)
    assert {f.rule for f in found} >= {"MT101", "MT104"}
    # A decision's required keys and statuses are the policy's (rules/decisions.py).
    found = schemas.validate("decision", {"status": 7, "date": "2026-02-30"}, None)
    assert {f.rule for f in found} == {"MT103", "MT105"}


# -- composing YAML ------------------------------------------------------------------------
def same_nodes(one: Any, two: Any) -> bool:
    if type(one) is not type(two) or one.tag != two.tag:
        return False
    if (one.start_mark.line, one.start_mark.column) != (two.start_mark.line, two.start_mark.column):
        return False
    if isinstance(one, yaml.ScalarNode):
        return bool(one.value == two.value and one.style == two.style)
    if len(one.value) != len(two.value):
        return False
    if isinstance(one, yaml.SequenceNode):
        return all(same_nodes(a, b) for a, b in zip(one.value, two.value, strict=True))
    return all(
        same_nodes(k1, k2) and same_nodes(v1, v2)
        for (k1, v1), (k2, v2) in zip(one.value, two.value, strict=True)
    )


def composed(text: str, loader: Any) -> Any:
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        return str(exc)


PLAIN_SCALARS = st.sampled_from(
    [
        "yes",
        "No",
        "~",
        "null",
        "",
        "0x1F",
        "0o17",
        "1_000",
        "-.inf",
        ".NaN",
        "2026-01-01",
        "2026-01-01 10:00:00",
        "1e3",
        "+1",
        "=",
        "<<",
        "true",
        "TRUE",
        "tRue",
        "12:30:00",
        "0b101",
        "a b",
        "-",
        "!!str 1",
    ]
)
YAML_TEXTS = st.one_of(
    st.lists(st.tuples(st.text("abc-_", min_size=1, max_size=4), PLAIN_SCALARS), max_size=6).map(
        lambda pairs: "".join(f"{k}: {v}\n" for k, v in pairs)
    ),
    VALUES.map(lambda v: yaml.safe_dump({"root": v}, default_flow_style=None)),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(YAML_TEXTS)
def test_trimmed_loader_composes_exactly_what_the_safe_loader_does(text: str) -> None:
    reference = composed(text, yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
    ours = composed(text, documents._Loader)
    if isinstance(reference, str) or reference is None:
        assert ours == reference
    else:
        assert same_nodes(ours, reference), text


# -- look-ups by id and number ------------------------------------------------------------
def linear_find(paths_: list[str], ref: str | int) -> str | None:
    return next((p for p in paths_ if stem(p) == str(ref)), None)


def linear_find_decision(paths_: list[str], ref: str | int) -> str | None:
    number = parse_decision_ref(ref)
    for p in paths_:
        if stem(p) == str(ref) or (number is not None and decision_number(p) == number):
            return p
    return None


class ListedSnapshot:
    """Just enough of a Snapshot to list paths: the look-ups never read a file."""

    label = "listed"

    def __init__(self, files: list[str]) -> None:
        self.files = sorted(files)

    def glob(self, pattern: str) -> list[str]:
        prefix = pattern.split("/", 1)[0] + "/"
        return [f for f in self.files if f.startswith(prefix)]

    def exists(self, path: str) -> bool:
        return path in self.files

    def read_bytes(self, path: str, limit: int = 0) -> bytes:
        raise AssertionError("a look-up must not read files")


NAMES = st.sampled_from(
    [
        "0001-a",
        "0001-b",
        "1-c",
        "0002-a",
        "12-x",
        "0012-y",
        "readme-7",
        "a",
        "fraud",
        "fraud-2",
        "ADR-0003",
        "0003-z",
        "no-number",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(NAMES, max_size=8, unique=True),
    ref=st.one_of(
        NAMES, st.integers(0, 13), st.sampled_from(["ADR-0012", "[x](0002-a.md)", "007"])
    ),
)
def test_indexed_look_ups_match_a_linear_scan(names: list[str], ref: str | int) -> None:
    policy, _ = read_policy(WorkTree(EXAMPLE_REPO))
    files = [f"decisions/{n}.md" for n in names] + [f"eval-sets/{n}.yaml" for n in names]
    repo = Repository(ListedSnapshot(files), policy)
    decisions = repo.paths("decision")
    assert repo.find_decision(ref) == linear_find_decision(decisions, ref)
    assert repo.find("decision", ref) == linear_find_decision(decisions, ref)
    assert repo.find("eval-set", ref) == linear_find(repo.paths("eval-set"), ref)
    for number in range(14):
        assert repo.numbered(number) == [p for p in decisions if decision_number(p) == number]


# -- the working tree -----------------------------------------------------------------------
def normalize_by_normpath(path: str) -> str | None:
    """normalize() as it was first written, always through posixpath.normpath."""
    if not path or "\x00" in path:
        return None
    path = path.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return None
    clean = posixpath.normpath(path)
    return None if clean == ".." or clean.startswith("../") else clean


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b.md", ".", "..", "/", "\\", "C:", "", " ", "\x00", ".x"]),
        max_size=8,
    ).map("".join)
)
def test_normalize_takes_its_short_cut_only_for_clean_paths(path: str) -> None:
    assert normalize(path) == normalize_by_normpath(path)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "inside").mkdir(parents=True)
    (root / "inside" / "card.md").write_text("---\nid: x\n---\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret", encoding="utf-8")
    os.symlink(outside, root / "folder-out")
    os.symlink(outside / "secret.md", root / "inside" / "file-out.md")
    os.symlink(root / "inside", root / "folder-in")
    os.symlink("card.md", root / "inside" / "file-in.md")
    os.symlink("../folder-out/secret.md", root / "inside" / "hop-out.md")
    return root


@pytest.mark.parametrize(
    "path",
    [
        "folder-out/secret.md",
        "inside/file-out.md",
        "inside/hop-out.md",
        "folder-in/hop-out.md",
        "../outside/secret.md",
    ],
)
def test_paths_leading_outside_are_refused(tree: Path, path: str) -> None:
    snapshot = WorkTree(tree)
    with pytest.raises(ParseError) as caught:
        snapshot.read_bytes(path)
    assert caught.value.rule_id == "MT012"
    assert not snapshot.exists(path)


@pytest.mark.parametrize(
    "path",
    [
        "inside/card.md",
        "folder-in/card.md",
        "inside/file-in.md",
        "folder-in/file-in.md",
        "./inside/../inside/card.md",
    ],
)
def test_symlinks_inside_the_tree_are_followed(tree: Path, path: str) -> None:
    snapshot = WorkTree(tree)
    assert snapshot.exists(path)
    assert snapshot.read_bytes(path) == b"---\nid: x\n---\n"
    assert snapshot.real_path(path) == Path(os.path.realpath(tree / path))


def test_reads_with_no_practical_limit_do_not_allocate_the_limit(tree: Path) -> None:
    assert WorkTree(tree).read_bytes("inside/card.md", 1 << 40) == b"---\nid: x\n---\n"


def test_oversize_files_are_refused_before_reading(tree: Path) -> None:
    with pytest.raises(ParseError) as caught:
        WorkTree(tree).read_bytes("inside/card.md", 4)
    assert caught.value.rule_id == "MT005"


# -- the garbage collector ------------------------------------------------------------------
def test_check_pauses_the_collector_and_restores_it() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_check_restores_the_collector_after_an_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"triad\.yaml"):
        check(tmp_path)
    assert gc.isenabled()
    assert check(EXAMPLE_REPO).ok
    assert gc.isenabled()
