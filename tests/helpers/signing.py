"""The example team: its people and roles, their SSH keys, and `Team`, a real git repository
made from the example in which they sign off and commit as themselves."""

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
from mltriad.signoffs import record_path, render
from tests.helpers import CARD, EXAMPLE_REPO, author_env, commit_all, git

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
        return git(self.path, *args, env=author_env(*PEOPLE[who]) if who else None)

    def branch(self, name: str = "change", start: str = "main") -> None:
        self.git("checkout", "-q", "-b", name, start)

    def commit(self, message: str, who: str = "ada") -> str:
        return commit_all(self.path, message, author=PEOPLE[who])

    # -- signing --------------------------------------------------------------------------
    def key_option(self, who: str) -> list[str]:
        """`mltriad signoff`'s --key for `who` when the team signs with keys, else nothing."""
        return ["--key", str(self.keys[who])] if self.keys else []

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


def rules_of(result: GateResult) -> set[str]:
    return {f.rule for f in result.findings}


def change_card(tmp_path: Path, **options: Any) -> Team:
    """A team's repository with a branch that edits the model card, committed by Ada."""
    team = Team(tmp_path / "repo", **options)
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    return team
