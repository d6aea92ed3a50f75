"""`mltriad signoff`: the records it writes and the ones it refuses to write."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad.artifacts import digest_bytes
from mltriad.signoffs import located, payload, read_record, record_path
from mltriad.ssh import NAMESPACE, verify
from tests.helpers import CARD, DECISION, EVAL_SET, git, invoke
from tests.helpers.signing import Team, needs_ssh, public_key


# -- writing records ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "next_step"),
    [
        ("author", "the gate checks that the commit's author is grace@example.org"),
        ("signature", "The SSH signature verifies against your signing_key in triad.yaml."),
    ],
    ids=["author", "signature"],
)
def test_signoff_writes_a_record_for_the_current_version(
    tmp_path: Path, mode: str, next_step: str, identity: dict[str, Any]
) -> None:
    team = Team(tmp_path / "repo", **identity)
    result = invoke(
        [
            "signoff",
            CARD,
            "--role",
            "product-manager",
            "--email",
            "grace@example.org",
            "--note",
            "Launch bar checked",
            *team.key_option("grace"),
        ],
        cwd=team.path,
    )
    assert result.exit_code == 0, result.output
    record_file = team.path / "signoffs" / CARD / "product-manager.yaml"
    assert "Wrote signoffs/model-cards/fraud-detector.md/product-manager.yaml" in result.output
    assert next_step in result.output
    record, problems = read_record("x.yaml", record_file.read_bytes())
    assert problems == [] and record is not None
    assert (record.artifact, record.role, record.signer) == (
        CARD,
        "product-manager",
        "Grace Hopper <grace@example.org>",
    )
    assert record.digest == digest_bytes((team.path / CARD).read_bytes())
    assert record.note == "Launch bar checked"
    assert (record.signature is not None) == (mode == "signature")
    assert located("signoffs", record_path("signoffs", CARD, "product-manager")) == (
        CARD,
        "product-manager",
    )
    assert git(team.path, "status", "--porcelain").strip() == "?? signoffs/", "never commits"


def test_signoff_takes_the_signer_from_git(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.git("config", "user.email", "katherine@example.org")
    result = invoke(
        ["signoff", "fraud-holdout.yaml", "--role", "domain-expert"], cwd=team.path / "eval-sets"
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(team.read(f"signoffs/{EVAL_SET}/domain-expert.yaml"))
    assert data["signer"] == {"name": "Katherine Johnson", "email": "katherine@example.org"}
    assert data["kind"] == "eval-set"


def test_signing_the_same_version_again_changes_nothing(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(CARD, "ml-engineer", "ada")
    before = team.read(f"signoffs/{CARD}/ml-engineer.yaml")
    result = invoke(
        ["signoff", CARD, "--role", "ml-engineer", "--email", "ada@example.org"], cwd=team.path
    )
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert team.read(f"signoffs/{CARD}/ml-engineer.yaml") == before
    team.edit(CARD)
    result = invoke(
        ["signoff", CARD, "--role", "ml-engineer", "--email", "ada@example.org"], cwd=team.path
    )
    assert "replaces the sign-off by Ada Lovelace <ada@example.org>" in result.output
    assert "an older version" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "data-scientist", "--email", "ada@example.org"],
            "there is no role 'data-scientist'",
        ),
        (
            ["--role", "product-manager", "--email", "mallory@example.org"],
            "mallory@example.org is not a member of the role 'product-manager'",
        ),
        (
            ["--role", "product-manager", "--email", "ada@example.org"],
            "ada@example.org is not a member of the role 'product-manager'",
        ),
    ],
)
def test_signoff_refuses_a_role_or_signer_that_does_not_fit(
    tmp_path: Path, args: list[str], message: str
) -> None:
    team = Team(tmp_path / "repo")
    result = invoke(["signoff", CARD, *args], cwd=team.path)
    assert result.exit_code == 2
    assert message in result.output
    assert not (team.path / "signoffs").exists()


@pytest.mark.parametrize(
    "path", ["docs/labels/fraud.md", "README.md", "signoffs/x/y.yaml", "../outside.md"]
)
def test_signoff_refuses_what_is_not_a_governed_artifact(tmp_path: Path, path: str) -> None:
    team = Team(tmp_path / "repo")
    result = invoke(
        ["signoff", path, "--role", "ml-engineer", "--email", "ada@example.org"], cwd=team.path
    )
    assert result.exit_code == 2
    assert "not an artifact that needs sign-off" in result.output or "outside" in result.output


def test_signoff_of_a_deleted_artifact_signs_its_removal(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    original = (team.path / DECISION).read_bytes()
    team.git("rm", "-q", DECISION)
    result = invoke(
        [
            "signoff",
            DECISION,
            "--role",
            "product-manager",
            "--email",
            "grace@example.org",
            "--base",
            "main",
        ],
        cwd=team.path,
    )
    assert result.exit_code == 0, result.output
    assert "signs the removal of" in result.output
    data = yaml.safe_load(team.read(f"signoffs/{DECISION}/product-manager.yaml"))
    assert data["digest"] == "removed:" + digest_bytes(original)
    team.commit("Remove decision 2")
    result = invoke(
        ["signoff", DECISION, "--role", "ml-engineer", "--email", "ada@example.org"], cwd=team.path
    )
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(team.read(f"signoffs/{DECISION}/ml-engineer.yaml"))
    assert data["digest"] == "removed:" + digest_bytes(original)


def test_signoff_of_a_file_that_never_existed_is_refused(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    result = invoke(
        ["signoff", "model-cards/ghost.md", "--role", "ml-engineer", "--email", "ada@example.org"],
        cwd=team.path,
    )
    assert result.exit_code == 2
    assert "does not exist and was never committed" in result.output


def test_digests_ignore_line_endings(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(CARD, "ml-engineer", "ada")
    card = team.path / CARD
    card.write_bytes(card.read_bytes().replace(b"\n", b"\r\n"))
    result = invoke(
        ["signoff", CARD, "--role", "ml-engineer", "--email", "ada@example.org"], cwd=team.path
    )
    assert "nothing changed" in result.output


# -- SSH signatures -------------------------------------------------------------------------
@needs_ssh
def test_a_signature_verifies_and_covers_every_field_of_the_record(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    team.sign(CARD, "product-manager", "grace", key=True)
    record, _ = read_record("r.yaml", team.read(f"signoffs/{CARD}/product-manager.yaml").encode())
    assert record is not None and record.signature is not None
    assert record.signature.startswith("-----BEGIN SSH SIGNATURE-----")
    grace_key = public_key(keys["grace"])
    assert verify(record.payload(), record.signature, "grace@example.org", grace_key) is None
    tampered = dict(record.data, note="added later")
    assert verify(payload(tampered), record.signature, "grace@example.org", grace_key)
    assert NAMESPACE == "mltriad-signoff"


@needs_ssh
def test_signoff_refuses_a_key_that_is_not_the_signers(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    result = invoke(
        [
            "signoff",
            CARD,
            "--role",
            "product-manager",
            "--email",
            "grace@example.org",
            "--key",
            str(keys["mallory"]),
        ],
        cwd=team.path,
    )
    assert result.exit_code == 2
    assert "does not match the signing_key listed for grace@example.org" in result.output
    assert not (team.path / "signoffs").exists()


@needs_ssh
def test_signature_mode_asks_for_a_key(tmp_path: Path, keys: dict[str, Path]) -> None:
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    result = invoke(
        ["signoff", CARD, "--role", "product-manager", "--email", "grace@example.org"],
        cwd=team.path,
    )
    assert result.exit_code == 2
    assert "--key" in result.output
    team.git("config", "user.signingkey", str(keys["grace"]))
    result = invoke(
        ["signoff", CARD, "--role", "product-manager", "--email", "grace@example.org"],
        cwd=team.path,
    )
    assert result.exit_code == 0, result.output


# -- check-time rules on records ------------------------------------------------------------
def test_check_reports_misplaced_stale_and_orphan_records(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign(CARD, "ml-engineer", "ada")
    team.sign(DECISION, "product-manager", "grace")
    shutil.copy(
        team.path / "signoffs" / DECISION / "product-manager.yaml",
        team.path / "signoffs" / CARD / "product-manager.yaml",
    )
    team.edit(CARD)
    team.forge(
        "model-cards/gone.md",
        "ml-engineer",
        "ada",
        digest="sha256:" + "0" * 64,
        at="signoffs/model-cards/gone.md/ml-engineer.yaml",
    )
    result = invoke(["check", "--format", "json"], cwd=team.path)
    import json

    findings = {
        (f["rule"], f["path"], f["severity"]) for f in json.loads(result.output)["findings"]
    }
    assert ("MT403", f"signoffs/{CARD}/product-manager.yaml", "error") in findings
    assert ("MT402", f"signoffs/{CARD}/ml-engineer.yaml", "info") in findings
    assert ("MT411", "signoffs/model-cards/gone.md/ml-engineer.yaml", "warning") in findings
    assert result.exit_code == 1  # the copied record is an error; stale is only a note


def test_check_accepts_current_records(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.sign_all(CARD)
    result = invoke(["check", "--format", "json"], cwd=team.path)
    import json

    signoff_findings = [
        f for f in json.loads(result.output)["findings"] if f["path"].startswith("signoffs/")
    ]
    assert signoff_findings == []
