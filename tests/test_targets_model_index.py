"""Hugging Face `model-index` results are checked against targets like `results` are."""

from __future__ import annotations

from pathlib import Path

from mltriad.commands.check import check
from mltriad.findings import Finding, Severity
from tests.helpers import invoke

CARD = "model-cards/fraud-detector.md"
MANIFEST = "eval-sets/fraud-holdout.yaml"


def digest(repo: Path) -> str:
    return invoke(["-C", str(repo), "digest", MANIFEST]).output.strip()


def write_hub_card(repo: Path, model_index: str, *, extra_targets: str = "") -> None:
    """The example card with its numbers in `model-index` instead of `results`."""
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    head, rest = text[: text.index("results:")], text[text.index("failure_modes:") :]
    card.write_text(
        head + extra_targets + "library_name: sklearn\nmodel-index:\n" + model_index + rest,
        encoding="utf-8",
    )


def hub_entry(dataset: str, metrics: str) -> str:
    return (
        "      - task: {type: tabular-classification}\n"
        f"        dataset: {dataset}\n"
        f"        metrics:\n{metrics}"
    )


def index(*entries: str) -> str:
    return "  - name: fraud-detector\n    results:\n" + "".join(entries)


def passing(repo: Path) -> str:
    revision = digest(repo)
    return index(
        hub_entry(
            f"{{type: fraud-holdout, name: Fraud hold-out, config: new-merchants, "
            f"revision: '{revision}'}}",
            "          - {type: recall, value: '0.84 ± 0.02'}\n",
        ),
        hub_entry(
            f"{{type: fraud-holdout, name: Fraud hold-out, revision: '{revision}'}}",
            "          - {type: precision, value: 0.71}\n",
        ),
    )


def mt3(repo: Path) -> list[Finding]:
    return [f for f in check(repo).findings if f.rule.startswith("MT3")]


def test_card_with_numbers_only_in_model_index_meets_targets(repo: Path) -> None:
    write_hub_card(repo, passing(repo))
    result = check(repo)
    assert result.findings == [] and result.verdicts[CARD] == "meets targets"


def test_model_index_value_below_target(repo: Path) -> None:
    write_hub_card(repo, passing(repo).replace("'0.84 ± 0.02'", "'0.71 ± 0.03'"))
    [found] = mt3(repo)
    assert found.rule == "MT310" and found.line == 34
    assert "recall on new-merchants (fraud-holdout) is 0.71" in found.message
    assert "(model-index[0].results[0].metrics[0])" in found.message
    assert "below the launch minimum 0.80" in found.message
    assert check(repo).verdicts[CARD] == (
        "below target: recall on new-merchants is 0.71, launch minimum 0.80"
    )


def test_model_index_value_with_plus_minus_above_max(repo: Path) -> None:
    target = "  - metric: latency_ms\n    max: 250\n"
    entry = hub_entry(
        f"{{type: fraud-holdout, name: Fraud hold-out, revision: '{digest(repo)}'}}",
        "          - {type: latency_ms, value: '267.40 +/- 17.45'}\n",
    )
    write_hub_card(repo, passing(repo) + entry, extra_targets=target)
    [found] = mt3(repo)
    assert found.rule == "MT311"
    assert "latency_ms on fraud-holdout is 267.4 (model-index[0].results[2].metrics[0])" in (
        found.message
    )
    assert "above the launch maximum 250.0" in found.message


def test_model_index_revision_pins_the_set_and_can_go_stale(repo: Path) -> None:
    write_hub_card(repo, passing(repo))
    (repo / MANIFEST).write_text(
        (repo / MANIFEST).read_text(encoding="utf-8") + "# re-labelled 2026-11-20\n",
        encoding="utf-8",
    )
    found = mt3(repo)
    assert {f.rule for f in found} == {"MT313"}
    assert found[0].line == 32  # the dataset's revision
    assert "update the value and dataset.revision" in found[0].message
    assert (
        check(repo).verdicts[CARD].startswith("stale: results measured on an older fraud-holdout")
    )


def test_model_index_without_revision_is_unpinned(repo: Path) -> None:
    write_hub_card(repo, passing(repo).replace(f", revision: '{digest(repo)}'", "", 1))
    [found] = mt3(repo)
    assert found.rule == "MT316" and found.severity is Severity.WARNING
    assert f"add dataset.revision: {digest(repo)}" in found.message


def test_model_index_unreadable_value(repo: Path) -> None:
    write_hub_card(repo, passing(repo).replace("'0.84 ± 0.02'", "'about 0.8'"))
    found = {f.rule: f for f in mt3(repo)}
    assert found["MT317"].severity is Severity.WARNING
    assert "has the value 'about 0.8', which is not a number" in found["MT317"].message
    assert "targets[0] (recall on new-merchants of fraud-holdout" in found["MT312"].message


def test_model_index_slice_the_set_does_not_have(repo: Path) -> None:
    write_hub_card(repo, passing(repo).replace("config: new-merchants", "config: emerging"))
    found = {f.rule: f for f in mt3(repo)}
    assert found["MT314"].line == 32 and "names the slice 'emerging'" in found["MT314"].message


def test_model_index_default_config_is_the_whole_set(repo: Path) -> None:
    card = passing(repo).replace(
        "{type: fraud-holdout, name: Fraud hold-out, revision",
        "{type: fraud-holdout, name: Fraud hold-out, config: default, revision",
    )
    write_hub_card(repo, card)
    assert mt3(repo) == []


def test_model_index_dataset_named_by_its_name(repo: Path) -> None:
    """A Hub dataset id in `type` and the evaluation set's id in `name`."""
    write_hub_card(
        repo,
        passing(repo).replace(
            "type: fraud-holdout, name: Fraud hold-out",
            "type: my-org/payments, name: fraud-holdout",
        ),
    )
    assert mt3(repo) == []


def test_model_index_on_hub_datasets_is_not_the_repository_concern(repo: Path) -> None:
    hub_only = index(
        hub_entry(
            "{type: glue, name: GLUE MRPC, config: mrpc}",
            "          - {type: recall, value: 0.10}\n          - {type: f1, value: 'n/a'}\n",
        )
    )
    write_hub_card(repo, passing(repo) + hub_only.split("    results:\n", 1)[1])
    assert mt3(repo) == []
