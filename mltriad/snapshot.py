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

from mltriad.findings import ParseError, define

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "site"}

# Reading a file can fail before any parsing: these two rules are the snapshot's.
FILE_TOO_LARGE = define(
    "MT005",
    "file-too-large",
    "The file is larger than the limit for an artifact.",
    example="(a 50 MB model card)",
    fix="Keep data out of artifacts; raise limits.max_file_bytes in triad.yaml if needed.",
)


OUTSIDE_REPOSITORY = define(
    "MT012",
    "outside-repository",
    "A path (or the symlink it is) leads outside the repository; it is not read.",
    example="label_spec: ../../etc/passwd",
    fix="Keep every file the artifacts name inside the repository.",
)
UNREADABLE = define(
    "MT015",
    "unreadable",
    "A file of the repository cannot be read: a symlink loop, no permission, a folder where "
    "a file should be.",
    example="model-cards/loop.md -> loop.md",
    fix="Replace the symlink by the file it should point at, or give the file read permission.",
)


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
    if path.startswith("/") or _DRIVE.match(path):
        return None
    parts = path.split("/")
    # normpath returns a path with no empty, '.' or '..' part unchanged; it is slow to say so
    clean = (
        path
        if "" not in parts and "." not in parts and ".." not in parts
        else posixpath.normpath(path)
    )
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
    """The working tree of a repository (or any folder), as it is at one moment."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = "working tree"
        self._root = str(self.root)
        self._prefix = self._root.rstrip(os.sep) + os.sep
        self._folders: dict[str, str] = {"": self._root}

    def _real(self, path: str) -> Path:
        return Path(self._resolve(path))

    def _resolve(self, path: str) -> str:
        """The real path of a file of the tree; ParseError if it leads outside the tree."""
        clean = normalize(path)
        if clean is None:
            raise ParseError(
                OUTSIDE_REPOSITORY.id,
                f"the path '{path}' leads outside the repository; it was not read",
            )
        real = self._realpath(clean)
        if real != self._root and not real.startswith(self._prefix):
            raise ParseError(
                OUTSIDE_REPOSITORY.id,
                f"'{clean}' is a symlink to {real}, outside the repository; it was not read",
            )
        return real

    def _realpath(self, clean: str) -> str:
        """os.path.realpath, resolving each folder once: one lstat per file, not one per
        component of its path."""
        if clean == ".":
            return self._root
        folder, _, name = clean.rpartition("/")
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = os.path.realpath(os.path.join(self._root, folder))
            self._folders[folder] = real_folder
        candidate = os.path.join(real_folder, name)
        return os.path.realpath(candidate) if os.path.islink(candidate) else candidate

    def read_bytes(self, path: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
        real = self._resolve(path)
        try:
            return self._read(real, limit)
        except OSError as exc:
            raise ParseError(
                UNREADABLE.id,
                f"'{normalize(path) or path}' cannot be read: {exc.strerror or exc}; it was "
                "not checked",
            ) from None

    @staticmethod
    def _read(real: str, limit: int) -> bytes:
        with open(real, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise ParseError(
                    FILE_TOO_LARGE.id,
                    f"the file is {size:,} bytes, over the limit of "
                    f"{limit:,} bytes for an artifact; it was not read",
                )
            return handle.read(size + 1)  # not limit + 1: the buffer is allocated up front

    def exists(self, path: str) -> bool:
        try:
            return os.path.isfile(self._resolve(path))
        except ParseError:
            return False

    def real_path(self, path: str) -> Path:
        """The absolute path of a file inside the tree (raises ParseError outside it)."""
        return self._real(path)

    def glob(self, pattern: str) -> list[str]:
        regex = glob_regex(pattern)
        prefix = static_prefix(pattern)
        start = os.path.normpath(os.path.join(self._root, prefix)) if prefix else self._root
        if not os.path.isdir(start):
            return []
        found = []
        recursive = "**" in pattern or pattern.count("/") > prefix.count("/") + 1
        for dirpath, dirnames, filenames in os.walk(start):
            rel_dir = self._relative(dirpath)
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS] if recursive else []
            for name in filenames:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if regex.match(rel):
                    found.append(rel)
        return sorted(found)

    def _relative(self, folder: str) -> str:
        """A folder's path relative to the root, in POSIX form ("" for the root)."""
        if folder == self._root:
            return ""
        if folder.startswith(self._prefix):  # the common case, without os.path.relpath's cost
            return folder[len(self._prefix) :].replace(os.sep, "/")
        return os.path.relpath(folder, self._root).replace(os.sep, "/")


def enclosing_work_tree(start: Path) -> Path | None:
    """The nearest folder at or above `start` with a `.git` (a folder, or the file of a
    linked worktree or submodule), found without running git; None outside any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repository_prefix(root: Path) -> str:
    """`root` relative to the enclosing git work tree ("" at its top or outside git)."""
    top = enclosing_work_tree(root)
    if top is None:
        return ""
    relative = root.resolve().relative_to(top).as_posix()
    return "" if relative == "." else relative
