"""The gate for people and tools: findings, the artifacts x roles table, and the verdict."""

from __future__ import annotations

from mltriad.commands.gate import GateResult
from mltriad.report.matrix import markdown_table, text_lines
from mltriad.report.model import Report


def gate_report(result: GateResult, *, table_in_notes: bool = True) -> Report:
    """The gate as a Report: findings, the artifacts x roles table, and the verdict.

    The table is always in `markdown` (GitHub's step summary) and `extra` (JSON); in the
    notes, which every format prints, only when asked (for the text format)."""
    refs = result.refs
    header = (
        f"Base `{refs.base_label()}` at {result.base[:12]}, head `{refs.head}` "
        f"({result.head[:12]}), merge base {result.merge_base[:12]}. Policy, roster "
        f"and keys from the base; identity: {result.policy.identity}."
    )
    markdown = f"{header}\n\n{markdown_table(result.rows, result.policy)}\n"
    extra = {
        "gate": {
            "base": {"ref": refs.base, "resolved": refs.resolved_base, "sha": result.base},
            "head": {"ref": refs.head, "sha": result.head},
            "merge_base": result.merge_base,
            "source": refs.source,
            "identity": result.policy.identity,
        },
        "artifacts": [row.to_dict() for row in result.rows],
    }
    return Report(
        "gate",
        result.findings,
        len(result.rows),
        notes=[
            *result.notes,
            *(text_lines([r for r in result.rows if r.cells]) if table_in_notes else []),
        ],
        markdown=markdown,
        extra=extra,
        verdict="pass" if result.passed else "blocked",
    )
