"""YAML files and Markdown front matter, parsed into plain data that remembers positions.

Every problem in the bytes of a file (bad encoding, malformed YAML, duplicate keys,
alias bombs, absurd nesting, unknown tags) becomes a `ParseError` carrying a rule id,
a line and a column, never a traceback. Parsing uses libyaml's C composer when it is
available; construction into plain data is ours, so that dates stay strings (as JSON
Schema expects), YAML 1.1 booleans like `no` stay strings (as YAML 1.2 and the
Hugging Face Hub read them), and every node can be located again for a finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from mltriad.findings import ParseError, Severity, define

try:  # libyaml's composer is several times faster than the pure-Python one
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_IMPLICIT = _SafeLoader.yaml_implicit_resolvers
_ANY_FIRST = tuple(_IMPLICIT.get(None, ()))
_BY_FIRST = {
    first: (*found, *_ANY_FIRST) for first, found in _IMPLICIT.items() if first is not None
}
_STR, _SEQ, _MAP = (
    _SafeLoader.DEFAULT_SCALAR_TAG,
    _SafeLoader.DEFAULT_SEQUENCE_TAG,
    _SafeLoader.DEFAULT_MAPPING_TAG,
)


class _Loader(_SafeLoader):
    """The safe loader, resolving tags as it does, with the per-node overhead trimmed.

    The composer asks the resolver about every node; SafeLoader has no path resolvers,
    so descending and ascending do nothing, and a plain scalar needs one look-up by its
    first character. Fifteen per cent of composing, where composing is most of parsing.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _BY_FIRST.get(value[:1], _ANY_FIRST):
                    if regexp.match(value):
                        return str(tag)
            return str(_STR)
        return str(_SEQ if kind is yaml.SequenceNode else _MAP)


INVALID_YAML = define(
    "MT001",
    "invalid-yaml",
    "The file is not well-formed YAML.",
    example="owners:\n  ml-engineer: [ada@example.org\n",
    fix="Fix the syntax at the line shown.",
)
DUPLICATE_KEY = define(
    "MT002",
    "duplicate-key",
    "A mapping has the same key twice; YAML parsers silently keep only the last one.",
    example="status: draft\nstatus: production\n",
    fix="Remove or rename one of the keys.",
)
NOT_UTF8 = define(
    "MT003",
    "not-utf8",
    "The file is not valid UTF-8 text.",
    example="(bytes 0xff 0xfe in the middle of a line)",
    fix="Save the file as UTF-8.",
)
BYTE_ORDER_MARK = define(
    "MT004",
    "byte-order-mark",
    "The file starts with a byte-order mark, which some YAML and Markdown tools misread.",
    severity=Severity.WARNING,
    example="\\ufeff---",
    fix="Save the file as UTF-8 without BOM.",
)
ALIAS_BOMB = define(
    "MT006",
    "alias-expansion",
    "YAML aliases expand to more nodes than the limit (a 'billion laughs' document).",
    example="a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]  # ...repeated",
    fix="Write the data out without aliases.",
)
TOO_DEEP = define(
    "MT007",
    "too-deep",
    "The data is nested deeper than the limit.",
    example="a: [[[[[[[[...]]]]]]]]",
    fix="Flatten the structure.",
)
NO_FRONT_MATTER = define(
    "MT008",
    "no-front-matter",
    "A Markdown artifact has no YAML front matter block (a first line `---`).",
    example="# Fraud detector\n",
    fix="Start the file with a `---` line, the metadata, and another `---` line.",
)
UNCLOSED_FRONT_MATTER = define(
    "MT009",
    "unclosed-front-matter",
    "The front matter block opened by `---` is never closed.",
    example="---\nid: fraud\n# Fraud detector\n",
    fix="Add a `---` line after the metadata.",
)
EMPTY = define(
    "MT010",
    "empty",
    "The file or its front matter is empty.",
    example="---\n---\n",
    fix="Fill in the required fields (`mltriad new` writes a template).",
)
UNSUPPORTED_TAG = define(
    "MT011",
    "unsupported-tag",
    "A YAML tag names a type that plain data does not have.",
    example="model: !!python/object:os.system {}",
    fix="Remove the tag.",
)
NUMBER_TOO_LONG = define(
    "MT016",
    "number-too-long",
    "A number is written with more digits than any value in these files needs.",
    example="n_cases: 1000000000...(5,000 digits)",
    fix="Write the number with at most 100 digits, or quote it if it is an identifier.",
)
NOT_A_MAPPING = define(
    "MT013",
    "not-mapping",
    "The document must be a mapping of keys to values.",
    example="- just\n- a list\n",
    fix="Write `key: value` pairs at the top level.",
)
BAD_KEY = define(
    "MT014",
    "bad-key",
    "A mapping key is not a plain scalar (a list or mapping used as a key).",
    example="? [a, b]\n: value\n",
    fix="Use a plain string key.",
)

MAX_NODES = 100_000  # after alias expansion
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 100  # far above any count or metric; Python refuses str(int) past 4,300
_SAFE_COMPOSE_DEPTH = 500  # libyaml's composer recurses in C: keep far from its stack limit

_TAG = "tag:yaml.org,2002:"
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_DEEP_INDENT = re.compile(r"\n {" + str(_SAFE_COMPOSE_DEPTH) + ",}")
_SCALARS = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A parsed YAML file or Markdown file with front matter.

    `data` is plain JSON-like data (None for Markdown without front matter);
    `body` is the Markdown after the front matter, kept exactly as written;
    `yaml_span` is where the YAML is in `text`, and `node` its composed tree.
    """

    path: str
    text: str
    data: Any
    line_offset: int = 0
    body: str = ""
    body_line: int = 1
    has_front_matter: bool = False
    warnings: list[ParseError] = field(default_factory=list)
    yaml_span: tuple[int, int] | None = None
    _node: yaml.Node | None = field(default=None, repr=False, compare=False)

    @property
    def node(self) -> yaml.Node | None:
        """The YAML's node tree, which knows every position; composed again when first asked
        for, since parsing keeps only the data (most documents never need a position, and
        their trees would be two thirds of a bulk check's memory)."""
        if self._node is None and self.yaml_span is not None:
            start, end = self.yaml_span
            self._node = yaml.compose(self.text[start:end], Loader=_Loader)
        return self._node

    def locate(self, where: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `where`, or of its deepest existing parent.

        With `key=True`, the position of the mapping key rather than its value.
        """
        node = self.node
        if node is None:
            return (self.line_offset + 1, 1)
        mark = node.start_mark
        for step in where:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                        child = v
                        mark = k.start_mark if key and step == where[-1] else v.start_mark
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                child = node.value[step]
                mark = child.start_mark
            if child is None:
                break
            node = child
        return (mark.line + 1 + self.line_offset, mark.column + 1)


def decode(path: str, raw: bytes) -> tuple[str, list[ParseError]]:
    """UTF-8 text of a file, with a warning for a byte-order mark."""
    warnings: list[ParseError] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        warnings.append(
            ParseError(
                BYTE_ORDER_MARK.id,
                "the file starts with a UTF-8 byte-order mark; save it without one",
                1,
                1,
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(
            NOT_UTF8.id,
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            line,
            col,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ParseError(
            NOT_UTF8.id, "the file contains a NUL byte; it looks binary, not text", line
        )
    return text, warnings


def parse_yaml(path: str, raw: bytes) -> Document:
    """A YAML file whose top level must be a mapping."""
    text, warnings = decode(path, raw)
    node = _compose(text, 0)
    if node is None:
        raise ParseError(EMPTY.id, "the file is empty", 1, 1)
    data = _construct_root(node, 0)
    return Document(path, text, data, 0, warnings=warnings, yaml_span=(0, len(text)))


def parse_markdown(path: str, raw: bytes) -> Document:
    """A Markdown file with optional YAML front matter between `---` lines."""
    text, warnings = decode(path, raw)
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        return Document(path, text, None, body=text, body_line=1, warnings=warnings)
    closing = _FENCE.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        raise ParseError(
            UNCLOSED_FRONT_MATTER.id,
            "the front matter opened on line 1 is never "
            "closed; add a line `---` after the metadata",
            1,
            1,
        )
    yaml_text = text[first_end + 1 : closing.start()]
    closing_line = text.count("\n", 0, closing.start()) + 1
    body_start = text.find("\n", closing.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    node = _compose(yaml_text, 1)
    if node is None:
        raise ParseError(EMPTY.id, "the front matter is empty; fill in the required fields", 1, 1)
    data = _construct_root(node, 1)
    span = (first_end + 1, closing.start())
    return Document(path, text, data, 1, body, closing_line + 1, True, warnings, span)


def _compose(text: str, offset: int) -> yaml.Node | None:
    if text.count("[") + text.count("{") >= _SAFE_COMPOSE_DEPTH or _DEEP_INDENT.search(text):
        _check_depth_by_events(text, offset)
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else 1 + offset
        col = (mark.column + 1) if mark else 1
        if _is_nesting_limit(exc):
            raise _too_deep(line, col) from None
        problem = exc.problem or str(exc)
        if "\\t" in problem or "'\\t'" in problem or (mark and _tab_at(text, mark.line)):
            problem += "; YAML does not allow tabs for indentation, use spaces"
        if exc.context and "expected a single document" not in problem:
            problem = f"{problem} ({exc.context})"
        if "mapping values are not allowed" in problem:
            # Prose with a colon after a key: `status: proposed: pending review`.
            problem += (
                "; a value that holds ': ' must be quoted, for example `key: \"text: more text\"`"
            )
        raise ParseError(INVALID_YAML.id, f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise ParseError(INVALID_YAML.id, f"invalid YAML: {exc}", 1 + offset, 1) from None
    except RecursionError:
        raise _too_deep(1 + offset, 1) from None


def _tab_at(text: str, line: int) -> bool:
    lines = text.split("\n", line + 1)
    return line < len(lines) and "\t" in lines[line][: len(lines[line]) - len(lines[line].lstrip())]


def _check_depth_by_events(text: str, offset: int) -> None:
    """Walk the flat event stream (no recursion) and stop at the nesting limit."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = (
                        (event.start_mark.line, event.start_mark.column)
                        if event.start_mark
                        else (0, 0)
                    )
                    raise _too_deep(line + 1 + offset, col + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if _is_nesting_limit(exc):
            mark = exc.problem_mark or exc.context_mark
            raise _too_deep(
                (mark.line if mark else 0) + 1 + offset, (mark.column if mark else 0) + 1
            ) from None
        return  # the composer reports the syntax error with its position
    except yaml.YAMLError:
        return


def _is_nesting_limit(exc: yaml.MarkedYAMLError) -> bool:
    # libyaml 0.2.5 (the C loader in PyYAML 6.0.2 and later wheels) stops at 1,000 levels
    # with a scanner error of its own; the pure-Python loader has no such limit.
    return "maximum nesting depth" in (exc.problem or "")


def _too_deep(line: int, col: int) -> ParseError:
    return ParseError(
        TOO_DEEP.id, f"the data is nested deeper than {MAX_DEPTH} levels; flatten it", line, col
    )


def _construct_root(node: yaml.Node, offset: int) -> Any:
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise ParseError(
            NOT_A_MAPPING.id,
            f"the document is {kind}; it must be a mapping of `key: value` pairs",
            node.start_mark.line + 1 + offset,
            node.start_mark.column + 1,
        )
    return _Constructor(offset).construct(node, 0)


class _Constructor:
    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.budget = MAX_NODES

    def error(self, rule_id: str, message: str, node: yaml.Node) -> ParseError:
        mark = node.start_mark
        return ParseError(rule_id, message, mark.line + 1 + self.offset, mark.column + 1)

    def construct(self, node: yaml.Node, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.error(
                ALIAS_BOMB.id,
                f"the document expands to more than {MAX_NODES} "
                "values (through aliases?); write it out without `*` aliases",
                node,
            )
        if depth > MAX_DEPTH:
            raise self.error(
                TOO_DEEP.id, f"the data is nested deeper than {MAX_DEPTH} levels; flatten it", node
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in (_TAG + "seq",):
                raise self.error(
                    UNSUPPORTED_TAG.id, f"the tag {node.tag} is not supported; remove it", node
                )
            return [self.construct(child, depth + 1) for child in node.value]
        if isinstance(node, yaml.MappingNode):
            if node.tag not in (_TAG + "map",):
                raise self.error(
                    UNSUPPORTED_TAG.id, f"the tag {node.tag} is not supported; remove it", node
                )
            return self.mapping(node, depth)
        raise self.error(UNSUPPORTED_TAG.id, "unsupported YAML node", node)  # pragma: no cover

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged = self.construct(value_node, depth + 1)
                sources = merged if isinstance(merged, list) else [merged]
                for source in sources:
                    if not isinstance(source, dict):
                        raise self.error(
                            INVALID_YAML.id, "a `<<` merge key needs a mapping", value_node
                        )
                    for k, v in source.items():
                        result.setdefault(k, v)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(
                    BAD_KEY.id,
                    "a list or mapping is used as a key; keys must be plain strings",
                    key_node,
                )
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1 + self.offset
                raise self.error(
                    DUPLICATE_KEY.id,
                    f"duplicate key '{key}' (first defined on line "
                    f"{first}); YAML keeps only the last value, remove one of them",
                    key_node,
                )
            seen[key] = key_node
            result[key] = self.construct(value_node, depth + 1)
        return result

    def number(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if ":" in text:
            # YAML 1.1's base 60 (`1:30:00`): nobody's intent in these files, and PyYAML
            # reads it in quadratic time. YAML 1.2 reads it as a string, and so do we.
            return text
        digits = sum(ch.isalnum() for ch in text)  # hex and octal too
        if digits > MAX_NUMBER_DIGITS:
            raise self.error(
                NUMBER_TOO_LONG.id,
                f"this number has {digits:,} digits, more than "
                f"the {MAX_NUMBER_DIGITS} mltriad reads; shorten it, or quote it if it is "
                "not a number",
                node,
            )
        if node.tag == _TAG + "int":
            return _SCALARS.construct_yaml_int(node)
        return _SCALARS.construct_yaml_float(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _TAG + "str" or tag == _TAG + "timestamp":
            return node.value
        if tag == _TAG + "bool":
            if node.value in _TRUE:
                return True
            if node.value in _FALSE:
                return False
            return node.value  # YAML 1.1's yes/no/on/off are strings in YAML 1.2
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "int" or tag == _TAG + "float":
            return self.number(node)
        if tag == _TAG + "binary":
            return node.value
        raise self.error(UNSUPPORTED_TAG.id, f"the tag {tag} is not supported; remove it", node)
