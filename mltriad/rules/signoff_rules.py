"""MT401-MT416: sign-offs, at check time (the records themselves) and at the merge gate.

The gate's findings come from `status` cells (see `mltriad.matrix`); each names the
artifact, the role, who may sign and the command to run. The check-time rules look at
records on their own: where they live, what they name, whether they are current.
"""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact, digest_bytes
from mltriad.findings import Finding, Rule, Severity, define, finding
from mltriad.rules.base import Context, checks
from mltriad.signoffs import (
    REMOVED,
    governed_kind,
    located,
    read_whole,
    record_path,
    required_roles,
)

MISSING = define(
    "MT401",
    "missing-signoff",
    "A role whose sign-off the change needs has not signed it.",
    example="model-cards/fraud-detector.md changed; no signoffs/model-cards/fraud-detector.md/"
    "product-manager.yaml",
    fix="A member of the role runs the `mltriad signoff ...` command the finding gives and "
    "commits the record.",
)
STALE = define(
    "MT402",
    "stale-signoff",
    "A sign-off is for another version of the artifact (it was edited after signing), or "
    "signs a version where the change deletes the artifact (or the other way round).",
    example="digest: sha256:1f2e...   # the artifact is now sha256:9c4d...",
    fix="Sign again after the last edit: `mltriad signoff PATH --role ROLE`.",
)
MISPLACED = define(
    "MT403",
    "misplaced-signoff",
    "A record's artifact or role differs from where it lives: it was copied from another "
    "artifact or role, and counts for neither.",
    example="# signoffs/decisions/0002-x.md/product-manager.yaml\nartifact: decisions/0001-y.md",
    fix="Delete the copy; sign the artifact with `mltriad signoff`, which writes the record "
    "in the right place.",
)
INVALID = define(
    "MT404",
    "invalid-signoff",
    "A sign-off record cannot be read or breaks the record schema, so it does not count.",
    example="digest: 1f2e   # not sha256:<64 hex digits>",
    fix="Write records only with `mltriad signoff`; sign again to replace a broken one.",
)
NOT_A_MEMBER = define(
    "MT405",
    "signer-not-member",
    "The signer is not a member of the role in the base branch's triad.yaml.",
    example="role: product-manager\nsigner: {name: Mallory, email: mallory@example.org}",
    fix="A member of the role signs. New members are added to triad.yaml in a change of "
    "its own, signed off under the current roster.",
)
AUTHOR_MISMATCH = define(
    "MT406",
    "signoff-author-mismatch",
    "In author mode, the commit that last wrote the record is not authored by the signer "
    "it names (or the record was not written in this change).",
    example="signer: grace@example.org, but the commit that wrote the record is by "
    "mallory@example.org",
    fix="The signer commits their own record: `mltriad signoff ...` then `git commit` with "
    "their own git identity.",
)
BAD_SIGNATURE = define(
    "MT407",
    "bad-signoff-signature",
    "In signature mode, the record has no SSH signature, or it does not verify against the "
    "signer's signing_key in the base branch's triad.yaml.",
    example="signature made with a key that is not the signer's signing_key",
    fix="Sign with `mltriad signoff PATH --role ROLE --key ~/.ssh/id_ed25519`, using the key "
    "whose public half is in triad.yaml.",
)
SAME_SIGNER = define(
    "MT408",
    "same-signer",
    "With signoff.distinct_signers, one person signs two roles of the same artifact; only "
    "the first counts.",
    example="ml-engineer and product-manager both signed by ada@example.org",
    fix="Another member signs the second role.",
)
NO_SIGNER = define(
    "MT409",
    "no-eligible-signer",
    "A required role is not defined in the base branch's triad.yaml or has no members, so "
    "nobody can sign it.",
    example="approvers: [legal]   # no role legal in triad.yaml",
    fix="Add the role and its members to triad.yaml in a change of its own first.",
)
REPLAYED = define(
    "MT410",
    "replayed-signoff",
    "A record is older than the base branch's record for the same artifact and role: an "
    "earlier sign-off restored from history, or merged in from an old branch, does not "
    "count.",
    example="date: 2026-01-10   # the base's record for this artifact and role is from 2026-03-02",
    fix="Sign the current version again.",
)
ORPHAN = define(
    "MT411",
    "orphan-signoff",
    "A sign-off record names a file that is not a governed artifact of the repository.",
    severity=Severity.WARNING,
    example="artifact: model-cards/old-name.md   # renamed since",
    fix="Delete the record, or sign the artifact's current path.",
)
UNNEEDED = define(
    "MT412",
    "unneeded-signoff",
    "A sign-off is for a role that triad.yaml and the artifact do not require.",
    severity=Severity.INFO,
    example="role: domain-expert   # decisions need ml-engineer and product-manager",
    fix="Nothing is wrong; delete the record if it was signed for the wrong role.",
)
SYMLINK = define(
    "MT413",
    "symlinked-artifact",
    "A governed artifact, a folder where artifacts live, or a sign-off record is a symbolic "
    "link or a submodule: what it leads to could change without the change showing on a "
    "governed path, so the gate refuses it.",
    example="model-cards/fraud.md -> ../docs/fraud.md",
    fix="Replace the link or submodule with the file itself, or with a folder of files.",
)
CASE_VARIANT = define(
    "MT414",
    "case-variant-path",
    "A file the change adds or modifies is not a governed artifact, but would be one if letter "
    "case and Unicode normalisation were ignored: on macOS and Windows it lands in, or "
    "replaces, a governed artifact without sign-off.",
    example="Model-Cards/fraud-detector.md   # model cards live in model-cards/",
    fix="Rename the file so that its path differs from the governed paths by more than case.",
)

RULES = (
    MISSING,
    STALE,
    MISPLACED,
    INVALID,
    NOT_A_MEMBER,
    AUTHOR_MISMATCH,
    BAD_SIGNATURE,
    SAME_SIGNER,
    NO_SIGNER,
    REPLAYED,
    ORPHAN,
    UNNEEDED,
    SYMLINK,
    CASE_VARIANT,
)


@checks("signoff")
def record_in_place(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    """The record lives where its artifact and role say, and names a governed artifact."""
    data = artifact.data
    named, role = data.get("artifact"), data.get("role")
    if not isinstance(named, str) or not isinstance(role, str):
        return
    expected = record_path(ctx.policy.signoff_dir, named, role)
    if expected != artifact.path:
        where = located(ctx.policy.signoff_dir, artifact.path)
        stands_for = f" (its place is for {where[0]}, role {where[1]})" if where else ""
        yield artifact.finding(
            MISPLACED.id,
            f"this record names {named}, role {role}, but "
            f"lives at {artifact.path}{stands_for}; a copied record counts "
            f"for nothing; the record for {named} belongs at {expected}",
            ["artifact"],
        )
        return
    removal = str(data.get("digest", "")).startswith(REMOVED)
    if governed_kind(ctx.repo, named) is None:
        yield artifact.finding(
            ORPHAN.id,
            f"{named} is not an artifact that needs sign-off "
            "under triad.yaml; delete this record if the artifact moved",
            ["artifact"],
        )
    elif not removal and not ctx.repo.snapshot.exists(named):
        yield artifact.finding(
            ORPHAN.id,
            f"{named} does not exist; delete this record if the "
            "artifact was renamed, and sign it under its new path",
            ["artifact"],
        )


@checks("signoff")
def record_current(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    """A note when the record is stale, and a warning when its signer left the role."""
    data = artifact.data
    named, role, digest = data.get("artifact"), data.get("role"), data.get("digest")
    if not (isinstance(named, str) and isinstance(role, str) and isinstance(digest, str)):
        return
    if record_path(ctx.policy.signoff_dir, named, role) != artifact.path:
        return
    exists = ctx.repo.snapshot.exists(named)
    if digest.startswith(REMOVED):
        if exists:
            yield _soft(
                artifact,
                STALE,
                f"this record signs the removal of {named}, which "
                "exists; sign its current version before merging",
                ["digest"],
            )
        return
    kind = governed_kind(ctx.repo, named) if exists else None
    if kind is None:
        return
    current = _current_digest(ctx, named, kind)
    if current != digest:
        yield _soft(
            artifact,
            STALE,
            f"{named} changed after this {role} sign-off "
            f"({digest[:19]}... signed, {current[:19]}... now); sign again before "
            "merging",
            ["digest"],
        )
        return
    yield from _signer_in_role(artifact, ctx, role)
    yield from _role_required(artifact, ctx, named, role)


def _current_digest(ctx: Context, path: str, kind: str) -> str:
    """The artifact's digest, from the copy `check` already parsed when there is one."""
    if kind != "policy":
        loaded = ctx.repo.load(path, kind)
        if loaded.raw or not loaded.problems:
            return loaded.digest
    return digest_bytes(read_whole(ctx.repo.snapshot, path))


def _signer_in_role(artifact: Artifact, ctx: Context, role: str) -> Iterable[Finding]:
    signer = artifact.data.get("signer")
    email = signer.get("email") if isinstance(signer, dict) else None
    if (
        isinstance(email, str)
        and role in ctx.policy.roles
        and ctx.policy.member(role, email) is None
    ):
        yield _soft(
            artifact,
            NOT_A_MEMBER,
            f"{email} is not a member of {role} in "
            f"triad.yaml (members: {ctx.policy.roles[role].who()}); this sign-off will "
            "not count",
            ["signer", "email"],
            Severity.WARNING,
        )


def _role_required(artifact: Artifact, ctx: Context, named: str, role: str) -> Iterable[Finding]:

    kind = governed_kind(ctx.repo, named)
    if kind is None or kind == "policy":
        return
    target = ctx.repo.load(named, kind)
    if role not in required_roles(ctx.policy, kind, [target.data]):
        yield _soft(
            artifact,
            UNNEEDED,
            f"{named} does not need a {role} sign-off "
            "(triad.yaml and the artifact do not require it)",
            ["role"],
        )


def _soft(
    artifact: Artifact,
    rule_: Rule,
    message: str,
    where: list[str | int],
    severity: Severity = Severity.INFO,
) -> Finding:
    """A finding that does not block a commit: records go stale as soon as an artifact is
    edited, and only the gate decides whether a sign-off counts."""
    return finding(rule_, artifact.path, message, *artifact.locate(where), severity)
