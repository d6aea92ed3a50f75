"""MT310-MT318: a model card's measured results against its performance targets.

Each model card also gets its one-line verdict in `ctx.verdicts` (printed by `check`).
Results below target and stale results block a candidate or production card; on a draft
or retired card they are warnings, since a model in development is expected to miss.
"""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.evalsets import EvalSet, eval_sets_of, load_eval_set
from mltriad.findings import Finding, Rule, Severity, define, finding
from mltriad.rules.base import Context, checks
from mltriad.targets import (
    FAIL,
    MISSING,
    MODEL_INDEX,
    Result,
    Target,
    TargetRow,
    Where,
    card_results,
    card_targets,
    current_digest,
    evaluate,
    format_number,
    is_stale,
    metric_key,
    subject,
    verdict,
)

BELOW_TARGET = define(
    "MT310",
    "below-target",
    "A measured result is below its target's launch minimum (an error on candidate and "
    "production cards, a warning on drafts).",
    example="targets: [{metric: recall, slice: new-merchants, min: 0.80}]\n"
    "results: [{metric: recall, slice: new-merchants, value: 0.71, ...}]",
    fix="Improve the model and measure again, or agree a new launch bar with the roles that "
    "sign the card and change the target.",
)
ABOVE_TARGET = define(
    "MT311",
    "above-target",
    "A measured result is above its target's launch maximum (an error on candidate and "
    "production cards, a warning on drafts).",
    example="targets: [{metric: latency_p95_ms, max: 50}]\n"
    "results: [{metric: latency_p95_ms, value: 61, ...}]",
    fix="Improve the model and measure again, or agree a new launch bar with the roles that "
    "sign the card and change the target.",
)
MISSING_RESULT = define(
    "MT312",
    "missing-result",
    "A candidate or production card has a target with no result for its metric, slice and "
    "evaluation set.",
    example="status: candidate\ntargets: [{metric: precision, min: 0.60}]\nresults: []",
    fix="Measure the metric on the target's evaluation set (and slice) and add it under "
    "`results` with `eval_set_digest`.",
)
STALE_RESULT = define(
    "MT313",
    "stale-result",
    "A result was measured on an older version of its evaluation set: the digest it records "
    "differs from the set's digest now.",
    example="eval_set_digest: sha256:1f2e...   # eval-sets/fraud-holdout.yaml changed since",
    fix="Re-run the evaluation on the current set and update `value` and `eval_set_digest` "
    "(`mltriad digest eval-sets/ID.yaml` prints it).",
)
UNKNOWN_SLICE = define(
    "MT314",
    "unknown-slice",
    "A target or result names a slice that its evaluation set does not have.",
    example="results: [{metric: recall, slice: emerging-markets, eval_set: fraud-holdout, ...}]"
    "   # fraud-holdout has no such slice",
    fix="Use a slice name from the evaluation set's manifest, or add the slice there.",
)
NO_INDEPENDENT_SET = define(
    "MT315",
    "no-independent-eval-set",
    "A production card has no evaluation set owned outside the ML engineer role (by one of "
    "eval-sets.share_roles: by default the product manager or the domain expert).",
    example="status: production\neval_sets: [synthetic-checks]   # owner: ml-engineer",
    fix="Measure the model on a set that the product manager or domain expert owns, and list "
    "it in `eval_sets`.",
)
UNPINNED_RESULT = define(
    "MT316",
    "unpinned-result",
    "A result does not record the digest of the evaluation set it was measured on, so a "
    "later change to the set cannot show it as stale.",
    severity=Severity.WARNING,
    example="results: [{metric: recall, eval_set: fraud-holdout, value: 0.84}]",
    fix="Add `eval_set_digest` (for a model-index entry: `dataset.revision`) with the digest "
    "`mltriad digest eval-sets/ID.yaml` prints for the set you measured on.",
)
UNREADABLE_VALUE = define(
    "MT317",
    "unreadable-value",
    "A model-index result on one of the repository's evaluation sets has a value that is not "
    "a number (numbers with '±' or '+/-' and an uncertainty are read).",
    severity=Severity.WARNING,
    example="metrics: [{type: recall, value: 'about 0.8'}]",
    fix="Write the value as a number, optionally with its uncertainty: 0.84 or '0.84 ± 0.02'.",
)
CONFLICTING_RESULTS = define(
    "MT318",
    "conflicting-results",
    "Two current results state different values for the same metric, slice and evaluation "
    "set; the first one listed is used.",
    severity=Severity.WARNING,
    example="results: [{metric: recall, value: 0.84, ...}, {metric: recall, value: 0.79, ...}]",
    fix="Keep one result per metric, slice and evaluation set.",
)

# The findings a card's verdict line sums up; any other error makes the card itself invalid.
VERDICT_RULES = frozenset(
    r.id
    for r in (
        BELOW_TARGET,
        ABOVE_TARGET,
        MISSING_RESULT,
        STALE_RESULT,
        UNKNOWN_SLICE,
        NO_INDEPENDENT_SET,
        UNPINNED_RESULT,
        UNREADABLE_VALUE,
        CONFLICTING_RESULTS,
    )
)

_ENFORCED = ("candidate", "production")


@checks("model-card")
def targets_and_results(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    results = card_results(artifact, ctx.repo)
    targets = card_targets(artifact)
    rows = evaluate(targets, results, ctx.repo)
    ctx.verdicts[artifact.path] = verdict(rows)
    status = artifact.data.get("status")
    enforced = status in _ENFORCED
    eval_sets = _EvalSets(ctx)
    yield from _missed_targets(artifact, rows, enforced)
    if enforced:
        yield from _missing_results(artifact, rows, status)
    yield from _stale_results(artifact, results, ctx, enforced)
    yield from _unknown_slices(artifact, targets, results, eval_sets)
    yield from _unreadable(artifact, results)
    yield from _conflicts(artifact, results, ctx)
    if status == "production":
        yield from _independent_eval_set(artifact, ctx, eval_sets)


class _EvalSets:
    """The evaluation sets one card names, each read once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.loaded: dict[str, EvalSet | None] = {}

    def get(self, set_id: str) -> EvalSet | None:
        if set_id not in self.loaded:
            self.loaded[set_id] = load_eval_set(self.ctx.repo, set_id)
        return self.loaded[set_id]


def _at(
    artifact: Artifact, rule: Rule, message: str, where: Where, *, enforced: bool = True
) -> Finding:
    """A finding at `where`; blocking rules soften to warnings on draft and retired cards."""
    line, col = artifact.locate(list(where))
    severity = rule.severity if enforced else Severity.WARNING
    return finding(rule, artifact.path, message, line, col, severity)


def _missed_targets(artifact: Artifact, rows: list[TargetRow], enforced: bool) -> Iterable[Finding]:
    for row in rows:
        if row.status != FAIL or row.result is None:
            continue
        above = row.missed == "max"
        rule = ABOVE_TARGET if above else BELOW_TARGET
        bound = row.max if above else row.min
        assert bound is not None
        where = f" ({row.eval_set})" if row.slice and row.eval_set else ""
        yield _at(
            artifact,
            rule,
            f"{row.subject}{where} is {row.measured} ({row.result.label}), "
            f"{'above the launch maximum' if above else 'below the launch minimum'} "
            f"{format_number(bound, row.value)} of {row.target.label}; improve the model and "
            "measure again, or agree a new target with the roles that sign the card",
            row.result.where,
            enforced=enforced,
        )


def _missing_results(
    artifact: Artifact, rows: list[TargetRow], status: object
) -> Iterable[Finding]:
    for row in rows:
        if row.status != MISSING:
            continue
        on = f" of {row.eval_set}" if row.slice and row.eval_set else ""
        yield _at(
            artifact,
            MISSING_RESULT,
            f"{row.target.label} ({row.subject}{on}, {row.requirement}) has no result, and a "
            f"{status} card needs one for every target; measure it and add it under results "
            "with eval_set and eval_set_digest",
            row.target.where,
        )


def _stale_results(
    artifact: Artifact, results: list[Result], ctx: Context, enforced: bool
) -> Iterable[Finding]:
    for result in results:
        now = current_digest(ctx.repo, result.eval_set)
        if now is None:
            continue  # an unknown evaluation set is MT206's finding
        digest_where = _digest_where(result)
        if result.digest is None:
            yield _at(
                artifact,
                UNPINNED_RESULT,
                f"{result.label} ({_result_subject(result)}) does not record the digest of "
                f"{result.eval_set} it was measured on, so a later change to the set cannot "
                f"show it as stale; if it was measured on the current set, add "
                f"{_digest_key(result)}: {now}",
                result.where[:-1],
            )
        elif is_stale(result, ctx.repo):
            yield _at(
                artifact,
                STALE_RESULT,
                f"{result.label} ({_result_subject(result)}) was measured on {result.eval_set} "
                f"at digest {_short(result.digest)}, but the set's digest is now {_short(now)}: "
                "the result is stale; re-run the evaluation and update the value and "
                f"{_digest_key(result)} (`mltriad digest "
                f"{ctx.repo.find('eval-set', result.eval_set or '')}`)",
                digest_where,
                enforced=enforced,
            )


def _short(digest: str) -> str:
    """'sha256:e75d94e30256...': enough to tell two digests apart in a message."""
    return digest[:19] + "..."


def _digest_key(result: Result) -> str:
    return "dataset.revision" if result.source == MODEL_INDEX else "eval_set_digest"


def _digest_where(result: Result) -> Where:
    if result.source == MODEL_INDEX:
        return (*result.where[:4], "dataset", "revision")
    return (*result.where[:-1], "eval_set_digest")


def _slice_where(result: Result) -> Where:
    if result.source == MODEL_INDEX:
        return (*result.where[:4], "dataset", "config")
    return (*result.where[:-1], "slice")


def _result_subject(result: Result) -> str:
    return subject(result.metric, result.slice, result.eval_set)


def _unknown_slices(
    artifact: Artifact, targets: list[Target], results: list[Result], eval_sets: _EvalSets
) -> Iterable[Finding]:
    named: list[tuple[str, str | None, str | None, Where]] = [
        (t.label, t.slice, t.eval_set, (*t.where, "slice")) for t in targets
    ]
    named += [(r.label, r.slice, r.eval_set, _slice_where(r)) for r in results]
    for label, slice_name, set_id, where in named:
        if slice_name is None or set_id is None:
            continue
        eval_set = eval_sets.get(set_id)
        if eval_set is None or eval_set.slice(slice_name) is not None:
            continue
        yield _at(
            artifact,
            UNKNOWN_SLICE,
            f"{label} names the slice '{slice_name}', which the evaluation set {set_id} does "
            f"not have (its {len(eval_set.slices)} slices: "
            f"{', '.join(eval_set.slice_names) or 'none'}); fix the name or add the slice to "
            f"{eval_set.path}",
            where,
        )


def _unreadable(artifact: Artifact, results: list[Result]) -> Iterable[Finding]:
    for result in results:
        if result.source == MODEL_INDEX and result.value is None:
            yield _at(
                artifact,
                UNREADABLE_VALUE,
                f"{result.label} ({_result_subject(result)}) has the value '{result.text}', "
                "which is not a number; write it as 0.84 or '0.84 ± 0.02'",
                result.where,
            )


def _conflicts(artifact: Artifact, results: list[Result], ctx: Context) -> Iterable[Finding]:
    first: dict[tuple[str, str | None, str | None], Result] = {}
    for result in results:
        if result.value is None or is_stale(result, ctx.repo):
            continue
        key = (metric_key(result.metric), result.slice, result.eval_set)
        earlier = first.setdefault(key, result)
        if earlier is not result and earlier.value != result.value:
            assert earlier.value is not None and result.value is not None
            yield _at(
                artifact,
                CONFLICTING_RESULTS,
                f"{result.label} states {_result_subject(result)} is "
                f"{format_number(result.value, earlier.value)}, but {earlier.label} states "
                f"{format_number(earlier.value, result.value)}; the first is used. Keep one "
                "result per metric, slice and evaluation set",
                result.where,
            )


def _independent_eval_set(
    artifact: Artifact, ctx: Context, eval_sets: _EvalSets
) -> Iterable[Finding]:
    share_roles = ctx.policy.eval_sets.share_roles
    if not share_roles:  # a policy without share roles asks for no independent set
        return
    owners: dict[str, str] = {}
    for set_id in eval_sets_of(artifact):
        eval_set = eval_sets.get(set_id)
        if eval_set is not None:
            owners[set_id] = eval_set.owner or "nobody"
    if any(owner in share_roles for owner in owners.values()):
        return
    listed = ", ".join(f"{k} (owner: {v})" for k, v in owners.items()) or "none"
    yield _at(
        artifact,
        NO_INDEPENDENT_SET,
        f"0 of the card's {len(owners)} evaluation set(s) are owned outside the ML engineer "
        f"role ({listed}), but a production card needs at least 1 owned by "
        f"{' or '.join(share_roles)} (eval-sets.share_roles in triad.yaml); measure the model "
        "on a set they own and list it in eval_sets",
        ("eval_sets",),
    )
