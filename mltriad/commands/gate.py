"""`mltriad gate`: may HEAD merge into BASE?

The change is everything from merge-base(BASE, HEAD) to HEAD (renames count as a
deletion plus an addition). The policy, roster and signing keys are read from the BASE
commit, never from the change. Each governed file the change adds, modifies or deletes
needs a sign-off from every required role that counts: a schema-valid record in its
place, for the exact version at HEAD (or for the removal of the exact version deleted),
by a member of the role, whose identity holds (the author of the commit that last wrote
the record, or an SSH signature), one person per role with `distinct_signers`. When the
gate cannot decide (no repository, unknown ref, shallow history, no merge base, unusable
base policy) it raises a GitError or ConfigError (exit 2): it never passes by default.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from mltriad.artifacts import Repository, digest_bytes, is_not_a_record
from mltriad.commands.refs import Refs, choose_refs, fetch_hint
from mltriad.errors import GitError
from mltriad.findings import Finding, ParseError, finding, rule
from mltriad.gitrepo import Change, Commit, GitRepo, GitTree
from mltriad.matrix import (
    Cell,
    Problem,
    Prover,
    Requirement,
    Row,
    State,
    evaluate,
    requirement,
    signature_prover,
    with_commits,
)
from mltriad.policy import POLICY_PATH, Member, Policy, base_policy
from mltriad.rules.base import Context
from mltriad.rules.result_rules import recomputed_results
from mltriad.rules.signoff_rules import (
    AUTHOR_MISMATCH,
    CASE_VARIANT,
    MISSING,
    NO_SIGNER,
    REPLAYED,
    STALE,
    SYMLINK,
)
from mltriad.signoffs import (
    CLOCK_SKEW,
    GOVERNED_KINDS,
    SignOff,
    commit_command,
    governed_kind,
    located,
    read_record,
    read_whole,
    record_path,
)
from mltriad.snapshot import glob_regex

_SUBMODULE = "160000"
_SYMLINK = "120000"
_REGULAR_FILE = ("100644", "100755")
_KEY_EXAMPLE = "~/.ssh/id_ed25519"


@dataclass
class GateResult:
    rows: list[Row]
    findings: list[Finding]
    policy: Policy
    refs: Refs
    base: str
    head: str
    merge_base: str
    notes: list[str] = field(default_factory=list)
    # The finding of each sign-off that does not count, by (artifact, role).
    cell_findings: dict[tuple[str, str], Finding] = field(default_factory=dict)
    prefix: str = ""  # the folder of the policy in the repository ("" at its top)

    @property
    def passed(self) -> bool:
        return not any(f.blocks for f in self.findings)


def gate(
    root: Path,
    base: str | None = None,
    head: str | None = None,
    env: Mapping[str, str] | None = None,
) -> GateResult:
    """Decide whether `head` may merge into `base` (see the module's docstring)."""
    environ = os.environ if env is None else env
    with GitRepo.open(root) as repo:
        if repo.is_shallow():
            raise GitError(
                "this clone is shallow, so the gate cannot see the history it must check",
                hint=fetch_hint(environ),
            )
        refs = choose_refs(repo, base, head, environ)
        refs = replace(refs, resolved_base=repo.full_name(refs.base, what="base"))
        base_sha = repo.resolve(refs.base, what="base")
        head_sha = repo.resolve(refs.head, what="head")
        if refs.fast_forward and not repo.is_ancestor(base_sha, head_sha):
            raise GitError(
                f"the push replaced history: its `before` ({base_sha[:12]}) is not an "
                f"ancestor of what it pushed ({head_sha[:12]}), so the difference between "
                "them is not what changed, and the gate cannot decide",
                hint=f"Gate the change on a pull request, or compare with the protected "
                f"branch: `mltriad gate --base {refs.suggest_base} --head {head_sha[:12]}`.",
            )
        repo.prefix = policy_folder(repo, base_sha)
        fork = repo.merge_base(base_sha, head_sha)
        base_tree = repo.tree(base_sha, f"base commit {base_sha[:12]} ({refs.base})")
        policy = base_policy(base_tree)
        head_tree = repo.tree(head_sha, f"head commit {head_sha[:12]} ({refs.head})")
        # Judge what lands: the base against the merge result, so several merge bases,
        # renames the merge follows and content carried in by merges cannot escape.
        landing = (
            repo.resolve(refs.merged) if refs.merged else repo.merge_result(base_sha, head_sha)
        )
        lands = head_tree if landing == head_sha else repo.tree(landing, _landing_label(refs))
        changes = repo.changes(base_sha, landing)
        needs = requirements(repo, changes, policy, lands)
        needs += signed_in_change(changes, policy, lands, needs)
        records = _records(lands, policy, needs)
        carried = {p for p in records if lands.blob_id(p) != head_tree.blob_id(p)}
        prove = _prover(repo, policy, base_sha, head_sha, records, base_tree, carried)
        rows = [
            evaluate(
                need, policy, {r: records.get(_path(policy, need, r)) for r in need.roles}, prove
            )
            for need in needs
        ]
        rows = with_commits(rows, lambda paths: repo.last_commits(paths, head_sha))
        # An artifact the merge gives another version than the branch has: one finding
        # that says why, rather than a stale sign-off per role.
        unsigned = [need for need, row in zip(needs, rows, strict=True) if not row.complete]
        drifted = merge_changes(unsigned, head_tree, lands, refs)
        drifted_paths = {f.path for f in drifted}
        pending = _uncommitted_records(repo, head_sha, head_tree, rows, policy)
        by_cell = {
            (row.artifact, cell.role): cell_finding(row, cell, policy, refs, pending)
            for row in rows
            for cell in row.cells
            if not cell.signed and row.artifact not in drifted_paths
        }
        found = list(by_cell.values())
        found.extend(drifted)
        found.extend(symlinked_artifacts(lands, policy))
        found.extend(unreproduced_results(needs, policy, lands))
        found.extend(case_variants(changes, policy, lands))
    result = GateResult(rows, list(dict.fromkeys(found)), policy, refs, base_sha, head_sha, fork)
    result.cell_findings = by_cell
    result.prefix = repo.prefix
    result.notes = _notes(result)
    return result


def policy_folder(repo: GitRepo, base: str) -> str:
    """The folder (repository-relative) of the policy that governs the folder the gate was
    started in: the nearest at or above it whose triad.yaml is in the working tree or in
    the base commit. The base counts so that a change which deletes a nested policy is
    judged by that policy, not by one further up that does not govern its artifacts."""
    parts = repo.prefix.split("/") if repo.prefix else []
    for end in range(len(parts), -1, -1):
        folder = "/".join(parts[:end])
        path = f"{folder}/{POLICY_PATH}" if folder else POLICY_PATH
        if (repo.root / path).is_file() or repo.has_file(base, path):
            return folder
    return repo.prefix


# -- what needs sign-off --------------------------------------------------------------------
def requirements(
    repo: GitRepo, changes: Iterable[Change], policy: Policy, head_tree: GitTree
) -> list[Requirement]:
    """One requirement per governed file the change adds, modifies or deletes."""
    view = Repository(head_tree, policy)
    needs = []
    for change in changes:
        kind = governed_kind(view, change.path)
        if kind is None:
            continue
        # A submodule has no content here: a file replaced by one is removed, and a
        # submodule at a governed path is refused (MT413) by `symlinked_artifacts`.
        before = _file(repo, change.old_blob, change.old_mode)
        after = _file(repo, change.new_blob, change.new_mode)
        if before is None and after is None:
            continue
        if _same_signed_content(change, before, after):
            continue
        kind_of_change = "added" if before is None else "removed" if after is None else "modified"
        needs.append(requirement(policy, kind, change.path, kind_of_change, after, before))
    return needs


def unreproduced_results(
    needs: Iterable[Requirement], policy: Policy, lands: GitTree
) -> list[Finding]:
    """The results of each model card the change touches, recomputed from the predictions
    file they name, as it lands: a sign-off of a card whose stated numbers its own
    predictions do not give must not merge (MT319, MT320; `check` reports the same)."""
    view = Repository(lands, policy)
    ctx = Context(view, policy)
    found: list[Finding] = []
    for need in needs:
        if need.kind != "model-card" or not lands.exists(need.artifact):
            continue
        try:
            card = view.load(need.artifact, "model-card")
        except ParseError:
            continue  # a symlink or an oversized file: refused by its own finding
        if card.doc is not None:
            found.extend(f for f in recomputed_results(card, ctx) if f.blocks)
    return found


def signed_in_change(
    changes: Iterable[Change], policy: Policy, lands: GitTree, needs: Iterable[Requirement]
) -> list[Requirement]:
    """Sign-offs that the change adds or rewrites for artifacts it leaves as they are (the
    first pull request that signs what was there before the gate). Each must stand as
    any other: otherwise the repository would show a sign-off that nobody gave. Only the
    roles whose records changed are judged; a record removed, or one for no artifact
    (which `check` reports), needs nothing."""
    covered = {need.artifact for need in needs}
    roles: dict[str, list[str]] = {}
    for change in changes:
        where = located(policy.signoff_dir, change.path)
        if change.new_blob is None or where is None or where[0] in covered:
            continue
        roles.setdefault(where[0], []).append(where[1])
    view = Repository(lands, policy)
    found = []
    for artifact, changed in sorted(roles.items()):
        kind = governed_kind(view, artifact)
        if kind in (None, "policy") or not lands.exists(artifact):
            continue
        try:
            raw = read_whole(lands, artifact)
        except ParseError:
            continue  # a symlink or an oversized file: refused by its own finding
        assert kind is not None
        need = requirement(policy, kind, artifact, "sign-off", raw)
        judged = tuple(role for role in need.roles if role in changed)
        if judged:
            found.append(replace(need, roles=judged))
    return found


def _same_signed_content(change: Change, before: bytes | None, after: bytes | None) -> bool:
    """A change of the executable bit, or of line endings only, leaves what a sign-off
    signs as it was: the digest covers the content with line endings normalised, never
    the file's mode."""
    return (
        before is not None
        and after is not None
        and change.old_mode in _REGULAR_FILE
        and change.new_mode in _REGULAR_FILE
        and digest_bytes(before) == digest_bytes(after)
    )


def _file(repo: GitRepo, blob: str | None, mode: str) -> bytes | None:
    return repo.blob(blob) if blob and mode != _SUBMODULE else None


def symlinked_artifacts(tree: GitTree, policy: Policy) -> list[Finding]:
    """Governed paths that are symbolic links or submodules, links or submodules in the
    place of a folder that governed artifacts live in, and links among the sign-off
    records: what they lead to could change without the change showing on a governed
    path."""
    view = Repository(tree, policy)
    links = {path: "a symbolic link" for path, e in tree.entries.items() if e.mode == _SYMLINK}
    links.update(dict.fromkeys(tree.gitlinks, "a submodule"))
    found = []
    for path, what in sorted(links.items()):
        if governed_kind(view, path) is not None:
            found.append(
                finding(
                    SYMLINK,
                    path,
                    f"{path} is {what}; an artifact must be a file, or changes to what "
                    "it points at would merge without sign-off; replace it with the file",
                )
            )
        elif _in_signoffs(path, policy.signoff_dir):
            found.append(
                finding(
                    SYMLINK,
                    path,
                    f"{path} is {what} among the sign-off records; a record must be a file, "
                    "or a change to what it points at would keep a sign-off that no one "
                    "gave; replace it with the record itself",
                )
            )
        elif any(_reaches(pattern, path) for pattern in _artifact_globs(policy)):
            found.append(
                finding(
                    SYMLINK,
                    path,
                    f"{path} is {what} where artifacts live; artifacts reached through it "
                    "would merge without sign-off; replace it with a folder of files",
                )
            )
    return found


def _in_signoffs(path: str, signoff_dir: str) -> bool:
    """A path in the sign-off folder, the folder itself, or a folder above it."""
    return (
        path == signoff_dir
        or path.startswith(signoff_dir + "/")
        or (signoff_dir.startswith(path + "/"))
    )


def case_variants(changes: Iterable[Change], policy: Policy, tree: GitTree) -> list[Finding]:
    """Files the change adds or modifies that are not governed, but would be if letter
    case and Unicode normalisation were ignored, as macOS and Windows ignore them."""
    view = Repository(tree, policy)
    return [
        finding(
            CASE_VARIANT,
            change.path,
            f"{change.path} differs from the governed paths "
            f"({', '.join(_governed_globs(policy))}) only in letter case or Unicode "
            "normalisation; on macOS and Windows it would be, or replace, an artifact "
            "that nobody signed; rename it",
        )
        for change in changes
        if change.new_blob is not None
        and governed_kind(view, change.path) is None
        and _folded_match(policy, change.path)
    ]


def _governed_globs(policy: Policy) -> list[str]:
    definitions = [_glob_escape(p) for p in sorted(policy.definition_files)]
    return [POLICY_PATH, *definitions, *_artifact_globs(policy)]


def _glob_escape(path: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def _folded_match(policy: Policy, path: str) -> bool:
    """Whether a governed path pattern matches `path` only when case and Unicode
    normalisation are ignored (records and a decision folder's README are not artifacts)."""
    name = unicodedata.normalize("NFC", path)
    if name.casefold().startswith(policy.signoff_dir.casefold() + "/"):
        return False
    return any(
        _folded(pattern).match(name)
        and not glob_regex(pattern).match(path)
        and not (pattern in policy.globs("decision") and is_not_a_record(path))
        for pattern in _governed_globs(policy)
    )


@lru_cache(maxsize=64)
def _folded(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_regex(unicodedata.normalize("NFC", pattern)).pattern, re.IGNORECASE)


def _artifact_globs(policy: Policy) -> list[str]:
    kinds = (*GOVERNED_KINDS, *policy.kinds)
    return [g for kind in kinds if kind != "policy" for g in policy.globs(kind)]


def _reaches(pattern: str, folder: str) -> bool:
    """Whether files below `folder` could match the glob `pattern`."""
    parts = pattern.split("/")
    for i, name in enumerate(folder.split("/")):
        if i >= len(parts) - 1:  # the pattern's last part names files, not folders
            return False
        if "**" in parts[i]:
            return True
        if not glob_regex(parts[i]).match(name):
            return False
    return True


def _uncommitted_records(
    repo: GitRepo, head: str, head_tree: GitTree, rows: Iterable[Row], policy: Policy
) -> frozenset[str]:
    """Records of unsigned cells that the working tree has with other content than the
    gated commit: when the gate judges the checked-out commit, the likely reason."""
    if head != repo.resolve("HEAD"):
        return frozenset()
    folder = repo.root / repo.prefix if repo.prefix else repo.root
    pending = set()
    for row in rows:
        for cell in row.cells:
            path = record_path(policy.signoff_dir, row.artifact, cell.role)
            local = folder / path
            if cell.signed or not local.is_file() or local.is_symlink():
                continue
            if local.stat().st_size > policy.max_file_bytes:
                continue
            try:
                committed = head_tree.read_bytes(path) if head_tree.exists(path) else None
            except ParseError:
                committed = None
            if committed != local.read_bytes():
                pending.add(path)
    return frozenset(pending)


def _landing_label(refs: Refs) -> str:
    if refs.merged:
        return f"merge commit ({refs.merged})"
    return f"the merge of {refs.head} into {refs.base}"


def merge_changes(
    needs: Iterable[Requirement], head: GitTree, merged: GitTree, refs: Refs
) -> list[Finding]:
    """Artifacts that land with another content than the branch gave them (the base
    changed them too, or the merge followed a rename into them)."""
    return [
        finding(
            STALE,
            need.artifact,
            f"{need.artifact} is not what the branch ({refs.head}) has: merging it into "
            f"the base ({refs.base}) gives another version (the base changed it too, or "
            "the merge followed a rename into it), and nobody signed that version. Merge "
            "or rebase the branch onto the base, then sign the result",
        )
        for need in needs
        if head.blob_id(need.artifact) != merged.blob_id(need.artifact)
    ]


def _path(policy: Policy, need: Requirement, role: str) -> str:
    return record_path(policy.signoff_dir, need.artifact, role)


def _records(tree: GitTree, policy: Policy, needs: Iterable[Requirement]) -> dict[str, bytes]:
    found = {}
    for need in needs:
        for role in need.roles:
            path = _path(policy, need, role)
            try:
                if tree.exists(path):
                    found[path] = tree.read_bytes(path)
            except ParseError:
                continue  # oversized, or a symlink out of the tree: it counts for nothing
    return found


# -- identity ---------------------------------------------------------------------------------
def _prover(
    repo: GitRepo,
    policy: Policy,
    base: str,
    head: str,
    records: Mapping[str, bytes],
    base_tree: GitTree,
    carried: set[str],
) -> Prover:
    """How identity is proven. A record that lands with other content than the branch
    gave it (`carried`: the merge made it) was written by nobody in the change."""
    writers = repo.last_writers(base, head, records, policy.signoff_dir)
    writers.update(dict.fromkeys(carried))
    written = _LastChanges(repo, base, records, policy.signoff_dir)
    if policy.identity == "signature":
        check_signature = signature_prover(policy)

        def signed(record: SignOff, member: Member) -> bool:
            return check_signature(record, member) is None

        replay = Replay(base_tree, policy, written, signed)
        return _signature_prover(writers, check_signature, replay)

    def committed_by_signer(record: SignOff, member: Member) -> bool:
        # The commit that last changed the base's record is authored by the member it names.
        change = written.get(record.path)
        if change is None:
            return False
        author = repo.author(Commit(change[0], ())).author_email
        return author.lower() == member.email.lower()

    return _author_prover(writers, Replay(base_tree, policy, written, committed_by_signer))


Vouch = Callable[[SignOff, Member], bool]


class _LastChanges:
    """The commit that last changed each record, and each record's artifact, on the base,
    with its author date: read with one git process, when first asked, and only as far
    back as the oldest record's date (less the clock skew): an artifact last changed
    before that is older than every record, so it sets no replay bar, and the walk costs
    what the change's age costs, not the length of the history."""

    def __init__(self, repo: GitRepo, base: str, records: Mapping[str, bytes], signoff_dir: str):
        self._repo, self._base = repo, base
        self._paths = set(records)
        dates = []
        for path, raw in records.items():
            where = located(signoff_dir, path)
            if where is not None:
                self._paths.add(where[0])
            record, _ = read_record(path, raw)
            if record is not None and record.when is not None:
                dates.append(record.when)
        self._since = min(dates) - CLOCK_SKEW if dates else None
        self._found: dict[str, tuple[str, datetime]] | None = None

    def get(self, path: str) -> tuple[str, datetime] | None:
        if self._found is None:
            self._found = (
                {}
                if self._since is None
                else self._repo.last_changes(self._paths, self._base, since=self._since)
            )
        return self._found.get(path)


def _not_in_change(record: SignOff, rule_id: str) -> Problem:
    return Problem(
        rule_id,
        f"the record at {record.path} was not written in this change "
        "(it is as it was before), so it cannot approve it; sign again",
    )


def _author_prover(writers: Mapping[str, Commit | None], replay: Replay) -> Prover:
    def prove(record: SignOff, member: Member) -> Problem | None:
        writer = writers.get(record.path)
        if writer is None:
            return _not_in_change(record, AUTHOR_MISMATCH.id)
        if writer.author_email.lower() != member.email.lower():
            kind = "merge commit" if len(writer.parents) > 1 else "commit"
            return Problem(
                AUTHOR_MISMATCH.id,
                f"the record names {record.signer}, but the "
                f"{kind} that last wrote it ({writer.sha[:12]}) is authored by "
                f"{writer.author_name} <{writer.author_email}>",
            )
        # Commits of a branch that was never merged are in the change once it is merged
        # in: an abandoned version's sign-offs would otherwise count again.
        return replay.check(record)

    return prove


def _signature_prover(
    writers: Mapping[str, Commit | None], check_signature: Prover, replay: Replay
) -> Prover:
    def prove(record: SignOff, member: Member) -> Problem | None:
        if writers.get(record.path) is None:
            return _not_in_change(record, REPLAYED.id)
        problem = check_signature(record, member)
        if problem is not None:
            return problem
        return replay.check(record)

    return prove


@dataclass
class Replay:
    """Whether a record written in the change is an earlier sign-off brought back (restored
    from history, or merged in from a branch that was never merged). Two bars, neither
    of which a record-only change can move: the base's record in the same place, when it
    stands as a sign-off there (`vouch`: committed by its signer, or its signature
    verifies), and the date the base's version of the artifact was written (a sign-off
    of a change cannot be older than what the change starts from)."""

    base_tree: GitTree
    policy: Policy
    written: _LastChanges
    vouch: Vouch

    def check(self, record: SignOff) -> Problem | None:
        now = datetime.now(timezone.utc)
        mine = record.when
        if mine is not None and mine > now + CLOCK_SKEW:
            return Problem(
                REPLAYED.id,
                f"the record is dated {record.date}, in the future: sign again with the "
                "machine's clock right",
            )
        if mine is None:
            return None
        older = _trusted_base_record(record.path, self.base_tree, self.policy, now, self.vouch)
        if older is not None and older.when is not None and mine < older.when:
            return Problem(
                REPLAYED.id,
                f"the record is dated {record.date}, older than the one "
                f"on the base branch ({older.date}, by {older.signer}): an earlier "
                "sign-off restored from history does not count",
            )
        written = self._base_version_written(record.artifact, now)
        if written is not None and mine < written - CLOCK_SKEW:
            return Problem(
                REPLAYED.id,
                f"the record is dated {record.date}, before the base's version of "
                f"{record.artifact} was written ({written:%Y-%m-%d}): a sign-off restored "
                "from history does not count; sign again",
            )
        return None

    def _base_version_written(self, artifact: str, now: datetime) -> datetime | None:
        """When the base's version of `artifact` was written (its commit's author date,
        which rebase keeps); None when the base has no such file or the date is ahead of
        the clock (a forged date must not block honest sign-offs)."""
        change = self.written.get(artifact) if self.base_tree.exists(artifact) else None
        if change is None or change[1] > now + CLOCK_SKEW:
            return None
        return change[1]


def _trusted_base_record(
    path: str, base_tree: GitTree, policy: Policy, now: datetime, vouch: Vouch
) -> SignOff | None:
    """The base's record at `path` when it is a sign-off of the base's version: by a
    member of its role, for that version's digest, proven as the identity mode proves
    any sign-off (`vouch`: committed by its signer, or a signature that verifies), and
    not dated in the future. None otherwise: a date that no sign-off stands behind sets
    no bar, whether it is far ahead or long ago."""
    try:
        raw = base_tree.read_bytes(path) if base_tree.exists(path) else None
    except ParseError:
        return None  # oversized: no date to compare with, as if there were no record
    if raw is None:
        return None
    older, _ = read_record(path, raw)
    if older is None or older.when is None or older.when > now + CLOCK_SKEW:
        return None
    member = policy.member(older.role, older.signer_email)
    if member is None or not base_tree.exists(older.artifact):
        return None
    try:
        current = digest_bytes(base_tree.read_bytes(older.artifact))
    except ParseError:
        return None
    if older.digest != current:
        return None
    if not vouch(older, member):
        return None
    return older


# -- findings and report ----------------------------------------------------------------------
def signoff_command(row: Row, role: str, policy: Policy, refs: Refs) -> str:
    """The exact command a member of `role` runs to sign this row's artifact."""
    command = f"mltriad signoff {row.artifact} --role {role}"
    if row.removal:
        command += f" --base {refs.suggest_base}"
    if policy.identity == "signature":
        command += f" --key {_KEY_EXAMPLE}"
    return command


def cell_finding(
    row: Row, cell: Cell, policy: Policy, refs: Refs, uncommitted: frozenset[str] = frozenset()
) -> Finding:
    """A short blocking finding for a sign-off that does not count: what is wrong and who
    may sign. The command to sign is in the report, once (`how_to_sign`).
    `uncommitted`: records that the working tree holds but the gated commit does not (a
    sign-off written and not yet committed)."""
    record = record_path(policy.signoff_dir, row.artifact, cell.role)
    of = _of_what(row)
    if record in uncommitted:
        author = " as yourself" if policy.identity == "author" else ""
        message = (
            f"the {cell.role} sign-off{of} is written but not committed: commit "
            f"{record}{author} (`{commit_command(record, row.artifact, cell.role)}`)."
        )
        return finding(rule(cell.rule or MISSING.id), record, message)
    may = ", ".join(m.name for m in cell.may_sign)
    if cell.rule == NO_SIGNER.id:
        message = (
            f"nobody can give the {cell.role} sign-off{of}: {cell.reason.split(': ', 1)[-1]}. "
            "Add the role and its members to triad.yaml in a change of its own, merge it, "
            "then sign."
        )
    elif cell.rule == MISSING.id:
        message = f"the {cell.role} sign-off{of} is missing; may sign: {may}."
    elif cell.state is State.STALE:
        message = f"the {cell.role} sign-off{of} is stale: {cell.reason}. May sign: {may}."
    else:
        message = f"the {cell.role} sign-off{of} does not count: {cell.reason}. May sign: {may}."
    rule_ = rule(cell.rule or MISSING.id)
    at_record = cell.rule not in (MISSING.id, NO_SIGNER.id)
    return finding(rule_, cell.record if at_record else row.artifact, message)


def _of_what(row: Row) -> str:
    if row.kind == "policy":
        return f" of the {'removal of' if row.removal else 'change to'} the policy"
    if row.removal:
        return " of the removal"
    return ""


def _notes(result: GateResult) -> list[str]:
    refs = result.refs
    notes = [
        f"Base {refs.base_label()} at {result.base[:12]}, head {refs.head} ({result.head[:12]}), "
        f"merge base {result.merge_base[:12]} [{refs.source}]; policy, roster and keys "
        f"from the base ({result.policy.identity} identity)."
    ]
    if refs.note:
        notes.append(refs.note)
    if not result.rows:
        notes.append("No governed artifact changed: nothing needs sign-off.")
    for row in result.rows:
        if row.kind == "policy" and not row.cells:
            notes.append(
                f"{row.artifact} changes while no role of the base policy has "
                "members: accepted without sign-off (the first roster)."
            )
    return notes
