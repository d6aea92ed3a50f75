"""Performance targets against measured results, and the one-line verdict of a model card.

A card states `targets` (per metric, optional slice and evaluation set: a launch `min` or
`max`, optionally a goal) and `results` (the measured value, the evaluation set and its
digest when measured). Hugging Face `model-index` entries whose dataset names one of the
repository's evaluation sets are read as results too, so a card that keeps its numbers
there is judged the same way.

Each target gets one `TargetRow` with a status:

- `pass`: a current result meets the launch bar;
- `fail`: a current result is below `min` or above `max`;
- `stale`: the result was measured on an older version of the evaluation set;
- `missing`: no result states the target's metric, slice and evaluation set.

`evaluate_targets(card, repo)` and `verdict(rows)` are the data API the rules and the site
share.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from mltriad.artifacts import Artifact, Repository
from mltriad.values import metric_key as metric_key  # re-exported: rules and the site use it
from mltriad.values import read_value

PASS = "pass"
FAIL = "fail"
STALE = "stale"
MISSING = "missing"
STATUSES = (PASS, FAIL, STALE, MISSING)

RESULTS = "results"
MODEL_INDEX = "model-index"

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_WHOLE_SET_CONFIGS = {"", "default", "all"}

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Result:
    """A measured value, from `results` or from the Hugging Face `model-index`.

    `value` is None when the text could not be read as a number; `digest` is the evaluation
    set's digest at measurement (`eval_set_digest`, or a model-index dataset `revision` of the
    form sha256:...); `where` locates the value in the card's front matter.
    """

    metric: str
    value: float | None
    text: str
    uncertainty: float | None
    eval_set: str | None
    slice: str | None
    digest: str | None
    source: str
    where: Where
    measured_at: str | None = None
    run: str | None = None

    @property
    def label(self) -> str:
        """'results[0]' or 'model-index[0].results[1].metrics[2]', for messages."""
        return _label(self.where[:-1])


@dataclass(frozen=True)
class Target:
    """A launch bar. `eval_set` is resolved: absent means the card's first evaluation set."""

    metric: str
    slice: str | None
    eval_set: str | None
    min: float | None
    max: float | None
    goal: float | None
    why: str
    index: int

    @property
    def where(self) -> Where:
        return ("targets", self.index)

    @property
    def label(self) -> str:
        return f"targets[{self.index}]"


@dataclass(frozen=True)
class TargetRow:
    """A target, the result chosen for it (if any), and the verdict on it.

    `current_digest` is the evaluation set's digest now (None when the set has no manifest);
    `missed` is 'min' or 'max' when the status is fail; `goal_met` is None without a goal or
    a value.
    """

    target: Target
    result: Result | None
    status: str
    current_digest: str | None
    missed: str | None = None
    goal_met: bool | None = None

    @property
    def metric(self) -> str:
        return self.target.metric

    @property
    def slice(self) -> str | None:
        return self.target.slice

    @property
    def eval_set(self) -> str | None:
        return self.target.eval_set

    @property
    def min(self) -> float | None:
        return self.target.min

    @property
    def max(self) -> float | None:
        return self.target.max

    @property
    def goal(self) -> float | None:
        return self.target.goal

    @property
    def value(self) -> float | None:
        return self.result.value if self.result is not None else None

    @property
    def subject(self) -> str:
        """'recall on new-merchants', or 'precision on fraud-holdout' for a whole set."""
        return subject(self.target.metric, self.target.slice, self.target.eval_set)

    @property
    def requirement(self) -> str:
        """The launch bar in words: 'launch minimum 0.80' (numbers as precise as the value)."""
        parts = []
        if self.min is not None:
            parts.append(f"launch minimum {format_number(self.min, self.value)}")
        if self.max is not None:
            parts.append(f"launch maximum {format_number(self.max, self.value)}")
        return " and ".join(parts)

    @property
    def measured(self) -> str:
        """The value as the card states it, with the precision of the bar it is compared to."""
        if self.value is None:
            return "not measured"
        bound = self.min if self.min is not None else self.max
        return format_number(self.value, bound)


def subject(metric: str, slice_name: str | None, eval_set: str | None) -> str:
    where = slice_name or eval_set
    return f"{metric} on {where}" if where else metric


# --- Reading a card ------------------------------------------------------------------------


def card_targets(card: Artifact) -> list[Target]:
    """The card's targets, with each target's evaluation set resolved."""
    default = _first_eval_set(card)
    entries = card.data.get("targets")
    targets = []
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("metric"), str):
            continue
        targets.append(
            Target(
                metric=entry["metric"],
                slice=_optional_text(entry.get("slice")),
                eval_set=_optional_text(entry.get("eval_set")) or default,
                min=_bound(entry.get("min")),
                max=_bound(entry.get("max")),
                goal=_bound(entry.get("goal")),
                why=_optional_text(entry.get("why")) or "",
                index=i,
            )
        )
    return targets


def card_results(card: Artifact, repo: Repository) -> list[Result]:
    """The card's `results`, then the `model-index` results on the repository's evaluation
    sets (entries on other datasets, such as Hub datasets, are not the repository's concern)."""
    return [*_listed_results(card), *_model_index_results(card, repo)]


def _listed_results(card: Artifact) -> list[Result]:
    default = _first_eval_set(card)
    entries = card.data.get("results")
    results = []
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("metric"), str):
            continue
        raw = entry.get("value")
        parsed = read_value(raw)
        results.append(
            Result(
                metric=entry["metric"],
                value=parsed[0] if parsed else None,
                text=str(raw),
                uncertainty=parsed[1] if parsed else None,
                eval_set=_optional_text(entry.get("eval_set")) or default,
                slice=_optional_text(entry.get("slice")),
                digest=_digest(entry.get("eval_set_digest")),
                source=RESULTS,
                where=(RESULTS, i, "value"),
                measured_at=_optional_text(entry.get("measured_at")),
                run=_optional_text(entry.get("run")),
            )
        )
    return results


def _model_index_results(card: Artifact, repo: Repository) -> list[Result]:
    index = card.data.get("model-index")
    results = []
    for i, model in enumerate(index if isinstance(index, list) else []):
        entries = model.get("results") if isinstance(model, dict) else None
        for j, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict):
                continue
            dataset = entry.get("dataset")
            eval_set = _eval_set_of(dataset, card, repo)
            if eval_set is None or not isinstance(dataset, dict):
                continue
            config = _optional_text(dataset.get("config")) or ""
            metrics = entry.get("metrics")
            for k, metric in enumerate(metrics if isinstance(metrics, list) else []):
                if isinstance(metric, dict) and isinstance(metric.get("type"), str):
                    raw = metric.get("value")
                    parsed = read_value(raw)
                    results.append(
                        Result(
                            metric=metric["type"],
                            value=parsed[0] if parsed else None,
                            text=str(raw),
                            uncertainty=parsed[1] if parsed else None,
                            eval_set=eval_set,
                            slice=None if config.lower() in _WHOLE_SET_CONFIGS else config,
                            digest=_digest(dataset.get("revision")),
                            source=MODEL_INDEX,
                            where=(MODEL_INDEX, i, "results", j, "metrics", k, "value"),
                        )
                    )
    return results


def _eval_set_of(dataset: Any, card: Artifact, repo: Repository) -> str | None:
    """The evaluation set a model-index dataset names by its `type` or `name`, if any."""
    if not isinstance(dataset, dict):
        return None
    listed = card.data.get("eval_sets")
    known = set(listed) if isinstance(listed, list) else set()
    for key in ("type", "name"):
        ref = dataset.get(key)
        if isinstance(ref, str) and (ref in known or repo.find("eval-set", ref) is not None):
            return ref
    return None


def _first_eval_set(card: Artifact) -> str | None:
    listed = card.data.get("eval_sets")
    if isinstance(listed, list) and listed and isinstance(listed[0], str):
        return listed[0]
    return None


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bound(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _digest(value: Any) -> str | None:
    return value if isinstance(value, str) and _DIGEST.match(value) else None


# --- Judging -------------------------------------------------------------------------------


def current_digest(repo: Repository, eval_set: str | None) -> str | None:
    """The evaluation set's digest now, or None when it has no manifest."""
    if eval_set is None:
        return None
    path = repo.find("eval-set", eval_set)
    return repo.load(path, "eval-set").digest if path is not None else None


def is_stale(result: Result, repo: Repository) -> bool:
    """True when the result pins a digest of its evaluation set that is no longer current."""
    if result.digest is None:
        return False
    now = current_digest(repo, result.eval_set)
    return now is not None and now != result.digest


def matches(target: Target, result: Result) -> bool:
    return (
        metric_key(target.metric) == metric_key(result.metric)
        and target.slice == result.slice
        and target.eval_set == result.eval_set
    )


def evaluate_targets(card: Artifact, repo: Repository) -> list[TargetRow]:
    """One row per target of the card, in the card's order."""
    return evaluate(card_targets(card), card_results(card, repo), repo)


def evaluate(targets: list[Target], results: list[Result], repo: Repository) -> list[TargetRow]:
    """One row per target: the first current result that matches it decides its status."""
    ids = {t.eval_set for t in targets} | {r.eval_set for r in results}
    digests = {i: current_digest(repo, i) for i in ids if i is not None}
    return [_row(t, [r for r in results if matches(t, r)], digests) for t in targets]


def _stale(result: Result, digests: dict[str, str | None]) -> bool:
    now = digests.get(result.eval_set or "")
    return result.digest is not None and now is not None and now != result.digest


def _row(target: Target, candidates: list[Result], digests: dict[str, str | None]) -> TargetRow:
    now = digests.get(target.eval_set or "")
    readable = [r for r in candidates if r.value is not None]
    current = [r for r in readable if not _stale(r, digests)]
    if current:
        return _judge(target, current[0], now)
    if readable:
        return TargetRow(target, readable[0], STALE, now, goal_met=_goal_met(target, readable[0]))
    return TargetRow(target, None, MISSING, now)


def _judge(target: Target, result: Result, now: str | None) -> TargetRow:
    value = result.value
    assert value is not None
    missed = None
    if target.min is not None and value < target.min:
        missed = "min"
    elif target.max is not None and value > target.max:
        missed = "max"
    status = FAIL if missed else PASS
    return TargetRow(target, result, status, now, missed, _goal_met(target, result))


def _goal_met(target: Target, result: Result) -> bool | None:
    if target.goal is None or result.value is None:
        return None
    higher_is_better = target.min is not None or target.max is None
    return result.value >= target.goal if higher_is_better else result.value <= target.goal


def verdict(rows: list[TargetRow]) -> str:
    """One line for people: 'meets targets', 'below target: recall on new-merchants is 0.71,
    launch minimum 0.80', 'stale: results measured on an older fraud-holdout; re-run the
    evaluation', 'no results yet', or several of these joined by '; '."""
    if not rows:
        return "no targets stated"
    failing = [r for r in rows if r.status == FAIL]
    stale = [r for r in rows if r.status == STALE]
    missing = [r for r in rows if r.status == MISSING]
    parts = []
    if failing:
        parts.append(_failing(failing))
    if stale:
        sets = ", ".join(dict.fromkeys(r.eval_set or "evaluation set" for r in stale))
        parts.append(f"stale: results measured on an older {sets}; re-run the evaluation")
    if missing:
        if len(missing) == len(rows):
            parts.append("no results yet")
        else:
            parts.append("no result for " + ", ".join(r.subject for r in missing))
    return "; ".join(parts) if parts else "meets targets"


def card_verdict(card: Artifact, repo: Repository) -> str:
    return verdict(evaluate_targets(card, repo))


def _failing(rows: list[TargetRow]) -> str:
    kinds = {r.missed for r in rows}
    if kinds == {"min"}:
        label = "below target"
    elif kinds == {"max"}:
        label = "above target"
    else:
        label = "misses targets"
    return label + ": " + "; ".join(f"{r.subject} is {r.measured}, {_bar(r)}" for r in rows)


def _bar(row: TargetRow) -> str:
    if row.missed == "max" and row.max is not None:
        return f"launch maximum {format_number(row.max, row.value)}"
    if row.min is not None:
        return f"launch minimum {format_number(row.min, row.value)}"
    return row.requirement


def _decimals(x: float) -> int:
    text = f"{x:.6g}"
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".", 1)[1])


def format_number(x: float, other: float | None = None) -> str:
    """`x` as messages and the site show it: with as many decimals as the more precise of
    `x` and `other` (0.8 next to 0.71 is '0.80'); very large and very small numbers keep
    their exponent."""
    if x != 0 and (abs(x) >= 1e7 or abs(x) < 1e-4):
        return f"{x:.6g}"
    places = max(_decimals(x), _decimals(other) if other is not None else 0)
    return f"{x:.{places}f}"


def _label(where: Where) -> str:
    text = ""
    for step in where:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
