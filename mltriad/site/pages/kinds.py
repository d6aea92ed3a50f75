"""The team's own kinds (`kinds:` in triad.yaml): a list per kind, and a page per document
with its fields, its references linked, its body and its sign-offs."""

from __future__ import annotations

from typing import Any

from mltriad.artifacts import Artifact
from mltriad.policy import TeamKind
from mltriad.site.html import Column, Table, badge, bullet_list, esc, facts, tag
from mltriad.site.pages.common import (
    Page,
    Rendered,
    artifact_text,
    document_title,
    findings_notice,
    page_link,
    signoff_summary,
    signoff_table,
)
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site

_NESTING = 3  # deeper values are shown as text


def kind_index(site: Site, kind: TeamKind, site_map: SiteMap) -> Rendered:
    source = site_map.kind_index(kind.id)
    page = Page(kind.plural)
    lead = kind.description or f"The {kind.singular} documents of this repository."
    page.html(tag("p", esc(lead), class_="triad-lead"))
    documents = site.kinds.get(kind.id, [])
    if not documents:
        page.html(
            tag(
                "p",
                esc(f"None yet. `mltriad new {kind.id} NAME` starts one."),
                class_="triad-muted",
            )
        )
        return page.render()
    table = Table(
        [Column(kind.singular.capitalize(), wide=True), Column("Status"), Column("Sign-off")],
        class_="triad-kind",
    )
    for document in sorted(documents, key=lambda d: document_title(d).lower()):
        name = page_link(
            site_map, source, site_map.kind_page(kind.id, document.id), document_title(document)
        )
        problems = sum(1 for f in site.findings_for(document.path) if f.blocks)
        if problems:
            name += " " + badge(f"{problems} problem{'s' if problems != 1 else ''}", "bad")
        status = document.data.get("status")
        table.add(
            [
                name + tag("span", esc(document.path), class_="triad-sub triad-path"),
                badge(str(status).capitalize(), "info") if status not in (None, "") else "",
                signoff_summary(site.signoff_row(document.path)),
            ]
        )
    page.html(table.render())
    return page.render()


def kind_page(site: Site, kind: TeamKind, document: Artifact, site_map: SiteMap) -> Rendered:
    source = site_map.kind_page(kind.id, document.id)
    page = Page(document_title(document))
    hero = [badge(kind.singular.capitalize(), "accent")]
    status = document.data.get("status")
    if status not in (None, ""):
        hero.append(badge(str(status).capitalize(), "info"))
    hero.append(signoff_summary(site.signoff_row(document.path)))
    page.html(f'<p class="triad-hero">{" ".join(hero)}</p>')
    page.html(findings_notice(site.findings_for(document.path)))
    if document.doc is None:
        return page.render()
    links = {
        reference.where: reference.kind
        for reference in kind.schema.references
        if len(reference.where) == 1
    }

    def show(name: str, value: Any) -> str:
        target = links.get((name,))
        if target is not None:
            names = value if isinstance(value, list) else [value]
            return ", ".join(_reference(site, site_map, source, target, v) for v in names)
        return _value(value, 0)

    hidden = {"title", "status", kind.id_field or ""}
    fields = [
        (name, show(name, value)) for name, value in document.data.items() if name not in hidden
    ]
    page.html(facts((_label(name), html) for name, html in fields))
    artifact_text(page, site, document, site_map, source, kind.singular.capitalize())
    signoffs = signoff_table(site.signoff_row(document.path))
    if signoffs:
        page.heading("Sign-offs")
        page.html(signoffs)
    return page.render()


def _label(name: str) -> str:
    words = str(name).replace("_", " ").replace("-", " ")
    return words[:1].upper() + words[1:]


def _reference(site: Site, site_map: SiteMap, source: str, kind: str, value: Any) -> str:
    path = site.repo.find(kind, value) if isinstance(value, (str, int)) else None
    target = site_map.page_of(kind, path, str(value)) if path is not None else None
    if target is None:
        return esc(value)
    return page_link(site_map, source, target, str(value))


def _value(value: Any, depth: int) -> str:
    """A field's value as HTML: text, a list, or a mapping as a nested definition list."""
    if isinstance(value, bool):
        return esc("yes" if value else "no")
    if isinstance(value, list) and depth < _NESTING:
        return bullet_list([_value(item, depth + 1) for item in value], "triad-links")
    if isinstance(value, dict) and depth < _NESTING:
        return facts((_label(k), _value(v, depth + 1)) for k, v in value.items())
    return esc("" if value is None else value)
