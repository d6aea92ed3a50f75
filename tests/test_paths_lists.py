"""More than one place per kind: `paths:` entries that are lists of globs, followed by
discovery, `check`, the gate (the base policy's list decides what is governed), `status`,
`new` (the first glob), adopt, the site and the hooks' file patterns."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mltriad.artifacts import Repository
from mltriad.commands import hooks as githooks
from mltriad.policy import DEFAULT_PATHS, read_policy
from mltriad.site.collect import collect
from mltriad.site.pages import render_pages
from mltriad.site.plugin import watched_paths
from mltriad.site.urls import SiteMap
from mltriad.snapshot import WorkTree
from tests.helpers import CARD, EXAMPLE_REPO, TESTS, commit_all, invoke, make_repo, run
from tests.helpers.signing import PEOPLE, Team

HUB_CARD = "models/hf-compatible/README.md"
TWO_PLACES = {
    "model-cards": ["model-cards/*.md", "models/*/README.md"],
    "decisions": "decisions/*.md",
    "eval-sets": "eval-sets/*.yaml",
    "signoffs": "signoffs",
}
HUB_TEXT = (TESTS / "examples" / "model-card" / "valid" / "hf-compatible.md").read_text("utf-8")


def two_places(repo: Path) -> None:
    """Govern model cards in model-cards/*.md and Hugging Face cards in models/*/README.md."""
    policy = repo / "triad.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "  model-cards: model-cards/*.md\n",
            "  model-cards:\n    - model-cards/*.md\n    - models/*/README.md\n",
        ),
        encoding="utf-8",
    )
    card = repo / HUB_CARD
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(HUB_TEXT, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    two_places(path)
    commit_all(path, "Cards in two places")
    return path


# --- the policy --------------------------------------------------------------------------


def test_a_list_of_globs_is_read_and_each_is_governed(repo: Path) -> None:
    policy, findings = read_policy(WorkTree(repo))
    assert findings == []
    assert policy.globs("model-card") == ("model-cards/*.md", "models/*/README.md")
    assert policy.first_glob("model-card") == "model-cards/*.md"
    assert policy.globs("decision") == ("decisions/*.md",)
    found = Repository(WorkTree(repo), policy)
    assert found.paths("model-card") == [CARD, HUB_CARD]
    assert found.kind_of(HUB_CARD) == "model-card"
    assert found.find("model-card", "hf-compatible") == HUB_CARD


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[]", "paths.model-cards needs at least 1 item"),
        ("[model-cards/*.md, model-cards/*.md]", "paths.model-cards lists the same item twice"),
        ("[model-cards/*.md, 7]", "paths.model-cards[1] must be a string, not the number 7"),
    ],
)
def test_a_bad_list_is_a_policy_error_at_its_line(repo: Path, value: str, message: str) -> None:
    policy = repo / "triad.yaml"
    text = policy.read_text(encoding="utf-8")
    text = re.sub(r"  model-cards:\n(    - .*\n)+", f"  model-cards: {value}\n", text)
    policy.write_text(text, encoding="utf-8")
    result = invoke(["check"], cwd=repo)
    assert result.exit_code == 2, result.output
    assert message in result.output and "triad.yaml:" in result.output


def test_the_signoff_folder_is_one_folder(repo: Path) -> None:
    policy = repo / "triad.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("signoffs: signoffs", "signoffs: [a, b]"),
        encoding="utf-8",
    )
    result = invoke(["check"], cwd=repo)
    assert result.exit_code == 2 and "paths.signoffs must be a string" in result.output


# --- check, status, new, adopt, the site, the hooks ----------------------------------------


def test_check_reads_every_glob(repo: Path) -> None:
    proc = run(["check", "--format", "json"], cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["summary"]["files"] == 6
    card = repo / HUB_CARD
    card.write_text(HUB_TEXT.replace("status: draft", "status: shipped"), encoding="utf-8")
    proc = run(["check"], cwd=repo)
    assert proc.returncode == 1
    assert f"{HUB_CARD}:4:9: error MT104: status is 'shipped'" in proc.stdout
    # A reference names the places it looked in.
    replace = HUB_TEXT.replace("eval_sets: [fraud-holdout]", "eval_sets: [nowhere]")
    card.write_text(replace, encoding="utf-8")
    text = (repo / CARD).read_text(encoding="utf-8")
    (repo / CARD).write_text(text.replace("- fraud-detector", "- hf-compatible"), "utf-8")
    assert "(eval-sets/*.yaml)" in run(["check"], cwd=repo).stdout


def test_status_lists_the_cards_of_every_glob(repo: Path) -> None:
    result = invoke(["status", "--all"], cwd=repo)
    assert f"{HUB_CARD} (model-card, current): incomplete" in result.output
    assert f"{CARD} (model-card, current): incomplete" in result.output


def test_new_writes_to_the_first_glob(repo: Path) -> None:
    result = invoke(["new", "model-card", "churn-predictor"], cwd=repo)
    assert result.exit_code == 0, result.output
    assert (repo / "model-cards" / "churn-predictor.md").is_file()
    assert not (repo / "models" / "churn-predictor").exists()
    # A name taken under the second glob is taken.
    taken = invoke(["new", "model-card", "hf-compatible"], cwd=repo)
    assert taken.exit_code != 0 and HUB_CARD in taken.output


def test_a_decision_log_in_two_folders_numbers_across_both(tmp_path: Path) -> None:
    path = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    policy = path / "triad.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "decisions: decisions/*.md", "decisions: [decisions/*.md, docs/adr/*.md]"
        ),
        encoding="utf-8",
    )
    (path / "docs" / "adr").mkdir(parents=True)
    shutil.copy(path / "decisions" / "0002-use-gradient-boosting.md", path / "docs" / "adr")
    (path / "docs" / "adr" / "0002-use-gradient-boosting.md").rename(
        path / "docs" / "adr" / "0005-use-gbm-again.md"
    )
    commit_all(path, "Two decision folders")
    result = invoke(["new", "decision", "retrain-monthly"], cwd=path)
    assert result.exit_code == 0, result.output
    assert (path / "decisions" / "0006-retrain-monthly.md").is_file()


def test_adopt_knows_the_kind_of_a_file_under_any_glob(repo: Path) -> None:
    bare = repo / "models" / "plain" / "README.md"
    bare.parent.mkdir()
    bare.write_text("# Plain\n\nA model without metadata.\n", encoding="utf-8")
    result = invoke(["adopt", "models/plain/README.md", "--dry-run", "--format", "json"], cwd=repo)
    [item] = json.loads(result.output)["files"]
    assert item["kind"] == "model-card", item


def test_the_site_publishes_and_watches_every_glob(repo: Path) -> None:
    site = collect(repo)
    pages = render_pages(site, SiteMap(), "ML triad")
    assert "triad/models/hf-compatible.md" in pages and "triad/models/fraud-detector.md" in pages
    watched = dict(watched_paths(repo, site))
    assert watched[repo / "models"] is True and watched[repo / "model-cards"] is True


def test_the_hook_pattern_covers_every_glob(repo: Path) -> None:
    policy, _ = read_policy(WorkTree(repo))
    pattern = githooks.files_regex(policy.paths)
    assert re.search(pattern, HUB_CARD) and re.search(pattern, CARD)
    assert not re.search(pattern, "models/hf-compatible/config.json")
    assert githooks.files_regex(TWO_PLACES) == pattern  # lists as triad.yaml writes them
    assert githooks.files_regex(DEFAULT_PATHS) == githooks.files_regex()
    # `hooks install` tells the git hook about the moved files.
    result = invoke(["hooks", "install"], cwd=repo)
    assert result.exit_code == 0, result.output
    assert f"git config mltriad.files '{pattern}'" in result.output


def test_the_generated_manifest_still_matches_the_default_globs() -> None:
    root = TESTS.parent
    for rel, text in githooks.generated_files(root).items():
        assert (root / rel).read_text(encoding="utf-8") == text, rel


# --- the gate, in real git repositories ----------------------------------------------------


def hub_team(tmp_path: Path, paths: dict[str, object] | None = None) -> Team:
    """A team whose base (main) governs `paths` and has the Hugging Face card committed."""
    team = Team(tmp_path / "repo", policy={"paths": paths or TWO_PLACES})
    card = team.path / HUB_CARD
    card.parent.mkdir(parents=True)
    card.write_text(HUB_TEXT, encoding="utf-8")
    team.commit("Add the Hugging Face card", who="ada")
    return team


def test_an_unsigned_change_to_a_card_under_the_second_glob_is_blocked(tmp_path: Path) -> None:
    team = hub_team(tmp_path)
    team.branch()
    team.edit(HUB_CARD)
    team.commit("Update the Hugging Face card", who="ada")
    proc = run(["gate", "--base", "main", "--format", "json"], cwd=team.path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    document = json.loads(proc.stdout)
    assert {f["path"] for f in document["findings"] if f["severity"] == "error"} == {HUB_CARD}
    team.sign_all(HUB_CARD)
    passed = run(["gate", "--base", "main"], cwd=team.path)
    assert passed.returncode == 0, passed.stdout
    assert "Merge allowed." in passed.stdout


def test_a_list_added_by_the_change_governs_nothing_yet_and_needs_every_role(
    tmp_path: Path,
) -> None:
    team = hub_team(tmp_path, dict(DEFAULT_PATHS))  # main: one glob; the card is not governed
    team.branch()
    data = team.policy()
    data["paths"] = TWO_PLACES
    team.write_policy(data)
    team.edit(HUB_CARD)
    team.commit("Govern the Hugging Face cards too", who="ada")
    result = team.gate()
    assert not result.passed
    assert [(r.artifact, r.kind) for r in result.rows] == [("triad.yaml", "policy")]
    assert [c.role for c in result.rows[0].cells] == [
        "ml-engineer",
        "product-manager",
        "domain-expert",
    ]
    team.sign_all("triad.yaml")
    assert team.gate().passed


def test_a_change_that_drops_a_glob_is_still_judged_by_the_base_list(tmp_path: Path) -> None:
    team = hub_team(tmp_path)
    team.branch()
    data = team.policy()
    data["paths"] = dict(DEFAULT_PATHS)
    team.write_policy(data)
    team.edit(HUB_CARD)
    team.commit("Stop governing the Hugging Face cards", who="mallory")
    result = team.gate()
    assert not result.passed
    assert {r.artifact for r in result.rows} == {"triad.yaml", HUB_CARD}
    assert PEOPLE["mallory"][1] not in {
        m.email for r in result.policy.roles.values() for m in r.members
    }
