"""The few things the readers need from Markdown: prose lines, headings, links.

Lines inside fenced code and HTML comments are not prose: a template's instructions in a
comment (`# 99. Believe in ghosts`) or an example in a code block is never read as a
heading or as metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_COMMENT_INLINE = re.compile(r"<!--.*?-->")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the whole file
    text: str  # without HTML comments


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


def prose_lines(text: str, first_line: int = 1) -> list[Line]:
    """The lines of `text` outside fenced code and HTML comments, comments removed."""
    lines: list[Line] = []
    fence: str | None = None
    in_comment = False
    for offset, raw in enumerate(text.splitlines()):
        number = first_line + offset
        if in_comment:
            end = raw.find("-->")
            if end < 0:
                continue
            raw = raw[end + 3 :]
            in_comment = False
        if fence is None:
            marker = _FENCE.match(raw)
            if marker:
                fence = marker.group(1)[0] * len(marker.group(1))
                continue
        else:
            if raw.strip().startswith(fence) and not raw.strip().strip(fence[0]):
                fence = None
            continue
        cleaned = _COMMENT_INLINE.sub("", raw)
        start = cleaned.find("<!--")
        if start >= 0:
            cleaned = cleaned[:start]
            in_comment = True
        lines.append(Line(number, cleaned.rstrip()))
    return lines


def headings(lines: list[Line]) -> list[Heading]:
    """ATX headings, and setext level-1 headings, of prose lines."""
    found: list[Heading] = []
    previous: Line | None = None
    for line in lines:
        match = _ATX.match(line.text)
        if match:
            found.append(Heading(len(match.group(1)), (match.group(2) or "").strip(), line.number))
        elif (
            _SETEXT_H1.match(line.text)
            and previous is not None
            and previous.text.strip()
            and previous.number == line.number - 1
        ):
            found.append(Heading(1, previous.text.strip(), previous.number))
        previous = line
    return found


def first_title(found: list[Heading]) -> Heading | None:
    """The first level-1 heading."""
    return next((h for h in found if h.level == 1), None)


def section(lines: list[Line], found: list[Heading], name: str) -> list[Line]:
    """The prose lines under the first heading called `name` (any level, any case)."""
    wanted = name.strip().lower()
    for i, heading in enumerate(found):
        if heading.text.strip().lower() == wanted:
            end = found[i + 1].line if i + 1 < len(found) else None
            return [
                ln for ln in lines if ln.number > heading.line and (end is None or ln.number < end)
            ]
    return []


def link_target_stem(text: str) -> str | None:
    """The file name without extension of the first Markdown link in `text`, if it is local."""
    match = _LINK.search(text)
    if match is None:
        return None
    target = match.group("target").strip("<>").split("#", 1)[0].split("?", 1)[0]
    if not target or "://" in target:
        return None
    name = target.rstrip("/").rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name or None


def unlink(text: str) -> str:
    """Text with Markdown links replaced by their text: '[3. Foo](0003-foo.md)' -> '3. Foo'."""
    return _LINK.sub(lambda m: m.group("text"), text)
