"""One page per model card: the front matter as sections and tables, then the card's text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mltriad.artifacts import Artifact
from mltriad.confusion import card_confusion
from mltriad.site.html import Column, Table, badge, bullet_list, esc, facts, lines, muted, tag
from mltriad.site.pages.common import (
    DECISION_STATUS_TONES,
    MODEL_STATUS_TONES,
    Page,
    Rendered,
    artifact_text,
    decision_label,
    decision_state,
    decision_title,
    findings_notice,
    page_link,
    signoff_detail,
    signoff_mark,
    signoff_summary,
    status_badge,
    target_mark,
    verdict_badge,
)
from mltriad.site.pages.history import confusion_section, history_section
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site
from mltriad.targets import TargetRow, format_number

COST_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
CONSTRAINTS = (
    ("latency", "Latency"),
    ("cost", "Cost"),
    ("size", "Size"),
    ("explainability", "Explainability"),
)


def model_page(site: Site, card: Artifact, site_map: SiteMap, title: str) -> Rendered:
    source = site_map.model(card.id)
    page = Page(title)
    data = card.data
    page.html(_hero(site, card))
    page.html(findings_notice(site.findings_for(card.path)))
    if card.doc is None:
        page.html(
            tag(
                "p",
                esc(
                    f"{card.path} could not be read, so there is nothing else to "
                    "show until the problem above is fixed."
                ),
                class_="triad-lead",
            )
        )
        return page.render()
    intended = data.get("intended_use")
    if isinstance(intended, str):
        page.html(tag("p", esc(intended), class_="triad-lead"))
    page.heading("Targets and results")

    def eval_set_link(name: str) -> str:
        if site.repo.find("eval-set", name) is None:
            return esc(name)
        return page_link(site_map, source, site_map.eval_set(name), name)

    def metric_link(name: str) -> str:
        term = site.glossary.lookup(name)
        if term is None or not term.is_metric:
            return esc(name)
        href = site_map.href(source, site_map.glossary) + "#" + term.anchor
        return tag("a", esc(name), href=href, title=term.summary, class_="triad-term-link")

    page.html(targets_table(site.targets.get(card.path, []), eval_set_link, metric_link))
    page.heading("Results across versions")
    # Made when the page is filled in, so that the history's pass (git) can run meanwhile.
    page.html(lambda: history_section(site, card))
    if card_confusion(card):
        page.heading("Failure types")
        page.html(confusion_section(site, card))
    else:  # the counts, if any, come from an earlier version: known once history is read
        page.html(lambda: confusion_section(site, card, heading=True))
    page.heading("What it does")
    page.html(_overview(site, card, source, site_map))
    modes = data.get("failure_modes")
    if isinstance(modes, list) and modes:
        page.heading("Failure modes")
        page.html(failure_modes_table(modes))
    constraints = data.get("constraints")
    if isinstance(constraints, dict) and constraints:
        page.heading("Constraints")
        page.html(_constraints(constraints))
    page.heading("Owners and sign-offs")
    page.html(_owners(site, card))
    related = _related_decisions(site, card, source, site_map)
    if related:
        page.heading("Related decisions")
        page.html(related)
    artifact_text(page, site, card, site_map, source, "The card")
    return page.render()


def _hero(site: Site, card: Artifact) -> str:
    data = card.data
    items = [status_badge(data.get("status"), MODEL_STATUS_TONES)]
    if data.get("version") is not None:
        items.append(badge(f"v{data['version']}", "muted"))
    items.append(verdict_badge(site.verdicts.get(card.path)))
    items.append(signoff_summary(site.signoff_row(card.path)))
    return f'<p class="triad-hero">{" ".join(items)}</p>'


def targets_table(
    rows: list[TargetRow],
    eval_set_link: Callable[[str], str],
    metric_link: Callable[[str], str] = esc,
) -> str:
    """Each target next to its measured result, with a pass or fail mark; a metric the
    glossary defines links to its definition, which shows on hover.

    When every target is measured on one evaluation set, it is named once above the table
    rather than on every row.
    """
    if not rows:
        return tag("p", esc("This card states no targets."), class_="triad-muted")
    sets = list(dict.fromkeys(row.eval_set for row in rows))
    per_row = len(sets) > 1
    columns = [Column("Metric"), Column("Slice", nowrap=True)]
    if per_row:
        columns.append(Column("Evaluation set", nowrap=True))
    columns += [
        Column("Launch bar", numeric=True),
        Column("Result", numeric=True),
        Column("Status", nowrap=True),
    ]
    table = Table(columns, class_="triad-targets")
    for row in rows:
        metric = metric_link(row.metric)
        if row.target.why:
            metric += tag("span", esc(row.target.why), class_="triad-sub")
        cells = [metric, esc(row.slice) if row.slice else muted("whole set")]
        if per_row:
            cells.append(eval_set_link(row.eval_set) if row.eval_set else muted("none"))
        cells += [_bar(row), _result(row), target_mark(row.status) + _status_note(row)]
        table.add(cells, data_status=row.status)
    caption = ""
    if not per_row and sets[0]:
        caption = tag(
            "p",
            "Measured on the evaluation set " + eval_set_link(sets[0]) + ".",
            class_="triad-caption",
        )
    return caption + ("\n" if caption else "") + table.render()


def _bar(row: TargetRow) -> str:
    """The launch bar, and the goal beneath it."""
    parts = []
    if row.min is not None:
        parts.append(f"≥ {format_number(row.min, row.value)}")
    if row.max is not None:
        parts.append(f"≤ {format_number(row.max, row.value)}")
    text = esc(" and ".join(parts))
    if row.goal is not None:
        text += tag("span", esc(f"goal {format_number(row.goal, row.value)}"), class_="triad-sub")
    return text


def _result(row: TargetRow) -> str:
    if row.result is None or row.value is None:
        return muted("not measured")
    text = esc(row.measured)
    if row.result.uncertainty is not None:
        text += f" ± {esc(format_number(row.result.uncertainty, row.value))}"
    if row.result.measured_at:
        text += tag("span", esc(row.result.measured_at), class_="triad-sub")
    return text


def _status_note(row: TargetRow) -> str:
    if row.status == "stale":
        return tag("span", esc(f"measured on an older {row.eval_set}; re-run"), class_="triad-sub")
    if row.goal_met:
        return tag("span", esc("goal reached"), class_="triad-sub")
    return ""


def failure_modes_table(modes: list[Any]) -> str:
    """Failure modes by priority (1, the most important, first); those of one priority, and
    those without one (last), the costliest first; otherwise in the card's order."""
    entries = sorted((m for m in modes if isinstance(m, dict)), key=_priority_order)
    table = Table(
        [
            Column("Failure"),
            Column("Error type", nowrap=True),
            Column("Cost"),
            Column("Priority", numeric=True),
            Column("Mitigation"),
        ]
    )
    for mode in entries:
        table.add(
            [
                esc(mode.get("name", "")),
                esc(mode.get("error_type", "")),
                _cost(mode.get("cost")),
                esc(mode.get("priority", "")),
                esc(mode.get("mitigation", "")),
            ]
        )
    return table.render()


def _priority_order(mode: dict[str, Any]) -> tuple[int, int, float]:
    priority = mode.get("priority")
    rank = priority if isinstance(priority, int) and not isinstance(priority, bool) else 1 << 30
    cost = mode.get("cost")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return (rank, 1, -float(cost))
    return (rank, 0, -COST_RANK.get(str(cost), 0))


def _cost(cost: object) -> str:
    if isinstance(cost, str):
        tone = {"critical": "bad", "high": "warn", "medium": "info"}.get(cost, "muted")
        return badge(cost.capitalize(), tone)
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        return esc(f"{cost:,}")
    return ""


def _overview(site: Site, card: Artifact, source: str, site_map: SiteMap) -> str:
    data = card.data
    task = data.get("task") if isinstance(data.get("task"), dict) else {}
    assert isinstance(task, dict)
    intended = data.get("intended_use")
    out_of_scope = data.get("out_of_scope")
    training = data.get("training_data") if isinstance(data.get("training_data"), dict) else {}
    assert isinstance(training, dict)
    return facts(
        [
            ("Task", esc(task.get("type", ""))),
            ("Input", esc(task.get("input", ""))),
            ("Output", esc(task.get("output", ""))),
            (
                "Intended use",
                bullet_list(esc(i) for i in intended) if isinstance(intended, list) else "",
            ),
            (
                "Out of scope",
                bullet_list(esc(i) for i in out_of_scope) if isinstance(out_of_scope, list) else "",
            ),
            ("Evaluation sets", _eval_set_links(site, card, source, site_map)),
            ("Training data", esc(training.get("description", ""))),
            ("Data sources", lines(esc(s) for s in training.get("sources", []) or [])),
            ("Data period", esc(training.get("period", ""))),
        ]
    )


def _eval_set_links(site: Site, card: Artifact, source: str, site_map: SiteMap) -> str:
    listed = card.data.get("eval_sets")
    links = []
    for ref in listed if isinstance(listed, list) else []:
        if isinstance(ref, str) and site.repo.find("eval-set", ref) is not None:
            links.append(page_link(site_map, source, site_map.eval_set(ref), ref))
        elif isinstance(ref, str):
            links.append(esc(ref) + " " + badge("no manifest", "bad"))
    return ", ".join(links)


def _constraints(constraints: dict[str, Any]) -> str:
    pairs = [(label, esc(constraints.get(key, ""))) for key, label in CONSTRAINTS]
    other = constraints.get("other")
    if isinstance(other, list):
        pairs.append(("Other", bullet_list(esc(o) for o in other)))
    return facts(pairs)


def _owners(site: Site, card: Artifact) -> str:
    owners = card.data.get("owners") if isinstance(card.data.get("owners"), dict) else {}
    assert isinstance(owners, dict)
    row = site.signoff_row(card.path)
    cells = {cell.role: cell for cell in row.cells} if row is not None else {}
    roles = list(dict.fromkeys([*owners, *cells]))
    if not roles:
        return tag("p", esc("No owners are named."), class_="triad-muted")
    table = Table(
        [Column("Role", nowrap=True), Column("Owner"), Column("Sign-off")], class_="triad-owners"
    )
    for role in roles:
        emails = owners.get(role)
        people = [emails] if isinstance(emails, str) else emails or []
        cell = cells.get(role)
        signoff = (signoff_mark(cell) + signoff_detail(cell)) if cell else muted("not required")
        table.add(
            [
                esc(role),
                lines(_person(site, role, e) for e in people) or muted("none named"),
                signoff,
            ]
        )
    return table.render()


def _person(site: Site, role: str, email: object) -> str:
    member = site.policy.member(role, str(email))
    if member is None:
        return esc(email)
    return f"{esc(member.name)} {tag('span', esc(member.email), class_='triad-muted')}"


def _related_decisions(site: Site, card: Artifact, source: str, site_map: SiteMap) -> str:
    """Decisions the card names, and decisions that name the card."""
    paths: list[str] = []
    named = card.data.get("decisions")
    for ref in named if isinstance(named, list) else []:
        found = site.repo.find_decision(ref) if isinstance(ref, (str, int)) else None
        if found:
            paths.append(found)
    for record in site.decisions:
        models = record.data.get("models")
        if isinstance(models, list) and card.id in models:
            paths.append(record.path)
    items = []
    for path in dict.fromkeys(paths):
        related = site.artifact(path)
        if related is None:
            continue
        text = f"{decision_label(related)}: {decision_title(related)}"
        items.append(
            page_link(site_map, source, site_map.decision(path), text)
            + " "
            + status_badge(decision_state(related, site.policy.decisions), DECISION_STATUS_TONES)
        )
    return bullet_list(items, "triad-links")
