"""`Report`: what a command found, ready for any output format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mltriad.findings import Finding, Severity


@dataclass(frozen=True)
class ReportCase:
    """One line of a test report (JUnit): for the gate, one artifact x role.

    `failure` is a short reason when the case fails (None when it passes); `details` says
    more, such as who may sign and the command to run; `rule` is the finding's rule id."""

    name: str
    classname: str
    file: str
    failure: str | None = None
    details: str = ""
    rule: str = ""


@dataclass
class Report:
    """What a command found, ready for any format.

    `notes` are extra lines for people (per-model verdicts); `markdown` is extra Markdown
    for the GitHub step summary and the GitLab job log (the gate's sign-off table); `extra`
    goes into JSON as is; `cases` are what a test report (JUnit) lists.
    """

    command: str
    findings: list[Finding]
    files: int
    notes: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # lines for people before the findings
    noun: str = "file"  # what `files` counts: files checked, or artifacts gated
    hit: int | None = None  # how many of them have findings (default: distinct paths)
    markdown: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    verdict: str | None = None  # the gate's "pass" / "blocked"
    cases: list[ReportCase] = field(default_factory=list)
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

    def _where(self) -> str:
        """'1 of 4 files checked', or '1 file checked' when one was (or artifacts)."""
        hit = len({f.path for f in self.findings}) if self.hit is None else self.hit
        total = max(self.files, hit)
        noun = self.noun if total == 1 else f"{self.noun}s"
        return f"{hit} {noun} checked" if hit == total == 1 else f"{hit} of {total} {noun} checked"

    def summary_line(self) -> str:
        errors, warnings, infos = (self.count(s) for s in Severity)
        files = f"{self.files} {self.noun}{'s' if self.files != 1 else ''}"
        if not self.findings:
            text = f"{files} checked: no findings."
        else:
            parts = [f"{errors} error{'s' if errors != 1 else ''}"]
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            if infos:
                parts.append(f"{infos} note{'s' if infos != 1 else ''}")
            text = f"{', '.join(parts)} in {self._where()}."
        if self.verdict:
            text = f"{text} Merge {'allowed' if self.verdict == 'pass' else 'BLOCKED'}."
        return text
