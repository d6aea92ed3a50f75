"""`mltriad new KIND NAME`: artifacts from templates, flagged only for their placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mltriad.commands.check import check
from mltriad.commands.init import init
from mltriad.commands.new import new, next_decision_number
from mltriad.findings import Finding
from tests.helpers import beyond_example, commit_all, git, invoke

NEW_FILES = {
    "model-card": "model-cards/churn-predictor.md",
    "decision": "decisions/0003-retrain-monthly.md",
    "eval-set": "eval-sets/churn-holdout.yaml",
}
NAMES = {
    "model-card": "churn-predictor",
    "decision": "retrain-monthly",
    "eval-set": "churn-holdout",
}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """`mltriad init --example`, committed on main."""
    root = tmp_path / "demo"
    init(root, example=True)
    commit_all(root, "mltriad init --example")
    return root


def mltriad_new(repo: Path, *args: str) -> tuple[int, str]:
    result = invoke(["-C", str(repo), "new", *args])
    return result.exit_code, result.output


def findings_in(repo: Path, path: str) -> list[Finding]:
    return [f for f in check(repo).findings if f.path == path]


def fill_in(text: str) -> str:
    """What a person does with the placeholders: delete the marked comments, write text."""
    text = re.sub(r"[ \t]+# FILL-IN[^\n]*", "", text)
    return re.sub(r"FILL-IN[^\n#]*", "Written by the team.", text)


# --- Each kind ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NEW_FILES))
def test_new_file_is_flagged_only_for_its_placeholders(demo: Path, kind: str) -> None:
    code, output = mltriad_new(demo, kind, NAMES[kind])
    assert code == 0, output
    path = NEW_FILES[kind]
    assert f"Created {path}." in output
    findings = beyond_example(check(demo).findings)
    assert findings, "the placeholders are reported"
    assert {f.path for f in findings} == {path}
    assert {f.rule for f in findings} <= {"MT601", "MT602"}
    lines = (demo / path).read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if "@@" in line]  # every template field filled in
    for f in findings:
        if f.rule == "MT601":
            assert "FILL-IN" in lines[f.line - 1], f
    count = re.search(r"Replace its (\d+) FILL-IN", output)
    assert count is not None
    assert int(count.group(1)) == len([f for f in findings if f.rule == "MT601"])


@pytest.mark.parametrize("kind", list(NEW_FILES))
def test_filling_in_the_placeholders_clears_every_finding(demo: Path, kind: str) -> None:
    assert mltriad_new(demo, kind, NAMES[kind])[0] == 0
    changed = [NEW_FILES[kind]] + (["docs/labels/churn-holdout.md"] if kind == "eval-set" else [])
    for path in changed:
        (demo / path).write_text(fill_in((demo / path).read_text(encoding="utf-8")), "utf-8")
    assert beyond_example(check(demo).findings) == []


def test_new_model_card_suggests_the_roster_and_the_required_sections(demo: Path) -> None:
    new(demo, "model-card", "churn-predictor")
    text = (demo / NEW_FILES["model-card"]).read_text(encoding="utf-8")
    assert text.startswith("---\nid: churn-predictor\ntitle: Churn predictor\n")
    assert "  product-manager: grace@example.org  # FILL-IN confirm" in text
    assert "\n## Intended use\n" in text and "\n## Limitations\n" in text
    assert "status: draft" in text


def test_new_eval_set_writes_a_label_spec_and_meets_the_share_rules(demo: Path) -> None:
    code, output = mltriad_new(demo, "eval-set", "churn-holdout")
    assert code == 0, output
    assert "Created docs/labels/churn-holdout.md (the label specification)." in output
    text = (demo / NEW_FILES["eval-set"]).read_text(encoding="utf-8")
    assert "label_spec: docs/labels/churn-holdout.md" in text
    assert "source: production" in text and "defined_by: domain-expert" in text
    rules = {f.rule for f in findings_in(demo, NEW_FILES["eval-set"])}
    assert "MT602" in rules and not rules & {"MT301", "MT302", "MT303"}


def test_an_existing_label_spec_is_kept(demo: Path) -> None:
    spec = demo / "docs" / "labels" / "churn-holdout.md"
    spec.write_text("# Churn labels\n\nChurned: no login for 60 days.\n", encoding="utf-8")
    code, output = mltriad_new(demo, "eval-set", "churn-holdout")
    assert code == 0, output
    assert spec.read_text(encoding="utf-8") == "# Churn labels\n\nChurned: no login for 60 days.\n"
    assert "Kept docs/labels/churn-holdout.md" in output
    assert "MT602" not in {f.rule for f in findings_in(demo, NEW_FILES["eval-set"])}


def test_new_in_a_repository_without_a_roster_says_who_is_missing(tmp_path: Path) -> None:
    init(tmp_path)
    code, output = mltriad_new(tmp_path, "model-card", "churn")
    assert code == 0
    assert "triad.yaml lists nobody in ml-engineer, product-manager, domain-expert yet" in output


# --- Decision numbers ----------------------------------------------------------------------


def test_decision_takes_the_next_free_number(demo: Path) -> None:
    code, output = mltriad_new(demo, "decision", "retrain-monthly")
    assert code == 0, output
    assert "Created decisions/0003-retrain-monthly.md." in output
    text = (demo / "decisions" / "0003-retrain-monthly.md").read_text(encoding="utf-8")
    assert "\n# Retrain monthly\n" in text and "approvers: [ml-engineer, product-manager]" in text
    assert "supersedes" not in text


def test_decision_number_also_counts_the_base_branch(demo: Path) -> None:
    git(demo, "switch", "-q", "-c", "feature")
    git(demo, "switch", "-q", "main")
    assert mltriad_new(demo, "decision", "use-feature-store")[0] == 0
    commit_all(demo, "decision 0003 on main")
    git(demo, "switch", "-q", "feature")
    code, output = mltriad_new(demo, "decision", "retrain-monthly", "--base", "main")
    assert code == 0, output
    assert "Created decisions/0004-retrain-monthly.md." in output
    (demo / "decisions" / "0004-retrain-monthly.md").unlink()
    code, output = mltriad_new(demo, "decision", "retrain-monthly")
    assert "Created decisions/0003-retrain-monthly.md." in output  # without --base: 0003


def test_a_name_taken_on_the_base_branch_is_refused(demo: Path) -> None:
    git(demo, "switch", "-q", "-c", "feature")
    git(demo, "switch", "-q", "main")
    assert mltriad_new(demo, "model-card", "churn-predictor")[0] == 0
    commit_all(demo, "churn card on main")
    git(demo, "switch", "-q", "feature")
    code, output = mltriad_new(demo, "model-card", "churn-predictor", "--base", "main")
    assert code == 2
    assert "already exists on main (model-cards/churn-predictor.md)" in output
    assert not (demo / "model-cards" / "churn-predictor.md").exists()


def test_an_unknown_base_is_a_sentence_with_exit_2(demo: Path) -> None:
    code, output = mltriad_new(demo, "decision", "x", "--base", "origin/nowhere")
    assert code == 2
    assert "the base 'origin/nowhere' is not a commit in this repository" in output
    assert "git fetch" in output


def test_base_outside_a_git_repository_is_refused(tmp_path: Path) -> None:
    init(tmp_path / "plain")
    (tmp_path / "plain" / ".git").rename(tmp_path / "git-moved")
    code, output = mltriad_new(tmp_path / "plain", "decision", "x", "--base", "main")
    assert code == 2 and "needs a git repository" in output


def test_next_number_keeps_the_width_records_use() -> None:
    assert next_decision_number([]) == (1, 4)
    assert next_decision_number(["decisions/0009-a.md", "decisions/0010-b.md"]) == (11, 4)
    assert next_decision_number(["adr/001-a.md", "adr/README.md"]) == (2, 3)


# --- Supersedes ----------------------------------------------------------------------------


def test_supersedes_updates_the_superseded_record(demo: Path) -> None:
    code, output = mltriad_new(demo, "decision", "retrain-monthly", "--supersedes", "2")
    assert code == 0, output
    assert "Updated decisions/0002-use-gradient-boosting.md (status: superseded by 0003)." in output
    old = (demo / "decisions" / "0002-use-gradient-boosting.md").read_text(encoding="utf-8")
    assert old.startswith("---\nstatus: superseded by 0003\ndate: 2026-06-01\n")
    assert old.count("status:") == 1
    new_text = (demo / NEW_FILES["decision"]).read_text(encoding="utf-8")
    assert "\nsupersedes: [2]\n" in new_text
    assert {f.rule for f in beyond_example(check(demo).findings)} == {
        "MT601"
    }  # no one-sided link (MT209)


def test_supersedes_keeps_the_rest_of_the_record_byte_for_byte(demo: Path) -> None:
    path = demo / "decisions" / "0002-use-gradient-boosting.md"
    before = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(before)
    assert mltriad_new(demo, "decision", "retrain-monthly", "--supersedes", "0002")[0] == 0
    after = path.read_bytes()
    assert after == before.replace(b"status: accepted\r\n", b"status: superseded by 0003\r\n")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("9", "there is no decision record 9"),
        ("1", "is already superseded by 0002"),
    ],
)
def test_supersedes_refuses_what_cannot_be_superseded(demo: Path, ref: str, message: str) -> None:
    code, output = mltriad_new(demo, "decision", "retrain-monthly", "--supersedes", ref)
    assert code == 2 and message in output
    assert not (demo / NEW_FILES["decision"]).exists()


def test_supersedes_is_for_decisions_only(demo: Path) -> None:
    code, output = mltriad_new(demo, "model-card", "churn", "--supersedes", "1")
    assert code == 2 and "--supersedes applies to decisions only" in output


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "existing"),
    [
        ("model-card", "fraud-detector", "model-cards/fraud-detector.md"),
        ("eval-set", "fraud-holdout", "eval-sets/fraud-holdout.yaml"),
        ("decision", "use-gradient-boosting", "decisions/0002-use-gradient-boosting.md"),
    ],
)
def test_an_existing_name_is_refused(demo: Path, kind: str, name: str, existing: str) -> None:
    before = (demo / existing).read_bytes()
    code, output = mltriad_new(demo, kind, name)
    assert code == 2
    assert f"a {kind} named '{name}' already exists ({existing})" in output
    assert (demo / existing).read_bytes() == before
    assert git(demo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        (
            "model-card",
            "Churn Model",
            "'Churn Model' is not a valid model-card name: use lowercase "
            "letters and digits in words joined by single dashes, such as 'churn-model'",
        ),
        ("eval-set", "churn_holdout", "such as 'churn-holdout'"),
        ("model-card", "churn--model", "is not a valid model-card name"),
        ("model-card", "../escape", "is not a valid model-card name"),
        ("decision", "0003-use-gbm", "starts with a number; give the name without it"),
        ("model-card", "a" * 65, "a model-card name may have at most 64"),
    ],
)
def test_an_invalid_name_is_refused_with_the_rule(
    demo: Path, kind: str, name: str, message: str
) -> None:
    code, output = mltriad_new(demo, kind, name)
    assert code == 2 and message in output
    assert git(demo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("kind", "hint"), [("model_card", " (did you mean 'model-card'?)"), ("adr", "")]
)
def test_an_unknown_kind_is_refused(demo: Path, kind: str, hint: str) -> None:
    code, output = mltriad_new(demo, kind, "x")
    assert code == 2
    assert (
        f"mltriad does not know the kind '{kind}'; use model-card, decision, eval-set, glossary, "
        f"problem-framing or experiment-plan{hint}"
    ) in output


def test_new_outside_a_governed_repository_says_to_run_init(tmp_path: Path) -> None:
    code, output = mltriad_new(tmp_path, "model-card", "churn")
    assert code == 2 and "mltriad init" in output


# --- The policy shapes the template --------------------------------------------------------


def test_paths_and_sections_come_from_triad_yaml(demo: Path) -> None:
    policy = demo / "triad.yaml"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("model-cards: model-cards/*.md", "model-cards: docs/models/**/*.md")
    text = text.replace(
        '    - [Limitations, "Bias, Risks, and Limitations", Risks and limitations]\n',
        '    - [Limitations, "Bias, Risks, and Limitations", Risks and limitations]\n'
        "    - Ethical considerations\n",
    )
    policy.write_text(text, encoding="utf-8")
    (demo / "docs" / "models").mkdir()
    (demo / "model-cards" / "fraud-detector.md").rename(demo / "docs" / "models" / "fraud.md")
    code, output = mltriad_new(demo, "model-card", "churn")
    assert code == 0, output
    card = (demo / "docs" / "models" / "churn.md").read_text(encoding="utf-8")
    assert (
        "\n## Ethical considerations\n\nFILL-IN what the ethical considerations section says\n"
        in card
    )
    assert {f.rule for f in findings_in(demo, "docs/models/churn.md")} == {"MT601"}
