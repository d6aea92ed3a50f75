"""Sign-off records: where they live, how they are written, signed and verified.

One record per artifact and role, at `<signoffs>/<artifact path>/<role>.yaml`. A record
binds a signer to one exact version of an artifact through its digest (or, for a
deletion, to the removal of one exact version: `removed:sha256:...`). With
`signoff.identity: signature` it also carries an SSH signature (namespace
`mltriad-signoff`) over its own content, made and verified by `mltriad.ssh` against the
signer's key in the base policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import yaml

from mltriad.artifacts import Repository, digest_bytes
from mltriad.documents import parse_yaml
from mltriad.findings import Finding, ParseError, finding, rule
from mltriad.policy import POLICY_PATH, Policy
from mltriad.schemas import validate
from mltriad.snapshot import Snapshot, WorkTree, normalize

REMOVED = "removed:"
GOVERNED_KINDS = ("policy", "model-card", "decision", "eval-set", "glossary")
_NO_LIMIT = 1 << 40
_HEADER = (
    "# Sign-off record written by `mltriad signoff`. Do not edit it by hand: the merge\n"
    "# gate checks it against the artifact's content and the signer's identity.\n"
)


# -- where records live -------------------------------------------------------------------
def commit_command(record: str, artifact: str, role: str) -> str:
    """The git command that commits a written sign-off record."""
    return f'git add {record} && git commit -m "Sign off {artifact} as {role}"'


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
    """The kind of a path that needs sign-off under the policy, or None. A triad.yaml in
    any folder below is a policy: commands run in that folder would obey it."""
    clean = normalize(path)
    if clean is None or clean.startswith(repo.policy.signoff_dir + "/"):
        return None
    if clean.rsplit("/", 1)[-1] == POLICY_PATH:
        return "policy"
    kind = repo.kind_of(clean)
    return kind if kind in GOVERNED_KINDS or kind in repo.policy.kinds else None


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


# -- who must sign ----------------------------------------------------------------------
def required_roles(
    policy: Policy, kind: str, versions: Iterable[dict[str, Any] | None]
) -> tuple[str, ...]:
    """The policy's roles for a kind plus those the artifact names in any of its versions
    (a decision's approvers, an evaluation set's owner): an artifact adds roles, never
    removes them. A version too large to read (None) could name any role, so it needs
    every role of the policy. A change to the policy needs every role (of
    `require.policy`) that has members; roles nobody can sign yet are left out so a
    roster can be filled in."""
    if kind == "policy":
        wanted = policy.require.get("policy") or tuple(policy.roles)
        return tuple(r for r in wanted if r in policy.roles and policy.roles[r].members)
    roles = list(policy.required_roles(kind))
    for data in versions:
        for role in list(policy.roles) if data is None else _named_roles(kind, data):
            if role not in roles:
                roles.append(role)
    return tuple(roles)


def _named_roles(kind: str, data: dict[str, Any]) -> list[str]:
    if kind == "decision":
        approvers = data.get("approvers")
        return [r for r in approvers if isinstance(r, str)] if isinstance(approvers, list) else []
    if kind in ("eval-set", "glossary"):
        owner = data.get("owner")
        return [owner] if isinstance(owner, str) else []
    return []


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
    def repository(self) -> str | None:
        value = self.data.get("repository")
        return str(value) if value is not None else None

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


# How far a record's date may be off from the clocks it is compared with (the checking
# machine's, a commit's author date) before the gate reads it as in the future or as older.
CLOCK_SKEW = timedelta(days=1)


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
