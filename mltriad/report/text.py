"""`path:line:col: severity RULE: message`, one finding per line, then a summary line."""

from __future__ import annotations

from typing import TextIO

from mltriad.findings import Finding
from mltriad.report.model import Report


def line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.col}: {f.severity.value} {f.rule}: {f.message}"


def render(report: Report, out: TextIO) -> None:
    for f in report.findings:
        out.write(line(f) + "\n")
    for note in report.notes:
        out.write(note + "\n")
    out.write(report.summary_line() + "\n")
