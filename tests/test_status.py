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
    result = invoke(["status"], cwd=team.path)
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
    result = invoke(["status"], cwd=team.path)
    assert "product-manager  signed by Mallory Moriarty" in result.output


def test_status_survives_a_windows_checkout(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(CARD, "ml-engineer", "ada")
    card = team.path / CARD
    card.write_bytes(card.read_bytes().replace(b"\n", b"\r\n"))
    result = invoke(["status", "--format", "markdown"], cwd=team.path)
    assert "✅ signed by Ada Lovelace" in result.output


@needs_ssh
def test_status_checks_signatures_in_signature_mode(tmp_path: Path, keys: dict[str, Path]) -> None:
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    team.sign(CARD, "ml-engineer", "ada", key=True)
    team.forge(CARD, "product-manager", "grace")  # no signature
    result = invoke(["status"], cwd=team.path)
    assert "ml-engineer      signed by Ada Lovelace" in result.output
    assert "product-manager  does not count (MT407)" in result.output
