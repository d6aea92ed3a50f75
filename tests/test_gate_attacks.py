"""Every way of faking a sign-off that the merge gate must block, each in a real repository.

The base branch (main) holds the example artifacts and policy; each test makes the change
an attacker would, on a branch, and asks the gate whether it may merge into main.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad.artifacts import digest_bytes
from mltriad.report.gate import how_to_sign
from mltriad.signoffs import render
from tests.helpers import CARD, DECISION, EVAL_SET, git, invoke, run
from tests.helpers.signing import CARD_ROLES, Team, change_card, needs_ssh, rules_of


def test_a_sign_off_by_someone_outside_the_role_does_not_count(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    team.sign_and_commit(CARD, "domain-expert")
    team.forge(CARD, "product-manager", "mallory")
    team.commit("Mallory signs for product", who="mallory")
    result = team.gate()
    assert not result.passed
    cell = result.rows[0].cell("product-manager")
    assert cell is not None and cell.rule == "MT405"
    assert "Mallory Moriarty <mallory@example.org> signed, but is not a member" in cell.reason
    message = next(f.message for f in result.findings if f.rule == "MT405")
    assert "May sign: Grace Hopper." in message
    assert f"  mltriad signoff {CARD} --role product-manager" in how_to_sign(result)


def test_a_record_committed_by_the_author_but_naming_another_signer(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    team.sign_and_commit(CARD, "domain-expert")
    team.sign(CARD, "product-manager", "grace")  # the record names Grace...
    team.commit("Sign off for Grace", who="ada")  # ...but Ada commits it
    result = team.gate()
    assert rules_of(result) == {"MT406"}
    cell = result.rows[0].cell("product-manager")
    assert cell is not None
    assert "is authored by Ada Lovelace <ada@example.org>" in cell.reason


def test_the_change_cannot_add_its_author_to_the_roster_and_sign(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    policy = team.policy()
    policy["roles"]["product-manager"]["members"].append(
        {"name": "Mallory Moriarty", "email": "mallory@example.org"}
    )
    team.write_policy(policy)
    team.commit("Add Mallory", who="mallory")
    team.sign_and_commit(CARD, "ml-engineer")
    team.sign_and_commit(CARD, "domain-expert")
    team.sign_and_commit(CARD, "product-manager", "mallory")  # the working tree lets her
    team.sign_and_commit("triad.yaml", "product-manager", "mallory")
    result = team.gate()
    found = {(f.rule, f.path) for f in result.findings}
    assert ("MT405", f"signoffs/{CARD}/product-manager.yaml") in found
    assert ("MT405", "signoffs/triad.yaml/product-manager.yaml") in found
    assert ("MT401", "triad.yaml") in found  # every role must sign a change to the policy


def test_the_change_cannot_relax_the_requirements(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    policy = team.policy()
    policy["require"]["model-card"] = ["ml-engineer"]
    team.write_policy(policy)
    team.commit("Only the ML engineer signs model cards now", who="ada")
    team.sign_and_commit(CARD, "ml-engineer")
    result = team.gate()
    card = next(r for r in result.rows if r.artifact == CARD)
    assert [c.role for c in card.cells] == list(CARD_ROLES)
    assert {(f.rule, f.path) for f in result.findings} >= {("MT401", CARD), ("MT401", "triad.yaml")}
    assert not result.passed


def test_a_record_copied_from_another_artifact_does_not_count(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.edit(DECISION)
    team.commit("Update the decision", who="ada")
    team.sign_and_commit(DECISION, "product-manager")
    target = team.path / "signoffs" / CARD / "product-manager.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(team.path / "signoffs" / DECISION / "product-manager.yaml", target)
    team.commit("Grace's sign-off, copied by Grace herself", who="grace")
    result = team.gate()
    cell = next(r for r in result.rows if r.artifact == CARD).cell("product-manager")
    assert cell is not None and cell.rule == "MT403"
    assert f"names {DECISION}, role product-manager" in cell.reason


def test_a_record_copied_from_another_role_does_not_count(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    folder = team.path / "signoffs" / CARD
    shutil.copy(folder / "ml-engineer.yaml", folder / "product-manager.yaml")
    team.commit("Reuse Ada's sign-off", who="ada")
    result = team.gate()
    cell = result.rows[0].cell("product-manager")
    assert cell is not None and cell.rule == "MT403"


def test_an_edit_after_sign_off_makes_every_sign_off_stale(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    assert team.gate().passed
    team.edit(CARD, "\nOne more sentence after everyone signed.\n")
    team.commit("A small fix", who="ada")
    result = team.gate()
    assert [c.state.value for c in result.rows[0].cells] == ["stale"] * 3
    assert rules_of(result) == {"MT402"}
    assert all("signed another version on" in c.reason for c in result.rows[0].cells)


def _history_with_two_signed_versions(team: Team, *, key: bool = False) -> str:
    """main gets version 1 of the card signed by everyone, then version 2 signed again;
    returns the commit of version 1."""
    team.branch("v1")
    team.edit(CARD, "\nVersion 1.\n")
    team.commit("Version 1", who="ada")
    team.sign_all(CARD, key=key, committer="ada" if key else None)
    v1 = team.git("rev-parse", "HEAD").strip()
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--ff-only", "v1")
    team.branch("v2")
    team.edit(CARD, "\nVersion 2 fixes a dangerous claim.\n")
    team.commit("Version 2", who="ada")
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for role in CARD_ROLES:
        team.sign_and_commit(CARD, role, key=key, committer="ada" if key else None, date=later)
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--ff-only", "v2")
    return v1


@pytest.mark.parametrize(
    ("mode", "rule", "reason"),
    [
        # the records are genuine, but Mallory's commit is the one that wrote them now
        ("author", "MT406", "authored by Mallory Moriarty"),
        # the signatures are genuine, but over a version older than the base's records
        ("signature", "MT410", "older than the one on the base branch"),
    ],
    ids=["author", "signature"],
)
def test_a_record_for_an_old_version_restored_from_history(
    tmp_path: Path, mode: str, rule: str, reason: str, identity: dict[str, Any]
) -> None:
    team = Team(tmp_path / "repo", **identity)
    v1 = _history_with_two_signed_versions(team, key=mode == "signature")
    team.branch("revert")
    team.git("checkout", v1, "--", CARD, "signoffs")
    team.commit("Back to version 1 with its sign-offs", who="mallory")
    result = team.gate()
    assert rules_of(result) == {rule}
    assert all(reason in c.reason for c in result.rows[0].cells)


@needs_ssh
def test_a_signature_made_with_a_key_outside_the_base_roster(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    team = change_card(tmp_path, identity="signature", keys=keys)
    team.sign_all(CARD, ("ml-engineer", "domain-expert"), key=True)
    # Mallory swaps Grace's key for her own in the change, then signs as Grace.
    policy = team.policy()
    grace = policy["roles"]["product-manager"]["members"][0]
    grace["signing_key"] = keys["mallory"].with_suffix(".pub").read_text().strip()
    team.write_policy(policy)
    team.commit("Rotate Grace's key", who="mallory")
    team.keys = {**team.keys, "grace": keys["mallory"]}
    team.sign_and_commit(CARD, "product-manager", "grace", committer="mallory", key=True)
    result = team.gate()
    card = next(r for r in result.rows if r.artifact == CARD)
    cell = card.cell("product-manager")
    assert cell is not None and cell.rule == "MT407"
    assert "does not verify against the signing_key of grace@example.org" in cell.reason
    assert ("MT401", "triad.yaml") in {(f.rule, f.path) for f in result.findings}


@needs_ssh
def test_a_signature_over_a_different_artifact(tmp_path: Path, keys: dict[str, Path]) -> None:
    team = change_card(tmp_path, identity="signature", keys=keys)
    team.sign_all(CARD, ("ml-engineer", "domain-expert"), key=True)
    team.sign(DECISION, "product-manager", "grace", key=True)
    genuine = yaml.safe_load(team.read(f"signoffs/{DECISION}/product-manager.yaml"))
    forged = dict(
        genuine,
        artifact=CARD,
        kind="model-card",
        digest=digest_bytes((team.path / CARD).read_bytes()),
    )
    target = team.path / "signoffs" / CARD / "product-manager.yaml"
    target.write_bytes(render(forged))
    shutil.rmtree(team.path / "signoffs" / DECISION)
    team.commit("Grace's signature, moved to the card", who="mallory")
    result = team.gate()
    assert rules_of(result) == {"MT407"}


def test_one_person_cannot_sign_two_roles(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    policy = team.policy()
    policy["roles"]["product-manager"]["members"].append(
        {"name": "Ada Lovelace", "email": "ada@example.org"}
    )
    team.write_policy(policy)
    team.commit("Ada also manages the product", who="ada")
    team.branch()
    team.edit(CARD)
    team.commit("Update", who="ada")
    team.sign_and_commit(CARD, "ml-engineer", "ada")
    team.sign_and_commit(CARD, "product-manager", "ada")
    team.sign_and_commit(CARD, "domain-expert", "katherine")
    result = team.gate()
    assert rules_of(result) == {"MT408"}
    cell = result.rows[0].cell("product-manager")
    assert cell is not None
    assert "already signs this artifact as ml-engineer" in cell.reason
    assert "May sign: Grace Hopper, Ada Lovelace." in result.findings[0].message


def test_a_sign_off_hidden_in_a_merge_commit(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)  # version 1, genuinely signed by all three
    assert team.gate().passed
    team.git("checkout", "-q", "-b", "side", "main")
    (team.path / "notes.txt").write_text("unrelated\n")
    team.commit("Unrelated work", who="mallory")
    team.git("checkout", "-q", "change")
    team.git("merge", "-q", "--no-commit", "--no-ff", "side", who="mallory")
    # Inside the merge: a new version of the card, and the records rewritten to match it.
    team.edit(CARD, "\nA claim nobody reviewed.\n")
    new_digest = digest_bytes((team.path / CARD).read_bytes())
    for role in CARD_ROLES:
        path = team.path / "signoffs" / CARD / f"{role}.yaml"
        data = yaml.safe_load(path.read_text())
        path.write_bytes(render(dict(data, digest=new_digest)))
    team.git("add", "-A")
    team.git("commit", "-q", "--no-edit", who="mallory")
    assert len(team.git("rev-parse", "HEAD^@").split()) == 2
    result = team.gate()
    assert rules_of(result) == {"MT406"}
    assert all("the merge commit that last wrote it" in c.reason for c in result.rows[0].cells)


def test_renaming_an_artifact_out_of_the_governed_paths_needs_sign_off(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    (team.path / "notes").mkdir()
    team.git("mv", CARD, "notes/fraud-detector.md")
    team.commit("Move the card out of the way", who="mallory")
    result = team.gate()
    assert [(r.artifact, r.change) for r in result.rows] == [(CARD, "removed")]
    assert {(f.rule, f.path) for f in result.findings} == {("MT401", CARD)}
    assert all("sign-off of the removal is missing" in f.message for f in result.findings)
    assert f"  mltriad signoff {CARD} --role ml-engineer --base main" in how_to_sign(result)


def test_a_rename_inside_the_governed_paths_is_a_removal_and_an_addition(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.git("mv", "eval-sets/fraud-holdout.yaml", "eval-sets/fraud-holdout-2026.yaml")
    team.commit("Rename", who="ada")
    result = team.gate()
    assert sorted((r.artifact, r.change) for r in result.rows) == [
        ("eval-sets/fraud-holdout-2026.yaml", "added"),
        ("eval-sets/fraud-holdout.yaml", "removed"),
    ]


def test_a_deleted_artifact_needs_sign_off_of_its_removal(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.git("rm", "-q", DECISION)
    team.commit("Drop decision 2", who="mallory")
    result = team.gate()
    assert {f.rule for f in result.findings} == {"MT401"}
    roles = [c.role for c in result.rows[0].cells]
    assert roles == ["ml-engineer", "product-manager", "domain-expert"]  # approvers count too
    for role in roles:
        team.sign(
            DECISION,
            role,
            {"ml-engineer": "ada", "product-manager": "grace", "domain-expert": "katherine"}[role],
            base="main",
        )
        team.commit(
            f"Sign the removal as {role}",
            who={"ml-engineer": "ada", "product-manager": "grace", "domain-expert": "katherine"}[
                role
            ],
        )
    assert team.gate().passed


def test_a_version_sign_off_does_not_approve_a_removal(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.sign_all(DECISION, ("ml-engineer", "product-manager", "domain-expert"))
    team.git("rm", "-q", DECISION)
    team.commit("Sign, then delete", who="ada")
    result = team.gate()
    assert rules_of(result) == {"MT402"}
    assert all("not its removal" in c.reason for c in result.rows[0].cells)


def test_a_symlinked_artifact_is_refused(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    (team.path / "docs" / "card.md").write_bytes((team.path / CARD).read_bytes())
    (team.path / CARD).unlink()
    (team.path / CARD).symlink_to("../docs/card.md")
    team.commit("Keep the card in docs", who="mallory")
    result = team.gate()
    assert ("MT413", CARD) in {(f.rule, f.path) for f in result.findings}


def test_a_shallow_clone_cannot_be_gated(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "change",
        f"file://{team.path}",
        str(clone),
    )
    result = run(["gate", "--base", "origin/main"], cwd=clone)
    assert result.returncode == 2
    assert "shallow" in result.stderr and "fetch-depth: 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_git_variables_from_a_hook_do_not_redirect_the_gate(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    result = run(
        ["gate", "--base", "main", "--format", "json"],
        cwd=team.path,
        env={
            "GIT_DIR": str(other / ".git"),
            "GIT_WORK_TREE": str(other),
            "GIT_INDEX_FILE": str(other / ".git" / "index"),
        },
    )
    assert result.returncode == 1, result.stderr
    assert '"rule": "MT401"' in result.stdout


def test_the_blocked_gate_exits_1_with_a_finding_per_role(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    result = invoke(["gate", "--base", "main"], cwd=team.path)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if " error MT401: " in line]
    assert len(lines) == 3
    assert "Merge BLOCKED." in result.output


# -- a change that only signs (the first pull request after adopting mltriad) -------------------
def test_a_sign_off_only_change_is_judged_like_any_sign_off(tmp_path: Path) -> None:
    """Artifacts from the first commit are signed by a change that adds records only:
    each record must stand, or the repository would show a sign-off nobody gave."""
    team = Team(tmp_path / "repo")
    team.branch()
    team.sign(EVAL_SET, "domain-expert", "katherine")
    team.commit("Katherine signs the eval set", who="mallory")  # written by someone else
    result = team.gate()
    assert not result.passed
    assert [(r.artifact, r.change, [c.role for c in r.cells]) for r in result.rows] == [
        (EVAL_SET, "sign-off", ["domain-expert"])
    ]
    assert rules_of(result) == {"MT406"}
    assert "authored by Mallory Moriarty" in result.findings[0].message


def test_a_sign_off_only_change_by_the_signers_passes(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.sign_and_commit(EVAL_SET, "domain-expert", "katherine")
    team.sign_and_commit(CARD, "ml-engineer", "ada")  # one role of three: partial is fine
    result = team.gate()
    assert result.passed, result.findings
    assert {r.artifact: [c.state.value for c in r.cells] for r in result.rows} == {
        CARD: ["signed"],
        EVAL_SET: ["signed"],
    }


def test_a_stale_record_cannot_land_in_a_sign_off_only_change(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.edit(CARD)  # the version signed below is not the one on main
    team.sign(CARD, "ml-engineer", "ada")
    team.git("checkout", "-q", "--", CARD)
    team.branch()
    team.commit("Ada signs", who="ada")
    result = team.gate()
    assert rules_of(result) == {"MT402"}
