"""Findings in any of the four formats: text, json, github (workflow commands) and sarif."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from mltriad.report import github, json_format, sarif, text
from mltriad.report.model import Report

_RENDERERS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}


def render(fmt: str, report: Report, out: TextIO) -> None:
    """Write `report` to `out` in one of FINDINGS_FORMATS."""
    _RENDERERS[fmt](report, out)
