"""MT201-MT208, MT213: every name in an artifact resolves to something that exists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mltriad.artifacts import Artifact, name_of
from mltriad.findings import Finding, define
from mltriad.policy import UNKNOWN_ROLE
from mltriad.rules.base import Context, checks
from mltriad.schemas import did_you_mean
from mltriad.snapshot import OUTSIDE_REPOSITORY, normalize

NOT_A_MEMBER = define(
    "MT202",
    "owner-not-member",
    "An owner's email is not a member of the role it is listed under in triad.yaml.",
    example="owners:\n  product-manager: ada@example.org   # Ada is an ml-engineer",
    fix="List a member of that role, or add the person to the role in triad.yaml.",
)
ID_MISMATCH = define(
    "MT204",
    "id-mismatch",
    "An artifact's id differs from its file name.",
    example="# model-cards/fraud-detector.md\nid: fraud-model",
    fix="Make the id equal the file name without extension.",
)
DUPLICATE_ID = define(
    "MT205",
    "duplicate-id",
    "Two artifacts of the same kind have the same id.",
    example="model-cards/a/fraud.md and model-cards/b/fraud.md",
    fix="Rename one of them.",
)
UNKNOWN_EVAL_SET = define(
    "MT206",
    "unknown-eval-set",
    "An evaluation set is named that has no manifest.",
    example="eval_sets: [fraud-holdout]   # no eval-sets/fraud-holdout.yaml",
    fix="Create it with `mltriad new eval-set NAME`, or fix the name.",
)
UNKNOWN_DECISION = define(
    "MT207",
    "unknown-decision",
    "A decision record is named that does not exist.",
    example="decisions: [12]   # no decisions/0012-*.md",
    fix="Fix the number or file name.",
)
UNKNOWN_MODEL = define(
    "MT208",
    "unknown-model",
    "A model is named that has no model card.",
    example="models: [churn]   # no model-cards/churn.md",
    fix="Fix the id, or create the card with `mltriad new model-card`.",
)
MISSING_FILE = define(
    "MT213",
    "missing-file",
    "A file named by an artifact does not exist in the repository.",
    example="label_spec: eval-sets/labels.md   # no such file",
    fix="Add the file or fix the path.",
)


def role_exists(
    artifact: Artifact, ctx: Context, role_id: Any, where: list[str | int], what: str
) -> Iterable[Finding]:
    if isinstance(role_id, str) and role_id not in ctx.policy.roles:
        known = ", ".join(ctx.policy.roles)
        yield artifact.finding(
            UNKNOWN_ROLE.id,
            f"{what} names the role '{role_id}', which triad.yaml does not define "
            f"(roles: {known}){nearest(role_id, list(ctx.policy.roles))}",
            where,
        )


def nearest(name: str, known: list[str]) -> str:
    """ "; did you mean 'x'?" for the nearest known name, or ""."""
    hint = did_you_mean(name, known)
    return f"; did you mean '{hint}'?" if hint else ""


def known_names(ctx: Context, kind: str) -> list[str]:
    """The names an artifact of `kind` is referred to by: ids (file names without
    extension, or folder names)."""
    return sorted({name_of(path) for path in ctx.repo.paths(kind)})


@checks("model-card", "eval-set")
def id_matches_file_name(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    value = artifact.data.get("id")
    expected = name_of(artifact.path)
    what = "file name" if expected == artifact.stem else "folder name"
    if isinstance(value, str) and value != expected:
        yield artifact.finding(
            ID_MISMATCH.id,
            f"the id '{value}' differs from the {what} '{expected}'; rename one so they match",
            ["id"],
        )


@checks("model-card")
def model_card_references(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    data = artifact.data
    owners = data.get("owners")
    if isinstance(owners, dict):
        for role_id, emails in owners.items():
            if role_id not in ctx.policy.roles:
                yield from role_exists(artifact, ctx, role_id, ["owners", role_id], "owners")
                continue
            role = ctx.policy.roles[role_id]
            for i, email in enumerate([emails] if isinstance(emails, str) else emails or []):
                if isinstance(email, str) and not role.has(email):
                    where: list[str | int] = ["owners", role_id]
                    if not isinstance(emails, str):
                        where.append(i)
                    yield artifact.finding(
                        NOT_A_MEMBER.id,
                        f"{email} is listed as {role_id} "
                        f"owner but is not a member of that role in "
                        f"triad.yaml (members: {role.who()})",
                        where,
                    )
    yield from _refs(artifact, ctx, "eval_sets", "eval-set", UNKNOWN_EVAL_SET.id)
    yield from _refs(artifact, ctx, "decisions", "decision", UNKNOWN_DECISION.id)
    for field_name in ("targets", "results"):
        entries = data.get(field_name)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            ref = entry.get("eval_set") if isinstance(entry, dict) else None
            if isinstance(ref, str) and ctx.repo.find("eval-set", ref) is None:
                yield artifact.finding(
                    UNKNOWN_EVAL_SET.id,
                    f"{field_name}[{i}] names the "
                    f"evaluation set '{ref}', which has no manifest "
                    f"({ctx.policy.globs_text('eval-set')})"
                    f"{nearest(ref, known_names(ctx, 'eval-set'))}",
                    [field_name, i, "eval_set"],
                )


@checks("decision")
def decision_references(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    data = artifact.data
    yield from role_exists(artifact, ctx, data.get("driver"), ["driver"], "driver")
    approvers = data.get("approvers")
    for i, role_id in enumerate(approvers if isinstance(approvers, list) else []):
        yield from role_exists(artifact, ctx, role_id, ["approvers", i], "approvers")
    yield from _refs(artifact, ctx, "models", "model-card", UNKNOWN_MODEL.id)


@checks("glossary")
def glossary_owner(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    yield from role_exists(artifact, ctx, artifact.data.get("owner"), ["owner"], "owner")


@checks("eval-set")
def eval_set_references(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    data = artifact.data
    yield from role_exists(artifact, ctx, data.get("owner"), ["owner"], "owner")
    slices = data.get("slices")
    for i, entry in enumerate(slices if isinstance(slices, list) else []):
        if isinstance(entry, dict):
            yield from role_exists(
                artifact,
                ctx,
                entry.get("defined_by"),
                ["slices", i, "defined_by"],
                f"slices[{i}].defined_by",
            )
    spec = data.get("label_spec")
    if isinstance(spec, str):
        yield from file_exists(artifact, ctx, spec, ["label_spec"], "label_spec")


@checks("signoff")
def signoff_references(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    yield from role_exists(artifact, ctx, artifact.data.get("role"), ["role"], "the sign-off")


def file_exists(
    artifact: Artifact, ctx: Context, path: str, where: list[str | int], what: str
) -> Iterable[Finding]:
    clean = normalize(path)
    if clean is None:
        yield artifact.finding(
            OUTSIDE_REPOSITORY.id,
            f"{what} '{path}' leads outside the repository; name a file inside it",
            where,
        )
    elif not ctx.repo.snapshot.exists(clean):
        yield artifact.finding(
            MISSING_FILE.id,
            f"{what} names '{path}', which does not exist "
            "in the repository (or is a symlink leading outside it)",
            where,
        )


def _refs(
    artifact: Artifact, ctx: Context, field_name: str, kind: str, rule_id: str
) -> Iterable[Finding]:
    refs = artifact.data.get(field_name)
    for i, ref in enumerate(refs if isinstance(refs, list) else []):
        if isinstance(ref, (str, int)) and ctx.repo.find(kind, ref) is None:
            yield artifact.finding(
                rule_id,
                f"{field_name}[{i}] names '{ref}', which does not exist "
                f"({ctx.policy.globs_text(kind)}){nearest(str(ref), known_names(ctx, kind))}",
                [field_name, i],
            )
