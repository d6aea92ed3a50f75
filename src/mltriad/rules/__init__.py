"""Rule families, one module each. Importing this package registers every rule."""

from mltriad.rules import (  # noqa: F401
    decisions,
    evalset_rules,
    legacy_rules,
    placeholder_rules,
    references,
    schema,
    sections,
    signoff_rules,
    target_rules,
)
from mltriad.rules.base import CHECKS, Context, checks, run_checks

__all__ = ["CHECKS", "Context", "checks", "run_checks"]
