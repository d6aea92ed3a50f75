"""Small Markdown builders shared by the reference generators."""

from __future__ import annotations

import re
from collections.abc import Sequence

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_SPECIAL = str.maketrans({"<": "&lt;", "|": "\\|", "*": "\\*"})


def text(value: str) -> str:
    """Prose for a Markdown page or table cell: code spans kept, everything else literal."""
    parts: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(value):
        parts.append(value[last : match.start()].translate(_SPECIAL))
        parts.append(match.group(0))
        last = match.end()
    parts.append(value[last:].translate(_SPECIAL))
    return " ".join("".join(parts).split())


def code(value: object) -> str:
    """An inline code span that survives backticks inside the value."""
    literal = str(value)
    longest = max((len(run) for run in re.findall(r"`+", literal)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if literal.startswith("`") or literal.endswith("`") else ""
    return f"{ticks}{pad}{literal}{pad}{ticks}"


def fence(body: str, language: str = "text") -> str:
    """A fenced code block, its fence longer than any backtick run in `body`."""
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    ticks = "`" * (longest + 1)
    return f"{ticks}{language}\n{body.rstrip()}\n{ticks}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table; cells must already be Markdown (see `text` and `code`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def heading(level: int, title: str, anchor: str | None = None) -> str:
    """A heading, with an explicit anchor when links elsewhere depend on it."""
    suffix = f" {{ #{anchor} }}" if anchor else ""
    return f"{'#' * level} {title}{suffix}"


def slug(value: str) -> str:
    """A stable lowercase anchor: `mltriad gate` -> `gate`, `MT101` -> `mt101`."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
