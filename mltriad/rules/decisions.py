"""Decision records: the keys triad.yaml requires of every record (MT101, for records in
mltriad's format), their statuses (MT104), the log's numbering (MT210, MT212) and its
supersede links, both directions (MT207, MT209)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mltriad import formats
from mltriad.artifacts import Artifact, decision_number, parse_decision_ref
from mltriad.findings import Finding, define
from mltriad.policy import MADR_FIELDS, Policy
from mltriad.rules.base import Context, checks
from mltriad.rules.references import UNKNOWN_DECISION, known_names, nearest
from mltriad.schemas import MISSING_PROPERTY, NOT_ALLOWED
from mltriad.values import EMPTY, unfilled

SUPERSEDE_MISMATCH = define(
    "MT209",
    "supersede-mismatch",
    "A supersede link is one-sided: a record says it is superseded by another that does not "
    "list it in `supersedes`, or the other way round.",
    example="# 0003: status: superseded by 0007\n# 0007: supersedes: []",
    fix="List the old record in the new one's `supersedes` and mark the old one 'superseded by'.",
)
DUPLICATE_NUMBER = define(
    "MT210",
    "duplicate-number",
    "Two decision records share a number.",
    example="decisions/0004-use-gbm.md and decisions/0004-use-xgboost.md",
    fix="Renumber the newer record (`mltriad new decision` picks the next free number).",
)
NO_NUMBER = define(
    "MT212",
    "no-number",
    "A decision record's file name does not start with its number.",
    example="decisions/use-gbm.md   # decisions/0004-use-gbm.md",
    fix="Rename the file NNNN-title-with-dashes.md.",
)

_DATED = re.compile(r"^(19|20)\d{6}-")
_SUPERSEDED = re.compile(r"^\s*superseded\s+by\b(.*)$", re.IGNORECASE | re.DOTALL)


_REQUIRED_BY = "decisions.required_fields"


def field_hint(name: str, policy: Policy) -> str:
    """What belongs in a decision record's key, for a message."""
    roles = ", ".join(policy.roles) or "none defined"
    required = ", ".join(policy.required_roles("decision")) or "no role"
    return {
        "status": f"where the decision is: {', '.join(policy.decisions.allowed())}",
        "date": "when the decision was last updated (YYYY-MM-DD)",
        "decision-makers": "everyone who made the decision (`decision-makers`, MADR 3's "
        "`deciders`)",
        "consulted": "the people whose opinions were sought",
        "informed": "the people kept up to date",
        "driver": f"the role that drives the decision ({roles})",
        "approvers": f"the roles that must sign it (every decision needs {required}; "
        "`approvers` may add others)",
    }[name]


def decision_lacks(name: str, policy: Policy, *, empty: bool = False) -> str:
    """Why a record needs `name`, naming the policy that requires it."""
    what = {
        "status": "has no status",
        "date": "has no date",
        "decision-makers": "names no decision-makers",
        "consulted": "names nobody consulted",
        "informed": "names nobody informed",
        "driver": "names no driver",
        "approvers": "names no approvers",
    }[name]
    hint = field_hint(name, policy)
    said = f"`{name}` is empty: fill it in ({hint})" if empty else f"the record {what}: {hint}"
    optional = "; MADR makes it optional, but " if name in MADR_FIELDS else "; "
    return f"{said}{optional}{policy.requires(_REQUIRED_BY)}"


@checks("decision")
def required_fields(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    """The keys triad.yaml requires of every record, in a record in mltriad's format (a
    record in another tool's format gets MT502 from the legacy rules instead)."""
    doc = artifact.doc
    if doc is None or not formats.in_triad_format(doc):
        return
    data = artifact.data
    for name in ctx.policy.decisions.required_fields:
        if name not in data:
            message = f"missing required field '{name}': {field_hint(name, ctx.policy)}; "
            yield artifact.finding(
                MISSING_PROPERTY.id,
                message + ctx.policy.requires(_REQUIRED_BY),
                line=doc.locate([])[0],
            )
        elif unfilled(data[name]) == EMPTY:  # template text is MT601's
            yield artifact.finding(
                MISSING_PROPERTY.id,
                f"`{name}` is empty: fill it in ({field_hint(name, ctx.policy)}); "
                + ctx.policy.requires(_REQUIRED_BY),
                [name],
                key=True,
            )


@checks("decision")
def known_status(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    status = artifact.data.get("status")
    if not isinstance(status, str) or unfilled(status) is not None:
        return  # no status (or another type: the schema's), or one not filled in yet
    rules = ctx.policy.decisions
    if rules.state_of(status) is not None:
        return
    from mltriad.formats.values import read_status  # the readers' spelling of statuses

    reading = read_status(status)
    guess = f" (did you mean '{reading.value}'?)" if reading and not reading.superseded_by else ""
    source = ctx.policy.document.path if ctx.policy.document else "a triad.yaml"
    yield artifact.finding(
        NOT_ALLOWED.id,
        f"status is '{status.strip()}'{guess}, which is not a status MADR or {source} "
        f"defines; use one of: {', '.join(rules.allowed())} (in any letter case), or declare "
        f"it under decisions.statuses in {source} with the lifecycle state it counts as",
        ["status"],
    )


def superseded_by(data: dict[str, Any]) -> str | int | None:
    """The record named by `superseded-by`, or by a status 'superseded by X'."""
    if data.get("superseded-by") not in (None, ""):
        value: str | int = data["superseded-by"]
        return value
    status = data.get("status")
    if isinstance(status, str):
        match = _SUPERSEDED.match(status)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


@checks("decision")
def numbering(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    number = decision_number(artifact.path)
    if number is None and _DATED.match(artifact.path.rsplit("/", 1)[-1]):
        return  # log4brains names records YYYYMMDD-slug.md: the slug is their id
    if number is None:
        yield artifact.finding(
            NO_NUMBER.id,
            f"the file name '{artifact.path.rsplit('/', 1)[-1]}' "
            "does not start with the record's number; rename it "
            "NNNN-title-with-dashes.md",
            line=1,
        )
        return
    twins = [p for p in ctx.repo.numbered(number) if p != artifact.path]
    if twins:
        yield artifact.finding(
            DUPLICATE_NUMBER.id,
            f"the number {number:04d} is also used by {', '.join(twins)}; renumber one of them",
            line=1,
        )


@checks("decision")
def supersede_links(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    data = artifact.data
    me = decision_number(artifact.path)
    by = superseded_by(data)
    if by is not None:
        where: list[str | int] = ["superseded-by"] if "superseded-by" in data else ["status"]
        target = ctx.repo.find_decision(by)
        if target is None:
            yield artifact.finding(
                UNKNOWN_DECISION.id,
                f"the record says it is superseded by '{by}', which does not exist "
                f"({ctx.policy.globs_text('decision')})"
                f"{nearest(str(by), known_names(ctx, 'decision'))}",
                where,
            )
        else:
            other = ctx.repo.load(target, "decision").data
            listed = other.get("supersedes")
            if not (isinstance(listed, list) and _names(listed, me, artifact.stem)):
                yield artifact.finding(
                    SUPERSEDE_MISMATCH.id,
                    f"the record says it is superseded "
                    f"by {target}, but {target} does not list it in "
                    "`supersedes`; add it there",
                    where,
                )
    supersedes = data.get("supersedes")
    for i, ref in enumerate(supersedes if isinstance(supersedes, list) else []):
        target = ctx.repo.find_decision(ref)
        if target is None:
            yield artifact.finding(
                UNKNOWN_DECISION.id,
                f"supersedes[{i}] names '{ref}', which does not exist "
                f"({ctx.policy.globs_text('decision')})"
                f"{nearest(str(ref), known_names(ctx, 'decision'))}",
                ["supersedes", i],
            )
            continue
        other_by = superseded_by(ctx.repo.load(target, "decision").data)
        if other_by is None or not _names([other_by], me, artifact.stem):
            yield artifact.finding(
                SUPERSEDE_MISMATCH.id,
                f"this record supersedes {target}, but "
                f"{target} does not say 'superseded by {me or artifact.stem}'; "
                "set its status to that",
                ["supersedes", i],
            )


def _names(refs: list[Any], number: int | None, record_stem: str) -> bool:
    for ref in refs:
        if str(ref) == record_stem or (number is not None and parse_decision_ref(ref) == number):
            return True
    return False
