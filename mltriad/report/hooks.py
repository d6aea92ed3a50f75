"""What `mltriad hooks install`, `uninstall` and `list` did or found, for people."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mltriad.commands.hooks import (
    ABSENT,
    CURRENT,
    INSTALLED,
    LEFT,
    NOT_EXECUTABLE,
    OTHER,
    OUTDATED,
    PRE_COMMIT,
    REMOVED,
    REPLACED,
    RESTORED,
    UNCHANGED,
    UPDATED,
    HookFile,
    InstallResult,
    UninstallResult,
)

_INSTALL_WORDS = {
    INSTALLED: "installed",
    UPDATED: "updated",
    REPLACED: "replaced (--force)",
    UNCHANGED: "unchanged (already installed)",
}


_STATE_WORDS = {
    ABSENT: "not installed",
    CURRENT: "installed (this version of mltriad)",
    NOT_EXECUTABLE: "installed but not executable, so git skips it; `mltriad hooks install` fixes it",
    OUTDATED: "installed by another version of mltriad; `mltriad hooks install` updates it",
    PRE_COMMIT: "pre-commit's hook (`pre-commit install`), not mltriad's",
    OTHER: "another hook, not mltriad's",
}


_UNINSTALL_WORDS = {
    REMOVED: "removed",
    RESTORED: "removed; the hook it had replaced is back",
    LEFT: "left as it is (not mltriad's)",
}


def describe_install(result: InstallResult) -> list[str]:
    lines = []
    for a in result.actions:
        line = f"{a.name}: {_INSTALL_WORDS[a.action]}  {a.path}"
        if a.backup is not None:
            line += f"  (the hook it replaced is kept as {a.backup.name})"
        lines.append(line)
    if result.hooks_path is not None:
        was = f" (was {result.previous_hooks_path})" if result.previous_hooks_path else ""
        lines.append(f"Set core.hooksPath to {result.hooks_path}{was}.")
    if not result.changed:
        lines.append("Nothing to do: the hooks were already installed.")
    lines.extend(f"Note: {n}" for n in result.notes)
    return lines


def describe_state(folder: Path, hooks: Sequence[HookFile]) -> list[str]:
    lines = [f"Hooks folder: {folder}"]
    lines.extend(f"{h.name}: {_STATE_WORDS[h.state]}" for h in hooks)
    return lines


def describe_uninstall(result: UninstallResult) -> list[str]:
    lines = []
    for a in result.actions:
        if a.action == LEFT and a.was == ABSENT:
            lines.append(f"{a.name}: not installed")
        else:
            lines.append(f"{a.name}: {_UNINSTALL_WORDS[a.action]}  {a.path}")
    return lines
