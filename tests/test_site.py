"""The triad site: generated pages, MkDocs builds (strict), links, navigation, options."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mltriad.site.charts import Bar, GraphNode, share_bars, supersede_graph
from mltriad.site.collect import collect
from mltriad.site.navigation import NAV_LIMIT, triad_section
from mltriad.site.pages import render_pages
from mltriad.site.pages.models import failure_modes_table
from mltriad.site.plugin import add_section, watched_paths
from mltriad.site.rebase import rebase_links
from mltriad.site.urls import SiteMap
from tests.helpers import CARD, EXAMPLE_REPO, git, make_repo, run
from tests.helpers.site import build, demo_template, material_installed


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


def broken_links(site_dir: Path, pages: list[Path]) -> list[str]:
    """Relative links and assets in `pages` that lead to no file of the built site."""
    broken = []
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site_dir.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site_dir)}: {href}")
    return broken


@pytest.fixture
def demo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(demo_template(tmp_path_factory), copy, symlinks=True)
    return copy


# --- Pages, without MkDocs -------------------------------------------------------------


def pages_of(repo: Path) -> dict[str, str]:
    """Every generated page, its HTML blocks in place of their placeholders."""
    return {
        src: page.fill(page.markdown)
        for src, page in render_pages(collect(repo), SiteMap(), "ML triad").items()
    }


def test_every_artifact_gets_a_page(demo: Path) -> None:
    pages = pages_of(demo)
    assert set(pages) == {
        "triad/index.md",
        "triad/signoffs.md",
        "triad/models/fraud-detector.md",
        "triad/models/churn-predictor.md",
        "triad/decisions/index.md",
        "triad/decisions/0001-use-logistic-regression.md",
        "triad/decisions/0002-use-gradient-boosting.md",
        "triad/decisions/0003-retrain-churn-monthly.md",
        "triad/eval-sets/index.md",
        "triad/eval-sets/fraud-holdout.md",
        "triad/eval-sets/churn-holdout.md",
        "triad/glossary.md",
        # The example's two kinds of its own: a list each, and a page per document.
        "triad/kinds/problem-framing/index.md",
        "triad/kinds/problem-framing/card-fraud.md",
        "triad/kinds/experiment-plan/index.md",
        "triad/kinds/experiment-plan/fraud-detector-shadow-launch.md",
    }


def test_model_page_puts_each_target_next_to_its_result(demo: Path) -> None:
    page = pages_of(demo)["triad/models/churn-predictor.md"]
    table = page.split('<table class="triad-table triad-targets">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-status="(\w+)">(.*?)</tr>', table)
    assert [status for status, _ in rows] == ["pass", "fail", "missing"]
    auc, recall, precision = (cells for _, cells in rows)
    assert "≥ 0.80" in auc and "0.83" in auc and "✓ Pass" in auc
    assert "high-value" in recall and "0.62" in recall and "✗ Fail" in recall
    assert "not measured" in precision and "No result" in precision
    assert "Misses targets" in page


def test_the_glossary_page_defines_each_term_of_both_forms(demo: Path) -> None:
    page = pages_of(demo)["triad/glossary.md"]
    anchors = re.findall(r'<dt id="(term-[a-z0-9-]+)"', page)
    # Metrics, then terms, each alphabetically: glossary.yaml's and glossary/churn.md's.
    assert anchors == [
        "term-auc",
        "term-false-positive-rate",
        "term-precision",
        "term-recall",
        "term-chargeback",
        "term-manual-review",
        "term-new-merchant",
        "term-retention-call",
    ]
    assert "↓ Lower is better" in page and "also: ROC AUC, area under the ROC curve" in page
    assert (
        "<code>TP / (TP + FN), a fraudulent payment held for review being a true positive</code>"
        in page
    )
    assert 'href="../models/churn-predictor/">Subscription churn predictor</a>' in page
    assert "The words the churn predictor" in page  # the Markdown file's body
    assert "glossary/churn.md" in page and "Owner: product-manager" in page


def test_model_page_links_each_metric_to_its_definition(demo: Path) -> None:
    page = pages_of(demo)["triad/models/churn-predictor.md"]
    assert (
        '<a href="../../glossary/#term-auc" title="How well the score ranks subscribers who '
        "cancel above those who stay. (higher is better; ratio (0.5 is chance, 1 is "
        'perfect))" class="triad-term-link">auc</a>'
    ) in page
    assert 'href="../../glossary/#term-recall"' in page


def test_a_repository_without_a_glossary_has_no_glossary_page(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    site = collect(repo)
    pages = render_pages(site, SiteMap(), "ML triad")
    assert "triad/glossary.md" not in pages
    assert "triad-term-link" not in pages["triad/models/fraud-detector.md"].fill("")
    assert "Glossary" not in str(triad_section(site, SiteMap(), "ML triad"))


def test_the_site_names_the_commit_it_was_built_from(demo: Path, tmp_path: Path) -> None:
    head = git(demo, "rev-parse", "HEAD").strip()
    commit = collect(demo).commit
    assert commit is not None and (commit.sha, commit.dirty) == (head, False)
    card = demo / CARD
    card.write_text(card.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    edited = collect(demo)
    assert edited.commit is not None and edited.commit.dirty
    assert "uncommitted changes" in pages_of(demo)["triad/signoffs.md"]
    outside = tmp_path / "not-a-repository"
    shutil.copytree(EXAMPLE_REPO, outside)
    assert collect(outside).commit is None


def test_failure_modes_are_ordered_by_priority_then_cost() -> None:
    table = failure_modes_table(
        [
            {"name": "unranked-costly", "cost": "critical"},
            {"name": "second", "cost": "low", "priority": 2},
            {"name": "first", "cost": "low", "priority": 1},
            {"name": "second-but-costlier", "cost": "high", "priority": 2},
            {"name": "unranked-cheap", "cost": "low"},
        ]
    )
    order = ["first", "second-but-costlier", "second", "unranked-costly", "unranked-cheap"]
    positions = [table.index(f">{name}<") for name in order]
    assert positions == sorted(positions)


def test_the_overview_lists_who_must_act_next(demo: Path) -> None:
    home = pages_of(demo)["triad/index.md"]
    assert "## Who must act next" in home
    section = home[home.index("## Who must act next") : home.index("## Models")]
    items = re.findall(r"<li>(.*?)</li>", section)
    # As `mltriad status --all` says it: one line per person and role, with the artifacts.
    status = run(["status", "--all"], cwd=demo)
    waiting = [line for line in status.stdout.splitlines() if line.startswith("Waiting on: ")]
    assert waiting and len(items) == len(waiting)
    for item, line in zip(items, waiting, strict=True):
        who, _, paths = line.removeprefix("Waiting on: ").partition(" for ")
        name, role = who.rsplit(" (", 1)
        assert item.startswith(f"<strong>{name}</strong> ({role.rstrip(')')}): <a href=")
        assert item.count("<a href=") == len(paths.split(", "))


def test_the_label_specification_links_to_its_page(demo: Path) -> None:
    page = pages_of(demo)["triad/eval-sets/fraud-holdout.md"]
    assert (
        '<a href="../../../labels/fraud-holdout/"><code>docs/labels/fraud-holdout.md</code></a>'
    ) in page
    manifest = demo / "eval-sets" / "fraud-holdout.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "label_spec: docs/labels/fraud-holdout.md", "label_spec: LABELS.md"
        ),
        encoding="utf-8",
    )
    (demo / "LABELS.md").write_text("# Labels\n", encoding="utf-8")  # not published
    page = pages_of(demo)["triad/eval-sets/fraud-holdout.md"]
    assert "<code>LABELS.md</code>" in page and 'href="../../../LABELS' not in page


def test_what_a_user_wrote_is_escaped(repo: Path) -> None:
    card = repo / "model-cards" / "fraud-detector.md"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace(
            "title: Card-payment fraud detector", 'title: "<script>alert(1)</script> *fraud*"'
        ),
        encoding="utf-8",
    )
    pages = pages_of(repo)
    page = pages["triad/models/fraud-detector.md"]
    assert "<script>" not in page
    assert page.startswith("# &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\*fraud\\*\n")
    assert "<script>" not in pages["triad/signoffs.md"]


def test_supersede_links_show_both_ways(demo: Path) -> None:
    pages = pages_of(demo)
    old = pages["triad/decisions/0001-use-logistic-regression.md"]
    new = pages["triad/decisions/0002-use-gradient-boosting.md"]
    assert 'Replaced by <a href="../0002-use-gradient-boosting/">' in old
    assert '<a href="../0001-use-logistic-regression/">ADR-0001' in new
    log = pages["triad/decisions/index.md"]
    assert log.count('class="triad-node ') == 2 and log.count("triad-graph__edge") == 1


def test_decision_log_rows_carry_their_status_for_the_filter(demo: Path) -> None:
    log = pages_of(demo)["triad/decisions/index.md"]
    assert re.findall(r'<tr data-status="(\w+)">', log) == ["superseded", "accepted", "proposed"]
    assert 'data-status="proposed" aria-pressed="false">Proposed 1</button>' in log


def test_eval_set_page_charts_each_role_against_the_minimum(demo: Path) -> None:
    page = pages_of(demo)["triad/eval-sets/churn-holdout.md"]
    assert "policy minimum 50%" in page
    assert "75% · 1,500 cases" in page and "25% · 500 cases" in page
    assert "triad-bar--pass" in page


# --- Building blocks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directory_urls", "source", "target", "expected"),
    [
        (True, "triad/index.md", "triad/models/a.md", "models/a/"),
        (True, "triad/models/a.md", "triad/index.md", "../../"),
        (True, "triad/models/a.md", "triad/decisions/0001-x.md", "../../decisions/0001-x/"),
        (True, "triad/decisions/index.md", "triad/decisions/0001-x.md", "0001-x/"),
        (True, "triad/signoffs.md", "triad/signoffs.md", "./"),
        (True, "triad/models/a.md", "triad/assets/triad.css", "../../assets/triad.css"),
        (False, "triad/index.md", "triad/models/a.md", "models/a.html"),
        (False, "triad/models/a.md", "triad/index.md", "../index.html"),
        (False, "triad/decisions/index.md", "triad/decisions/0001-x.md", "0001-x.html"),
    ],
)
def test_links_between_pages_follow_use_directory_urls(
    directory_urls: bool, source: str, target: str, expected: str
) -> None:
    assert SiteMap("triad", directory_urls).href(source, target) == expected


def test_links_in_an_artifact_are_repointed_to_the_site() -> None:
    pages = {"decisions/0003-x.md": "triad/decisions/0003-x.md"}
    body = (
        "[a](../decisions/0003-x.md#outcome) [b](../docs/labels/a.md) [c](https://x.org)\n"
        "```\n[d](../README.md)\n```\n[e]: <../decisions/0003-x.md>\n"
        '[f](../README.md "the read-me") and ![plot](../plots/roc.png) [g](#limitations)'
    )
    rebased = rebase_links(body, "model-cards/m.md", "triad/models/m.md", pages.get, "docs")
    assert rebased.text.splitlines() == [
        "[a](../decisions/0003-x.md#outcome) [b](../../labels/a.md) [c](https://x.org)",
        "```",
        "[d](../README.md)",
        "```",
        "[e]: <../decisions/0003-x.md>",
        "f and plot [g](#limitations)",
    ]
    assert rebased.outside == ["../README.md", "../plots/roc.png"]


def test_supersede_graph_draws_one_arrow_per_link() -> None:
    nodes = [
        GraphNode(f"d{i}", i, f"ADR-{i:04d}", f"Record {i}", "accepted", f"{i}/")
        for i in range(1, 5)
    ]
    svg = supersede_graph(nodes, [("d1", "d2"), ("d2", "d3")])
    assert svg.count("triad-graph__edge") == 2
    assert svg.count('class="triad-node ') == 3 and "ADR-0004" not in svg
    assert supersede_graph(nodes, []) == ""


def test_share_bars_mark_the_minimum() -> None:
    svg = share_bars([Bar("product-manager", 0.25, 25, "counted")], 0.5, "policy minimum 50%")
    assert '<line x1="335"' in svg and "25% · 25 cases" in svg


def test_the_section_joins_the_navigation() -> None:
    section = {"ML triad": [{"Overview": "triad/index.md"}]}
    assert add_section(["index.md"], None, SiteMap(), section) == ["index.md", section]  # type: ignore[arg-type]
    mentioned = ["index.md", {"Models": "triad/models/a.md"}]
    assert add_section(mentioned, None, SiteMap(), section) == mentioned  # type: ignore[arg-type]


def test_serve_watches_the_artifact_folders(demo: Path) -> None:
    watched = dict(watched_paths(demo, collect(demo)))
    assert watched == {
        demo / "triad.yaml": False,
        demo / "model-cards": True,
        demo / "decisions": True,
        demo / "eval-sets": True,
        demo: False,  # glossary.yaml
        demo / "glossary": True,
        demo / "signoffs": True,
        demo / "problem-framings": True,
        demo / "experiment-plans": True,
        demo / "kinds": True,
    }


# --- MkDocs builds ---------------------------------------------------------------------


@pytest.mark.slow
def test_init_example_builds_strictly_as_written(tmp_path: Path) -> None:
    """What a new user runs: `mltriad init --example demo`, then `mkdocs build --strict`."""
    assert run(["init", "--example", "demo"], cwd=tmp_path).returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "demo/mkdocs.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "demo" / "site" / "triad" / "index.html").read_text(encoding="utf-8")
    assert "Card-payment fraud detector" in home and "Meets targets" in home
    glossary = tmp_path / "demo" / "site" / "triad" / "glossary" / "index.html"
    assert 'id="term-false-positive-rate"' in glossary.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_home_page_of_init_example_links_the_triad_pages(tmp_path: Path) -> None:
    assert run(["init", "--example", "demo"], cwd=tmp_path).returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "demo/mkdocs.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    site = tmp_path / "demo" / "site"
    parser = _Links()
    parser.feed((site / "index.html").read_text(encoding="utf-8"))
    assert {
        "triad/",
        "triad/#models",
        "triad/decisions/",
        "triad/eval-sets/",
        "triad/signoffs/",
    } <= set(parser.hrefs)
    pages = [site / "index.html", *sorted((site / "triad").rglob("*.html"))]
    assert broken_links(site, pages) == []
    eval_set = (site / "triad" / "eval-sets" / "fraud-holdout" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'href="../../../labels/fraud-holdout/"' in eval_set
    assert (site / "labels" / "fraud-holdout" / "index.html").is_file()
    overview = (site / "triad" / "index.html").read_text(encoding="utf-8")
    assert "Who must act next" in overview and "Katherine Johnson" in overview


@pytest.mark.slow
@pytest.mark.parametrize("directory_urls", [True, False])
def test_example_site_builds_strictly_with_working_links(demo: Path, directory_urls: bool) -> None:
    extra = "" if directory_urls else "use_directory_urls: false\n"
    result = build(demo, strict=True, extra=extra)
    assert result.returncode == 0, result.stderr
    site = demo / "site"
    pages = sorted((site / "triad").rglob("*.html"))
    assert len(pages) == 16  # 12, and the two kinds' lists and documents
    assert broken_links(site, pages) == []
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Subscription churn predictor" in index and "Retrain the churn model monthly" in index


@pytest.mark.slow
def test_an_invalid_artifact_fails_a_strict_build_with_the_finding(demo: Path) -> None:
    card = demo / "model-cards" / "churn-predictor.md"
    card.write_text(
        card.read_text(encoding="utf-8").replace("status: draft", "status: beta"), encoding="utf-8"
    )
    strict = build(demo, strict=True)
    assert strict.returncode != 0
    assert "model-cards/churn-predictor.md:5:9: MT1" in strict.stderr
    assert "beta" in strict.stderr
    lenient = build(demo, strict=False)
    assert lenient.returncode == 0, lenient.stderr
    page = (demo / "site" / "triad" / "models" / "churn-predictor" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "problem found by mltriad check" in page and "beta" in page


@pytest.mark.slow
def test_an_unreadable_artifact_still_gets_a_page(demo: Path) -> None:
    (demo / "model-cards" / "broken.md").write_text(
        "---\nid: broken\nstatus: [draft\n---\n", encoding="utf-8"
    )
    strict = build(demo, strict=True)
    assert strict.returncode != 0 and "model-cards/broken.md:4:1: MT001" in strict.stderr
    assert build(demo, strict=False).returncode == 0
    site = demo / "site" / "triad"
    page = (site / "models" / "broken" / "index.html").read_text(encoding="utf-8")
    assert "could not be read" in page and "MT001" in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "model-cards/broken.md:4" in home and "Unreadable" in home


@pytest.mark.slow
def test_a_link_out_of_the_site_is_shown_as_text(demo: Path) -> None:
    card = demo / "model-cards" / "churn-predictor.md"
    card.write_text(
        card.read_text(encoding="utf-8") + "\nSee [the notebook](../nb/eval.ipynb).\n",
        encoding="utf-8",
    )
    result = build(demo, strict=True)
    assert result.returncode == 0, result.stderr
    assert "model-cards/churn-predictor.md links to ../nb/eval.ipynb" in result.stderr
    page = demo / "site" / "triad" / "models" / "churn-predictor" / "index.html"
    assert "See the notebook." in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_broken_policy_stops_the_build_with_its_location(demo: Path) -> None:
    (demo / "triad.yaml").write_text("version: 1\nroles: [ada]\n", encoding="utf-8")
    result = build(demo, strict=False)
    assert result.returncode != 0
    assert "triad.yaml:2" in result.stderr


@pytest.mark.slow
def test_options_and_an_explicit_nav(demo: Path) -> None:
    extra = (
        "nav:\n  - Home: index.md\n"
        "plugins:\n  - search\n  - mltriad:\n      folder: governance\n"
        "      title: Governance\n"
    )
    config = f"site_name: Payments ML\n{extra}"
    (demo / "mkdocs.yml").write_text(config, encoding="utf-8")
    # The home page init wrote links the section where it was: a strict build names each
    # link the move breaks, until the home page follows it.
    moved = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=demo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert moved.returncode == 1
    assert "Doc file 'index.md' contains a link 'triad/signoffs.md'" in moved.stderr
    index_md = demo / "docs" / "index.md"
    index_md.write_text(
        index_md.read_text(encoding="utf-8").replace("](triad/", "](governance/"),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=demo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    home = (demo / "site" / "governance" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="governance">Governance</h1>' in home
    index = (demo / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="governance/signoffs/"' in index


@pytest.mark.slow
def test_many_models_keep_the_navigation_short(demo: Path) -> None:
    card = (demo / CARD).read_text(encoding="utf-8")
    for i in range(NAV_LIMIT):
        (demo / "model-cards" / f"model-{i}.md").write_text(
            card.replace("id: fraud-detector", f"id: model-{i}"), encoding="utf-8"
        )
    result = build(demo, strict=True)
    assert result.returncode == 0, result.stderr
    site = demo / "site"
    signoffs = (site / "triad" / "signoffs" / "index.html").read_text(encoding="utf-8")
    assert "models/model-3/" not in signoffs.split('role="main"')[0]  # not in the menu
    home = (site / "triad" / "index.html").read_text(encoding="utf-8")
    models = home.split('id="models"', 1)[1]  # the table; "who must act next" links them too
    assert models.count('href="models/model-') == NAV_LIMIT
    assert broken_links(site, sorted((site / "triad").rglob("*.html"))) == []


@pytest.mark.slow
def test_a_page_of_the_same_name_is_kept(demo: Path) -> None:
    (demo / "docs" / "triad").mkdir()
    (demo / "docs" / "triad" / "signoffs.md").write_text("# Our own page\n", encoding="utf-8")
    result = build(demo, strict=False)
    assert result.returncode == 0
    assert f"triad/signoffs.md already exists in {demo / 'docs'}" in result.stderr
    page = (demo / "site" / "triad" / "signoffs" / "index.html").read_text(encoding="utf-8")
    assert "Our own page" in page


@pytest.mark.slow
@pytest.mark.skipif(not material_installed(), reason="mkdocs-material is not installed")
def test_material_theme_builds_strictly(demo: Path) -> None:
    result = build(demo, theme="material", strict=True)
    assert result.returncode == 0, result.stderr
    site = demo / "site"
    assert broken_links(site, sorted((site / "triad").rglob("*.html"))) == []


def test_example_repository_of_the_test_suite_renders(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    pages = pages_of(repo)
    assert "Card-payment fraud detector" in pages["triad/index.md"]
