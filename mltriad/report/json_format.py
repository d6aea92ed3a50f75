"""A stable JSON document (format version 1); see docs/reference/output.md."""

from __future__ import annotations

import json
from typing import Any, TextIO

from mltriad import __version__
from mltriad.findings import Severity
from mltriad.report.model import Report
from mltriad.rules import all_rules


def document(report: Report) -> dict[str, Any]:
    names = {r.id: r.name for r in all_rules()}
    return {
        "version": 1,
        "tool": {"name": "mltriad", "version": __version__},
        "command": report.command,
        "result": report.verdict or ("fail" if report.blocking else "pass"),
        "summary": {
            "files": report.files,
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "notes": report.count(Severity.INFO),
            "blocking": report.blocking,
        },
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "column": f.col,
                "severity": f.severity.value,
                "rule": f.rule,
                "rule_name": names.get(f.rule, ""),
                "message": f.message,
            }
            for f in report.findings
        ],
        **({"notes": report.notes} if report.notes else {}),
        **report.extra,
    }


def render(report: Report, out: TextIO) -> None:
    json.dump(document(report), out, indent=2, sort_keys=False)
    out.write("\n")
