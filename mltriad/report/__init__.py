"""Output: every command's result rendered for people and for tools, one module per format.

Commands (`mltriad.commands`) return results; the modules here turn them into text, JSON,
GitHub workflow commands, SARIF, GitLab's Code Quality report, JUnit XML or Markdown.
`FORMATS` lists what each command offers; the command line takes its choices from it, so a
format is named once.
"""

from __future__ import annotations

FINDINGS_FORMATS = ("text", "json", "github", "sarif", "gitlab")

FORMATS: dict[str, tuple[str, ...]] = {
    "check": FINDINGS_FORMATS,
    "gate": (*FINDINGS_FORMATS, "junit"),
    "status": ("text", "json", "markdown"),
    "adopt": ("text", "json"),
    "rules": ("text", "json"),
    "history": ("text", "json"),
}
