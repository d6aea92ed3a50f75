"""The history sections of a model page: each target's value across model versions, and
the confusion counts of each slice (the distribution of failure types)."""

from __future__ import annotations

from mltriad.artifacts import Artifact
from mltriad.commands.history import CardHistory, Version
from mltriad.confusion import Cell, Confusion, card_confusion
from mltriad.site.charts import CountBar, TrendPoint, count_bars, trend_chart
from mltriad.site.html import Column, Table, esc, muted, notice, tag
from mltriad.site.pages.common import target_mark
from mltriad.site.views import Site
from mltriad.targets import TargetRow, format_number, metric_key


def history_section(site: Site, card: Artifact) -> str:
    """A chart and a table per target of the card, or why there is no history."""
    rows = site.targets.get(card.path, [])
    if site.history_note is not None:
        return notice(
            "info",
            "No history",
            tag(
                "p",
                esc(
                    f"The results of earlier versions come from git, and {site.history_note}. "
                    "Build the site in a full clone to see them."
                ),
            ),
        )
    history = site.histories.get(card.path)
    if history is None or not history.versions:
        return tag("p", esc("No version of this card is committed yet."), class_="triad-muted")
    if not rows:
        return tag("p", esc("This card states no targets to follow."), class_="triad-muted")
    parts = [tag("p", esc(_summary(history)), class_="triad-caption"), LEGEND]
    for row in rows:
        parts.append(_target_figure(row, history.versions))
    return "\n".join(parts)


LEGEND = (
    '<ul class="triad-legend">'
    "<li>Filled point: the result met the launch bar (green) or missed it (red)</li>"
    "<li>Hollow point: stale, measured on an older version of the evaluation set</li>"
    "<li>Cross on the axis: no result</li>"
    "<li>Dashed ring: not committed yet</li>"
    "<li>Solid line: the launch bar; dashed line: the goal</li></ul>"
)


def _summary(history: CardHistory) -> str:
    versions = history.versions
    count = len(versions)
    text = f"{count} version{'s' if count != 1 else ''}"
    committed = [v for v in versions if v.committed]
    if committed:
        text += f", from {committed[0].version} ({committed[0].day})"
    if not versions[-1].committed:
        text += f"; {versions[-1].version} is not committed yet"
    if history.names:
        text += f"; the card was renamed from {', '.join(history.names)}"
    return text + "."


def _row_at(version: Version, target: TargetRow) -> TargetRow | None:
    for row in version.rows:
        if (
            metric_key(row.metric) == metric_key(target.metric)
            and row.slice == target.slice
            and row.eval_set == target.eval_set
        ):
            return row
    return None


def _target_figure(target: TargetRow, versions: list[Version]) -> str:
    values = [row.value for v in versions if (row := _row_at(v, target)) and row.value is not None]
    levels = [*values, *(x for x in (target.min, target.max, target.goal) if x is not None)]
    # Every number of the chart with the precision of the most precise one (0.8 as 0.80).
    finest = max(levels, key=lambda x: len(format_number(x)), default=None)

    def number(x: float) -> str:
        return format_number(x, finest)

    points = []
    table = Table(
        [
            Column("Version", nowrap=True),
            Column("Result", numeric=True),
            Column("Status", nowrap=True),
        ],
        class_="triad-history",
    )
    for version in versions:
        row = _row_at(version, target)
        status = row.status if row is not None else "missing"
        value = row.value if row is not None else None
        points.append(TrendPoint(version.version, value, status, version.committed))
        when = version.day if version.committed else "not committed"
        table.add(
            [
                esc(version.version) + tag("span", esc(when), class_="triad-sub"),
                esc(number(value)) if value is not None else muted("no result"),
                target_mark(status),
            ],
            data_status=status,
        )
    bar = target.min if target.min is not None else target.max
    side = "minimum" if target.min is not None else "maximum"
    chart = trend_chart(
        points,
        title=f"{target.subject} at each model version, against the launch {side}"
        + (" and the goal" if target.goal is not None else ""),
        bar=bar,
        bar_label=f"launch {'min' if target.min is not None else 'max'} {number(bar)}"
        if bar is not None
        else "",
        goal=target.goal,
        goal_label=f"goal {number(target.goal)}" if target.goal is not None else "",
        number=number,
    )
    heading = tag("p", esc(target.subject), class_="triad-figure__title")
    return (
        f'<div class="triad-figure triad-history-figure">{heading}'
        f'<div class="triad-figure__row"><div class="triad-figure__chart"">'
        f"{chart}</div>{table.render()}</div></div>"
    )


def confusion_section(site: Site, card: Artifact, *, heading: bool = False) -> str:
    """The confusion counts of each slice: of the card as it is, else of the newest
    version that states them (named above the charts). With `heading`, the section's
    heading comes first (for a section that is made after Markdown has run)."""
    found = card_confusion(card)
    source = ""
    if not found:
        history = site.histories.get(card.path)
        for version in reversed(history.versions if history else []):
            if version.confusion:
                found = list(version.confusion)
                source = version.version
                break
    if not found:
        return ""
    parts = [tag("h2", esc("Failure types"), id="failure-types")] if heading else []
    if source:
        parts.append(
            tag(
                "p",
                esc(f"As measured for version {source}; this version states no counts yet."),
                class_="triad-caption",
            )
        )
    parts.extend(_confusion_figure(c) for c in found)
    return "\n".join(parts)


def _confusion_figure(matrix: Confusion) -> str:
    where = matrix.slice or (f"{matrix.eval_set} (whole set)" if matrix.eval_set else "whole set")
    bars = [
        CountBar(_cell_label(matrix, cell), cell.count, cell.correct) for cell in matrix.cells()
    ]
    chart = count_bars(bars, f"Confusion counts on {where}: {matrix.total:,} cases")
    table = Table(
        [Column("Actual", nowrap=True)]
        + [Column(f"as {label}", numeric=True) for label in matrix.labels],
        class_="triad-confusion",
    )
    for i, label in enumerate(matrix.labels):
        table.add([esc(label)] + [f"{n:,}" for n in matrix.counts[i]])
    heading = tag("p", esc(f"{where}: {matrix.total:,} cases"), class_="triad-figure__title")
    return (
        f'<div class="triad-figure triad-confusion-figure">{heading}'
        f'<div class="triad-figure__row"><div class="triad-figure__chart"">'
        f"{chart}</div>{table.render()}</div></div>"
    )


def _cell_label(matrix: Confusion, cell: Cell) -> str:
    """'false negative' (a binary matrix), or 'fraud as legit'."""
    return matrix.name(cell)
