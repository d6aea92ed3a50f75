"""The one error type a user can cause, and the exit codes of the command line."""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class MltriadError(Exception):
    """An error the user can fix: a sentence that says what went wrong and what to do.

    Raised anywhere in the package; the command line turns it into one line on stderr
    and exit code 2. It is never a bug: bugs are any other exception (exit code 3).
    """

    exit_code = EXIT_USAGE

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += ("" if text.endswith((".", "!", "?", ":")) else ".") + f" {self.hint}"
        return text


class ConfigError(MltriadError):
    """triad.yaml is missing, unreadable or invalid; `findings` locates each problem."""

    findings: list[Any]

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.findings = []


class GitError(MltriadError):
    """git cannot answer: not a repository, unknown ref, shallow history, no merge base."""
