"""Edit a Markdown file's front matter as text, leaving every other character as it was.

Re-serialising YAML would drop comments, reorder keys and requote values; a person
reviewing the change would see noise, and could lose words. Instead each change is a
small splice at the position the parser recorded: rename a key, replace a value, insert
lines into a mapping, append keys at the end. The body after the front matter is never
touched, and a file without front matter gets a new block in front of its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from mltriad.documents import Document

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/@()+-]*$")
_FLOW_WIDTH = 96


@dataclass(frozen=True)
class Commented:
    """A value written with a YAML comment after it (`driver: ml-engineer  # FILL-IN ...`)."""

    value: Any
    comment: str


@dataclass
class _Splice:
    start: int
    end: int
    text: str


@dataclass
class FrontMatterEditor:
    """Splices into the front matter of `text` (`doc` is its parse)."""

    text: str
    doc: Document
    _splices: list[_Splice] = field(default_factory=list)
    _appended: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._yaml_start = 0
        self._yaml_end = 0
        # New lines follow the file's line endings (a Windows file stays CRLF throughout).
        self._newline = "\r\n" if self.text.count("\r\n") * 2 > self.text.count("\n") else "\n"
        if self.doc.has_front_matter:
            first_end = self.text.find("\n")
            closing = _FENCE.search(self.text, first_end + 1)
            assert closing is not None  # the document parsed, so the block is closed
            self._yaml_start = first_end + 1
            self._yaml_end = closing.start()

    @property
    def has_changes(self) -> bool:
        return bool(self._splices or self._appended)

    def _node(self, key: str) -> tuple[yaml.Node, yaml.Node]:
        root = self.doc.node
        assert isinstance(root, yaml.MappingNode)
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
        raise KeyError(key)

    def rename(self, key: str, new: str) -> None:
        """Rename a top-level key where it stands."""
        key_node, _ = self._node(key)
        self._splice(key_node.start_mark.index, key_node.end_mark.index, new)

    def replace_value(self, key: str, value: Any, comment: str | None = None) -> None:
        """Replace a top-level scalar or flow value (a comment after it on the line stays)."""
        _, node = self._node(key)
        is_block = isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style
        if is_block or (isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")):
            self.replace_entry(key, {key: Commented(value, comment) if comment else value})
            return
        text = inline(value) + (f"  # {comment}" if comment else "")
        start, end = node.start_mark.index, node.end_mark.index
        if start == end and self._yaml()[start - 1 : start] == ":":
            text = " " + text  # an empty value (`status:`) has no space after its colon yet
        self._splice(start, end, text)

    def replace_entry(self, key: str, entries: dict[str, Any]) -> None:
        """Replace a whole top-level entry (its key, value and lines) by `entries`."""
        key_node, node = self._node(key)
        start = self._line_start(key_node.start_mark.index)
        self._splice(start, self._line_end(_content_end(node)), "".join(block(entries)))

    def extend_list(self, key: str, items: list[Any]) -> None:
        """Add items at the end of a top-level list, keeping the items and comments it has."""
        _, node = self._node(key)
        if not isinstance(node, yaml.SequenceNode):
            raise ValueError(f"{key} is not a list")
        if node.flow_style or not node.value:
            current = [_plain(child) for child in node.value]
            self._splice(node.start_mark.index, node.end_mark.index, inline([*current, *items]))
            return
        indent = " " * node.start_mark.column  # a block sequence starts at its first dash
        at = self._line_end(_content_end(node))
        self._splice(at, at, "".join(f"{indent}- {inline(i)}\n" for i in items))

    def has_comment(self, key: str) -> bool:
        """Whether a top-level entry's lines hold a `#` (a comment that rewriting would lose)."""
        key_node, node = self._node(key)
        start = self._line_start(key_node.start_mark.index)
        return "#" in self._yaml()[start : self._line_end(_content_end(node))]

    def insert_into(self, where: list[str | int], entries: dict[str, Any]) -> None:
        """Add keys at the end of the block mapping at `where` (a path from the root)."""
        node = self._at(where)
        if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
            raise ValueError(f"{where} is not a block mapping")
        indent = node.value[0][0].start_mark.column
        at = self._line_end(_content_end(node))
        self._splice(at, at, "".join(block(entries, indent)))

    def append(self, entries: dict[str, Any]) -> None:
        """Add keys at the end of the front matter (or in a new front-matter block)."""
        self._appended.extend(block(entries))

    def result(self) -> str:
        """The whole file, edited."""
        eol = self._newline
        appended = "".join(self._appended).replace("\n", eol)
        if not self.doc.has_front_matter:
            if not self._appended:
                return self.text
            return f"---{eol}{appended}---{eol}{self.text}"
        yaml_text = self.text[self._yaml_start : self._yaml_end]
        for splice in sorted(self._splices, key=lambda s: (s.start, s.end), reverse=True):
            text = splice.text.replace("\n", eol)
            yaml_text = yaml_text[: splice.start] + text + yaml_text[splice.end :]
        if appended:
            if yaml_text and not yaml_text.endswith("\n"):
                yaml_text += eol
            yaml_text += appended
        return self.text[: self._yaml_start] + yaml_text + self.text[self._yaml_end :]

    def _splice(self, start: int, end: int, text: str) -> None:
        for other in self._splices:
            if start < other.end and other.start < end:
                raise ValueError("overlapping front-matter edits")
        self._splices.append(_Splice(start, end, text))

    def _at(self, where: list[str | int]) -> yaml.Node:
        node = self.doc.node
        assert node is not None
        for step in where:
            if isinstance(node, yaml.MappingNode):
                found = [v for k, v in node.value if getattr(k, "value", None) == step]
                if not found:
                    raise KeyError(step)
                node = found[0]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    raise KeyError(step)
                node = node.value[step]
            else:
                raise KeyError(step)
        return node

    def _yaml(self) -> str:
        return self.text[self._yaml_start : self._yaml_end]

    def _line_start(self, index: int) -> int:
        return self._yaml().rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        """The index after the line break that ends the line holding `index - 1`."""
        text = self._yaml()
        if index > 0 and text[index - 1] == "\n":
            return index
        end = text.find("\n", index)
        return len(text) if end < 0 else end + 1


def _plain(node: yaml.Node) -> Any:
    """The value of a scalar node as mltriad reads it (lists of scalars only need this)."""
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, str) and node.tag == "tag:yaml.org,2002:int":
        return int(value)
    return value


def _content_end(node: yaml.Node) -> int:
    """Where a node's text ends. A block collection's own end mark is the start of the next
    token (often on a later line), so its last scalar's end is used instead."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return int(node.end_mark.index)


def block(entries: dict[str, Any], indent: int = 0) -> list[str]:
    """YAML lines for `entries` in block style; `Commented` values carry their comment."""
    lines: list[str] = []
    pad = " " * indent
    for key, item in entries.items():
        comment = ""
        if isinstance(item, Commented):
            comment = f"  # {item.comment}"
            item = item.value
        label = key if _PLAIN_SAFE.match(key) else inline(key)
        if isinstance(item, dict) and item:
            lines.append(f"{pad}{label}:{comment}\n")
            lines.extend(block(item, indent + 2))
        elif isinstance(item, list) and item and not _is_flow(item):
            lines.append(f"{pad}{label}:{comment}\n")
            lines.extend(_sequence(item, indent + 2))
        else:
            lines.append(f"{pad}{label}: {inline(item)}{comment}\n")
    return lines


def _sequence(items: list[Any], indent: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for item in items:
        comment = ""
        if isinstance(item, Commented):
            comment = f"  # {item.comment}"
            item = item.value
        if isinstance(item, dict) and item:
            nested = block(item, indent + 2)
            lines.append(f"{pad}- {nested[0].lstrip()}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{pad}- {inline(item)}{comment}\n")
    return lines


def _is_flow(items: list[Any]) -> bool:
    """Short lists of plain values read best in flow style: `[ml-engineer, product-manager]`."""
    if any(isinstance(i, (dict, list, Commented)) for i in items):
        return False
    return len(inline(items)) <= _FLOW_WIDTH and not any(
        isinstance(i, str) and i.startswith("FILL-IN") for i in items
    )


def inline(value: Any) -> str:
    """One value as YAML on one line, quoted only where YAML needs it."""
    if isinstance(value, str) and _DATE.match(value):
        return value  # mltriad and MADR tools read an unquoted date the same way
    if isinstance(value, Commented):
        value = value.value
    dumped = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=1_000_000, sort_keys=False
    )
    return dumped.removesuffix("\n...\n").removesuffix("\n").strip()
