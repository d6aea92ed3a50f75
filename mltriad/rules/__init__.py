"""Rule families, one module each. Importing this package registers every rule."""

from mltriad.findings import Rule, registered_rules
from mltriad.rules import (  # noqa: F401
    decisions,
    evalset_rules,
    format_rules,
    glossary_rules,
    kind_rules,
    placeholder_rules,
    references,
    result_rules,
    schema,
    sections,
    signoff_rules,
    target_rules,
)
from mltriad.rules.base import CHECKS, Context, checks, run_checks

__all__ = ["CHECKS", "Context", "all_rules", "checks", "run_checks"]


def all_rules() -> list[Rule]:
    """The whole catalogue: the rule modules above, and the parser's and schemas' rules
    that they import, each registered once at import time."""
    return registered_rules()
