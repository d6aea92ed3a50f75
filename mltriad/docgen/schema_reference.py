"""The schema reference: one page per kind, read from the packaged JSON Schemas.

Each object in a schema (the top level, `task`, each item of `targets`, ...) becomes a
table of its fields with type, required-ness, title, description and allowed values,
so the page says exactly what `mltriad check` accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mltriad import schemas
from mltriad.docgen.markdown import code, heading, slug, table, text

Node = Mapping[str, Any]

# What each kind's schema validates, in the words of someone who edits the files.
VALIDATES = {
    "policy": "`triad.yaml` at the root of the repository",
    "model-card": "the YAML front matter of each model card (`model-cards/*.md`)",
    "decision": "the YAML front matter of each decision record (`decisions/NNNN-slug.md`)",
    "eval-set": "each evaluation-set manifest (`eval-sets/*.yaml`)",
    "signoff": "each sign-off record that `mltriad signoff` writes under `signoffs/`",
}

PAGE_TITLES = {
    "policy": "Policy (triad.yaml)",
    "model-card": "Model card",
    "decision": "Decision record",
    "eval-set": "Evaluation set",
    "signoff": "Sign-off record",
}

_TYPE_WORDS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
    "object": "mapping",
    "null": "empty",
}
_PLURALS = {
    "text": "text",
    "mapping": "mappings",
    "number": "numbers",
    "whole number": "whole numbers",
    "true or false": "true or false values",
}
_MAX_INLINE_VALUES = 12
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Field:
    """One key of an object: `name` as written in the file, or `<name>` for free keys."""

    name: str
    required: bool
    node: Node


@dataclass(frozen=True)
class Section:
    """One object of the schema and its fields; `path` is `""` for the top level."""

    path: str
    fields: tuple[Field, ...]
    note: str = ""


def kind_page_path(kind: str) -> str:
    return f"reference/schemas/{kind}.md"


def schema_file_path(kind: str) -> str:
    return f"reference/schemas/{schemas.KINDS[kind]}"


def sections(schema: Node) -> list[Section]:
    """Every object of `schema` that has fields, top level first, depth first."""
    found: list[Section] = []
    _collect(schema, schema, "", found, 0)
    return found


def _collect(root: Node, node: Node, path: str, found: list[Section], depth: int) -> None:
    node = resolve(root, node)
    fields = _fields(root, node)
    if not fields or depth > _MAX_DEPTH:
        return
    found.append(Section(path, tuple(fields), _object_note(node)))
    for f in fields:
        for child_path, child in _objects_below(root, f, _join(path, f.name)):
            _collect(root, child, child_path, found, depth + 1)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def resolve(root: Node, node: Node) -> Node:
    """Follow a local `$ref` (`#/$defs/role`), keeping the referring node's own keywords."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return resolve(root, merged)


def _fields(root: Node, node: Node) -> list[Field]:
    required = set(node.get("required", []))
    fields = [
        Field(name, name in required, resolve(root, sub))
        for name, sub in node.get("properties", {}).items()
    ]
    for pattern, sub in node.get("patternProperties", {}).items():
        fields.append(Field(_pattern_name(pattern), False, resolve(root, sub)))
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping) and extra:
        fields.append(Field("<name>", False, resolve(root, extra)))
    return fields


def _pattern_name(pattern: str) -> str:
    """`^x-` reads as `x-…`: a prefix is what the user types."""
    literal = re.fullmatch(r"\^([A-Za-z0-9_-]+)", pattern)
    return f"{literal.group(1)}…" if literal else f"keys matching {pattern}"


def _objects_below(root: Node, f: Field, path: str) -> Iterator[tuple[str, Node]]:
    """Objects nested in a field: itself, its list items, and the same in alternatives."""
    for alternative in _alternatives(root, f.node):
        if _fields(root, alternative):
            yield path, alternative
        items = alternative.get("items")
        if isinstance(items, Mapping):
            for item in _alternatives(root, resolve(root, items)):
                if _fields(root, item):
                    yield f"{path}[]", item


def _alternatives(root: Node, node: Node) -> list[Node]:
    branches = [resolve(root, b) for key in ("anyOf", "oneOf") for b in node.get(key, [])]
    return [node, *branches]


def type_of(root: Node, node: Node) -> str:
    """The type in plain words: `text`, `list of text`, `number or text`."""
    node = resolve(root, node)
    if "const" in node:
        return _value_type(node["const"])
    if "enum" in node:
        return _unique(_value_type(v) for v in node["enum"])
    declared = node.get("type")
    if declared:
        names = [declared] if isinstance(declared, str) else list(declared)
        return " or ".join(_type_word(root, node, name) for name in names)
    branches = [b for key in ("anyOf", "oneOf") for b in node.get(key, [])]
    if branches:
        return _unique(type_of(root, b) for b in branches if _describes_value(b))
    if "properties" in node or "additionalProperties" in node:
        return "mapping"
    return "any"


def _describes_value(node: Node) -> bool:
    return set(node) != {"required"}  # `anyOf: [{required: [min]}, ...]` constrains keys


def _type_word(root: Node, node: Node, name: str) -> str:
    if name != "array":
        return _TYPE_WORDS.get(name, name)
    items = node.get("items")
    if not isinstance(items, Mapping):
        return "list"
    inner = type_of(root, items)
    return "list of " + " or ".join(_plural(part) for part in inner.split(" or "))


def _plural(word: str) -> str:
    if word.startswith("list of "):
        return "lists" + word[4:]
    return _PLURALS.get(word, word)


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "number"
    return "text"


def _unique(words: Iterable[str]) -> str:
    """Alternatives joined by `or`, each once: `text or number`."""
    parts = [part for word in words for part in word.split(" or ") if part]
    return " or ".join(dict.fromkeys(parts))


def describe(root: Node, node: Node) -> str:
    """Title, description and constraints of one field, as Markdown for a table cell."""
    node = resolve(root, node)
    parts = []
    if node.get("title"):
        parts.append(f"**{text(node['title'])}.**")
    if node.get("description"):
        parts.append(text(node["description"]))
    rules = _constraints(root, node)
    if rules:
        parts.append(" ".join(rules))
    return " ".join(parts)


def _constraints(root: Node, node: Node) -> list[str]:
    found = _own_constraints(root, node)
    branches = [
        resolve(root, b)
        for key in ("anyOf", "oneOf")
        for b in node.get(key, [])
        if _describes_value(b)
    ]
    same_type = len({type_of(root, b) for b in branches}) == 1
    for number, branch in enumerate(branches):
        rules = " ".join(_own_constraints(root, branch))
        if not rules or len(branches) == 1:
            found += [rules] if rules else []
        elif same_type:
            found.append(rules if number == 0 else f"Or {_lower_first(rules)}")
        else:
            found.append(f"As {type_of(root, branch)}: {_lower_first(rules)}")
    return found


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def _own_constraints(root: Node, node: Node) -> list[str]:
    found: list[str] = []
    if "const" in node:
        found.append(f"Must be {code(json.dumps(node['const']))}.")
    if "enum" in node:
        found.append(_allowed(node["enum"]))
    if node.get("format") == "date":
        found.append("A date written YYYY-MM-DD.")
    if "pattern" in node:
        found.append(f"Form: {code(node['pattern'])}.")
    found += _ranges(node)
    if node.get("uniqueItems"):
        found.append("No repeated entries.")
    names = node.get("propertyNames", {})
    if isinstance(names, Mapping) and "pattern" in names:
        found.append(f"Keys of the form {code(names['pattern'])}.")
    if "default" in node:
        found.append(f"Default: {_literal(node['default'])}.")
    items = node.get("items")
    if isinstance(items, Mapping) and not _fields(root, resolve(root, items)):
        each = " ".join(_constraints(root, resolve(root, items)))
        if each:
            found.append(f"Each entry: {_lower_first(each)}")
    return found


def _allowed(values: list[Any]) -> str:
    shown = ", ".join(_literal(v) for v in values)
    if len(values) <= _MAX_INLINE_VALUES:
        return f"Allowed: {shown}."
    return f"<details><summary>Allowed: {len(values)} values</summary>{shown}</details>"


def _literal(value: Any) -> str:
    return code(value if isinstance(value, str) else json.dumps(value))


def _ranges(node: Node) -> list[str]:
    words = {
        "minimum": "At least {}.",
        "maximum": "At most {}.",
        "exclusiveMinimum": "More than {}.",
        "exclusiveMaximum": "Less than {}.",
        "minItems": "At least {} entries.",
        "maxItems": "At most {} entries.",
        "minProperties": "At least {} entries.",
        "maxLength": "At most {} characters.",
    }
    found = [template.format(node[key]) for key, template in words.items() if key in node]
    if node.get("minLength") == 1:
        found.append("Not empty.")
    elif "minLength" in node:
        found.append(f"At least {node['minLength']} characters.")
    return [f.replace("At least 1 entries.", "At least one entry.") for f in found]


def _object_note(node: Node) -> str:
    """Key-level rules a table row cannot show, such as 'needs min or max'."""
    groups = [
        b["required"]
        for key in ("anyOf", "oneOf")
        for b in node.get(key, [])
        if isinstance(b, Mapping) and set(b) == {"required"}
    ]
    if not groups:
        return ""
    options = " or ".join(", ".join(code(k) for k in group) for group in groups)
    return f"Each entry needs {options}."


def page(kind: str) -> str:
    """The reference page of one kind's schema."""
    schema = schemas.schema(kind)
    file_name = schemas.KINDS[kind]
    facts = table(
        ["", ""],
        [
            ["Validates", VALIDATES.get(kind, kind)],
            ["Schema id", code(schema.get("$id", ""))],
            ["JSON Schema", f"[{file_name}]({file_name}) (or `mltriad schema {kind}`)"],
        ],
    )
    parts = [
        f"# {PAGE_TITLES.get(kind, kind)} schema",
        "",
        text(schema.get("description", "")),
        "",
        facts,
        "",
        _legend(),
    ]
    for section in sections(schema):
        parts += ["", _section_markdown(kind, schema, section)]
    return "\n".join(parts) + "\n"


def _legend() -> str:
    return (
        "Each table lists the fields of one part of the file. *Required* fields must be "
        "present; the others may be left out. `<name>` stands for a key you choose, "
        "such as a role id; `[]` after a field means each entry of that list."
    )


def _section_markdown(kind: str, root: Node, section: Section) -> str:
    title = code(section.path) if section.path else "Top level"
    anchor = slug(f"{kind}-{section.path}") if section.path else "top-level"
    rows = [
        [code(f.name), type_of(root, f.node), "yes" if f.required else "no", describe(root, f.node)]
        for f in section.fields
    ]
    parts = [heading(2, title, anchor), ""]
    if section.note:
        parts += [section.note, ""]
    parts.append(table(["Field", "Type", "Required", "Description"], rows))
    return "\n".join(parts)


def ids_table() -> str:
    """Kind, schema id and reference page of every schema (for the schema overview)."""
    rows = []
    for kind in schemas.KINDS:
        schema = schemas.schema(kind)
        rows.append(
            [
                f"[{PAGE_TITLES.get(kind, kind)}]({kind}.md)",
                code(kind),
                code(schema.get("$id", "")),
                VALIDATES.get(kind, ""),
            ]
        )
    return table(["Schema", "Kind", "$id", "Validates"], rows)
