"""The decision log: an index by number, one page per record, and the supersede graph."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mltriad.artifacts import Artifact, decision_number
from mltriad.rules.decisions import superseded_by
from mltriad.site.charts import GraphNode, supersede_graph
from mltriad.site.html import Column, Table, badge, bullet_list, esc, facts, muted, notice, tag
from mltriad.site.pages.common import (
    DECISION_STATUS_TONES,
    Page,
    Rendered,
    artifact_text,
    decision_label,
    decision_state,
    decision_title,
    findings_notice,
    page_link,
    signoff_summary,
    signoff_table,
    status_badge,
)
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site

STATE_ORDER = ("accepted", "proposed", "superseded", "deprecated", "rejected")


@dataclass
class Links:
    """Supersede links in both directions, whichever record states them."""

    replaces: dict[str, list[str]] = field(default_factory=dict)
    replaced_by: dict[str, list[str]] = field(default_factory=dict)

    def add(self, old: str, new: str) -> None:
        if new not in self.replaced_by.setdefault(old, []):
            self.replaced_by[old].append(new)
        if old not in self.replaces.setdefault(new, []):
            self.replaces[new].append(old)

    def edges(self) -> list[tuple[str, str]]:
        return [(old, new) for old, news in self.replaced_by.items() for new in news]


def supersede_links(site: Site) -> Links:
    links = Links()
    for record in site.decisions:
        by = superseded_by(record.data)
        target = site.repo.find_decision(by) if by is not None else None
        if target:
            links.add(record.path, target)
        listed = record.data.get("supersedes")
        for ref in listed if isinstance(listed, list) else []:
            old = site.repo.find_decision(ref) if isinstance(ref, (str, int)) else None
            if old:
                links.add(old, record.path)
    return links


def ordered(records: list[Artifact]) -> list[Artifact]:
    return sorted(records, key=lambda r: (decision_number(r.path) or 0, r.path))


def decision_log(site: Site, site_map: SiteMap, links: Links) -> Rendered:
    source = site_map.decision_log
    page = Page("Decision log")
    records = ordered(site.decisions)
    if not records:
        page.html(
            tag(
                "p",
                esc("No decision records yet. `mltriad new decision TITLE` starts one."),
                class_="triad-lead",
            )
        )
        return page.render()
    statuses = site.policy.decisions
    states = Counter(decision_state(r, statuses) for r in records)
    page.html(
        tag(
            "p",
            esc(
                f"{len(records)} decision record{'s' if len(records) != 1 else ''}, "
                "by number. Select a status to show only those records."
            ),
            class_="triad-lead",
        )
    )
    page.html(_filter(states))
    table = Table(
        [
            Column("#", numeric=True),
            Column("Decision", wide=True),
            Column("Status"),
            Column("Date", nowrap=True),
            Column("Decision makers"),
            Column("Sign-off"),
        ],
        class_="triad-log",
    )
    for record in records:
        number = decision_number(record.path)
        problems = site.findings_for(record.path)
        title = page_link(site_map, source, site_map.decision(record.path), decision_title(record))
        if any(f.blocks for f in problems):
            title += " " + badge(f"{sum(f.blocks for f in problems)} problems", "bad")
        table.add(
            [
                esc(f"{number:04d}" if number is not None else "—"),
                title,
                status_badge(
                    record.data.get("status"),
                    DECISION_STATUS_TONES,
                    decision_state(record, statuses),
                ),
                esc(record.data.get("date", "")),
                esc(_people(record.data.get("decision-makers"))),
                signoff_summary(site.signoff_row(record.path)),
            ],
            data_status=decision_state(record, statuses),
        )
    page.html(table.render())
    page.html(
        tag(
            "p",
            esc("No records have this status."),
            class_="triad-muted triad-empty",
            hidden="hidden",
        )
    )
    page.heading("Supersede graph")
    page.html(_graph(site, site_map, source, links))
    return page.render()


def _filter(states: Counter[str]) -> str:
    known = [s for s in STATE_ORDER if states.get(s)]
    known += sorted(s for s in states if s not in STATE_ORDER)
    buttons = [_filter_button("all", f"All {sum(states.values())}", pressed=True)]
    buttons += [_filter_button(s, f"{s.capitalize()} {states[s]}") for s in known]
    return (
        f'<div class="triad-filter" role="group" aria-label="Filter by status" '
        f'data-triad-filter="triad-log" hidden>{"".join(buttons)}</div>'
    )


def _filter_button(state: str, label: str, *, pressed: bool = False) -> str:
    return tag(
        "button",
        esc(label),
        type="button",
        class_="triad-filter__button",
        data_status=state,
        aria_pressed="true" if pressed else "false",
    )


def _graph(site: Site, site_map: SiteMap, source: str, links: Links) -> str:
    by_path = {r.path: r for r in site.decisions}
    nodes = [
        GraphNode(
            key=r.path,
            number=decision_number(r.path) or 0,
            label=decision_label(r),
            title=decision_title(r),
            state=decision_state(r, site.policy.decisions),
            href=site_map.href(source, site_map.decision(r.path)),
        )
        for r in by_path.values()
    ]
    svg = supersede_graph(nodes, links.edges())
    if not svg:
        return tag("p", esc("No record supersedes another yet."), class_="triad-muted")
    caption = tag(
        "p",
        esc(
            "Each arrow points from a record to the one that replaced it. "
            "Select a record to open it."
        ),
        class_="triad-muted",
    )
    return f'{caption}\n<div class="triad-figure">{svg}</div>'


def decision_page(site: Site, record: Artifact, site_map: SiteMap, links: Links) -> Rendered:
    source = site_map.decision(record.path)
    page = Page(f"{decision_label(record)}: {decision_title(record)}")
    data = record.data
    state = decision_state(record, site.policy.decisions)
    hero = [status_badge(data.get("status"), DECISION_STATUS_TONES, state)]
    if data.get("date"):
        hero.append(badge(str(data["date"]), "muted"))
    hero.append(signoff_summary(site.signoff_row(record.path)))
    page.html(f'<p class="triad-hero">{" ".join(hero)}</p>')
    page.html(_lineage(site, record, source, site_map, links))
    page.html(findings_notice(site.findings_for(record.path)))
    if record.doc is None:
        return page.render()
    page.html(
        facts(
            [
                ("Driver", esc(data.get("driver", ""))),
                ("Decision makers", esc(_people(data.get("decision-makers")))),
                ("Consulted", esc(_people(data.get("consulted")))),
                ("Informed", esc(_people(data.get("informed")))),
                ("Approvers", esc(", ".join(str(a) for a in data.get("approvers", []) or []))),
                ("Models", _model_links(site, data.get("models"), source, site_map)),
                ("Revisit when", esc(data.get("revisit-when", ""))),
                ("Tags", " ".join(badge(str(t), "muted") for t in data.get("tags", []) or [])),
            ]
        )
    )
    signoffs = signoff_table(site.signoff_row(record.path))
    if signoffs:
        page.heading("Sign-offs")
        page.html(signoffs)
    artifact_text(page, site, record, site_map, source, "The record")
    return page.render()


def _lineage(site: Site, record: Artifact, source: str, site_map: SiteMap, links: Links) -> str:
    by_path = {r.path: r for r in site.decisions}

    def names(paths: list[str]) -> list[str]:
        return [
            page_link(
                site_map,
                source,
                site_map.decision(p),
                f"{decision_label(by_path[p])}: {decision_title(by_path[p])}",
            )
            for p in paths
            if p in by_path
        ]

    blocks = []
    newer = names(links.replaced_by.get(record.path, []))
    if newer:
        blocks.append(
            notice(
                "accent",
                "Superseded",
                tag("p", "Replaced by " + ", ".join(newer) + ". This record is kept for history."),
            )
        )
    older = names(links.replaces.get(record.path, []))
    if older:
        blocks.append(notice("info", "Supersedes", bullet_list(older)))
    return "\n".join(blocks)


def _model_links(site: Site, models: Any, source: str, site_map: SiteMap) -> str:
    items = []
    for ref in models if isinstance(models, list) else []:
        if isinstance(ref, str) and site.repo.find("model-card", ref) is not None:
            items.append(page_link(site_map, source, site_map.model(ref), ref))
        elif isinstance(ref, str):
            items.append(esc(ref) + " " + muted("(no card)"))
    return ", ".join(items)


def _people(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value else ""
