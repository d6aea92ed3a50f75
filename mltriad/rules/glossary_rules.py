"""MT701-MT703: the metrics model cards name are defined in the glossary, once, and the
launch bars agree with the direction the glossary gives them.

A repository without a glossary gets none of these findings: the glossary is opt-in, and
a repository that has none is not broken by it.
"""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.findings import Finding, Severity, define, finding
from mltriad.glossary import BUILT_IN_DIRECTIONS, HIGHER, LOWER, Term, glossary_of, terms_of
from mltriad.rules.base import Context, checks
from mltriad.targets import MODEL_INDEX, card_results, card_targets
from mltriad.values import PLACEHOLDER, metric_key

Where = tuple[str | int, ...]

UNDEFINED_METRIC = define(
    "MT701",
    "undefined-metric",
    "A model card's target or result names a metric that the repository's glossary does "
    "not define (only in a repository that has a glossary).",
    example="targets:\n  - metric: recal   # the glossary defines recall",
    fix="Fix the name (the message suggests the nearest defined metric), or define the "
    "metric under `metrics:` in the glossary, with its direction, unit and formula.",
)
DIRECTION_MISMATCH = define(
    "MT702",
    "metric-direction",
    "A target's launch bar points the wrong way for its metric: a `min` on a metric where "
    "lower is better (or a `max` where higher is better) is passed by ever worse results. "
    "Also a glossary metric whose direction contradicts the built-in metric it is "
    "computed as.",
    severity=Severity.WARNING,
    example="- metric: false_positive_rate   # direction: lower in the glossary\n  min: 0.02",
    fix="Give the bound the metric's direction asks for (`max` for lower is better), or fix "
    "the direction in the glossary.",
)
DUPLICATE_TERM = define(
    "MT703",
    "duplicate-term",
    "A term (or an alias) is defined twice in the glossary, in one file or in two; names "
    "compare without letter case, and with '-', '_' and spaces alike.",
    example="metrics:\n  - term: recall\n  ...\n  - term: Recall",
    fix="Keep one definition, and list the other spelling under its `aliases`.",
)


def _metric_where(where: Where, source: str) -> Where:
    """The node of a result's metric name: `metric`, or a model-index entry's `type`."""
    return (*where[:-1], "type") if source == MODEL_INDEX else (*where[:-1], "metric")


@checks("model-card")
def metrics_defined(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    glossary = glossary_of(ctx.repo)
    if not glossary.exists or not glossary.readable:
        return  # no glossary: nothing to define; an unreadable one: its own finding
    named: list[tuple[str, str, Where]] = [
        (t.label, t.metric, (*t.where, "metric")) for t in card_targets(artifact)
    ]
    named += [
        (r.label, r.metric, _metric_where(r.where, r.source))
        for r in card_results(artifact, ctx.repo)
    ]
    files = ", ".join(glossary.paths)
    for label, metric, where in named:
        if PLACEHOLDER in metric:
            continue  # a template's placeholder: MT601 asks for the name
        term = glossary.lookup(metric)
        if term is not None and term.is_metric:
            continue
        if term is not None:
            message = (
                f"{label} names the metric '{metric}', which the glossary defines as a term, "
                f"not a metric ({term.at}); move it under `metrics:` with its direction, "
                "unit and formula"
            )
        else:
            hint = glossary.suggest(metric)
            message = f"{label} names the metric '{metric}', which the glossary ({files}) " + (
                f"does not define; did you mean '{hint}'?"
                if hint
                else f"does not define (its metrics: {glossary.defined_names()}); fix the "
                "name, or define the metric under `metrics:` with its direction, unit and "
                "formula"
            )
        yield artifact.finding(UNDEFINED_METRIC.id, message, list(where))


@checks("model-card")
def bounds_follow_direction(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    glossary = glossary_of(ctx.repo)
    if not glossary.exists:
        return
    for target in card_targets(artifact):
        term = glossary.lookup(target.metric)
        if term is None or not term.is_metric or term.direction is None:
            continue
        if target.min is not None and target.max is not None:
            continue  # a band: both bounds are meant
        if term.direction == LOWER and target.min is not None:
            bound, wanted = "min", "max"
        elif term.direction == HIGHER and target.max is not None:
            bound, wanted = "max", "min"
        else:
            continue
        better = "lower" if term.direction == LOWER else "higher"
        worse = "higher" if term.direction == LOWER else "lower"
        yield artifact.finding(
            DIRECTION_MISMATCH.id,
            f"{target.label} sets a `{bound}` for {target.metric}, but the glossary says "
            f"{better} is better for it ({term.at}): the target would pass however much "
            f"{worse} (worse) the result goes; use `{wanted}`, or fix the direction in the "
            "glossary",
            [*target.where, bound],
            key=True,
        )


@checks("glossary")
def glossary_terms(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    """Each name once across the glossary; each metric's direction as its built-in says."""
    mine = terms_of(artifact)
    everyone = glossary_of(ctx.repo).terms if artifact.path in ctx.repo.paths("glossary") else ()
    others = [t for t in everyone if t.path != artifact.path]
    yield from _duplicates(artifact, mine, others)
    for term in mine:
        yield from _built_in_direction(artifact, term)


def _duplicates(artifact: Artifact, mine: list[Term], others: list[Term]) -> Iterable[Finding]:
    for i, term in enumerate(mine):
        for j, name in enumerate(term.names):
            key = metric_key(name)
            if key in {metric_key(n) for n in term.names[:j]}:
                continue  # an alias that repeats the term's own name says nothing twice
            twins = [t for t in (*mine[:i], *mine[i + 1 :], *others) if key in _keys(t)]
            if not twins:
                continue
            where: list[str | int] = (
                [*term.where, "term"] if j == 0 else [*term.where, "aliases", j - 1]
            )
            also = ", ".join(t.where_named(name) for t in twins)
            what = "term" if j == 0 else "alias"
            yield artifact.finding(
                DUPLICATE_TERM.id,
                f"the {what} '{name}' is defined more than once in the glossary (also at "
                f"{also}); keep one definition, and list other spellings under its `aliases`",
                where,
            )


def _keys(term: Term) -> set[str]:
    return {metric_key(n) for n in term.names}


def _built_in_direction(artifact: Artifact, term: Term) -> Iterable[Finding]:
    if term.computed_as is None or term.direction is None:
        return
    built_in = BUILT_IN_DIRECTIONS[term.computed_as]
    if built_in != term.direction:
        line, col = artifact.locate([*term.where, "direction"])
        yield finding(
            DIRECTION_MISMATCH,
            artifact.path,
            f"{term.name} is computed as {term.computed_as}, for which {built_in} is better, "
            f"but its direction says {term.direction}; fix one of them",
            line,
            col,
        )
