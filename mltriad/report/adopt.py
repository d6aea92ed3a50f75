"""What `mltriad adopt` did, for people (one line per file, diffs on a dry run) and as JSON."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TextIO

from mltriad.commands.adopt import (
    ADOPTED,
    NOT_ADOPTED,
    SKIPPED,
    UNCHANGED,
    Adoption,
    AdoptResult,
    diff,
)
from mltriad.findings import finding
from mltriad.formats.names import FORMAT_NAMES
from mltriad.report import json_format
from mltriad.report.model import Report
from mltriad.rules.format_rules import NOT_ADOPTED as NOT_ADOPTED_RULE


def render_adopt(fmt: str, result: AdoptResult, out: TextIO) -> None:
    """`text` or `json`."""
    if fmt == "json":
        render_json(result.plans, result.cwd, result.dry_run, out)
    else:
        render_text(result.plans, result.cwd, result.dry_run, out)


_ORDER = {ADOPTED: 0, UNCHANGED: 1, SKIPPED: 2, NOT_ADOPTED: 3}


def summary(item: Adoption) -> str:
    """One line about one file, for people."""
    if item.state != ADOPTED:
        return item.reason
    parts = [FORMAT_NAMES.get(item.format, item.format)]
    if item.inferred:
        parts.append("read: " + ", ".join(item.inferred))
    if item.placeholders:
        parts.append("FILL-IN: " + ", ".join(item.placeholders))
    if item.converted:
        parts.append("converted: " + "; ".join(item.converted))
    return "; ".join(parts)


def render_text(plans: list[Adoption], cwd: Path, dry_run: bool, out: TextIO) -> None:
    if dry_run:
        for item in plans:
            out.write(diff(item, _label(item.source, cwd), _label(item.target, cwd)))
    for item in sorted(plans, key=lambda p: (_ORDER[p.state], str(p.source))):
        label = _label(item.source, cwd)
        if item.target != item.source and item.state == ADOPTED:
            label += f" -> {_label(item.target, cwd)}"
        verb = "would adopt" if dry_run and item.state == ADOPTED else item.state
        out.write(f"{verb:<11} {label}: {summary(item)}\n")
        for advice in item.advice:
            out.write(f"{'':<11}   {advice}\n")
    out.write(_summary_line(plans, dry_run) + "\n")


def _summary_line(plans: list[Adoption], dry_run: bool) -> str:
    count = {state: sum(1 for p in plans if p.state == state) for state in _ORDER}
    placeholders = sum(len(p.placeholders) for p in plans if p.state == ADOPTED)
    text = (
        f"{'Would adopt' if dry_run else 'Adopted'} {count[ADOPTED]} file(s); "
        f"{count[UNCHANGED]} unchanged, {count[SKIPPED]} skipped, "
        f"{count[NOT_ADOPTED]} not adopted."
    )
    if dry_run:
        return text + " Nothing was written (--dry-run)."
    if placeholders:
        text += (
            f" {placeholders} field(s) are FILL-IN placeholders: `mltriad check` lists each one "
            "(MT601) until it is replaced."
        )
    return text


def render_json(plans: list[Adoption], cwd: Path, dry_run: bool, out: TextIO) -> None:
    findings = [
        finding(NOT_ADOPTED_RULE, _label(p.source, cwd), p.reason)
        for p in plans
        if p.state == NOT_ADOPTED
    ]
    files = [
        {
            "path": _label(p.source, cwd),
            "target": _label(p.target, cwd),
            "state": p.state,
            "changed": p.changes,
            "format": p.format,
            "kind": p.kind,
            "reason": p.reason,
            "inferred": p.inferred,
            "placeholders": p.placeholders,
            "converted": p.converted,
            "advice": p.advice,
        }
        for p in plans
    ]
    report = Report("adopt", findings, len(plans), extra={"dry_run": dry_run, "files": files})
    json_format.render(report, out)


def _label(path: Path, base: Path) -> str:
    try:
        return path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        return posixpath.normpath(path.as_posix())
