"""What every rule sees, and how rules register for the kinds they check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mltriad.artifacts import Artifact, Repository
from mltriad.findings import Finding
from mltriad.policy import Policy


@dataclass
class Context:
    """The repository under check and its policy; rules read other artifacts through it."""

    repo: Repository
    policy: Policy
    verdicts: dict[str, str] = field(default_factory=dict)


Check = Callable[[Artifact, Context], Iterable[Finding]]

CHECKS: dict[str, list[Check]] = defaultdict(list)
# The key under which rules register for every kind of the team's own (`kinds:`).
TEAM_KINDS = "kinds:"


def checks(*kinds: str) -> Callable[[Check], Check]:
    """Register a rule function for artifacts of the given kinds."""

    def register(func: Check) -> Check:
        for kind in kinds:
            CHECKS[kind].append(func)
        return func

    return register


def run_checks(artifact: Artifact, ctx: Context) -> list[Finding]:
    """Parse problems, then, if the artifact parsed, every rule registered for its kind."""
    found = list(artifact.problems)
    if artifact.doc is None:
        return found
    kind = TEAM_KINDS if artifact.kind in ctx.policy.kinds else artifact.kind
    for check in CHECKS.get(kind, []):
        found.extend(check(artifact, ctx))
    return _said_once(found)


# A role id that is not lowercase-with-dashes is also a role triad.yaml does not define:
# MT201 says so, with the nearest role, so the schema's MT105 on the same value is left out.
_SAID_BETTER = {"MT105": "MT201"}


def _said_once(found: list[Finding]) -> list[Finding]:
    better = {(f.rule, f.line, f.col) for f in found if f.rule in _SAID_BETTER.values()}
    return [
        f
        for f in found
        if f.rule not in _SAID_BETTER or (_SAID_BETTER[f.rule], f.line, f.col) not in better
    ]
