"""`mltriad signoff`: the records it writes and the ones it refuses to write.

`Team` (also used by the gate and status tests) is a real git repository made from the
example, with the people of its roster signing and committing as themselves.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad.artifacts import digest_bytes
from mltriad.commands.gate import GateResult, gate
from mltriad.commands.signoff import SignRequest, sign_off
from mltriad.signoffs import located, payload, read_record, record_path, render
from mltriad.ssh import NAMESPACE, verify
from tests.helpers import EXAMPLE_REPO, commit_all, git, invoke

CARD = "model-cards/fraud-detector.md"
DECISION = "decisions/0002-use-gradient-boosting.md"
EVAL_SET = "eval-sets/fraud-holdout.yaml"
CARD_ROLES = ("ml-engineer", "product-manager", "domain-expert")
PEOPLE = {
    "ada": ("Ada Lovelace", "ada@example.org"),
    "grace": ("Grace Hopper", "grace@example.org"),
    "katherine": ("Katherine Johnson", "katherine@example.org"),
    "mallory": ("Mallory Moriarty", "mallory@example.org"),
}
MEMBER_OF = {"ml-engineer": "ada", "product-manager": "grace", "domain-expert": "katherine"}
SSH_KEYGEN = shutil.which("ssh-keygen")
needs_ssh = pytest.mark.skipif(SSH_KEYGEN is None, reason="ssh-keygen is not installed")


def make_keys(factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A throwaway ed25519 key for each person."""
    if SSH_KEYGEN is None:
        pytest.skip("ssh-keygen is not installed")
    folder = factory.mktemp("keys")
    found = {}
    for who in PEOPLE:
        key = folder / who
        subprocess.run(
            [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", who, "-f", str(key)], check=True
        )
        found[who] = key
    return found


def public_key(key: Path) -> str:
    return key.with_suffix(".pub").read_text(encoding="utf-8").strip()


class Team:
    """A repository made from the example, on main, and the people who sign in it."""

    def __init__(
        self,
        path: Path,
        *,
        identity: str = "author",
        keys: dict[str, Path] | None = None,
        policy: dict[str, Any] | None = None,
    ) -> None:
        shutil.copytree(EXAMPLE_REPO, path)
        self.path = path
        self.keys = keys or {}
        data = self.policy()
        data.setdefault("signoff", {})["identity"] = identity
        if keys:
            for role in data["roles"].values():
                for member in role["members"]:
                    who = next(k for k, v in PEOPLE.items() if v[1] == member["email"])
                    member["signing_key"] = public_key(keys[who])
        if policy:
            data.update(policy)
        self.write_policy(data)
        git(path, "init", "-q", "-b", "main")
        commit_all(path, "initial artifacts")

    # -- files ----------------------------------------------------------------------------
    def policy(self) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load((self.path / "triad.yaml").read_text("utf-8"))
        return loaded

    def write_policy(self, data: dict[str, Any]) -> None:
        (self.path / "triad.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")

    def edit(self, rel: str, text: str = "\nAnother paragraph.\n") -> None:
        with (self.path / rel).open("a", encoding="utf-8") as handle:
            handle.write(text)

    def read(self, rel: str) -> str:
        return (self.path / rel).read_text(encoding="utf-8")

    # -- git ------------------------------------------------------------------------------
    def git(self, *args: str, who: str | None = None) -> str:
        env = None
        if who:
            name, email = PEOPLE[who]
            env = {
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email,
            }
        return git(self.path, *args, env=env)

    def branch(self, name: str = "change", start: str = "main") -> None:
        self.git("checkout", "-q", "-b", name, start)

    def commit(self, message: str, who: str = "ada") -> str:
        return commit_all(self.path, message, author=PEOPLE[who])

    # -- signing --------------------------------------------------------------------------
    def sign(
        self,
        rel: str,
        role: str,
        who: str,
        *,
        key: bool = False,
        date: str | None = None,
        base: str | None = None,
        note: str = "",
    ) -> str:
        """`who` signs with the signoff API (as the command does); returns the record path."""
        name, email = PEOPLE[who]
        request = SignRequest(
            rel, role, note, self.keys[who] if key else None, name, email, base, date
        )
        return sign_off(self.path, request).record

    def sign_and_commit(
        self,
        rel: str,
        role: str,
        who: str | None = None,
        *,
        committer: str | None = None,
        key: bool = False,
        date: str | None = None,
    ) -> str:
        who = who or MEMBER_OF[role]
        self.sign(rel, role, who, key=key, date=date)
        return self.commit(f"Sign off {rel} as {role}", who=committer or who)

    def sign_all(
        self,
        rel: str,
        roles: tuple[str, ...] = CARD_ROLES,
        *,
        key: bool = False,
        committer: str | None = None,
    ) -> None:
        for role in roles:
            self.sign_and_commit(rel, role, key=key, committer=committer)

    def forge(
        self,
        rel: str,
        role: str,
        who: str,
        *,
        digest: str | None = None,
        artifact: str | None = None,
        at: str | None = None,
    ) -> str:
        """A record written by hand, as an attacker would, bypassing `mltriad signoff`."""
        name, email = PEOPLE[who]
        data = {
            "version": 1,
            "artifact": artifact or rel,
            "kind": "model-card",
            "role": role,
            "signer": {"name": name, "email": email},
            "digest": digest or digest_bytes((self.path / rel).read_bytes()),
            "date": "2026-06-01T10:00:00Z",
        }
        target = at or record_path("signoffs", rel, role)
        (self.path / target).parent.mkdir(parents=True, exist_ok=True)
        (self.path / target).write_bytes(render(data))
        return target

    # -- the gate -------------------------------------------------------------------------
    def gate(self, base: str = "main", head: str | None = None) -> GateResult:
        return gate(self.path, base, head, env={})

    def gate_rules(self, base: str = "main") -> set[tuple[str, str]]:
        """{(rule, path)} of the gate's findings."""
        return {(f.rule, f.path) for f in self.gate(base).findings}


def rules_of(result: GateResult) -> set[str]:
    return {f.rule for f in result.findings}


# -- writing records ------------------------------------------------------------------------
def test_signoff_writes_a_record_for_the_current_version(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
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
        ],
        cwd=team.path,
    )
    assert result.exit_code == 0, result.output
    record_file = team.path / "signoffs" / CARD / "product-manager.yaml"
    assert "Wrote signoffs/model-cards/fraud-detector.md/product-manager.yaml" in result.output
    assert "commit's author is grace@example.org" in result.output
    record, problems = read_record("x.yaml", record_file.read_bytes())
    assert problems == [] and record is not None
    assert (record.artifact, record.role, record.signer) == (
        CARD,
        "product-manager",
        "Grace Hopper <grace@example.org>",
    )
    assert record.digest == digest_bytes((team.path / CARD).read_bytes())
    assert record.note == "Launch bar checked" and record.signature is None
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
def test_signoff_with_a_key_writes_a_verifiable_signature(
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
            str(keys["grace"]),
        ],
        cwd=team.path,
    )
    assert result.exit_code == 0, result.output
    assert "verifies against your signing_key" in result.output
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


def change_card(tmp_path: Path, **options: object) -> Team:
    """A team's repository with a branch that edits the model card, committed by Ada."""
    team = Team(tmp_path / "repo", **options)  # type: ignore[arg-type]
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    return team
