"""Findings in any of the formats of FINDINGS_FORMATS, and the gate's sign-offs as JUnit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from mltriad.report import github, gitlab, json_format, sarif, text
from mltriad.report.model import Report

_RENDERERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}


def render(fmt: str, report: Report, out: TextIO, log: TextIO | None = None) -> None:
    """Write `report` to `out` in one of FORMATS; a format that also has lines for people
    beside its document (gitlab) writes them to `log` (default: stderr)."""
    if fmt == "gitlab":
        gitlab.render(report, out, log or sys.stderr)
    elif fmt == "junit":
        # Only the gate offers it: the hook's `check` does not pay for importing ElementTree.
        from mltriad.report import junit

        junit.render(report, out)
    else:
        _RENDERERS[fmt](report, out)
