"""Classification metrics, computed exactly from counts and scores, with no dependency.

A `Confusion` counts cases by (actual label, predicted label); every count-based metric is
a ratio of its integers, computed with `fractions.Fraction` and turned into a float once.
`Scores` keeps the scores of the positive and of the negative cases (8 bytes each) for the
two ranking metrics:

- `roc_auc`: the area under the ROC curve, the probability that a positive case scores
  above a negative one, ties counting one half (what scikit-learn's `roc_auc_score` gives);
- `pr_auc`: average precision, the sum over score thresholds of precision times the gain in
  recall, with one threshold per distinct score (scikit-learn's `average_precision_score`;
  not the trapezoid under the precision-recall curve, which over-states it).

A metric that its data cannot define (a recall with no positive case, an AUC with one
class) raises `Undefined` with the reason: never NaN, never a silent 0.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import repeat

BINARY_METRICS = (
    "precision",
    "recall",
    "f1",
    "specificity",
    "false_positive_rate",
    "false_negative_rate",
)
AVERAGED_METRICS = ("accuracy", "macro_f1", "micro_f1", "weighted_f1")
SCORE_METRICS = ("roc_auc", "pr_auc")
METRICS = (*AVERAGED_METRICS[:1], *BINARY_METRICS, *AVERAGED_METRICS[1:], *SCORE_METRICS)


class Undefined(Exception):
    """The data do not define the metric; `reason` says why, in words."""

    def __init__(self, metric: str, reason: str) -> None:
        super().__init__(f"{metric} is undefined: {reason}")
        self.metric = metric
        self.reason = reason


@dataclass
class Confusion:
    """Counts by actual label (rows) and predicted label (columns), labels in `labels`'
    order; for a binary task the positive label is last."""

    labels: list[str]
    counts: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [[0] * len(self.labels) for _ in self.labels]

    def add(self, actual: int, predicted: int, times: int = 1) -> None:
        self.counts[actual][predicted] += times

    def merge(self, other: Confusion) -> None:
        for i, row in enumerate(other.counts):
            for j, count in enumerate(row):
                self.counts[i][j] += count

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    def support(self, i: int) -> int:
        return sum(self.counts[i])

    def predicted(self, i: int) -> int:
        return sum(row[i] for row in self.counts)


@dataclass
class Scores:
    """The scores of the positive and of the negative cases, kept as compact arrays."""

    positive: array[float] = field(default_factory=lambda: array("d"))
    negative: array[float] = field(default_factory=lambda: array("d"))
    _ranked: tuple[int, int, list[float], list[float]] | None = field(
        default=None, repr=False, compare=False
    )

    def add(self, score: float, is_positive: bool) -> None:
        (self.positive if is_positive else self.negative).append(score)

    def merge(self, other: Scores) -> None:
        self.positive.extend(other.positive)
        self.negative.extend(other.negative)

    def ranked(self) -> tuple[list[float], list[float]]:
        """The positive and the negative scores, each sorted ascending; sorted once for both
        ranking metrics, and again only after scores are added (the arrays only grow)."""
        cached = self._ranked
        if cached is None or cached[:2] != (len(self.positive), len(self.negative)):
            cached = (
                len(self.positive),
                len(self.negative),
                sorted(self.positive),
                sorted(self.negative),
            )
            self._ranked = cached
        return cached[2], cached[3]


def _ratio(metric: str, top: int, bottom: int, reason: str) -> float:
    if bottom == 0:
        raise Undefined(metric, reason)
    return float(Fraction(top, bottom))


def binary_counts(confusion: Confusion, positive: int) -> tuple[int, int, int, int]:
    """(TN, FP, FN, TP) with `positive` against every other label."""
    tp = confusion.counts[positive][positive]
    fn = confusion.support(positive) - tp
    fp = confusion.predicted(positive) - tp
    tn = confusion.total - tp - fn - fp
    return tn, fp, fn, tp


def compute(
    metric: str, confusion: Confusion, positive: int | None, scores: Scores | None = None
) -> float:
    """The value of `metric` (a name of METRICS); `positive` is the index of the positive
    label (None for a task without one). Raises Undefined, or KeyError for an unknown name."""
    if metric not in METRICS:
        raise KeyError(metric)
    n = confusion.total
    if metric == "accuracy" or metric == "micro_f1":
        # With one label per case, micro-averaged precision, recall and F1 all equal accuracy.
        correct = sum(confusion.counts[i][i] for i in range(len(confusion.labels)))
        return _ratio(metric, correct, n, "there are no cases")
    if metric in ("macro_f1", "weighted_f1"):
        return _averaged_f1(metric, confusion)
    if metric in SCORE_METRICS:
        if scores is None:
            raise Undefined(metric, "the predictions give no scores (add a score column)")
        return roc_auc(scores) if metric == "roc_auc" else average_precision(scores)
    if positive is None:
        raise Undefined(
            metric,
            "it needs a positive label, and the slice declares none (columns.positive in the "
            "evaluation set); for several classes use macro_f1, micro_f1 or weighted_f1",
        )
    tn, fp, fn, tp = binary_counts(confusion, positive)
    label = confusion.labels[positive]
    if metric == "precision":
        return _ratio(metric, tp, tp + fp, f"no case was predicted '{label}'")
    if metric == "recall":
        return _ratio(metric, tp, tp + fn, f"no case is labelled '{label}'")
    if metric == "f1":
        return _ratio(
            metric, 2 * tp, 2 * tp + fp + fn, f"no case is labelled or predicted '{label}'"
        )
    if metric == "false_negative_rate":
        return _ratio(metric, fn, tp + fn, f"no case is labelled '{label}'")
    reason = f"every case is labelled '{label}'" if n else "there are no cases"
    if metric == "specificity":
        return _ratio(metric, tn, tn + fp, reason)
    return _ratio(metric, fp, tn + fp, reason)  # false_positive_rate


def _averaged_f1(metric: str, confusion: Confusion) -> float:
    """Macro: the mean F1 of the labels that occur (as actual or predicted); weighted: the
    mean weighted by each label's number of actual cases."""
    present = [
        i for i in range(len(confusion.labels)) if confusion.support(i) or confusion.predicted(i)
    ]
    if not present:
        raise Undefined(metric, "there are no cases")
    f1s = {}
    for i in present:
        tp = confusion.counts[i][i]
        f1s[i] = Fraction(2 * tp, confusion.support(i) + confusion.predicted(i))
    if metric == "macro_f1":
        return float(sum(f1s.values(), Fraction(0)) / len(present))
    total = confusion.total
    weighted = sum((f1s[i] * confusion.support(i) for i in present), Fraction(0))
    return float(weighted / total)


def roc_auc(scores: Scores) -> float:
    """P(a positive case scores above a negative one) + P(they tie) / 2.

    Each positive case wins over the negatives below it and ties with those equal to it:
    with the negatives sorted, bisect_left counts the first and bisect_right both, so
    twice its wins are their sum (integers throughout, one float at the end)."""
    positives, negatives = scores.ranked()
    if not positives or not negatives:
        missing = "positive" if not positives else "negative"
        raise Undefined("roc_auc", f"there is no {missing} case: it needs both classes")
    twice_wins = sum(map(bisect_left, repeat(negatives), positives)) + sum(
        map(bisect_right, repeat(negatives), positives)
    )
    return float(Fraction(twice_wins, 2 * len(positives) * len(negatives)))


def average_precision(scores: Scores) -> float:
    """Average precision: sum over distinct score thresholds, highest first, of the
    precision at that threshold times the recall it adds.

    Only a threshold that some positive case scores adds recall, so the sum runs over the
    distinct positive scores; the cases at or above a threshold are counted by bisection."""
    positives, negatives = scores.ranked()
    total = len(positives)
    if not total:
        raise Undefined("pr_auc", "there is no positive case")
    thresholds = sorted(set(positives), reverse=True)
    n_negative = len(negatives)
    terms = []
    previous = 0
    for below, negatives_below in zip(
        map(bisect_left, repeat(positives), thresholds),
        map(bisect_left, repeat(negatives), thresholds),
        strict=True,
    ):
        tp = total - below
        fp = n_negative - negatives_below
        terms.append((tp - previous) / total * (tp / (tp + fp)))
        previous = tp
    return math.fsum(terms)
