"""Small builders for the HTML that generated pages embed in their Markdown.

Everything a user wrote passes through `esc` before it reaches a page. Blocks never
contain a blank line, so Python-Markdown keeps each one as a single raw HTML block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def esc(value: object) -> str:
    """HTML-escaped text on one logical line (newlines become <br>)."""
    text = html.escape("" if value is None else str(value), quote=True)
    return "<br>".join(part for part in text.strip().splitlines())


def md_text(value: object) -> str:
    """Text safe to place in a Markdown heading or paragraph: no markup of its own."""
    text = html.escape(" ".join(str(value).split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def attrs(**values: str | None) -> str:
    """` key="value"` pairs; trailing underscores are dropped (class_ -> class)."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f' {name}="{html.escape(value, quote=True)}"')
    return "".join(parts)


def tag(name: str, content: str = "", **values: str | None) -> str:
    return f"<{name}{attrs(**values)}>{content}</{name}>"


def link(href: str, text: str, **values: str | None) -> str:
    """A link whose text is already HTML."""
    return tag("a", text, href=href, **values)


def badge(label: str, tone: str, *, title: str | None = None) -> str:
    """A coloured pill: tone is one of good, bad, warn, info, muted, accent."""
    return tag("span", esc(label), class_=f"triad-badge triad-badge--{tone}", title=title)


def path_text(path: str) -> str:
    """A file path that may break after each slash, never inside a name."""
    return "/<wbr>".join(esc(part) for part in path.split("/"))


def muted(text: str) -> str:
    return tag("span", esc(text), class_="triad-muted")


def lines(items: Iterable[str]) -> str:
    """Cell content with one item per line."""
    return "<br>".join(items)


@dataclass(frozen=True)
class Column:
    """A table column; `numeric` aligns right, `nowrap` keeps short identifiers whole,
    `wide` keeps room for a title."""

    label: str
    numeric: bool = False
    nowrap: bool = False
    wide: bool = False

    @property
    def css(self) -> str | None:
        flags = (
            ("triad-num", self.numeric),
            ("triad-nowrap", self.nowrap),
            ("triad-wide", self.wide),
        )
        return " ".join(c for c, on in flags if on) or None


@dataclass
class Table:
    """An HTML table with a header row; cells are HTML."""

    columns: Sequence[Column]
    rows: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)
    class_: str = ""

    def add(self, cells: list[str], **row_attrs: str) -> None:
        self.rows.append((cells, row_attrs))

    def render(self) -> str:
        head = "".join(self._th(c) for c in self.columns)
        body = "\n".join(self._tr(cells, row_attrs) for cells, row_attrs in self.rows)
        classes = f"triad-table {self.class_}".strip()
        return (
            f'<div class="triad-scroll">\n<table class="{classes}">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>"
        )

    @staticmethod
    def _th(column: Column) -> str:
        return tag("th", esc(column.label), class_=column.css, scope="col")

    def _tr(self, cells: list[str], row_attrs: dict[str, str]) -> str:
        tds = "".join(
            tag("td", cell, class_=col.css) for col, cell in zip(self.columns, cells, strict=True)
        )
        return f"<tr{attrs(**row_attrs)}>{tds}</tr>"


def facts(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of label and HTML value, skipping empty values."""
    items = "\n".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in pairs if value)
    return f'<dl class="triad-facts">\n{items}\n</dl>' if items else ""


def notice(tone: str, title: str, body: str) -> str:
    """A boxed message (tone: bad, warn, info, good) whose body is HTML."""
    return (
        f'<div class="triad-notice triad-notice--{tone}" role="note">'
        f'<p class="triad-notice__title">{esc(title)}</p>\n{body}\n</div>'
    )


def bullet_list(items: Iterable[str], class_: str | None = None) -> str:
    """An unordered list of HTML items."""
    content = "".join(f"<li>{item}</li>" for item in items)
    return tag("ul", content, class_=class_) if content else ""
