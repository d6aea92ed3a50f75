"""The packaged JSON Schemas, compiled once per process, and their errors as findings."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mltriad.findings import Finding, define, finding

KINDS = {
    "policy": "triad.schema.json",
    "model-card": "model-card.schema.json",
    "decision": "decision.schema.json",
    "eval-set": "eval-set.schema.json",
    "signoff": "signoff.schema.json",
}

MISSING_PROPERTY = define(
    "MT101",
    "missing-property",
    "A required field is missing.",
    example="id: fraud-detector\n# no status:",
    fix="Add the field (the message names it).",
)
UNKNOWN_PROPERTY = define(
    "MT102",
    "unknown-property",
    "A field is not part of the schema (often a typo; the message suggests the nearest name).",
    example="model_index: []   # did you mean model-index?",
    fix="Rename or remove the field, or prefix it with x-.",
)
WRONG_TYPE = define(
    "MT103",
    "wrong-type",
    "A value has the wrong type.",
    example="targets: recall >= 0.9   # must be a list",
    fix="Write the value with the type the message names.",
)
NOT_ALLOWED = define(
    "MT104",
    "value-not-allowed",
    "A value is not one of the allowed values.",
    example="status: shipped   # draft, candidate, production or retired",
    fix="Use one of the values listed.",
)
BAD_FORMAT = define(
    "MT105",
    "bad-format",
    "A string does not have the required form (pattern, date, id).",
    example="date: 22/11/2026   # YYYY-MM-DD",
    fix="Rewrite the value in the form the message gives.",
)
OUT_OF_RANGE = define(
    "MT106",
    "out-of-range",
    "A number, list or text is outside its allowed size or range.",
    example="min_share: 1.5   # between 0 and 1",
    fix="Bring the value within the range.",
)
SCHEMA_OTHER = define(
    "MT107",
    "schema",
    "The value breaks another constraint of the schema.",
    example="targets:\n  - metric: recall   # needs min or max",
    fix="Follow the message.",
)

_RULE_BY_VALIDATOR = {
    "required": MISSING_PROPERTY,
    "additionalProperties": UNKNOWN_PROPERTY,
    "unevaluatedProperties": UNKNOWN_PROPERTY,
    "type": WRONG_TYPE,
    "enum": NOT_ALLOWED,
    "const": NOT_ALLOWED,
    "pattern": BAD_FORMAT,
    "format": BAD_FORMAT,
    "propertyNames": BAD_FORMAT,
    "minimum": OUT_OF_RANGE,
    "maximum": OUT_OF_RANGE,
    "exclusiveMinimum": OUT_OF_RANGE,
    "exclusiveMaximum": OUT_OF_RANGE,
    "minItems": OUT_OF_RANGE,
    "maxItems": OUT_OF_RANGE,
    "minLength": OUT_OF_RANGE,
    "maxLength": OUT_OF_RANGE,
    "minProperties": OUT_OF_RANGE,
    "uniqueItems": OUT_OF_RANGE,
}

_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def data_dir(name: str) -> Path:
    """A data folder shipped in the wheel (or, in a source checkout, at its root)."""
    packaged = resources.files("mltriad") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / name


def schema_text(kind: str) -> str:
    return (data_dir("schemas") / KINDS[kind]).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


@cache
def validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(kind: str, data: Any, doc: Any) -> list[Finding]:
    """Schema findings for `data`, each located at the offending node of `doc`."""
    compiled = validator(kind)
    if compiled.is_valid(data):  # the fast path: most artifacts are valid
        return []
    found: list[Finding] = []
    for error in _specific_errors(compiled.iter_errors(data)):
        if error.validator in ("additionalProperties", "unevaluatedProperties"):
            found.extend(_to_finding(error, doc, extra) for extra in _extra_keys(error))
        else:
            found.append(_to_finding(error, doc))
    return found


def _specific_errors(errors: Iterator[Any]) -> Iterator[Any]:
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.validator in ("anyOf", "oneOf") and _only_required(error.validator_value):
            yield error  # "needs 'min' or 'max'" says it better than either branch
        elif error.validator in ("anyOf", "oneOf") and error.context:
            deepest = max(len(e.absolute_path) for e in error.context)
            # Errors under a branch that matched the value's type say more than "is not valid".
            candidates = [e for e in error.context if len(e.absolute_path) == deepest]
            if deepest == len(error.absolute_path):
                typed = [e for e in candidates if e.validator != "type"]
                candidates = typed or candidates
            yield best_match(candidates) if len(candidates) > 1 else candidates[0]
        else:
            yield error


def _only_required(branches: Any) -> bool:
    return isinstance(branches, list) and all(
        isinstance(b, dict) and set(b) == {"required"} for b in branches
    )


def _to_finding(error: Any, doc: Any, extra: str | None = None) -> Finding:
    rule = _RULE_BY_VALIDATOR.get(error.validator, SCHEMA_OTHER)
    if error.validator == "anyOf" and _only_required(error.validator_value):
        rule = MISSING_PROPERTY
    where = list(error.absolute_path)
    key = False
    message = _message(error, extra)
    if extra is not None:
        where.append(extra)
        key = True
    elif error.validator == "propertyNames":
        where.append(error.instance)
        key = True
    line, col = doc.locate(where, key=key) if doc is not None else (1, 1)
    return finding(rule, doc.path if doc is not None else "", message, line, col)


def _field(error: Any) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in error.absolute_path]
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text or "the document"


def _extra_keys(error: Any) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    patterns = error.schema.get("patternProperties", {})
    import re

    return [
        k for k in error.instance if k not in allowed and not any(re.search(p, k) for p in patterns)
    ]


def _message(error: Any, extra: str | None = None) -> str:
    where = _field(error)
    v = error.validator
    if v == "required":
        missing = [r for r in error.validator_value if r not in error.instance]
        names = ", ".join(f"'{m}'" for m in missing) or "a field"
        scope = "" if where == "the document" else f" in {where}"
        return f"missing required field {names}{scope}"
    if v in ("additionalProperties", "unevaluatedProperties"):
        name = extra or "?"
        known = sorted(error.schema.get("properties", {}))
        message = f"unknown field '{name}'" + ("" if where == "the document" else f" in {where}")
        hint = did_you_mean(name, known)
        return message + (
            f"; did you mean '{hint}'?" if hint else "; remove it or prefix it with x-"
        )
    if v == "type":
        expected = error.validator_value
        type_names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in type_names)
        return f"{where} must be {wanted}, not {_describe(error.instance)}"
    if v == "enum":
        allowed = error.validator_value
        hint = did_you_mean(str(error.instance), [str(a) for a in allowed])
        listed = ", ".join(str(a) for a in allowed[:12]) + (", ..." if len(allowed) > 12 else "")
        text = f"{where} is {error.instance!r}, which is not allowed; use one of: {listed}"
        return text + (f" (did you mean '{hint}'?)" if hint else "")
    if v == "const":
        return f"{where} must be {error.validator_value!r}"
    if v in ("pattern", "format", "propertyNames"):
        hint = error.schema.get("x-hint") or error.schema.get("description", "")
        if v == "format":
            hint = {"date": "write it as YYYY-MM-DD"}.get(error.validator_value, hint)
        if v == "propertyNames":
            return (
                f"'{error.instance}' in {where} is not a valid name; use lowercase words "
                "joined by dashes"
            )
        return f"{where} is {error.instance!r}, which is not valid" + (f": {hint}" if hint else "")
    if v in ("minimum", "exclusiveMinimum"):
        return f"{where} is {error.instance}, below the minimum {error.validator_value}"
    if v in ("maximum", "exclusiveMaximum"):
        return f"{where} is {error.instance}, above the maximum {error.validator_value}"
    if v == "minItems":
        return f"{where} needs at least {error.validator_value} item(s)"
    if v == "minLength":
        return f"{where} must not be empty"
    if v == "minProperties":
        return f"{where} needs at least {error.validator_value} entry"
    if v == "uniqueItems":
        return f"{where} lists the same item twice"
    if v == "anyOf" and isinstance(error.instance, dict):
        branches = [sorted(s.get("required", [])) for s in error.validator_value]
        if all(branches):
            options = " or ".join("'" + "', '".join(w) + "'" for w in branches)
            return f"{where} needs {options}; add one of them"
    return f"{where}: {error.message}"


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 40 else "a text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def did_you_mean(word: str, choices: list[str]) -> str | None:
    normal = {c.replace("-", "_").lower(): c for c in choices}
    key = word.replace("-", "_").lower()
    if key in normal and normal[key] != word:
        return normal[key]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return close[0] if close else None
