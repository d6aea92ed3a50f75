"""Output formats: one module per format, all rendering the same `Report`.

Commands return results; the modules here turn them into text for people, JSON, GitHub
workflow commands and SARIF for tools. Each command's formats are listed once, below, and
the command line offers exactly those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from mltriad.report import github, json_format, sarif, text
from mltriad.report.model import Report

__all__ = ["FINDINGS_FORMATS", "Report", "render"]

FINDINGS_FORMATS = ("text", "json", "github", "sarif")

_RENDERERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}


def render(fmt: str, report: Report, out: TextIO) -> None:
    """Write `report` to `out` in one of FINDINGS_FORMATS."""
    _RENDERERS[fmt](report, out)
