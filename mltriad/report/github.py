"""GitHub Actions workflow commands (annotations) and a Markdown step summary.

GitHub shows at most 10 annotations of each severity per step, so the step summary
(written to $GITHUB_STEP_SUMMARY when it is set) lists every finding.
"""

from __future__ import annotations

import os
from typing import TextIO

from mltriad.findings import Finding, Severity
from mltriad.report import text
from mltriad.report.model import Report

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, path: str | None = None) -> str:
    props = ",".join(
        [
            f"file={_escape_property(path or f.path)}",
            f"line={f.line}",
            f"col={f.col}",
            f"title={_escape_property(f.rule)}",
        ]
    )
    return f"::{_LEVEL[f.severity]} {props}::{_escape_data(f.message)}"


def summary_markdown(report: Report) -> str:
    title = {"check": "mltriad check", "gate": "mltriad merge gate"}.get(
        report.command, f"mltriad {report.command}"
    )
    icon = ":x:" if report.blocking else ":white_check_mark:"
    lines = [f"## {icon} {title}", "", report.summary_line(), ""]
    if report.markdown:
        lines += [report.markdown.rstrip(), ""]
    if report.findings:
        lines += ["| Where | Severity | Rule | Message |", "| --- | --- | --- | --- |"]
        for f in report.findings:
            lines.append(
                f"| `{text.markdown_cell(f.path)}:{f.line}` | {f.severity.value} | {f.rule} | "
                f"{text.markdown_cell(f.message)} |"
            )
        lines.append("")
    if report.notes:
        lines += [f"- {text.markdown_cell(n)}" for n in report.notes] + [""]
    return "\n".join(lines)


def render(report: Report, out: TextIO) -> None:
    for f in report.findings:
        out.write(annotation(f, report.repo_path(f.path)) + "\n")
    # The plain lines hold values from files and from git: with workflow commands stopped
    # (until a token nobody can guess), no line of them can act as one.
    token = os.urandom(16).hex()  # not `secrets`: its import would slow the hook
    out.write(f"::stop-commands::{token}\n")
    text.render(report, out)
    out.write(f"::{token}::\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as handle:
            handle.write(summary_markdown(report) + "\n")
