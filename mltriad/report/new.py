"""What `mltriad new` wrote, for people."""

from __future__ import annotations

from mltriad.commands.new import NewResult
from mltriad.templates import CREATED, OVERWRITTEN, SKIPPED
from mltriad.values import PLACEHOLDER


def describe_new(result: NewResult) -> list[str]:
    lines = []
    for f in result.files:
        verb = {CREATED: "Created", OVERWRITTEN: "Updated", SKIPPED: "Kept"}.get(f.action, "")
        lines.append(f"{verb} {f.path}" + (f" ({f.note})" if f.note else "") + ".")
    lines.extend(result.notes)
    if result.placeholders:
        lines.append(
            f"Replace its {result.placeholders} {PLACEHOLDER} placeholder(s); "
            f"`mltriad check {result.path}` lists those left."
        )
    return lines
