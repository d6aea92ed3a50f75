"""Output formats: one module per format, all rendering the same `Report`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mltriad.findings import Finding, Severity

FORMATS = ("text", "json", "github", "sarif")


@dataclass
class Report:
    """What a command found, ready for any format.

    `notes` are extra lines for people (per-model verdicts); `markdown` is extra Markdown
    for the GitHub step summary (the gate's sign-off table); `extra` goes into JSON as is.
    """

    command: str
    findings: list[Finding]
    files: int
    notes: list[str] = field(default_factory=list)
    markdown: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    verdict: str | None = None  # the gate's "pass" / "blocked"
    # The folder of triad.yaml relative to the git repository's root ("" when they are the
    # same): GitHub annotations and SARIF locations are relative to the repository root.
    prefix: str = ""

    def repo_path(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def blocking(self) -> int:
        return self.count(Severity.ERROR)

    def summary_line(self) -> str:
        errors, warnings, infos = (self.count(s) for s in Severity)
        files = f"{self.files} file{'s' if self.files != 1 else ''}"
        if not self.findings:
            text = f"{files} checked: no findings."
        else:
            parts = [f"{errors} error{'s' if errors != 1 else ''}"]
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            if infos:
                parts.append(f"{infos} note{'s' if infos != 1 else ''}")
            text = f"{', '.join(parts)} in {files}."
        if self.verdict:
            text = f"{text} Merge {'allowed' if self.verdict == 'pass' else 'BLOCKED'}."
        return text


def repository_prefix(root: Path) -> str:
    """`root` relative to the enclosing git work tree (found without running git)."""
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else relative
    return ""


def render(fmt: str, report: Report, out: TextIO) -> None:
    renderers: dict[str, Callable[[Report, TextIO], None]]
    from mltriad.report import github, json_format, sarif, text

    renderers = {
        "text": text.render,
        "json": json_format.render,
        "github": github.render,
        "sarif": sarif.render,
    }
    renderers[fmt](report, out)
