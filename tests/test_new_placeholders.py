"""MT601-MT602: the FILL-IN placeholders that `mltriad new` writes, and how check reports them."""

from __future__ import annotations

from pathlib import Path

from mltriad.commands.check import check
from mltriad.commands.init import init
from mltriad.rules import all_rules
from mltriad.rules.placeholder_rules import find_placeholders
from mltriad.values import PLACEHOLDER, placeholder
from tests.helpers import beyond_example

CARD = "model-cards/fraud-detector.md"


def test_a_value_and_a_comment_are_told_apart() -> None:
    text = "input: FILL-IN what the model receives\nmin: 0  # FILL-IN the launch bar\n"
    value, comment = find_placeholders(text)
    assert (value.line, value.col, value.in_comment) == (1, 8, False)
    assert value.text == "FILL-IN what the model receives"
    assert (comment.line, comment.col, comment.in_comment) == (2, 11, True)
    assert comment.text == "# FILL-IN the launch bar"


def test_a_value_placeholder_ends_where_its_comment_starts() -> None:
    [found] = find_placeholders("  pm: FILL-IN@example.org  # the accountable product manager\n")
    assert found.text == "FILL-IN@example.org" and not found.in_comment


def test_two_on_a_line_are_one_finding_quoting_the_first() -> None:
    [found] = find_placeholders("Chosen: FILL-IN the option, because FILL-IN the reason.\n")
    assert found.text == "FILL-IN the option, because"


def test_in_markdown_a_hash_is_a_heading_not_a_comment() -> None:
    [found] = find_placeholders("---\nid: x\n---\n# FILL-IN a title\n", prose_from=4)
    assert not found.in_comment and found.text == "FILL-IN a title"


def test_only_the_word_in_capitals_is_a_placeholder() -> None:
    text = "The fill-in rate rose.\nFILL-INS are not it, nor XFILL-IN.\nFill-In either.\n"
    assert find_placeholders(text) == []


def test_placeholder_text_helper() -> None:
    assert placeholder("what the model receives") == f"{PLACEHOLDER} what the model receives"


def test_check_reports_each_placeholder_line_of_an_artifact(tmp_path: Path) -> None:
    init(tmp_path, example=True)
    card = tmp_path / CARD
    text = card.read_text(encoding="utf-8")
    text = text.replace("intended_use: Route risky", "intended_use: FILL-IN who uses it. Route")
    text = text.replace("## Limitations\n", "## Limitations\n\nFILL-IN where it fails.\n")
    card.write_text(text, encoding="utf-8")
    found = [f for f in check(tmp_path).findings if f.path == CARD]
    assert [(f.rule, f.severity.value) for f in found] == [("MT601", "error")] * 2
    assert "placeholder left in place ('FILL-IN who uses it. Route" in found[0].message


def test_a_label_spec_with_placeholders_is_reported_on_the_eval_set(tmp_path: Path) -> None:
    init(tmp_path, example=True)
    spec = tmp_path / "docs" / "labels" / "fraud-holdout.md"
    spec.write_text(spec.read_text(encoding="utf-8") + "\nFILL-IN the appeal process.\n", "utf-8")
    [found] = beyond_example(check(tmp_path).findings)
    assert (found.path, found.rule) == ("eval-sets/fraud-holdout.yaml", "MT602")
    assert "docs/labels/fraud-holdout.md still holds 1 placeholder(s)" in found.message


def test_the_rules_are_in_the_catalogue_with_an_example_and_a_fix() -> None:
    rules = {r.id: r for r in all_rules()}
    for rule_id in ("MT601", "MT602"):
        assert rules[rule_id].example and rules[rule_id].fix
        assert PLACEHOLDER in rules[rule_id].summary
