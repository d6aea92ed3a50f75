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
    # Where that triad.yaml is, when it is not the working tree's ("the base commit ...").
    source: str

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.findings = []
        self.source = ""

    def after_findings(self) -> str:
        """The closing line once `findings` were shown, each at its line: what to do,
        without repeating the first of them."""
        count = len(self.findings)
        problems = "a problem" if count == 1 else f"{count} problems"
        where = f" in the {self.source}" if self.source else ""
        if self.source:
            return (
                f"{self.path or 'triad.yaml'}{where} has {problems} (above), so it cannot be "
                "used. The gate reads the policy from the base branch, never from the "
                "change: fix triad.yaml there first."
            )
        return f"{self.path or 'triad.yaml'} has {problems} (above); fix it and run again."


class GitError(MltriadError):
    """git cannot answer: not a repository, unknown ref, shallow history, no merge base."""
