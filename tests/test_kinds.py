"""Kinds of the team's own (`kinds:` in triad.yaml): the example's problem framing and
experiment plan checked, created, signed, gated and published like the built-in kinds, in
real git repositories; and a bad kind schema refused as a configuration error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mltriad.commands.gate import gate
from tests.helpers import author_env, commit_all, git, invoke

PLAN = "experiment-plans/fraud-detector-shadow-launch.md"
FRAMING = "problem-framings/card-fraud.md"
PLAN_SCHEMA = "kinds/experiment-plan.schema.json"
TEAM = {
    "ml-engineer": ("Ada Lovelace", "ada@example.org"),
    "product-manager": ("Grace Hopper", "grace@example.org"),
    "domain-expert": ("Katherine Johnson", "katherine@example.org"),
}


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """`mltriad init --example` (on main, with the example's history), committed."""
    done = invoke(["init", "--example", str(tmp_path / "demo")])
    assert done.exit_code == 0, done.output
    root = tmp_path / "demo"
    assert git(root, "branch", "--show-current").strip() == "main"
    commit_all(root, "the example", author=TEAM["ml-engineer"])
    return root


def _edit(root: Path, path: str, old: str, new: str) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, path: str, text: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_example_kinds_are_declared_and_their_documents_are_valid(example: Path) -> None:
    done = invoke(["-C", str(example), "check", "--format", "json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert [f["rule"] for f in report["findings"]] == ["MT402"]
    assert report["summary"]["files"] == 13  # the two documents among them
    for path in (PLAN, FRAMING):
        alone = invoke(["-C", str(example), "check", path])
        assert alone.output.splitlines()[-1] == "1 file checked: no findings.", alone.output


def test_a_plan_without_its_stopping_rule_fails_at_a_line(example: Path) -> None:
    text = (example / PLAN).read_text(encoding="utf-8")
    (example / PLAN).write_text(re.sub(r"stopping_rule: >-\n(  .*\n)+", "", text), encoding="utf-8")
    done = invoke(["-C", str(example), "check", PLAN])
    assert done.exit_code == 1, done.output
    assert f"{PLAN}:2:1: error MT101: missing required field 'stopping_rule'" in done.output


def test_a_wrong_value_is_found_at_the_line_of_its_key(example: Path) -> None:
    _edit(example, PLAN, "duration_days: 28", "duration_days: four weeks")
    line = _line_of(example, PLAN, "duration_days:")
    done = invoke(["-C", str(example), "check", PLAN])
    assert done.exit_code == 1
    assert re.search(rf"{PLAN}:{line}:\d+: error MT103: duration_days must be", done.output)


def test_a_reference_to_another_kind_is_resolved_with_a_suggestion(example: Path) -> None:
    _edit(example, PLAN, "model: fraud-detector", "model: fraud-detecter")
    _edit(example, PLAN, "framing: card-fraud", "framing: card-frauds")
    done = invoke(["-C", str(example), "check", PLAN])
    assert done.exit_code == 1
    model_line = _line_of(example, PLAN, "model:")
    assert (
        f"{PLAN}:{model_line}:8: error MT220: model names the model-card 'fraud-detecter', "
        "which does not exist (model-cards/*.md); did you mean 'fraud-detector'?"
    ) in done.output
    assert "names the problem-framing 'card-frauds'" in done.output
    assert "did you mean 'card-fraud'?" in done.output


def test_required_sections_and_the_id_field(example: Path) -> None:
    _edit(example, FRAMING, "## Options\n", "## Alternatives\n")
    _edit(example, FRAMING, "id: card-fraud", "id: card-frauds")
    done = invoke(["-C", str(example), "check", FRAMING])
    assert done.exit_code == 1
    assert "error MT211: the body has no '## Options' or '## Options considered'" in done.output
    assert "kinds.problem-framing.sections in triad.yaml" in done.output
    assert "error MT204: the id 'card-frauds' differs from the file name 'card-fraud'" in (
        done.output
    )


def test_new_writes_a_document_from_the_teams_template(example: Path) -> None:
    done = invoke(["-C", str(example), "new", "experiment-plan", "checkout-redesign"])
    assert done.exit_code == 0, done.output
    text = (example / "experiment-plans/checkout-redesign.md").read_text(encoding="utf-8")
    assert "id: checkout-redesign\ntitle: Checkout redesign\n" in text
    assert "## Hypothesis" in text
    checked = invoke(["-C", str(example), "check", "experiment-plans/checkout-redesign.md"])
    assert checked.exit_code == 1
    rules = set(re.findall(r"error (MT\d+)", checked.output))
    assert rules == {"MT601"}  # only the placeholders are left to fill in
    unknown = invoke(["-C", str(example), "new", "experiment-plans", "x"])
    assert unknown.exit_code == 2
    assert "did you mean 'experiment-plan'?" in unknown.output


def test_status_lists_the_team_kinds_with_their_roles(example: Path) -> None:
    done = invoke(["-C", str(example), "status", "--all"])
    assert done.exit_code == 1 or done.exit_code == 0, done.output
    assert f"{PLAN} (experiment-plan, current): incomplete" in done.output
    assert f"{FRAMING} (problem-framing, current): incomplete" in done.output


def _sign(root: Path, path: str, role: str) -> None:
    name, email = TEAM[role]
    done = invoke(["-C", str(root), "signoff", path, "--role", role, "--email", email])
    assert done.exit_code == 0, done.output
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Sign off {path} as {role}", env=author_env(name, email))


def test_a_pr_that_loosens_its_kinds_schema_is_blocked_until_every_role_signs(
    example: Path,
) -> None:
    git(example, "checkout", "-q", "-b", "loosen")
    schema = json.loads((example / PLAN_SCHEMA).read_text(encoding="utf-8"))
    schema["required"].remove("stopping_rule")
    (example / PLAN_SCHEMA).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    text = (example / PLAN).read_text(encoding="utf-8")
    (example / PLAN).write_text(re.sub(r"stopping_rule: >-\n(  .*\n)+", "", text), "utf-8")
    commit_all(example, "no stopping rule needed", author=TEAM["ml-engineer"])

    result = gate(example, base="main", head="loosen")
    assert not result.passed
    needs = {(f.path, f.rule) for f in result.findings}
    assert (PLAN_SCHEMA, "MT401") in needs  # the schema is policy: every role signs
    rows = {row.artifact: row for row in result.rows}
    assert rows[PLAN_SCHEMA].kind == "policy"
    assert [c.role for c in rows[PLAN_SCHEMA].cells] == list(TEAM)
    assert [c.role for c in rows[PLAN].cells] == ["ml-engineer", "product-manager"]

    for role in ("ml-engineer", "product-manager"):
        _sign(example, PLAN, role)
        _sign(example, PLAN_SCHEMA, role)
    still = gate(example, base="main", head="loosen")
    assert not still.passed
    assert {(f.path, f.rule) for f in still.findings if f.blocks} == {(PLAN_SCHEMA, "MT401")}

    _sign(example, PLAN_SCHEMA, "domain-expert")
    assert gate(example, base="main", head="loosen").passed


def test_the_gate_reads_the_kinds_roles_from_the_base(example: Path) -> None:
    git(example, "checkout", "-q", "-b", "fewer-roles")
    _edit(example, "triad.yaml", "require: [ml-engineer, product-manager]\n", "require: []\n")
    _edit(example, PLAN, "duration_days: 28", "duration_days: 21")
    commit_all(example, "nobody needs to sign plans", author=TEAM["ml-engineer"])
    result = gate(example, base="main", head="fewer-roles")
    rows = {row.artifact: row for row in result.rows}
    assert [c.role for c in rows[PLAN].cells] == ["ml-engineer", "product-manager"]
    assert [c.role for c in rows["triad.yaml"].cells] == list(TEAM)
    assert not result.passed


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"type": "object",\n "required": ["id"]\n "x": 1}',
            r"kinds/experiment-plan\.schema\.json:3: the schema of the kind 'experiment-plan' is not valid JSON",
        ),
        (
            '{"type": "objekt"}',
            r"kinds/experiment-plan\.schema\.json:1: the schema of the kind 'experiment-plan' is not a valid JSON Schema 2020-12: type: 'objekt' is not valid",
        ),
        (
            '{"required": "id"}',
            r"is not a valid JSON Schema 2020-12: required: 'id' is not of type 'array'",
        ),
        (
            '{"properties": {"model": {"$ref": "https://example.org/model.json"}}}',
            r"kinds/experiment-plan\.schema\.json:1: the schema of the kind 'experiment-plan' refers to 'https://example.org/model.json', outside the file; mltriad never fetches a schema",
        ),
        (
            '{"$ref": "common.json#/$defs/x"}',
            r"refers to 'common.json#/\$defs/x', outside the file",
        ),
        (
            '{"$schema": "http://json-schema.org/draft-07/schema#"}',
            r"declares \$schema 'http://json-schema.org/draft-07/schema#'; mltriad reads JSON Schema 2020-12 only",
        ),
        (
            '{"properties": {"model": {"type": "string", "x-mltriad-ref": "model-cards"}}}',
            r"marks model as naming a 'model-cards', which is not a kind \(did you mean 'model-card'\?\)",
        ),
        (
            '{"properties": {"id": {"pattern": "[unclosed"}}}',
            r"is not a valid JSON Schema 2020-12: properties\.id\.pattern: '\[unclosed' is not a 'regex'",
        ),
    ],
)
def test_a_bad_kind_schema_is_a_configuration_error(
    example: Path, content: str, expected: str
) -> None:
    (example / PLAN_SCHEMA).write_text(content, encoding="utf-8")
    for command in (["check"], ["status", "--all"]):
        done = invoke(["-C", str(example), *command])
        assert done.exit_code == 2, done.output
        assert re.search(expected, done.output), done.output
        assert "Traceback" not in done.output


@pytest.mark.parametrize(
    ("paths", "refused"),
    [
        ([PLAN], True),  # a document of the kind
        ([PLAN_SCHEMA], True),  # the kind's schema itself, as pre-commit passes it
        (["triad.yaml"], True),  # the policy: every kind it declares
        (["model-cards/fraud-detector.md", PLAN], True),
        (["model-cards/fraud-detector.md"], False),  # neither: the hook does not read it
        ([FRAMING], False),  # another kind's document
    ],
)
def test_a_check_of_paths_compiles_the_schemas_of_the_kinds_it_checks(
    example: Path, paths: list[str], refused: bool
) -> None:
    # Compiling a schema costs the hook start-up time, so `check PATH...` compiles the
    # schemas of the kinds among its paths only; a whole check compiles every one.
    (example / PLAN_SCHEMA).write_text('{"type": "objekt"}', encoding="utf-8")
    done = invoke(["-C", str(example), "check", *paths])
    if refused:
        assert done.exit_code == 2, done.output
        assert "the schema of the kind 'experiment-plan' is not a valid JSON Schema" in done.output
    else:
        assert done.exit_code == 0, done.output
        assert "experiment-plan" not in done.output


def test_a_file_under_the_globs_of_two_kinds_is_one_kind_and_mt221(example: Path) -> None:
    card = "model-cards/fraud-detector.md"
    _edit(
        example,
        "triad.yaml",
        "    paths: experiment-plans/*.md\n",
        "    paths: [experiment-plans/*.md, model-cards/*.md]\n",
    )
    for args in (["check"], ["check", card]):
        done = invoke(["-C", str(example), *args[:1], "--format", "json", *args[1:]])
        assert done.exit_code == 1, done.output
        findings = [f for f in json.loads(done.output)["findings"] if f["severity"] != "info"]
        assert {(f["rule"], f["path"]) for f in findings} == {("MT221", card)}, findings
        (message,) = (f["message"] for f in findings)
        assert message.startswith(
            "the paths of 2 kinds match this file (model-card: model-cards/*.md; "
            "experiment-plan: experiment-plans/*.md, model-cards/*.md); it is checked as a "
            "model-card only"
        )


def test_a_missing_schema_file_names_the_line_of_triad_yaml(example: Path) -> None:
    (example / PLAN_SCHEMA).unlink()
    done = invoke(["-C", str(example), "check"])
    assert done.exit_code == 2
    line = _line_of(example, "triad.yaml", "schema: kinds/experiment-plan.schema.json")
    assert (
        f"triad.yaml:{line}: kinds.experiment-plan.schema names {PLAN_SCHEMA}, which is not "
        "in the working tree"
    ) in done.output


def test_a_kind_may_not_take_a_built_in_kinds_id(example: Path) -> None:
    _edit(example, "triad.yaml", "  experiment-plan:\n", "  eval-set:\n")
    done = invoke(["-C", str(example), "check"])
    assert done.exit_code == 2
    assert "kinds declares 'eval-set', which is a kind mltriad already has" in done.output


def test_init_kinds_adds_the_definitions_to_an_existing_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    assert invoke(["init", str(root)]).exit_code == 0
    before = (root / "triad.yaml").read_text(encoding="utf-8")
    assert "kinds:" not in before
    done = invoke(["init", "--kinds", str(root)])
    assert done.exit_code == 0, done.output
    after = (root / "triad.yaml").read_text(encoding="utf-8")
    assert after.startswith(before) and "\nkinds:\n  problem-framing:\n" in after
    assert "triad.yaml  (the kinds: block declaring problem-framing and experiment-plan)" in (
        done.output
    )
    for name in ("experiment-plan.schema.json", "problem-framing.template.md"):
        assert (root / "kinds" / name).is_file()
    assert "@@ID@@" in (root / "kinds/experiment-plan.template.md").read_text(encoding="utf-8")
    assert invoke(["-C", str(root), "check"]).exit_code == 0
    # Once more: nothing to add. With a kinds: block of another content: say what to add.
    again = invoke(["init", "--kinds", str(root)])
    assert "Nothing to do" in again.output
    _edit(root, "triad.yaml", "  experiment-plan:\n", "  plan:\n")
    (root / PLAN_SCHEMA).write_text("{}\n", encoding="utf-8")
    kept = invoke(["init", "--kinds", str(root)])
    assert "it has a kinds: block already; add problem-framing and experiment-plan" in (kept.output)
    assert (
        f"Skipped, because they exist and differ (--force overwrites them):\n  {PLAN_SCHEMA}"
        in (kept.output)
    )
    assert (root / PLAN_SCHEMA).read_text(encoding="utf-8") == "{}\n"


def test_the_site_shows_the_team_kinds(example: Path) -> None:
    pytest.importorskip("mkdocs")
    from tests.helpers.site import build

    built = build(example)
    assert built.returncode == 0, built.stderr
    site = example / "site"
    index = (site / "triad/kinds/experiment-plan/index.html").read_text(encoding="utf-8")
    assert "Experiment plans" in index and "Fraud detector 2.1 against the rules" in index
    page = (site / "triad/kinds/experiment-plan/fraud-detector-shadow-launch/index.html").read_text(
        encoding="utf-8"
    )
    assert "Stopping rule" in page and "Unit of randomisation" in page
    assert 'href="../../../models/fraud-detector/"' in page
    framing = (site / "triad/kinds/problem-framing/card-fraud/index.html").read_text("utf-8")
    assert "Decision owners" in framing
    home = (site / "triad/index.html").read_text(encoding="utf-8")
    assert "Problem framings" in home


def test_schema_prints_a_team_kinds_schema_and_lists_it(example: Path) -> None:
    listing = invoke(["-C", str(example), "schema"])
    assert "experiment-plan kinds/experiment-plan.schema.json (in this repository)" in (
        listing.output
    )
    shown = invoke(["-C", str(example), "schema", "experiment-plan"])
    assert shown.exit_code == 0
    assert json.loads(shown.output) == json.loads((example / PLAN_SCHEMA).read_text("utf-8"))
    wrong = invoke(["-C", str(example), "schema", "experiment-plans"])
    assert wrong.exit_code == 2
    assert "there is no kind 'experiment-plans' (did you mean 'experiment-plan'?)" in (wrong.output)


def test_a_change_to_a_kinds_template_needs_every_role(example: Path) -> None:
    git(example, "checkout", "-q", "-b", "template")
    _edit(example, "kinds/experiment-plan.template.md", "status: draft", "status: approved")
    commit_all(example, "plans start approved", author=TEAM["ml-engineer"])
    result = gate(example, base="main", head="template")
    [row] = result.rows
    assert (row.artifact, row.kind) == ("kinds/experiment-plan.template.md", "policy")
    assert [c.role for c in row.cells] == list(TEAM)
    assert not result.passed


def test_the_gate_fails_closed_on_a_broken_kind_schema_in_the_base(example: Path) -> None:
    (example / PLAN_SCHEMA).write_text('{"type": "objekt"}', encoding="utf-8")
    commit_all(example, "a broken schema lands", author=TEAM["ml-engineer"])
    git(example, "checkout", "-q", "-b", "fix")
    _edit(example, PLAN, "duration_days: 28", "duration_days: 21")
    commit_all(example, "a plan change", author=TEAM["ml-engineer"])
    done = invoke(["-C", str(example), "gate", "--base", "main"])
    assert done.exit_code == 2
    assert "cannot be used: the schema of the kind 'experiment-plan' is not a valid" in (
        done.output
    )
