"""`mltriad history` for people (text) and for tools (JSON, format version 1)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from mltriad import __version__
from mltriad.commands.history import CardHistory, Version
from mltriad.targets import PASS, TargetRow, format_number

MARKS = {"pass": "met", "fail": "MISSED", "stale": "stale", "missing": "missing"}


def render(fmt: str, history: CardHistory, out: TextIO) -> None:
    if fmt == "json":
        json.dump(document(history), out, indent=2)
        out.write("\n")
    else:
        text(history, out)


def text(history: CardHistory, out: TextIO) -> None:
    count = len(history.versions)
    head = f"{history.card}: {count} version{'s' if count != 1 else ''}"
    if history.names:
        head += f" (renamed from {', '.join(history.names)})"
    out.write(head + "\n")
    for version in history.versions:
        out.write("\n" + _version_line(version) + "\n")
        width = max((len(row.subject) for row in version.rows), default=0)
        for row in version.rows:
            out.write(f"  {row.subject.ljust(width)}  {_row_text(row)}\n")
        if not version.rows:
            out.write("  no targets stated\n")
        if version.signers:
            names = ", ".join(
                f"{s.name} ({s.role})" + ("" if s.commit else ", not committed")
                for s in version.signers
            )
            out.write(f"  signed by {names}\n")
        else:
            out.write("  signed by no one\n")
    if history.unreadable:
        out.write(
            f"\n{history.unreadable} commit(s) left the card unreadable (invalid front "
            "matter) and are not shown.\n"
        )


def _version_line(version: Version) -> str:
    where = f"{version.day}  {version.short}" if version.committed else "not committed"
    verdict = "meets every target" if version.met else _summary(version)
    return f"{version.version}  {where}  {verdict}"


def _summary(version: Version) -> str:
    if not version.rows:
        return "no targets"
    met = sum(1 for row in version.rows if row.status == PASS)
    return f"meets {met} of {len(version.rows)} targets"


def _row_text(row: TargetRow) -> str:
    mark = MARKS.get(row.status, row.status)
    if row.status == "missing":
        return f"no result ({row.requirement})"
    note = ""
    if row.status == "stale" and row.result is not None:
        note = f"; measured on an older {row.eval_set}"
    if row.goal_met:
        note += "; goal reached"
    return f"{row.measured}  {mark}: {row.requirement}{note}"


def document(history: CardHistory) -> dict[str, Any]:
    return {
        "version": 1,
        "tool": {"name": "mltriad", "version": __version__},
        "command": "history",
        "card": history.card,
        "renamed_from": history.names,
        "unreadable_commits": history.unreadable,
        "versions": [_version(v) for v in history.versions],
    }


def _version(version: Version) -> dict[str, Any]:
    return {
        "version": version.version,
        "path": version.path,
        "commit": version.commit,
        "date": version.date,
        "committed": version.committed,
        "commits": version.commits,
        "digest": version.digest,
        "met": version.met,
        "targets": [_row(row) for row in version.rows],
        "confusion": [
            {
                "eval_set": c.eval_set,
                "slice": c.slice,
                "labels": list(c.labels),
                "counts": [list(r) for r in c.counts],
                "eval_set_digest": c.digest,
            }
            for c in version.confusion
        ],
        "signed": [
            {"role": s.role, "name": s.name, "email": s.email, "date": s.date, "commit": s.commit}
            for s in version.signers
        ],
    }


def _row(row: TargetRow) -> dict[str, Any]:
    result = row.result
    return {
        "metric": row.metric,
        "slice": row.slice,
        "eval_set": row.eval_set,
        "min": row.min,
        "max": row.max,
        "goal": row.goal,
        "status": row.status,
        "value": row.value,
        "goal_met": row.goal_met,
        "stale": row.status == "stale",
        "eval_set_digest": result.digest if result is not None else None,
        "eval_set_digest_then": row.current_digest,
        "measured": format_number(row.value, row.min if row.min is not None else row.max)
        if row.value is not None
        else None,
    }
