"""Rule families, one module each. Importing this package registers every rule."""

from mltriad.rules import decisions, references, schema, sections  # noqa: F401
from mltriad.rules.base import CHECKS, Context, checks, run_checks

__all__ = ["CHECKS", "Context", "checks", "run_checks"]
