"""Inline SVG drawn at build time: the supersede graph, the case-share bars, a target's
value across model versions and the confusion counts of a slice.

No script and no external resources, so the pictures work offline and in any theme;
colours come from the stylesheet through class names.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mltriad.site.html import esc

NODE_WIDTH = 230
NODE_HEIGHT = 56
NODE_GAP = 56
ROW_GAP = 28
ARC_STEP = 18
TITLE_CHARS = 31


@dataclass(frozen=True)
class GraphNode:
    key: str
    number: int
    label: str
    title: str
    state: str
    href: str


@dataclass(frozen=True)
class Placed:
    node: GraphNode
    x: int
    y: int


def supersede_graph(nodes: Sequence[GraphNode], edges: Sequence[tuple[str, str]]) -> str:
    """Records linked by supersede edges (old, new), one row per chain, oldest on the left."""
    by_key = {n.key: n for n in nodes}
    edges = [(old, new) for old, new in edges if old in by_key and new in by_key]
    if not edges:
        return ""
    rows = _components([by_key[k] for k in sorted({k for e in edges for k in e})], edges)
    placed: dict[str, Placed] = {}
    parts: list[str] = []
    y = 0
    width = 0
    for row in rows:
        spans = [abs(_index(row, a) - _index(row, b)) for a, b in edges if a in row and b in row]
        top = y + ARC_STEP * max(0, max(spans, default=1) - 1) + 8
        for i, node in enumerate(row.values()):
            placed[node.key] = Placed(node, i * (NODE_WIDTH + NODE_GAP), top)
        width = max(width, len(row) * (NODE_WIDTH + NODE_GAP) - NODE_GAP)
        y = top + NODE_HEIGHT + ROW_GAP
    for old, new in edges:
        parts.append(_edge(placed[old], placed[new]))
    parts.extend(_node(p) for p in placed.values())
    height = y - ROW_GAP + 4
    return (
        f'<svg class="triad-graph" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width + 2}" height="{height}" viewBox="-1 0 {width + 2} {height}">'
        "<title>Supersede graph: each arrow points from a record to the one that "
        "replaced it</title>"
        '<defs><marker id="triad-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="triad-graph__head"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )


def _components(
    nodes: list[GraphNode], edges: Sequence[tuple[str, str]]
) -> list[dict[str, GraphNode]]:
    """Connected groups of records, each ordered by number, groups by their first record."""
    parent = {n.key: n.key for n in nodes}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[str, list[GraphNode]] = defaultdict(list)
    for node in nodes:
        groups[root(node.key)].append(node)
    ordered = [sorted(g, key=lambda n: (n.number, n.key)) for g in groups.values()]
    ordered.sort(key=lambda g: (g[0].number, g[0].key))
    return [{n.key: n for n in group} for group in ordered]


def _index(row: dict[str, GraphNode], key: str) -> int:
    return list(row).index(key)


def _node(p: Placed) -> str:
    node = p.node
    title = node.title if len(node.title) <= TITLE_CHARS else node.title[: TITLE_CHARS - 1] + "…"
    return (
        f'<a href="{esc(node.href)}" class="triad-node triad-node--{esc(node.state)}">'
        f"<title>{esc(node.label)}: {esc(node.title)} ({esc(node.state)})</title>"
        f'<rect x="{p.x}" y="{p.y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8"/>'
        f'<text x="{p.x + 12}" y="{p.y + 22}" class="triad-node__label">{esc(node.label)}'
        f'<tspan class="triad-node__state" dx="8">{esc(node.state)}</tspan></text>'
        f'<text x="{p.x + 12}" y="{p.y + 42}" class="triad-node__title">{esc(title)}</text>'
        "</a>"
    )


def _edge(old: Placed, new: Placed) -> str:
    """An arrow from a record to the one that replaced it."""
    if old.y == new.y and abs(old.x - new.x) == NODE_WIDTH + NODE_GAP:
        forward = new.x > old.x
        x1 = old.x + (NODE_WIDTH if forward else 0)
        x2 = new.x + (0 if forward else NODE_WIDTH)
        y = old.y + NODE_HEIGHT // 2
        path = f"M{x1},{y} L{x2},{y}"
    else:
        x1 = old.x + NODE_WIDTH // 2
        x2 = new.x + NODE_WIDTH // 2
        lift = ARC_STEP * max(1, abs(new.x - old.x) // (NODE_WIDTH + NODE_GAP) - 1) + 8
        top = min(old.y, new.y) - lift
        path = f"M{x1},{old.y} C{x1},{top} {x2},{top} {x2},{new.y}"
    return (
        f'<path d="{path}" class="triad-graph__edge" fill="none" marker-end="url(#triad-arrow)"/>'
    )


@dataclass(frozen=True)
class Bar:
    label: str
    share: float
    cases: int
    tone: str


CHART_WIDTH = 620
LABEL_WIDTH = 200
BAR_AREA = 270
BAR_HEIGHT = 24
BAR_GAP = 14
LABEL_CHARS = 24  # a longer label ("product-manager + domain-expert") takes two lines


def share_bars(bars: Sequence[Bar], minimum: float, minimum_label: str) -> str:
    """Horizontal bars of shares (0 to 1) with a dashed line at the policy's minimum."""
    top = 26
    height = top + len(bars) * (BAR_HEIGHT + BAR_GAP) + 4
    line_x = LABEL_WIDTH + round(BAR_AREA * minimum)
    parts = [
        f'<line x1="{line_x}" y1="{top - 8}" x2="{line_x}" y2="{height - 2}" '
        'class="triad-bars__min"/>',
        f'<text x="{line_x}" y="{top - 12}" text-anchor="middle" class="triad-bars__min-label">'
        f"{esc(minimum_label)}</text>",
    ]
    for i, bar in enumerate(bars):
        y = top + i * (BAR_HEIGHT + BAR_GAP)
        width = max(2, round(BAR_AREA * min(max(bar.share, 0.0), 1.0))) if bar.cases else 0
        text_y = y + BAR_HEIGHT // 2 + 5
        parts.append(
            f'<g class="triad-bar triad-bar--{esc(bar.tone)}">'
            f"<title>{esc(bar.label)}: {bar.share:.0%} of cases ({bar.cases})</title>"
            + _label(bar.label, text_y)
            + f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_AREA}" height="{BAR_HEIGHT}" rx="4" '
            'class="triad-bars__track"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="4" '
            'class="triad-bars__fill"/>'
            f'<text x="{LABEL_WIDTH + BAR_AREA + 10}" y="{text_y}" class="triad-bars__value">'
            f"{bar.share:.0%} · {bar.cases:,} cases</text></g>"
        )
    return (
        f'<svg class="triad-bars" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">'
        "<title>Share of cases defined by each role, against the policy minimum</title>"
        + "".join(parts)
        + "</svg>"
    )


def _label(label: str, baseline: int) -> str:
    """A bar's label, right-aligned before it; split after each '+' when it is long."""
    x = LABEL_WIDTH - 12
    if len(label) <= LABEL_CHARS or " + " not in label:
        return f'<text x="{x}" y="{baseline}" text-anchor="end" class="triad-bars__label">{esc(label)}</text>'
    pieces = label.split(" + ")
    lines = [p + " +" for p in pieces[:-1]] + pieces[-1:]
    first = baseline - 7 * (len(lines) - 1)
    spans = "".join(
        f'<tspan x="{x}" y="{first + 14 * n}">{esc(line)}</tspan>' for n, line in enumerate(lines)
    )
    return f'<text text-anchor="end" class="triad-bars__label">{spans}</text>'


# --- History: a target's value at each model version ---------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One model version on a target's chart: its value (None: no result), its status
    (pass, fail, stale, missing) and whether that version is committed."""

    label: str
    value: float | None
    status: str
    committed: bool = True


TREND_WIDTH = 490
TREND_HEIGHT = 210
TREND_LEFT = 48
TREND_RIGHT = 126
TREND_TOP = 16
TREND_BOTTOM = 44
TREND_STEP_MAX = 96


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    title: str,
    bar: float | None,
    bar_label: str,
    goal: float | None,
    goal_label: str,
    number: Callable[[float], str],
) -> str:
    """The value at each version (oldest on the left), the launch bar as a solid line and
    the goal as a dashed one; a stale value is a hollow point, a missing one a cross on the
    axis, a version not committed yet a dashed ring."""
    values = [p.value for p in points if p.value is not None]
    levels = [*values, *(x for x in (bar, goal) if x is not None)]
    low, high = _domain(levels)
    plot_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    plot_h = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    step = min(TREND_STEP_MAX, plot_w / max(1, len(points) - 1)) if len(points) > 1 else 0
    span = step * (len(points) - 1)
    start = TREND_LEFT + (plot_w - span) / 2

    def x_of(i: int) -> float:
        return round(start + i * step, 1)

    def y_of(v: float) -> float:
        return round(TREND_TOP + plot_h * (high - v) / (high - low), 1)

    bottom = TREND_TOP + plot_h
    right = TREND_LEFT + plot_w
    parts = [
        f'<line x1="{TREND_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" class="triad-trend__axis"/>'
    ]
    for tick in _ticks(low, high):
        y = y_of(tick)
        parts.append(
            f'<line x1="{TREND_LEFT}" y1="{y}" x2="{right}" y2="{y}" class="triad-trend__grid"/>'
            f'<text x="{TREND_LEFT - 8}" y="{y + 4}" text-anchor="end" '
            f'class="triad-trend__tick">{esc(number(tick))}</text>'
        )
    for level, label, kind in ((bar, bar_label, "bar"), (goal, goal_label, "goal")):
        if level is None:
            continue
        y = y_of(level)
        parts.append(
            f'<line x1="{TREND_LEFT}" y1="{y}" x2="{right}" y2="{y}" class="triad-trend__{kind}"/>'
            f'<text x="{right + 8}" y="{y + 4}" class="triad-trend__{kind}-label">'
            f"{esc(label)}</text>"
        )
    run: list[str] = []
    for i, point in enumerate(points):
        if point.value is None:
            if len(run) > 1:
                parts.append(_polyline(run))
            run = []
        else:
            run.append(f"{x_of(i)},{y_of(point.value)}")
    if len(run) > 1:
        parts.append(_polyline(run))
    for i, point in enumerate(points):
        x = x_of(i)
        parts.append(
            f'<text x="{x}" y="{bottom + 18}" text-anchor="middle" class="triad-trend__label">'
            f"{esc(point.label)}</text>"
        )
        if not point.committed:
            parts.append(
                f'<text x="{x}" y="{bottom + 33}" text-anchor="middle" '
                'class="triad-trend__note">not committed</text>'
            )
        described = f"{point.label}: " + (
            f"{number(point.value)} ({point.status})" if point.value is not None else "no result"
        )
        if point.value is None:
            parts.append(
                f'<g class="triad-point triad-point--missing"><title>{esc(described)}</title>'
                f'<path d="M{x - 5},{bottom - 5} L{x + 5},{bottom + 5} M{x - 5},{bottom + 5} '
                f'L{x + 5},{bottom - 5}" class="triad-point__cross"/></g>'
            )
            continue
        y = y_of(point.value)
        ring = (
            f'<circle cx="{x}" cy="{y}" r="9" class="triad-point__ring"/>'
            if not point.committed
            else ""
        )
        parts.append(
            f'<g class="triad-point triad-point--{esc(point.status)}">'
            f"<title>{esc(described)}</title>{ring}"
            f'<circle cx="{x}" cy="{y}" r="5.5" class="triad-point__dot"/></g>'
        )
    return (
        f'<svg class="triad-trend" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{TREND_WIDTH}" height="{TREND_HEIGHT}" '
        f'viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}"><title>{esc(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


def _polyline(points: list[str]) -> str:
    return f'<polyline points="{" ".join(points)}" class="triad-trend__line" fill="none"/>'


def _domain(levels: Sequence[float]) -> tuple[float, float]:
    """The value range a chart shows: every value and line, with a margin; rates keep
    within 0 and 1."""
    if not levels:
        return 0.0, 1.0
    low, high = min(levels), max(levels)
    pad = max((high - low) * 0.15, abs(high) * 0.02, 0.01)
    low, high = low - pad, high + pad
    if min(levels) >= 0 and low < 0:
        low = 0.0
    if max(levels) <= 1 and high > 1 and min(levels) >= 0:
        high = 1.0
    return low, high


def _ticks(low: float, high: float) -> list[float]:
    """About four round values between `low` and `high`."""
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + 1e-12:
        ticks.append(round(value, 10))
        value += step
    return ticks


# --- Failure types: the confusion counts of one slice ------------------------------------


@dataclass(frozen=True)
class CountBar:
    label: str
    count: int
    correct: bool


COUNT_WIDTH = 420
COUNT_LABEL = 120
COUNT_AREA = 230
COUNT_HEIGHT = 18
COUNT_GAP = 8


def count_bars(bars: Sequence[CountBar], title: str) -> str:
    """Horizontal bars of counts, correct predictions in one tone and errors in another,
    on one scale (the largest count fills the width)."""
    most = max((b.count for b in bars), default=0) or 1
    parts = []
    for i, bar in enumerate(bars):
        y = 4 + i * (COUNT_HEIGHT + COUNT_GAP)
        width = round(COUNT_AREA * bar.count / most) if bar.count else 0
        tone = "right" if bar.correct else "wrong"
        text_y = y + COUNT_HEIGHT // 2 + 5
        parts.append(
            f'<g class="triad-count triad-count--{tone}">'
            f"<title>{esc(bar.label)}: {bar.count:,}</title>"
            f'<text x="{COUNT_LABEL - 10}" y="{text_y}" text-anchor="end" '
            f'class="triad-count__label">{esc(bar.label)}</text>'
            f'<rect x="{COUNT_LABEL}" y="{y}" width="{COUNT_AREA}" height="{COUNT_HEIGHT}" '
            'rx="3" class="triad-bars__track"/>'
            f'<rect x="{COUNT_LABEL}" y="{y}" width="{max(width, 2 if bar.count else 0)}" '
            f'height="{COUNT_HEIGHT}" rx="3" class="triad-count__fill"/>'
            f'<text x="{COUNT_LABEL + COUNT_AREA + 8}" y="{text_y}" '
            f'class="triad-count__value">{bar.count:,}</text></g>'
        )
    height = 8 + len(bars) * (COUNT_HEIGHT + COUNT_GAP)
    return (
        f'<svg class="triad-counts" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{COUNT_WIDTH}" height="{height}" viewBox="0 0 {COUNT_WIDTH} {height}">'
        f"<title>{esc(title)}</title>" + "".join(parts) + "</svg>"
    )
