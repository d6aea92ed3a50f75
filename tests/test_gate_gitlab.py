"""The gate inside GitLab CI: base and head from the pipeline's variables, in real
repositories, for merge request, merged results, merge train and branch pipelines; and
every way the clone or the variables can leave it unable to decide (exit 2, with the fix).

The variables are what GitLab sets (tests/helpers/gitlab.py); the branch's content is an
attacker's to choose, the variables are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mltriad.commands.gate import gate
from mltriad.errors import GitError, MltriadError
from tests.helpers import CARD, DECISION, git, run
from tests.helpers.gitlab import branch_variables, merge_request_variables
from tests.helpers.signing import Team, change_card, rules_of


# -- merge request pipelines ----------------------------------------------------------------
def test_a_merge_request_pipeline_compares_with_the_diff_base(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    env = merge_request_variables(team.path)
    result = gate(team.path, env=env)
    assert (result.base, result.head) == (
        env["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
        env["CI_COMMIT_SHA"],
    )
    assert "CI_MERGE_REQUEST_DIFF_BASE_SHA" in result.refs.source
    assert result.refs.suggest_base == "origin/main"
    assert rules_of(result) == {"MT401"}
    assert [c.state.value for c in result.rows[0].cells] == ["signed", "missing", "missing"]
    assert any("merged results pipelines" in note for note in result.notes)


def test_a_signed_merge_request_passes(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    assert gate(team.path, env=merge_request_variables(team.path)).passed


def test_a_merged_results_pipeline_judges_the_merge_commit_gitlab_built(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    team.edit("notes.md", "main moved on\n")
    team.commit("main moves on", who="ada")
    env = merge_request_variables(team.path, merged_results=True)
    result = gate(team.path, env=env)
    assert result.refs.merged == env["CI_COMMIT_SHA"]
    assert result.base == env["CI_MERGE_REQUEST_TARGET_BRANCH_SHA"]
    assert result.head == env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"]
    assert "merged results pipeline of !1" in result.refs.source
    assert result.passed, [f.message for f in result.findings]


def test_merged_results_catch_what_the_target_changed_since_signing(tmp_path: Path) -> None:
    """The branch is signed, but the target changed the same card since: the merge lands
    a version nobody signed, and the merge request pipeline's diff would not show it."""
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    text = team.read(CARD)
    (team.path / CARD).write_text(text.replace("status: candidate", "status: production"), "utf-8")
    team.commit("Promote the model on main", who="ada")
    merged = gate(team.path, env=merge_request_variables(team.path, merged_results=True))
    assert not merged.passed
    assert any("is not what the branch" in f.message for f in merged.findings)
    team.git("checkout", "-q", "change")
    assert gate(team.path, env=merge_request_variables(team.path)).passed  # the diff alone


def test_a_policy_edited_in_the_merge_request_is_judged_by_the_base_policy(
    tmp_path: Path,
) -> None:
    team = change_card(tmp_path)
    policy = team.policy()
    for role in policy["roles"].values():
        role["members"] = [{"name": "Mallory Moriarty", "email": "mallory@example.org"}]
    policy["signoff"]["distinct_signers"] = False
    team.write_policy(policy)
    team.commit("Make Mallory every role", who="mallory")
    for role in ("ml-engineer", "product-manager", "domain-expert"):
        team.sign_and_commit(CARD, role, "mallory")
        team.sign_and_commit("triad.yaml", role, "mallory")
    for merged_results in (False, True):
        team.git("checkout", "-q", "change")
        env = merge_request_variables(team.path, merged_results=merged_results)
        result = gate(team.path, env=env)
        assert not result.passed
        assert {row.artifact for row in result.rows} == {CARD, "triad.yaml"}
        assert rules_of(result) == {"MT405"}  # Mallory is no member in the base roster


def test_a_commit_whose_parents_are_not_the_merge_request_is_judged_as_a_whole(
    tmp_path: Path,
) -> None:
    """CI_COMMIT_SHA of a merge train (built on the merge requests ahead) or anything that is
    not GitLab's merge of source into target: the gate compares it with the target."""
    team = change_card(tmp_path)
    team.sign_all(CARD)
    env = merge_request_variables(team.path, merged_results=True)
    team.git("checkout", "-q", "-b", "ahead", "main")
    team.edit(DECISION, "\nAn unsigned edit from the merge request ahead.\n")
    team.commit("The merge request ahead", who="ada")
    team.git("merge", "-q", "--no-ff", "-m", "Train", env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"])
    train = team.git("rev-parse", "HEAD").strip()
    result = gate(
        team.path, env={**env, "CI_MERGE_REQUEST_EVENT_TYPE": "merge_train", "CI_COMMIT_SHA": train}
    )
    assert result.refs.merged is None
    assert (result.base, result.head) == (env["CI_MERGE_REQUEST_TARGET_BRANCH_SHA"], train)
    assert not result.passed  # the merge request ahead's edit of the decision is unsigned
    assert {row.artifact for row in result.rows if not row.complete} == {DECISION}


def test_base_and_head_given_on_the_command_line_win(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    env = merge_request_variables(team.path, merged_results=True)
    result = gate(team.path, "main", "change", env=env)
    assert result.refs.source == "--base"


# -- branch pipelines ---------------------------------------------------------------------------
def test_a_branch_pipeline_compares_with_the_default_branch(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    env = branch_variables(team.path, "change")
    result = gate(team.path, env=env)
    assert result.refs.base == "main" and "CI_DEFAULT_BRANCH" in result.refs.source
    assert rules_of(result) == {"MT401"}


def test_a_branch_pipeline_without_the_default_branch_in_the_clone(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    clone = tmp_path / "clone"
    # What GitLab's runner fetches for a branch pipeline: that branch only, detached.
    git(tmp_path, "init", "-q", str(clone))
    git(
        clone, "fetch", "-q", f"file://{team.path}", "+refs/heads/change:refs/remotes/origin/change"
    )
    git(clone, "checkout", "-q", "--detach", "refs/remotes/origin/change")
    done = run(["gate"], cwd=clone, env=branch_variables(team.path, "change"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the default branch main (CI_DEFAULT_BRANCH) is not in this clone" in done.stderr
    assert "git fetch origin main" in done.stderr


def test_a_push_to_the_default_branch_is_judged_from_the_previous_tip(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    before = team.git("rev-parse", "main").strip()
    team.edit(CARD)
    team.commit("Edit the card on main itself", who="ada")
    result = gate(team.path, env=branch_variables(team.path, "main", before))
    assert result.base == before and rules_of(result) == {"MT401"}
    assert result.refs.source == "GitLab branch pipeline: CI_COMMIT_BEFORE_SHA"
    with pytest.raises(GitError, match="replaced history"):
        gate(team.path, env=branch_variables(team.path, "main", _unrelated_commit(team)))


def test_a_tag_pipeline_cannot_be_gated_without_base(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    env = {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": "v1"}
    with pytest.raises(MltriadError, match="not from this push pipeline for tag v1"):
        gate(team.path, env=env)


# -- when the gate cannot decide --------------------------------------------------------------
def test_a_shallow_gitlab_clone_fails_closed_with_the_git_depth_fix(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    env = merge_request_variables(team.path, merged_results=True)
    clone = tmp_path / "clone"
    # As GitLab's runner clones with GIT_DEPTH (20 or 50; 2 here, shorter than this history).
    git(tmp_path, "init", "-q", str(clone))
    git(clone, "fetch", "-q", "--depth", "2", f"file://{team.path}", "refs/merge-requests/1/merge")
    git(clone, "checkout", "-q", "FETCH_HEAD")
    done = run(["gate"], cwd=clone, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "shallow" in done.stderr and "GIT_DEPTH: 0" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_diff_base_missing_from_the_clone_fails_closed(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    env = merge_request_variables(team.path)
    missing = "1234567890abcdef" * 2 + "12345678"
    done = run(["gate"], cwd=team.path, env={**env, "CI_MERGE_REQUEST_DIFF_BASE_SHA": missing})
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"the commit {missing[:12]} (CI_MERGE_REQUEST_DIFF_BASE_SHA) is not in this clone" in (
        done.stderr
    )
    assert "GIT_DEPTH: 0" in done.stderr


def test_a_diff_base_that_is_not_an_ancestor_fails_closed(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    env = merge_request_variables(team.path)
    with pytest.raises(GitError, match="is not an ancestor of CI_COMMIT_SHA"):
        gate(team.path, env={**env, "CI_MERGE_REQUEST_DIFF_BASE_SHA": _unrelated_commit(team)})


@pytest.mark.parametrize("value", ["main", "HEAD~1", "--output=x", "abc123"])
def test_a_variable_that_is_not_a_commit_id_fails_closed(tmp_path: Path, value: str) -> None:
    team = change_card(tmp_path)
    env = merge_request_variables(team.path)
    with pytest.raises(MltriadError, match="not a full commit id"):
        gate(team.path, env={**env, "CI_MERGE_REQUEST_DIFF_BASE_SHA": value})


def test_a_merge_request_pipeline_without_either_base_variable(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    env = merge_request_variables(team.path)
    del env["CI_MERGE_REQUEST_DIFF_BASE_SHA"]
    done = run(["gate"], cwd=team.path, env=env)
    assert done.returncode == 2
    assert "neither CI_MERGE_REQUEST_TARGET_BRANCH_SHA nor CI_MERGE_REQUEST_DIFF_BASE_SHA" in (
        done.stderr
    )


def _unrelated_commit(team: Team) -> str:
    """A commit of the repository that is no ancestor of anything gated: an orphan."""
    tree = team.git("hash-object", "-t", "tree", "-w", "/dev/null").strip()
    return team.git("commit-tree", tree, "-m", "orphan").strip()
