"""`mltriad rules`: the rule catalogue as a table for people or JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from mltriad.findings import Rule


def render_rules(fmt: str, rules: Sequence[Rule], out: TextIO) -> None:
    """`text`: one line per rule; `json`: a list of {id, name, severity, summary, fix}."""
    if fmt == "json":
        entries = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "fix": r.fix,
            }
            for r in rules
        ]
        out.write(json.dumps(entries, indent=2) + "\n")
        return
    for r in rules:
        out.write(f"{r.id}  {r.name:<24} {r.severity.value:<8} {r.summary}\n")
