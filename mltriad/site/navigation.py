"""The triad's section of the site navigation."""

from __future__ import annotations

from typing import Any

from mltriad.site.pages.common import document_title, eval_set_title, model_title
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site

# Past this many models (or evaluation sets) the navigation lists only the page that lists
# them: a menu of hundreds is not read, and every page of the site renders the whole menu.
NAV_LIMIT = 20


def triad_section(site: Site, site_map: SiteMap, title: str) -> dict[str, Any]:
    """Overview, the models, the decision log, the evaluation sets, the glossary (when
    the repository has one) and the sign-offs.

    Decision records are reached from the log, models and evaluation sets from the
    overview and their index when there are more than NAV_LIMIT of them.
    """
    entries: list[Any] = [{"Overview": site_map.home}]
    models = sorted(site.models, key=lambda card: model_title(card).lower())
    if 0 < len(models) <= NAV_LIMIT:
        entries.append({"Models": [site_map.model(card.id) for card in models]})
    entries.append({"Decision log": site_map.decision_log})
    sets = sorted(site.eval_sets, key=lambda e: eval_set_title(e).lower())
    if 0 < len(sets) <= NAV_LIMIT:
        entries.append(
            {
                "Evaluation sets": [
                    {"All evaluation sets": site_map.eval_set_index},
                    *(site_map.eval_set(e.id) for e in sets),
                ]
            }
        )
    else:
        entries.append({"Evaluation sets": site_map.eval_set_index})
    if site.glossary_files:
        entries.append({"Glossary": site_map.glossary})
    for kind in site.policy.kinds.values():
        documents = sorted(site.kinds.get(kind.id, []), key=lambda d: document_title(d).lower())
        if 0 < len(documents) <= NAV_LIMIT:
            entries.append(
                {
                    kind.plural: [
                        {f"All {kind.plural.lower()}": site_map.kind_index(kind.id)},
                        *(site_map.kind_page(kind.id, d.id) for d in documents),
                    ]
                }
            )
        else:
            entries.append({kind.plural: site_map.kind_index(kind.id)})
    entries.append({"Sign-offs": site_map.signoffs})
    return {title: entries}


def listed_pages(site: Site, site_map: SiteMap) -> set[str]:
    """The generated pages the section lists; the others are linked from these."""
    pages = {site_map.home, site_map.decision_log, site_map.eval_set_index, site_map.signoffs}
    if site.glossary_files:
        pages.add(site_map.glossary)
    for kind, documents in site.kinds.items():
        pages.add(site_map.kind_index(kind))
        if len(documents) <= NAV_LIMIT:
            pages.update(site_map.kind_page(kind, d.id) for d in documents)
    if len(site.models) <= NAV_LIMIT:
        pages.update(site_map.model(card.id) for card in site.models)
    if len(site.eval_sets) <= NAV_LIMIT:
        pages.update(site_map.eval_set(eval_set.id) for eval_set in site.eval_sets)
    return pages
