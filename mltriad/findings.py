"""Findings, their severities, and the catalogue of rules that produce them."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def blocks(self) -> bool:
        """Errors fail `check` and the gate; warnings and notes do not."""
        return self is Severity.ERROR


@dataclass(frozen=True)
class Rule:
    """A check with a stable id. `example` is a short artifact excerpt that triggers it."""

    id: str
    name: str
    summary: str
    severity: Severity = Severity.ERROR
    example: str = ""
    fix: str = ""


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    @property
    def blocks(self) -> bool:
        return self.severity.blocks


_RULES: dict[str, Rule] = {}


def define(
    rule_id: str,
    name: str,
    summary: str,
    *,
    severity: Severity = Severity.ERROR,
    example: str = "",
    fix: str = "",
) -> Rule:
    """Register a rule in the catalogue (once, at import time of its rule module)."""
    if rule_id in _RULES and _RULES[rule_id].name != name:
        raise ValueError(f"rule id {rule_id} is defined twice")
    rule = Rule(rule_id, name, summary, severity, example, fix)
    _RULES[rule_id] = rule
    return rule


def registered_rules() -> list[Rule]:
    """The rules defined so far, by id; `mltriad.rules.all_rules` imports every definer."""
    return sorted(_RULES.values(), key=lambda r: r.id)


def rule(rule_id: str) -> Rule:
    return _RULES[rule_id]


def finding(
    rule_: Rule,
    path: str,
    message: str,
    line: int = 1,
    col: int = 1,
    severity: Severity | None = None,
) -> Finding:
    return Finding(path, max(line, 1), max(col, 1), rule_.id, message, severity or rule_.severity)


def count_blocking(findings: Iterable[Finding]) -> int:
    return sum(1 for f in findings if f.blocks)


class ParseError(Exception):
    """A problem in the bytes or syntax of a file, located at a line and column."""

    def __init__(self, rule_id: str, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.message = message
        self.line = line
        self.col = col
