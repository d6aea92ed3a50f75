"""The card's `confusion`: the distribution of failure types, one matrix per evaluation set
and slice (rows: the actual label, columns: the predicted label), as `results compute`
writes it. Entries that are not a square matrix of counts over their labels are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mltriad.artifacts import Artifact


@dataclass(frozen=True)
class Cell:
    """One count of a matrix: cases of label `actual` predicted as `predicted`."""

    actual: str
    predicted: str
    count: int

    @property
    def correct(self) -> bool:
        return self.actual == self.predicted


@dataclass(frozen=True)
class Confusion:
    eval_set: str | None
    slice: str | None
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    digest: str | None = None
    run: str | None = None
    measured_at: str | None = None

    @property
    def binary(self) -> bool:
        return len(self.labels) == 2

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def cells(self) -> list[Cell]:
        return [
            Cell(actual, predicted, self.counts[i][j])
            for i, actual in enumerate(self.labels)
            for j, predicted in enumerate(self.labels)
        ]

    def name(self, cell: Cell) -> str:
        """'true negative', 'false positive', ... for a binary matrix (the positive label
        last); 'fraud as legit' for others."""
        if self.binary:
            positive = self.labels[1]
            truth = "true" if cell.correct else "false"
            sign = "positive" if cell.predicted == positive else "negative"
            return f"{truth} {sign}"
        return f"{cell.actual} as {cell.predicted}"


def card_confusion(card: Artifact) -> list[Confusion]:
    """The card's confusion matrices, in the card's order."""
    listed = card.data.get("eval_sets")
    first = listed[0] if isinstance(listed, list) and listed else None
    default = first if isinstance(first, str) else None
    entries = card.data.get("confusion")
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        matrix = _matrix(entry.get("labels"), entry.get("counts"))
        if matrix is None:
            continue
        labels, counts = matrix
        found.append(
            Confusion(
                eval_set=_text(entry.get("eval_set")) or default,
                slice=_text(entry.get("slice")),
                labels=labels,
                counts=counts,
                digest=_text(entry.get("eval_set_digest")),
                run=_text(entry.get("run")),
                measured_at=_text(entry.get("measured_at")),
            )
        )
    return found


def _matrix(labels: Any, counts: Any) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...]] | None:
    if not isinstance(labels, list) or not labels or not isinstance(counts, list):
        return None
    names = tuple(str(label) for label in labels)
    if len(set(names)) != len(names) or len(counts) != len(names):
        return None
    rows = []
    for row in counts:
        if not isinstance(row, list) or len(row) != len(names):
            return None
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in row):
            return None
        rows.append(tuple(row))
    return names, tuple(rows)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    return str(value) or None
