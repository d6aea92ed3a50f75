"""The text `mltriad results compute` and `import` print."""

from __future__ import annotations

from collections.abc import Iterator

from mltriad.commands.results import CardChange
from mltriad.targets import format_number


def describe_change(change: CardChange, dry_run: bool) -> Iterator[str]:
    for metric, part, value in change.values:
        yield f"{metric} on {part or 'the whole set'}: {format_number(value)}"
    for note in change.notes:
        yield f"note: {note}"
    if dry_run:
        diff = change.diff()
        yield diff.rstrip("\n") if diff else f"{change.path}: no change"
        yield "(dry run: nothing written)"
    elif change.written:
        yield f"wrote the results of {change.path}; review the diff, then sign it off"
    else:
        yield f"{change.path}: already up to date, nothing written"
