"""MT209-MT212: the decision log's numbering and its supersede links, both directions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mltriad.artifacts import Artifact, decision_number, parse_decision_ref
from mltriad.findings import Finding, define
from mltriad.rules.base import Context, checks
from mltriad.rules.references import UNKNOWN_DECISION

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
                f"the record says it is superseded by '{by}', which does not exist",
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
                f"supersedes[{i}] names '{ref}', which does not exist",
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
