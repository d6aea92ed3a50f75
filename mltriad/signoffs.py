"""Sign-off records: where they live, how they are written, signed and verified.

One record per artifact and role, at `<signoffs>/<artifact path>/<role>.yaml`. A record
binds a signer to one exact version of an artifact through its digest (or, for a
deletion, to the removal of one exact version: `removed:sha256:...`). With
`signoff.identity: signature` it also carries an SSH signature (namespace
`mltriad-signoff`) over its own content, made with `ssh-keygen -Y sign` and verified
with `ssh-keygen -Y verify` against the signer's key in the base policy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from mltriad.artifacts import Repository, digest_bytes
from mltriad.documents import ParseError, parse_yaml
from mltriad.errors import MltriadError
from mltriad.findings import Finding, finding, rule
from mltriad.policy import POLICY_PATH, Member, Policy
from mltriad.schemas import validate
from mltriad.snapshot import Snapshot, WorkTree, normalize

NAMESPACE = "mltriad-signoff"
REMOVED = "removed:"
GOVERNED_KINDS = ("policy", "model-card", "decision", "eval-set")
_NO_LIMIT = 1 << 40
_PRINCIPAL_UNSAFE = set("*?!,\"' \t")
_HEADER = (
    "# Sign-off record written by `mltriad signoff`. Do not edit it by hand: the merge\n"
    "# gate checks it against the artifact's content and the signer's identity.\n"
)


# -- where records live -------------------------------------------------------------------
def record_path(signoff_dir: str, artifact: str, role: str) -> str:
    """The one place where the sign-off of `role` for `artifact` is kept."""
    return f"{signoff_dir.rstrip('/')}/{artifact}/{role}.yaml"


def located(signoff_dir: str, path: str) -> tuple[str, str] | None:
    """(artifact, role) that a record's path stands for, or None if it is not a record path."""
    prefix = signoff_dir.rstrip("/") + "/"
    if not path.startswith(prefix) or not path.endswith(".yaml"):
        return None
    artifact, _, name = path[len(prefix) :].rpartition("/")
    if not artifact:
        return None
    return artifact, name[: -len(".yaml")]


def governed_kind(repo: Repository, path: str) -> str | None:
    """The kind of a path that needs sign-off under the policy, or None."""
    clean = normalize(path)
    if clean is None or clean.startswith(repo.policy.signoff_dir + "/"):
        return None
    kind = repo.kind_of(clean)
    return kind if kind in GOVERNED_KINDS else None


def read_whole(snapshot: Snapshot, path: str) -> bytes:
    """All of a file's bytes, whatever the parsing limit: a digest covers the whole file.

    A git tree checks sizes from its listing before reading, so it takes any limit; a
    working tree's file is read to its end (a limit there would be allocated up front).
    """
    if isinstance(snapshot, WorkTree):
        return snapshot.real_path(path).read_bytes()
    return snapshot.read_bytes(path, _NO_LIMIT)


def removal_digest(raw: bytes) -> str:
    """The digest a sign-off of deleting this content carries."""
    return REMOVED + digest_bytes(raw)


# -- reading records ----------------------------------------------------------------------
@dataclass(frozen=True)
class SignOff:
    """A parsed, schema-valid sign-off record."""

    path: str
    data: dict[str, Any]

    @property
    def artifact(self) -> str:
        return str(self.data["artifact"])

    @property
    def role(self) -> str:
        return str(self.data["role"])

    @property
    def signer_name(self) -> str:
        return str(self.data["signer"]["name"])

    @property
    def signer_email(self) -> str:
        return str(self.data["signer"]["email"])

    @property
    def signer(self) -> str:
        return f"{self.signer_name} <{self.signer_email}>"

    @property
    def digest(self) -> str:
        return str(self.data["digest"])

    @property
    def date(self) -> str:
        return str(self.data["date"])

    @property
    def note(self) -> str:
        return str(self.data.get("note", ""))

    @property
    def signature(self) -> str | None:
        value = self.data.get("signature")
        return value if isinstance(value, str) else None

    @property
    def removal(self) -> bool:
        return self.digest.startswith(REMOVED)

    @property
    def when(self) -> datetime | None:
        return parse_date(self.date)

    def payload(self) -> bytes:
        return payload(self.data)


def payload(data: dict[str, Any]) -> bytes:
    """The bytes a signature covers: the record's data without its signature, as canonical
    JSON, so that YAML formatting and line endings do not matter."""
    content = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def read_record(path: str, raw: bytes) -> tuple[SignOff | None, list[Finding]]:
    """The record in `raw`, or None and the findings that make it unusable."""
    try:
        doc = parse_yaml(path, raw)
    except ParseError as exc:
        return None, [finding(rule(exc.rule_id), path, exc.message, exc.line, exc.col)]
    problems = validate("signoff", doc.data, doc)
    if problems:
        return None, problems
    return SignOff(path, doc.data), []


def parse_date(text: str) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (UTC when no zone is given)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- SSH signatures -----------------------------------------------------------------------
def ssh_keygen() -> str:
    """The path of ssh-keygen; an environment error when it is missing."""
    found = shutil.which("ssh-keygen")
    if not found:
        raise MltriadError(
            "ssh-keygen is not installed; it makes and checks SSH signatures",
            hint="Install the OpenSSH client (8.2 or later) and run again.",
        )
    return found


def sign(data: bytes, key: Path) -> str:
    """An armored SSH signature over `data` made with a private key (or a public key whose
    private half is in ssh-agent)."""
    if not key.is_file():
        raise MltriadError(
            f"the key file {key} does not exist",
            hint="Pass --key with the path of your SSH private key.",
        )
    result = subprocess.run(
        [ssh_keygen(), "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
        input=data,
        capture_output=True,
        check=False,
        timeout=300,
    )
    signature = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MltriadError(
            f"ssh-keygen could not sign with {key}: "
            f"{detail[-1] if detail else 'no signature made'}",
            hint="Check the key's path and passphrase (or add it to ssh-agent).",
        )
    return signature


def verify(data: bytes, signature: str, email: str, public_key: str) -> str | None:
    """None when `signature` over `data` was made by `public_key` for `email` in the
    mltriad-signoff namespace; otherwise a sentence saying why not."""
    if not email or any(ch in _PRINCIPAL_UNSAFE for ch in email):
        return f"the email '{email}' cannot be used as an SSH principal"
    with tempfile.TemporaryDirectory(prefix="mltriad-verify-") as folder:
        allowed = Path(folder, "allowed_signers")
        allowed.write_text(
            f'{email} namespaces="{NAMESPACE}" {public_key.strip()}\n', encoding="utf-8"
        )
        sig = Path(folder, "record.sig")
        sig.write_text(signature, encoding="ascii", errors="replace")
        result = subprocess.run(
            [
                ssh_keygen(),
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                email,
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            input=data,
            capture_output=True,
            check=False,
            timeout=60,
        )
    if result.returncode == 0:
        return None
    detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
    return detail[-1].rstrip(".") if detail else "the signature does not verify"


# -- writing records ----------------------------------------------------------------------
class _RecordDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RecordDumper.add_representer(str, _represent_str)


def render(data: dict[str, Any]) -> bytes:
    body = yaml.dump(
        data,
        Dumper=_RecordDumper,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
        default_flow_style=False,
    )
    return (_HEADER + body).encode("utf-8")


def write_atomically(target: Path, content: bytes) -> None:
    """Write a file so that an interruption never leaves half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# -- the `signoff` command ----------------------------------------------------------------
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
    from mltriad.policy import read_policy

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
    if request.note:
        data["note"] = request.note
    target = record_path(policy.signoff_dir, request.path, role.id)
    previous = _existing(snapshot, target)
    if previous is not None and _same_sign_off(previous, data, request.key is not None):
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
    write_atomically(root / target, render(data))
    return SignResult(target, data, kind, previous, False, policy.identity, verified)


def _governed_paths(policy: Policy) -> str:
    return (
        f"model cards ({policy.glob('model-card')}), decisions ({policy.glob('decision')}), "
        f"evaluation sets ({policy.glob('eval-set')}) and {POLICY_PATH}"
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
    from mltriad.errors import GitError
    from mltriad.gitrepo import GitRepo

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
    from mltriad.gitrepo import GitRepo

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
    keys = ("artifact", "role", "digest", "signer")
    same = all(previous.data.get(k) == data.get(k) for k in keys)
    return (
        same
        and previous.note == data.get("note", "")
        and (previous.signature is not None or not signing)
    )


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


def describe(result: SignResult) -> Iterable[str]:
    """Lines for the person who signed: what was written and what to do next."""
    data = result.data
    what = "the removal of" if result.removal else "the current version of"
    short = str(data["digest"]).removeprefix(REMOVED)[:19]
    if result.unchanged:
        yield (
            f"{result.record} already holds {data['signer']['name']}'s {data['role']} "
            f"sign-off of {what} {data['artifact']} ({short}...); nothing changed."
        )
        return
    yield (
        f"Wrote {result.record}: {data['signer']['name']} <{data['signer']['email']}> signs "
        f"{what} {data['artifact']} ({short}...) as {data['role']}."
    )
    if result.replaced is not None:
        previous = result.replaced
        yield (
            f"It replaces the sign-off by {previous.signer} from {previous.date} "
            f"({'same version' if previous.digest == data['digest'] else 'an older version'})."
        )
    if result.verified:
        yield "The SSH signature verifies against your signing_key in triad.yaml."
    if result.identity == "author":
        yield (
            f"Next: commit it as yourself: git add {result.record} && git commit -m "
            f'"Sign off {data["artifact"]} as {data["role"]}" (the gate checks that the '
            f"commit's author is {data['signer']['email']})."
        )
    else:
        yield (
            f'Next: commit it: git add {result.record} && git commit -m "Sign off '
            f'{data["artifact"]} as {data["role"]}".'
        )
