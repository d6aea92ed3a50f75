"""`mltriad signoff`: write the sign-off record for an artifact's current content."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mltriad.artifacts import Repository, digest_bytes
from mltriad.errors import GitError, MltriadError
from mltriad.files import write_file
from mltriad.findings import ParseError
from mltriad.gitrepo import GitRepo
from mltriad.policy import POLICY_PATH, Member, Policy, read_policy
from mltriad.signoffs import (
    CLOCK_SKEW,
    REMOVED,
    SignOff,
    governed_kind,
    now_utc,
    payload,
    read_record,
    read_whole,
    record_path,
    removal_digest,
    render,
)
from mltriad.snapshot import Snapshot, WorkTree, normalize
from mltriad.ssh import sign, verify


@dataclass(frozen=True)
class Signer:
    name: str
    email: str


@dataclass(frozen=True)
class SignResult:
    """What `mltriad signoff` did."""

    record: str
    data: dict[str, Any]
    kind: str
    replaced: SignOff | None
    unchanged: bool
    identity: str
    verified: bool

    @property
    def removal(self) -> bool:
        return str(self.data["digest"]).startswith(REMOVED)


@dataclass(frozen=True)
class SignRequest:
    path: str
    role: str
    note: str = ""
    key: Path | None = None
    name: str | None = None
    email: str | None = None
    base: str | None = None
    date: str | None = None


def relative_path(root: Path, given: str) -> str:
    """A path typed by the user (relative to the current folder) as a repository path."""
    absolute = os.path.normpath(os.path.join(os.getcwd(), given))
    rel = os.path.relpath(absolute, root)
    clean = normalize(rel.replace(os.sep, "/"))
    if clean is None or clean == ".":
        raise MltriadError(
            f"'{given}' is outside the repository at {root}",
            hint="Name a file inside the repository, or pass -C.",
        )
    return clean


def sign_off(root: Path, request: SignRequest) -> SignResult:
    """Write (never commit) the sign-off record of `request.role` for an artifact's current
    content in the working tree at `root`, or for its removal when it no longer exists."""

    snapshot = WorkTree(root)
    policy, _findings = read_policy(snapshot)
    repo = Repository(snapshot, policy)
    kind = governed_kind(repo, request.path)
    if kind is None:
        raise MltriadError(
            f"'{request.path}' is not an artifact that needs sign-off",
            hint=f"triad.yaml governs {_governed_paths(policy)}.",
        )
    role = policy.roles.get(request.role)
    if role is None:
        raise MltriadError(
            f"there is no role '{request.role}' in triad.yaml",
            hint=f"Roles: {', '.join(policy.roles) or 'none yet'}.",
        )
    signer = _signer(root, policy, request)
    member = policy.member(role.id, signer.email)
    if member is None:
        raise MltriadError(
            f"{signer.email} is not a member of the role '{role.id}' in "
            f"triad.yaml (members: {role.who()})",
            hint="Sign with the email listed there (git config user.email), "
            "or have yourself added to the role in a reviewed change.",
        )
    digest = _digest(root, snapshot, request)
    data: dict[str, Any] = {
        "version": 1,
        "artifact": request.path,
        "kind": kind,
        "role": role.id,
        "signer": {"name": signer.name, "email": member.email},
        "digest": digest,
        "date": request.date or now_utc(),
    }
    if policy.repository is not None:
        data["repository"] = policy.repository  # inside the signature: not replayable elsewhere
    if request.note:
        data["note"] = request.note
    target = record_path(policy.signoff_dir, request.path, role.id)
    previous = _existing(snapshot, target)
    if (
        previous is not None
        and _same_sign_off(previous, data, request.key is not None)
        and not _older_than_its_version(root, previous)
    ):
        return SignResult(
            target,
            previous.data,
            kind,
            previous,
            True,
            policy.identity,
            previous.signature is not None,
        )
    key = request.key or _default_key(root, policy)
    verified = False
    if key is not None:
        data["signature"] = sign(payload(data), key)
        verified = _check_own_signature(data, member, policy)
    write_file(root / target, render(data), inside=root)
    return SignResult(target, data, kind, previous, False, policy.identity, verified)


def _governed_paths(policy: Policy) -> str:
    return (
        f"model cards ({policy.globs_text('model-card')}), decisions "
        f"({policy.globs_text('decision')}), evaluation sets ({policy.globs_text('eval-set')}) "
        f"and {POLICY_PATH}"
    )


def _signer(root: Path, policy: Policy, request: SignRequest) -> Signer:
    """Who signs: --email, else git's author email; the name as triad.yaml spells it."""
    email = request.email or os.environ.get("GIT_AUTHOR_EMAIL") or _git_config(root, "user.email")
    if not email:
        raise MltriadError(
            "who is signing? git has no user.email",
            hint="Run `git config user.email you@example.org` (the email "
            "listed for you in triad.yaml), or pass --email.",
        )
    member = next(
        (m for r in policy.roles.values() for m in r.members if m.email.lower() == email.lower()),
        None,
    )
    name = request.name or (member.name if member else None) or _git_config(root, "user.name")
    return Signer(name or email, email)


def _git_config(root: Path, key: str) -> str | None:

    try:
        with GitRepo.open(root) as repo:
            return repo.config(key)
    except GitError:
        return None


def _digest(root: Path, snapshot: Snapshot, request: SignRequest) -> str:
    if snapshot.exists(request.path):
        if request.base:
            raise MltriadError(
                f"'{request.path}' exists, so its current content is signed; "
                "--base only applies to a deleted artifact",
                hint="Leave out --base.",
            )
        return digest_bytes(read_whole(snapshot, request.path))
    return removal_digest(_removed_content(root, request))


def _removed_content(root: Path, request: SignRequest) -> bytes:
    """The content a deletion removes: at the merge base with --base, else the last
    committed version."""

    with GitRepo.open(root) as repo:
        if request.base:
            head = repo.resolve("HEAD")
            fork = repo.merge_base(repo.resolve(request.base, what="base"), head)
            tree = repo.tree(fork, f"merge base {fork[:12]}")
            if not tree.exists(request.path):
                raise MltriadError(
                    f"'{request.path}' is not in the merge base with "
                    f"{request.base}, so there is no removal to sign",
                    hint="Check the path, or leave out --base.",
                )
            return read_whole(tree, request.path)
        found = repo.last_version(request.path)
    if found is None:
        raise MltriadError(
            f"'{request.path}' does not exist and was never committed",
            hint="Check the path; to sign a deletion, name the deleted file.",
        )
    return found[1]


def _existing(snapshot: Snapshot, path: str) -> SignOff | None:
    if not snapshot.exists(path):
        return None
    try:
        record, _problems = read_record(path, snapshot.read_bytes(path))
    except (ParseError, OSError):
        return None
    return record


def _same_sign_off(previous: SignOff, data: dict[str, Any], signing: bool) -> bool:
    keys = ("artifact", "role", "digest", "signer", "repository")
    same = all(previous.data.get(k) == data.get(k) for k in keys)
    return (
        same
        and previous.note == data.get("note", "")
        and (previous.signature is not None or not signing)
    )


def _older_than_its_version(root: Path, record: SignOff) -> bool:
    """Whether `record` is dated before the committed version of its artifact was written
    (a record restored from history with the file it signs): the gate refuses such a
    record as a replay, so signing again must write a new one, not keep it."""
    if record.when is None:
        return False
    try:
        with GitRepo.open(root) as repo:
            written = repo.last_changes([record.artifact]).get(record.artifact)
    except GitError:
        return False  # no repository or no commit yet: nothing to compare with
    return written is not None and record.when < written[1] - CLOCK_SKEW


def _default_key(root: Path, policy: Policy) -> Path | None:
    """In signature mode without --key: git's SSH signing key, when it is a file."""
    if policy.identity != "signature":
        return None
    configured = _git_config(root, "user.signingkey")
    if configured and not configured.startswith("key::"):
        candidate = Path(os.path.expanduser(configured))
        if candidate.is_file():
            return candidate
    raise MltriadError(
        "triad.yaml requires SSH-signed sign-offs (signoff.identity: signature)",
        hint="Pass --key with your SSH private key, for example "
        "--key ~/.ssh/id_ed25519 (its public half must be your signing_key "
        "in triad.yaml).",
    )


def _check_own_signature(data: dict[str, Any], member: Member, policy: Policy) -> bool:
    if not member.signing_key:
        if policy.identity == "signature":
            raise MltriadError(
                f"{member.email} has no signing_key in triad.yaml, so the "
                "signature cannot be checked",
                hint="Add your public SSH key as signing_key in a reviewed change to triad.yaml.",
            )
        return False
    problem = verify(payload(data), str(data["signature"]), member.email, member.signing_key)
    if problem is not None:
        raise MltriadError(
            f"the signature made with this key does not match the signing_key "
            f"listed for {member.email} in triad.yaml ({problem}); nothing was "
            "written",
            hint="Sign with the private key whose public half is in triad.yaml.",
        )
    return True
