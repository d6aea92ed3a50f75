"""MT301-MT306: who defined an evaluation set's cases, and whether its data still matches."""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.evalsets import EvalSet, FileCheck, FileStatus, Ownership, check_data_files, ownership
from mltriad.findings import Finding, Severity, define
from mltriad.rules.base import Context, checks
from mltriad.snapshot import OUTSIDE_REPOSITORY

SHARE = define(
    "MT301",
    "eval-set-share",
    "The product and domain roles define less than the share of an evaluation set's cases "
    "that triad.yaml requires (eval-sets.min_share, default one half).",
    example="slices:\n  - {name: production-sample, defined_by: product-manager, cases: 200}\n"
    "  - {name: synthetic, defined_by: ml-engineer, cases: 800}   # 20% < 50%",
    fix="Have the product manager and domain expert add or choose cases (a production sample, "
    "the edge cases they know) until their slices hold the required share.",
)
PRODUCTION_SAMPLE = define(
    "MT302",
    "no-production-sample",
    "No slice of the evaluation set is a sample of real production inputs "
    "(eval-sets.require_production_sample).",
    example="slices:\n  - {name: expert-cases, defined_by: domain-expert, source: expert, cases: 300}",
    fix="Add a slice with `source: production` holding cases sampled from real traffic.",
)
OWNER_WITHOUT_MEMBERS = define(
    "MT303",
    "owner-without-members",
    "The evaluation set's owner role has nobody in it in triad.yaml, so nobody is accountable.",
    example="owner: domain-expert   # roles: domain-expert: {members: []}",
    fix="Add the accountable person to the role in triad.yaml, or name a role that has members.",
)
DATA_CHANGED = define(
    "MT304",
    "data-checksum",
    "A data file's sha256 or size differs from the manifest (for a Git LFS pointer: the "
    "pointer's oid and size), so the data is not what the manifest and its sign-offs pin.",
    example="files:\n  - {path: data/holdout.parquet, sha256: 9f86d0...15d6, size: 1048576}"
    "   # the file now hashes to 2c26b4...",
    fix="If the data changed, restore the data the manifest describes, or record the new "
    "sha256 and size (`sha256sum FILE`, `stat -c %s FILE`) and re-run the evaluations that "
    "used the set; if the manifest is wrong, correct its sha256 and size.",
)
DATA_NOT_VERIFIED = define(
    "MT305",
    "data-not-verified",
    "A data file named in the manifest is not in the repository (kept in DVC or a bucket), "
    "so its checksum was not verified.",
    severity=Severity.INFO,
    example="files:\n  - {path: s3-mirror/holdout.parquet, sha256: 9f86d0...15d6}   # not checked out",
    fix="Nothing is required; fetch the file (dvc pull, git lfs pull, a download) to have it "
    "verified.",
)
DUPLICATE_SLICE = define(
    "MT306",
    "duplicate-slice",
    "Two slices of an evaluation set have the same name, so targets and results cannot tell "
    "them apart.",
    example="slices:\n  - {name: new-merchants, ...}\n  - {name: new-merchants, ...}",
    fix="Give each slice its own name.",
)


@checks("eval-set")
def eval_set_rules(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    eval_set = EvalSet.from_artifact(artifact)
    measured = ownership(eval_set, ctx.policy)
    yield from _share(artifact, measured)
    yield from _production_sample(artifact, eval_set, measured)
    yield from _owner_has_members(artifact, eval_set, ctx)
    yield from _duplicate_slices(artifact, eval_set)
    limit = ctx.policy.max_file_bytes
    for result in check_data_files(eval_set, ctx.repo.snapshot, limit):
        yield from _data_file(artifact, result, ctx.repo.snapshot.label)


def _roles(roles: Iterable[str]) -> str:
    names = list(roles)
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _share(artifact: Artifact, measured: Ownership) -> Iterable[Finding]:
    if measured.meets_share:
        return
    roles = _roles(measured.share_roles)
    by_role = ", ".join(f"{s.role} {s.cases:,}" for s in measured.shares if s.cases)
    yield artifact.finding(
        SHARE.id,
        f"{roles} define {measured.counted_cases:,} of {measured.total_cases:,} cases "
        f"({measured.share * 100:.1f}%), but triad.yaml requires at least "
        f"{_percent(measured.min_share)} (eval-sets.min_share: {measured.min_share:g}); "
        f"cases by role: {by_role or 'none'}. Have {roles} define more of the cases",
        ["slices"],
        key=True,
    )


def _production_sample(
    artifact: Artifact, eval_set: EvalSet, measured: Ownership
) -> Iterable[Finding]:
    if measured.meets_production_sample:
        return
    empty = [s.name for s in eval_set.slices if s.source == "production"]
    why = (
        f"the production slice(s) {', '.join(empty)} hold 0 cases"
        if empty
        else f"none of the {len(eval_set.slices)} slice(s) has source: production"
    )
    yield artifact.finding(
        PRODUCTION_SAMPLE.id,
        f"{why}, but triad.yaml requires a sample of real production inputs with at least 1 "
        "case (eval-sets.require_production_sample: true); add a slice with source: production",
        ["slices"],
        key=True,
    )


def _owner_has_members(artifact: Artifact, eval_set: EvalSet, ctx: Context) -> Iterable[Finding]:
    role = ctx.policy.roles.get(eval_set.owner or "")
    if role is not None and not role.members:
        yield artifact.finding(
            OWNER_WITHOUT_MEMBERS.id,
            f"the owner role '{role.id}' has 0 members in triad.yaml, so nobody is accountable "
            "for this set; add the accountable person to the role",
            ["owner"],
        )


def _duplicate_slices(artifact: Artifact, eval_set: EvalSet) -> Iterable[Finding]:
    seen: set[str] = set()
    for s in eval_set.slices:
        if s.name and s.name in seen:
            yield artifact.finding(
                DUPLICATE_SLICE.id,
                f"slices[{s.index}] is named '{s.name}' like an earlier slice; give each "
                "slice its own name",
                ["slices", s.index, "name"],
            )
        seen.add(s.name)


def _data_file(artifact: Artifact, result: FileCheck, label: str) -> Iterable[Finding]:
    recorded = result.file
    where = list(recorded.where)
    name = f"'{recorded.path}'"
    if result.status is FileStatus.CHANGED:
        yield artifact.finding(DATA_CHANGED.id, _changed_message(result), [*where, "sha256"])
    elif result.status is FileStatus.ABSENT:
        yield artifact.finding(
            DATA_NOT_VERIFIED.id,
            f"{name} is not in the {label} (kept in DVC or a bucket?), so its sha256 was not "
            "verified; fetch it to have it checked",
            [*where, "path"],
        )
    elif result.status is FileStatus.NOT_VERIFIED:
        yield artifact.finding(
            DATA_NOT_VERIFIED.id,
            f"{name} was not verified in the {label}: {result.detail}",
            [*where, "path"],
        )
    elif result.status is FileStatus.OUTSIDE:
        yield artifact.finding(
            OUTSIDE_REPOSITORY.id,
            f"the data file {name} leads outside the repository ({result.detail}); name a "
            "file inside it",
            [*where, "path"],
        )


def _changed_message(result: FileCheck) -> str:
    recorded = result.file
    found = "is a Git LFS pointer to an object of" if result.lfs else "has"
    found += f" {result.size:,} bytes"
    wanted = f"{recorded.size:,} bytes" if recorded.size is not None else "any size"
    if result.sha256 is not None:
        found += f" with sha256 {result.sha256}"
        wanted += f" with sha256 {recorded.sha256}"
    measure = (
        "the pointer's `oid sha256:` and `size` lines give the right values"
        if result.lfs
        else f"`sha256sum {recorded.path}` and `stat -c %s {recorded.path}` print the right values"
    )
    return (
        f"'{recorded.path}' {found}, but the manifest records {wanted}. Either the data "
        "changed since the manifest was written (restore it, or record the new sha256 and "
        "size and re-run the evaluations that used this set), or the manifest is wrong "
        f"(correct it: {measure})"
    )
