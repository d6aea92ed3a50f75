"""The gate for people and tools: the artifacts x roles table, who it waits on, the
findings, how to sign, and the verdict."""

from __future__ import annotations

from mltriad.commands.gate import GateResult, signoff_command
from mltriad.report.matrix import markdown_table, text_lines, waiting_on
from mltriad.report.model import Report


def gate_report(result: GateResult, *, table_in_notes: bool = True) -> Report:
    """The gate as a Report.

    For people (the text format) the table comes first, then one line per person the
    change waits on, then the findings (short: what is wrong, who may sign), then the
    command to sign, once. The table is always in `markdown` (GitHub's step summary) and
    `extra` (JSON)."""
    refs = result.refs
    header = (
        f"Base `{refs.base_label()}` at {result.base[:12]}, head `{refs.head}` "
        f"({result.head[:12]}), merge base {result.merge_base[:12]}. Policy, roster "
        f"and keys from the base; identity: {result.policy.identity}."
    )
    waiting = waiting_on(result.rows)
    how = how_to_sign(result)
    markdown = f"{header}\n\n{markdown_table(result.rows, result.policy)}\n"
    if waiting:
        markdown += "\n" + "\n".join(f"- {line}" for line in waiting) + "\n"
    if how:
        markdown += "\n" + "\n".join(how) + "\n"
    extra = {
        "gate": {
            "base": {"ref": refs.base, "resolved": refs.resolved_base, "sha": result.base},
            "head": {"ref": refs.head, "sha": result.head},
            "merge_base": result.merge_base,
            "source": refs.source,
            "identity": result.policy.identity,
        },
        "artifacts": [row.to_dict() for row in result.rows],
        "waiting_on": waiting,
    }
    table = text_lines([r for r in result.rows if r.cells]) if table_in_notes else []
    records = f"{result.policy.signoff_dir}/"
    affected = {row.artifact for row in result.rows if not row.complete} | {
        f.path for f in result.findings if not f.path.startswith(records)
    }
    return Report(
        "gate",
        result.findings,
        len(result.rows),
        noun="artifact",
        hit=len(affected) if result.findings else 0,
        lead=[*result.notes, *table, *waiting] if table_in_notes else [],
        notes=how if table_in_notes else [*result.notes, *waiting, *how],
        markdown=markdown,
        extra=extra,
        verdict="pass" if result.passed else "blocked",
    )


def how_to_sign(result: GateResult) -> list[str]:
    """The commands that sign, once: the first missing sign-off's, as the example."""
    for row in result.rows:
        for cell in row.cells:
            if cell.signed or not cell.may_sign:
                continue
            command = signoff_command(row, cell.role, result.policy, result.refs)
            record = cell.record
            commit = f'git add {record} && git commit -m "Sign off {row.artifact} as {cell.role}"'
            who = (
                "The commit's author must be the signer: the gate checks it."
                if result.policy.identity == "author"
                else "Anyone may commit a signed record."
            )
            return [
                "To sign, each person named above runs, in a clone of this branch, with "
                "their artifact and role (the first one here):",
                f"  {command}",
                f"  {commit}",
                "  git push",
                f"{who} The gate then runs again.",
            ]
    return []
