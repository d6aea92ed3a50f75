"""The exact wording a user sees for a mistyped name, a broken triad.yaml and a data file
that does not match its manifest, through the real command."""

from __future__ import annotations

from pathlib import Path

import pytest

from mltriad.schemas import _PATTERN_HINTS, did_you_mean, schema
from tests.helpers import (
    CARD,
    DECISION,
    EVAL_SET,
    ROOT,
    commit_all,
    git,
    make_repo,
    replace_text,
    run,
)

ROLES = "roles: ml-engineer, product-manager, domain-expert"
OLD = "decisions/0001-use-logistic-regression.md"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def check_lines(repo: Path) -> list[str]:
    result = run(["check"], cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if ": error MT" in line]


def test_a_role_with_a_space_is_one_finding_with_the_role_meant(repo: Path) -> None:
    replace_text(repo, OLD, "driver: ml-engineer", "driver: ml engineer")
    assert check_lines(repo) == [
        f"{OLD}:5:9: error MT201: driver names the role 'ml engineer', which triad.yaml does "
        f"not define ({ROLES}); did you mean 'ml-engineer'?"
    ]


def test_a_mistyped_role_in_a_list_and_an_eval_set_owner(repo: Path) -> None:
    replace_text(
        repo,
        OLD,
        "approvers: [ml-engineer, product-manager]",
        "approvers: [ml-engineer, Product_Manager]",
    )
    replace_text(repo, EVAL_SET, "owner: product-manager", "owner: domain-experts")
    lines = [line for line in check_lines(repo) if "MT201" in line or "MT105" in line]
    assert lines == [
        f"{OLD}:6:26: error MT201: approvers names the role 'Product_Manager', which "
        f"triad.yaml does not define ({ROLES}); did you mean 'product-manager'?",
        f"{EVAL_SET}:7:8: error MT201: owner names the role 'domain-experts', which "
        f"triad.yaml does not define ({ROLES}); did you mean 'domain-expert'?",
    ]


def test_references_to_eval_sets_decisions_and_models_say_the_name_meant(repo: Path) -> None:
    replace_text(repo, CARD, "eval_sets: [fraud-holdout]", "eval_sets: [fraud-holdot]")
    replace_text(repo, CARD, "decisions: [2]", "decisions: [use-gradient-boosting]")
    replace_text(repo, DECISION, "models: [fraud-detector]", "models: [fraud-detecter]")
    replace_text(repo, DECISION, "supersedes: [1]", "supersedes: [use-logistic-regression]")
    lines = check_lines(repo)
    expected = [
        f"{CARD}:17:13: error MT206: eval_sets[0] names 'fraud-holdot', which does not exist "
        "(eval-sets/*.yaml); did you mean 'fraud-holdout'?",
        f"{CARD}:46:13: error MT207: decisions[0] names 'use-gradient-boosting', which "
        "does not exist (decisions/*.md); did you mean '0002-use-gradient-boosting'?",
        f"{DECISION}:8:14: error MT207: supersedes[0] names 'use-logistic-regression', "
        "which does not exist (decisions/*.md); did you mean "
        "'0001-use-logistic-regression'?",
        f"{DECISION}:9:10: error MT208: models[0] names 'fraud-detecter', which does not "
        "exist (model-cards/*.md); did you mean 'fraud-detector'?",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)


def test_a_name_that_is_nothing_like_any_gets_no_guess(repo: Path) -> None:
    replace_text(repo, DECISION, "models: [fraud-detector]", "models: [churn]")
    assert check_lines(repo) == [
        f"{DECISION}:9:10: error MT208: models[0] names 'churn', which does not exist "
        "(model-cards/*.md)"
    ]


def test_a_pattern_error_says_how_to_write_the_value_not_what_the_field_is(repo: Path) -> None:
    replace_text(repo, EVAL_SET, "id: fraud-holdout", "id: Fraud Holdout")
    lines = check_lines(repo)
    assert (
        f"{EVAL_SET}:1:5: error MT105: id is 'Fraud Holdout', which is not valid: use "
        "lowercase letters and digits joined by dashes, such as 'fraud-detector'"
    ) in lines
    description = schema("eval-set")["properties"]["id"]["description"]
    assert not any(description in line for line in lines)


def test_every_pattern_of_the_schemas_has_a_hint_in_words() -> None:
    patterns: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for kind in ("model-card", "decision", "eval-set", "signoff", "policy"):
        walk(schema(kind))
    assert patterns and patterns <= set(_PATTERN_HINTS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ml engineer", "ml-engineer"), ("ML_Engineer", "ml-engineer"), ("ml-enginer", "ml-engineer")],
)
def test_did_you_mean_treats_spaces_dashes_underscores_and_case_alike(
    typed: str, meant: str
) -> None:
    assert did_you_mean(typed, ["ml-engineer", "product-manager"]) == meant


def test_a_broken_triad_yaml_is_said_once(repo: Path) -> None:
    replace_text(repo, "triad.yaml", "identity: author", "identity: autor")
    for command in (["check"], ["signoff", CARD, "--role", "ml-engineer"]):
        result = run(command, cwd=repo)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "triad.yaml:25:13: error MT104: signoff.identity is 'autor', which is not "
            "allowed; use one of: author, signature (did you mean 'author'?)",
            "mltriad: error: triad.yaml has a problem (above); fix it and run again.",
        ], command


def test_a_broken_base_policy_is_said_once_with_where_it_is(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "change")
    replace_text(repo, "triad.yaml", "identity: author", "identity: autor")
    replace_text(repo, "triad.yaml", "distinct_signers: true", "distinct_signers: yes please")
    commit_all(repo, "break the policy")
    result = run(["gate", "--base", "change"], cwd=repo)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and lines[0].startswith("triad.yaml:25:13: error MT104: ")
    assert lines[1].startswith("triad.yaml:26:21: error MT103: ")
    assert lines[2].startswith("mltriad: error: triad.yaml in the base commit ")
    assert lines[2].endswith(
        "has 2 problems (above), so it cannot be used. The gate reads the policy from the "
        "base branch, never from the change: fix triad.yaml there first."
    )


def test_a_data_file_of_another_size_says_both_possibilities(repo: Path) -> None:
    data = repo / "data" / "fraud-holdout" / "new-merchants.csv"
    with data.open("a", encoding="utf-8") as handle:
        handle.write("nm-00301,3,12.00,DE,fraud\n")
    path = "data/fraud-holdout/new-merchants.csv"
    assert check_lines(repo) == [
        f"{EVAL_SET}:27:17: error MT304: '{path}' has 8,069 bytes, but the manifest records "
        "8,043 bytes. Either the data changed since the manifest was written (restore it, "
        "or record the new sha256 and size and re-run the evaluations that used this set), "
        f"or the manifest is wrong (correct it: `sha256sum {path}` and `stat -c %s {path}` "
        "print the right values)"
    ]


# -- the documented heading matching is the implemented one ---------------------------------
MATCHING = (
    "A heading of any level matches when it contains the entry's words in order, ignoring "
    "case and punctuation (`&` counts as `and`): `## Known limitations` matches `Limitations`"
)


def _squashed(text: str) -> str:
    """Text without line breaks, comment marks and heading marks, in lowercase."""
    return " ".join(text.replace("#", " ").split()).lower()


@pytest.mark.parametrize(
    "where",
    ["template-repo/base/triad.yaml", "schemas/triad.schema.json", "docs/concepts/artifacts.md"],
)
def test_heading_matching_is_described_in_the_same_words_everywhere(where: str) -> None:
    text = _squashed((ROOT / where).read_text(encoding="utf-8"))
    assert _squashed(MATCHING) in text, where


@pytest.mark.parametrize(
    ("heading", "entry", "matches"),
    [
        ("## Known caveats", "Caveats", True),  # as the documented example
        ("### CAVEATS", "Caveats", True),  # any level, any case
        ("Caveats\n-------", "Caveats", True),  # a setext heading
        ("## Risks & caveats", "Risks, and Caveats", True),
        ("## Caveats and risks:", "Caveats and Risks", True),
        ("## Caveat", "Caveats", False),  # words, not prefixes
        ("## Caveats of scope", "Scope caveats", False),  # in order
        ("Caveats, in prose", "Caveats", False),  # not a heading
        ("## Überblick", "überblick", True),  # letters of any script
        ("## Uberblick", "Überblick", False),
    ],
)
def test_heading_matching_does_what_the_docs_say(
    repo: Path, heading: str, entry: str, matches: bool
) -> None:
    policy = repo / "triad.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8") + f'sections:\n  model-card: ["{entry}"]\n',
        encoding="utf-8",
    )
    card = repo / CARD
    card.write_text(card.read_text(encoding="utf-8") + f"\n{heading}\n\nText.\n", encoding="utf-8")
    result = run(["check", CARD], cwd=repo)
    assert ("MT211" not in result.stdout) is matches, result.stdout


def test_a_heading_in_fenced_code_is_not_a_heading(repo: Path) -> None:
    policy = repo / "triad.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8") + 'sections:\n  model-card: ["Appendix"]\n',
        encoding="utf-8",
    )
    card = repo / CARD
    card.write_text(
        card.read_text(encoding="utf-8") + "\n```markdown\n## Appendix\n```\n", encoding="utf-8"
    )
    result = run(["check", CARD], cwd=repo)
    assert "error MT211: the body has no '## Appendix' section" in result.stdout
