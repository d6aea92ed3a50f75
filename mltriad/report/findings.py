"""Findings in any of the formats of FINDINGS_FORMATS, and the gate's sign-offs as JUnit."""

from __future__ import annotations

import importlib
import sys
from typing import TextIO

from mltriad.report.model import Report

# The module of each format, imported when that format is asked for: the hook, which
# writes text, loads no other.
_RENDERERS = {
    "text": "mltriad.report.text",
    "json": "mltriad.report.json_format",
    "github": "mltriad.report.github",
    "sarif": "mltriad.report.sarif",
    "gitlab": "mltriad.report.gitlab",
    "junit": "mltriad.report.junit",
}


def render(fmt: str, report: Report, out: TextIO, log: TextIO | None = None) -> None:
    """Write `report` to `out` in one of FORMATS; a format that also has lines for people
    beside its document (gitlab) writes them to `log` (default: stderr)."""
    module = importlib.import_module(_RENDERERS[fmt])
    if fmt == "gitlab":
        module.render(report, out, log or sys.stderr)
    else:
        module.render(report, out)
