"""The model page's history: a chart and a table per target across model versions, the
confusion counts per slice, and a site that still builds without git history."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mltriad.site.charts import CountBar, TrendPoint, count_bars, trend_chart
from mltriad.site.collect import collect
from mltriad.site.pages import render_pages
from mltriad.site.urls import SiteMap
from tests.helpers import CARD, git, run

MODEL_PAGE = "triad/models/fraud-detector.md"


def model_page(repo: Path) -> str:
    page = render_pages(collect(repo), SiteMap(), "ML triad")[MODEL_PAGE]
    return page.fill(page.markdown)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mltriad init --example`, as a new user runs it: its history, today's files on top."""
    folder = tmp_path_factory.mktemp("history-site")
    assert run(["init", "--example", "demo"], cwd=folder).returncode == 0
    return folder / "demo"


def figures(page: str) -> dict[str, str]:
    """Each history figure of the page by its title."""
    found = re.findall(
        r'<div class="triad-figure triad-history-figure"><p class="triad-figure__title">'
        r"(.*?)</p>(.*?)</table>",
        page,
        flags=re.S,
    )
    return dict(found)


def test_a_chart_and_a_table_per_target_across_the_versions(example: Path) -> None:
    found = figures(model_page(example))
    assert list(found) == [
        "recall on new-merchants",
        "precision on fraud-holdout",
        "false_positive_rate on production-sample",
    ]
    recall = found["recall on new-merchants"]
    statuses = re.findall(r'class="triad-point triad-point--(\w+)"', recall)
    assert statuses == ["fail", "fail", "pass", "pass"]
    assert 'class="triad-trend__bar"' in recall and "launch min 0.80" in recall
    assert 'class="triad-trend__goal"' in recall and "goal 0.90" in recall
    assert recall.count('class="triad-point__ring"') == 1  # 2.1.0 is not committed
    table = re.findall(r'<tr data-status="(\w+)"><td[^>]*>([\d.]+)<', recall)
    assert table == [("fail", "1.0.0"), ("fail", "1.1.0"), ("pass", "2.0.0"), ("pass", "2.1.0")]


def test_stale_and_missing_points_are_marked(example: Path) -> None:
    found = figures(model_page(example))
    precision = found["precision on fraud-holdout"]
    assert re.findall(r"triad-point--(\w+)", precision) == ["pass", "stale", "pass", "pass"]
    assert "<title>1.1.0: 0.64 (stale)</title>" in precision
    rate = found["false_positive_rate on production-sample"]
    assert re.findall(r"triad-point--(\w+)", rate) == ["missing", "pass", "pass", "pass"]
    assert "triad-point__cross" in rate and "<title>1.0.0: no result</title>" in rate
    # The maximum is a bar too, and the missing point is in the table as such.
    assert "launch max 0.020" in rate and "no result" in rate


def _without_confusion(example: Path, tmp_path: Path) -> Path:
    """A copy of the example whose card (today's, not committed) states no confusion."""
    repo = tmp_path / "demo"
    shutil.copytree(example, repo, symlinks=True)
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    card.write_text(re.sub(r"^confusion:\n(?:  .*\n)+", "", text, count=1, flags=re.M), "utf-8")
    return repo


def test_confusion_counts_per_slice_from_the_newest_version_stating_them(
    example: Path, tmp_path: Path
) -> None:
    page = model_page(_without_confusion(example, tmp_path))
    assert "Failure types" in page
    assert "As measured for version 2.0.0" in page
    assert "new-merchants: 300 cases" in page and "production-sample: 600 cases" in page
    bars = re.findall(r'triad-count--(\w+)"><title>([a-z ]+): (\d+)</title>', page)
    assert bars[:4] == [
        ("right", "true negative", "231"),
        ("wrong", "false positive", "9"),
        ("wrong", "false negative", "10"),
        ("right", "true positive", "50"),
    ]


def test_a_card_stating_its_confusion_shows_its_own(example: Path, tmp_path: Path) -> None:
    """Today's card states the counts `mltriad results compute` wrote; a card with other
    labels shows those."""
    page = model_page(example)
    assert "As measured for version" not in page
    assert "new-merchants: 300 cases" in page and "fraud-holdout (whole set): 1,300 cases" in page
    repo = _without_confusion(example, tmp_path)
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    text = text.replace(
        "# The errors that matter",
        "confusion:\n  - eval_set: fraud-holdout\n    labels: [legit, fraud, review]\n"
        "    counts: [[10, 1, 2], [0, 5, 1], [1, 1, 3]]\n# The errors that matter",
        1,
    )
    card.write_text(text, encoding="utf-8")
    page = model_page(repo)
    assert "As measured for version" not in page
    assert "fraud-holdout (whole set): 24 cases" in page
    assert "<title>fraud as review: 1</title>" in page


def mkdocs_build(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_site_builds_strictly_with_the_charts(example: Path, tmp_path: Path) -> None:
    repo = tmp_path / "demo"
    shutil.copytree(example, repo, symlinks=True)
    built = mkdocs_build(repo)
    assert built.returncode == 0, built.stderr
    html = (repo / "site" / "triad" / "models" / "fraud-detector" / "index.html").read_text(
        encoding="utf-8"
    )
    assert html.count('<svg class="triad-trend"') == 3
    assert html.count('<svg class="triad-counts"') == 4  # three slices and the whole set
    assert "<script" not in html.split('<svg class="triad-trend"', 1)[1].split("</svg>", 1)[0]


def test_outside_git_the_site_builds_and_says_there_is_no_history(
    example: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "plain"
    shutil.copytree(example, repo, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    built = mkdocs_build(repo)
    assert built.returncode == 0, built.stderr
    page = model_page(repo)
    assert "No history" in page and "not inside a git repository" in page
    assert "triad-trend" not in page


def test_a_shallow_clone_builds_and_says_so(example: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(example, source, symlinks=True)
    git(source, "add", "-A")
    git(source, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "today")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{source}", str(clone))
    built = mkdocs_build(clone)
    assert built.returncode == 0, built.stderr
    page = model_page(clone)
    assert "No history" in page and "shallow clone" in page


# --- The charts on their own --------------------------------------------------------------


def test_trend_chart_draws_a_bar_a_goal_and_each_kind_of_point() -> None:
    svg = trend_chart(
        [
            TrendPoint("1", None, "missing"),
            TrendPoint("2", 0.5, "fail"),
            TrendPoint("3", 0.7, "stale"),
            TrendPoint("4", 0.9, "pass", committed=False),
        ],
        title="recall at each version",
        bar=0.6,
        bar_label="launch min 0.6",
        goal=0.8,
        goal_label="goal 0.8",
        number=lambda x: f"{x:.1f}",
    )
    assert svg.startswith('<svg class="triad-trend"') and "<title>recall at each version" in svg
    assert re.findall(r"triad-point--(\w+)", svg) == ["missing", "fail", "stale", "pass"]
    assert svg.count("<polyline") == 1  # the missing first point does not start a line
    bar = re.search(r'<line [^>]*y1="([\d.]+)"[^>]*class="triad-trend__bar"', svg)
    goal = re.search(r'<line [^>]*y1="([\d.]+)"[^>]*class="triad-trend__goal"', svg)
    assert bar and goal and float(goal.group(1)) < float(bar.group(1))  # higher is up
    assert "not committed" in svg


def test_count_bars_scale_to_the_largest_count() -> None:
    svg = count_bars([CountBar("right", 100, True), CountBar("wrong", 25, False)], "counts")
    widths = [
        int(w)
        for w in re.findall(r'width="(\d+)" height="\d+" rx="3" class="triad-count__fill"', svg)
    ]
    assert widths[0] == 230 and abs(widths[0] - 4 * widths[1]) <= 2
    assert "triad-count--wrong" in svg
