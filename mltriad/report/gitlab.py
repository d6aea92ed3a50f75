"""GitLab: the Code Quality report (Code Climate JSON) and the job log.

GitLab shows a Code Quality report (`artifacts:reports:codequality`) in the merge request:
a JSON array of issues, each with a description, a check name, a fingerprint, a severity
and a location (a path relative to the repository root and a line). The fingerprint is
the same for the same finding on every run, so GitLab can tell new findings from fixed
ones. The report is the command's output and nothing else: the text lines and, for the
gate, the artifacts x roles table as Markdown go to the job log (`log`, stderr).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, TextIO

from mltriad.findings import Severity
from mltriad.report import text
from mltriad.report.model import Report

# Code Climate's severities: info, minor, major, critical, blocker. An error blocks the merge.
_SEVERITY = {Severity.ERROR: "blocker", Severity.WARNING: "minor", Severity.INFO: "info"}
_SIGNOFF_FAMILY = "MT4"  # the rules of sign-offs and the merge gate


def issues(report: Report) -> list[dict[str, Any]]:
    """The Code Quality issues of a report, one per finding."""
    seen: Counter[tuple[str, str, str]] = Counter()
    found = []
    for f in report.findings:
        path = report.repo_path(f.path)
        key = (f.rule, path, f.message)
        seen[key] += 1
        found.append(
            {
                "type": "issue",
                "check_name": f.rule,
                "description": text.visible(f"{f.rule}: {f.message}"),
                "categories": ["Security" if f.rule.startswith(_SIGNOFF_FAMILY) else "Bug Risk"],
                "severity": _SEVERITY[f.severity],
                "fingerprint": fingerprint(*key, seen[key]),
                "location": {"path": path, "lines": {"begin": max(f.line, 1)}},
            }
        )
    return found


def fingerprint(rule: str, path: str, message: str, occurrence: int = 1) -> str:
    """Stable across runs: the rule, the file and the message, not the line (an edit above
    a finding moves it without making it another finding); `occurrence` tells apart the
    same finding made twice in one file."""
    data = "\0".join((rule, path, message, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8", "surrogateescape")).hexdigest()


def log_markdown(report: Report) -> str:
    """What the job log shows after the text lines: the gate's table as Markdown."""
    return report.markdown.rstrip() + "\n" if report.markdown else ""


def render(report: Report, out: TextIO, log: TextIO) -> None:
    json.dump(issues(report), out, indent=2)
    out.write("\n")
    text.render(report, log)
    markdown = log_markdown(report)
    if markdown:
        log.write("\n" + markdown)
    log.flush()
