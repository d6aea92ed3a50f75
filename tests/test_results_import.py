"""`mltriad results import`: plain JSON and CSV, Hugging Face evaluate, lm-evaluation-harness
and an MLflow run written by real MLflow; nothing mapped by guesswork."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import CARD, invoke, replace_text

IMPORT = ["results", "import", CARD]
SET = ["--eval-set", "fraud-holdout", "--date", "2026-11-03"]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    assert invoke(["init", "--example", str(tmp_path / "demo")]).exit_code == 0
    return tmp_path / "demo"


def test_plain_json_with_slices(example: Path) -> None:
    (example / "m.json").write_text(
        json.dumps([{"metric": "recall", "slice": "new-merchants", "value": 0.8511}])
    )
    done = invoke([*IMPORT, "m.json", *SET, "--run", "run-7"], cwd=example)
    assert done.exit_code == 0, done.output
    text = (example / CARD).read_text()
    assert "    value: 0.8511\n    measured_at: 2026-11-03\n    run: run-7\n" in text
    assert "    value: 0.8723\n" not in text


def test_plain_csv_for_one_slice(example: Path) -> None:
    (example / "m.csv").write_text("metric,value\nfalse_positive_rate,0.012\n")
    done = invoke(
        [*IMPORT, "m.csv", *SET, "--slice", "production-sample", "--dry-run"], cwd=example
    )
    assert done.exit_code == 0, done.output
    assert "-    value: 0.0137\n" in done.output and "+    value: 0.012\n" in done.output


def test_huggingface_evaluate_json_needs_its_names_mapped(example: Path) -> None:
    saved = {
        "precision": 0.7,
        "accuracy": 0.93,
        "_timestamp": "2026-11-03T10:00:00",
        "_evaluate_version": "0.4.3",
    }
    (example / "eval.json").write_text(json.dumps(saved, indent=2))
    done = invoke([*IMPORT, "eval.json", *SET], cwd=example)
    assert done.exit_code == 2
    assert "eval.json: 1 metric(s) of this huggingface-evaluate file name no target" in done.output
    assert "accuracy (line 3)" in done.output
    assert "the card's target metrics are recall, precision, false_positive_rate" in done.output
    done = invoke([*IMPORT, "eval.json", *SET, "--map", "accuracy=", "--dry-run"], cwd=example)
    assert done.exit_code == 0, done.output
    assert "+    value: 0.7\n" in done.output


def test_lm_evaluation_harness_results_map_through_triad_yaml(example: Path) -> None:
    results = {
        "results": {"fraud_qa": {"alias": "fraud_qa", "acc,none": 0.81, "acc_stderr,none": 0.01}},
        "config": {"model": "hf"},
        "versions": {"fraud_qa": 1},
    }
    (example / "lm.json").write_text(json.dumps(results, indent=2))
    replace_text(
        example, "triad.yaml", "  metric_map: {}\n", "  metric_map:\n    fraud_qa/acc: recall\n"
    )
    done = invoke([*IMPORT, "lm.json", *SET, "--slice", "new-merchants", "--dry-run"], cwd=example)
    assert done.exit_code == 0, done.output
    assert "-    value: 0.8723\n" in done.output and "+    value: 0.81\n" in done.output
    assert invoke(["check", "triad.yaml"], cwd=example).exit_code == 0


def test_mlflow_run_from_a_local_file_store(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mlflow = pytest.importorskip("mlflow", reason="mlflow-skinny is a test extra")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 deprecates the file store
    store = tmp_path / "mlruns"
    mlflow.set_tracking_uri(store.as_uri())
    with mlflow.start_run() as active:
        mlflow.log_metric("val_recall", 0.5, step=0)
        mlflow.log_metric("val_recall", 0.84, step=3)
        mlflow.log_metric("precision", 0.66, step=1)
    run_dir = next(store.glob(f"*/{active.info.run_id}"))
    done = invoke(
        [*IMPORT, str(run_dir), *SET, "--map", "val_recall=recall", "--run", active.info.run_id],
        cwd=example,
    )
    assert done.exit_code == 0, done.output
    text = (example / CARD).read_text()
    assert "  - metric: recall\n    eval_set: fraud-holdout\n" in text
    assert "    value: 0.84\n" in text and "    value: 0.66\n" in text


def test_a_folder_that_is_not_an_mlflow_run(example: Path) -> None:
    (example / "empty").mkdir()
    done = invoke([*IMPORT, "empty", *SET], cwd=example)
    assert done.exit_code == 2
    assert "not an MLflow run" in done.output


def test_an_unknown_slice_is_refused(example: Path) -> None:
    (example / "m.csv").write_text("metric,slice,value\nrecall,elsewhere,0.5\n")
    done = invoke([*IMPORT, "m.csv", *SET], cwd=example)
    assert done.exit_code == 2
    assert "m.csv:2: the metric 'recall' is for the slice 'elsewhere'" in done.output


def test_import_changes_only_result_lines(example: Path) -> None:
    replace_text(example, CARD, "intended_use:", "# a comment\nintended_use:")
    before = (example / CARD).read_text()
    (example / "m.csv").write_text("metric,value\nprecision,0.7\n")
    assert invoke([*IMPORT, "m.csv", *SET], cwd=example).exit_code == 0
    after = (example / CARD).read_text()
    import difflib

    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    # The imported value replaces the computed one: its predictions no longer back it.
    assert changed == [
        "-    value: 0.71",
        "-    measured_at: 2026-11-02",
        "-    run: eval-runs/2026-11-02-gbm-v2.1.0",
        "-    predictions:",
        "-      path: eval-runs/2026-11-02-gbm-v2.1.0/predictions.csv",
        f"-      sha256: {before.split('sha256: ')[2].split()[0]}",
        "+    value: 0.7",
        "+    measured_at: 2026-11-03",
    ]
