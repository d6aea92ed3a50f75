"""`mltriad status` and the sign-off matrix API (`signoff_matrix`) that the site also uses."""

from __future__ import annotations

import json
from pathlib import Path

from mltriad.matrix import State, signoff_matrix
from mltriad.policy import read_policy
from mltriad.report.matrix import markdown_table
from mltriad.snapshot import WorkTree
from tests.helpers import CARD, DECISION, EVAL_SET, invoke
from tests.helpers.signing import Team, needs_ssh


def test_the_matrix_of_every_artifact(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(CARD, "ml-engineer", "ada", date="2026-06-01T09:00:00Z")
    team.sign(CARD, "product-manager", "grace")
    team.edit(CARD)  # after both signed: stale
    team.sign(CARD, "ml-engineer", "ada", date="2026-06-02T09:00:00Z")
    tree = WorkTree(team.path)
    policy, _ = read_policy(tree)
    rows = {row.artifact: row for row in signoff_matrix(tree, policy)}
    assert set(rows) >= {CARD, DECISION, EVAL_SET}
    card = rows[CARD]
    assert [(c.role, c.state) for c in card.cells] == [
        ("ml-engineer", State.SIGNED),
        ("product-manager", State.STALE),
        ("domain-expert", State.MISSING),
    ]
    signed = card.cell("ml-engineer")
    assert signed is not None
    assert (signed.signer_name, signed.date) == ("Ada Lovelace", "2026-06-02T09:00:00Z")
    missing = card.cell("domain-expert")
    assert missing is not None
    assert [m.email for m in missing.may_sign] == ["katherine@example.org"]
    assert not card.complete and card.change == "current"
    table = markdown_table(list(rows.values()), policy)
    assert (
        "| `model-cards/fraud-detector.md` | current | ✅ signed by Ada Lovelace (2026-06-02)"
        in table
    )
    assert "⚠️ stale: Grace Hopper signed an older version" in table


def test_status_command_shows_the_table(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(EVAL_SET, "domain-expert", "katherine")
    result = invoke(["status", "--all"], cwd=team.path)
    assert result.exit_code == 0, result.output
    assert f"{EVAL_SET} (eval-set, current): incomplete" in result.output
    assert "domain-expert    signed by Katherine Johnson" in result.output
    assert "product-manager  missing; may sign: Grace Hopper" in result.output
    assert "fully signed" in result.output.splitlines()[-1]


def test_status_since_a_base_lists_the_changed_artifacts_only(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.edit(CARD)
    team.commit("Update", who="ada")
    team.git("rm", "-q", DECISION)
    team.sign(CARD, "ml-engineer", "ada")  # not committed yet: status shows it anyway
    result = invoke(["status", "--base", "main", "--format", "json"], cwd=team.path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    changes = {row["artifact"]: row["change"] for row in data["artifacts"]}
    assert changes == {CARD: "modified", DECISION: "removed"}
    card = next(row for row in data["artifacts"] if row["artifact"] == CARD)
    assert card["roles"][0]["state"] == "signed"
    assert card["roles"][0]["signer"] == {"name": "Ada Lovelace", "email": "ada@example.org"}
    decision = next(row for row in data["artifacts"] if row["artifact"] == DECISION)
    assert decision["digest"].startswith("removed:sha256:")


def test_status_judges_by_the_base_roster(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    policy = team.policy()
    policy["roles"]["product-manager"]["members"].append(
        {"name": "Mallory Moriarty", "email": "mallory@example.org"}
    )
    team.write_policy(policy)
    team.edit(CARD)
    team.sign(CARD, "product-manager", "mallory")
    result = invoke(["status", "--base", "main"], cwd=team.path)
    assert "product-manager  does not count (MT405)" in result.output
    result = invoke(["status", "--all"], cwd=team.path)  # the working tree's roster
    assert "product-manager  signed by Mallory Moriarty" in result.output


def test_status_survives_a_windows_checkout(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(CARD, "ml-engineer", "ada")
    card = team.path / CARD
    card.write_bytes(card.read_bytes().replace(b"\n", b"\r\n"))
    result = invoke(["status", "--all", "--format", "markdown"], cwd=team.path)
    assert "✅ signed by Ada Lovelace" in result.output


@needs_ssh
def test_status_checks_signatures_in_signature_mode(tmp_path: Path, keys: dict[str, Path]) -> None:
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    team.sign(CARD, "ml-engineer", "ada", key=True)
    team.forge(CARD, "product-manager", "grace")  # no signature
    result = invoke(["status", "--all"], cwd=team.path)
    assert "ml-engineer      signed by Ada Lovelace" in result.output
    assert "product-manager  does not count (MT407)" in result.output


# -- the same set as the gate, and --all --------------------------------------------------------
def test_plain_status_sees_what_plain_gate_sees(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.edit(CARD)
    team.commit("Update the card", who="ada")
    status = invoke(["status", "--format", "json"], cwd=team.path)
    gate = invoke(["gate", "--format", "json"], cwd=team.path)
    in_status = [row["artifact"] for row in json.loads(status.output)["artifacts"]]
    in_gate = [row["artifact"] for row in json.loads(gate.output)["artifacts"]]
    assert in_status == in_gate == [CARD]
    text = invoke(["status"], cwd=team.path).output
    assert text.startswith("1 artifact(s) changed since the merge base ")
    assert " with main, as the gate sees them" in text
    every = invoke(["status", "--all", "--format", "json"], cwd=team.path)
    assert {row["artifact"] for row in json.loads(every.output)["artifacts"]} >= {
        CARD,
        DECISION,
        EVAL_SET,
    }


def test_status_on_the_base_branch_points_at_all(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    result = invoke(["status"], cwd=team.path)
    assert result.exit_code == 0, result.output
    assert "0 artifact(s) changed since the merge base" in result.output
    assert "`mltriad status --all` shows every artifact and who must still sign it." in (
        result.output
    )


def test_status_all_lists_who_must_sign_what(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(EVAL_SET, "domain-expert", "katherine")
    out = invoke(["status", "--all"], cwd=team.path).output.splitlines()
    assert out[0].endswith("every one (--all).")
    waiting = [line for line in out if line.startswith("Waiting on: ")]
    grace = next(w for w in waiting if w.startswith("Waiting on: Grace Hopper (product-manager) "))
    assert all(path in grace for path in (CARD, DECISION, EVAL_SET))
    assert not any("Katherine Johnson (domain-expert)" in w and EVAL_SET in w for w in waiting)
    result = invoke(["status", "--all", "--base", "main"], cwd=team.path)
    assert result.exit_code == 2 and "--all shows every artifact" in result.output


def test_status_outside_git_shows_every_artifact(tmp_path: Path) -> None:
    import shutil

    from tests.helpers import EXAMPLE_REPO

    shutil.copytree(EXAMPLE_REPO, tmp_path / "plain")
    result = invoke(["status"], cwd=tmp_path / "plain")
    assert result.exit_code == 0, result.output
    assert "every one (this folder is not in a git repository)" in result.output


def test_a_stale_sign_off_names_its_commit_the_diff_and_the_note(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.edit(CARD)
    team.commit("Update the card", who="ada")
    team.sign(CARD, "domain-expert", "katherine", note="Checked the new-merchant slice")
    signed_at = team.commit("Sign off", who="katherine")
    team.sign(CARD, "ml-engineer", "ada", note="Numbers recomputed")
    team.commit("Sign off", who="ada")
    out = invoke(["status"], cwd=team.path).output
    assert "ml-engineer      signed by Ada Lovelace (" in out
    assert '): "Numbers recomputed"' in out
    team.edit(CARD, "\nOne more sentence.\n")
    team.commit("Edit again", who="ada")
    out = invoke(["status"], cwd=team.path).output
    short = signed_at[:12]
    assert (
        f"domain-expert    stale: Katherine Johnson signed an older version at commit {short}"
        in (out)
    )
    assert (
        f"{CARD}: see what changed since Katherine Johnson signed it as domain-expert: "
        f"`git diff {short} -- {CARD}`"
    ) in out
    gate = invoke(["gate"], cwd=team.path).output
    assert f"(commit {short}); see what changed since: `git diff {short} -- {CARD}`" in gate
    data = json.loads(invoke(["status", "--format", "json"], cwd=team.path).output)
    cell = data["artifacts"][0]["roles"][2]
    assert (cell["state"], cell["commit"], cell["note"]) == (
        "stale",
        signed_at,
        "Checked the new-merchant slice",
    )
