"""Ways around the merge gate found in review, each built in a real repository and blocked.

Like tests/test_gate_attacks.py: main holds the example artifacts and policy, the attacker
controls everything on their branch, and the gate must not let the change merge. The
honest path next to each attack must still pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from mltriad.commands.gate import gate
from tests.helpers import CARD, DECISION, EVAL_SET, commit_all, git, run
from tests.helpers.github import github_merge, pull_request_env
from tests.helpers.signing import CARD_ROLES, Team, change_card, needs_ssh, rules_of


def _commit_as(team: Team, message: str, name: str, email: str, date: str | None = None) -> None:
    """A commit whose author is exactly `name` <`email`>, control characters included."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": "Mallory Moriarty",
        "GIT_COMMITTER_EMAIL": "mallory@example.org",
    }
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "add", "-A"], cwd=team.path, check=True, env=env)
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", message], cwd=team.path, check=True, env=env
    )


# -- submodules and links ---------------------------------------------------------------------
def test_a_model_card_replaced_by_a_submodule_needs_the_sign_off_of_its_removal(
    tmp_path: Path,
) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    commit = team.git("rev-parse", "HEAD").strip()
    team.git("rm", "-q", CARD)
    team.git("update-index", "--add", "--cacheinfo", f"160000,{commit},{CARD}")
    team.git("commit", "-q", "-m", "The card is a submodule now", who="mallory")
    result = team.gate()
    assert [(r.artifact, r.change) for r in result.rows] == [(CARD, "removed")]
    assert {(f.rule, f.path) for f in result.findings} == {("MT401", CARD), ("MT413", CARD)}


def test_a_new_artifact_that_is_a_submodule_is_refused(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    commit = team.git("rev-parse", "HEAD").strip()
    team.git("update-index", "--add", "--cacheinfo", f"160000,{commit},model-cards/other.md")
    team.git("commit", "-q", "-m", "A card kept elsewhere", who="mallory")
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error MT413: model-cards/other.md is a submodule" in result.stdout


def test_a_folder_of_artifacts_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    # Without model cards on main, the folder may be a link: what it leads to holds a card
    # that check, status and the site see as model-cards/shadow.md, but no governed path
    # of the change names it.
    team = Team(tmp_path / "repo")
    team.git("rm", "-q", "-r", "model-cards")
    team.commit("No model cards yet", who="ada")
    team.branch()
    (team.path / "notes").mkdir()
    (team.path / "notes" / "shadow.md").write_text(team.git("show", f"HEAD~1:{CARD}"))
    (team.path / "model-cards").symlink_to("notes")
    team.commit("Keep the cards in notes", who="mallory")
    result = team.gate()
    assert rules_of(result) == {"MT413"}
    assert "model-cards is a symbolic link where artifacts live" in result.findings[0].message


def test_a_link_beside_the_artifacts_is_not_refused(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    (team.path / "model-cards" / "images").symlink_to("../docs")
    team.commit("Images for the card", who="ada")
    team.sign_all(CARD)
    assert team.gate().passed


# -- the history as git stores it ---------------------------------------------------------------
def test_an_author_email_cannot_fake_another_commits_author(tmp_path: Path) -> None:
    # Mallory commits Grace's record under her own name, then merges in a side commit,
    # dated before it, whose author email carries a forged history entry naming Grace.
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    team.sign_and_commit(CARD, "domain-expert")
    team.sign(CARD, "product-manager", "grace")
    team.commit("Grace's record, committed by Mallory", who="mallory")
    record_commit = team.git("rev-parse", "HEAD").strip()
    parent = team.git("rev-parse", "HEAD^").strip()
    team.git("checkout", "-q", "-b", "side", "main")
    (team.path / "notes.txt").write_text("unrelated\n")
    forged = f"m@x\x1e{record_commit}\x1f{parent}\x1fGrace Hopper\x1fgrace@example.org"
    _commit_as(team, "Unrelated", "Mallory", forged, date="2001-01-01T00:00:00")
    team.git("checkout", "-q", "change")
    team.git("merge", "-q", "--no-ff", "-m", "Merge side", "side", who="mallory")
    result = team.gate()
    assert rules_of(result) == {"MT406"}
    cell = result.rows[0].cell("product-manager")
    assert cell is not None
    assert "is authored by Mallory Moriarty <mallory@example.org>" in cell.reason


def test_control_characters_in_an_author_name_do_not_crash_the_gate(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.edit(CARD)
    _commit_as(team, "Edit", "Mal\x1flory\x1e", "mallory@example.org")
    for role in CARD_ROLES:
        team.sign_and_commit(CARD, role)
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_mailmap_in_the_change_does_not_rename_the_author(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    team.sign_and_commit(CARD, "domain-expert")
    team.sign(CARD, "product-manager", "grace")
    (team.path / ".mailmap").write_text(
        "Grace Hopper <grace@example.org> Mallory Moriarty <mallory@example.org>\n"
    )
    team.commit("Grace's record, mapped to her", who="mallory")
    assert rules_of(team.gate()) == {"MT406"}


def test_sign_offs_merged_in_from_an_abandoned_branch_do_not_count(tmp_path: Path) -> None:
    # A version everyone signed on a pull request that was then closed; main moved on to a
    # newer version, signed later. Merging the abandoned branch brings its records back,
    # with their original (genuine) authors.
    team = Team(tmp_path / "repo")
    team.branch("abandoned")
    team.edit(CARD, "\nA version the team decided against.\n")
    team.commit("Rejected version", who="ada")
    for role in CARD_ROLES:
        team.sign_and_commit(CARD, role, date="2026-03-01T00:00:00Z")
    team.git("checkout", "-q", "main")
    team.edit(CARD, "\nThe version the team chose.\n")
    team.commit("Chosen version", who="ada")
    for role in CARD_ROLES:
        team.sign_and_commit(CARD, role, date="2026-04-01T00:00:00Z")
    team.branch("change")
    with pytest.raises(AssertionError, match="CONFLICT"):
        team.git("merge", "-q", "--no-ff", "-m", "Merge", "abandoned", who="mallory")
    team.git("checkout", "--theirs", "--", CARD, "signoffs")
    team.git("add", "-A")
    team.git("commit", "-q", "--no-edit", who="mallory")
    result = team.gate()
    assert rules_of(result) == {"MT410"}
    assert all("older than the one on the base branch" in c.reason for c in result.rows[0].cells)


def test_author_mode_passes_after_merging_the_base_into_the_branch(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    team.edit(DECISION)
    team.commit("Meanwhile on main", who="katherine")
    team.git("checkout", "-q", "change")
    team.git("merge", "-q", "--no-ff", "-m", "Update the branch", "main", who="ada")
    assert team.gate().passed


# -- which policy ------------------------------------------------------------------------------
def test_a_nested_policy_deleted_by_the_change_still_governs_its_folder(tmp_path: Path) -> None:
    # A monorepo: the top's triad.yaml governs one team, ml/triad.yaml another. The change
    # deletes ml/triad.yaml from the working tree and edits ml's model card; started in a
    # folder of ml, the gate must still judge it by ml's policy at the base.
    repo = tmp_path / "mono"
    example = Team(tmp_path / "example")
    shutil.copytree(example.path, repo, ignore=shutil.ignore_patterns(".git"))
    shutil.copytree(example.path, repo / "ml", ignore=shutil.ignore_patterns(".git"))
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "Two teams")
    git(repo, "checkout", "-q", "-b", "change")
    (repo / "ml" / "triad.yaml").unlink()
    with (repo / "ml" / CARD).open("a") as handle:
        handle.write("\nUnreviewed.\n")
    commit_all(repo, "Drop ml's policy", author=("Mallory Moriarty", "mallory@example.org"))
    result = gate(repo / "ml" / "model-cards", "main", None, env={})
    assert {(r.artifact, r.change) for r in result.rows} == {
        (CARD, "modified"),
        ("triad.yaml", "removed"),
    }
    assert rules_of(result) == {"MT401"}


# -- which commits: the GitHub event ------------------------------------------------------------
def test_a_pull_request_head_that_is_a_merge_commit_names_no_parents(tmp_path: Path) -> None:
    # A workflow that checks out the pull request's own head (not GitHub's merge commit):
    # Mallory made it a merge of (her edit, main), so HEAD^1..HEAD^2 would show no change.
    team = change_card(tmp_path)
    edit = team.git("rev-parse", "HEAD").strip()
    base = team.git("rev-parse", "main").strip()
    tree = team.git("rev-parse", "HEAD^{tree}").strip()
    head = team.git("commit-tree", "-p", edit, "-p", base, "-m", "Merge", tree).strip()
    team.git("checkout", "-q", "--detach", head)
    env = pull_request_env(tmp_path, base, head)
    result = gate(team.path, env=env)
    assert (result.base, result.head) == (base, head)
    assert rules_of(result) == {"MT401"}


def test_pull_request_target_on_a_merged_base_gates_the_pull_request(tmp_path: Path) -> None:
    # pull_request_target checks out the base branch, whose tip is the merge of an earlier,
    # fully signed pull request: its parents are not this pull request's.
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--no-ff", "-m", "Merge the signed pull request", "change")
    base = team.git("rev-parse", "main").strip()
    team.branch("unsigned")
    team.edit(DECISION)
    team.commit("An unsigned decision", who="mallory")
    head = team.git("rev-parse", "HEAD").strip()
    team.git("checkout", "-q", "main")
    env = {
        **pull_request_env(tmp_path, base, head),
        "GITHUB_EVENT_NAME": "pull_request_target",
    }
    result = gate(team.path, env=env)
    assert (result.base, result.head) == (base, head)
    assert {(f.rule, f.path) for f in result.findings} == {("MT401", DECISION)}


def test_a_version_that_only_the_merge_produces_is_not_signed(tmp_path: Path) -> None:
    # The pull request's version is signed, but main changed the card too since the branch
    # started: GitHub's merge commit holds a third version that nobody signed.
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    text = team.read(CARD)
    (team.path / CARD).write_text(text.replace("\n# ", "\n# Updated: ", 1))
    team.commit("Main edits the card's title", who="ada")
    base, head = github_merge(team.path)
    result = run(
        ["gate", "--format", "json"],
        cwd=team.path,
        env=pull_request_env(tmp_path, base, head),
    )
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["path"]) for f in findings] == [("MT402", CARD)]
    assert "merging it into the base (HEAD^1) gives another version" in findings[0]["message"]


def test_the_merge_commit_passes_when_the_branch_is_up_to_date(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    team.edit(DECISION)
    team.commit("Main edits another artifact", who="ada")
    base, head = github_merge(team.path)
    result = run(["gate"], cwd=team.path, env=pull_request_env(tmp_path, base, head))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "merge commit's parents" in result.stdout


# -- sizes ------------------------------------------------------------------------------------
@needs_ssh
def test_an_oversized_record_on_the_base_does_not_crash_the_gate(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    # Records are not gated, so anyone can put a huge one on main.
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    record = team.path / "signoffs" / CARD / "product-manager.yaml"
    record.parent.mkdir(parents=True)
    record.write_text("# " + "x" * (5 * 1024 * 1024 + 10) + "\n")
    team.commit("A huge record", who="mallory")
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_all(CARD, key=True, committer="ada")
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_oversized_artifact_is_not_parsed_and_needs_every_role(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo", policy={"limits": {"max_file_bytes": 4096}})
    team.branch()
    team.edit(EVAL_SET, "".join(f"# padding line {i}\n" for i in range(400)))
    team.commit("A large evaluation set", who="ada")
    result = team.gate()
    assert [c.role for c in result.rows[0].cells] == [
        "product-manager",
        "domain-expert",
        "ml-engineer",
    ]
    assert rules_of(result) == {"MT401"}


# -- paths that differ only in case or Unicode normalisation -----------------------------------
def test_case_variants_of_governed_paths_are_refused(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    (team.path / "Model-Cards").mkdir()
    shutil.copy(team.path / CARD, team.path / "Model-Cards" / "fraud-detector.md")
    (team.path / "Triad.yaml").write_text("version: 1\n")
    (team.path / "decisions" / "README.MD").write_text("The decision log.\n")
    (team.path / "model-cards" / "notes.txt").write_text("Not a card.\n")
    team.commit("Files that macOS and Windows would mix up", who="mallory")
    result = team.gate()
    assert {(f.rule, f.path) for f in result.findings} == {
        ("MT414", "Model-Cards/fraud-detector.md"),
        ("MT414", "Triad.yaml"),
    }


def test_a_unicode_normalisation_variant_of_a_governed_folder_is_refused(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    policy = team.policy()
    policy["paths"]["model-cards"] = "modèles/*.md"
    team.write_policy(policy)
    (team.path / "modèles").mkdir()
    shutil.move(team.path / CARD, team.path / "modèles" / "fraud-detector.md")
    team.commit("Cards in a French folder", who="ada")
    team.branch()
    decomposed = team.path / unicodedata.normalize("NFD", "modèles")
    decomposed.mkdir()
    (decomposed / "other.md").write_text("---\nid: other\n---\n")
    team.commit("The same folder, decomposed", who="mallory")
    result = team.gate()
    assert rules_of(result) == {"MT414"}


def test_records_under_a_recursive_glob_are_not_case_variants(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    policy = team.policy()
    policy["paths"]["eval-sets"] = "**/*.yaml"
    team.write_policy(policy)
    team.commit("Evaluation sets anywhere", who="ada")
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_all(CARD)
    assert team.gate().passed
