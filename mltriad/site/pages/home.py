"""The home page: every model with its status, its targets and its sign-off state."""

from __future__ import annotations

from mltriad.matrix import waiting_on
from mltriad.site.html import Column, Table, badge, esc, notice, tag
from mltriad.site.pages.common import (
    DECISION_STATUS_TONES,
    MODEL_STATUS_TONES,
    Page,
    Rendered,
    decision_label,
    decision_state,
    decision_title,
    findings_notice,
    model_title,
    name_and_page,
    page_link,
    signoff_summary,
    status_badge,
    verdict_badge,
)
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site

RECENT_DECISIONS = 5


def home_page(site: Site, site_map: SiteMap, title: str) -> Rendered:
    source = site_map.home
    page = Page(title)
    page.html(tag("p", esc(_lead(site)), class_="triad-lead"))
    page.html(_tiles(site, site_map, source))
    page.html(_problems(site))
    waiting = _who_acts_next(site, site_map, source)
    if waiting:
        page.heading("Who must act next")
        page.html(waiting)
    page.heading("Models")
    page.html(models_table(site, site_map, source))
    recent = _recent_decisions(site, site_map, source)
    if recent:
        page.heading("Latest decisions")
        page.html(recent)
    if site.policy.kinds:
        page.heading("Documents of our own kinds")
        page.html(_own_kinds(site, site_map, source))
    return page.render()


def _own_kinds(site: Site, site_map: SiteMap, source: str) -> str:
    """Each kind of the team's own, linked to its list, with how many documents it has."""
    table = Table([Column("Kind", wide=True), Column("Documents", numeric=True)])
    for kind in site.policy.kinds.values():
        link = page_link(site_map, source, site_map.kind_index(kind.id), kind.plural)
        if kind.description:
            link += tag("span", esc(kind.description), class_="triad-sub")
        table.add([link, esc(f"{len(site.kinds.get(kind.id, [])):,}")])
    return table.render()


def _problems(site: Site) -> str:
    """Blocking findings in full; the notes are on the pages of their artifacts."""
    blocking = [f for f in site.findings if f.blocks]
    if blocking:
        return findings_notice(blocking, with_path=True)
    notes = len(site.findings)
    text = "mltriad check finds no problem in any artifact"
    if notes:
        text += f" ({notes} note{'s' if notes != 1 else ''} on the artifacts' pages)"
    return notice("good", "✓ No problems", tag("p", esc(text + ".")))


def _lead(site: Site) -> str:
    text = (
        "The model cards, decision records and evaluation sets of this repository, "
        "as mltriad checks them"
    )
    if site.commit is not None:
        text += f" at commit {site.commit.short}"
        if site.commit.dirty:
            text += " (with uncommitted changes)"
    return text + "."


def _tiles(site: Site, site_map: SiteMap, source: str) -> str:
    meeting = sum(1 for m in site.models if _state(site, m.path) == "meets")
    states = [decision_state(d, site.policy.decisions) for d in site.decisions]
    accepted, proposed = states.count("accepted"), states.count("proposed")
    sound = sum(1 for o in site.ownership.values() if o.ok)
    complete = sum(1 for r in site.signoffs if r.complete)
    tiles = [
        ("Models", len(site.models), f"{meeting} of {len(site.models)} meet targets", ""),
        (
            "Decisions",
            len(site.decisions),
            f"{accepted} accepted, {proposed} proposed",
            site_map.decision_log,
        ),
        (
            "Evaluation sets",
            len(site.eval_sets),
            f"{sound} of {len(site.ownership)} meet the ownership rules",
            site_map.eval_set_index,
        ),
        ("Fully signed", complete, f"of {len(site.signoffs)} artifacts", site_map.signoffs),
    ]
    items = "".join(
        f'<a class="triad-tile" href="{esc(site_map.href(source, target) if target else "#models")}">'
        f'<span class="triad-tile__value">{value:,}</span>'
        f'<span class="triad-tile__label">{esc(label)}</span>'
        f'<span class="triad-tile__note">{esc(note)}</span></a>'
        for label, value, note, target in tiles
    )
    return f'<div class="triad-tiles">{items}</div>'


def _state(site: Site, path: str) -> str:
    verdict = site.verdicts.get(path)
    return verdict.state if verdict else "none"


def models_table(site: Site, site_map: SiteMap, source: str) -> str:
    if not site.models:
        return tag(
            "p",
            esc("No model cards yet. `mltriad new model-card NAME` starts one."),
            class_="triad-muted",
        )
    table = Table(
        [
            Column("Model", wide=True),
            Column("Status"),
            Column("Version"),
            Column("Targets"),
            Column("Sign-off"),
        ],
        class_="triad-models",
    )
    for card in sorted(site.models, key=lambda c: model_title(c).lower()):
        name = page_link(site_map, source, site_map.model(card.id), model_title(card))
        problems = sum(1 for f in site.findings_for(card.path) if f.blocks)
        if problems:
            name += " " + badge(f"{problems} problem{'s' if problems != 1 else ''}", "bad")
        verdict = site.verdicts.get(card.path)
        targets = verdict_badge(verdict)
        if verdict is not None and verdict.state not in ("meets", "none"):
            targets += tag("span", esc(verdict.text), class_="triad-sub")
        version = card.data.get("version")
        table.add(
            [
                name,
                status_badge(card.data.get("status"), MODEL_STATUS_TONES),
                esc(version if version is not None else ""),
                targets,
                signoff_summary(site.signoff_row(card.path)),
            ],
            data_status=str(card.data.get("status", "")),
        )
    return table.render()


def _recent_decisions(site: Site, site_map: SiteMap, source: str) -> str:
    dated = [d for d in site.decisions if isinstance(d.data.get("date"), str)]
    latest = sorted(dated, key=lambda d: (d.data["date"], d.path), reverse=True)[:RECENT_DECISIONS]
    if not latest:
        return ""
    table = Table([Column("Decision", wide=True), Column("Status"), Column("Date", nowrap=True)])
    for record in latest:
        text = f"{decision_label(record)}: {decision_title(record)}"
        table.add(
            [
                page_link(site_map, source, site_map.decision(record.path), text),
                status_badge(
                    record.data.get("status"),
                    DECISION_STATUS_TONES,
                    decision_state(record, site.policy.decisions),
                ),
                esc(record.data["date"]),
            ]
        )
    more = page_link(
        site_map, source, site_map.decision_log, f"All {len(site.decisions)} decisions"
    )
    return table.render() + f'\n<p class="triad-more">{more} →</p>'


def _who_acts_next(site: Site, site_map: SiteMap, source: str) -> str:
    """Each person whose sign-off an artifact waits on, with the artifacts, as `status`
    and the gate say it ("Waiting on: ..."); then the roles nobody can sign for yet."""
    waits = waiting_on(site.signoffs)
    if not waits:
        return ""
    kinds = {row.artifact: row.kind for row in site.signoffs}
    items = []
    for wait in waits:
        links = []
        for path in wait.artifacts:
            name, target = name_and_page(site, site_map, path, kinds[path])
            links.append(page_link(site_map, source, target, name) if target else esc(name))
        who = (
            f"<strong>{esc(wait.names)}</strong> ({esc(wait.role)})"
            if wait.signers
            else f"Nobody can sign as <strong>{esc(wait.role)}</strong> yet (the role has "
            "no members in triad.yaml)"
        )
        items.append(f"<li>{who}: {', '.join(links)}</li>")
    lead = tag(
        "p",
        esc(
            "The sign-offs each artifact still needs for its current version; each person "
            "runs `mltriad signoff PATH --role ROLE` and commits the record."
        ),
        class_="triad-muted",
    )
    return lead + f'<ul class="triad-waiting">{"".join(items)}</ul>'
