"""Every generated page of the triad site, as Markdown keyed by its path under docs_dir."""

from __future__ import annotations

from mltriad.site.pages.common import Rendered, model_title
from mltriad.site.pages.decisions import decision_log, decision_page, supersede_links
from mltriad.site.pages.evalsets import eval_set_index, eval_set_page
from mltriad.site.pages.glossary import glossary_page
from mltriad.site.pages.home import home_page
from mltriad.site.pages.kinds import kind_index, kind_page
from mltriad.site.pages.models import model_page
from mltriad.site.pages.signoffs import signoff_matrix
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site


def render_pages(site: Site, site_map: SiteMap, title: str) -> dict[str, Rendered]:
    """Every page: home, models, decision log and records, evaluation sets, the glossary,
    sign-offs."""
    pages = {site_map.home: home_page(site, site_map, title)}
    for card in site.models:
        pages.setdefault(
            site_map.model(card.id), model_page(site, card, site_map, model_title(card))
        )
    links = supersede_links(site)
    pages[site_map.decision_log] = decision_log(site, site_map, links)
    for record in site.decisions:
        pages.setdefault(
            site_map.decision(record.path), decision_page(site, record, site_map, links)
        )
    pages[site_map.eval_set_index] = eval_set_index(site, site_map)
    for eval_set in site.eval_sets:
        pages.setdefault(site_map.eval_set(eval_set.id), eval_set_page(site, eval_set, site_map))
    if site.glossary_files:
        pages[site_map.glossary] = glossary_page(site, site_map)
    for kind in site.policy.kinds.values():
        pages[site_map.kind_index(kind.id)] = kind_index(site, kind, site_map)
        for document in site.kinds.get(kind.id, []):
            pages.setdefault(
                site_map.kind_page(kind.id, document.id),
                kind_page(site, kind, document, site_map),
            )
    pages[site_map.signoffs] = signoff_matrix(site, site_map)
    # Two artifacts with one id (a finding of its own) share a page: the first one wins.
    return pages
