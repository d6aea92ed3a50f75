"""The packaged JSON Schemas, compiled once per process, and their errors as findings."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, ClassVar

from mltriad.data import data_dir
from mltriad.findings import Finding, define, finding

KINDS = {
    "policy": "triad.schema.json",
    "model-card": "model-card.schema.json",
    "decision": "decision.schema.json",
    "eval-set": "eval-set.schema.json",
    "glossary": "glossary.schema.json",
    "signoff": "signoff.schema.json",
}
# The names people type for a kind: the policy's file name, and the kinds' folder names as
# `paths:` in triad.yaml spells them.
ALIASES = {
    "triad": "policy",
    "triad.yaml": "policy",
    "model-cards": "model-card",
    "decisions": "decision",
    "eval-sets": "eval-set",
    "signoffs": "signoff",
}
SCHEMA_NAMES = (*KINDS, *ALIASES)


# Where `mltriad init` writes the schemas for editors, and the comment that points a YAML
# file at one. yaml-language-server (VS Code's YAML extension, and other editors' YAML
# language servers) reads it; its paths are relative to the file. It does not read the
# front matter of Markdown files, so model cards and decision records get none.
EDITOR_SCHEMAS = ".mltriad/schemas"


def modeline(path: str, kind: str) -> str:
    """'# yaml-language-server: $schema=../.mltriad/schemas/eval-set.schema.json' for the
    repository-relative YAML file `path` of `kind`."""
    target = posixpath.relpath(f"{EDITOR_SCHEMAS}/{KINDS[kind]}", posixpath.dirname(path) or ".")
    return f"# yaml-language-server: $schema={target}"


def kind_named(name: str) -> str:
    """The kind a name people type means: 'triad' -> 'policy', 'eval-sets' -> 'eval-set'."""
    return ALIASES.get(name, name)


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
    if is_valid(kind, data):  # the fast path: most artifacts are valid
        return []
    return explain(validator(kind), data, doc)


def explain(compiled: Any, data: Any, doc: Any) -> list[Finding]:
    """The findings of a jsonschema validator on invalid `data`, located in `doc`."""
    found: list[Finding] = []
    for error in _specific_errors(compiled.iter_errors(data)):
        if error.validator in ("additionalProperties", "unevaluatedProperties"):
            found.extend(_to_finding(error, doc, extra) for extra in _extra_keys(error))
        else:
            found.append(_to_finding(error, doc))
    return found


def is_valid(kind: str, data: Any) -> bool:
    """Whether `data` is valid against the schema of `kind`, as jsonschema would judge it.

    Valid documents are the common case: they are judged by a validator compiled from the
    schema into plain functions, many times faster than jsonschema and without importing
    it; jsonschema itself is only loaded to explain invalid ones.
    """
    check = fast_validator(kind)
    return check(data) if check is not None else bool(validator(kind).is_valid(data))


@cache
def fast_validator(kind: str) -> Check | None:
    """The schema of `kind` compiled to a predicate (None: jsonschema must judge it)."""
    return compile_schema(schema(kind))


def compile_schema(root: dict[str, Any]) -> Check | None:
    """A JSON Schema 2020-12 compiled to a predicate that agrees with jsonschema (with format
    checking), or None if the schema uses a keyword this compiler does not implement."""
    try:
        return _Compiler(root).compile(root)
    except _Unsupported:
        return None


Check = Callable[[Any], bool]

# JSON Schema 2020-12 keywords that only annotate; any keyword that is neither one of these
# nor compiled below makes the schema fall back to jsonschema.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "markdownDescription",
    }
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # jsonschema's, then date.fromisoformat


class _Unsupported(Exception):
    pass


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema judges it: true is not 1, and 1.0 is 1."""
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(k in two and _equal(v, two[k]) for k, v in one.items())
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    return bool(one == two)


def _unique(items: list[Any]) -> bool:
    if all(isinstance(i, str) for i in items):
        return len(set(items)) == len(items)
    return not any(_equal(a, b) for n, a in enumerate(items) for b in items[n + 1 :])


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return not isinstance(value, str)
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def run(value: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a plain loop: all() over a generator is slower
            if not check(value):
                return False
        return True

    return run


class _Compiler:
    """Compiles a JSON Schema (the subset the packaged schemas use) to nested closures."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, node: Any) -> Check:
        if node is True or node == {}:
            return _always
        if node is False:
            return _never
        if not isinstance(node, dict):
            raise _Unsupported(repr(node))
        if "$id" in node and node is not self.root:
            raise _Unsupported("$id in a subschema")
        checks: list[Check] = []
        for keyword, value in node.items():
            if keyword in _ANNOTATIONS or keyword.startswith("x-"):
                continue
            build = self.KEYWORDS.get(keyword)
            if build is None:
                raise _Unsupported(keyword)
            check = build(self, value, node)
            if check is not None:
                checks.append(check)
        return _all_of(checks)

    def type_(self, value: Any, node: dict[str, Any]) -> Check:
        names = [value] if isinstance(value, str) else list(value)
        if not all(n in _TYPES for n in names):
            raise _Unsupported(f"type {value}")
        tests = [_TYPES[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(test(v) for test in tests)

    def enum(self, value: Any, node: dict[str, Any]) -> Check:
        allowed = list(value)
        if all(isinstance(a, str) for a in allowed):
            strings = frozenset(allowed)
            return lambda v: isinstance(v, str) and v in strings
        return lambda v: any(_equal(a, v) for a in allowed)

    def const(self, value: Any, node: dict[str, Any]) -> Check:
        return lambda v: _equal(value, v)

    def pattern(self, value: Any, node: dict[str, Any]) -> Check:
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None

    def format_(self, value: Any, node: dict[str, Any]) -> Check:
        if value != "date":
            raise _Unsupported(f"format {value}")
        return _is_date

    def min_length(self, value: Any, node: dict[str, Any]) -> Check:
        return lambda v: not isinstance(v, str) or len(v) >= value

    def min_items(self, value: Any, node: dict[str, Any]) -> Check:
        return lambda v: not isinstance(v, list) or len(v) >= value

    def min_properties(self, value: Any, node: dict[str, Any]) -> Check:
        return lambda v: not isinstance(v, dict) or len(v) >= value

    def minimum(self, value: Any, node: dict[str, Any]) -> Check:
        return lambda v: not _is_number(v) or not v < value

    def maximum(self, value: Any, node: dict[str, Any]) -> Check:
        return lambda v: not _is_number(v) or not v > value

    def unique_items(self, value: Any, node: dict[str, Any]) -> Check | None:
        if not value:
            return None
        return lambda v: not isinstance(v, list) or _unique(v)

    def required(self, value: Any, node: dict[str, Any]) -> Check:
        names = list(value)
        return lambda v: not isinstance(v, dict) or all(n in v for n in names)

    def items(self, value: Any, node: dict[str, Any]) -> Check:
        if "prefixItems" in node:
            raise _Unsupported("prefixItems")
        item = self.compile(value)
        return lambda v: not isinstance(v, list) or all(item(i) for i in v)

    def any_of(self, value: Any, node: dict[str, Any]) -> Check:
        branches = [self.compile(b) for b in value]
        return lambda v: any(branch(v) for branch in branches)

    def property_names(self, value: Any, node: dict[str, Any]) -> Check:
        name = self.compile(value)
        return lambda v: not isinstance(v, dict) or all(name(k) for k in v)

    def properties(self, value: Any, node: dict[str, Any]) -> Check:
        """properties, patternProperties and additionalProperties, in one pass over the keys."""
        props = {k: self.compile(s) for k, s in value.items()}
        patterns = [
            (re.compile(p).search, self.compile(s))
            for p, s in node.get("patternProperties", {}).items()
        ]
        joined = "|".join(node.get("patternProperties", {}))
        extra_pattern = re.compile(joined).search if joined else None
        extra = node.get("additionalProperties", True)
        extra_check = None if extra is True else self.compile(extra)

        def run(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for key, item in v.items():
                check = props.get(key)
                if check is not None and not check(item):
                    return False
                for search, pattern_check in patterns:
                    if search(key) and not pattern_check(item):
                        return False
                if (
                    check is None
                    and extra_check is not None
                    and not (extra_pattern and extra_pattern(key))
                    and not extra_check(item)
                ):
                    return False
            return True

        return run

    def pattern_properties(self, value: Any, node: dict[str, Any]) -> Check | None:
        if "properties" in node:
            return None  # compiled together with `properties`
        return self.properties({}, node)

    def additional_properties(self, value: Any, node: dict[str, Any]) -> Check | None:
        if "properties" in node or "patternProperties" in node:
            return None  # compiled together with `properties` or `patternProperties`
        return self.properties({}, node)

    def ref(self, value: Any, node: dict[str, Any]) -> Check:
        if not isinstance(value, str) or not value.startswith("#"):
            raise _Unsupported(f"$ref {value}")
        if value not in self.refs:
            self.refs[value] = _never  # a recursive reference resolves through the table
            self.refs[value] = self.compile(self._pointer(value))
        refs = self.refs
        return lambda v: refs[value](v)

    def _pointer(self, ref: str) -> Any:
        target: Any = self.root
        for part in filter(None, _unquote(ref[1:]).split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                raise _Unsupported(f"$ref {ref}")
        return target

    KEYWORDS: ClassVar[dict[str, Callable[[_Compiler, Any, dict[str, Any]], Check | None]]] = {
        "type": type_,
        "enum": enum,
        "const": const,
        "pattern": pattern,
        "format": format_,
        "minLength": min_length,
        "minItems": min_items,
        "minProperties": min_properties,
        "minimum": minimum,
        "maximum": maximum,
        "uniqueItems": unique_items,
        "required": required,
        "items": items,
        "anyOf": any_of,
        "propertyNames": property_names,
        "properties": properties,
        "patternProperties": pattern_properties,
        "additionalProperties": additional_properties,
        "$ref": ref,
    }


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
        text = f"{where} is {_show(error.instance)}, which is not allowed; use one of: {listed}"
        return text + (f" (did you mean '{hint}'?)" if hint else "")
    if v == "const":
        return f"{where} must be {_show(error.validator_value)}"
    if v in ("pattern", "format", "propertyNames"):
        hint = error.schema.get("x-hint") or _PATTERN_HINTS.get(
            str(error.schema.get("pattern", "")), ""
        )
        if v == "format":
            hint = {"date": "write it as YYYY-MM-DD"}.get(error.validator_value, hint)
        if v == "propertyNames":
            return (
                f"'{error.instance}' in {where} is not a valid name; use lowercase words "
                "joined by dashes"
            )
        return f"{where} is {_show(error.instance)}, which is not valid" + (
            f": {hint}" if hint else ""
        )
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


# What each pattern of the schemas asks for, in words (a schema's description is what the
# field is for, not how to write it, so it is never the hint).
_PATTERN_HINTS = {
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "use lowercase words joined by dashes, such as 'ml-engineer'",
    "^[a-z0-9][a-z0-9]*(-[a-z0-9]+)*$": "use lowercase letters and digits joined by dashes, "
    "such as 'fraud-detector'",
    "^[0-9a-f]{64}$": "write the file's SHA-256, 64 lowercase hexadecimal digits as "
    "`sha256sum` prints them",
    "^sha256:[0-9a-f]{64}$": "write it as sha256: and 64 lowercase hexadecimal digits "
    "(`mltriad digest` prints it)",
    "^(removed:)?sha256:[0-9a-f]{64}$": "write it as sha256: and 64 lowercase hexadecimal digits",
    "^[^@\\s]+@[^@\\s]+$": "write an email address, such as ada@example.org",
    "^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+$": "write it as owner/name, such as org/fraud-models",
    "^[A-Za-z0-9_-]+$": "use letters, digits, dashes and underscores only",
    "^([a-z]{2,3}([-_][A-Za-z0-9]{2,8})*|multilingual|code)$": "use an ISO 639 language "
    "code, such as en or pt-BR",
    "^-----BEGIN SSH SIGNATURE-----": "paste the whole armored signature that "
    "`mltriad signoff --key` writes",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]"
    "{2}:?[0-9]{2})?)?$": "write an ISO 8601 date or date-time, such as 2026-06-01 or "
    "2026-06-01T12:00:00Z",
    "^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|"
    "sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/=]+( .*)?$": "paste the public key "
    "line as an allowed_signers file has it: `ssh-ed25519 AAAA...`",
}


def _show(value: Any) -> str:
    """A value as the YAML it came from says it: 'text', null, true, 0.5, [a, b]."""
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) < 40 else "a text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _spelling(word: str) -> str:
    """A name as typed, with case, spaces, dashes and underscores made alike."""
    return "_".join(word.replace("-", " ").replace("_", " ").lower().split())


def did_you_mean(word: str, choices: list[str]) -> str | None:
    normal = {_spelling(c): c for c in choices}
    key = _spelling(word)
    if key in normal and normal[key] != word:
        return normal[key]
    import difflib  # only a finding's suggestion needs it, never a valid file

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return close[0] if close else None


def _unquote(fragment: str) -> str:
    """A URI fragment percent-decoded; urllib is imported only when there is an escape."""
    if "%" not in fragment:
        return fragment
    from urllib.parse import unquote

    return unquote(fragment)


# -- the schemas of a team's own kinds ----------------------------------------------------
# A team's kind (`kinds:` in triad.yaml) names a JSON Schema 2020-12 kept in the repository.
# It is read with the policy, from the same snapshot (the gate: the base), checked once
# (valid JSON or YAML, a valid 2020-12 schema, no reference outside the file) and compiled
# once per process for each content: the base's and the head's schema may differ.

REF_KEYWORD = "x-mltriad-ref"  # on a property: its value names an artifact of that kind
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")


@dataclass(frozen=True)
class Reference:
    """A field that names another artifact: where it is (`*` for each item of a list)
    and the kind of what it names."""

    where: tuple[str, ...]
    kind: str

    @property
    def field(self) -> str:
        return ".".join(self.where).replace(".*", "[]")


class UserSchema:
    """A team kind's schema, compiled once: the fast predicate where the compiler can
    judge it, jsonschema otherwise (and to explain every invalid document)."""

    def __init__(self, path: str, root: dict[str, Any], fast: Check | None) -> None:
        self.path = path
        self.root = root
        self.fast = fast
        self.references = tuple(_references(root))
        self._validator: Any = None

    @property
    def required(self) -> tuple[str, ...]:
        names = self.root.get("required", ())
        return tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else ()

    def validator(self) -> Any:
        if self._validator is None:
            from jsonschema import Draft202012Validator

            self._validator = Draft202012Validator(
                self.root, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self._validator

    def is_valid(self, data: Any) -> bool:
        if self.fast is not None:
            return self.fast(data)
        return bool(self.validator().is_valid(data))

    def validate(self, data: Any, doc: Any) -> list[Finding]:
        """Schema findings for `data`, each at the offending node of `doc`."""
        if self.is_valid(data):
            return []
        return explain(self.validator(), data, doc)


_USER_SCHEMAS: dict[tuple[str, bytes], UserSchema] = {}


def user_schema(path: str, raw: bytes) -> UserSchema:
    """The schema in the file `path` (its bytes `raw`), checked and compiled once per
    process. Raises ConfigError naming the file, the line where known, and what is wrong."""
    key = (path, raw)
    found = _USER_SCHEMAS.get(key)
    if found is None:
        found = _USER_SCHEMAS[key] = _load_user_schema(path, raw)
    return found


def _load_user_schema(path: str, raw: bytes) -> UserSchema:
    root = _parse_schema_file(path, raw)
    if not isinstance(root, dict):
        raise _schema_error(path, raw, "is not a JSON Schema: its top level must be a mapping", [])
    declared = root.get("$schema", DRAFT_2020_12)
    if not isinstance(declared, str) or declared.rstrip("#") != DRAFT_2020_12:
        raise _schema_error(
            path,
            raw,
            f"declares $schema {_show(declared)}; mltriad reads JSON Schema 2020-12 only",
            ["$schema"],
            hint=f'Write "$schema": "{DRAFT_2020_12}", or leave $schema out.',
        )
    for where, ref in _outside_refs(root, []):
        raise _schema_error(
            path,
            raw,
            f"refers to {_show(ref)}, outside the file; mltriad never fetches a schema "
            "(it works offline, and the hook never uses the network)",
            where,
            hint="Copy the definition under $defs in this file and refer to it as '#/$defs/NAME'.",
        )
    fast = _compile_user(root)
    if fast is None or not _meta_valid(root):
        problem = _meta_problem(root)
        if problem is not None:
            message, where = problem
            raise _schema_error(
                path,
                raw,
                f"is not a valid JSON Schema 2020-12: {message}",
                where,
                hint="See https://json-schema.org/draft/2020-12 for the keywords.",
            )
    for reference in _references(root):
        if not isinstance(reference.kind, str) or not reference.kind:
            raise _schema_error(
                path,
                raw,
                f"{REF_KEYWORD} of {reference.field} must name a kind, such as model-card",
                _schema_path(reference.where),
            )
    return UserSchema(path, root, fast)


def _parse_schema_file(path: str, raw: bytes) -> Any:
    from mltriad.documents import parse_yaml
    from mltriad.errors import ConfigError
    from mltriad.findings import ParseError

    if path.lower().endswith(".json"):
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ConfigError(
                "is not UTF-8 text", path=path, hint="Save the schema as UTF-8."
            ) from None
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"is not valid JSON: {exc.msg} (column {exc.colno})",
                path=path,
                line=exc.lineno,
                hint="Fix the JSON, then run again.",
            ) from None
    try:
        return parse_yaml(path, raw).data
    except ParseError as exc:
        raise ConfigError(
            f"is not valid YAML: {exc.message}",
            path=path,
            line=exc.line,
            hint="Fix the YAML, then run again.",
        ) from None


def _schema_error(
    path: str, raw: bytes, message: str, where: list[str | int], *, hint: str | None = None
) -> Exception:
    """A ConfigError at the line of `where` in the schema file (found only on this path)."""
    from mltriad.documents import parse_yaml
    from mltriad.errors import ConfigError
    from mltriad.findings import ParseError

    line: int | None = None
    try:
        line = parse_yaml(path, raw).locate(where, key=True)[0] if where else None
    except ParseError:
        line = None
    return ConfigError(
        message, path=path, line=line, hint=hint or "Fix the schema, then run again."
    )


def _outside_refs(node: Any, where: list[str | int]) -> Iterator[tuple[list[str | int], Any]]:
    """Every $ref or $dynamicRef that does not point inside the file (`#...`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _REFERENCE_KEYWORDS and not (
                isinstance(value, str) and value.startswith("#")
            ):
                yield [*where, key], value
            elif key not in ("enum", "const", "default", "examples"):
                yield from _outside_refs(value, [*where, key])
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _outside_refs(item, [*where, i])


def _compile_user(root: dict[str, Any]) -> Check | None:
    try:
        return compile_schema(root)
    except (re.error, TypeError, ValueError, AttributeError):
        return None  # a keyword with a value of the wrong shape: jsonschema names it


def _meta_valid(root: dict[str, Any]) -> bool:
    """Whether the schema passes the 2020-12 meta-schema for the keywords the compiler
    implements, judged without jsonschema (a valid schema is the common case)."""
    return _meta_check()(root)


@cache
def _meta_check() -> Check:
    check = compile_schema(_META_LITE)
    assert check is not None
    return check


def _meta_problem(root: dict[str, Any]) -> tuple[str, list[str | int]] | None:
    """jsonschema's judgement of the schema against the 2020-12 meta-schema: the first
    problem and where it is, or None when the schema is valid."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    meta = Draft202012Validator(
        Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    error = best_match(meta.iter_errors(root))
    if error is None:
        return None
    where = [p for p in error.absolute_path if isinstance(p, (str, int))]
    at = _field(error)
    return (error.message if at == "the document" else f"{at}: {error.message}"), where


def _references(root: dict[str, Any]) -> Iterator[Reference]:
    """The fields the schema marks with x-mltriad-ref, following properties, items,
    combinations and local $refs."""
    seen: set[int] = set()

    def walk(node: Any, where: tuple[str, ...]) -> Iterator[Reference]:
        if not isinstance(node, dict) or id(node) in seen:
            return
        seen.add(id(node))
        if REF_KEYWORD in node:
            yield Reference(where, node[REF_KEYWORD])
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                yield from walk(sub, (*where, str(name)))
        if "items" in node:
            yield from walk(node["items"], (*where, "*"))
        for combination in ("anyOf", "oneOf", "allOf"):
            branches = node.get(combination)
            for branch in branches if isinstance(branches, list) else []:
                yield from walk(branch, where)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                target = _Compiler(root)._pointer(ref)
            except _Unsupported:
                target = None
            yield from walk(target, where)
        seen.discard(id(node))

    found: dict[tuple[tuple[str, ...], str], Reference] = {}
    for reference in walk(root, ()):
        found.setdefault((reference.where, str(reference.kind)), reference)
    yield from found.values()


def _schema_path(where: tuple[str, ...]) -> list[str | int]:
    """Where a field's definition is in the schema file, for a message's line."""
    path: list[str | int] = []
    for part in where:
        path += ["items"] if part == "*" else ["properties", part]
    return [*path, REF_KEYWORD]


# The 2020-12 meta-schema for the keywords the compiler implements (and the annotations
# it ignores), in a form the compiler itself can judge: a schema it compiles and this
# accepts is valid 2020-12. Anything else is judged by jsonschema's meta-schema.
_META_LITE: dict[str, Any] = {
    "$defs": {
        "schema": {
            "anyOf": [
                {"type": "boolean"},
                {
                    "type": "object",
                    "properties": {
                        "$schema": {"type": "string"},
                        "$id": {"type": "string"},
                        "$comment": {"type": "string"},
                        "$ref": {"type": "string"},
                        "$defs": {"$ref": "#/$defs/schemas"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "deprecated": {"type": "boolean"},
                        "readOnly": {"type": "boolean"},
                        "writeOnly": {"type": "boolean"},
                        "examples": {"type": "array"},
                        "type": {
                            "anyOf": [
                                {"$ref": "#/$defs/typeName"},
                                {
                                    "type": "array",
                                    "items": {"$ref": "#/$defs/typeName"},
                                    "minItems": 1,
                                    "uniqueItems": True,
                                },
                            ]
                        },
                        "enum": {"type": "array"},
                        "pattern": {"type": "string"},
                        "format": {"type": "string"},
                        "minLength": {"$ref": "#/$defs/count"},
                        "minItems": {"$ref": "#/$defs/count"},
                        "minProperties": {"$ref": "#/$defs/count"},
                        "minimum": {"type": "number"},
                        "maximum": {"type": "number"},
                        "uniqueItems": {"type": "boolean"},
                        "required": {
                            "type": "array",
                            "items": {"type": "string"},
                            "uniqueItems": True,
                        },
                        "items": {"$ref": "#/$defs/schema"},
                        "anyOf": {
                            "type": "array",
                            "items": {"$ref": "#/$defs/schema"},
                            "minItems": 1,
                        },
                        "propertyNames": {"$ref": "#/$defs/schema"},
                        "properties": {"$ref": "#/$defs/schemas"},
                        "patternProperties": {"$ref": "#/$defs/schemas"},
                        "additionalProperties": {"$ref": "#/$defs/schema"},
                    },
                },
            ]
        },
        "schemas": {"type": "object", "additionalProperties": {"$ref": "#/$defs/schema"}},
        "typeName": {"enum": ["array", "boolean", "integer", "null", "number", "object", "string"]},
        "count": {"type": "integer", "minimum": 0},
    },
    "$ref": "#/$defs/schema",
}
