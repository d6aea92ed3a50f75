"""The files `init` and `new` write, from `template-repo/` (shipped in the wheel).

Templates hold `@@TOKEN@@` fields (`@@TOKEN:arg@@` with an argument); `render` fills them
through a lookup. template-repo/README.md explains the layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from mltriad.data import data_dir

CREATED = "created"


OVERWRITTEN = "overwritten"


APPENDED = "appended"


SKIPPED = "skipped"


UNCHANGED = "unchanged"


KEPT = "kept"  # a file init never replaces, left as it was: its note says what to add


_TOKEN = re.compile(r"@@([A-Z][A-Z0-9_]*)(?::([^@\s]+))?@@")


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: created, overwritten, appended to, skipped, kept or
    unchanged."""

    path: str
    action: str
    note: str = ""


def template_dir() -> Path:
    return data_dir("template-repo")


def target_name(template_path: str) -> str:
    """`dot-github/workflows/x.yml` -> `.github/workflows/x.yml`."""
    parts = template_path.split("/")
    return "/".join("." + p[4:] if p.startswith("dot-") else p for p in parts)


def render(text: str, lookup: Callable[[str, str | None], str]) -> str:
    """Fill in `@@TOKEN@@` and `@@TOKEN:ARG@@` fields.

    A token alone on its line replaces the whole line (or removes it when it is empty), so
    that blocks of YAML keep their indentation as written by `lookup`.
    """
    lines = []
    for line in text.splitlines(keepends=True):
        whole = _TOKEN.fullmatch(line.strip())
        if whole:
            value = lookup(whole.group(1), whole.group(2))
            if value:
                lines.append(value if value.endswith("\n") else value + "\n")
            continue
        lines.append(_TOKEN.sub(lambda m: lookup(m.group(1), m.group(2)), line))
    return "".join(lines)


def template_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(target path, template file) for every file under `folder`, in a stable order."""
    for source in sorted(p for p in folder.rglob("*") if p.is_file()):
        yield target_name(source.relative_to(folder).as_posix()), source


def fields(values: Mapping[str, str]) -> Callable[[str, str | None], str]:
    def lookup(name: str, arg: str | None) -> str:
        if arg is None and name in values:
            return values[name]
        raise KeyError(f"unknown template field @@{name}{':' + arg if arg else ''}@@")

    return lookup
