"""The sign-off matrix: for each artifact, each required role as signed, stale or missing.

`signoff_matrix(snapshot, policy)` is the data API (the `status` command, the gate's
summary table and the site all use it): a list of `Row`s, one per artifact, each with one
`Cell` per required role saying who signed and when, or why the sign-off does not count,
and who may sign. The gate passes a `prove` function that also checks identity against
git history or SSH signatures; without one, a cell is `signed` when a member's record
matches the artifact's current digest (and, in signature mode, its signature verifies
when `verify_signatures` is on).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mltriad.artifacts import Repository, digest_bytes, parse
from mltriad.findings import ParseError
from mltriad.policy import Member, Policy
from mltriad.rules.signoff_rules import (
    BAD_SIGNATURE,
    INVALID,
    MISPLACED,
    MISSING,
    NO_SIGNER,
    NOT_A_MEMBER,
    SAME_SIGNER,
    STALE,
)
from mltriad.signoffs import (
    GOVERNED_KINDS,
    REMOVED,
    SignOff,
    governed_kind,
    read_record,
    read_whole,
    record_path,
    removal_digest,
    required_roles,
)
from mltriad.snapshot import Snapshot
from mltriad.ssh import verify


class State(str, enum.Enum):
    SIGNED = "signed"
    STALE = "stale"
    MISSING = "missing"
    INVALID = "invalid"


@dataclass(frozen=True)
class Problem:
    """Why a record does not count: a rule id and a sentence."""

    rule: str
    reason: str


Prover = Callable[[SignOff, Member], "Problem | None"]


@dataclass(frozen=True)
class Requirement:
    """One artifact's need for sign-off: which version (digest) and which roles."""

    artifact: str
    kind: str
    change: str  # added, modified, removed, or current (status without a base)
    digest: str
    roles: tuple[str, ...]

    @property
    def removal(self) -> bool:
        return self.digest.startswith(REMOVED)


@dataclass(frozen=True)
class Cell:
    """One role's sign-off of one artifact."""

    role: str
    state: State
    record: str
    may_sign: tuple[Member, ...] = ()
    signer_name: str | None = None
    signer_email: str | None = None
    date: str | None = None
    rule: str | None = None
    reason: str = ""
    note: str = ""  # the signer's --note
    commit: str | None = None  # the commit that wrote the record, where known

    @property
    def signed(self) -> bool:
        return self.state is State.SIGNED

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "state": self.state.value,
            "record": self.record,
            "signer": (
                {"name": self.signer_name, "email": self.signer_email}
                if self.signer_email
                else None
            ),
            "date": self.date,
            "rule": self.rule,
            "reason": self.reason or None,
            "note": self.note or None,
            "commit": self.commit,
            "may_sign": [{"name": m.name, "email": m.email} for m in self.may_sign],
        }


@dataclass(frozen=True)
class Row:
    """One artifact and the sign-off of each role it needs."""

    artifact: str
    kind: str
    change: str
    digest: str
    cells: tuple[Cell, ...]

    @property
    def complete(self) -> bool:
        return all(c.signed for c in self.cells)

    @property
    def removal(self) -> bool:
        return self.digest.startswith(REMOVED)

    def cell(self, role: str) -> Cell | None:
        return next((c for c in self.cells if c.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "artifact": self.artifact,
            "kind": self.kind,
            "change": self.change,
            "digest": self.digest,
            "complete": self.complete,
            "roles": [c.to_dict() for c in self.cells],
        }


# -- what needs sign-off ------------------------------------------------------------------


def requirement(
    policy: Policy,
    kind: str,
    path: str,
    change: str,
    current: bytes | None,
    before: bytes | None = None,
) -> Requirement:
    """The requirement for one artifact: `current` content (None when it is removed) and
    its content `before` the change (None when it is new)."""
    versions = [_data(policy, kind, path, raw) for raw in (current, before) if raw is not None]
    if current is None:
        assert before is not None
        digest = removal_digest(before)
    else:
        digest = digest_bytes(current)
    return Requirement(path, kind, change, digest, required_roles(policy, kind, versions))


def _data(policy: Policy, kind: str, path: str, raw: bytes) -> dict[str, Any] | None:
    """An artifact's data, or None when it is over the size limit: parsing it could take
    minutes and gigabytes (`check` refuses such a file)."""
    if kind == "policy":
        return {}
    return None if len(raw) > policy.max_file_bytes else parse(kind, path, raw).data


def current_requirements(snapshot: Snapshot, policy: Policy) -> list[Requirement]:
    """Every model card, decision record and evaluation set of a snapshot, as it is."""
    repo = Repository(snapshot, policy)
    found = []
    for kind in (*GOVERNED_KINDS, *policy.kinds):
        if kind == "policy":
            continue
        for path in repo.paths(kind):
            raw = _content(snapshot, path)
            if raw is not None:
                found.append(requirement(policy, kind, path, "current", raw))
    return found


def _content(snapshot: Snapshot, path: str) -> bytes | None:
    """A file's bytes, or None when it is absent or unreadable (a symlink leading out of
    the repository: `check` reports it)."""
    try:
        return read_whole(snapshot, path) if snapshot.exists(path) else None
    except (ParseError, OSError):
        return None


# -- evaluating records -------------------------------------------------------------------
def signoff_matrix(
    snapshot: Snapshot,
    policy: Policy,
    requirements: Sequence[Requirement] | None = None,
    *,
    prove: Prover | None = None,
    verify_signatures: bool = False,
) -> list[Row]:
    """The sign-off state of each requirement (default: every artifact of the snapshot),
    reading records from `snapshot` and judging them by `policy`."""
    if requirements is None:
        requirements = current_requirements(snapshot, policy)
    if prove is None and verify_signatures and policy.identity == "signature":
        prove = signature_prover(policy)
    rows = []
    for need in requirements:
        records = {
            role: _read(snapshot, record_path(policy.signoff_dir, need.artifact, role))
            for role in need.roles
        }
        rows.append(evaluate(need, policy, records, prove))
    return rows


def _read(snapshot: Snapshot, path: str) -> bytes | None:
    try:
        return snapshot.read_bytes(path) if snapshot.exists(path) else None
    except (ParseError, OSError):
        return None  # an oversized record, or a symlink out of the repository, counts for nothing


def evaluate(
    need: Requirement,
    policy: Policy,
    records: Mapping[str, bytes | None],
    prove: Prover | None = None,
) -> Row:
    """One row: each role's record (raw bytes, or None) judged against the requirement."""
    cells = [_cell(need, role, policy, records.get(role), prove) for role in need.roles]
    if policy.distinct_signers:
        cells = _distinct(cells)
    return Row(need.artifact, need.kind, need.change, need.digest, tuple(cells))


def _cell(
    need: Requirement, role: str, policy: Policy, raw: bytes | None, prove: Prover | None
) -> Cell:
    path = record_path(policy.signoff_dir, need.artifact, role)
    defined = policy.roles.get(role)
    members = defined.members if defined else ()
    if defined is None or not members:
        why = "is not defined in triad.yaml" if defined is None else "has no members in triad.yaml"
        return Cell(
            role,
            State.INVALID,
            path,
            (),
            rule=NO_SIGNER.id,
            reason=f"nobody can sign: the role '{role}' {why}",
        )
    if raw is None:
        return Cell(
            role, State.MISSING, path, members, rule=MISSING.id, reason="nobody has signed it yet"
        )
    record, problems = read_record(path, raw)
    if record is None:
        first = problems[0]
        return Cell(
            role,
            State.INVALID,
            path,
            members,
            rule=INVALID.id,
            reason=f"the record at {path} is not valid (line {first.line}: {first.message})",
        )
    signed = Cell(
        role,
        State.SIGNED,
        path,
        members,
        record.signer_name,
        record.signer_email,
        record.date,
        note=record.note,
    )
    problem = _judge(need, role, policy, record, prove)
    if problem is None:
        return signed
    state = State.STALE if problem.rule == STALE.id else State.INVALID
    return Cell(
        role,
        state,
        path,
        members,
        record.signer_name,
        record.signer_email,
        record.date,
        problem.rule,
        problem.reason,
        record.note,
    )


def _judge(
    need: Requirement, role: str, policy: Policy, record: SignOff, prove: Prover | None
) -> Problem | None:
    if record.artifact != need.artifact or record.role != role:
        return Problem(
            MISPLACED.id,
            f"the record at {record.path} names {record.artifact}, "
            f"role {record.role}: a record copied from another sign-off counts "
            "for nothing",
        )
    if policy.repository is not None and record.repository != policy.repository:
        given = (
            f"for the repository {record.repository}" if record.repository else "with no repository"
        )
        return Problem(
            MISPLACED.id,
            f"the record at {record.path} was signed {given}, and triad.yaml's "
            f"signoff.repository is {policy.repository}: a sign-off given elsewhere "
            "counts for nothing here",
        )
    if record.digest != need.digest:
        return Problem(STALE.id, _stale_reason(need, record))
    member = policy.member(role, record.signer_email)
    if member is None:
        return Problem(
            NOT_A_MEMBER.id, f"{record.signer} signed, but is not a member of {role} in triad.yaml"
        )
    return prove(record, member) if prove is not None else None


_CHANGED = "; the file has changed since"


def _stale_reason(need: Requirement, record: SignOff) -> str:
    signed = f"{record.signer} signed"
    when = f"on {record.date}"
    if need.removal and not record.removal:
        return f"{signed} a version of the file {when}, not its removal"
    if record.removal and not need.removal:
        return f"{signed} the removal of the file {when}, which this change keeps"
    what = "the removal of another version" if need.removal else "another version"
    return f"{signed} {what} {when}{_CHANGED}"


def _distinct(cells: list[Cell]) -> list[Cell]:
    """With distinct_signers, a person's second role on one artifact does not count."""
    seen: dict[str, str] = {}
    result = []
    for cell in cells:
        email = (cell.signer_email or "").lower()
        if cell.signed and email in seen:
            cell = Cell(
                cell.role,
                State.INVALID,
                cell.record,
                cell.may_sign,
                cell.signer_name,
                cell.signer_email,
                cell.date,
                SAME_SIGNER.id,
                f"{cell.signer_name} <{cell.signer_email}> already signs this artifact "
                f"as {seen[email]}; distinct_signers needs another person for "
                f"{cell.role}",
                cell.note,
            )
        elif cell.signed:
            seen[email] = cell.role
        result.append(cell)
    return result


def with_commits(
    rows: Sequence[Row], commits_of: Callable[[list[str]], Mapping[str, str]]
) -> list[Row]:
    """`rows` with, for each stale sign-off, the commit that wrote its record
    (`commits_of(record paths)`) and the command that shows what changed since."""
    stale = [c.record for row in rows for c in row.cells if c.state is State.STALE]
    found = commits_of(stale) if stale else {}
    result = []
    for row in rows:
        cells = []
        for cell in row.cells:
            sha = found.get(cell.record) if cell.state is State.STALE else None
            if sha is None:
                cells.append(cell)
                continue
            reason = cell.reason
            if not row.removal:
                reason = (
                    f"{reason.removesuffix(_CHANGED)} (commit {sha[:12]}); see what changed "
                    f"since: `git diff {sha[:12]} -- {row.artifact}`"
                )
            cells.append(replace(cell, commit=sha, reason=reason))
        result.append(replace(row, cells=tuple(cells)))
    return result


def signature_prover(policy: Policy) -> Prover:
    """Check each record's SSH signature against the member's signing_key in `policy`."""

    def prove(record: SignOff, member: Member) -> Problem | None:
        if record.signature is None:
            return Problem(
                BAD_SIGNATURE.id,
                f"the record by {record.signer} has no SSH "
                "signature, which signoff.identity: signature requires",
            )
        if not member.signing_key:
            return Problem(
                BAD_SIGNATURE.id,
                f"{member.email} has no signing_key in triad.yaml to check the signature against",
            )
        failure = verify(record.payload(), record.signature, member.email, member.signing_key)
        if failure is not None:
            return Problem(
                BAD_SIGNATURE.id,
                f"the SSH signature does not verify against the "
                f"signing_key of {member.email} in triad.yaml ({failure})",
            )
        return None

    return prove


def role_columns(rows: Sequence[Row], policy: Policy) -> list[str]:
    """The roles of the table: the policy's, in its order, then any others rows need."""
    columns = [r for r in policy.roles if any(row.cell(r) for row in rows)]
    for row in rows:
        for cell in row.cells:
            if cell.role not in columns:
                columns.append(cell.role)
    return columns


def changed_since(before: Snapshot, after: Snapshot, policy: Policy) -> list[Requirement]:
    """Requirements for the governed files that differ between two snapshots."""
    old_repo, new_repo = Repository(before, policy), Repository(after, policy)
    paths = {p for _, p in old_repo.all_paths()} | {p for _, p in new_repo.all_paths()}
    needs = []
    for path in sorted(paths):
        kind = governed_kind(new_repo, path)
        if kind is None:
            continue
        old, new = _content(before, path), _content(after, path)
        if old is not None and new is not None and digest_bytes(old) == digest_bytes(new):
            continue
        change = "added" if old is None else "removed" if new is None else "modified"
        needs.append(requirement(policy, kind, path, change, new, old))
    return needs


@dataclass(frozen=True)
class Wait:
    """Who a set of sign-offs waits on: the people who may sign as `role` (none: nobody
    can, the role has no members) and the artifacts that need it, in order."""

    role: str
    signers: tuple[Member, ...]
    artifacts: tuple[str, ...]

    @property
    def names(self) -> str:
        """'Grace Hopper', or 'Ada Lovelace or Alan Turing' when any of them may sign."""
        return " or ".join(m.name for m in self.signers)


def waiting_on(rows: Sequence[Row]) -> list[Wait]:
    """Who must act next: one entry per person (or set of people who may sign) and role,
    with every artifact that waits on them, then the roles nobody can sign for."""
    waits: dict[tuple[tuple[Member, ...], str], list[str]] = {}
    nobody: dict[str, list[str]] = {}
    for row in rows:
        for cell in row.cells:
            if cell.signed:
                continue
            if cell.rule == NO_SIGNER.id or not cell.may_sign:
                nobody.setdefault(cell.role, []).append(row.artifact)
            else:
                waits.setdefault((cell.may_sign, cell.role), []).append(row.artifact)
    found = [
        Wait(role, signers, tuple(dict.fromkeys(paths))) for (signers, role), paths in waits.items()
    ]
    found += [Wait(role, (), tuple(dict.fromkeys(paths))) for role, paths in nobody.items()]
    return found
