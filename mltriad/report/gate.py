"""The gate for people and tools: the artifacts x roles table, who it waits on, the
findings, how to sign, and the verdict."""

from __future__ import annotations

from mltriad.commands.gate import GateResult, signoff_command
from mltriad.report.matrix import cell_text, markdown_table, text_lines, waiting_on
from mltriad.report.model import Report, ReportCase
from mltriad.signoffs import commit_command


def gate_report(result: GateResult, *, table_in_notes: bool = True) -> Report:
    """The gate as a Report.

    For people (the text format) the table comes first, then one line per person the
    change waits on, then the findings (short: what is wrong, who may sign), then the
    command to sign, once. The table is always in `markdown` (GitHub's step summary,
    GitLab's job log), `extra` (JSON) and `cases` (JUnit). Paths for tools (annotations,
    Code Quality, JUnit) are relative to the repository's root."""
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
    report = Report(
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
        prefix=result.prefix,
    )
    report.cases = signoff_cases(result, report)
    return report


def signoff_cases(result: GateResult, report: Report) -> list[ReportCase]:
    """One case per artifact x required role (failed unless the sign-off counts), one per
    other finding of the gate, and one passing case when nothing needs sign-off."""
    cases = []
    for row in result.rows:
        path = report.repo_path(row.artifact)
        for cell in row.cells:
            finding = result.cell_findings.get((row.artifact, cell.role))
            failed = not cell.signed
            cases.append(
                ReportCase(
                    f"{row.artifact}: {cell.role} sign-off",
                    row.artifact,
                    path,
                    failure=cell_text(cell) if failed else None,
                    details=(
                        f"{finding.message} To sign: "
                        f"`{signoff_command(row, cell.role, result.policy, result.refs)}`, "
                        f"then commit {cell.record}."
                        if finding and failed and cell.may_sign
                        else finding.message
                        if finding
                        else cell_text(cell)
                    ),
                    rule=(finding.rule if finding else cell.rule or "") if failed else "",
                )
            )
        if not row.cells:
            cases.append(
                ReportCase(
                    f"{row.artifact}: no sign-off needed",
                    row.artifact,
                    path,
                    details=(
                        "No role of the base policy has members yet (the first roster)."
                        if row.kind == "policy"
                        else f"The base policy requires no role's sign-off of a {row.kind}."
                    ),
                )
            )
    of_cells = set(result.cell_findings.values())
    for f in result.findings:
        if f in of_cells:
            continue
        cases.append(
            ReportCase(
                f"{f.path}: {f.rule}",
                f.path,
                report.repo_path(f.path),
                failure=f.message if f.blocks else None,
                details=f.message,
                rule=f.rule,
            )
        )
    if not cases:
        cases.append(
            ReportCase(
                "no governed artifact changed",
                "mltriad gate",
                "",
                details="No governed artifact changed: nothing needs sign-off.",
            )
        )
    return cases


def how_to_sign(result: GateResult) -> list[str]:
    """The commands that sign, once: the first missing sign-off's, as the example."""
    for row in result.rows:
        for cell in row.cells:
            if cell.signed or not cell.may_sign:
                continue
            command = signoff_command(row, cell.role, result.policy, result.refs)
            record = cell.record
            commit = commit_command(record, row.artifact, cell.role)
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
