"""The sign-off matrix for people: a terminal table, GitHub Markdown, and the `status` output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from mltriad import matrix
from mltriad.commands.status import StatusResult
from mltriad.matrix import Cell, Row, State, role_columns
from mltriad.policy import Policy
from mltriad.report import json_format
from mltriad.report.model import Report
from mltriad.report.text import markdown_cell, visible

_MARK = {State.SIGNED: "✅", State.STALE: "⚠️", State.MISSING: "❌", State.INVALID: "⛔"}


def cell_text(cell: Cell | None, *, markdown: bool = False) -> str:
    """A short description: 'signed by Ada Lovelace (2026-06-01): "note"', 'missing; may
    sign: ...', or 'stale: ... signed an older version at commit ...'."""
    if cell is None:
        return "—" if markdown else "-"
    mark = f"{_MARK[cell.state]} " if markdown else ""
    note = f': "{cell.note}"' if cell.note else ""
    if cell.signed:
        return f"{mark}signed by {cell.signer_name} ({(cell.date or '')[:10]}){note}"
    may = ", ".join(m.name for m in cell.may_sign) or "nobody"
    if cell.state is State.STALE:
        at = f" at commit {cell.commit[:12]}" if cell.commit else ""
        return f"{mark}stale: {cell.signer_name} signed an older version{at}; may sign: {may}"
    if cell.state is State.MISSING:
        return f"{mark}missing; may sign: {may}"
    return f"{mark}does not count ({cell.rule}); may sign: {may}"


def markdown_table(rows: Sequence[Row], policy: Policy) -> str:
    """The artifacts x roles table in GitHub-flavoured Markdown."""
    if not rows:
        return "No artifact needs sign-off."
    columns = role_columns(rows, policy)
    lines = [
        "| Artifact | Change | " + " | ".join(columns) + " |",
        "| --- | --- | " + " | ".join("---" for _ in columns) + " |",
    ]
    for row in rows:
        cells = [markdown_cell(cell_text(row.cell(role), markdown=True)) for role in columns]
        lines.append(
            f"| `{markdown_cell(row.artifact)}` | {row.change} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def text_lines(rows: Sequence[Row]) -> list[str]:
    """The table for a terminal: one block per artifact, one line per role."""
    lines = []
    width = max((len(c.role) for row in rows for c in row.cells), default=0)
    for row in rows:
        state = "complete" if row.complete else "incomplete"
        lines.append(f"{row.artifact} ({row.kind}, {row.change}): {state}")
        for cell in row.cells:
            lines.append(f"  {cell.role:<{width}}  {cell_text(cell)}")
        if not row.cells:
            lines.append("  (no role has members yet: nothing to sign)")
    return lines


def waiting_on(rows: Sequence[Row]) -> list[str]:
    """One line per person (or set of people who may sign) and role the change waits on:
    'Waiting on: Grace Hopper (product-manager) for model-cards/x.md, decisions/0002.md'."""
    return [
        f"Waiting on: {wait.names} ({wait.role}) for {', '.join(wait.artifacts)}"
        if wait.signers
        else f"Nobody can sign as {wait.role} (no members in triad.yaml) for "
        f"{', '.join(wait.artifacts)}"
        for wait in matrix.waiting_on(rows)
    ]


def stale_details(rows: Sequence[Row]) -> list[str]:
    """For each stale sign-off signed at a known commit, the command that shows what
    changed since."""
    return [
        f"{row.artifact}: see what changed since {cell.signer_name} signed it as {cell.role}: "
        f"`git diff {cell.commit[:12]} -- {row.artifact}`"
        for row in rows
        for cell in row.cells
        if cell.state is State.STALE and cell.commit and not row.removal
    ]


def summary(rows: Sequence[Row]) -> str:
    """'2 of 3 artifacts fully signed; 3 sign-offs missing, 1 stale, 0 not counting.'"""
    complete = sum(1 for r in rows if r.complete)
    counts = {state: sum(1 for r in rows for c in r.cells if c.state is state) for state in State}
    return (
        f"{complete} of {len(rows)} artifact{'s' if len(rows) != 1 else ''} fully signed; "
        f"{counts[State.MISSING]} sign-off(s) missing, {counts[State.STALE]} stale, "
        f"{counts[State.INVALID]} not counting."
    )


def render_status(fmt: str, result: StatusResult, out: TextIO) -> None:
    """The `status` command's output: a table for people, JSON or Markdown for tools."""
    if fmt == "json":
        json_format.render(
            Report(
                "status",
                [],
                len(result.rows),
                notes=result.notes,
                extra={
                    "artifacts": [r.to_dict() for r in result.rows],
                    "waiting_on": waiting_on(result.rows),
                },
            ),
            out,
        )
        return
    if fmt == "markdown":
        out.write(markdown_table(result.rows, result.policy) + "\n")
        return
    lines = [
        *result.notes,
        *text_lines(result.rows),
        *stale_details(result.rows),
        *waiting_on(result.rows),
        summary(result.rows),
    ]
    for line in lines:
        out.write(visible(line) + "\n")
