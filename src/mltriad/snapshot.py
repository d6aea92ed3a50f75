"""The files of a repository at one moment: the working tree, or one git commit.

Everything that reads artifacts goes through the small `Snapshot` interface, so that
`check` (working tree), the gate (base and head commits) and the site read files the
same way, and so that no path ever leads outside the repository.
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from mltriad.documents import FILE_TOO_LARGE, OUTSIDE_REPOSITORY, ParseError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "site"}


class Snapshot(Protocol):
    """Read-only access to the files of a repository, by repository-relative POSIX path."""

    label: str

    def read_bytes(self, path: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
        """The file's bytes; ParseError (MT005, MT012) if too large or outside the repository."""
        ...

    def exists(self, path: str) -> bool: ...

    def glob(self, pattern: str) -> list[str]:
        """Sorted paths of the files that match a glob (`*`, `?`, `[...]`, `**`)."""
        ...


def normalize(path: str) -> str | None:
    """A clean repository-relative POSIX path, or None if it would leave the repository."""
    if not path or "\x00" in path:
        return None
    path = path.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return None
    clean = posixpath.normpath(path)
    if clean == ".." or clean.startswith("../"):
        return None
    return clean


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob translated to a regex over POSIX paths; `*` stays within one folder."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def static_prefix(pattern: str) -> str:
    """The folder part of a glob before its first wildcard."""
    parts = pattern.split("/")
    fixed = []
    for part in parts[:-1]:
        if any(ch in part for ch in "*?["):
            break
        fixed.append(part)
    return "/".join(fixed)


class WorkTree:
    """The working tree of a repository (or any folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = "working tree"

    def _real(self, path: str) -> Path:
        clean = normalize(path)
        if clean is None:
            raise ParseError(
                OUTSIDE_REPOSITORY.id,
                f"the path '{path}' leads outside the repository; it was not read",
            )
        full = self.root / clean
        real = Path(os.path.realpath(full))
        if real != self.root and self.root not in real.parents:
            raise ParseError(
                OUTSIDE_REPOSITORY.id,
                f"'{clean}' is a symlink to {real}, outside the repository; it was not read",
            )
        return real

    def read_bytes(self, path: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
        real = self._real(path)
        size = real.stat().st_size
        if size > limit:
            raise ParseError(
                FILE_TOO_LARGE.id,
                f"the file is {size:,} bytes, over the limit of "
                f"{limit:,} bytes for an artifact; it was not read",
            )
        with real.open("rb") as handle:
            return handle.read(limit + 1)

    def exists(self, path: str) -> bool:
        try:
            return self._real(path).is_file()
        except ParseError:
            return False

    def real_path(self, path: str) -> Path:
        """The absolute path of a file inside the tree (raises ParseError outside it)."""
        return self._real(path)

    def glob(self, pattern: str) -> list[str]:
        regex = glob_regex(pattern)
        prefix = static_prefix(pattern)
        start = self.root / prefix if prefix else self.root
        if not start.is_dir():
            return []
        found = []
        recursive = "**" in pattern or pattern.count("/") > prefix.count("/") + 1
        for dirpath, dirnames, filenames in os.walk(start):
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS) if recursive else []
            for name in filenames:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if regex.match(rel):
                    found.append(rel)
        return sorted(found)
