"""`mltriad results compute`: the example's results recomputed from its predictions, the
check that recomputes them (MT319-MT321), and the card written without wrecking it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from mltriad.commands.check import check
from mltriad.commands.gate import gate
from tests.helpers import CARD, EVAL_SET, commit_all, git, invoke, replace_text, run

RUN = "eval-runs/2026-11-02-gbm-v2.1.0"
PREDICTIONS = f"{RUN}/predictions.csv"
COMPUTE = ["results", "compute", CARD, "--predictions", PREDICTIONS, "--run", RUN]
DATE = ["--date", "2026-11-02"]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    assert invoke(["init", "--example", str(tmp_path / "demo")]).exit_code == 0
    return tmp_path / "demo"


def rules_of(repo: Path) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in check(repo).findings if f.rule in RESULT_RULES]


RESULT_RULES = {"MT319", "MT320", "MT321"}


def test_compute_reproduces_the_example_cards_results(example: Path) -> None:
    before = (example / CARD).read_text(encoding="utf-8")
    done = invoke([*COMPUTE, *DATE], cwd=example)
    assert done.exit_code == 0, done.output
    after = (example / CARD).read_text(encoding="utf-8")
    assert "recall on new-merchants: 0.87234" in done.output
    assert "precision on the whole set: 0.71" in done.output
    assert "false_positive_rate on production-sample: 0.0136752" in done.output
    # The card's three results and its confusion matrices are what the predictions give:
    # compute only adds the metrics on the other slices, and removes or changes nothing.
    removed = [
        line for line in _diff(before, after) if line.startswith("-") and not line.startswith("---")
    ]
    assert removed == []
    assert after.count("  - metric: ") == 3 + 12  # the targets, then the results
    assert [f for f in check(example).findings if f.blocks] == []


def test_dry_run_prints_the_diff_and_writes_nothing(example: Path) -> None:
    before = (example / CARD).read_bytes()
    done = invoke([*COMPUTE, *DATE, "--dry-run"], cwd=example)
    assert done.exit_code == 0, done.output
    assert f"--- a/{CARD}" in done.output
    assert "+  - metric: recall\n+    eval_set: fraud-holdout\n" in done.output
    assert "(dry run: nothing written)" in done.output
    assert (example / CARD).read_bytes() == before


def test_check_fails_when_a_stated_result_is_edited_away(example: Path) -> None:
    assert rules_of(example) == []
    replace_text(example, CARD, "    value: 0.8723\n", "    value: 0.91\n")
    done = invoke(["check"], cwd=example)
    assert done.exit_code == 1
    line = next(
        i for i, text in enumerate((example / CARD).read_text().splitlines(), 1) if "0.91" in text
    )
    assert (
        f"{CARD}:{line}:12: error MT319: results[0] states recall on new-merchants is 0.91, but "
        f"its predictions ({PREDICTIONS}) give 0.8723" in done.output
    )


def test_a_value_rounded_to_its_written_precision_still_reproduces(example: Path) -> None:
    replace_text(example, CARD, "    value: 0.8723\n", "    value: 0.87\n")
    assert rules_of(example) == []
    replace_text(example, CARD, "    value: 0.87\n", "    value: 0.9\n")
    assert [r for r, _ in rules_of(example)] == ["MT319"]


def test_changed_predictions_are_mt320_and_absent_ones_a_note(example: Path) -> None:
    path = example / PREDICTIONS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("nm-00001,legit", "nm-00001,fraud"), encoding="utf-8")
    found = rules_of(example)
    assert {r for r, _ in found} == {"MT320"}
    assert "the results were computed from another file" in found[0][1]
    path.unlink()
    found = rules_of(example)
    assert [r for r, _ in found] == ["MT321"]
    assert [f for f in check(example).findings if f.blocks] == []


def test_an_lfs_pointer_with_the_recorded_oid_is_noted_not_failed(example: Path) -> None:
    path = example / PREDICTIONS
    data = path.read_bytes()
    oid = hashlib.sha256(data).hexdigest()
    path.write_text(
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n"
    )
    found = rules_of(example)
    assert [r for r, _ in found] == ["MT321"]
    assert "Git LFS pointer" in found[0][1]
    done = invoke([*COMPUTE], cwd=example)
    assert done.exit_code == 2
    assert f"{PREDICTIONS}:1: is a Git LFS pointer, not the data" in done.output
    assert f"git lfs pull --include {PREDICTIONS}" in done.output


def test_the_diff_touches_only_the_results_and_confusion_lines(example: Path) -> None:
    # A card with comments and quoting inside and around the results: all of it stays.
    replace_text(
        example, CARD, "  - metric: precision\n", "  # kept as written\n  - metric: 'precision'\n"
    )
    replace_text(
        example,
        CARD,
        "# The errors that matter",
        "# A comment before failure modes.\n# The errors that matter",
    )
    before = (example / CARD).read_text(encoding="utf-8")
    assert invoke([*COMPUTE, *DATE], cwd=example).exit_code == 0
    after = (example / CARD).read_text(encoding="utf-8")
    start = before.index("\nresults:\n")
    end = before.index("# The errors that matter")
    end = before.rindex("# A comment before failure modes.", 0, end + 1)
    assert after.startswith(before[:start])
    assert after.endswith(before[end:])
    assert "  # kept as written\n  - metric: 'precision'\n" in after
    assert re.search(r"^confusion:\n", after, re.M)


def test_a_card_with_invalid_yaml_is_refused_and_left_alone(example: Path) -> None:
    replace_text(example, CARD, "status: candidate", "status: [candidate")
    before = (example / CARD).read_bytes()
    done = invoke([*COMPUTE], cwd=example)
    assert done.exit_code == 2
    assert f"{CARD}:" in done.output and "valid YAML front matter" in done.output
    assert (example / CARD).read_bytes() == before


def _write_predictions(repo: Path, rows: list[str], name: str = "p.csv") -> str:
    (repo / name).write_text("id,prediction,score\n" + "".join(r + "\n" for r in rows))
    return name


def _all_rows(repo: Path) -> list[str]:
    return (repo / PREDICTIONS).read_text().splitlines()[1:]


def test_an_unknown_id_is_an_error_at_its_line(example: Path) -> None:
    rows = _all_rows(example)
    rows.insert(4, "xx-1,fraud,0.9")
    name = _write_predictions(example, rows)
    done = invoke(["results", "compute", CARD, "--predictions", name], cwd=example)
    assert done.exit_code == 2
    assert "p.csv:6: predicts the id 'xx-1', which is not a case of fraud-holdout" in done.output


def test_cases_without_prediction_are_counted_with_the_first_ids(example: Path) -> None:
    name = _write_predictions(example, _all_rows(example)[3:])
    done = invoke(["results", "compute", CARD, "--predictions", name], cwd=example)
    assert done.exit_code == 2
    assert "has no prediction for 3 of the 1,300 cases of fraud-holdout" in done.output
    assert "(first: ps-00001, ps-00002, ps-00003)" in done.output


def test_a_label_the_set_never_uses_is_an_error(example: Path) -> None:
    rows = _all_rows(example)
    rows[1] = rows[1].replace(",legit,", ",maybe,").replace(",fraud,", ",maybe,")
    name = _write_predictions(example, rows)
    done = invoke(["results", "compute", CARD, "--predictions", name], cwd=example)
    assert done.exit_code == 2
    assert "p.csv:3: predicts the label 'maybe', which no case of fraud-holdout has" in done.output


def test_a_metric_mltriad_cannot_compute_is_an_error_at_its_target(example: Path) -> None:
    replace_text(
        example, CARD, "  - metric: precision\n    eval_set", "  - metric: latency_ms\n    eval_set"
    )
    done = invoke([*COMPUTE], cwd=example)
    assert done.exit_code == 2
    assert "targets[1] names the metric 'latency_ms', which mltriad cannot compute" in done.output
    assert "--skip latency_ms" in done.output
    assert invoke([*COMPUTE, "--skip", "latency_ms", "--dry-run"], cwd=example).exit_code == 0


def test_an_undefined_target_metric_is_an_error_not_nan(example: Path) -> None:
    # Every new-merchant case predicted legit: the recall target is 0, precision undefined.
    rows = [
        re.sub(r",fraud,", ",legit,", r) if r.startswith("nm-") else r for r in _all_rows(example)
    ]
    replace_text(
        example,
        CARD,
        "  - metric: precision\n    eval_set: fraud-holdout\n    min",
        "  - metric: precision\n    slice: new-merchants\n    eval_set: fraud-holdout\n    min",
    )
    name = _write_predictions(example, rows)
    done = invoke(["results", "compute", CARD, "--predictions", name], cwd=example)
    assert done.exit_code == 2
    assert "targets[1] (precision on new-merchants) cannot be computed" in done.output
    assert "no case was predicted 'fraud'" in done.output
    assert "nan" not in (example / CARD).read_text().lower()


def test_json_lines_with_other_column_names(example: Path) -> None:
    lines = []
    for row in _all_rows(example):
        case_id, prediction, score = row.split(",")
        lines.append(f'{{"payment": "{case_id}", "label": "{prediction}", "p": {score}}}\n')
    (example / "p.jsonl").write_text("".join(lines))
    done = invoke(
        [
            "results",
            "compute",
            CARD,
            "--predictions",
            "p.jsonl",
            "--id-column",
            "payment",
            "--prediction-column",
            "label",
            "--score-column",
            "p",
            "--dry-run",
        ],
        cwd=example,
    )
    assert done.exit_code == 0, done.output
    assert "recall on new-merchants: 0.87234" in done.output
    assert "      id_column: payment\n" in done.output


def test_compute_through_the_installed_command(example: Path) -> None:
    replace_text(example, CARD, "    value: 0.71\n", "    value: 0.5\n")
    done = run([*COMPUTE, *DATE], cwd=example)
    assert done.returncode == 0, done.stderr
    assert "    value: 0.71\n" in (example / CARD).read_text()
    assert run(["check"], cwd=example).returncode == 0


def test_the_example_predictions_are_what_the_script_writes() -> None:
    from tests.helpers import ROOT

    done = run_script(ROOT / "bench" / "make_example_predictions.py", "--check")
    assert done.returncode == 0, done.stderr


def run_script(path: Path, *args: str):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, str(path), *args], capture_output=True, text=True, check=False
    )


def _diff(before: str, after: str) -> list[str]:
    import difflib

    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm=""))


def test_the_eval_set_declares_how_its_data_is_read(example: Path) -> None:
    text = (example / EVAL_SET).read_text()
    assert text.count("columns: {id: payment_id, label: label, positive: fraud}") == 3


def test_the_benchmark_runs_and_memory_does_not_grow_with_the_file_size() -> None:
    from tests.helpers import ROOT

    done = run_script(ROOT / "bench" / "results_compute.py", "--quick")
    assert done.returncode == 0, done.stderr
    rows = [line.split("|") for line in done.stdout.splitlines() if line.startswith("| 100,000")]
    plain, wide = (float(r[4].split()[0].replace(",", "")) for r in rows)
    assert len(rows) == 2 and wide < plain * 1.2  # 20x the bytes, about the same peak


def test_a_card_without_results_gets_both_blocks_at_the_end_of_its_front_matter(
    example: Path,
) -> None:
    text = (example / CARD).read_text(encoding="utf-8")
    start = text.index("# What the model reached.")
    end = text.index("# The errors that matter")
    (example / CARD).write_text(text[:start] + text[end:], encoding="utf-8")
    before = (example / CARD).read_text(encoding="utf-8")
    assert invoke([*COMPUTE, *DATE], cwd=example).exit_code == 0
    after = (example / CARD).read_text(encoding="utf-8")
    closing = before.index("\n---\n")
    assert after.startswith(before[: closing + 1])
    assert after.endswith(before[closing:])
    added = after[closing + 1 : len(after) - len(before) + closing]
    assert added.startswith("results:\n  - metric: recall\n")
    assert "\nconfusion:\n  - eval_set: fraud-holdout\n    slice: production-sample\n" in added
    assert [f for f in check(example).findings if f.rule in RESULT_RULES] == []


def test_a_metric_the_glossary_computes_as_a_built_in_one(example: Path) -> None:
    """The card calls recall by the glossary's alias "detection rate"; the glossary says it
    is computed as recall, so compute writes it under the card's name and check
    recomputes it the same way."""
    text = (example / CARD).read_text(encoding="utf-8")
    (example / CARD).write_text(text.replace("metric: recall\n", "metric: detection rate\n"))
    assert rules_of(example) == []  # the stated 0.8723 is what recall gives
    done = invoke([*COMPUTE, *DATE], cwd=example)
    assert done.exit_code == 0, done.output
    assert "detection rate on new-merchants: 0.87234" in done.output
    after = (example / CARD).read_text(encoding="utf-8")
    assert "  - metric: detection rate\n    eval_set: fraud-holdout\n" in after
    assert "metric: recall\n" not in after
    assert [f for f in check(example).findings if f.blocks] == []
    replace_text(example, CARD, "    value: 0.8723\n", "    value: 0.91\n")
    assert [rule for rule, _ in rules_of(example)] == ["MT319"]


def test_the_gate_blocks_a_signed_result_its_predictions_do_not_give(example: Path) -> None:
    """Three people sign a card whose recall was typed up from 0.8723 to 0.91: the gate
    recomputes the results of what lands, and blocks with MT319 as check does."""
    people = {
        "ml-engineer": ("Ada Lovelace", "ada@example.org"),
        "product-manager": ("Grace Hopper", "grace@example.org"),
        "domain-expert": ("Katherine Johnson", "katherine@example.org"),
    }
    commit_all(example, "Today's example", author=people["ml-engineer"])
    git(example, "checkout", "-q", "-b", "change")
    replace_text(example, CARD, "    value: 0.8723\n", "    value: 0.91\n")
    commit_all(example, "A better recall", author=people["ml-engineer"])
    for role, (name, email) in people.items():
        signed = invoke(["signoff", CARD, "--role", role, "--email", email], cwd=example)
        assert signed.exit_code == 0, signed.output
        commit_all(example, f"Sign as {role}", author=(name, email))
    result = gate(example, "main", env={})
    assert all(row.complete for row in result.rows)
    assert [(f.rule, f.path) for f in result.findings if f.blocks] == [("MT319", CARD)]
    assert "give 0.8723" in result.findings[0].message
    replace_text(example, CARD, "    value: 0.91\n", "    value: 0.8723\n")
    commit_all(example, "Recall as measured", author=people["ml-engineer"])
    for role, (name, email) in people.items():
        assert (
            invoke(["signoff", CARD, "--role", role, "--email", email], cwd=example).exit_code == 0
        )
        commit_all(example, f"Sign again as {role}", author=(name, email))
    assert gate(example, "main", env={}).passed
