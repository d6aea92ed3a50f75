"""Targets against results: pass, fail, missing and stale per target, the findings that
state measured and required numbers, and the one-line verdict per model card."""

from __future__ import annotations

from pathlib import Path

import pytest

from mltriad.artifacts import Repository
from mltriad.commands.check import check
from mltriad.findings import Finding, Severity
from mltriad.policy import read_policy
from mltriad.snapshot import WorkTree
from mltriad.targets import FAIL, MISSING, PASS, STALE, evaluate_targets, format_number, verdict
from mltriad.values import read_value
from tests.helpers import invoke, replace_text

CARD = "model-cards/fraud-detector.md"
MANIFEST = "eval-sets/fraud-holdout.yaml"
RECALL = "    value: 0.84\n"
PRECISION = "    value: 0.71\n"


def target_findings(repo: Path) -> list[Finding]:
    return [f for f in check(repo).findings if f.rule.startswith("MT31")]


def rows_of(repo: Path) -> list[tuple[str, str | None, str | None, float | None, str]]:
    snapshot = WorkTree(repo)
    policy, _ = read_policy(snapshot)
    repository = Repository(snapshot, policy)
    card = repository.load(CARD)
    return [
        (r.metric, r.slice, r.eval_set, r.value, r.status)
        for r in evaluate_targets(card, repository)
    ]


def verdict_of(repo: Path) -> str:
    return check(repo).verdicts[CARD]


# --- the example ---------------------------------------------------------------------------


def test_example_meets_its_targets(repo: Path) -> None:
    assert rows_of(repo) == [
        ("recall", "new-merchants", "fraud-holdout", 0.84, PASS),
        ("precision", None, "fraud-holdout", 0.71, PASS),
    ]
    assert verdict_of(repo) == "meets targets"
    result = invoke(["-C", str(repo), "check"])
    assert f"{CARD}: meets targets" in result.output and result.exit_code == 0


def test_example_records_the_current_digest(repo: Path) -> None:
    digest = invoke(["-C", str(repo), "digest", MANIFEST]).output.strip()
    assert (repo / CARD).read_text(encoding="utf-8").count(f"eval_set_digest: {digest}") == 2


def test_row_data_for_the_site(repo: Path) -> None:
    snapshot = WorkTree(repo)
    policy, _ = read_policy(snapshot)
    repository = Repository(snapshot, policy)
    recall, precision = evaluate_targets(repository.load(CARD), repository)
    assert (recall.min, recall.max, recall.goal, recall.goal_met) == (0.8, None, 0.9, False)
    assert recall.result is not None and recall.result.measured_at == "2026-11-02"
    assert recall.current_digest == recall.result.digest
    assert recall.subject == "recall on new-merchants"
    assert recall.requirement == "launch minimum 0.80" and recall.measured == "0.84"
    assert precision.subject == "precision on fraud-holdout" and precision.goal_met is None


# --- below and above the bar -------------------------------------------------------------


def test_result_below_min_states_measured_and_required(repo: Path) -> None:
    replace_text(repo, CARD, RECALL, "    value: 0.71\n")
    [found] = target_findings(repo)
    assert (found.rule, found.line, found.severity) == ("MT310", 32, Severity.ERROR)
    assert found.message.startswith(
        "recall on new-merchants (fraud-holdout) is 0.71 (results[0]), below the launch "
        "minimum 0.80 of targets[0]"
    )
    assert verdict_of(repo) == "below target: recall on new-merchants is 0.71, launch minimum 0.80"
    assert rows_of(repo)[0][-1] == FAIL
    result = invoke(["-C", str(repo), "check"])
    assert result.exit_code == 1
    assert f"{CARD}: below target: recall on new-merchants is 0.71" in result.output


def test_below_target_on_a_draft_is_a_warning(repo: Path) -> None:
    replace_text(repo, CARD, RECALL, "    value: 0.71\n")
    replace_text(repo, CARD, "status: candidate", "status: draft")
    [found] = target_findings(repo)
    assert found.rule == "MT310" and found.severity is Severity.WARNING
    assert check(repo).ok


def test_result_above_max(repo: Path) -> None:
    replace_text(
        repo,
        CARD,
        "results:\n",
        "  - metric: latency_p95_ms\n    max: 50\nresults:\n"
        "  - metric: latency_p95_ms\n    eval_set: fraud-holdout\n"
        f"    eval_set_digest: {current_digest(repo)}\n    value: 61\n",
    )
    [found] = target_findings(repo)
    assert found.rule == "MT311" and found.line == 33
    assert "latency_p95_ms on fraud-holdout is 61 (results[0]), above the launch maximum 50" in (
        found.message
    )
    assert (
        verdict_of(repo) == "above target: latency_p95_ms on fraud-holdout is 61, launch maximum 50"
    )
    replace_text(repo, CARD, PRECISION, "    value: 0.55\n")
    assert verdict_of(repo) == (
        "misses targets: precision on fraud-holdout is 0.55, launch minimum 0.60; "
        "latency_p95_ms on fraud-holdout is 61, launch maximum 50"
    )


def test_a_result_exactly_at_the_bar_passes(repo: Path) -> None:
    replace_text(repo, CARD, RECALL, "    value: 0.8\n")
    assert target_findings(repo) == [] and verdict_of(repo) == "meets targets"


def test_metric_names_match_without_case_or_separator_differences(repo: Path) -> None:
    replace_text(
        repo, CARD, "  - metric: precision\n    eval_set", "  - metric: Precision\n    eval_set"
    )
    assert rows_of(repo)[1][-1] == PASS


# --- missing results -----------------------------------------------------------------------


def drop_precision_result(repo: Path) -> None:
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    start = text.index("  - metric: precision\n    eval_set:")
    end = text.index("failure_modes:")
    card.write_text(text[:start] + text[end:], encoding="utf-8")


@pytest.mark.parametrize("status", ["candidate", "production"])
def test_target_without_result_on_candidate_and_production(repo: Path, status: str) -> None:
    drop_precision_result(repo)
    replace_text(repo, CARD, "status: candidate", f"status: {status}")
    [found] = [f for f in target_findings(repo) if f.rule == "MT312"]
    assert found.line == 24 and found.severity is Severity.ERROR
    assert (
        "targets[1] (precision on fraud-holdout, launch minimum 0.6) has no result, and a "
        f"{status} card needs one for every target"
    ) in found.message
    assert verdict_of(repo) == "no result for precision on fraud-holdout"


@pytest.mark.parametrize("status", ["draft", "retired"])
def test_target_without_result_on_draft_or_retired_is_fine(repo: Path, status: str) -> None:
    drop_precision_result(repo)
    replace_text(repo, CARD, "status: candidate", f"status: {status}")
    assert target_findings(repo) == []
    assert rows_of(repo)[1][-1] == MISSING


def test_draft_without_any_results(repo: Path) -> None:
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    text = text[: text.index("results:")] + text[text.index("failure_modes:") :]
    card.write_text(text.replace("status: candidate", "status: draft"), encoding="utf-8")
    assert target_findings(repo) == [] and verdict_of(repo) == "no results yet"


def test_card_without_targets(repo: Path) -> None:
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    text = text[: text.index("targets:")] + "targets: []\n" + text[text.index("failure_modes:") :]
    card.write_text(text, encoding="utf-8")
    assert verdict_of(repo) == "no targets stated"


# --- stale results -------------------------------------------------------------------------


def current_digest(repo: Path) -> str:
    return invoke(["-C", str(repo), "digest", MANIFEST]).output.strip()


def test_results_on_an_older_eval_set_are_stale(repo: Path) -> None:
    old = current_digest(repo)
    replace_text(repo, MANIFEST, "cases: 400", "cases: 450")
    new = current_digest(repo)
    found = target_findings(repo)
    assert [(f.rule, f.line) for f in found] == [("MT313", 31), ("MT313", 37)]
    assert f"at digest {old[:19]}..., but the set's digest is now {new[:19]}..." in found[0].message
    assert "re-run the evaluation" in found[0].message
    assert "`mltriad digest eval-sets/fraud-holdout.yaml`" in found[0].message
    assert verdict_of(repo) == (
        "stale: results measured on an older fraud-holdout; re-run the evaluation"
    )
    assert [r[-1] for r in rows_of(repo)] == [STALE, STALE]


def test_line_ending_changes_do_not_make_results_stale(repo: Path) -> None:
    manifest = repo / MANIFEST
    manifest.write_bytes(manifest.read_bytes().replace(b"\n", b"\r\n"))
    assert target_findings(repo) == []


def test_a_stale_result_below_target_reads_stale(repo: Path) -> None:
    replace_text(repo, CARD, RECALL, "    value: 0.5\n")
    replace_text(repo, MANIFEST, "cases: 400", "cases: 450")
    assert {f.rule for f in target_findings(repo)} == {"MT313"}
    assert verdict_of(repo).startswith("stale:")


def test_a_current_result_is_preferred_to_a_stale_one(repo: Path) -> None:
    digest = current_digest(repo)
    old = "sha256:" + "0" * 64
    replace_text(
        repo,
        CARD,
        "results:\n",
        "results:\n  - metric: precision\n    eval_set: fraud-holdout\n"
        f"    eval_set_digest: {old}\n    value: 0.40\n",
    )
    assert rows_of(repo)[1] == ("precision", None, "fraud-holdout", 0.71, PASS)
    [found] = target_findings(repo)
    assert found.rule == "MT313" and digest[:19] in found.message


def test_stale_on_a_draft_is_a_warning(repo: Path) -> None:
    replace_text(repo, CARD, "status: candidate", "status: draft")
    replace_text(repo, MANIFEST, "cases: 400", "cases: 450")
    assert {(f.rule, f.severity) for f in target_findings(repo)} == {("MT313", Severity.WARNING)}


def test_result_without_digest_is_a_warning_that_gives_the_digest(repo: Path) -> None:
    digest = current_digest(repo)
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace(f"    eval_set_digest: {digest}\n", "", 1), encoding="utf-8")
    [found] = target_findings(repo)
    assert (found.rule, found.severity, found.line) == ("MT316", Severity.WARNING, 28)
    assert f"add eval_set_digest: {digest}" in found.message
    assert verdict_of(repo) == "meets targets"


# --- slices and eval-set ownership ---------------------------------------------------------


def test_result_for_a_slice_the_set_does_not_have(repo: Path) -> None:
    replace_text(
        repo, CARD, "    slice: new-merchants\n    eval_set:", "    slice: emerging\n    eval_set:"
    )
    found = [f for f in target_findings(repo) if f.rule == "MT314"]
    assert [(f.line, f.severity) for f in found] == [(29, Severity.ERROR)]
    assert (
        "results[0] names the slice 'emerging', which the evaluation set fraud-holdout does not "
        "have (its 3 slices: production-sample, new-merchants, synthetic-attacks)"
    ) in found[0].message
    assert verdict_of(repo) == "no result for recall on new-merchants"


def test_target_for_a_slice_the_set_does_not_have(repo: Path) -> None:
    replace_text(repo, CARD, "    slice: new-merchants\n    min", "    slice: emerging\n    min")
    found = [f for f in target_findings(repo) if f.rule == "MT314"]
    assert [f.line for f in found] == [20] and "targets[0] names the slice" in found[0].message


def test_production_card_needs_a_set_owned_outside_the_ml_engineer_role(repo: Path) -> None:
    replace_text(repo, CARD, "status: candidate", "status: production")
    assert target_findings(repo) == []
    replace_text(repo, MANIFEST, "owner: product-manager", "owner: ml-engineer")
    [found] = [f for f in target_findings(repo) if f.rule == "MT315"]
    assert found.line == 17 and found.severity is Severity.ERROR
    assert (
        "0 of the card's 1 evaluation set(s) are owned outside the ML engineer role "
        "(fraud-holdout (owner: ml-engineer)), but a production card needs at least 1 owned "
        "by product-manager or domain-expert"
    ) in found.message


def test_candidate_card_may_use_a_set_owned_by_the_ml_engineer(repo: Path) -> None:
    replace_text(repo, MANIFEST, "owner: product-manager", "owner: ml-engineer")
    assert [f for f in target_findings(repo) if f.rule == "MT315"] == []


def test_conflicting_results(repo: Path) -> None:
    replace_text(
        repo,
        CARD,
        "failure_modes:",
        "  - metric: precision\n    eval_set: fraud-holdout\n"
        f"    eval_set_digest: {current_digest(repo)}\n    value: 0.65\nfailure_modes:",
    )
    [found] = target_findings(repo)
    assert found.rule == "MT318" and found.severity is Severity.WARNING
    assert "results[2] states precision on fraud-holdout is 0.65, but results[1] states 0.71" in (
        found.message
    )
    assert rows_of(repo)[1][3] == 0.71


def test_rules_ignore_malformed_entries(repo: Path) -> None:
    """Schema rules report the form; target rules must not trip over it."""
    replace_text(repo, CARD, "results:\n", "results:\n  - just text\n  - {metric: 3}\n")
    replace_text(repo, CARD, RECALL, "    value: high\n")
    rules = {f.rule for f in check(repo).findings}
    assert "MT103" in rules and "MT312" in rules


# --- values and numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.91, (0.91, None)),
        (3, (3.0, None)),
        ("0.91", (0.91, None)),
        ("0.91 ± 0.02", (0.91, 0.02)),
        ("0.91±0.02", (0.91, 0.02)),
        ("267.40 +/- 17.45", (267.4, 17.45)),
        ("12.5 +- 0.5", (12.5, 0.5)),
        ("91.2%", (0.912, None)),
        ("91.2 ± 1.1%", (0.912, 0.011)),
        ("\u22120.25", (-0.25, None)),
        ("1e-3", (0.001, None)),
        (" .5 ", (0.5, None)),
    ],
)
def test_read_value(raw: object, expected: tuple[float, float | None]) -> None:
    value = read_value(raw)
    assert value is not None
    assert value[0] == pytest.approx(expected[0])
    assert value[1] == (pytest.approx(expected[1]) if expected[1] is not None else None)


@pytest.mark.parametrize(
    "raw", ["about 0.8", "", "0.8 ±", "0.9.1", "n/a", True, None, float("nan"), [0.8]]
)
def test_unreadable_values(raw: object) -> None:
    assert read_value(raw) is None


@pytest.mark.parametrize(
    ("x", "other", "text"),
    [
        (0.8, 0.71, "0.80"),
        (0.71, 0.8, "0.71"),
        (61.0, 50.0, "61"),
        (267.4, 250, "267.4"),
        (250.0, 267.4, "250.0"),
        (0.00001, None, "1e-05"),
        (0.0, 0.5, "0.0"),
    ],
)
def test_format_number(x: float, other: float | None, text: str) -> None:
    assert format_number(x, other) == text


def test_verdict_of_nothing() -> None:
    assert verdict([]) == "no targets stated"
