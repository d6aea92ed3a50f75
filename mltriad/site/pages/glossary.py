"""The glossary page: every metric and term of the glossary, each with an anchor that the
model pages link their metric names to, then the files it comes from and their sign-offs."""

from __future__ import annotations

from mltriad.artifacts import Artifact
from mltriad.glossary import Term
from mltriad.site.html import badge, bullet_list, esc, facts, muted, tag
from mltriad.site.pages.common import (
    Page,
    Rendered,
    artifact_text,
    findings_notice,
    glossary_title,
    model_title,
    page_link,
    signoff_summary,
    signoff_table,
)
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site
from mltriad.targets import card_targets
from mltriad.values import metric_key

DIRECTION_LABELS = {"higher": "↑ Higher is better", "lower": "↓ Lower is better"}


def glossary_page(site: Site, site_map: SiteMap) -> Rendered:
    source = site_map.glossary
    page = Page("Glossary")
    glossary = site.glossary
    metrics = sorted(glossary.metrics, key=lambda t: t.name.lower())
    terms = sorted((t for t in glossary.terms if not t.is_metric), key=lambda t: t.name.lower())
    hero = [
        badge(f"{len(metrics)} metric{'s' if len(metrics) != 1 else ''}", "info"),
        badge(f"{len(terms)} term{'s' if len(terms) != 1 else ''}", "muted"),
    ]
    if len(site.glossary_files) == 1:
        hero.append(signoff_summary(site.signoff_row(site.glossary_files[0].path)))
    page.html(f'<p class="triad-hero">{" ".join(hero)}</p>')
    page.html(
        findings_notice(
            [f for part in site.glossary_files for f in site.findings_for(part.path)],
            with_path=True,
        )
    )
    page.html(
        tag(
            "p",
            esc(
                "What the words of this repository's model cards mean here, so that the ML "
                "engineer, the product manager and the domain expert read a target alike. "
                "Every metric a card names is defined below."
            ),
            class_="triad-lead",
        )
    )
    used = _used_by(site)
    if metrics:
        page.heading("Metrics")
        page.html(_definitions(metrics, used, site_map, source))
    if terms:
        page.heading("Terms")
        page.html(_definitions(terms, used, site_map, source))
    page.heading("Sources and sign-offs")
    for part in site.glossary_files:
        page.html(_part(site, part))
        artifact_text(page, site, part, site_map, source, glossary_title(part))
    return page.render()


def _used_by(site: Site) -> dict[str, list[Artifact]]:
    """The model cards whose targets name each metric, by the metric's anchor."""
    found: dict[str, list[Artifact]] = {}
    for card in site.models:
        if card.doc is None:
            continue
        for target in card_targets(card):
            term = site.glossary.lookup(target.metric)
            if term is not None:
                cards = found.setdefault(term.anchor, [])
                if card not in cards:
                    cards.append(card)
    return found


def _definitions(
    terms: list[Term], used: dict[str, list[Artifact]], site_map: SiteMap, source: str
) -> str:
    items = []
    for term in terms:
        head = tag("span", esc(term.name), class_="triad-term__name")
        if term.is_metric and term.direction:
            tone = "good" if term.direction == "higher" else "info"
            head += " " + badge(DIRECTION_LABELS[term.direction], tone)
        others = [a for a in term.aliases if metric_key(a) != metric_key(term.name)]
        if others:
            head += tag("span", esc("also: " + ", ".join(others)), class_="triad-sub")
        details = [tag("p", esc(term.definition))] if term.definition else []
        if term.example:
            details.append(tag("p", esc(term.example), class_="triad-term__example"))
        cards = used.get(term.anchor, [])
        details.append(
            facts(
                [
                    ("Unit", esc(term.unit or "")),
                    ("Formula", tag("code", esc(term.formula)) if term.formula else ""),
                    ("Reference", _reference(term.reference)),
                    ("Computed as", tag("code", esc(term.computed_as)) if term.computed_as else ""),
                    (
                        "Targets in",
                        ", ".join(
                            page_link(site_map, source, site_map.model(c.id), model_title(c))
                            for c in cards
                        ),
                    ),
                    ("Defined in", muted(term.at)),
                ]
            )
        )
        items.append(
            tag("dt", head, id=term.anchor, class_="triad-term")
            + tag("dd", "\n".join(details), class_="triad-term__body")
        )
    return tag("dl", "\n".join(items), class_="triad-glossary")


def _reference(text: str | None) -> str:
    if not text:
        return ""
    if text.startswith(("https://", "http://")) and " " not in text:
        return tag("a", esc(text), href=text)
    return esc(text)


def _part(site: Site, part: Artifact) -> str:
    """One glossary file: its title and path, its owner, its sign-offs."""
    owner = part.data.get("owner")
    heading = tag("strong", esc(glossary_title(part))) + " " + muted(part.path)
    lines = [tag("p", heading)]
    description = part.data.get("description")
    if isinstance(description, str) and description.strip():
        lines.append(tag("p", esc(description)))
    lines.append(
        bullet_list(
            [
                "Owner: " + (esc(owner) if isinstance(owner, str) else muted("none named")),
                "Sign-offs: " + signoff_summary(site.signoff_row(part.path)),
            ],
            "triad-links",
        )
    )
    lines.append(signoff_table(site.signoff_row(part.path)))
    return "\n".join(line for line in lines if line)
