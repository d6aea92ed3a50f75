"""The sign-off matrix: every governed artifact against every role that must sign it."""

from __future__ import annotations

from mltriad.matrix import Row, State, role_columns
from mltriad.site.html import Column, Table, badge, esc, tag
from mltriad.site.pages.common import (
    SIGNOFF_MARKS,
    Page,
    Rendered,
    name_and_page,
    page_link,
    signoff_detail,
    signoff_mark,
)
from mltriad.site.urls import SiteMap
from mltriad.site.views import Commit, Site

GROUPS = (
    ("model-card", "Model cards"),
    ("decision", "Decision records"),
    ("eval-set", "Evaluation sets"),
    ("policy", "Policy"),
)
LEGEND = {
    "signed": "signed this exact version",
    "stale": "signed an older version; sign again",
    "missing": "not signed yet",
    "invalid": "a record exists but does not count",
}


def signoff_matrix(site: Site, site_map: SiteMap) -> Rendered:
    source = site_map.signoffs
    page = Page("Sign-offs")
    rows = site.signoffs
    page.html(tag("p", esc(_summary(rows, site.commit)), class_="triad-lead"))
    page.html(_legend())
    if not rows:
        page.html(tag("p", esc("There are no governed artifacts yet."), class_="triad-muted"))
        return page.render()
    groups = [*GROUPS[:-1], *((k.id, k.plural) for k in site.policy.kinds.values()), GROUPS[-1]]
    for kind, heading in groups:
        group = [r for r in rows if r.kind == kind]
        if group:
            page.heading(heading)
            page.html(_matrix(site, site_map, source, group))
    return page.render()


def _summary(rows: list[Row], commit: Commit | None) -> str:
    complete = sum(1 for r in rows if r.complete)
    cells = [c for r in rows for c in r.cells]
    signed = sum(1 for c in cells if c.state is State.SIGNED)
    where = f"As of commit {commit.short}" if commit else "As of the working tree"
    if commit and commit.dirty:
        where += " and the uncommitted changes to it"
    return (
        f"{where}: {complete} of {len(rows)} artifacts fully signed; "
        f"{signed} of {len(cells)} required sign-offs are current."
    )


def _legend() -> str:
    items = [
        f"<li>{badge(*SIGNOFF_MARKS[state])} {esc(text)}</li>" for state, text in LEGEND.items()
    ]
    return f'<ul class="triad-legend">{"".join(items)}</ul>'


def _matrix(site: Site, site_map: SiteMap, source: str, rows: list[Row]) -> str:
    roles = role_columns(rows, site.policy)
    table = Table([Column("Artifact"), *(Column(r) for r in roles)], class_="triad-matrix")
    for row in sorted(rows, key=lambda r: r.artifact):
        cells = [_artifact_cell(site, site_map, source, row)]
        for role in roles:
            cell = row.cell(role)
            cells.append(
                signoff_mark(cell) + signoff_detail(cell)
                if cell
                else tag("span", esc("not required"), class_="triad-sub")
            )
        state = "complete" if row.complete else "open"
        table.add(cells, data_path=row.artifact, data_state=state)
    return table.render()


def _artifact_cell(site: Site, site_map: SiteMap, source: str, row: Row) -> str:
    """The artifact's name, linked to its page, above its path."""
    name, target = name_and_page(site, site_map, row.artifact, row.kind)
    label = page_link(site_map, source, target, name) if target else esc(name)
    return label + tag("span", esc(row.artifact), class_="triad-sub triad-path")
