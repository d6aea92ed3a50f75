"""`mltriad check` as a Report: its findings, and one verdict line per model card."""

from __future__ import annotations

from pathlib import Path

from mltriad.commands.check import CheckResult
from mltriad.report.model import Report
from mltriad.snapshot import repository_prefix


def check_report(result: CheckResult, root: Path) -> Report:
    """Paths in GitHub annotations and SARIF are relative to the git root around `root`."""
    return Report(
        "check",
        result.findings,
        len(result.checked),
        notes=[*result.notes, *(f"{p}: {v}" for p, v in sorted(result.verdicts.items()))],
        prefix=repository_prefix(root),
    )
