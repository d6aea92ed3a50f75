"""Evaluation sets: their slices, and who defined their cases against the policy's minimum."""

from __future__ import annotations

from mltriad.artifacts import Artifact
from mltriad.evalsets import EvalSet, Ownership, eval_sets_of
from mltriad.site.charts import Bar, share_bars
from mltriad.site.html import (
    Column,
    Table,
    badge,
    bullet_list,
    esc,
    facts,
    lines,
    link,
    muted,
    path_text,
    tag,
)
from mltriad.site.pages.common import (
    MODEL_STATUS_TONES,
    Page,
    Rendered,
    eval_set_title,
    findings_notice,
    model_title,
    page_link,
    signoff_summary,
    signoff_table,
    status_badge,
)
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site
from mltriad.snapshot import normalize

SOURCE_TONES = {"production": "good", "expert": "info", "synthetic": "muted"}


def eval_set_index(site: Site, site_map: SiteMap) -> Rendered:
    source = site_map.eval_set_index
    page = Page("Evaluation sets")
    if not site.eval_sets:
        page.html(
            tag(
                "p",
                esc("No evaluation sets yet. `mltriad new eval-set NAME` starts one."),
                class_="triad-lead",
            )
        )
        return page.render()
    rules = site.policy.eval_sets
    page.html(
        tag(
            "p",
            esc(
                f"The {' and '.join(rules.share_roles)} roles must define at least "
                f"{rules.min_share:.0%} of each set's cases"
                + (
                    ", and each set needs a sample of production inputs."
                    if rules.require_production_sample
                    else "."
                )
            ),
            class_="triad-lead",
        )
    )
    table = Table(
        [
            Column("Evaluation set"),
            Column("Owner", nowrap=True),
            Column("Cases", numeric=True),
            Column("Product and domain share"),
            Column("Production sample"),
            Column("Sign-off"),
        ],
        class_="triad-sets",
    )
    for artifact in sorted(site.eval_sets, key=lambda a: a.id):
        owned = site.ownership.get(artifact.path)
        link = page_link(site_map, source, site_map.eval_set(artifact.id), eval_set_title(artifact))
        table.add(
            [
                link,
                esc(artifact.data.get("owner", "")),
                esc(f"{owned.total_cases:,}") if owned else "",
                _share_badge(owned),
                _production_badge(owned),
                signoff_summary(site.signoff_row(artifact.path)),
            ]
        )
    page.html(table.render())
    return page.render()


def _share_badge(owned: Ownership | None) -> str:
    if owned is None:
        return muted("unreadable")
    label = f"{owned.share:.0%} (minimum {owned.min_share:.0%})"
    return badge(
        ("✓ " if owned.meets_share else "✗ ") + label, "good" if owned.meets_share else "bad"
    )


def _production_badge(owned: Ownership | None) -> str:
    if owned is None:
        return ""
    if owned.has_production_sample:
        return badge("✓ Yes", "good")
    return badge("✗ Missing", "bad") if owned.require_production_sample else badge("No", "muted")


def eval_set_page(site: Site, artifact: Artifact, site_map: SiteMap) -> Rendered:
    source = site_map.eval_set(artifact.id)
    page = Page(eval_set_title(artifact))
    owned = site.ownership.get(artifact.path)
    hero = [badge(f"Owner: {artifact.data.get('owner', 'none')}", "info")]
    if artifact.data.get("version") is not None:
        hero.append(badge(f"v{artifact.data['version']}", "muted"))
    if owned is not None:
        hero.append(badge(f"{owned.total_cases:,} cases", "muted"))
        hero.append(_share_badge(owned))
    hero.append(signoff_summary(site.signoff_row(artifact.path)))
    page.html(f'<p class="triad-hero">{" ".join(hero)}</p>')
    page.html(findings_notice(site.findings_for(artifact.path)))
    if artifact.doc is None:
        return page.render()
    evalset = EvalSet.from_artifact(artifact)
    if evalset.description:
        page.html(tag("p", esc(evalset.description), class_="triad-lead"))
    if owned is not None:
        page.heading("Who defined the cases")
        page.html(_share_chart(owned))
    page.heading("Slices")
    page.html(_slices(evalset))
    page.html(
        facts(
            [
                ("Label specification", _label_spec(site, site_map, source, evalset.label_spec)),
                ("Digest", tag("code", esc(evalset.digest), class_="triad-digest")),
            ]
        )
    )
    users = _used_by(site, artifact, source, site_map)
    if users:
        page.heading("Used by")
        page.html(users)
    signoffs = signoff_table(site.signoff_row(artifact.path))
    if signoffs:
        page.heading("Sign-offs")
        page.html(signoffs)
    return page.render()


def _share_chart(owned: Ownership) -> str:
    bars = [
        Bar(s.role, s.share, s.cases, "counted" if s.counted else "other") for s in owned.shares
    ]
    together = " + ".join(owned.share_roles)
    bars.append(
        Bar(
            f"{together}", owned.share, owned.counted_cases, "pass" if owned.meets_share else "fail"
        )
    )
    chart = share_bars(bars, owned.min_share, f"policy minimum {owned.min_share:.0%}")
    verdict = (
        f"The {' and '.join(owned.share_roles)} roles defined {owned.share:.0%} of the "
        f"cases; the policy asks for at least {owned.min_share:.0%}."
    )
    if owned.require_production_sample:
        verdict += (
            " It has a sample of production inputs."
            if owned.has_production_sample
            else " It has no sample of production inputs, which the policy requires."
        )
    return f'<div class="triad-figure">{chart}</div>\n{tag("p", esc(verdict))}'


def _slices(evalset: EvalSet) -> str:
    table = Table(
        [
            Column("Slice"),
            Column("Defined by", nowrap=True),
            Column("Source"),
            Column("Cases", numeric=True),
            Column("Share", numeric=True),
            Column("Data files", nowrap=True),
        ]
    )
    total = evalset.total_cases
    for piece in evalset.slices:
        name = esc(piece.name)
        if piece.description:
            name += tag("span", esc(piece.description), class_="triad-sub")
        files = lines(tag("code", path_text(f.path)) for f in piece.files) or muted("none listed")
        table.add(
            [
                name,
                esc(piece.defined_by),
                badge(piece.source or "unknown", SOURCE_TONES.get(piece.source, "muted")),
                esc(f"{piece.cases:,}"),
                esc(f"{piece.cases / total:.0%}" if total else "—"),
                files,
            ]
        )
    return table.render()


def _used_by(site: Site, artifact: Artifact, source: str, site_map: SiteMap) -> str:
    items = []
    for card in site.models:
        if artifact.id in eval_sets_of(card):
            items.append(
                page_link(site_map, source, site_map.model(card.id), model_title(card))
                + " "
                + status_badge(card.data.get("status"), MODEL_STATUS_TONES)
            )
    return bullet_list(items, "triad-links")


def _label_spec(site: Site, site_map: SiteMap, source: str, spec: str | None) -> str:
    """The label specification's path, linked to its page when the site publishes it (a
    file in the docs folder); else the path as text."""
    if not spec:
        return ""
    shown = tag("code", esc(spec))
    clean = normalize(spec)
    docs = site_map.docs_dir
    if clean is None or docs is None or not site.repo.snapshot.exists(clean):
        return shown
    prefix = "" if docs in ("", ".") else docs.rstrip("/") + "/"
    if not clean.startswith(prefix):
        return shown
    return link(site_map.href(source, clean[len(prefix) :]), shown)
