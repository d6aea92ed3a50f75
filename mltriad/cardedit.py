"""Writing a model card's `results` and `confusion` without touching anything else.

A card is edited as text, line by line, guided by the positions of its parsed front matter:
an entry of `results` (or `confusion`) that is replaced gets new lines at the same place
and indentation, a new entry goes after the last one, a block the card lacks goes after
`results` (or at the end of the front matter). Every other byte stays as it was:
comments, key order, quoting, line endings and the Markdown body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from mltriad.documents import Document, parse_yaml
from mltriad.findings import ParseError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Key = Callable[[dict[str, Any]], object]


@dataclass(frozen=True)
class Entry:
    """A mapping to write as one item of a block list; keys are written in this order."""

    data: dict[str, Any]


def scalar(value: Any) -> str:
    """`value` as a YAML scalar: plain where it reads back as the same string, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_value(value)
    text = str(value)
    if _DATE.match(text):
        return text  # mltriad reads dates as strings
    try:
        read = parse_yaml("value", f"v: {text}\n".encode()).data.get("v")
    except ParseError:
        read = None
    if read == text and text == text.strip() and "#" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def format_value(value: float, decimals: int = 4) -> str:
    """A metric's value with at most `decimals` decimals, trailing zeros dropped."""
    text = f"{round(value, decimals):.{decimals}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def render_entry(entry: dict[str, Any], indent: int, newline: str) -> list[str]:
    """The lines of one list item at `indent` (the column of its `-`)."""
    lines: list[str] = []
    pad = " " * indent
    for i, (key, value) in enumerate(entry.items()):
        lead = pad + ("- " if i == 0 else "  ")
        if isinstance(value, dict):
            lines.append(f"{lead}{key}:{newline}")
            for sub_key, sub_value in value.items():
                lines.append(f"{pad}    {sub_key}: {_flow(sub_value)}{newline}")
        else:
            lines.append(f"{lead}{key}: {_flow(value)}{newline}")
    return lines


@dataclass
class _Block:
    key: str
    start: int  # line of the key
    end: int  # one past its last line (trailing blank and column-0 comment lines excluded)
    node: yaml.Node


def _blocks(lines: list[str], root: yaml.MappingNode) -> list[_Block]:
    keys = [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]
    blocks = []
    for i, (k, v) in enumerate(keys):
        start = k.start_mark.line
        end = keys[i + 1][0].start_mark.line if i + 1 < len(keys) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        blocks.append(_Block(str(k.value), start, end, v))
    return blocks


def update_lists(
    doc: Document,
    updates: Sequence[tuple[str, list[dict[str, Any]], Key]],
) -> str:
    """The card's text with each (top-level key, entries, key function) applied: an
    existing item whose key equals an entry's is replaced by it, the others are appended.

    `doc` must be a parsed Markdown document with front matter.
    """
    assert doc.yaml_span is not None and isinstance(doc.node, yaml.MappingNode)
    start, end = doc.yaml_span
    text = doc.text
    yaml_text = text[start:end]
    newline = "\r\n" if "\r\n" in yaml_text else "\n"
    lines = yaml_text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    root = doc.node
    # Apply from the bottom up so that earlier line numbers stay valid; a block a card
    # lacks is inserted after the block of the key before it in `updates`.
    plans: list[tuple[int, int, list[str]]] = []  # applied bottom-up, in order of `updates`
    blocks = {b.key: b for b in _blocks(lines, root)}
    data = doc.data if isinstance(doc.data, dict) else {}
    previous_end: int | None = None
    for key, entries, key_of in updates:
        block = blocks.get(key)
        current = data.get(key)
        if (
            block is not None
            and isinstance(block.node, yaml.SequenceNode)
            and (not block.node.flow_style and block.node.value and isinstance(current, list))
        ):
            plans.extend(_edit_items(lines, block, current, entries, key_of, newline))
            previous_end = block.end
            continue
        kept = [e for e in current if isinstance(e, dict)] if isinstance(current, list) else []
        merged = _merge(kept, entries, key_of)
        new = [f"{key}:{newline}"]
        for entry in merged:
            new += render_entry(entry, 2, newline)
        if block is not None:
            plans.append((block.start, block.end, new))
            previous_end = block.end
        else:
            at = previous_end if previous_end is not None else len(lines)
            plans.append((at, at, new))
            previous_end = at
    ordered = sorted(enumerate(plans), key=lambda p: (p[1][0], p[1][1], p[0]), reverse=True)
    for _, (begin, finish, new) in ordered:
        lines[begin:finish] = new
    return text[:start] + "".join(lines) + text[end:]


def _merge(
    kept: list[dict[str, Any]], entries: list[dict[str, Any]], key_of: Key
) -> list[dict[str, Any]]:
    by_key = {key_of(e): e for e in entries}
    merged = [by_key.pop(key_of(e), e) for e in kept]
    return merged + list(by_key.values())


def _edit_items(
    lines: list[str],
    block: _Block,
    current: list[Any],
    entries: list[dict[str, Any]],
    key_of: Key,
    newline: str,
) -> list[tuple[int, int, list[str]]]:
    assert isinstance(block.node, yaml.SequenceNode)
    items = block.node.value
    starts = [item.start_mark.line for item in items]
    indent = max(items[0].start_mark.column - 2, 0)
    by_key = {key_of(e): e for e in entries}
    plans = []
    for i, item in enumerate(current):
        if not isinstance(item, dict):
            continue
        replacement = by_key.pop(key_of(item), None)
        if replacement is None:
            continue
        end = starts[i + 1] if i + 1 < len(starts) else block.end
        while end > starts[i] + 1 and not lines[end - 1].strip():
            end -= 1
        plans.append((starts[i], end, render_entry(replacement, indent, newline)))
    if by_key:
        added: list[str] = []
        for entry in by_key.values():
            added += render_entry(entry, indent, newline)
        plans.append((block.end, block.end, added))
    return plans
