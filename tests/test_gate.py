"""The merge gate on the honest path, its refusals to decide (exit 2), and its outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mltriad.commands.gate import gate
from mltriad.errors import ConfigError, GitError, MltriadError
from tests.helpers import (
    CARD,
    DECISION,
    EVAL_SET,
    EXAMPLE_REPO,
    commit_all,
    git,
    invoke,
    make_repo,
    run,
)
from tests.helpers.github import github_merge, pull_request_env
from tests.helpers.signing import CARD_ROLES, Team, change_card, needs_ssh, rules_of


# -- the honest path --------------------------------------------------------------------------
def test_each_member_signs_their_role_and_the_change_may_merge(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    result = invoke(["gate", "--base", "main"], cwd=team.path)
    assert result.exit_code == 0, result.output
    assert "signed by Grace Hopper" in result.output
    assert "Merge allowed." in result.output


def test_nothing_governed_changed(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    (team.path / "train.py").write_text("print('hello')\n")
    team.commit("Code only", who="mallory")
    result = invoke(["gate", "--base", "main"], cwd=team.path)
    assert result.exit_code == 0
    assert "No governed artifact changed" in result.output


@needs_ssh
def test_signature_mode_passes_whoever_commits_the_records(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    team = change_card(tmp_path, identity="signature", keys=keys)
    team.sign_all(CARD, key=True, committer="ada")
    result = team.gate()
    assert result.passed, result.findings
    assert [c.signer_email for c in result.rows[0].cells] == [
        "ada@example.org",
        "grace@example.org",
        "katherine@example.org",
    ]


@pytest.mark.parametrize("mode", ["author", "signature"])
def test_a_signed_change_survives_a_rebase(
    tmp_path: Path, mode: str, identity: dict[str, Any]
) -> None:
    team = change_card(tmp_path, **identity)
    team.sign_all(CARD, key=mode == "signature")
    team.git("checkout", "-q", "main")
    (team.path / "train.py").write_text("print('main moved on')\n")
    team.commit("Meanwhile on main", who="katherine")
    team.git("checkout", "-q", "change")
    team.git("rebase", "-q", "main", who="mallory")  # authors are kept, committers change
    assert team.gate().passed


@pytest.mark.parametrize(
    ("mode", "passed", "rules"),
    [
        ("author", False, {"MT406"}),  # the squash commit is Mallory's, not the signers'
        ("signature", True, set()),  # the signatures travel with the records
    ],
    ids=["author", "signature"],
)
def test_a_squash_keeps_the_signatures_but_not_the_authors(
    tmp_path: Path, mode: str, passed: bool, rules: set[str], identity: dict[str, Any]
) -> None:
    team = change_card(tmp_path, **identity)
    team.sign_all(CARD, key=mode == "signature")
    team.git("checkout", "-q", "-b", "squashed", "main")
    team.git("merge", "-q", "--squash", "change")
    team.commit("Squashed pull request", who="mallory")
    result = team.gate()
    assert (result.passed, rules_of(result)) == (passed, rules)


def test_a_decision_adds_its_approvers_and_cannot_drop_them(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    text = team.read(DECISION).replace(
        "approvers: [ml-engineer, product-manager, domain-expert]",
        "approvers: [ml-engineer, product-manager]",
    )
    assert text != team.read(DECISION)
    (team.path / DECISION).write_text(text)
    team.commit("The domain expert need not approve", who="ada")
    result = team.gate()
    assert [c.role for c in result.rows[0].cells] == [
        "ml-engineer",
        "product-manager",
        "domain-expert",
    ]


def test_an_evaluation_set_needs_its_owner(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    policy = team.policy()
    policy["require"]["eval-set"] = ["domain-expert"]
    team.write_policy(policy)
    team.commit("Only the domain expert signs evaluation sets", who="ada")
    team.branch()
    team.edit(EVAL_SET, "# reviewed\n")
    team.commit("Touch the evaluation set", who="ada")
    roles = [c.role for c in team.gate().rows[0].cells]
    assert roles == ["domain-expert", "product-manager"]  # the owner is product-manager


def test_a_change_to_the_policy_needs_every_role(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    policy = team.policy()
    policy["roles"]["domain-expert"]["members"].append(
        {"name": "Mary Jackson", "email": "mary@example.org"}
    )
    team.write_policy(policy)
    team.commit("Add Mary", who="katherine")
    result = team.gate()
    assert [(r.artifact, r.kind) for r in result.rows] == [("triad.yaml", "policy")]
    assert [c.role for c in result.rows[0].cells] == list(CARD_ROLES)
    team.sign_all("triad.yaml")
    assert team.gate().passed


def test_the_first_roster_needs_no_sign_off(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    policy = team.policy()
    for role in policy["roles"].values():
        role["members"] = []
    team.write_policy(policy)
    team.commit("Roles without members yet", who="ada")
    team.branch()
    team.write_policy(Team(tmp_path / "fresh").policy())
    team.commit("Fill in the roster", who="ada")
    result = invoke(["gate", "--base", "main"], cwd=team.path)
    assert result.exit_code == 0, result.output
    assert "accepted without sign-off (the first roster)" in result.output


def test_a_role_nobody_can_sign_blocks_with_its_reason(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    text = team.read(DECISION).replace(
        "approvers: [ml-engineer, product-manager, domain-expert]",
        "approvers: [ml-engineer, product-manager, legal]",
    )
    (team.path / DECISION).write_text(text)
    team.commit("Legal must approve", who="ada")
    result = team.gate()
    legal = result.rows[0].cell("legal")
    assert legal is not None and legal.rule == "MT409"
    message = next(f.message for f in result.findings if f.rule == "MT409")
    assert "the role 'legal' is not defined in triad.yaml" in message


def test_distinct_signers_can_be_turned_off(tmp_path: Path) -> None:
    team = Team(
        tmp_path / "repo", policy={"signoff": {"identity": "author", "distinct_signers": False}}
    )
    policy = team.policy()
    policy["roles"]["product-manager"]["members"].append(
        {"name": "Ada Lovelace", "email": "ada@example.org"}
    )
    team.write_policy(policy)
    team.commit("Ada may also sign for product", who="ada")
    team.branch()
    team.edit(CARD)
    team.commit("Update", who="ada")
    team.sign_and_commit(CARD, "ml-engineer", "ada")
    team.sign_and_commit(CARD, "product-manager", "ada")
    team.sign_and_commit(CARD, "domain-expert", "katherine")
    assert team.gate().passed


def test_records_unchanged_since_the_base_do_not_approve_a_change(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign_all(CARD)  # signed on main, for the version on main
    team.branch()
    team.edit(CARD, "\nDraft.\n")
    team.commit("Draft", who="ada")
    (team.path / CARD).write_text(team.read(CARD).replace("\nDraft.\n", ""))
    team.edit(DECISION)
    team.commit("Back to the signed card; edit the decision", who="ada")
    result = team.gate()
    assert [r.artifact for r in result.rows] == [DECISION]  # the card is unchanged overall


# -- it cannot decide: exit 2, never a pass ---------------------------------------------------
def test_outside_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "triad.yaml").write_text("version: 1\nroles: {a: {members: []}}\n")
    result = run(["gate", "--base", "main"], cwd=folder)
    assert result.returncode == 2
    assert "is not inside a git repository" in result.stderr


def test_an_unknown_ref(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    result = invoke(["gate", "--base", "origin/does-not-exist"], cwd=team.path)
    assert result.exit_code == 2
    assert "the base 'origin/does-not-exist' does not name a commit" in result.output


def test_no_merge_base(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.git("checkout", "-q", "--orphan", "unrelated")
    commit_all(team.path, "Unrelated history")
    with pytest.raises(GitError, match="no common ancestor"):
        gate(team.path, "main", None, env={})


def test_an_unreadable_base_policy(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    (team.path / "triad.yaml").write_text("version: 1\nroles: [oops\n")
    team.commit("Break the policy on main", who="ada")
    team.branch()
    team.edit(CARD)
    team.commit("Update", who="ada")
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 2
    assert "triad.yaml in the base commit" in result.stderr
    assert "never from the change" in result.stderr


def test_a_base_without_a_policy(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("hello\n")
    commit_all(repo, "before mltriad")
    git(repo, "checkout", "-q", "-b", "adopt")
    team = Team(tmp_path / "example")
    for path in ("triad.yaml", CARD):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes((team.path / path).read_bytes())
    commit_all(repo, "Adopt mltriad")
    with pytest.raises(ConfigError, match=r"has no triad\.yaml, so there is no policy"):
        gate(repo, "main", None, env={})


def test_without_base_outside_actions_and_no_default_branch(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.git("branch", "-m", "main", "trunk")
    with pytest.raises(MltriadError, match="there is no --base"):
        gate(team.path, None, None, env={})


def test_the_default_base_is_main(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    result = gate(team.path, None, None, env={})
    assert result.refs.base == "main" and rules_of(result) == {"MT401"}


# -- GitHub Actions -----------------------------------------------------------------------------
def test_pull_request_event_blocked_with_annotations_and_summary(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    env = pull_request_env(tmp_path, *github_merge(team.path), summary=tmp_path / "summary.md")
    result = run(["gate"], cwd=team.path, env=env)
    assert result.returncode == 1, result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2
    assert all(f"file={CARD}" in a and "title=MT401" in a for a in annotations)
    assert "HEAD^1" in result.stdout and "merge commit's parents" in result.stdout
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "| Artifact | Change | ml-engineer | product-manager | domain-expert |" in summary
    assert (
        "✅ signed by Ada Lovelace" in summary and "❌ missing; may sign: Grace Hopper" in summary
    )
    assert summary.count("| MT401 |") == 2
    assert "Merge BLOCKED." in summary


def test_pull_request_event_passes_when_signed(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    env = pull_request_env(tmp_path, *github_merge(team.path), summary=tmp_path / "summary.md")
    result = run(["gate"], cwd=team.path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout
    assert "Merge allowed." in Path(env["GITHUB_STEP_SUMMARY"]).read_text()


def test_pull_request_event_in_a_shallow_checkout_fails_closed(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    env = pull_request_env(tmp_path, *github_merge(team.path), summary=tmp_path / "summary.md")
    clone = tmp_path / "clone"
    merge = team.git("rev-parse", "HEAD").strip()
    git(tmp_path, "clone", "-q", "--no-checkout", f"file://{team.path}", str(clone))
    git(clone, "fetch", "-q", "--depth", "1", "origin", merge)
    git(clone, "checkout", "-q", "FETCH_HEAD")
    result = run(["gate"], cwd=clone, env=env)
    assert result.returncode == 2
    assert "fetch-depth: 0" in result.stderr


def test_merge_group_and_push_events(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    base = team.git("rev-parse", "main").strip()
    head = team.git("rev-parse", "HEAD").strip()
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "merge_group": {
                    "base_sha": base,
                    "head_sha": head,
                    "base_ref": "refs/heads/main",
                    "head_ref": "refs/heads/gh-readonly-queue/main/pr-7-" + head,
                }
            }
        )
    )
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "merge_group",
        "GITHUB_EVENT_PATH": str(event),
    }
    result = gate(team.path, env=env)
    assert (result.base, result.head) == (base, head)
    assert rules_of(result) == {"MT401"}
    event.write_text(json.dumps({"ref": "refs/heads/main", "before": base, "after": head}))
    result = gate(team.path, env={**env, "GITHUB_EVENT_NAME": "push"})
    assert (result.base, result.head) == (base, head) and not result.passed
    event.write_text(json.dumps({"ref": "refs/heads/new", "before": "0" * 40, "after": head}))
    with pytest.raises(MltriadError, match="created the branch"):
        gate(team.path, env={**env, "GITHUB_EVENT_NAME": "push"})
    with pytest.raises(MltriadError, match="not from 'schedule'"):
        gate(team.path, env={**env, "GITHUB_EVENT_NAME": "schedule"})


def test_json_and_sarif_formats(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "domain-expert")
    result = invoke(["gate", "--base", "main", "--format", "json"], cwd=team.path)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["command"] == "gate" and data["result"] == "blocked"
    assert data["gate"]["identity"] == "author"
    [row] = data["artifacts"]
    states = {cell["role"]: cell["state"] for cell in row["roles"]}
    assert states == {
        "ml-engineer": "missing",
        "product-manager": "missing",
        "domain-expert": "signed",
    }
    result = invoke(["gate", "--base", "main", "--format", "sarif"], cwd=team.path)
    sarif = json.loads(result.output)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"MT401"}


def test_a_repository_whose_policy_lives_in_a_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "service").mkdir()
    (repo / "service" / "app.py").write_text("print('hi')\n")
    example = Team(tmp_path / "example")
    shutil.copytree(example.path, repo / "ml", ignore=shutil.ignore_patterns(".git"))
    commit_all(repo, "Monorepo")
    git(repo, "checkout", "-q", "-b", "change")
    with (repo / "ml" / CARD).open("a") as handle:
        handle.write("\nEdited.\n")
    (repo / "service" / "app.py").write_text("print('bye')\n")
    commit_all(repo, "Edit the card and the service", author=("Ada Lovelace", "ada@example.org"))
    result = invoke(["-C", "ml", "gate", "--base", "main", "--format", "json"], cwd=repo)
    data = json.loads(result.output)
    assert [row["artifact"] for row in data["artifacts"]] == [CARD]
    invoke(
        ["-C", "ml", "signoff", CARD, "--role", "ml-engineer", "--email", "ada@example.org"],
        cwd=repo,
    )
    commit_all(repo, "Ada signs", author=("Ada Lovelace", "ada@example.org"))
    result = gate(repo / "ml", "main", env={})
    assert [c.state.value for c in result.rows[0].cells] == ["signed", "missing", "missing"]


def test_git_processes_do_not_grow_with_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mltriad.gitrepo import GitRepo

    calls: list[str] = []
    original = GitRepo._run

    def counting(self: GitRepo, *args: str, stdin: bytes | None = None) -> bytes:
        calls.append(args[0])
        return original(self, *args, stdin=stdin)

    monkeypatch.setattr(GitRepo, "_run", counting)
    team = change_card(tmp_path)
    team.sign_all(CARD)
    assert team.gate().passed
    one_artifact = list(calls)
    calls.clear()
    for path, roles in ((DECISION, CARD_ROLES), (EVAL_SET, ("product-manager", "domain-expert"))):
        team.edit(path, "\n# edited\n" if path.endswith(".yaml") else "\nEdited.\n")
        team.commit(f"Edit {path}", who="ada")
        team.sign_all(path, roles)
    assert len(team.gate().rows) == 3
    # the base's and head's full ref names, the merge base, whether the merge is a
    # fast-forward, base and head trees, the change, its commits, their per-parent diffs,
    # and the base's last changes of the records and their artifacts (the replay check):
    # 10 processes
    assert calls == one_artifact
    assert sorted(calls) == [
        "diff-tree",
        "diff-tree",
        "for-each-ref",
        "for-each-ref",
        "log",
        "log",
        "ls-tree",
        "ls-tree",
        "merge-base",
        "merge-base",
    ]


def test_pre_push_gates_the_pushed_ref_not_the_checked_out_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "push", EXAMPLE_REPO)
    git(repo, "checkout", "-q", "-b", "feature")
    card = repo / "model-cards" / "fraud-detector.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    pushed = commit_all(repo, "edit the card without sign-off")
    git(repo, "checkout", "-q", "main")
    assert invoke(["-C", str(repo), "gate", "--base", "main"]).exit_code == 0
    monkeypatch.setenv("PRE_COMMIT_TO_REF", pushed)
    result = invoke(["-C", str(repo), "gate", "--base", "main"])
    assert result.exit_code == 1 and "MT401" in result.output


# -- the output a product manager reads --------------------------------------------------------
def test_a_blocked_gate_reads_table_people_findings_then_the_command_once(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer", "ada")
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    table = lines.index(f"{CARD} (model-card, modified): incomplete")
    assert lines[table + 1].startswith("  ml-engineer      signed by Ada Lovelace (")
    assert lines[table + 2] == "  product-manager  missing; may sign: Grace Hopper"
    assert lines[table + 3 : table + 7] == [
        "  domain-expert    missing; may sign: Katherine Johnson",
        f"Waiting on: Grace Hopper (product-manager) for {CARD}",
        f"Waiting on: Katherine Johnson (domain-expert) for {CARD}",
        f"{CARD}:1:1: error MT401: the product-manager sign-off is missing; may sign: Grace Hopper.",
    ]
    findings = [line for line in lines if " error MT" in line]
    assert len(findings) == 2 and all(len(line) < 120 for line in findings)
    assert all(line.count(CARD) == 1 for line in findings)
    command = f"  mltriad signoff {CARD} --role product-manager"
    assert [line for line in lines if "mltriad signoff" in line] == [command]
    assert lines[-1] == "2 errors in 1 artifact checked. Merge BLOCKED."


def test_waiting_on_groups_a_person_s_artifacts_and_names_every_member(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    policy = team.policy()
    policy["roles"]["product-manager"]["members"].append(
        {"name": "Mallory Moriarty", "email": "mallory@example.org"}
    )
    team.write_policy(policy)
    team.commit("A second product manager")
    team.branch()
    team.edit(CARD)
    team.edit(DECISION)
    team.commit("Edit two artifacts")
    out = run(["gate", "--format", "json"], cwd=team.path).stdout
    waiting = json.loads(out)["waiting_on"]
    assert (
        f"Waiting on: Grace Hopper or Mallory Moriarty (product-manager) for {DECISION}, {CARD}"
        in waiting
    )
