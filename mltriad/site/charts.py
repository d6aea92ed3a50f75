"""Inline SVG drawn at build time: the supersede graph and the case-share bars.

No script and no external resources, so the pictures work offline and in any theme;
colours come from the stylesheet through class names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
