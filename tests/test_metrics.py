"""mltriad.metrics against scikit-learn, on random data with ties, one class and no cases."""

from __future__ import annotations

import random

import pytest

from mltriad.metrics import METRICS, Confusion, Scores, Undefined, compute

sklearn_metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is a test extra")

LABELS = ["legit", "fraud"]  # the positive label last, as mltriad orders them


def confusion_of(actual: list[int], predicted: list[int], labels: list[str]) -> Confusion:
    confusion = Confusion(list(labels))
    for a, p in zip(actual, predicted, strict=True):
        confusion.add(a, p)
    return confusion


def scores_of(actual: list[int], score: list[float], positive: int) -> Scores:
    scores = Scores()
    for a, s in zip(actual, score, strict=True):
        scores.add(s, a == positive)
    return scores


def binary_oracle(
    metric: str, actual: list[int], predicted: list[int], score: list[float]
) -> float:
    m = sklearn_metrics
    if metric == "accuracy":
        return float(m.accuracy_score(actual, predicted))
    if metric in ("precision", "recall", "f1"):
        fn = {"precision": m.precision_score, "recall": m.recall_score, "f1": m.f1_score}[metric]
        return float(fn(actual, predicted, pos_label=1, zero_division=0))
    if metric in ("macro_f1", "micro_f1", "weighted_f1"):
        return float(m.f1_score(actual, predicted, average=metric.split("_")[0]))
    if metric == "roc_auc":
        return float(m.roc_auc_score(actual, score))
    if metric == "pr_auc":
        return float(m.average_precision_score(actual, score))
    tn, fp, fn_, tp = m.confusion_matrix(actual, predicted, labels=[0, 1]).ravel()
    return {
        "specificity": tn / (tn + fp),
        "false_positive_rate": fp / (fp + tn),
        "false_negative_rate": fn_ / (fn_ + tp),
    }[metric]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("metric", METRICS)
def test_binary_metrics_agree_with_scikit_learn(seed: int, metric: str) -> None:
    rng = random.Random(seed)
    n = rng.choice([5, 40, 300])
    actual = [int(rng.random() < 0.3) for _ in range(n)]
    actual[0], actual[1] = 0, 1  # both classes, so every metric is defined
    predicted = [a if rng.random() < 0.8 else 1 - a for a in actual]
    predicted[0], predicted[1] = 0, 1
    # Scores rounded to one decimal: many ties, within and across the classes.
    score = [round(min(max(rng.gauss(0.3 + 0.4 * a, 0.25), 0), 1), 1) for a in actual]
    ours = compute(metric, confusion_of(actual, predicted, LABELS), 1, scores_of(actual, score, 1))
    assert ours == pytest.approx(binary_oracle(metric, actual, predicted, score), abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("metric", ["accuracy", "macro_f1", "micro_f1", "weighted_f1"])
def test_multiclass_metrics_agree_with_scikit_learn(seed: int, metric: str) -> None:
    rng = random.Random(100 + seed)
    labels = ["a", "b", "c", "d"]
    n = rng.choice([3, 50, 400])
    # Some labels may never occur, as actual or as predicted: sklearn averages over the
    # labels that occur, and so does mltriad.
    actual = [rng.randrange(3) for _ in range(n)]
    predicted = [rng.randrange(4) if rng.random() < 0.4 else a for a in actual]
    ours = compute(metric, confusion_of(actual, predicted, labels), None)
    if metric == "accuracy":
        theirs = sklearn_metrics.accuracy_score(actual, predicted)
    else:
        theirs = sklearn_metrics.f1_score(actual, predicted, average=metric.split("_")[0])
    assert ours == pytest.approx(float(theirs), abs=1e-12)


def test_all_scores_tied_give_the_chance_auc_and_the_base_rate_precision() -> None:
    actual = [0, 1, 0, 1, 1]
    score = [0.5] * 5
    scores = scores_of(actual, score, 1)
    confusion = confusion_of(actual, [1] * 5, LABELS)
    assert (
        compute("roc_auc", confusion, 1, scores)
        == 0.5
        == sklearn_metrics.roc_auc_score(actual, score)
    )
    assert compute("pr_auc", confusion, 1, scores) == pytest.approx(
        sklearn_metrics.average_precision_score(actual, score)
    )


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("recall", "no case is labelled 'fraud'"),
        ("false_negative_rate", "no case is labelled 'fraud'"),
        ("precision", "no case was predicted 'fraud'"),
        ("f1", "no case is labelled or predicted 'fraud'"),
        ("roc_auc", "there is no positive case"),
        ("pr_auc", "there is no positive case"),
    ],
)
def test_a_single_negative_class_leaves_positive_metrics_undefined(
    metric: str, reason: str
) -> None:
    actual = [0, 0, 0]
    confusion = confusion_of(actual, [0, 0, 0], LABELS)
    with pytest.raises(Undefined) as raised:
        compute(metric, confusion, 1, scores_of(actual, [0.1, 0.2, 0.3], 1))
    assert reason in str(raised.value)
    # scikit-learn agrees that these are not numbers it can give (a warning, a 0 or an error).
    assert compute("accuracy", confusion, 1) == 1.0
    assert compute("specificity", confusion, 1) == 1.0


def test_a_single_positive_class_leaves_the_negative_rates_undefined() -> None:
    confusion = confusion_of([1, 1], [1, 0], LABELS)
    for metric in ("specificity", "false_positive_rate"):
        with pytest.raises(Undefined, match="every case is labelled 'fraud'"):
            compute(metric, confusion, 1)
    with pytest.raises(Undefined, match="no negative case"):
        compute("roc_auc", confusion, 1, scores_of([1, 1], [0.9, 0.2], 1))
    assert compute("recall", confusion, 1) == 0.5


@pytest.mark.parametrize("metric", METRICS)
def test_an_empty_slice_defines_no_metric(metric: str) -> None:
    with pytest.raises(Undefined):
        compute(metric, Confusion(list(LABELS)), 1, Scores())


def test_binary_metrics_need_a_positive_label_and_scores_need_scores() -> None:
    confusion = confusion_of([0, 1], [0, 1], LABELS)
    with pytest.raises(Undefined, match=r"columns\.positive"):
        compute("recall", confusion, None)
    with pytest.raises(Undefined, match="no scores"):
        compute("roc_auc", confusion, 1, None)
    with pytest.raises(KeyError):
        compute("latency_p95_ms", confusion, 1)


def test_ranking_metrics_see_scores_added_after_they_were_first_computed() -> None:
    # The sorted scores are kept between the two ranking metrics; adding a score must not
    # leave a stale ranking behind.
    rng = random.Random(7)
    actual = [rng.randrange(2) for _ in range(200)]
    score = [round(rng.random(), 2) for _ in range(200)]  # rounded: many ties
    scores = scores_of(actual[:100], score[:100], 1)
    confusion = confusion_of(actual, actual, LABELS)
    compute("roc_auc", confusion, 1, scores)
    compute("pr_auc", confusion, 1, scores)
    for a, s in zip(actual[100:], score[100:], strict=True):
        scores.add(s, a == 1)
    assert compute("roc_auc", confusion, 1, scores) == pytest.approx(
        sklearn_metrics.roc_auc_score(actual, score)
    )
    assert compute("pr_auc", confusion, 1, scores) == pytest.approx(
        sklearn_metrics.average_precision_score(actual, score)
    )
