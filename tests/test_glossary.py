"""The glossary: its two forms, its schema, the rules that tie model cards' metrics to it
(MT701-MT703), its sign-offs, and `mltriad new glossary`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mltriad.commands.check import check
from mltriad.commands.init import init
from mltriad.findings import Finding
from tests.helpers import (
    CARD,
    EXAMPLE_STALE,
    beyond_example,
    commit_all,
    git,
    invoke,
    make_repo,
    replace_text,
    run,
)
from tests.helpers.signing import PEOPLE

GLOSSARY = "glossary.yaml"

SECOND_PART = """---
title: Review terms
owner: domain-expert
terms:
  - term: analyst
    definition: A person in the fraud team who reviews held payments.
    example: An analyst clears about fifteen held payments an hour.
@@MORE@@
---

# Review terms

Words of the fraud team's review process.
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """`mltriad init --example` (which ships glossary.yaml), committed on main."""
    root = tmp_path / "demo"
    init(root, example=True)
    commit_all(root, "mltriad init --example")
    return root


def found(repo: Path) -> list[Finding]:
    return beyond_example(check(repo).findings)


def line_of(repo: Path, path: str, text: str, start: int = 0) -> int:
    """The 1-based number of the first line at or after `start` that equals `text`."""
    return (repo / path).read_text(encoding="utf-8").splitlines().index(text, start) + 1


def write_part(repo: Path, more: str = "") -> str:
    path = "glossary/review.md"
    (repo / "glossary").mkdir(exist_ok=True)
    (repo / path).write_text(SECOND_PART.replace("@@MORE@@\n", more), encoding="utf-8")
    return path


# --- The example and the kind ---------------------------------------------------------------


def test_the_example_glossary_defines_every_metric_of_its_card(demo: Path) -> None:
    result = check(demo)
    assert [(f.path, f.rule) for f in result.findings] == [(EXAMPLE_STALE, "MT402")]
    assert GLOSSARY in result.checked
    text = (demo / GLOSSARY).read_text(encoding="utf-8")
    for metric in ("recall", "precision", "false_positive_rate", "new merchant", "manual review"):
        assert f"  - term: {metric}\n" in text


def test_an_undefined_metric_in_a_target_fails_check_with_did_you_mean(demo: Path) -> None:
    replace_text(
        demo, CARD, "  - metric: false_positive_rate\n", "  - metric: false_postive_rate\n"
    )
    line = line_of(demo, CARD, "  - metric: false_postive_rate")
    done = run(["check"], cwd=demo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"{CARD}:{line}:13: error MT701: targets[2] names the metric 'false_postive_rate', "
        "which the glossary (glossary.yaml) does not define; did you mean "
        "'false_positive_rate'?"
    ) in done.stdout.splitlines()


def test_an_undefined_metric_in_a_result_is_found_at_its_line(demo: Path) -> None:
    replace_text(demo, CARD, "  - metric: precision\n", "  - metric: auc\n")  # the target
    first = line_of(demo, CARD, "  - metric: auc")
    text = (demo / CARD).read_text(encoding="utf-8")
    (demo / CARD).write_text(
        text.replace("  - metric: precision\n", "  - metric: auc\n", 1), encoding="utf-8"
    )
    second = line_of(demo, CARD, "  - metric: auc", first)
    undefined = [f for f in found(demo) if f.rule == "MT701"]
    assert [(f.line, f.col) for f in undefined] == [(first, 13), (second, 13)]
    assert undefined[1].message.startswith("results[1] names the metric 'auc'")
    # Nothing near enough to suggest: the message lists what the glossary defines.
    assert "(its metrics: recall, precision, false_positive_rate)" in undefined[1].message


def test_an_alias_and_any_spelling_of_a_name_are_defined(demo: Path) -> None:
    replace_text(demo, CARD, "  - metric: false_positive_rate\n", "  - metric: FPR\n")
    replace_text(demo, CARD, "  - metric: recall\n", "  - metric: Recall\n")
    assert "MT701" not in {f.rule for f in found(demo)}


def test_a_term_that_is_not_a_metric_is_named_as_such(demo: Path) -> None:
    replace_text(demo, CARD, "  - metric: precision\n", "  - metric: manual review\n")
    [finding] = [f for f in found(demo) if f.rule == "MT701"]
    line = line_of(demo, GLOSSARY, "  - term: manual review")
    assert f"defines as a term, not a metric (glossary.yaml:{line})" in finding.message


def test_a_repository_without_a_glossary_gets_no_glossary_finding(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    replace_text(repo, CARD, "metric: recall", "metric: recal")
    assert not (repo / GLOSSARY).exists()
    assert not [f for f in check(repo).findings if f.rule.startswith("MT7")]


# --- Direction --------------------------------------------------------------------------------


def test_a_min_on_a_lower_is_better_metric_is_a_warning_with_the_reason(demo: Path) -> None:
    start = line_of(demo, CARD, "  - metric: false_positive_rate")
    replace_text(demo, CARD, "    max: 0.02\n", "    min: 0.02\n")
    result = check(demo)
    [warning] = [f for f in result.findings if f.rule == "MT702"]
    assert (warning.path, warning.line, warning.col) == (CARD, start + 3, 5)
    assert warning.severity.value == "warning"
    glossary_line = line_of(demo, GLOSSARY, "  - term: false_positive_rate")
    assert warning.message == (
        "targets[2] sets a `min` for false_positive_rate, but the glossary says lower is "
        f"better for it (glossary.yaml:{glossary_line}): the target would pass however much "
        "higher (worse) the result goes; use `max`, or fix the direction in the glossary"
    )


def test_a_band_and_the_right_bound_draw_no_direction_warning(demo: Path) -> None:
    replace_text(demo, CARD, "    max: 0.02\n", "    min: 0.001\n    max: 0.02\n")
    assert "MT702" not in {f.rule for f in found(demo)}


def test_a_direction_against_the_built_in_metric_is_a_warning(demo: Path) -> None:
    start = line_of(demo, GLOSSARY, "  - term: false_positive_rate")
    replace_text(demo, GLOSSARY, "    direction: lower\n", "    direction: higher\n")
    [warning] = [f for f in found(demo) if f.rule == "MT702" and f.path == GLOSSARY]
    assert warning.line == line_of(demo, GLOSSARY, "    direction: higher", start)
    assert "computed as false_positive_rate, for which lower is better" in warning.message


# --- Terms defined twice ------------------------------------------------------------------------


def test_a_term_defined_twice_in_one_file_is_an_error_at_both_lines(demo: Path) -> None:
    text = (demo / GLOSSARY).read_text(encoding="utf-8")
    (demo / GLOSSARY).write_text(
        text + "  - term: New Merchant\n    definition: Again.\n    example: Again.\n", "utf-8"
    )
    first = line_of(demo, GLOSSARY, "  - term: new merchant")
    second = line_of(demo, GLOSSARY, "  - term: New Merchant")
    twice = [f for f in found(demo) if f.rule == "MT703"]
    assert [(f.path, f.line, f.col) for f in twice] == [
        (GLOSSARY, first, 11),
        (GLOSSARY, second, 11),
    ]
    assert f"(also at glossary.yaml:{second})" in twice[0].message
    assert f"(also at glossary.yaml:{first})" in twice[1].message
    assert not check(demo).ok


def test_an_alias_that_is_another_files_term_is_defined_twice(demo: Path) -> None:
    part = write_part(
        demo,
        "  - term: review queue\n    definition: Where held payments wait.\n"
        "    example: The queue holds 40 payments at noon.\n",
    )
    alias_line = line_of(demo, GLOSSARY, "    aliases: [review queue]")
    part_line = line_of(demo, part, "  - term: review queue")
    twice = sorted((f.path, f.line, f.message) for f in found(demo) if f.rule == "MT703")
    assert [(p, n) for p, n, _ in twice] == [(GLOSSARY, alias_line), (part, part_line)]
    assert twice[0][2].startswith(
        f"the alias 'review queue' is defined more than once in the glossary (also at {part}:{part_line})"
    )
    assert f"(also at glossary.yaml:{alias_line})" in twice[1][2]


# --- The Markdown form and the schema -------------------------------------------------------------


def test_the_markdown_form_defines_metrics_too(demo: Path) -> None:
    write_part(
        demo,
        "metrics:\n  - term: auc\n    definition: Ranking quality.\n    example: AUC 0.9.\n"
        "    direction: higher\n    unit: ratio\n    reference: https://example.org/auc\n",
    )
    replace_text(demo, CARD, "  - metric: precision\n", "  - metric: AUC\n")
    rules = {f.rule for f in found(demo)}
    assert "MT701" not in rules and "MT703" not in rules
    assert "MT311" not in rules  # the card has no AUC result; nothing else changed


def test_a_markdown_glossary_file_without_front_matter_is_refused(demo: Path) -> None:
    (demo / "glossary").mkdir()
    (demo / "glossary" / "notes.md").write_text("# Notes\n\nSome words.\n", encoding="utf-8")
    [finding] = found(demo)
    assert (finding.path, finding.rule) == ("glossary/notes.md", "MT008")


def test_a_metric_without_its_direction_and_formula_breaks_the_schema(demo: Path) -> None:
    start = line_of(demo, GLOSSARY, "  - term: precision")
    replace_text(
        demo,
        GLOSSARY,
        "    direction: higher\n    unit: ratio (0 to 1)\n    formula: TP / (TP + FP)\n",
        "    unit: ratio (0 to 1)\n",
    )
    problems = [(f.rule, f.line, f.message) for f in found(demo) if f.path == GLOSSARY]
    assert ("MT101", start, "missing required field 'direction' in metrics[1]") in problems
    assert (
        "MT101",
        start,
        "metrics[1] needs 'formula' or 'reference'; add one of them",
    ) in problems


def test_an_unknown_owner_role_is_refused(demo: Path) -> None:
    replace_text(demo, GLOSSARY, "owner: product-manager", "owner: data-scientist")
    [finding] = found(demo)
    assert (finding.path, finding.rule) == (GLOSSARY, "MT201")
    assert finding.line == line_of(demo, GLOSSARY, "owner: data-scientist")


def test_the_schema_command_prints_the_glossary_schema() -> None:
    result = invoke(["schema", "glossary"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["$id"].endswith("/glossary.schema.json")
    computed = schema["$defs"]["metric"]["properties"]["computed_as"]["enum"]
    assert computed[:3] == ["accuracy", "precision", "recall"] and "pr_auc" in computed


# --- Sign-offs ------------------------------------------------------------------------------------


def test_every_role_signs_the_glossary_by_default_and_its_owner_is_added(demo: Path) -> None:
    done = run(["status", "--all"], cwd=demo)
    block = done.stdout.split("glossary.yaml (glossary, current): incomplete\n", 1)[1]
    assert [line.split()[0] for line in block.splitlines()[:3]] == [
        "ml-engineer",
        "product-manager",
        "domain-expert",
    ]
    policy = (demo / "triad.yaml").read_text(encoding="utf-8")
    (demo / "triad.yaml").write_text(
        policy.replace(
            "  glossary: [ml-engineer, product-manager, domain-expert]\n",
            "  glossary: [ml-engineer]\n",
        ),
        encoding="utf-8",
    )
    commit_all(demo, "Only the ML engineer signs the glossary")
    block = run(["status", "--all"], cwd=demo).stdout.split("glossary.yaml (glossary, current)", 1)[
        1
    ]
    roles = [line.split()[0] for line in block.splitlines()[1:3]]
    assert roles == ["ml-engineer", "product-manager"]  # product-manager: the owner


def test_a_change_to_the_glossary_is_gated_until_every_role_signs(demo: Path) -> None:
    git(demo, "checkout", "-q", "-b", "change")
    replace_text(demo, GLOSSARY, "A merchant whose first", "A merchant whose very first")
    commit_all(demo, "Sharpen the definition of a new merchant", author=PEOPLE["grace"])
    blocked = run(["gate", "--base", "main"], cwd=demo)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "glossary.yaml" in blocked.stdout
    for who, role in (
        ("ada", "ml-engineer"),
        ("grace", "product-manager"),
        ("katherine", "domain-expert"),
    ):
        email = PEOPLE[who][1]
        signed = run(["signoff", GLOSSARY, "--role", role, "--email", email], cwd=demo)
        assert signed.returncode == 0, signed.stdout + signed.stderr
        commit_all(demo, f"Sign off the glossary as {role}", author=PEOPLE[who])
    passed = run(["gate", "--base", "main"], cwd=demo)
    assert passed.returncode == 0, passed.stdout + passed.stderr


# --- mltriad new ----------------------------------------------------------------------------------


def test_new_glossary_writes_a_markdown_part_flagged_only_for_placeholders(demo: Path) -> None:
    result = invoke(["-C", str(demo), "new", "glossary", "review-terms"])
    assert result.exit_code == 0, result.output
    assert "Created glossary/review-terms.md." in result.output
    findings = found(demo)
    assert {f.path for f in findings} == {"glossary/review-terms.md"}
    assert {f.rule for f in findings} == {"MT601"}
    text = (demo / "glossary" / "review-terms.md").read_text(encoding="utf-8")
    assert "owner: product-manager  # FILL-IN" in text


def test_new_glossary_needs_a_markdown_glob(demo: Path) -> None:
    replace_text(
        demo,
        "triad.yaml",
        "  glossary: [glossary.yaml, glossary/*.md]",
        "  glossary: glossary.yaml",
    )
    result = invoke(["-C", str(demo), "new", "glossary", "more"])
    assert result.exit_code == 2
    assert "paths.glossary (glossary.yaml) has no glob of Markdown files" in result.output


def test_a_new_model_card_suggests_a_metric_the_glossary_defines(demo: Path) -> None:
    result = invoke(["-C", str(demo), "new", "model-card", "churn"])
    assert result.exit_code == 0, result.output
    text = (demo / "model-cards" / "churn.md").read_text(encoding="utf-8")
    assert (
        "  - metric: recall  # FILL-IN confirm the metric (the glossary defines recall, "
        "precision, false_positive_rate)\n"
    ) in text
    assert "MT701" not in {f.rule for f in found(demo)}
